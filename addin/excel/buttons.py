"""Ribbon button handlers: the open workbook in, the same core functions as ``qm``, results out.

Every handler has the shape ``handler(book: xw.Book | None = None, ...)``. From the ribbon,
the VBA callback runs ``RunPython "import addin.buttons as b; b.validate_book()"`` and the
handler takes ``xw.Book.caller()``; tests pass a book built from a payload for xlwings'
remote engine (``xw.Book(json=payload)``) and read the resulting actions from ``book.json()``.

A handler holds no business logic: it reads the book's values, calls the validator,
consolidation, scoring or document builders, and writes back sheets, colours, notes and
messages. It returns nothing and never raises into Excel: any problem becomes a Chinese
message box (``book.app.alert``) and status-bar text.

City side (the city's own workbook is open):
- :func:`validate_book` 校验本表: findings into a 校验结果 sheet, offending cells coloured
  (errors red, warnings yellow) and annotated with notes where the engine supports them.
- :func:`city_report` 生成本市报告: the city's report (.docx) beside the workbook.
- :func:`city_notices` 生成整改通知书: that city's notices for its open non-conforming items, in its
  name (as ``qm notices RETURN.xlsx``), with a numbered copy of the book (the book is not changed).

Province side (a control workbook with a 设置 sheet, see :data:`SETTINGS_ROWS`):
- :func:`consolidate_folder` 汇总目录, :func:`province_report` 生成全区报告,
  :func:`rectification_notices` 生成整改通知书, :func:`exposure_list` 曝光清单,
  :func:`reward_roster` 奖励名册, :func:`contest_scoring` 竞赛计分, :func:`quiz_marking` 知识竞赛阅卷,
  :func:`init_settings` 设置 (creates the 设置 sheet), :func:`track_followup` 跟踪督导 and
  :func:`remind_returns` 催报 (the follow-up, as ``qm track`` and ``qm remind``).
"""
from __future__ import annotations

import functools
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Callable

import xlwings as xw

from addin.core.errors import QmError
from addin.usecases import AWARD_LIST_NAME, SCORE_RESULT_NAME  # noqa: F401 (tests and callers use them from here)
# 校验本表 itself, shared with the xlwings Lite edition (addin/lite): reading values, writing 校验结果
from addin.excel.bookcheck import (  # noqa: F401 (tests and callers use these names from here)
    HEADER_COLOR, NOTE_PREFIX, RESULT_FIRST_ROW, RESULT_HEADERS, RESULT_SHEET, SEVERITY_COLORS, UserError,
    book_rows, book_values, check_open_book, returned_from_values, sheet_values, write_findings,
)
from addin.excel.bookcheck import find_sheet as _find_sheet, sheet_names as _sheet_names

TITLE = "质量月助手"
SETTINGS_SHEET = "设置"
SUMMARY_NAME = "汇总.xlsx"
NOTICES_DIR = "整改通知书"
EXPOSURE_NAME = "典型问题曝光.docx"        # the names `qm exposure` / `qm rewards` write by default
REWARDS_NAME = "投诉奖励名册.docx"
SUPERVISE_DIR = "督办通知"
REMIND_DIR = "催报"

# The province control workbook's 设置 sheet: label in column A, value in column B.
SETTINGS_ROWS = (
    ("回收目录", "各市报送的填报表所在文件夹（可含子文件夹）", "B2"),
    ("输出目录", "汇总表、报告、通知书的输出文件夹；留空则与本工作簿同一文件夹", "B3"),
    ("活动设置文件", "活动设置 TOML 文件；留空则使用内置的本年度活动设置", "B4"),
    ("评分工作簿", "填好的评分工作簿（qm template --scoring 生成）；留空则使用当前打开的评分工作簿", "B5"),
    ("答题卡", "知识竞赛线下答题卡（qm quiz paper 生成），答案.xlsx 须在同一文件夹；留空则使用当前打开的答题卡", "B6"),
    ("线上答题导出", "知识竞赛线上答题导出（.csv 或 .xlsx）；没有可留空", "B7"),
)


# -- the Excel side: status bar, message box, engine ------------------------------
def _is_remote(book: xw.Book) -> bool:
    try:
        return book.app.engine.name == "remote"
    except Exception:
        return True


class _Ui:
    """Status bar and message boxes that degrade gracefully where the engine lacks them."""

    def __init__(self, book: xw.Book):
        self.book = book
        self.remote = _is_remote(book)
        self.messages: list[str] = []     # everything shown, for logs and tests

    def status(self, text: str | None) -> None:
        if text:
            self.messages.append(text)
        if self.remote:
            return  # the remote engine has no status bar
        try:
            self.book.app.status_bar = text if text else False
        except Exception:
            pass

    def alert(self, text: str, critical: bool = False) -> None:
        self.messages.append(text)
        try:
            self.book.app.alert(text, title=TITLE, buttons="ok", mode="critical" if critical else "info")
        except Exception:
            print(text, file=sys.stderr)


def _caller(book: xw.Book | None) -> xw.Book:
    return book if book is not None else xw.Book.caller()


def _handler(label: str) -> Callable:
    """Resolve the book, report progress and turn any exception into a Chinese message box."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(book: xw.Book | None = None, *args, **kwargs) -> None:
            try:
                book = _caller(book)
            except Exception as exc:  # not called from Excel: nothing to show a message in
                print(f"{label}：找不到调用的工作簿（{type(exc).__name__}：{exc}），请在 Excel 中点击按钮运行。",
                      file=sys.stderr)
                return None
            ui = _Ui(book)
            ui.status(f"{label}……")
            try:
                func(book, ui, *args, **kwargs)
            except QmError as exc:         # a problem the user can fix: its message, no traceback
                ui.alert(f"{label}未完成：{exc}", critical=True)
            except Exception as exc:
                message = _friendly(exc)
                traceback.print_exc(file=sys.stderr)
                ui.alert(f"{label}失败：{message}", critical=True)
            finally:
                ui.status(None)
            return None

        wrapper.label = label
        return wrapper

    return decorate


def _friendly(exc: Exception) -> str:
    if isinstance(exc, QmError):
        return exc.message
    if isinstance(exc, PermissionError):
        return f"文件被占用或没有写入权限（{exc.filename}），请关闭已打开的同名文件后重试"
    if isinstance(exc, OSError):
        from addin.infra.paths import oserror_cause

        return f"文件操作失败：{oserror_cause(exc)}（{exc.filename or ''}）"
    return f"出现意外错误（{type(exc).__name__}：{str(exc).strip()}），请将此信息反馈给技术支持"


# -- reading the book ---------------------------------------------------------------
def book_path(book: xw.Book) -> Path:
    """The book's file path (desktop) or its name (remote engine)."""
    try:
        full = book.fullname
    except Exception:
        full = book.name
    return Path(full or book.name)


def local_folder(book: xw.Book) -> Path | None:
    """The folder of a book saved on this computer, else None (new, remote or cloud books)."""
    path = book_path(book)
    if path.is_absolute() and path.parent.is_dir() and "://" not in str(path):
        return path.parent
    return None


def returned_from_book(book: xw.Book, contract=None, campaign=None):
    """The open book as a :class:`ReturnedWorkbook`, mapped by the reader's own table/form logic."""
    return returned_from_values(book_values(book, contract), book_path(book), contract, campaign)


def snapshot(book: xw.Book, folder: Path, contract=None) -> Path:
    """Write the book's contract sheets (values only) to ``folder/<book name>.xlsx`` for file-based core functions."""
    from openpyxl import Workbook

    from addin.checks.annotate import write_text
    from workbook_templates.contract import META_SHEET, load_contract

    contract = contract or load_contract()
    data = book_rows(book, [*(s.title for s in contract.sheets), META_SHEET])
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in data.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, 1):
            for c, v in enumerate(row, 1):
                if v is not None and v != "":
                    write_text(ws.cell(r, c), v)
    name = Path(book.name).stem or "填报表"
    path = Path(folder) / f"{name}.xlsx"
    wb.save(path)
    return path


# -- settings (province control workbook) --------------------------------------------
def setting(book: xw.Book, label: str) -> str | None:
    """A value from the 设置 sheet: the cell right of ``label`` in column A, else its default cell."""
    sheet = _find_sheet(book, SETTINGS_SHEET)
    if sheet is None:
        return None
    rows = sheet_values(sheet)
    for row in rows:
        if row and isinstance(row[0], str) and row[0].strip() == label:
            value = row[1] if len(row) > 1 else None
            return str(value).strip() if value not in (None, "") else None
    default = next((cell for name, _, cell in SETTINGS_ROWS if name == label), None)
    if default:
        value = sheet.range(default).value
        return str(value).strip() if value not in (None, "") else None
    return None


def campaign_for(book: xw.Book):
    from addin.campaign.settings import load_campaign

    path = setting(book, "活动设置文件") or os.environ.get("QM_CAMPAIGN") or None
    if path and not Path(path).is_absolute() and local_folder(book):
        path = str(local_folder(book) / path)
    return load_campaign(path)


def _folder(book: xw.Book, value: str | None) -> Path | None:
    if not value:
        return None
    p = Path(os.path.expandvars(os.path.expanduser(value)))
    if not p.is_absolute() and local_folder(book):
        p = local_folder(book) / p
    return p


def returns_folder(book: xw.Book, ui: _Ui) -> Path:
    folder = _folder(book, setting(book, "回收目录"))
    if folder is None and not ui.remote:
        folder = _pick_folder(book)
    if folder is None:
        raise UserError("请在“设置”表 B2 单元格填写各市报送文件所在的文件夹（可先点“设置”按钮生成设置表）。")
    if not folder.is_dir():
        raise UserError(f"回收目录不存在：{folder}")
    return folder


def _pick_folder(book: xw.Book) -> Path | None:
    """Excel's own folder picker (Windows); None where it is not available or cancelled."""
    if not sys.platform.startswith("win"):
        return None
    try:
        dialog = book.app.api.FileDialog(4)  # msoFileDialogFolderPicker
        dialog.Title = "选择各市报送文件所在的文件夹"
        if dialog.Show() == -1:
            return Path(dialog.SelectedItems(1))
    except Exception:
        return None
    return None


def output_folder(book: xw.Book, explicit: str | Path | None = None, fallback: Path | None = None) -> Path:
    folder = (Path(explicit) if explicit else None) or _folder(book, setting(book, "输出目录")) \
        or local_folder(book) or fallback or Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# -- city side ------------------------------------------------------------------------
@_handler("校验本表")
def validate_book(book: xw.Book, ui: _Ui) -> None:
    """校验本表: read the open book's values, validate them like ``qm check``, write 校验结果."""
    check_open_book(book, ui, campaign_for(book))


@_handler("生成本市报告")
def city_report(book: xw.Book, ui: _Ui, out_dir: str | Path | None = None) -> None:
    """生成本市报告: the city's own report (.docx) from the open book, beside the book."""
    from addin.consolidate.run import consolidate_files
    from workbook_templates.contract import load_contract

    build_city_report = _docgen("report", "build_city_report")
    contract = load_contract()
    campaign = campaign_for(book)
    wb = returned_from_book(book, contract, campaign)
    city = campaign.city_of_return(wb.city_code, wb.city_name)
    if city is None:
        raise UserError("无法确定本表所属城市：请在“基本信息”表中填写城市。")
    ui.status("生成本市报告：正在读取和校验本表……")
    with tempfile.TemporaryDirectory(prefix="qm-") as tmp:
        path = snapshot(book, Path(tmp), contract)
        # inside Excel: read in this process (a worker would be a new Python started by spawn on Windows)
        c = consolidate_files([path], campaign, jobs=1, progress=False, timeout=None, memory_mb=None)
    folder = output_folder(book, out_dir)
    out = folder / f"{city.name}{campaign.year}年质量月活动情况报告.docx"
    ui.status(f"生成本市报告：正在写入 {out.name}……")
    build_city_report(c, city.name, out)
    ui.alert(f"已生成本市报告：\n{out}")


@_handler("生成整改通知书")
def city_notices(book: xw.Book, ui: _Ui, out_dir: str | Path | None = None) -> None:
    """生成整改通知书 (city group, as ``qm notices RETURN.xlsx``): this city's notices for its open
    non-conforming items, in its name, numbered after the highest number in the book, into
    整改通知书_<城市>/ beside the book, with a copy of the book carrying the numbers and dates."""
    from addin.usecases import return_notices
    from workbook_templates.contract import load_contract

    _docgen("notice", "build_notices")
    contract = load_contract()
    campaign = campaign_for(book)
    wb = returned_from_book(book, contract, campaign)      # refuses a workbook that is not ours
    city = campaign.city_of_return(wb.city_code, wb.city_name)
    if city is None:
        raise UserError("无法确定本表所属城市：请在“基本信息”表中填写城市。")
    src = book_path(book)
    if not ui.remote and src.is_file() and not _saved(book):
        raise UserError("本表有未保存的修改，请先保存后再生成整改通知书。")
    target = output_folder(book, out_dir) / f"{NOTICES_DIR}_{city.name}"
    ui.status("生成整改通知书：正在读取和复核本表……")
    with tempfile.TemporaryDirectory(prefix="qm-") as tmp:
        path = snapshot(book, Path(tmp), contract)
        ui.status("生成整改通知书：正在生成……")
        run = return_notices(path, campaign, target, annotate_from=src if src.is_file() else path)
    ui.alert("\n".join(run.summary_lines()))


def _docgen(module: str, name: str) -> Callable:
    import importlib

    try:
        mod = importlib.import_module(f"docgen.{module}")
        return getattr(mod, name)
    except (ImportError, AttributeError):
        raise UserError(f"公文模块尚未安装（docgen.{module}.{name}），请更新质量月助手后重试。") from None


# -- province side -----------------------------------------------------------------------
def _consolidate(ui: _Ui, campaign, folder: Path, out: Path):
    """Consolidate every return in ``folder`` into ``out`` by the same batch path as ``qm
    consolidate``, in this process (a worker would be a new Python started by spawn on Windows)."""
    from addin.usecases import consolidate_returns

    def status(done: int, total: int) -> None:
        ui.status(f"汇总目录：已读取并校验 {done}/{total} 个文件")

    ui.status("汇总目录：正在读取并校验各市报送的文件……")
    return consolidate_returns([folder], campaign, out, jobs=1, progress=status, timeout=None, memory_mb=None)


def _consolidated(book: xw.Book, ui: _Ui, out_dir: str | Path | None):
    """The consolidated campaign: 汇总.xlsx if it is newer than every return, else consolidate now."""
    from addin.infra.batch import collect_files
    from addin.consolidate.inputs import open_summary

    campaign = campaign_for(book)
    folder = returns_folder(book, ui)
    out_folder = output_folder(book, out_dir, fallback=folder)
    summary = out_folder / SUMMARY_NAME
    if summary.is_file():
        files, _ = collect_files([folder])
        newest = max((f.stat().st_mtime for f in files if f.resolve() != summary.resolve()), default=0)
        if summary.stat().st_mtime >= newest:
            ui.status(f"正在读取 {summary.name}……")
            return open_summary(summary, campaign), out_folder   # checked as `qm report` checks it
    return _consolidate(ui, campaign, folder, summary).consolidated, out_folder


@_handler("汇总目录")
def consolidate_folder(book: xw.Book, ui: _Ui, out_dir: str | Path | None = None) -> None:
    """汇总目录: every return in the folder named in 设置!B2 -> 汇总.xlsx (as ``qm consolidate``)."""
    campaign = campaign_for(book)
    folder = returns_folder(book, ui)
    run = _consolidate(ui, campaign, folder, output_folder(book, out_dir, fallback=folder) / SUMMARY_NAME)
    ui.alert("\n".join(run.summary_lines()))


@_handler("生成全区报告")
def province_report(book: xw.Book, ui: _Ui, out_dir: str | Path | None = None) -> None:
    """生成全区报告: the province's summary report (.docx) from the consolidated campaign."""
    build = _docgen("report", "build_province_report")
    c, folder = _consolidated(book, ui, out_dir)
    out = folder / f"{c.campaign.year}年全区质量月活动总结报告.docx"
    ui.status(f"生成全区报告：正在写入 {out.name}……")
    build(c, out)
    ui.alert(f"已生成全区报告：\n{out}")


@_handler("生成整改通知书")
def rectification_notices(book: xw.Book, ui: _Ui, out_dir: str | Path | None = None) -> None:
    """生成整改通知书 (province, as ``qm notices 汇总.xlsx``): drafts of every city's notices, each in
    its city's name, for open non-conforming items only, into 整改通知书/."""
    from addin.usecases import campaign_notices

    _docgen("notice", "build_notices")
    c, folder = _consolidated(book, ui, out_dir)
    ui.status("生成整改通知书：正在生成……")
    run = campaign_notices(c, folder / NOTICES_DIR)
    ui.alert("\n".join(run.summary_lines()))


@_handler("曝光清单")
def exposure_list(book: xw.Book, ui: _Ui, out_dir: str | Path | None = None) -> None:
    """曝光清单: the 典型问题曝光 list (.docx) with photos, by the use case of ``qm exposure``."""
    from addin import usecases

    _docgen("exposure", "build_exposure_list")
    c, folder = _consolidated(book, ui, out_dir)
    ui.status("曝光清单：正在生成……")
    run = usecases.exposure_list(c, folder / EXPOSURE_NAME, usecases.photo_folders_in_returns(c, returns_folder(book, ui)))
    ui.alert("\n".join(run.summary_lines()))


@_handler("奖励名册")
def reward_roster(book: xw.Book, ui: _Ui, out_dir: str | Path | None = None) -> None:
    """奖励名册: the complaint reward roster (.docx), by the use case of ``qm rewards`` (default seed)."""
    from addin import usecases

    _docgen("rewards", "build_reward_roster")
    c, folder = _consolidated(book, ui, out_dir)
    ui.status("奖励名册：正在生成……")
    run = usecases.reward_roster(c, folder / REWARDS_NAME)
    ui.alert("\n".join(run.summary_lines()))


@_handler("竞赛计分")
def contest_scoring(book: xw.Book, ui: _Ui, out_dir: str | Path | None = None) -> None:
    """竞赛计分: score the filled scoring workbook (as ``qm score``): 计分结果.xlsx + 获奖名单.docx."""
    from addin.contest.workbook import SCORES
    from addin.usecases import score_contest

    campaign = campaign_for(book)
    src = _folder(book, setting(book, "评分工作簿"))
    if src is None:
        if SCORES not in _sheet_names(book):
            raise UserError("请在“设置”表中填写评分工作簿，或打开填好的评分工作簿后再点“竞赛计分”。")
        src = book_path(book)
        if not src.is_file():
            raise UserError("请先把评分工作簿保存到本机后再计分。")
        if not ui.remote and not _saved(book):
            raise UserError("评分工作簿有未保存的修改，请先保存后再计分。")
    if not src.is_file():
        raise UserError(f"评分工作簿不存在：{src}")
    folder = output_folder(book, out_dir, fallback=src.parent)
    out = folder / SCORE_RESULT_NAME
    if out.resolve() == src.resolve():
        raise UserError("计分结果不能与评分工作簿同名，请修改输出目录。")
    ui.status(f"竞赛计分：正在读取 {src.name}，计算得分和名次……")
    run = score_contest(src, campaign, out)
    lines = [f"已生成计分结果：{run.results}", f"已生成获奖名单：{run.award_list}", *run.summary_lines()]
    ui.alert("\n".join(lines), critical=bool(run.errors))


@_handler("知识竞赛阅卷")
def quiz_marking(book: xw.Book, ui: _Ui, out_dir: str | Path | None = None) -> None:
    """知识竞赛阅卷: mark the answer sheet (设置 答题卡, or the open one) and the online export by the
    key beside the answer sheet (as ``qm quiz mark``): 知识竞赛成绩.xlsx, ready for 竞赛计分."""
    from addin.contest.papers import ANSWER_SHEET
    from addin.usecases import QUIZ_RESULT_NAME, mark_quiz

    campaign = campaign_for(book)
    sheet = _folder(book, setting(book, "答题卡"))
    if sheet is None:
        if ANSWER_SHEET not in _sheet_names(book):
            raise UserError("请在“设置”表中填写答题卡，或打开填好的答题卡后再点“知识竞赛阅卷”。")
        sheet = book_path(book)
        if not sheet.is_file():
            raise UserError("请先把答题卡保存到本机后再阅卷。")
        if not ui.remote and not _saved(book):
            raise UserError("答题卡有未保存的修改，请先保存后再阅卷。")
    if not sheet.is_file():
        raise UserError(f"答题卡不存在：{sheet}")
    online = _folder(book, setting(book, "线上答题导出"))
    if online is not None and not online.is_file():
        raise UserError(f"线上答题导出文件不存在：{online}")
    out = output_folder(book, out_dir, fallback=sheet.parent) / QUIZ_RESULT_NAME
    ui.status(f"知识竞赛阅卷：正在读取 {sheet.name}……")
    run = mark_quiz(campaign, sheet.parent, out, answer_sheets=[sheet], online=[online] if online else [])
    ui.alert("\n".join([*run.summary_lines(), "在“设置”表的评分工作簿中填写该文件，即可点“竞赛计分”排名。"]),
             critical=bool(run.errors))


@_handler("跟踪督导")
def track_followup(book: xw.Book, ui: _Ui, out_dir: str | Path | None = None) -> None:
    """跟踪督导: as ``qm track 汇总.xlsx --as-of 今天 --letters 督办通知/`` (汇总.xlsx made first if stale)."""
    from addin.usecases import TRACKING_NAME, track_items

    campaign = campaign_for(book)
    _, folder = _consolidated(book, ui, out_dir)
    ui.status("跟踪督导：正在计算各不合格项的整改状态……")
    run = track_items(folder / SUMMARY_NAME, campaign, folder / TRACKING_NAME, letters=folder / SUPERVISE_DIR)
    ui.alert("\n".join(run.summary_lines()))


@_handler("催报")
def remind_returns(book: xw.Book, ui: _Ui, out_dir: str | Path | None = None) -> None:
    """催报: as ``qm remind 回收/ --as-of 今天``: 催报名单.xlsx and 催报通知 into 催报/."""
    from addin.usecases import remind_cities

    campaign = campaign_for(book)
    folder = returns_folder(book, ui)
    target = output_folder(book, out_dir, fallback=folder) / REMIND_DIR
    ui.status("催报：正在读取并校验各市报送的文件……")
    run = remind_cities(folder, campaign, target, jobs=1, timeout=None, memory_mb=None)
    ui.alert("\n".join(run.summary_lines()))


def _saved(book: xw.Book) -> bool:
    try:
        return bool(book.api.Saved)
    except Exception:
        return True


@_handler("设置")
def init_settings(book: xw.Book, ui: _Ui) -> None:
    """设置: create the 设置 sheet (labels and help) in the province's control workbook."""
    sheet = _find_sheet(book, SETTINGS_SHEET)
    if sheet is None:
        sheet = book.sheets.add(SETTINGS_SHEET, before=book.sheets[0])
        sheet.range("A1").value = [["项目", "设置值", "说明"]]
        sheet.range("A1:C1").color = HEADER_COLOR
        sheet.range("A2").value = [[label, None, help_text] for label, help_text, _ in SETTINGS_ROWS]
        if not ui.remote:
            try:
                sheet.autofit("c")
            except Exception:
                pass
        ui.alert("已生成“设置”表：请在 B2 填写回收目录（各市报送文件所在文件夹），其余可留空。")
    else:
        ui.alert("“设置”表已存在：B2 回收目录，B3 输出目录，B4 活动设置文件，B5 评分工作簿，B6 答题卡，B7 线上答题导出。")
    sheet.activate()


HANDLERS: tuple[Callable, ...] = (
    validate_book, city_report, city_notices, consolidate_folder, province_report,
    rectification_notices, exposure_list, reward_roster, contest_scoring, quiz_marking, init_settings, track_followup,
    remind_returns,
)
