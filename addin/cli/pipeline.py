"""`qm demo-run`: the whole job on built-in demo data, step by step, through the same commands a user runs."""
from __future__ import annotations

import importlib.util
import shutil
import sys
import time
from pathlib import Path

MARKER = ".qm-demo-output"
# The demo replays the 2022 campaign, so its documents carry 2022 dates (a real run defaults to today).
DOC_DATE = "2022-10-14"
CITY_DATE = "2022-10-08"
TRACK_DATE = "2022-10-20"      # the demo generator states its follow-up for this date (manifest.tracking)
REMIND_DATE = "2022-10-08"     # before the 10 October deadline: who has not returned, who must correct


def _have(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


Step = tuple[str, list[str], set[int]]          # (printed label, argv of `qm`, accepted exit codes)
FOLDERS = {
    "templates": ("01-下发模板", "下发给各市的标准填报工作簿"),
    "returns": ("02-各市报送", "演示的各市报送文件和 manifest.json（故意安排的错误清单）"),
    "check": ("03-校验", "校验结果.xlsx 和标注副本"),
    "summary": ("04-汇总", "汇总.xlsx（概况、明细、不合格清单、批次追溯、图表）"),
    "docs": ("05-公文", "全区报告、本市报告、整改通知书、曝光清单、奖励名册"),
    "contest": ("06-竞赛计分", "评分工作簿、计分结果和获奖名单"),
    "track": ("07-跟踪督导", "跟踪督导表、督办通知、催报名单和催报通知"),
    "quiz": ("08-知识竞赛", "知识竞赛题库、试卷、答题卡、线上导出"),
}


def cmd_demo_run(args) -> int:
    out = Path(args.directory)
    code = _prepare(out)
    if code:
        return code
    d = {key: out / name for key, (name, _) in FOLDERS.items()}
    camp = ["--campaign", args.campaign] if args.campaign else []
    start = time.perf_counter()
    code = _run(demo_steps(d), d, camp, args)
    if code:
        return code
    print(f"\n演示完成，用时 {time.perf_counter() - start:.0f} 秒。请查看：")
    for key, (_, label) in FOLDERS.items():
        if d[key].exists():
            print(f"  {d[key]}  —  {label}")
    return 0


def _prepare(out: Path) -> int:
    """An empty output folder carrying our marker (an earlier demo output is replaced); 2 if refused."""
    from addin.infra.paths import Output, guard

    guard([], [Output(out, "演示输出目录", folder=True)])
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            print(f"错误：{out} 不是空目录，也不是以前的演示输出目录；为免误删，请换一个目录", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("qm demo-run output; safe to delete\n", encoding="utf-8")
    return 0


def demo_steps(d: dict[str, Path]) -> list[Step]:
    """The demo's steps in order; a face that is not installed leaves its steps out."""
    summary = d["summary"] / "汇总.xlsx"
    province_report = ("生成全区报告", ["report", str(summary), "-o", str(d["docs"] / "全区报告.docx"), "--date", DOC_DATE], {0})
    # with the knowledge contest the report is written after the marking: it names the weakest categories
    quiz_in_report = _have("addin.cli.docs") and _have("addin.cli.score") and _have("addin.cli.quiz")
    steps = _intake_steps(d, summary)
    if _have("addin.cli.docs"):
        steps += ([] if quiz_in_report else [province_report]) + _document_steps(d, summary)
    if _have("addin.cli.track"):
        steps += _tracking_steps(d, summary)
    if _have("addin.cli.score"):
        steps += _contest_steps(d, summary, province_report if quiz_in_report else None)
    return steps


def _intake_steps(d: dict[str, Path], summary: Path) -> list[Step]:
    return [
        ("生成 14 个城市的标准填报工作簿", ["template", "--all", "--generic", "-o", str(d["templates"])], {0}),
        ("生成演示用的各市报送文件（含故意安排的错误）", ["demo", str(d["returns"])], {0}),
        ("校验各市报送文件", ["check", str(d["returns"]), "-q", "--xlsx", str(d["check"] / "校验结果.xlsx"),
                          "--annotate", str(d["check"] / "标注副本")], {0, 1}),
        ("汇总", ["consolidate", str(d["returns"]), "-o", str(summary), "-q"], {0}),
    ]


def _document_steps(d: dict[str, Path], summary: Path) -> list[Step]:
    return [
        ("生成本市报告（南宁市）", ["report", "--city", "@return-of:南宁市",
                              "-o", str(d["docs"] / "本市报告_南宁市.docx"), "--date", CITY_DATE], {0}),
        ("生成整改通知书草稿（各市名义，只对未整改且未下发通知书的项目）",
         ["notices", str(summary), "-o", str(d["docs"] / "整改通知书"), "--date", DOC_DATE], {0}),
        # 北海市's return has a non-conforming item without a notice (planted): the city issues it
        ("本市下发整改通知书（北海市报送工作簿，另存编号副本）",
         ["notices", "@return-of:北海市", "-o", str(d["docs"] / "整改通知书_北海市"), "--date", DOC_DATE], {0}),
        # the demo returns leave out one photo on purpose (manifest missing_photos): the
        # publishable list is refused (exit 2, reasons listed), then written as a draft
        ("生成典型问题曝光清单（演示数据故意缺一张照片：应拒绝发布）",
         ["exposure", str(summary), "-o", str(d["docs"] / "典型问题曝光.docx"), "--date", DOC_DATE], {2}),
        ("生成典型问题曝光清单草稿（每页标注“草稿”）",
         ["exposure", str(summary), "-o", str(d["docs"] / "典型问题曝光（草稿）.docx"), "--date", DOC_DATE, "--draft"], {0}),
        ("生成投诉奖励名册", ["rewards", str(summary), "-o", str(d["docs"] / "投诉奖励名册.docx"), "--date", DOC_DATE],
         {0, 2}),
        ("@if-refused:生成投诉奖励名册草稿（投诉记录有错误，每页标注“草稿”）",
         ["rewards", str(summary), "-o", str(d["docs"] / "投诉奖励名册（草稿）.docx"), "--date", DOC_DATE, "--draft"], {0}),
    ]


def _tracking_steps(d: dict[str, Path], summary: Path) -> list[Step]:
    return [
        ("跟踪督导（不合格项整改闭环）和督办通知", ["track", str(summary), "--as-of", TRACK_DATE, "-o",
                                       str(d["track"] / "跟踪督导.xlsx"), "--letters", str(d["track"] / "督办通知")], {0}),
        ("截止日期前催报（未报送和需更正的城市）", ["remind", str(d["returns"]), "--as-of", REMIND_DATE,
                                        "-o", str(d["track"] / "催报"), "--jobs", "1"], {0}),
    ]


def _contest_steps(d: dict[str, Path], summary: Path, province_report: Step | None) -> list[Step]:
    """Scoring sheets, the knowledge contest (when installed) and the ranking; ``province_report``, when
    given, is written after the marking so that it names the contest's weakest categories."""
    steps: list[Step] = [
        ("生成评分工作簿（作品来自汇总表）", ["template", "--scoring", "--source", str(summary), "-o", str(d["contest"])], {0}),
        ("模拟评委打分（演示）", ["@fill-scores", str(d["contest"])], {0}),
    ]
    scored = d["contest"] / "评分表（已评）.xlsx"
    if _have("addin.cli.quiz"):
        scored = d["contest"] / "评分表（已评，含阅卷成绩）.xlsx"
        steps += _quiz_steps(d, summary, scored)
        if province_report:
            label, argv, ok = province_report
            steps += [(label + "（含知识竞赛试题分析：正确率最低的分类和条文）", [*argv, "--quiz-marks", str(scored)], ok)]
    steps += [
        ("竞赛计分并生成获奖名单", ["score", str(scored),
                                  "-o", str(d["contest"] / "计分结果.xlsx"), "--date", "2022-10-20"], {0, 1}),
    ]
    return steps


def _quiz_steps(d: dict[str, Path], summary: Path, scored: Path) -> list[Step]:
    bank = d["quiz"] / "题库.xlsx"
    return [
        ("生成知识竞赛题库", ["template", "--quiz-bank", "-o", str(bank)], {0}),
        ("组卷（A/B 卷、参考答案、答案、答题卡；参赛人取自汇总表）",
         ["quiz", "paper", "--bank", str(bank), "--n", "50", "--seed", "2022", "--participants", str(summary),
          "-o", str(d["quiz"] / "试卷")], {0}),
        ("模拟参赛人答题（演示：线下答题卡和线上导出）", ["@simulate-answers", str(d["quiz"])], {0}),
        ("阅卷和试题分析，成绩写入评分工作簿",
         ["quiz", "mark", str(d["quiz"] / "答题卡（已填）.xlsx"), "--online", str(d["quiz"] / "线上答题导出.csv"),
          "--key", str(d["quiz"] / "试卷"), "--scoring", str(d["contest"] / "评分表（已评）.xlsx"),
          "-o", str(scored)], {0}),
    ]


def _run(steps: list[Step], d: dict[str, Path], camp: list[str], args) -> int:
    """Each step through the same entry point a user types; stops at the first unexpected exit code."""
    from addin.cli.main import main

    code = 0
    for i, (label, argv, ok) in enumerate(steps, 1):
        if label.startswith("@if-refused:"):           # only when the step before refused (exit 2)
            label = label.split(":", 1)[1]
            if code != 2:
                continue
        argv = [str(_first_return(d["returns"], a.split(":", 1)[1])) if a.startswith("@return-of:") else a for a in argv]
        print(f"\n【{i}/{len(steps)}】{label}：qm {' '.join(argv)}", flush=True)
        if argv[0] == "@fill-scores":
            code = _fill_scores(Path(argv[1]), args)
        elif argv[0] == "@simulate-answers":
            code = _simulate_answers(Path(argv[1]))
        else:
            code = main(camp + argv)
        if code not in ok:
            print(f"✘ 第 {i} 步失败（退出码 {code}）", file=sys.stderr)
            return 2 if code == 2 else 1        # bad input or settings stay exit code 2
    return 0


def _fill_scores(folder: Path, args) -> int:
    from addin.cli.common import campaign_from_args
    from addin.demo.contest import fill_demo_scores

    (template,) = [p for p in folder.glob("*.xlsx") if "已评" not in p.name]
    out = fill_demo_scores(template, folder / "评分表（已评）.xlsx", campaign_from_args(args))
    print(f"已填入演示评分：{out}")
    return 0


def _simulate_answers(folder: Path) -> int:
    from addin.demo.quiz import simulate_answers

    sheet, online = simulate_answers(folder / "试卷", folder / "答题卡（已填）.xlsx", folder / "线上答题导出.csv")
    print(f"已填入演示答案：{sheet}；线上答题导出：{online}")
    return 0


def _first_return(folder: Path, city: str) -> Path:
    """A return of ``city`` in ``folder``, found by the metadata inside the file, not by its name."""
    import python_calamine

    from addin.infra.batch import collect_files
    from workbook_templates.reader import read_meta

    files, _ = collect_files([folder])
    for f in files:
        try:
            meta = read_meta(python_calamine.CalamineWorkbook.from_path(str(f))) or {}
        except Exception:
            continue
        if meta.get("city_name") == city:
            return f
    return folder / f"{city}.xlsx"


def register(sub) -> None:
    p = sub.add_parser("demo-run", help="用内置演示数据完整运行一遍（make demo）",
                       description="生成模板和演示报送文件，然后依次校验、汇总、生成公文和竞赛计分，结果写入指定目录。")
    p.add_argument("directory", metavar="目录", nargs="?", default="demo-output", help="输出目录（默认 demo-output）")
    p.set_defaults(func=cmd_demo_run)
