"""`qm quiz`: the knowledge contest's papers (`qm quiz paper`) and marking (`qm quiz mark`)."""
from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("quiz", help="质量知识竞赛：组卷、阅卷",
                       description="质量知识竞赛：从题库组卷（试卷、答案、答题卡），按答案阅卷并做试题分析。")
    qs = p.add_subparsers(dest="quiz_command", metavar="<子命令>", title="子命令", parser_class=sub._parser_class)

    a = qs.add_parser("paper", help="组卷：试卷（多个版本）、参考答案、答案文件、答题卡",
                      description="按活动设置中的分类和难度比例从题库抽题，生成多个版本的试卷（题目和选项顺序不同）、"
                                  "参考答案、阅卷用的答案文件和线下答题卡。相同的随机种子生成相同的试卷。",
                      epilog="示例：qm quiz paper --bank 题库.xlsx --n 50 --seed 7 -o 试卷")
    a.add_argument("--bank", metavar="题库", help="题库工作簿（qm template --quiz-bank 生成）；默认使用内置题库")
    a.add_argument("--n", type=int, metavar="题数", help="题量（默认取活动设置，50）")
    a.add_argument("--seed", type=int, default=2022, metavar="N", help="随机种子（默认 2022）")
    a.add_argument("--variants", type=int, metavar="N", help="试卷版本数（默认取活动设置，2）")
    a.add_argument("--participants", metavar="汇总表", help="答题卡预填参赛人：汇总表或评分工作簿的“知识竞赛”表")
    a.add_argument("-o", "--output", metavar="目录", default="试卷", help="输出目录（默认 试卷）")
    a.set_defaults(func=cmd_paper)

    m = qs.add_parser("mark", help="阅卷：线下答题卡和线上导出 → 成绩（qm score 可直接计分）和试题分析",
                      description="按试卷目录中的答案文件为线下答题卡和线上答题导出阅卷，成绩写成评分工作簿的"
                                  "“知识竞赛”表（qm score 直接读取），并写出逐题得分、题目分析、分类分析、条文分析和城市分析。"
                                  "退出码：0 正常，1 有错误级问题，2 输入无法读取。",
                      epilog="示例：qm quiz mark 答题卡.xlsx --online 线上.csv --key 试卷 -o 成绩.xlsx")
    m.add_argument("sheets", nargs="*", metavar="答题卡", help="线下答题卡（.xlsx，可多个）")
    m.add_argument("--online", action="append", default=[], metavar="文件",
                   help="线上答题导出（.csv 或 .xlsx；每人一行，列标题为姓名、单位、城市、题号），可重复")
    m.add_argument("--key", required=True, metavar="试卷目录", help="qm quiz paper 的输出目录（或其中的 答案.xlsx）")
    m.add_argument("--scoring", metavar="评分工作簿", help="把成绩写入该评分工作簿的副本（作品和评分保留），而不是新建")
    m.add_argument("-o", "--output", metavar="成绩", default="知识竞赛成绩.xlsx", help="输出工作簿（默认 知识竞赛成绩.xlsx）")
    m.set_defaults(func=cmd_mark)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def cmd_paper(args) -> int:
    from addin.cli.common import campaign_from_args
    from addin.usecases import make_quiz_paper

    run = make_quiz_paper(campaign_from_args(args), args.output, bank=args.bank, n=args.n, seed=args.seed,
                          variants=args.variants, participants=args.participants)
    for f in run.findings:
        print(f"{f.severity}：{f.message}", file=sys.stderr)
    print("\n".join(run.summary_lines()))
    return 0


def cmd_mark(args) -> int:
    from addin.cli.common import campaign_from_args
    from addin.usecases import mark_quiz

    run = mark_quiz(campaign_from_args(args), args.key, Path(args.output), answer_sheets=args.sheets, online=args.online,
                    scoring=args.scoring)
    for f in run.findings:
        print(f"{f.severity}：{f.file} {f.message}".replace("： ", "："), file=sys.stderr)
    print("\n".join(run.summary_lines()))
    return 1 if run.errors else 0
