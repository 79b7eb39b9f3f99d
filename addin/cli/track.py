"""`qm track` (跟踪督导表 and 督办通知) and `qm remind` (催报名单 and 催报通知): the follow-up faces."""
from __future__ import annotations

import datetime as dt

from addin.core.errors import QmValueError


def _day(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise QmValueError(f"{what}应为日期，如 2022-10-20，实为“{text}”") from None


def cmd_track(args) -> int:
    from addin.cli.common import campaign_from_args
    from addin.usecases import track_items

    run = track_items(args.source, campaign_from_args(args), args.output, as_of=_day(args.as_of, "--as-of "),
                      letters=args.letters, letter_date=_day(args.date, "--date "), jobs=args.jobs)
    print("\n".join(run.summary_lines()))
    return 0


def cmd_remind(args) -> int:
    from addin.cli.common import campaign_from_args
    from addin.usecases import remind_cities

    run = remind_cities(args.folder, campaign_from_args(args), args.output, as_of=_day(args.as_of, "--as-of "),
                        letter_date=_day(args.date, "--date "), letters=not args.no_letters, jobs=args.jobs)
    print("\n".join(run.summary_lines()))
    return 0


def register(sub) -> None:
    p = sub.add_parser("track", help="跟踪督导：不合格项整改闭环情况和督办通知",
                       description="列出每个复核不合格的抽测项的整改通知书、期限、跟踪状态（未下发、已下发未到期、逾期未整改、"
                                   "已整改待复查、复查合格、复查不合格、已立案）、逾期天数和同批次工地自查情况，"
                                   "按城市汇总，写出跟踪督导表；--letters 为有逾期或未按期复查事项的城市各写一份督办通知。")
    p.add_argument("source", metavar="来源", help="汇总表（qm consolidate 生成的 汇总.xlsx）或报送文件目录")
    p.add_argument("-o", "--output", required=True, metavar="跟踪督导表", help="输出的工作簿，如 跟踪督导.xlsx")
    p.add_argument("--as-of", metavar="日期", help="统计日期（默认今天），如 2022-10-20")
    p.add_argument("--letters", metavar="目录", help="督办通知的输出目录")
    p.add_argument("--date", metavar="日期", help="督办通知的成文日期（默认为统计日期）")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="读取报送文件的并行进程数")
    p.set_defaults(func=cmd_track)

    p = sub.add_parser("remind", help="催报：未报送和需更正的城市名单及催报通知",
                       description="读取回收目录：截止日期前列出未报送的城市和报送表有错误需更正的城市（含错误数），"
                                   "截止日期后列出逾期报送和未报送的城市及逾期天数；写出 催报名单.xlsx 和每个城市一份催报通知。")
    p.add_argument("folder", metavar="回收目录", help="各市报送文件所在目录")
    p.add_argument("-o", "--output", required=True, metavar="目录", help="输出目录")
    p.add_argument("--as-of", metavar="日期", help="统计日期（默认今天），如 2022-10-08")
    p.add_argument("--date", metavar="日期", help="催报通知的成文日期（默认为统计日期）")
    p.add_argument("--no-letters", action="store_true", help="只写催报名单，不写催报通知")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="读取报送文件的并行进程数")
    p.set_defaults(func=cmd_remind)
