"""The operations every face calls: consolidate a folder of returns, score a contest, follow up
non-conforming items (跟踪督导) and chase returns (催报).

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
from addin.infra.batch import DEFAULT_FILE_TIMEOUT, DEFAULT_WORKER_MB, collect_files
from docgen.award_list import write_award_list
from workbook_templates.package import Limits

AWARD_LIST_NAME = "获奖名单.docx"
SCORE_RESULT_NAME = "计分结果.xlsx"

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
        t = c.totals()
        rate = t.get("spot_pass_rate")
        lines.append(f"  抽测 {int(t['spot_items'])} 项次，复核不合格 {int(t['spot_fail'])} 项次"
                     + (f"，合格率 {rate:.1%}" if rate == rate else "")
                     + f"；校验错误 {self.error_count} 个")
        lines.append(f"汇总表已写入：{self.output}")
        return lines


def collect_returns(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> tuple[list[Path], list[str]]:
    """The returned workbooks under ``paths`` (files and folders, recursively), without the
    paths in ``exclude`` (our own outputs); and the Chinese lines for paths that do not exist."""
    files, problems = collect_files(paths)
    skip = {Path(p).resolve() for p in exclude}
    return [f for f in files if f.resolve() not in skip], problems


def consolidate_returns(paths: Iterable[str | Path], campaign: Campaign, output: str | Path, *,
                        jobs: int | None = None, progress: Progress = None,
                        timeout: float | None = DEFAULT_FILE_TIMEOUT, memory_mb: int | None = DEFAULT_WORKER_MB,
                        limits: Limits | None = None, skip_output: bool = False) -> ConsolidationRun:
    """Read, validate and consolidate every return under ``paths`` and write 汇总.xlsx to ``output``.

    ``progress``: None (a bar when stderr is a terminal), False, True, or ``f(done, total)``
    called after each file (the ribbon puts it in the status bar). Raises QmError when the
    output would replace a return, when there is nothing to read, or when a sheet would exceed
    Excel's rows (nothing is written then). ``skip_output``: an earlier 汇总.xlsx at ``output``
    inside the folder is left out of the returns (the ribbon writes beside the returns).
    """
    output = Path(output)
    paths = list(paths)
    files, problems = collect_returns(paths, exclude=[output] if skip_output else [])
    if any(f.resolve() == output.resolve() for f in files):
        raise QmError(f"输出文件不能是报送文件之一：{output}", file=output)
    if not files:
        where = "、".join(str(p) for p in paths)
        detail = "；".join(problems)
        raise QmError(f"没有找到报送的 Excel 文件（{where}）" + (f"：{detail}" if detail else ""))
    start = time.perf_counter()
    c = consolidate_files(files, campaign, jobs=jobs, progress=progress, timeout=timeout,
                          memory_mb=memory_mb, limits=limits)
    read_s = time.perf_counter() - start
    write_consolidated(c, output)
    return ConsolidationRun(c, files, output, problems, read_s, time.perf_counter() - start)


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
    write the results workbook, and 获奖名单.docx beside it (marked as a draft when any finding
    is an error). Raises QmError for an unreadable workbook or a results path that is the source."""
    source, results = Path(source), Path(results)
    if results.exists() and source.exists() and results.resolve() == source.resolve():
        raise QmError(f"结果工作簿不能与评分工作簿同名（{source}），评分工作簿只读不写", file=source)
    book = read_scoring_workbook(source, campaign)
    video = score_videos(book.entries, book.judges, book.scores, campaign.contest)
    quiz = score_quiz(book.participants, campaign.knowledge, [c.name for c in campaign.cities])
    run = ScoringRun(source, results, video, quiz, sorted([*video.findings, *quiz.findings], key=sort_key))
    write_results(results, campaign, video, quiz, source=source)
    if award_list:
        run.award_list = write_award_list(campaign, video, quiz, results.parent / AWARD_LIST_NAME,
                                          date=award_date, draft=bool(run.errors))
    return run


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
    from addin.consolidate.summary_xlsx import load_consolidated

    source = Path(source)
    if source.is_file() and _is_summary(source):
        return load_consolidated(source, campaign), []
    files, problems = collect_returns([source])
    if not files:
        raise QmError(f"没有找到报送的 Excel 文件（{source}）" + (f"：{'；'.join(problems)}" if problems else ""),
                      file=source)
    return consolidate_files(files, campaign, jobs=jobs, progress=progress, timeout=timeout, memory_mb=memory_mb), files


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
    files, problems = collect_returns([folder])
    if files:
        c = consolidate_files(files, campaign, jobs=jobs, progress=progress, timeout=timeout, memory_mb=memory_mb)
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
