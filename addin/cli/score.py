"""`qm score`: score the micro-video contest and the knowledge contest from a filled scoring workbook."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"日期应形如 2022-10-20，实为“{text}”") from None


def register(sub) -> None:
    p = sub.add_parser(
        "score", help="微视频评比和知识竞赛计分",
        description="读取填好的评分工作簿（qm template --scoring 生成），计算微视频作品的得分、名次和奖项，"
                    "以及知识竞赛的个人和城市排名；输出计分结果工作簿，并在其旁边生成获奖名单（公文格式）。"
                    "存在错误级问题时，获奖名单写为“获奖名单（仅供核对）.docx”，不覆盖已有的正式获奖名单。"
                    "退出码：0 正常，1 存在错误级问题（结果仅供核对），2 输入无法读取。",
        epilog="示例：qm score 评分表.xlsx -o 计分结果.xlsx")
    p.add_argument("file", metavar="评分工作簿", help="填好的评分工作簿（.xlsx）")
    p.add_argument("-o", "--output", metavar="结果工作簿", default="计分结果.xlsx",
                   help="计分结果工作簿（默认 计分结果.xlsx）；获奖名单.docx 写在同一目录")
    p.add_argument("--date", metavar="日期", type=_date, help="获奖名单的成文日期，如 2022-10-20（默认今天）")
    p.set_defaults(func=cmd)


def cmd(args) -> int:
    from addin.cli.common import campaign_from_args
    from addin.infra.paths import check_input
    from addin.usecases import SCORE_RESULT_NAME, score_contest

    camp = campaign_from_args(args)
    src, out = Path(args.file), Path(args.output)
    check_input(src, "评分工作簿")
    if out.is_dir():
        out = out / SCORE_RESULT_NAME
    if out.suffix.lower() != ".xlsx":
        print(f"错误：结果工作簿应为 .xlsx 文件，实为“{out}”", file=sys.stderr)
        return 2
    run = score_contest(src, camp, out, award_date=args.date)     # a file-system fault: QmError (exit 2)
    for f in run.findings:
        print(f"{f.severity}：{src.name} {f.message}", file=sys.stderr)
    print(f"已生成计分结果：{run.results}")
    if run.award_list:
        print(f"已生成获奖名单：{run.award_list}"
              + ("（存在错误，仅供核对；已有的正式获奖名单未被覆盖）" if run.errors else ""))
    print("\n".join(run.summary_lines()))
    return 1 if run.errors else 0
