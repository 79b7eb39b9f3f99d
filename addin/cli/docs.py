"""`qm report | notices | exposure | rewards`: official documents from the consolidated workbook."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{value}”格式不正确，应为 2022-10-12") from None


def campaign_from_args(args):
    from addin.cli.common import campaign_from_args as load

    return load(args)


def _require(path: str | None, what: str) -> Path | None:
    if not path:
        print(f"错误：请指定{what}", file=sys.stderr)
        return None
    p = Path(path)
    if not p.is_file():
        print(f"错误：找不到{what}“{p}”", file=sys.stderr)
        return None
    return p


def _output(args, default: str, what: str, folder: bool = False) -> Path:
    """The command's output (``-o``, else ``default``), resolved once and checked against the inputs
    before any work (issue 17, classes 1 and 2)."""
    from addin.infra.paths import Output, guard

    out = Path(args.output or default)
    guard([p for p in (getattr(args, "summary", None), getattr(args, "city", None),
                       getattr(args, "quiz_marks", None)) if p],
          [Output(out, what, folder=folder) if folder else Output(out, what, (".docx",))])
    return out


def _load(args):
    """The consolidated campaign from 汇总.xlsx (or None after printing why not). The file must be a
    汇总.xlsx written by qm consolidate for this campaign (addin.consolidate.inputs.check_summary):
    anything else raises WrongInput, shown by qm as a Chinese message with exit 2."""
    p = _require(args.summary, "汇总表（qm consolidate 生成的 汇总.xlsx）")
    if p is None:
        return None
    import io

    from addin.consolidate import run
    from addin.consolidate.inputs import check_summary

    campaign = campaign_from_args(args)
    # the bytes the package checks passed (stray cells far from the data removed), never the raw file
    return run.load_consolidated(io.BytesIO(check_summary(p, campaign)), campaign)


def cmd_report(args) -> int:
    from docgen.report import build_city_report, build_province_report

    if args.quiz_marks:
        from addin.infra.paths import check_input

        check_input(args.quiz_marks, "知识竞赛成绩工作簿（qm quiz mark 生成）")
    out = _output(args, "本市报告.docx" if args.city else "全区报告.docx", "报告")
    quiz = None
    if args.quiz_marks:                  # read first: a wrong file is said before the summary is loaded
        from addin.contest.analysis import read_weakest

        quiz = read_weakest(args.quiz_marks, campaign_from_args(args).quiz_rules.paper.weakest_n)

    if args.city:
        if args.summary:
            print("错误：汇总表与 --city 只能指定一个", file=sys.stderr)
            return 2
        src = _require(args.city, "本市填报工作簿")
        if src is None:
            return 2
        from addin.consolidate import run
        from addin.consolidate.inputs import check_city_return
        from addin.consolidate.model import CityStatus, SubmissionStatus

        campaign = campaign_from_args(args)
        check_city_return(src, campaign)
        c = run.consolidate_files([src], campaign)
        city = next((s.city for s in c.submissions if s.city and s.status == SubmissionStatus.USED), None)
        if city is None and "status" in c.stats.columns:
            reported = c.stats[c.stats["status"] != CityStatus.MISSING]
            city = str(reported.iloc[0]["city"]) if len(reported) else None
        if not city:
            print(f"错误：无法从“{src}”识别城市，请使用本市的标准填报工作簿", file=sys.stderr)
            return 2
        if quiz is not None:             # the city's participants only
            from addin.contest.analysis import read_weakest

            quiz = read_weakest(args.quiz_marks, campaign.quiz_rules.paper.weakest_n, city=city)
        path = build_city_report(c, city, out, date=args.date, doc_number=args.doc_number, quiz_marks=quiz)
        print(f"已生成{city}报告：{path}")
        return 0
    c = _load(args)
    if c is None:
        return 2
    path = build_province_report(c, out, date=args.date, recipient=args.recipient, doc_number=args.doc_number,
                                 letterhead=args.letterhead, quiz_marks=quiz)
    print(f"已生成报告：{path}")
    if c.missing_cities:
        print(f"提示：未报送的城市：{'、'.join(c.missing_cities)}")
    return 0


def cmd_notices(args) -> int:
    """Notices in each city's name for its open non-conforming items: from a city's return
    (that city, numbered after its highest recorded number, plus an annotated copy) or from
    汇总.xlsx (drafts for every city)."""
    from addin.usecases import campaign_notices, return_city, return_notices

    out = _output(args, "整改通知书", "整改通知书目录", folder=True)

    src = _require(args.summary, "汇总表（qm consolidate 生成的 汇总.xlsx）或本市填报工作簿")
    if src is None:
        return 2
    campaign = campaign_from_args(args)
    city = return_city(src, campaign)
    if out.resolve() == src.resolve() or src.resolve().parent == out.resolve() and city is not None:
        print(f"错误：输出文件夹不能是输入文件或其所在文件夹：{out}", file=sys.stderr)
        return 2
    options = dict(date=args.date, issuer=args.issuer, letterhead=args.letterhead,
                   include_recorded=args.include_recorded)
    if city is not None:
        run = return_notices(src, campaign, out, **options)
    else:
        c = _load(args)
        if c is None:
            return 2
        run = campaign_notices(c, out, **options)
    print("\n".join(run.summary_lines()))
    return 0


def cmd_exposure(args) -> int:
    from addin.usecases import exposure_list, photo_folders_given, photo_folders_near

    out = _output(args, "典型问题曝光.docx", "曝光清单")

    c = _load(args)
    if c is None:
        return 2
    if args.photos:
        folder = Path(args.photos)
        if not folder.is_dir():
            print(f"错误：照片目录“{folder}”不存在", file=sys.stderr)
            return 2
        photo_dirs = photo_folders_given(c, folder)
    else:
        photo_dirs = photo_folders_near(c, args.summary)
    run = exposure_list(c, out, photo_dirs, date=args.date, draft=args.draft)
    print("\n".join(run.summary_lines()))
    return 0


def cmd_rewards(args) -> int:
    from addin.usecases import reward_roster

    out = _output(args, "投诉奖励名册.docx", "奖励名册")

    c = _load(args)
    if c is None:
        return 2
    run = reward_roster(c, out, seed=args.seed, date=args.date, draft=args.draft)
    print("\n".join(run.summary_lines()))
    return 0


def register(sub) -> None:
    r = sub.add_parser(
        "report", help="生成活动开展情况报告（全区或本市）",
        description="按通知的八项活动和四项工作要求，生成“质量月”活动开展情况报告（GB/T 9704-2012 公文格式）。"
                    "全区报告由汇总表生成；本市报告由本市的填报工作簿生成（--city）。",
    )
    r.add_argument("summary", nargs="?", metavar="汇总表", help="qm consolidate 生成的汇总表（汇总.xlsx）")
    r.add_argument("--city", metavar="工作簿", help="生成本市报告：本市的标准填报工作簿")
    r.add_argument("-o", "--output", metavar="文件", help="输出的 .docx（默认 全区报告.docx 或 本市报告.docx）")
    r.add_argument("--date", type=_date, metavar="日期",
                   help="成文日期，如 2022-10-12（全区报告默认今天；本市报告默认本市填报表的填报日期）")
    r.add_argument("--recipient", metavar="机关", help="全区报告的主送机关（默认取活动设置 [report] recipient，未设置则不写主送）")
    r.add_argument("--doc-number", metavar="字号",
                   help="发文字号，如 桂建管〔2022〕25号（全区报告默认取活动设置 [report] doc_number，未设置则不写）")
    r.add_argument("--letterhead", action="store_true", help="全区报告用于已印版头的公文纸：版头位置留空，不印发文机关标志和红色分隔线")
    r.add_argument("--quiz-marks", metavar="成绩", help="知识竞赛成绩工作簿（qm quiz mark 生成）：全区报告增加一段，"
                   "列出正确率最低的知识分类和条文（口径见统计口径说明）；本市报告（--city）列出本市参赛人员正确率最低的知识分类")
    r.set_defaults(func=cmd_report)

    n = sub.add_parser(
        "notices", help="生成整改通知书和登记表（以各市名义，只对未整改且未下发通知书的不合格项）",
        description="对监督抽测经复核判定不合格、整改状态不是“已整改”或“已复查合格”、且未填写整改通知书编号的项目，"
                    "按“城市＋工程＋施工单位”各生成一份整改通知书（以该市在活动设置 [notices.cities] 中的签发机关和机关代字"
                    "编号，接在已填写的最大编号之后；含版头、版记和送达回执），并生成登记表。"
                    "输入为本市填报工作簿时只生成本市的通知书，并在输出文件夹中另存一份写入编号和日期的工作簿副本（原文件不改动）；"
                    "输入为汇总表时为各市生成通知书草稿。输出文件夹只存放本次生成的文件：上一次生成的文件会被替换，"
                    "含其他文件的文件夹会被拒绝。填报的整改期限缺失或早于抽测日期、签发日期时，按活动设置的默认整改期限并提示。",
    )
    n.add_argument("summary", metavar="汇总表或本市工作簿", help="qm consolidate 生成的汇总表（汇总.xlsx），或一个市的填报工作簿")
    n.add_argument("-o", "--output", metavar="目录", help="输出文件夹（默认 整改通知书）")
    n.add_argument("--date", type=_date, metavar="日期", help="签发日期，如 2022-10-14（默认今天）")
    n.add_argument("--issuer", metavar="机关", help="签发机关名称（默认取活动设置中该市的签发机关）")
    n.add_argument("--include-recorded", action="store_true",
                   help="也为已填写整改通知书编号的不合格项生成通知书（已整改、已复查合格的仍不生成）")
    n.add_argument("--letterhead", action="store_true", help="套印版头的公文纸：留出版头位置，不印发文机关标志和红色分隔线")
    n.set_defaults(func=cmd_notices)

    e = sub.add_parser(
        "exposure", help="生成典型问题曝光清单",
        description="生成供网站发布的典型问题工程曝光清单：工程、参建单位、问题、违反的规范及条文，并附照片（不含个人信息）。"
                    "照片与各市填报工作簿放在同一目录。清单用于公开发布：缺照片、缺项或曝光表有错误时不生成（退出码 2）并列出原因；"
                    "加 --draft 则照样生成，每页标注“草稿”，缺项处以“［照片缺失：文件名］”等标出。",
    )
    e.add_argument("summary", metavar="汇总表", help="qm consolidate 生成的汇总表（汇总.xlsx）")
    e.add_argument("-o", "--output", metavar="文件", help="输出的 .docx（默认 典型问题曝光.docx）")
    e.add_argument("--photos", metavar="目录",
                   help="照片所在目录（默认：在汇总表所在目录、其子目录及相邻目录中找到各市工作簿，照片与工作簿同目录）")
    e.add_argument("--date", type=_date, metavar="日期", help="发布日期，如 2022-10-14（默认今天）")
    e.add_argument("--draft", action="store_true", help="有缺项时也生成，每页标注“草稿”（供核对，不得发布）")
    e.set_defaults(func=cmd_exposure)

    w = sub.add_parser(
        "rewards", help="生成投诉奖励名册",
        description="对实名投诉按随机种子生成随机红包金额，对核查属实（含部分属实）的实名投诉按问题等级计算额外奖励，"
                    "生成投诉奖励名册（姓名、电话已脱敏）。",
    )
    w.add_argument("summary", metavar="汇总表", help="qm consolidate 生成的汇总表（汇总.xlsx）")
    w.add_argument("-o", "--output", metavar="文件", help="输出的 .docx（默认 投诉奖励名册.docx）")
    w.add_argument("--seed", type=int, metavar="整数", help="随机种子（默认由活动编号计算，可复核）")
    w.add_argument("--date", type=_date, metavar="日期", help="成文日期，如 2022-10-14（默认今天）")
    w.add_argument("--draft", action="store_true", help="投诉记录有错误时也生成，每页标注“草稿”（供核对，不得发布）")
    w.set_defaults(func=cmd_rewards)
