"""`qm consolidate`: a directory of returned workbooks -> 汇总.xlsx."""
from __future__ import annotations

import sys
import time
from pathlib import Path


def cmd_consolidate(args) -> int:
    from addin.infra.batch import collect_verbose
    from addin.infra.paths import Output, guard
    from addin.cli.main import _campaign
    from addin.cli.check import _limit, batch_summary, limits_from
    from addin.consolidate.run import consolidate_files, write_consolidated
    from addin.consolidate.summary_xlsx import TooManyRows
    from addin.core.findings import ERROR

    campaign = _campaign(args)
    found = collect_verbose(args.paths, getattr(args, "verbose", False))
    files = found.files
    out = Path(args.output)
    # before any work: the summary is never one of the returns, a folder, or a file of another kind
    guard([*args.paths, *files], [Output(out, "汇总表", (".xlsx",))])
    if not files:
        print("错误：没有找到报送的 Excel 文件", file=sys.stderr)
        return 2
    start = time.perf_counter()
    c = consolidate_files(files, campaign, jobs=args.jobs, progress=None if not args.quiet else False,
                          timeout=_limit(args.timeout), memory_mb=_limit(args.worker_mb), limits=limits_from(args))
    read_s = time.perf_counter() - start
    try:
        write_consolidated(c, out)
    except TooManyRows as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    total_s = time.perf_counter() - start
    used = [s for s in c.submissions if s.status == "采用"]
    unreadable = [s for s in c.submissions if s.status == "无法读取"]
    print(f"读取 {len(files)} 个文件，采用 {len(used)} 个城市的报送（读取和校验 {read_s:.1f} 秒，共 {total_s:.1f} 秒）")
    for s in unreadable:
        print(f"  ✘ 无法读取：{s.file}：{s.note}")
    if c.missing_cities:
        print(f"  未报送：{'、'.join(c.missing_cities)}")
    if c.late_cities:
        print(f"  逾期报送：{'、'.join(c.late_cities)}")
    for f in c.duplicate_files:
        print(f"  重复报送（未采用）：{f}")
    for s in c.submissions:
        if s.status == "身份冲突（未采用）":
            print(f"  身份冲突（未采用，待人工核实）：{s.file}：{s.note}")
    t = c.totals()
    rate = t.get("spot_pass_rate")
    print(f"  抽测 {int(t['spot_items'])} 项次，复核不合格 {int(t['spot_fail'])} 项次"
          + (f"，合格率 {rate:.1%}" if rate == rate else "")
          + f"；校验错误 {int((c.findings['severity'] == ERROR).sum()) if not c.findings.empty else 0} 个")
    print(f"汇总表已写入：{out}")
    print(batch_summary(len(c.submissions), len(unreadable),
                        sum(1 for s in c.submissions if s.status != "无法读取" and (s.errors or s.warnings))))
    return 2 if unreadable or found.problems else 0


def register(sub) -> None:
    from addin.cli.check import add_limit_options

    p = sub.add_parser(
        "consolidate", help="汇总各市报送的工作簿",
        description="读取目录中各市报送的工作簿（按文件内的标识识别城市，不看文件名），校验并汇总，"
                    "列出未报送、逾期和重复报送，写出汇总表（概况、各活动明细、不合格清单、批次追溯、校验问题、来源、图表）。",
    )
    p.add_argument("paths", nargs="+", metavar="路径", help="报送文件所在目录或文件")
    p.add_argument("-o", "--output", required=True, metavar="汇总表", help="输出的汇总工作簿，如 汇总.xlsx")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="并行进程数（默认按 CPU 核数）")
    add_limit_options(p)
    p.add_argument("-q", "--quiet", action="store_true", help="不显示进度条")
    p.add_argument("-v", "--verbose", action="store_true", help="同时列出忽略的系统文件（._ 开头、.DS_Store、~$ 锁定文件等）")
    p.set_defaults(func=cmd_consolidate)
