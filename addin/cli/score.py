"""`qm score`: score the micro-video contest and the knowledge contest from a filled scoring workbook."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from addin.core.findings import ERROR, count_by_severity, sort_key

AWARD_LIST = "获奖名单.docx"
# With error-level findings the list is a draft (仅供核对): it goes beside, never over, a final list.
DRAFT_AWARD_LIST = "获奖名单（仅供核对）.docx"


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
    from addin.cli.main import _campaign
    from addin.contest.scoring import score_quiz, score_videos
    from addin.contest.workbook import ScoringReadError, read_scoring_workbook, write_results

    from addin.infra.marker import own_output_kind
    from addin.infra.paths import Output, check_input, guard

    camp = _campaign(args)
    src, out = Path(args.file), Path(args.output)
    check_input(src, "评分工作簿")
    if out.is_dir():
        out = out / "计分结果.xlsx"
    guard([src], [Output(out, "结果工作簿", (".xlsx",)),
                  Output(out.parent / AWARD_LIST, "获奖名单", (".docx",)),
                  Output(out.parent / DRAFT_AWARD_LIST, "获奖名单（仅供核对）", (".docx",))])
    kind = own_output_kind(src)
    if kind and kind != "评分工作簿":
        print(f"错误：“{src}”是本程序生成的{kind}，不是评分工作簿；请使用 qm template --scoring 生成并由评委填好的评分工作簿",
              file=sys.stderr)
        return 2
    try:
        book = read_scoring_workbook(src, camp)
    except ScoringReadError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    video = score_videos(book.entries, book.judges, book.scores, camp.contest)
    quiz = score_quiz(book.participants, camp.knowledge, [c.name for c in camp.cities])
    findings = sorted([*video.findings, *quiz.findings], key=sort_key)
    counts = count_by_severity(findings)
    errors = counts.get(ERROR, 0)
    for f in findings:
        print(f"{f.severity}：{src.name} {f.message}", file=sys.stderr)
    write_results(out, camp, video, quiz, source=src)      # a file-system fault: QmError (exit 2)
    print(f"已生成计分结果：{out}")
    docx = out.parent / (DRAFT_AWARD_LIST if errors else AWARD_LIST)
    try:
        from docgen.award_list import write_award_list
    except ModuleNotFoundError as exc:
        print(f"警告：未生成获奖名单（公文模块不可用：{exc.name}）", file=sys.stderr)
    else:
        write_award_list(camp, video, quiz, docx, date=args.date, draft=bool(errors))
        print(f"已生成获奖名单：{docx}" + ("（存在错误，仅供核对；已有的正式获奖名单未被覆盖）" if errors else ""))
    ranked = sum(1 for e in video.entries if e.rank is not None)
    awards = "，".join(f"{k} {v} 件" for k, v in video.award_counts.items()) or "无"
    people = sum(1 for p in quiz.individuals if p.rank is not None)
    print(f"微视频：{len(video.entries)} 件作品，{ranked} 件参与排名；{len(video.judges)} 位评委；获奖：{awards}")
    print(f"知识竞赛：{len(quiz.individuals)} 人，{people} 人参与排名；"
          f"{sum(1 for c in quiz.cities if c.rank is not None)} 个城市参与排名")
    print(f"问题：错误 {errors} 个，警告 {counts.get('警告', 0)} 个，提示 {counts.get('提示', 0)} 个"
          + ("；存在错误，结果和获奖名单仅供核对，请修正后重新计分" if errors else ""))
    return 1 if errors else 0
