"""The operations every face calls: consolidate a folder of returns, score a contest, follow up
non-conforming items (跟踪督导), chase returns (催报), and draw and mark the knowledge contest's
papers (qm quiz, 知识竞赛阅卷).

The CLI (`qm`), the ribbon buttons and (where it makes sense) the worksheet functions only adapt
input and output; the steps of an operation, and the wording of its result, live here once. So
the 汇总目录 button and `qm consolidate` read through the same supervised batch path, and the
竞赛计分 button and `qm score` score, write and summarise the same way.

Results are plain objects plus ``summary_lines()``: the Chinese lines a face shows (the CLI
prints them, a button puts them into its message box). Errors a person can act on are raised as
:class:`~addin.core.errors.QmError`.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from addin.campaign.settings import Campaign
from addin.consolidate.model import Consolidated, SubmissionStatus
from addin.consolidate.run import consolidate_files, consolidate_results, write_consolidated
from addin.contest.scoring import QuizResult, VideoResult, score_quiz, score_videos
from addin.contest.workbook import read_scoring_workbook, write_results
from addin.core.errors import QmError
from addin.core.findings import ERROR, INFO, WARNING, Finding, count_by_severity, sort_key
from addin.infra.batch import DEFAULT_FILE_TIMEOUT, DEFAULT_WORKER_MB, collect, collect_files, collect_verbose
from addin.infra.paths import Output, guard
from docgen.award_list import write_award_list
from workbook_templates.package import Limits

AWARD_LIST_NAME = "获奖名单.docx"
# With error-level findings the list is a draft (仅供核对): it goes beside, never over, a final list.
DRAFT_AWARD_LIST_NAME = "获奖名单（仅供核对）.docx"
SCORE_RESULT_NAME = "计分结果.xlsx"
QUIZ_RESULT_NAME = "知识竞赛成绩.xlsx"

Progress = bool | Callable[[int, int], None] | None


# -- consolidate a folder -----------------------------------------------------------------
@dataclass
class ConsolidationRun:
    """What `consolidate_returns` did: the consolidated campaign, the files read, where it wrote."""
    consolidated: Consolidated
    files: list[Path]
    output: Path
    problems: list[str] = field(default_factory=list)   # paths that could not be collected
    read_seconds: float = 0.0
    total_seconds: float = 0.0

    @property
    def used(self) -> list:
        return [s for s in self.consolidated.submissions if s.status == SubmissionStatus.USED]

    @property
    def unreadable(self) -> list:
        return [s for s in self.consolidated.submissions if s.status == SubmissionStatus.UNREADABLE]

    @property
    def error_count(self) -> int:
        f = self.consolidated.findings
        return 0 if f.empty else int((f["severity"] == ERROR).sum())

    def summary_lines(self) -> list[str]:
        """The result as a clerk reads it (the CLI prints these; the button shows them)."""
        c = self.consolidated
        lines = [f"读取 {len(self.files)} 个文件，采用 {len(self.used)} 个城市的报送"
                 f"（读取和校验 {self.read_seconds:.1f} 秒，共 {self.total_seconds:.1f} 秒）"]
        lines += [f"  ✘ 无法读取：{s.file}：{s.note}" for s in self.unreadable]
        if c.missing_cities:
            lines.append(f"  未报送：{'、'.join(c.missing_cities)}")
        if c.late_cities:
            lines.append(f"  逾期报送：{'、'.join(c.late_cities)}")
        lines += [f"  重复报送（未采用）：{f}" for f in c.duplicate_files]
        lines += [f"  身份冲突（未采用，待人工核实）：{s.file}：{s.note}" for s in c.submissions
                  if s.status == SubmissionStatus.IDENTITY_CONFLICT]
        t = c.totals()
        rate = t.get("spot_pass_rate")
        lines.append(f"  抽测 {int(t['spot_items'])} 项次，复核不合格 {int(t['spot_fail'])} 项次"
                     + (f"，合格率 {rate:.1%}" if rate == rate else "")
                     + f"；校验错误 {self.error_count} 个")
        lines.append(f"汇总表已写入：{self.output}")
        return lines


def consolidate_returns(paths: Iterable[str | Path], campaign: Campaign, output: str | Path, *,
                        jobs: int | None = None, progress: Progress = None,
                        timeout: float | None = DEFAULT_FILE_TIMEOUT, memory_mb: int | None = DEFAULT_WORKER_MB,
                        limits: Limits | None = None, verbose: bool = False) -> ConsolidationRun:
    """Read, validate and consolidate every return under ``paths`` and write 汇总.xlsx to ``output``.

    ``progress``: None (a bar when stderr is a terminal), False, True, or ``f(done, total)``
    called after each file (the ribbon puts it in the status bar). Junk and our own outputs
    (an earlier 汇总.xlsx beside the returns) are skipped (:func:`addin.infra.batch.collect`;
    problems and notes go to stderr, junk too with ``verbose``). Raises QmError before any work
    when the output would be an input, a folder or a file of another kind, when there is nothing
    to read, or when a sheet would exceed Excel's rows (nothing is written then).
    """
    output = Path(output)
    paths = list(paths)
    found = collect_verbose(paths, verbose)
    # before any work: the summary is never one of the returns, a folder, or a file of another kind
    guard([*paths, *found.files], [Output(output, "汇总表", (".xlsx",), kind="汇总表")])
    if not found.files:
        where = "、".join(str(p) for p in paths)
        raise QmError(f"没有找到报送的 Excel 文件（{where}）")
    start = time.perf_counter()
    c = consolidate_files(found.files, campaign, jobs=jobs, progress=progress, timeout=timeout,
                          memory_mb=memory_mb, limits=limits, names=found.names)   # 甲/报表.xlsx, 乙/报表.xlsx
    read_s = time.perf_counter() - start
    write_consolidated(c, output)
    return ConsolidationRun(c, found.files, output, found.problems, read_s, time.perf_counter() - start)


# -- score the contests -------------------------------------------------------------------
@dataclass
class ScoringRun:
    """What `score_contest` did: both contests' results, their findings and the files written."""
    source: Path
    results: Path
    video: VideoResult
    quiz: QuizResult
    findings: list[Finding]
    award_list: Path | None = None

    @property
    def counts(self) -> dict[str, int]:
        return count_by_severity(self.findings)

    @property
    def errors(self) -> int:
        return self.counts.get(ERROR, 0)

    def summary_lines(self) -> list[str]:
        video, quiz, counts = self.video, self.quiz, self.counts
        ranked = sum(1 for e in video.entries if e.rank is not None)
        awards = "，".join(f"{k} {v} 件" for k, v in video.award_counts.items()) or "无"
        people = sum(1 for p in quiz.individuals if p.rank is not None)
        return [
            f"微视频：{len(video.entries)} 件作品，{ranked} 件参与排名；{len(video.judges)} 位评委；获奖：{awards}",
            f"知识竞赛：{len(quiz.individuals)} 人，{people} 人参与排名；"
            f"{sum(1 for c in quiz.cities if c.rank is not None)} 个城市参与排名",
            f"问题：错误 {self.errors} 个，警告 {counts.get(WARNING, 0)} 个，提示 {counts.get(INFO, 0)} 个"
            + ("；存在错误，结果和获奖名单仅供核对，请修正后重新计分" if self.errors else ""),
        ]


def score_contest(source: str | Path, campaign: Campaign, results: str | Path, *,
                  award_date: dt.date | None = None, award_list: bool = True) -> ScoringRun:
    """Score the micro-video contest and the knowledge contest from a filled scoring workbook:
    write the results workbook, and 获奖名单.docx beside it — or, when any finding is an error,
    获奖名单（仅供核对）.docx marked 草稿, never over a final list. Raises QmError before any work for
    a source that is not a scoring workbook or an output that would replace an input or a file
    of another kind."""
    from addin.infra.marker import own_output_kind

    source, results = Path(source), Path(results)
    guard([source], [Output(results, "结果工作簿", (".xlsx",), kind="计分结果"),
                     Output(results.parent / AWARD_LIST_NAME, "获奖名单", (".docx",)),
                     Output(results.parent / DRAFT_AWARD_LIST_NAME, "获奖名单（仅供核对）", (".docx",))])
    kind = own_output_kind(source)
    if kind and kind != "评分工作簿":
        raise QmError(f"“{source}”是本程序生成的{kind}，不是评分工作簿；请使用 qm template --scoring 生成并由评委填好的评分工作簿",
                      file=source)
    book = read_scoring_workbook(source, campaign)
    video = score_videos(book.entries, book.judges, book.scores, campaign.contest)
    quiz = score_quiz(book.participants, campaign.knowledge, [c.name for c in campaign.cities])
    run = ScoringRun(source, results, video, quiz, sorted([*video.findings, *quiz.findings], key=sort_key))
    write_results(results, campaign, video, quiz, source=source)
    if award_list:
        name = DRAFT_AWARD_LIST_NAME if run.errors else AWARD_LIST_NAME
        run.award_list = write_award_list(campaign, video, quiz, results.parent / name,
                                          date=award_date, draft=bool(run.errors))
    return run


# -- documents from a consolidated campaign (qm exposure / qm rewards / the ribbon) -------------
DRAFT_NOTE = "（草稿，每页标注“草稿”，不得发布）"


@dataclass
class ExposureRun:
    """What `exposure_list` wrote: the list and the photos it could not find."""
    path: Path
    missing_photos: list[str]
    draft: bool = False

    def summary_lines(self) -> list[str]:
        lines = [f"已生成曝光清单{DRAFT_NOTE if self.draft else ''}：{self.path}"]
        missing = self.missing_photos
        if missing:
            lines.append(f"提示：{len(missing)} 张照片缺失或无法读取：{'、'.join(missing[:10])}"
                         f"{'等' if len(missing) > 10 else ''}")
        return lines


def exposure_list(c: Consolidated, output: str | Path, photo_dirs: dict | None = None, *,
                  date: dt.date | None = None, draft: bool = False) -> ExposureRun:
    """典型问题曝光清单 (.docx) at ``output``; ``photo_dirs`` maps each return's file name to the
    folder holding its photos. A list with a missing photo or an error-level finding is refused
    (NotPublishable, a QmError) unless ``draft`` (then 草稿 is on every page)."""
    from docgen.exposure import build_exposure_list, plan_exposures

    path = build_exposure_list(c, Path(output), photo_dirs, date=date, draft=draft)
    missing = [p.name for e in plan_exposures(c, photo_dirs) for p in e.photos if not p.path]
    return ExposureRun(path, missing, draft)


def photo_folders(c: Consolidated, candidates: Iterable[Path], default: Path) -> dict[str, Path]:
    """Where each return's photos are: among ``candidates``, the folder that holds a file of the
    return's name (汇总.xlsx records only the name) and most of the photos it refers to; a path
    recorded in full is used as it is; ``default`` when no folder holds the return."""
    from docgen.exposure import split_photos

    exposure = c.frames.get("exposure")
    out: dict[str, Path] = {}
    if exposure is None or "source_file" not in exposure.columns:
        return out
    candidates = list(candidates)
    for f, rows in exposure.groupby(exposure["source_file"].astype(str)):
        p = Path(f)
        if p.is_absolute() and p.exists():
            out[f] = p.parent
            continue
        names = [n for v in rows.get("photos", []) for n in split_photos(v)]
        # a name with sub-folders (甲/报表.xlsx) is looked up as it is, then by its file name
        holders = ([(d / p).parent for d in candidates if (d / p).is_file()]
                   or [d for d in candidates if (d / p.name).is_file()] or [default])
        out[f] = max(holders, key=lambda d: sum((d / n).is_file() for n in names))
    return out


def _subdirs(folder: Path) -> list[Path]:
    try:
        return sorted(d for d in folder.iterdir() if d.is_dir())
    except OSError:
        return []


def photo_folders_given(c: Consolidated, folder: str | Path) -> dict[str, Path]:
    """Photo folders for `qm exposure --photos DIR`: every return's photos are in ``folder``."""
    exposure = c.frames.get("exposure")
    if exposure is None or "source_file" not in exposure.columns:
        return {}
    return {str(f): Path(folder) for f in exposure["source_file"].dropna().unique()}


def photo_folders_near(c: Consolidated, summary: str | Path) -> dict[str, Path]:
    """Photo folders for `qm exposure 汇总.xlsx` without --photos: the summary's folder, its
    sub-folders and the folders beside it (returns are usually kept next to the summary)."""
    base = Path(summary).resolve().parent
    return photo_folders(c, [base, *_subdirs(base), *(d for d in _subdirs(base.parent) if d != base)], base)


def photo_folders_in_returns(c: Consolidated, returns: str | Path) -> dict[str, Path]:
    """Photo folders for the ribbon's 曝光清单: the folders under the returns folder that hold returns
    (photos are handed in beside the city's workbook)."""
    root = Path(returns)
    files, _ = collect_files([root])
    return photo_folders(c, [root, *dict.fromkeys(f.parent for f in files)], root)


@dataclass
class RewardRosterRun:
    """What `reward_roster` wrote: the roster, its rows and the seed of the random envelopes."""
    path: Path
    rows: list[dict]
    seed: int
    draft: bool = False

    @property
    def total(self) -> float:
        return sum(r["total"] for r in self.rows)

    def summary_lines(self) -> list[str]:
        return [f"已生成投诉奖励名册{'（草稿）' if self.draft else ''}：{self.path}（{len(self.rows)} 件投诉，"
                f"奖励合计 {self.total:.2f} 元，随机种子 {self.seed}）"]


def reward_roster(c: Consolidated, output: str | Path, *, seed: int | None = None,
                  date: dt.date | None = None, draft: bool = False) -> RewardRosterRun:
    """投诉奖励名册 (.docx) at ``output``; without ``seed`` the campaign's default (reproducible).
    Refused (NotPublishable) with error-level findings on the complaints unless ``draft``."""
    from docgen.rewards import build_reward_roster, default_seed

    path, rows = build_reward_roster(c, Path(output), seed=seed, date=date, draft=draft)
    return RewardRosterRun(path, rows, seed if seed is not None else default_seed(c.campaign), draft)


@dataclass
class NoticesRun:
    """What a notices run wrote: the notices (one per project and contractor), the register and,
    for a city's return, the numbered copy of the return (the return itself is never written)."""
    folder: Path
    paths: list[Path]
    notices: list                       # docgen.notice.Notice, with deadline_note where the period was set
    city: str | None = None             # the return's city; None for drafts of every city from 汇总.xlsx

    @property
    def register(self) -> Path:
        from docgen.notice import REGISTER_NAME

        return self.folder / REGISTER_NAME

    @property
    def numbered_copy(self) -> Path | None:
        return next(self.folder.glob("*（已编号）.xlsx"), None) if self.city else None

    def summary_lines(self) -> list[str]:
        lines = [f"提示：{n.deadline_note}" for n in self.notices if getattr(n, "deadline_note", "")]
        if not self.paths:
            lines.append("没有需要下发整改通知书的不合格项（已整改、已复查合格或已填写整改通知书编号的不再下发），"
                         f"{self.folder} 中只有登记表。")
            return lines
        who = self.city or f"{len({n.city for n in self.notices})}个市"
        lines.append(f"已生成整改通知书 {len(self.paths)} 份（{who}，以各市住房城乡建设主管部门名义）：{self.folder}")
        lines.append(f"登记表：{self.register}")
        if self.numbered_copy:
            lines.append(f"已编号的工作簿副本（原文件未改动）：{self.numbered_copy}")
        return lines


def is_blank_return(path: str | Path) -> bool:
    """Whether ``path`` is a blank template (no row in any sheet, nothing typed in 基本信息 but the
    city), which `qm template` may write again; a filled return is never replaced (issue 17)."""
    from workbook_templates.reader import read_workbook

    try:
        wb = read_workbook(path)
    except Exception:           # unreadable: not ours to replace either
        return False
    if any(sheet.rows for sheet in wb.sheets.values()):
        return False
    typed = {k: v for k, v in (wb.info.values if wb.info is not None else {}).items()
             if k not in ("city", "city_code") and v not in (None, "")}
    return not typed


def is_blank_scoring(path: str | Path) -> bool:
    """Whether the scoring workbook at ``path`` holds no judges' work yet (no judge listed, no score
    row), so `qm template --scoring` may write it again; the judges' filled workbook is never
    replaced by a blank one (issue 17 class 1). Quiz scores do not count: they come from the source
    summary or from `qm quiz mark`, and are written again from there."""
    from addin.contest.workbook import read_scoring_workbook

    try:
        book = read_scoring_workbook(path)
    except Exception:           # unreadable: not ours to replace either
        return False
    return not (book.judges or book.scores)


def previous_demo_file(path: str | Path) -> bool:
    """Whether ``path`` was written by an earlier `qm demo` into its folder (named in the folder's
    demo manifest); `qm demo` replaces only those, never a real return."""
    import json

    from addin.demo.generator import MANIFEST_NAME

    p = Path(path)
    try:
        manifest = json.loads((p.parent / MANIFEST_NAME).read_text("utf-8"))
        return p.name in {f.get("name") for f in manifest.get("files", [])}
    except (OSError, ValueError, AttributeError, TypeError):
        return False


def return_city(path: str | Path, campaign: Campaign):
    """The campaign city a city's return belongs to, from the workbook's own metadata (never its
    file name); None for anything that is not one of our returns (e.g. 汇总.xlsx)."""
    try:
        import io

        import python_calamine

        from workbook_templates.reader import read_meta, sniff

        data = sniff(Path(path)).data        # the checked package: a stray cell in _meta is not read densely
        meta = read_meta(python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))) or {}
    except Exception:       # not a workbook we can open: not a return
        return None
    return campaign.city_of_return(meta.get("city_code"), meta.get("city_name"))


def return_notices(source: str | Path, campaign: Campaign, out_dir: str | Path, *,
                   date: dt.date | None = None, issuer: str | None = None, letterhead: bool = False,
                   include_recorded: bool = False, annotate_from: str | Path | None = None) -> NoticesRun:
    """整改通知书 for one city's return, in that city's name (`qm notices RETURN.xlsx` and the city
    group's 生成整改通知书 button): its open non-conforming items without a recorded notice,
    numbered after the highest number already in the return, plus a numbered copy of the return
    (of ``annotate_from`` when the file read is a snapshot of it)."""
    from addin.consolidate.inputs import check_city_return
    from docgen.notice import build_notices

    source, out_dir = Path(source), Path(out_dir)
    check_city_return(source, campaign)          # the package checks every return gets, and our own
    city = return_city(source, campaign)
    if city is None:
        raise QmError("不是本活动各市的标准填报表，无法确定城市", file=source)
    c = consolidate_files([source], campaign, jobs=1, progress=False, timeout=None, memory_mb=None)
    if not any(s.status == SubmissionStatus.USED for s in c.submissions):
        why = next((s.note for s in c.submissions if s.note), "")
        raise QmError(f"无法读取填报表{('：' + why) if why else ''}", file=source)
    notices: list = []
    paths = build_notices(c, out_dir, date, issuer=issuer, city=city.name, letterhead=letterhead,
                          include_recorded=include_recorded, annotate_from=Path(annotate_from or source),
                          notices_out=notices)
    return NoticesRun(out_dir, list(paths or []), notices, city.name)


def campaign_notices(c: Consolidated, out_dir: str | Path, *, date: dt.date | None = None,
                     issuer: str | None = None, letterhead: bool = False,
                     include_recorded: bool = False) -> NoticesRun:
    """Drafts of every city's 整改通知书 from the consolidated campaign (`qm notices 汇总.xlsx` and the
    province's 生成整改通知书 button), each in its city's name, for open items without a notice."""
    from docgen.notice import build_notices

    notices: list = []
    paths = build_notices(c, Path(out_dir), date, issuer=issuer, letterhead=letterhead,
                          include_recorded=include_recorded, notices_out=notices)
    return NoticesRun(Path(out_dir), list(paths or []), notices)
# -- follow up: 跟踪督导 and 催报 ------------------------------------------------------------
TRACKING_NAME = "跟踪督导.xlsx"


def _is_summary(path: Path) -> bool:
    """A 汇总.xlsx written by `qm consolidate` (it has the 概况 and 不合格清单 sheets), not a return."""
    import python_calamine

    from addin.consolidate.summary_xlsx import NONCONFORMING_SHEET, SUMMARY_SHEET

    try:
        names = python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception:
        return False
    return SUMMARY_SHEET in names and NONCONFORMING_SHEET in names


def load_source(source: str | Path, campaign: Campaign, *, jobs: int | None = None,
                progress: Progress = False, timeout: float | None = DEFAULT_FILE_TIMEOUT,
                memory_mb: int | None = DEFAULT_WORKER_MB) -> tuple[Consolidated, list[Path]]:
    """The consolidated campaign from a 汇总.xlsx, or from a folder (or file) of returns read now;
    and the returns read (none for a 汇总.xlsx). QmError when there is nothing to read."""
    from addin.consolidate.inputs import open_summary

    source = Path(source)
    if source.is_file() and _is_summary(source):
        return open_summary(source, campaign), []     # the checked bytes: stray cells removed, as for returns
    found = collect([source])
    files, problems = found.files, found.problems
    if not files:
        raise QmError(f"没有找到报送的 Excel 文件（{source}）" + (f"：{'；'.join(problems)}" if problems else ""),
                      file=source)
    c = consolidate_files(files, campaign, jobs=jobs, progress=progress, timeout=timeout, memory_mb=memory_mb,
                          names=found.names)                  # 甲/报表.xlsx: the name under the folder
    if not any(s.status == SubmissionStatus.USED for s in c.submissions):
        why = "；".join(f"{s.file}：{s.note}" for s in c.submissions if s.note) or "没有可用的报送文件"
        raise QmError(f"“{source}”不是汇总表，也没有可读取的本活动报送文件（{why}）", file=source)
    return c, files


@dataclass
class TrackingRun:
    tracking: object              # addin.consolidate.tracking.Tracking
    output: Path
    letters: list[Path] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        t = self.tracking
        counts = t.counts()
        shown = "，".join(f"{k} {v}" for k, v in counts.items() if v) or "无"
        pending = sum(1 for s in t.sites if not s.done)
        lines = [f"截至 {t.as_of:%Y-%m-%d}：复核不合格 {len(t.items)} 项（{shown}）",
                 f"  同批次工地 {len(t.sites)} 个，未自查 {pending} 个"]
        over = [c for c in t.cities if c.counts.get("逾期未整改")]
        if over:
            lines.append("  有逾期未整改的城市：" + "、".join(f"{c.city} {c.counts['逾期未整改']} 项" for c in over))
        lines.append(f"跟踪督导表已写入：{self.output}")
        if self.letters:
            lines.append(f"督办通知 {len(self.letters)} 份已写入：{self.letters[0].parent}")
        return lines


def track_items(source: str | Path, campaign: Campaign, output: str | Path, *, as_of: dt.date | None = None,
                letters: str | Path | None = None, letter_date: dt.date | None = None,
                jobs: int | None = None, progress: Progress = False) -> TrackingRun:
    """跟踪督导: every non-conforming item's state on ``as_of`` (default today) -> 跟踪督导.xlsx; with
    ``letters`` a folder, one 督办通知 per city that has items needing supervision."""
    from addin.consolidate.track_xlsx import write_tracking
    from addin.consolidate.tracking import plan_tracking
    from docgen.supervise import supervision_file_name, write_supervision_letter

    output = Path(output)
    guard([source], [Output(output, "跟踪督导表", (".xlsx",), kind="跟踪督导表"),
                     Output(Path(letters), "督办通知目录", folder=True) if letters else None])   # before any work
    day = as_of or dt.date.today()
    c, files = load_source(source, campaign, jobs=jobs, progress=progress)
    if any(f.resolve() == output.resolve() for f in files):
        raise QmError(f"输出文件不能是报送文件之一：{output}", file=output)
    t = plan_tracking(c, day)
    write_tracking(t, output, source=str(source))
    run = TrackingRun(t, output)
    if letters is not None:
        folder = Path(letters)
        for city in campaign.cities:
            if t.needing_supervision(city.name):
                run.letters.append(write_supervision_letter(t, city.name, folder / supervision_file_name(city.name),
                                                            letter_date))
    return run


@dataclass
class ReminderRun:
    reminders: list
    as_of: dt.date
    deadline: dt.date
    output: Path
    letters: list[Path] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        after = self.as_of > self.deadline
        head = (f"截至 {self.as_of:%Y-%m-%d}（报送截止 {self.deadline:%Y-%m-%d}，"
                + (f"已过 {(self.as_of - self.deadline).days} 天）" if after else f"还有 {(self.deadline - self.as_of).days} 天）"))
        lines = [head]
        by: dict[str, list[str]] = {}
        for r in self.reminders:
            label = r.city + (f"（{r.errors} 个错误）" if r.errors and not r.missing else "") + (
                f"（逾期 {r.days_late} 天）" if r.days_late else "")
            by.setdefault(r.kind, []).append(label)
        lines += [f"  {k}：{'、'.join(v)}" for k, v in by.items()] or ["  所有城市均已报送且无错误"]
        lines.append(f"催报名单已写入：{self.output}")
        if self.letters:
            lines.append(f"催报通知 {len(self.letters)} 份已写入：{self.output.parent}")
        return lines


def _return_contacts(c: Consolidated, files: list[Path], campaign: Campaign) -> dict[str, tuple[str, str]]:
    """City code -> (联系人, 联系电话) from the 基本信息 of each used return (only the cities without
    a contact in the settings are read)."""
    from workbook_templates.reader import ReadError, read_workbook

    need = {ci.code for ci in campaign.cities if not (ci.contact or ci.phone)}
    by_name = {f.name: f for f in files}
    out = {}
    for s in c.submissions:
        if s.status != SubmissionStatus.USED or s.city_code not in need or s.file not in by_name:
            continue
        try:
            info = read_workbook(by_name[s.file], campaign_id=campaign.id).info
        except ReadError:
            continue
        out[s.city_code] = (str(info.get("contact") or "").strip(), str(info.get("phone") or "").strip())
    return out


def remind_cities(folder: str | Path, campaign: Campaign, out_dir: str | Path, *, as_of: dt.date | None = None,
                  letter_date: dt.date | None = None, letters: bool = True, jobs: int | None = None,
                  progress: Progress = False, timeout: float | None = DEFAULT_FILE_TIMEOUT,
                  memory_mb: int | None = DEFAULT_WORKER_MB) -> ReminderRun:
    """催报: read the returns in ``folder`` and write 催报名单.xlsx and one 催报通知 per city to chase."""
    from addin.consolidate.reminders import LIST_NAME, plan_reminders, write_reminder_list
    from docgen.supervise import remind_file_name, write_remind_letter

    day = as_of or dt.date.today()
    out_dir = Path(out_dir)
    guard([folder], [Output(out_dir, "催报输出目录", folder=True)])     # before any work
    if not Path(folder).is_dir():
        raise QmError(f"回收目录“{folder}”不是文件夹：请给出各市报送文件所在的文件夹", file=Path(folder))
    found = collect([folder])
    files, problems = found.files, found.problems
    if files:
        c = consolidate_files(files, campaign, jobs=jobs, progress=progress, timeout=timeout, memory_mb=memory_mb,
                              names=found.names)
    elif problems:
        raise QmError(f"找不到回收目录：{'；'.join(problems)}", file=Path(folder))
    else:                          # nothing returned yet: every city is to be chased
        c = consolidate_results([], campaign)
    reminders = plan_reminders(c, day, _return_contacts(c, files, campaign))
    run = ReminderRun(reminders, day, campaign.report_deadline, write_reminder_list(reminders, out_dir / LIST_NAME,
                                                                                    campaign, day))
    if letters:
        for r in reminders:
            run.letters.append(write_remind_letter(campaign, r, day, out_dir / remind_file_name(r.city), letter_date))
    return run


# -- the knowledge contest: papers and marking ----------------------------------------------
@dataclass
class PaperRun:
    """What `make_quiz_paper` did: the paper, the bank's findings and the files written."""
    paper: object
    files: list[Path]
    findings: list[Finding]
    bank_size: int

    def summary_lines(self) -> list[str]:
        from addin.contest.papers import paper_summary

        counts = count_by_severity(self.findings)
        return [f"题库可用题目 {self.bank_size} 道；题库问题：错误 {counts.get(ERROR, 0)} 个（这些题目未参与抽题），"
                f"警告 {counts.get(WARNING, 0)} 个", *paper_summary(self.paper),
                *(f"已生成：{p}" for p in self.files)]


def make_quiz_paper(campaign: Campaign, out_dir: str | Path, *, bank: str | Path | None = None, n: int | None = None,
                    seed: int = 2022, variants: int | None = None,
                    participants: str | Path | None = None) -> PaperRun:
    """Draw a paper from ``bank`` (a bank workbook; default: the packaged bank) and write the papers,
    the key, the printable key and the answer sheet (pre-filled from ``participants``: a 汇总.xlsx or
    a scoring workbook) into ``out_dir``. Every path is checked before any work (QmError)."""
    from addin.contest.papers import KEY_DOC, KEY_NAME, SHEET_NAME, draw_paper, participants_from
    from addin.contest.quizbank import LETTERS, default_bank, question_rows, read_bank, validate_questions
    from addin.infra.paths import check_input
    from docgen.quiz_paper import write_paper_set

    rules = campaign.quiz_rules.paper
    k = variants or rules.variants
    if not 1 <= k <= len(LETTERS):
        raise QmError(f"试卷版本数应为 1～{len(LETTERS)}，实为 {k}")
    out = Path(out_dir)
    ins = [check_input(bank, "题库") if bank else None,
           check_input(participants, "参赛人来源（汇总表或评分工作簿）") if participants else None]
    guard([i for i in ins if i], [Output(out, "试卷目录", folder=True),
                                  *(Output(out / f"试卷{LETTERS[v]}.docx", "试卷", (".docx",)) for v in range(k)),
                                  Output(out / KEY_DOC, "参考答案", (".docx",)),
                                  Output(out / KEY_NAME, "答案文件", (".xlsx",)),
                                  Output(out / SHEET_NAME, "答题卡", (".xlsx",))])     # before any work
    if bank:
        questions, findings = read_bank(bank, campaign)
    else:
        questions, findings = validate_questions(question_rows(default_bank(campaign)), rules)
    people = participants_from(participants) if participants else []
    paper, notes = draw_paper(questions, n or rules.n_questions, seed, rules, campaign, k)
    files = write_paper_set(paper, out, campaign, people)
    return PaperRun(paper, files, sorted([*findings, *notes], key=sort_key), len(questions))


@dataclass
class MarkingRun:
    """What `mark_quiz` did: the marked papers, the analysis, the findings and the output."""
    output: Path
    result: object
    analysis: object
    matched: int = 0
    appended: int = 0
    scoring: Path | None = None

    @property
    def findings(self) -> list[Finding]:
        return sorted(self.result.findings, key=sort_key)

    @property
    def errors(self) -> int:
        return count_by_severity(self.findings).get(ERROR, 0)

    def summary_lines(self) -> list[str]:
        from addin.contest.analysis import weakest
        from addin.contest.marking import ONLINE

        papers = self.result.papers
        on = sum(1 for p in papers if p.round == ONLINE)
        counts = count_by_severity(self.findings)
        lines = [f"阅卷 {len(papers)} 份（线下 {len(papers) - on} 份，线上 {on} 份）；"
                 f"问题：错误 {counts.get(ERROR, 0)} 个，警告 {counts.get(WARNING, 0)} 个，提示 {counts.get(INFO, 0)} 个"]
        if self.scoring:
            lines.append(f"评分工作簿 {self.scoring.name} 中 {self.matched} 人写入阅卷成绩，新增 {self.appended} 人")
        w = weakest(self.analysis)
        if w.categories:
            lines.append("正确率最低的分类：" + "，".join(f"{n} {r:.1%}" for n, r, _, _ in w.categories))
        lines.append(f"成绩已写入：{self.output}（知识竞赛表可直接用 qm score 计分）")
        return lines


def mark_quiz(campaign: Campaign, key_dir: str | Path, output: str | Path, *, answer_sheets: Iterable[str | Path] = (),
              online: Iterable[str | Path] = (), scoring: str | Path | None = None) -> MarkingRun:
    """Mark the offline answer sheets and the online exports by the key in ``key_dir`` and write
    the marks (a scoring workbook, or a copy of ``scoring`` with the marks) and the item analysis
    to ``output``. Raises QmError for unreadable inputs or an output that is an input."""
    from addin.contest.analysis import analyse
    from addin.contest.marking import MarkResult, mark, open_scoring, read_answer_sheet, read_online, write_marks
    from addin.contest.papers import read_key

    from addin.contest.papers import KEY_NAME
    from addin.infra.paths import check_input

    output = Path(output)
    answer_sheets, online = list(answer_sheets), list(online)
    # every input must be an ordinary file (a FIFO or a device would block the reader) before any work
    key_path = check_input(key_dir, "答案（qm quiz paper 生成的试卷目录或其中的答案.xlsx）", folder_ok=True)
    if key_path.is_dir():
        key_path = check_input(key_path / KEY_NAME, "答案文件")
    inputs = [key_path, *(check_input(p, "答题卡") for p in answer_sheets),
              *(check_input(p, "线上答题导出") for p in online),
              *([check_input(scoring, "评分工作簿")] if scoring else [])]
    guard(inputs, [Output(output, "成绩工作簿", (".xlsx",))])                 # before any work
    if not answer_sheets and not online:
        raise QmError("请指定答题卡（线下）或线上答题导出文件")
    if scoring:
        open_scoring(scoring)                        # a wrong file is said before the marking
    key = read_key(key_path)
    rules = campaign.quiz_rules
    result = MarkResult([])
    for path in answer_sheets:
        part = mark(read_answer_sheet(path, key), key, rules, Path(path).name)
        result.papers += part.papers
        result.findings += part.findings
    for path in online:
        part = mark(read_online(path, key), key, rules, Path(path).name)
        result.papers += part.papers
        result.findings += part.findings
    analysis = analyse(result.papers, rules.paper.discrimination_share)
    out, matched, appended = write_marks(output, campaign, result, analysis, key, scoring)
    return MarkingRun(out, result, analysis, matched, appended, Path(scoring) if scoring else None)
