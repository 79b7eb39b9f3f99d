"""The operations every face calls: consolidate a folder of returns, score a contest.

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
from addin.consolidate.run import consolidate_files, write_consolidated
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


# -- documents from a consolidated campaign (qm exposure / qm rewards / the ribbon) -------------
@dataclass
class ExposureRun:
    """What `exposure_list` wrote: the list and the photos it could not find."""
    path: Path
    missing_photos: list[str]

    def summary_lines(self) -> list[str]:
        lines = [f"已生成曝光清单：{self.path}"]
        missing = self.missing_photos
        if missing:
            lines.append(f"提示：{len(missing)} 张照片缺失或无法读取：{'、'.join(missing[:10])}"
                         f"{'等' if len(missing) > 10 else ''}")
        return lines


def exposure_list(c: Consolidated, output: str | Path, photo_dirs: dict | None = None, *,
                  date: dt.date | None = None) -> ExposureRun:
    """典型问题曝光清单 (.docx) at ``output``; ``photo_dirs`` maps each return's file name to the
    folder holding its photos (the folder the return was found in)."""
    from docgen.exposure import build_exposure_list, plan_exposures

    path = build_exposure_list(c, Path(output), photo_dirs, date=date)
    missing = [p.name for e in plan_exposures(c, photo_dirs) for p in e.photos if not p.path]
    return ExposureRun(path, missing)


@dataclass
class RewardRosterRun:
    """What `reward_roster` wrote: the roster, its rows and the seed of the random envelopes."""
    path: Path
    rows: list[dict]
    seed: int

    @property
    def total(self) -> float:
        return sum(r["total"] for r in self.rows)

    def summary_lines(self) -> list[str]:
        return [f"已生成投诉奖励名册：{self.path}（{len(self.rows)} 件投诉，奖励合计 {self.total:.2f} 元，"
                f"随机种子 {self.seed}）"]


def reward_roster(c: Consolidated, output: str | Path, *, seed: int | None = None,
                  date: dt.date | None = None) -> RewardRosterRun:
    """投诉奖励名册 (.docx) at ``output``; without ``seed`` the campaign's default (reproducible)."""
    from docgen.rewards import build_reward_roster, default_seed

    path, rows = build_reward_roster(c, Path(output), seed=seed, date=date)
    return RewardRosterRun(path, rows, seed if seed is not None else default_seed(c.campaign))


@dataclass
class NoticesRun:
    """What `return_notices` wrote: one 整改通知书 per project and contractor, and the register."""
    folder: Path
    paths: list[Path]
    register: Path | None

    def summary_lines(self) -> list[str]:
        if not self.paths:
            return ["没有经复核判定为不合格的抽测项目，未生成整改通知书。"]
        lines = [f"已生成整改通知书 {len(self.paths)} 份：{self.folder}"]
        if self.register is not None:
            lines.append(f"登记表：{self.register}")
        return lines


def return_notices(source: str | Path, campaign: Campaign, out_dir: str | Path, *,
                   date: dt.date | None = None, issuer: str | None = None) -> NoticesRun:
    """整改通知书 for one city's return (the 生成整改通知书 button of the city group; `qm notices
    RETURN.xlsx` is meant to call this too): the return is read and validated in this process,
    like `qm consolidate` on that one file, then docgen.notice.build_notices writes the notices
    for its non-conforming spot checks."""
    from docgen.notice import REGISTER_NAME, build_notices

    source, out_dir = Path(source), Path(out_dir)
    c = consolidate_files([source], campaign, jobs=1, progress=False, timeout=None, memory_mb=None)
    if not any(s.status == SubmissionStatus.USED for s in c.submissions):
        why = next((s.note for s in c.submissions if s.note), "")
        raise QmError(f"无法读取填报表{('：' + why) if why else ''}", file=source)
    paths = list(build_notices(c, out_dir, date, issuer=issuer) or [])
    register = out_dir / REGISTER_NAME
    return NoticesRun(out_dir, paths, register if paths and register.is_file() else None)
