#!/usr/bin/env python
"""Generate N returned city workbooks fast, for the consolidation benchmark.

    python bench/make_returns.py OUT [--n 200] [--national] [--bases 5] [--seed 2022]

1. A synthetic campaign with N pseudo-cities (模拟0001市 … with unique 6-digit codes 800010,
   800020, …) is written next to the files as ``bench-campaign.toml``.
2. A handful of distinct returns (``--bases``) are filled with demo-style content
   (addin.demo.generator: ~300 spot-check rows, the biggest sheet) and saved with openpyxl, then made
   "Excel-like": characters as UTF-8 instead of &#NNNN; references and strings in a shared
   string table, as Excel and WPS write them (PERF-NOTES: inline strings read 20-32 % slower).
3. Every other file is derived from a base by rewriting only the city name and code strings
   inside the zip parts. The deflate stream of each part up to the first city string is
   compressed once per base and reused; only the tail is compressed per file, so a file costs
   a few milliseconds and no openpyxl.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import struct
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CAMPAIGN_FILE = "bench-campaign.toml"
NATIONAL = 3000
# Rows per table in a benchmark return: one sheet of 300 x 25 (监督抽测), the rest smaller.
BENCH_SIZES = {
    "publicity": (40, 40), "tours": (15, 15), "manual": (30, 30), "videos": (12, 12), "quiz": (150, 150),
    "spotcheck": (300, 300), "exposure": (8, 8), "complaints": (80, 80), "appraisal": (60, 60),
}
FILL_DATE = dt.date(2022, 10, 8)


def city_name(i: int) -> str:
    return f"模拟{i:04d}市"


def city_code(i: int) -> str:
    # ends in 0: never equal to the generic district codes (…02, …03, …05) used inside the content
    return f"{800000 + 10 * i}"


def campaign_toml(n: int) -> str:
    """The packaged Guangxi campaign with its cities replaced by ``n`` pseudo-cities."""
    from importlib import resources

    from addin.campaign.settings import DEFAULT_RESOURCE

    text = resources.files("addin.campaign").joinpath("data", DEFAULT_RESOURCE).read_text("utf-8")
    text = re.sub(r"(?m)^\[\[cities\]\]\s*\nname = \"[^\"]*\"\s*\ncode = \"\d+\"\s*\n", "", text)
    text = re.sub(r'(?m)^id = "[^"]*"', f'id = "bench-{n}"', text, count=1)
    cities = "".join(f'\n[[cities]]\nname = "{city_name(i)}"\ncode = "{city_code(i)}"\n' for i in range(1, n + 1))
    return text.rstrip() + "\n\n# Pseudo-cities for the benchmark.\n" + cities


# ----------------------------------------------------------------- Excel-like parts
_NCR = re.compile(rb"&#(\d+);")
_INLINE = re.compile(rb'<c([^>]*?) t="inlineStr"([^>]*)><is><t([^>]*)>(.*?)</t></is></c>', re.S)
_SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _utf8(data: bytes) -> bytes:
    def dec(m: re.Match) -> bytes:
        cp = int(m.group(1))
        return chr(cp).encode("utf-8") if cp >= 128 else m.group(0)

    return _NCR.sub(dec, data)


def excel_like(parts: dict[str, bytes]) -> dict[str, bytes]:
    """openpyxl's parts rewritten as Excel stores them: UTF-8 text and a shared string table."""
    out = {name: (_utf8(data) if name.endswith((".xml", ".rels")) else data) for name, data in parts.items()}
    index: dict[bytes, int] = {}
    total = 0

    def share(m: re.Match) -> bytes:
        nonlocal total
        text = m.group(4)
        total += 1
        i = index.setdefault(text, len(index))
        return b"<c" + m.group(1) + b' t="s"' + m.group(2) + b"><v>" + str(i).encode() + b"</v></c>"

    sheets = sorted((n for n in out if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                    key=lambda n: int(re.search(r"\d+", n).group()))
    for name in sheets:
        out[name] = _INLINE.sub(share, out[name])
    if not index:
        return out
    items = []
    for text in index:
        space = b' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else b""
        items.append(b"<si><t" + space + b">" + text + b"</t></si>")
    out["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (total, len(index)) + b"".join(items) + b"</sst>")
    ct = out["[Content_Types].xml"]
    if b"/xl/sharedStrings.xml" not in ct:
        out["[Content_Types].xml"] = ct.replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + _SST_TYPE + b'"/></Types>')
    rels = out["xl/_rels/workbook.xml.rels"]
    if _SST_REL not in rels:
        ids = [int(x) for x in re.findall(rb'Id="rId(\d+)"', rels)]
        rid = b"rId%d" % (max(ids, default=0) + 1)
        out["xl/_rels/workbook.xml.rels"] = rels.replace(
            b"</Relationships>",
            b'<Relationship Type="' + _SST_REL + b'" Target="sharedStrings.xml" Id="' + rid + b'"/></Relationships>')
    return out


# ----------------------------------------------------------------- zip with reusable prefixes
@dataclass
class _Part:
    name: bytes
    head: bytes         # deflate blocks of data[:cut], ending in a full flush (no final block)
    head_crc: int
    head_len: int
    tail: bytes         # uncompressed data[cut:], where the city strings are
    full: bytes | None  # complete deflate stream when the part holds no city string
    full_crc: int = 0
    full_len: int = 0


def _dos_time(when: dt.datetime) -> tuple[int, int]:
    return ((when.hour << 11) | (when.minute << 5) | (when.second // 2),
            ((when.year - 1980) << 9) | (when.month << 5) | when.day)


class BaseReturn:
    """One filled base workbook, ready to be re-labelled for any pseudo-city cheaply."""

    def __init__(self, parts: dict[str, bytes], name: str, code: str, when: dt.datetime):
        self.name = name.encode()
        self.short = name.removesuffix("市").encode()
        self.code = code.encode()
        self.when = when
        self.parts: list[_Part] = []
        order = ["[Content_Types].xml", "_rels/.rels"] + [n for n in parts if n not in ("[Content_Types].xml", "_rels/.rels")]
        for n in order:
            data = parts[n]
            hits = [i for i in (data.find(self.short), data.find(self.code)) if i >= 0]
            if not hits:
                comp = zlib.compressobj(6, zlib.DEFLATED, -15)
                full = comp.compress(data) + comp.flush()
                self.parts.append(_Part(n.encode(), b"", 0, 0, b"", full, zlib.crc32(data), len(data)))
                continue
            cut = min(hits)
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)
            head = comp.compress(data[:cut]) + comp.flush(zlib.Z_FULL_FLUSH) if cut else b""
            self.parts.append(_Part(n.encode(), head, zlib.crc32(data[:cut]), cut, data[cut:], None))

    def render(self, name: str, code: str) -> bytes:
        short, code_b = name.removesuffix("市").encode(), code.encode()
        t, d = _dos_time(self.when)
        body = io.BytesIO()
        central = []
        for p in self.parts:
            if p.full is not None:
                comp, crc, size = p.full, p.full_crc, p.full_len
            else:
                tail = p.tail.replace(self.short, short).replace(self.code, code_b)
                c = zlib.compressobj(6, zlib.DEFLATED, -15)
                comp = p.head + c.compress(tail) + c.flush()
                crc, size = zlib.crc32(tail, p.head_crc), p.head_len + len(tail)
            offset = body.tell()
            body.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, t, d, crc, len(comp), size, len(p.name), 0))
            body.write(p.name)
            body.write(comp)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, t, d, crc, len(comp), size,
                                       len(p.name), 0, 0, 0, 0, 0o644 << 16, offset) + p.name)
        cd_offset = body.tell()
        cd = b"".join(central)
        body.write(cd)
        body.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(cd), cd_offset, 0))
        return body.getvalue()


def make_base(campaign, city, seed: int) -> BaseReturn:
    from addin.demo.generator import build_city_workbook, generate_city

    ret = generate_city(campaign, city, seed, FILL_DATE, sizes=BENCH_SIZES)
    wb = build_city_workbook(campaign, ret)
    when = dt.datetime.combine(FILL_DATE, dt.time(16, 0))
    wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["docProps/core.xml"] = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                        rb"\g<1>" + when.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                                        parts["docProps/core.xml"])
    return BaseReturn(excel_like(parts), city.name, city.code, when)


def make_returns(out_dir: str | Path, n: int = 200, bases: int = 5, seed: int = 2022,
                 quiet: bool = True) -> tuple[Path, list[Path]]:
    """Write ``n`` returns and their campaign TOML into ``out_dir``; returns (campaign file, files)."""
    from addin.campaign.settings import load_campaign
    from workbook_templates.builder import workbook_filename

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    camp_path = out / CAMPAIGN_FILE
    camp_path.write_text(campaign_toml(n), encoding="utf-8")
    campaign = load_campaign(camp_path)
    t0 = time.perf_counter()
    made = [make_base(campaign, campaign.cities[i], seed) for i in range(min(bases, n))]
    t1 = time.perf_counter()
    files = []
    for i, city in enumerate(campaign.cities):
        base = made[i % len(made)]
        path = out / workbook_filename(campaign, city)
        path.write_bytes(base.render(city.name, city.code))
        ts = base.when.timestamp()
        os.utime(path, (ts, ts))
        files.append(path)
    t2 = time.perf_counter()
    if not quiet:
        size = sum(p.stat().st_size for p in files) / len(files) / 1024
        print(f"已生成 {len(files)} 个报送文件（{len(made)} 个基准工作簿用时 {t1 - t0:.1f} 秒，"
              f"派生 {len(files)} 个文件用时 {t2 - t1:.1f} 秒，平均 {size:.0f} KB）：{out}")
    return camp_path, files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="为汇总基准测试快速生成 N 个报送工作簿")
    ap.add_argument("out", metavar="目录")
    ap.add_argument("--n", type=int, default=200, help="文件个数（默认 200）")
    ap.add_argument("--national", action="store_true", help=f"全国规模：{NATIONAL} 个文件")
    ap.add_argument("--bases", type=int, default=5, help="不同内容的基准工作簿个数（默认 5）")
    ap.add_argument("--seed", type=int, default=2022)
    args = ap.parse_args(argv)
    make_returns(args.out, NATIONAL if args.national else args.n, args.bases, args.seed, quiet=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
