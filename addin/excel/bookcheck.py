"""校验本表 on an open workbook: its values in, the validator, 校验结果 and cell colours out.

One implementation for both faces that run it inside Excel: the desktop add-in's button
(:mod:`addin.excel.buttons`, classic xlwings) and the xlwings Lite script (:mod:`addin.lite`,
Pyodide, no local Python). That is why this module imports neither xlwings nor anything
compiled or pandas-based: the book is used through the API both runtimes share (``book.sheets``,
``sheet.range(...).value/.color``, notes where the client has them), and the check itself is
:func:`check_values` on plain cell values, the shape xlwings hands a script.

``ui`` is any object with ``remote`` (True where the client is not desktop Excel),
``status(text)`` and ``alert(text, critical=False)``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Iterable

from addin.core.errors import QmError
from addin.core.findings import ERROR, INFO, WARNING, Finding, count_by_severity, sort_key

Book = Any   # an xlwings Book (classic or Lite): only its shared API is used

RESULT_SHEET = "校验结果"
NOTE_PREFIX = "【质量月校验】"
# Cell colours for findings (the workbook's own palette: light red = error, yellow = warning).
SEVERITY_COLORS = {ERROR: "#FFC7CE", WARNING: "#FFEB9C"}
HEADER_COLOR = "#1F4E78"
RESULT_HEADERS = ("序号", "级别", "工作表", "单元格", "栏目", "问题说明", "依据", "填写内容", "问题类型")
RESULT_FIRST_ROW = 4          # row 1 summary, row 3 headers, findings from row 4


class UserError(QmError):
    """A problem the user can fix; the message (Chinese) is shown as it is."""


# -- reading the book ---------------------------------------------------------------
def sheet_names(book: Book) -> list[str]:
    return [s.name for s in book.sheets]


def find_sheet(book: Book, name: str):
    for s in book.sheets:
        if s.name == name:
            return s
    return None


def sheet_values(sheet) -> list[list[Any]]:
    """The sheet's values from A1 to the last used cell (the shape the reader expects)."""
    last = sheet.used_range.last_cell
    rows, cols = last.row, last.column
    values = sheet.range((1, 1), (rows, cols)).options(ndim=2).value
    return [list(r) for r in values or []]


def book_rows(book: Book, titles: Iterable[str]) -> dict[str, list[list[Any]]]:
    names = set(sheet_names(book))
    return {t: sheet_values(book.sheets[t]) for t in titles if t in names}


def book_values(book: Book, contract=None) -> dict[str, list[list[Any]]]:
    """The values of the book's contract sheets (and its metadata sheet), from A1."""
    from workbook_templates.contract import META_SHEET, load_contract

    contract = contract or load_contract()
    return book_rows(book, [META_SHEET, *(s.title for s in contract.sheets)])


def returned_from_values(data: Mapping[str, list[list[Any]]], name: str | Path, contract=None, campaign=None):
    """A :class:`ReturnedWorkbook` from the sheets' values (``{title: rows from A1}``), mapped by
    the reader's own table/form logic; a workbook that is not this campaign's template is refused."""
    from workbook_templates.contract import META_SHEET, load_contract
    from workbook_templates.reader import ReadError, assemble, meta_from_rows

    contract = contract or load_contract()
    meta = meta_from_rows(data[META_SHEET]) if META_SHEET in data else None
    try:
        return assemble(Path(name), meta, data.get, contract, campaign.id if campaign is not None else None)
    except ReadError:
        if meta is None or meta.get("template_id") != contract.template_id:
            raise UserError("当前工作簿不是本活动下发的标准填报表（缺少模板标识）。请打开下发的填报表后再操作。") from None
        raise UserError(f"当前工作簿属于其他活动（{meta.get('campaign_id')}），不是本次活动"
                        f"（{campaign.id if campaign is not None else ''}）的填报表。") from None


def check_values(data: Mapping[str, list[list[Any]]], name: str, campaign=None, contract=None) -> list[Finding]:
    """校验本表 on plain values: the findings ``qm check`` reports for the same workbook, sorted."""
    from addin.campaign.settings import load_campaign
    from addin.checks.validate import validate_returned
    from workbook_templates.contract import load_contract

    contract = contract or load_contract()
    campaign = campaign or load_campaign(None)
    wb = returned_from_values(data, name, contract, campaign)
    return sorted(validate_returned(wb, campaign, contract, file_label=name).findings, key=sort_key)


# -- writing findings ------------------------------------------------------------------
def _as_text(v: Any) -> Any:
    """Text from a city is data: a leading = + - @ must not become a formula."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def _result_sheet(book: Book, ui):
    """The 校验结果 sheet, created after the last visible sheet, or cleared if it exists."""
    sheet = find_sheet(book, RESULT_SHEET)
    if sheet is not None:
        sheet.clear()
        return sheet
    visible = [s for s in book.sheets if _visible(s)]
    after = visible[-1] if visible else None
    try:
        return book.sheets.add(RESULT_SHEET, after=after)
    except Exception:
        if ui.remote:
            raise
    # desktop: the template locks the workbook structure (without a password); lift it for the
    # new sheet and lock it again (Windows COM; elsewhere ask the user)
    try:
        book.api.Unprotect()
    except Exception:
        raise UserError(f"工作簿结构受保护，无法添加“{RESULT_SHEET}”表：请在“审阅 → 保护工作簿”中取消保护后重试。") from None
    try:
        return book.sheets.add(RESULT_SHEET, after=after)
    finally:
        try:
            book.api.Protect(Structure=True)
        except Exception:
            pass


def _visible(sheet) -> bool:
    try:
        return bool(sheet.visible)
    except Exception:
        return True


def _previous_flags(sheet) -> list[tuple[str, str]]:
    """(sheet, cell) pairs listed by an earlier run: the cells this add-in coloured."""
    out = []
    for row in sheet_values(sheet)[RESULT_FIRST_ROW - 1:]:
        if len(row) >= 4 and row[2] and row[3]:
            out.append((str(row[2]), str(row[3]).lstrip("'")))
    return out


def _cell_groups(findings: list[Finding]) -> dict[tuple[str, str], list[Finding]]:
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet and f.cell and f.severity in SEVERITY_COLORS:
            groups.setdefault((f.sheet, f.cell), []).append(f)
    return groups


def _summary(counts: dict[str, int]) -> str:
    return f"错误 {counts.get(ERROR, 0)} 个，警告 {counts.get(WARNING, 0)} 个，提示 {counts.get(INFO, 0)} 个"


def write_findings(book: Book, findings: list[Finding], ui) -> dict[str, Any]:
    """Write the 校验结果 sheet, colour and annotate the cells; returns what was done."""
    findings = sorted(findings, key=sort_key)
    existing = find_sheet(book, RESULT_SHEET)
    previous = _previous_flags(existing) if existing is not None else []
    sheet = _result_sheet(book, ui)
    counts = count_by_severity(findings)
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    sheet.range("A1").value = f"校验结果（{stamp}）：{_summary(counts)}。红色为错误，黄色为警告；改正后请再次点击“校验本表”。"
    sheet.range((3, 1)).value = [list(RESULT_HEADERS)]
    sheet.range((3, 1), (3, len(RESULT_HEADERS))).color = HEADER_COLOR
    if findings:
        rows = [[i, f.severity, f.sheet, f.cell, f.column, _as_text(f.message), f.basis, _as_text(f.value), f.name]
                for i, f in enumerate(findings, 1)]
        sheet.range((RESULT_FIRST_ROW, 1)).value = rows
        for i, f in enumerate(findings):
            color = SEVERITY_COLORS.get(f.severity)
            if color:
                sheet.range((RESULT_FIRST_ROW + i, 2)).color = color
    else:
        sheet.range((RESULT_FIRST_ROW, 1)).value = "未发现问题。"
    if not ui.remote:  # the remote clients differ in layout support; Excel desktop autofits
        try:
            sheet.autofit("c")
            sheet.range("F:F").column_width = 80
        except Exception:
            pass

    groups = _cell_groups(findings)
    names = set(sheet_names(book))
    notes = {"added": 0, "supported": True}
    # clear what an earlier run coloured, then colour this run's cells
    for sheet_name, cell in previous:
        if (sheet_name, cell) in groups or sheet_name not in names:
            continue
        rng = book.sheets[sheet_name].range(cell)
        rng.color = None
        _drop_note(rng)
    for (sheet_name, cell), group in groups.items():
        if sheet_name not in names:
            continue
        rng = book.sheets[sheet_name].range(cell)
        worst = ERROR if any(f.severity == ERROR for f in group) else WARNING
        rng.color = SEVERITY_COLORS[worst]
        if notes["supported"]:
            text = NOTE_PREFIX + "\n".join(f"{f.severity}：{f.message}" for f in group)
            notes["supported"] = _set_note(rng, text)
            notes["added"] += notes["supported"]
    return {"sheet": sheet, "counts": counts, "cells": len(groups), "notes": notes}


def _set_note(rng, text: str) -> bool:
    """Put ``text`` in the cell's note; False where the engine cannot write notes."""
    try:
        note = rng.note
        if note is not None:
            note.text = text
        else:
            rng.add_note(text)
        return True
    except NotImplementedError:
        return False
    except Exception:
        return False


def _drop_note(rng) -> None:
    try:
        note = rng.note
        if note is not None:
            note.delete()
    except Exception:
        pass


def check_open_book(book: Book, ui, campaign=None) -> list[Finding]:
    """校验本表: read the open book's values, validate them like ``qm check``, write 校验结果,
    colour and annotate the cells, and sum it up in a message box."""
    from workbook_templates.contract import SELFCHECK_SHEET, load_contract

    contract = load_contract()
    ui.status("校验本表：正在读取各工作表……")
    data = book_values(book, contract)
    ui.status("校验本表：正在按填报规范和国家标准校验……")
    findings = check_values(data, book.name, campaign, contract)
    ui.status(f"校验本表：发现 {len(findings)} 个问题，正在写入“{RESULT_SHEET}”表……")
    done = write_findings(book, findings, ui)
    if not ui.remote:
        try:
            book.app.calculate()
        except Exception:
            pass
    counts = done["counts"]
    if findings:
        done["sheet"].activate()
        ui.alert(f"校验完成：{_summary(counts)}。\n问题清单见“{RESULT_SHEET}”表，"
                 f"有问题的 {done['cells']} 个单元格已标色（红色为错误，黄色为警告）。")
    else:
        selfcheck = find_sheet(book, SELFCHECK_SHEET)
        (selfcheck or done["sheet"]).activate()
        ui.alert("校验完成：未发现问题。报送前请再看一遍“自查”表。")
    return findings
