#!/usr/bin/env python
"""Benchmark: consolidating N returned workbooks, against the obvious way and against the floor.

    python bench/bench_consolidate.py [--n 200] [--national] [--jobs 2] [--keep DIR]

Generates N returns with bench/make_returns.py (or reuses them from --keep DIR), then runs each
contender in its own subprocess and prints files/s, time per file and peak memory (max RSS of
the contender's process and of its largest worker, from getrusage):

  (a) pandas.read_excel(path, sheet_name=None, engine="openpyxl") over every file;
  (b) the floor: python-calamine reading every cell of every sheet, in one process and in two;
  (b') python-calamine reading every cell of only the sheets qm reads (not the guide, self-check
      and dictionary sheets), in one process;
  (c) qm consolidate: addin.consolidate.run.consolidate_dir(directory, campaign, jobs=J) followed by
      addin.consolidate.run.write_consolidated(c, out_path).

Then qm consolidate runs again on the first N/4 and N/2 of the same files (scaling; --no-scaling
skips it), and the issue's targets are printed with the measured figure and 达到/未达到:
at least 10x faster than (a); at most 1.5x the time per file of (b), against both the one-process
and the two-process floor; 3000 files in at most 60 s and a main-process peak under 500 MB
(--national); time per file at N within 1.15x of that at N/4 (our reading of "linear").

Figures only; nothing here asserts a time. With --national (3000 files) contender (a) reads a
sample (--pandas-limit, default 300 there) and its rate is per file read. Run it on a quiet
machine: every contender shares the same cores.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

from make_returns import CAMPAIGN_FILE, NATIONAL  # noqa: E402

CONTENDERS = {
    "pandas": "(a) pandas.read_excel（openpyxl 引擎）",
    "calamine1": "(b) calamine 读全部单元格（1 进程）",
    "calamine2": "(b) calamine 读全部单元格（2 进程）",
    "calamine1u": "(b') calamine 只读 qm 用到的表（1 进程）",
    "qm": "(c) qm consolidate",
}


# ----------------------------------------------------------------- workers (run in a subprocess)
def _files(directory: str) -> list[str]:
    return sorted(str(p) for p in Path(directory).glob("*.xlsx") if not p.name.startswith(("~$", ".~")))


def _read_all(path: str) -> int:
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(path)
    cells = 0
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False):
            cells += len(row)
    return cells


def _read_used(path: str) -> int:
    """Every cell of the sheets qm reads (the contract's sheets and _meta), not the guide,
    self-check or dictionary sheets: the floor for what qm consolidate really has to read."""
    import python_calamine

    from workbook_templates.contract import META_SHEET, load_contract

    wanted = {s.title for s in load_contract().sheets} | {META_SHEET}
    wb = python_calamine.CalamineWorkbook.from_path(path)
    cells = 0
    for name in wb.sheet_names:
        if name in wanted:
            for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False):
                cells += len(row)
    return cells


def _worker(args) -> dict:
    files = _files(args.dir)
    if args.limit:
        files = files[: args.limit]
    extra: dict = {}
    if args.worker == "pandas":
        import pandas as pd

        start = time.perf_counter()
        for f in files:
            pd.read_excel(f, sheet_name=None, engine="openpyxl")
    elif args.worker == "calamine1":
        import python_calamine  # noqa: F401

        start = time.perf_counter()
        extra["cells"] = sum(_read_all(f) for f in files)
    elif args.worker == "calamine1u":
        import python_calamine  # noqa: F401

        _read_used(files[0])    # the contract loads once, outside the timing
        start = time.perf_counter()
        extra["cells"] = sum(_read_used(f) for f in files)
    elif args.worker == "calamine2":
        from concurrent.futures import ProcessPoolExecutor

        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=2) as pool:
            extra["cells"] = sum(pool.map(_read_all, files, chunksize=8))
    elif args.worker == "qm":
        try:
            from addin.consolidate.run import consolidate_files, write_consolidated
        except ImportError as exc:
            return {"error": f"addin.consolidate.run 尚不可用（{type(exc).__name__}：{exc}）"}
        from addin.infra.batch import collect_files
        from addin.campaign.settings import load_campaign

        campaign = load_campaign(args.campaign)
        start = time.perf_counter()
        found, _ = collect_files([args.dir])        # what `qm consolidate DIR` does
        c = consolidate_files(found[: args.limit] if args.limit else found, campaign, jobs=args.jobs)
        write_consolidated(c, args.out)
        extra["output_kb"] = round(os.path.getsize(args.out) / 1024) if os.path.exists(args.out) else None
    else:
        raise SystemExit(f"unknown worker {args.worker}")
    seconds = time.perf_counter() - start
    return {"files": len(files), "seconds": seconds,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, **extra}


# ----------------------------------------------------------------- parent
def _w(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _ljust(text: str, width: int) -> str:
    return text + " " * max(0, width - _w(text))


def _rjust(text: str, width: int) -> str:
    return " " * max(0, width - _w(text)) + text


_COLS = ((42, "方案"), (8, "文件数"), (10, "用时(秒)"), (10, "文件/秒"), (11, "毫秒/文件"), (22, "峰值内存MB 主/子进程"))


def _line(cells: list[str]) -> str:
    return "".join(_ljust(c, w) if i == 0 else _rjust(c, w) for i, (c, (w, _)) in enumerate(zip(cells, _COLS)))


def _run(name: str, directory: Path, campaign: Path, jobs: int, limit: int | None, out: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--dir", str(directory),
           "--campaign", str(campaign), "--jobs", str(jobs), "--out", str(out)]
    if limit:
        cmd += ["--limit", str(limit)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": f"子进程失败（退出码 {proc.returncode}）：{' | '.join(tail)}"}
    return json.loads(lines[-1])


def _targets(per: dict[str, float], qm: dict, n: int, scale: dict[int, dict], jobs: int) -> None:
    """The issue's targets, each with the measured figure and whether it is met."""
    def line(ok: bool | None, text: str) -> None:
        print(f"  {'—' if ok is None else ('达到' if ok else '未达到')}  {text}")

    print("\n目标检查：")
    if "pandas" in per:
        x = per["pandas"] / per["qm"]
        line(x >= 10, f"比 (a) pandas+openpyxl 快至少 10 倍：实际快 {x:.1f} 倍")
    for k, label in (("calamine1", "1 进程"), ("calamine2", "2 进程"), ("calamine1u", "只读用到的表，1 进程")):
        if k in per:
            x = per["qm"] / per[k]
            line(x <= 1.5, f"不超过 {CONTENDERS[k].split(' ', 1)[0]} calamine 读取下限（{label}）的 1.5 倍：实际 {x:.2f} 倍")
    if n >= NATIONAL:
        line(qm["seconds"] <= 60, f"{n} 个文件不超过 60 秒（{jobs} 进程）：实际 {qm['seconds']:.1f} 秒")
        child = qm.get("child_rss_mb") or 0
        line(qm["rss_mb"] < 500, f"{n} 个文件峰值内存低于 500 MB：主进程 {qm['rss_mb']:.0f} MB"
                                 f"（另有 {jobs} 个子进程，各不超过 {child:.0f} MB；合计不超过 {qm['rss_mb'] + jobs * child:.0f} MB）")
    if len(scale) > 1:
        ks = sorted(scale)
        ms = {k: scale[k]["seconds"] * 1000 / scale[k]["files"] for k in ks}
        x = ms[ks[-1]] / ms[ks[0]]
        line(x <= 1.15, f"随文件数线性增长：{ks[-1]} 个文件时每个文件的用时是 {ks[0]} 个文件时的 {x:.2f} 倍")


def _reusable(directory: Path, n: int) -> bool:
    camp = directory / CAMPAIGN_FILE
    if not camp.is_file():
        return False
    return f'id = "bench-{n}"' in camp.read_text("utf-8") and len(_files(str(directory))) == n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="汇总基准测试：qm consolidate 与 pandas、calamine 读取的对比")
    ap.add_argument("--n", type=int, default=200, help="报送文件个数（默认 200）")
    ap.add_argument("--national", action="store_true", help=f"全国规模：{NATIONAL} 个文件")
    ap.add_argument("--jobs", type=int, default=2, help="qm consolidate 的并行进程数（默认 2）")
    ap.add_argument("--keep", metavar="目录", help="在该目录生成（或复用已有的）报送文件，结束后保留")
    ap.add_argument("--pandas-limit", type=int, default=None,
                    help="方案 (a) 只读前 K 个文件（默认：全部；--national 时 300）")
    ap.add_argument("--only", choices=sorted(CONTENDERS), action="append", help="只运行指定方案（可重复）")
    ap.add_argument("--no-scaling", action="store_true", help="不测规模（默认另用前 1/4、1/2 的文件各运行一次 qm）")
    # worker mode (internal)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    ap.add_argument("--campaign", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args), ensure_ascii=False))
        return 0

    n = NATIONAL if args.national else args.n
    limit = args.pandas_limit if args.pandas_limit is not None else (300 if n > 500 else None)
    tmp_root = Path(tempfile.mkdtemp(prefix="qm-bench-"))
    directory = Path(args.keep) if args.keep else tmp_root / "returns"
    try:
        if _reusable(directory, n):
            print(f"复用已有的 {n} 个报送文件：{directory}")
        else:
            if directory.exists() and args.keep:
                for old in directory.glob("*.xlsx"):
                    old.unlink()
            # in a subprocess: Linux carries a process's peak RSS over fork and exec, so the parent
            # stays small to keep the contenders' figures clean
            start = time.perf_counter()
            subprocess.run([sys.executable, str(HERE / "make_returns.py"), str(directory), "--n", str(n)],
                           check=True, stdout=subprocess.DEVNULL)
            print(f"已生成 {n} 个报送文件，用时 {time.perf_counter() - start:.1f} 秒：{directory}")
        files = _files(str(directory))
        avg_kb = sum(os.path.getsize(f) for f in files) / len(files) / 1024
        print(f"平均文件大小 {avg_kb:.0f} KB；CPU {os.cpu_count()} 核；Python {sys.version.split()[0]}\n")

        results: dict[str, dict] = {}
        print(_line([title for _, title in _COLS]))
        for name, label in CONTENDERS.items():
            if args.only and name not in args.only:
                continue
            out = tmp_root / "汇总.xlsx"
            res = _run(name, directory, directory / CAMPAIGN_FILE, args.jobs,
                       limit if name == "pandas" else None, out)
            results[name] = res
            if name == "qm":
                label = f"{label}（jobs={args.jobs}）"
            if "error" in res:
                print(f"{label}：未运行，{res['error']}")
                continue
            rate = res["files"] / res["seconds"] if res["seconds"] else float("inf")
            ms = res["seconds"] * 1000 / res["files"] if res["files"] else 0
            child = f"{res['child_rss_mb']:.0f}" if res.get("child_rss_mb") else "—"
            print(_line([label, str(res["files"]), f"{res['seconds']:.2f}", f"{rate:.1f}", f"{ms:.1f}",
                         f"{res['rss_mb']:.0f} / {child}"]))
        qm = results.get("qm", {})
        if qm and "error" not in qm:
            per = {k: v["seconds"] / v["files"] for k, v in results.items() if "error" not in v and v.get("files")}
            print()
            print(f"(c) 每个文件 {per['qm'] * 1000:.1f} 毫秒（含校验、汇总和写出汇总工作簿）")
            for k in ("pandas", "calamine1", "calamine2", "calamine1u"):
                if k in per:
                    ratio = per["qm"] / per[k]
                    word = f"快 {1 / ratio:.1f} 倍" if ratio < 1 else f"慢 {ratio:.1f} 倍"
                    tag, name = CONTENDERS[k].split(" ", 1)
                    print(f"  (c)/{tag} {name}：{ratio:.2f}（{word}）")
            if qm.get("output_kb") is not None:
                print(f"汇总工作簿大小 {qm['output_kb']} KB")
            scale = {n: qm}
            if not args.no_scaling:
                print("\n规模（同一批文件的前 1/4、1/2 与全部，qm consolidate）：")
                for k in sorted({max(1, n // 4), max(1, n // 2)} - {n}):
                    res = _run("qm", directory, directory / CAMPAIGN_FILE, args.jobs, k, tmp_root / "汇总.xlsx")
                    if "error" not in res:
                        scale[k] = res
                for k in sorted(scale):
                    r = scale[k]
                    print(f"  {k:>5} 个文件：{r['seconds']:.2f} 秒，每个文件 {r['seconds'] * 1000 / r['files']:.1f} 毫秒，"
                          f"主进程峰值 {r['rss_mb']:.0f} MB")
            _targets(per, qm, n, scale, args.jobs)
        elif "qm" in results:
            print("\n(c) 未运行，无法给出 (c) 与 (a)、(b) 的比值；(a)、(b) 的数据见上。")
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
