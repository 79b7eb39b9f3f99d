#!/usr/bin/env python
"""Benchmark: a return whose sheets claim a million formatted rows, against the same return without.

    python bench/bench_formatted_rows.py [--repeat 7]

Builds one realistic return (the demo generator), then variants of it by rewriting sheet XML:

  plain      the return as generated;
  claim      every sheet claims rows to 1,048,576 the way Excel writes whole-column formatting:
             <dimension ref="A1:…1048576"/> and a style on every column (<cols>);
  rows-one   the largest data sheet also has 1,048,576 explicit formatted rows
             (<row r=… s=… customFormat="1"> with a styled empty cell), as left by formatting rows;
  rows-all   every data sheet has them.

For each it prints the file size, the median time of read + validate (addin.consolidate.run.read_one,
one process) and of python-calamine alone on the unmodified package, and the ratio to plain.
It checks that every variant gives the same rows and findings as plain. Figures only.
"""
from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LAST_ROW = 1_048_576


def _sheets(data: bytes) -> dict[str, str]:
    """Sheet title -> package member."""
    from workbook_templates.reader import SheetXml

    return SheetXml(data).members()


def _rewrite(data: bytes, members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zi, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            zo.writestr(info.filename, members.get(info.filename) or zi.read(info))
    return out.getvalue()


def _claim(xml: str) -> str:
    xml = re.sub(r'<dimension ref="([A-Z]+)1:([A-Z]+)\d+"/>', rf'<dimension ref="\g<1>1:\g<2>{LAST_ROW}"/>', xml)
    return re.sub(r'<col ([^>]*?)/>', lambda m: f'<col {m.group(1)} style="1"/>' if "style=" not in m.group(1)
                  else m.group(0), xml)


def _rows(xml: str) -> str:
    last = max((int(x) for x in re.findall(r'<row r="(\d+)"', xml)), default=1)
    tail = "".join(f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/></row>'
                   for r in range(last + 1, LAST_ROW + 1))
    return xml.replace("</sheetData>", tail + "</sheetData>")


def variants(data: bytes, data_titles: list[str]) -> dict[str, bytes]:
    sheets = _sheets(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = {t: z.read(m).decode() for t, m in sheets.items()}
    largest = max(data_titles, key=lambda t: len(xml[t]))
    claim = {t: _claim(x) for t, x in xml.items()}
    return {
        "plain": data,
        "claim": _rewrite(data, {sheets[t]: x.encode() for t, x in claim.items()}),
        "rows-one": _rewrite(data, {sheets[t]: (_rows(x) if t == largest else x).encode() for t, x in claim.items()}),
        "rows-all": _rewrite(data, {sheets[t]: (_rows(x) if t in data_titles else x).encode()
                                    for t, x in claim.items()}),
    }


def _time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="“整列/整行设置了格式”的报送文件：读取耗时与不带格式行的同一文件对比")
    ap.add_argument("--repeat", type=int, default=7, help="每种文件重复读取的次数，取中位数（默认 7）")
    args = ap.parse_args(argv)

    import python_calamine

    from addin.consolidate.run import read_one
    from addin.demo.generator import generate_demo
    from addin.campaign.settings import load_campaign
    from workbook_templates.contract import load_contract

    campaign = load_campaign()
    contract = load_contract()
    with tempfile.TemporaryDirectory() as tmp:
        manifest = generate_demo(Path(tmp) / "demo", campaign, seed=2022)
        name = sorted(f["name"] for f in manifest.files if f["used"] and f["city"] not in manifest.planted_cities)[0]
        base = (Path(manifest.out_dir) / name).read_bytes()
        titles = [s.title for s in contract.sheets if s.kind == "table"]
        files = {}
        for kind, data in variants(base, titles).items():
            p = Path(tmp) / f"{kind}.xlsx"
            p.write_bytes(data)
            files[kind] = p

        def calamine_all(path: Path) -> None:
            wb = python_calamine.CalamineWorkbook.from_path(str(path))
            for s in wb.sheet_names:
                wb.get_sheet_by_name(s).to_python(skip_empty_area=False)

        ref = read_one((str(files["plain"]), campaign))
        print(f"基准文件：{name}（{len(base) / 1024:.0f} KB）；每项取 {args.repeat} 次的中位数；单进程")
        print(f"{'文件':<10}{'大小(MB)':>10}{'qm 读取+校验(ms)':>18}{'倍数':>8}{'calamine 直读(ms)':>20}{'倍数':>8}  结果")
        plain_qm = plain_cal = None
        for kind, path in files.items():
            got = read_one((str(path), campaign))
            same = (got.counts == ref.counts and [f.code for f in got.findings] == [f.code for f in ref.findings])
            qm_s = _time(lambda: read_one((str(path), campaign)), args.repeat)
            cal_s = _time(lambda: calamine_all(path), max(1, args.repeat // 2) if kind.startswith("rows") else args.repeat)
            plain_qm = plain_qm or qm_s
            plain_cal = plain_cal or cal_s
            print(f"{kind:<10}{path.stat().st_size / 2**20:>10.2f}{qm_s * 1000:>18.1f}{qm_s / plain_qm:>8.2f}"
                  f"{cal_s * 1000:>20.1f}{cal_s / plain_cal:>8.2f}  {'与原文件一致' if same else '不一致！'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
