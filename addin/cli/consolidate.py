"""`qm consolidate`: a directory of returned workbooks -> 汇总.xlsx."""
from __future__ import annotations

import sys


def cmd_consolidate(args) -> int:
    from addin.cli.check import batch_summary, limits_from
    from addin.cli.common import campaign_from_args, limit
    from addin.consolidate.model import SubmissionStatus
    from addin.usecases import consolidate_returns

    campaign = campaign_from_args(args)
    run = consolidate_returns(args.paths, campaign, args.output, jobs=args.jobs,
                              progress=None if not args.quiet else False,
                              timeout=limit(args.timeout), memory_mb=limit(args.worker_mb), limits=limits_from(args),
                              verbose=getattr(args, "verbose", False))
    print("\n".join(run.summary_lines()))
    c = run.consolidated
    print(batch_summary(len(c.submissions), len(run.unreadable),
                        sum(1 for s in c.submissions if s.status != SubmissionStatus.UNREADABLE and (s.errors or s.warnings))))
    return 2 if run.unreadable or run.problems else 0


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
