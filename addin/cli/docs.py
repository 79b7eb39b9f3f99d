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


def _campaign(args):
    from addin.cli.main import _campaign as load

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


def _guard(args, out: str, what: str, folder: bool = False) -> None:
    """Class 1/2 of issue 17: the output is checked against the inputs before any work."""
    from addin.infra.paths import Output, guard

    guard([p for p in (getattr(args, "summary", None), getattr(args, "city", None)) if p],
          [Output(Path(out), what, folder=folder) if folder else Output(Path(out), what, (".docx",))])


def _load(args):
    """The consolidated campaign from 汇总.xlsx (or None after printing why not)."""
    p = _require(args.summary, "汇总表（qm consolidate 生成的 汇总.xlsx）")
    if p is None:
        return None
    from addin.consolidate.run import load_consolidated

    return load_consolidated(p, _campaign(args))


def cmd_report(args) -> int:
    from docgen.report import build_city_report, build_province_report

    _guard(args, args.output or ("本市报告.docx" if args.city else "全区报告.docx"), "报告")

    if args.city:
        if args.summary:
            print("错误：汇总表与 --city 只能指定一个", file=sys.stderr)
            return 2
        src = _require(args.city, "本市填报工作簿")
        if src is None:
            return 2
        from addin.consolidate.run import consolidate_files

        c = consolidate_files([src], _campaign(args))
        city = next((s.city for s in c.submissions if s.city and s.status == "采用"), None)
        if city is None and "status" in c.stats.columns:
            reported = c.stats[c.stats["status"] != "未报送"]
            city = str(reported.iloc[0]["city"]) if len(reported) else None
        if not city:
            print(f"错误：无法从“{src}”识别城市，请使用本市的标准填报工作簿", file=sys.stderr)
            return 2
        out = Path(args.output or "本市报告.docx")
        path = build_city_report(c, city, out, date=args.date, doc_number=args.doc_number)
        print(f"已生成{city}报告：{path}")
        return 0
    c = _load(args)
    if c is None:
        return 2
    out = Path(args.output or "全区报告.docx")
    path = build_province_report(c, out, date=args.date, recipient=args.recipient, doc_number=args.doc_number)
    print(f"已生成报告：{path}")
    if c.missing_cities:
        print(f"提示：未报送的城市：{'、'.join(c.missing_cities)}")
    return 0


def cmd_notices(args) -> int:
    from docgen.notice import REGISTER_NAME, build_notices

    _guard(args, args.output or "整改通知书", "整改通知书目录", folder=True)

    c = _load(args)
    if c is None:
        return 2
    out = Path(args.output or "整改通知书")
    paths = build_notices(c, out, args.date, issuer=args.issuer)
    if not paths:
        print("没有经复核判定为不合格的抽测项目，未生成整改通知书。")
        return 0
    print(f"已生成整改通知书 {len(paths)} 份：{out}")
    print(f"登记表：{out / REGISTER_NAME}")
    return 0


def cmd_exposure(args) -> int:
    from docgen.exposure import build_exposure_list, plan_exposures

    _guard(args, args.output or "典型问题曝光.docx", "曝光清单")

    c = _load(args)
    if c is None:
        return 2
    df = c.frames.get("exposure")
    files = [] if df is None or "source_file" not in df.columns else [str(f) for f in df["source_file"].dropna().unique()]
    if args.photos:
        folder = Path(args.photos)
        if not folder.is_dir():
            print(f"错误：照片目录“{folder}”不存在", file=sys.stderr)
            return 2
        photo_dirs = {f: folder for f in files}
    else:
        photo_dirs = _guess_photo_dirs(Path(args.summary), df)
    out = Path(args.output or "典型问题曝光.docx")
    path = build_exposure_list(c, out, photo_dirs, date=args.date)
    missing = [p.name for e in plan_exposures(c, photo_dirs) for p in e.photos if not p.path]
    print(f"已生成曝光清单：{path}")
    if missing:
        print(f"提示：{len(missing)} 张照片缺失或无法读取：{'、'.join(missing[:10])}{'等' if len(missing) > 10 else ''}")
    return 0


def _guess_photo_dirs(summary: Path, exposure) -> dict[str, Path]:
    """Where each returned workbook lies: the summary's folder, one of its sub-folders or one
    of the folders beside it (汇总.xlsx records only the workbook's file name). Among folders
    holding a file of that name, the one holding most of the photos it refers to wins."""
    from docgen.exposure import split_photos

    base = summary.resolve().parent

    def subdirs(folder: Path) -> list[Path]:
        try:
            return sorted(d for d in folder.iterdir() if d.is_dir())
        except OSError:
            return []

    candidates = [base, *subdirs(base), *(d for d in subdirs(base.parent) if d != base)]
    out = {}
    if exposure is None or "source_file" not in exposure.columns:
        return out
    for f, rows in exposure.groupby(exposure["source_file"].astype(str)):
        p = Path(f)
        if p.is_absolute() and p.exists():
            out[f] = p.parent
            continue
        names = [n for v in rows.get("photos", []) for n in split_photos(v)]
        holders = [d for d in candidates if (d / p.name).is_file()] or [base]
        out[f] = max(holders, key=lambda d: sum((d / n).is_file() for n in names))
    return out


def cmd_rewards(args) -> int:
    from docgen.rewards import build_reward_roster, default_seed

    _guard(args, args.output or "投诉奖励名册.docx", "奖励名册")

    c = _load(args)
    if c is None:
        return 2
    out = Path(args.output or "投诉奖励名册.docx")
    path, rows = build_reward_roster(c, out, seed=args.seed, date=args.date)
    seed = args.seed if args.seed is not None else default_seed(c.campaign)
    total = sum(r["total"] for r in rows)
    print(f"已生成投诉奖励名册：{path}（{len(rows)} 件投诉，奖励合计 {total:.2f} 元，随机种子 {seed}）")
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
    r.add_argument("--date", type=_date, metavar="日期", help="成文日期，如 2022-10-12（默认今天）")
    r.add_argument("--recipient", metavar="机关", help="全区报告的主送机关（默认取活动设置 report_recipient，未设置则不写主送）")
    r.add_argument("--doc-number", metavar="字号", help="发文字号，如 桂建管〔2022〕25号（默认不写）")
    r.set_defaults(func=cmd_report)

    n = sub.add_parser(
        "notices", help="生成整改通知书和登记表",
        description="对监督抽测经复核判定不合格的项目，按“工程＋施工单位”各生成一份整改通知书（含送达回执），并生成登记表。",
    )
    n.add_argument("summary", metavar="汇总表", help="qm consolidate 生成的汇总表（汇总.xlsx）")
    n.add_argument("-o", "--output", metavar="目录", help="输出目录（默认 整改通知书）")
    n.add_argument("--date", type=_date, metavar="日期", help="签发日期，如 2022-10-14（默认今天）")
    n.add_argument("--issuer", metavar="机关", help="签发机关（默认活动设置中的发文机关）")
    n.set_defaults(func=cmd_notices)

    e = sub.add_parser(
        "exposure", help="生成典型问题曝光清单",
        description="生成供网站发布的典型问题工程曝光清单：工程、参建单位、问题、违反的规范及条文，并附照片（不含个人信息）。"
                    "照片与各市填报工作簿放在同一目录；找不到的照片以“［照片缺失：文件名］”标出。",
    )
    e.add_argument("summary", metavar="汇总表", help="qm consolidate 生成的汇总表（汇总.xlsx）")
    e.add_argument("-o", "--output", metavar="文件", help="输出的 .docx（默认 典型问题曝光.docx）")
    e.add_argument("--photos", metavar="目录",
                   help="照片所在目录（默认：在汇总表所在目录、其子目录及相邻目录中找到各市工作簿，照片与工作簿同目录）")
    e.add_argument("--date", type=_date, metavar="日期", help="发布日期，如 2022-10-14（默认今天）")
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
    w.set_defaults(func=cmd_rewards)
