"""Findings written out: the 校验结果 workbook, and annotated copies of the returned files.

City text (typed values, messages quoting them, file and sheet names) is written as string
cells whatever it starts with, made safe by addin.infra.celltext. An annotated copy is always a plain
.xlsx: a macro-enabled or template return is read as data, and the copy has no VBA project and
the ordinary workbook content type, so Excel opens it under its .xlsx name.
"""
from __future__ import annotations

import io
import os
import re
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from addin.infra.atomic import atomic_path
from addin.infra.marker import mark_openpyxl
from addin.infra.celltext import CELL_LIMIT, cell_text, protect_escapes, xml_safe
from addin.core.findings import ERROR, WARNING, Finding, sort_key
from addin.core.errors import QmValueError

FILLS = {ERROR: PatternFill("solid", fgColor="FFC7CE"), WARNING: PatternFill("solid", fgColor="FFEB9C")}
INFO_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADERS = ("文件", "工作表", "单元格", "列", "严重程度", "问题类型", "代码", "说明", "依据", "填写值")
WIDTHS = (34, 14, 8, 18, 8, 20, 28, 70, 26, 16)


COMMENT_CHARS = 2000


def write_text(cell, value) -> None:
    """Put ``value`` in ``cell``; a string is made safe and stays text whatever it starts with
    (openpyxl would take a leading '=' for a formula: data_type 's' is a string cell). openpyxl
    writes text as it is, so a typed ``_x0041_`` is stored escaped for Excel to show it as typed."""
    if isinstance(value, str):
        cell.value = protect_escapes(cell_text(value))
        cell.data_type = "s"
    else:
        cell.value = value


def write_findings_xlsx(findings: list[Finding], path: Path, files: dict[str, Path] | None = None) -> Path:
    """One row a finding; the cell column links to the offending cell of the file (relative link)."""
    path = Path(path)
    files = files or {}
    wb = Workbook()
    ws = wb.active
    ws.title = "校验结果"
    for c, (h, w) in enumerate(zip(HEADERS, WIDTHS), 1):
        cell = ws.cell(1, c, h)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E78")
        ws.column_dimensions[cell.column_letter].width = w
    for r, f in enumerate(sorted(findings, key=sort_key), 2):
        values = (f.file, f.sheet, f.cell, f.column, f.severity, f.name, f.code, f.message, f.basis, f.value)
        for c, v in enumerate(values, 1):
            write_text(ws.cell(r, c), v)
        ws.cell(r, 8).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(r, 5).fill = FILLS.get(f.severity, INFO_FILL)
        src = files.get(f.file)
        if src and f.sheet and f.cell:
            target = os.path.relpath(Path(src).resolve(), path.resolve().parent)
            link = ws.cell(r, 3)
            link.hyperlink = Hyperlink(ref=link.coordinate, target=target.replace(os.sep, "/"),
                                       location=f"{quote_sheetname(f.sheet)}!{f.cell}", tooltip="打开文件并定位到该单元格")
            link.font = Font(color="0563C1", underline="single")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:J{max(1, len(findings) + 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    mark_openpyxl(wb, "校验结果")             # never read as a return (addin.infra.marker)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def annotated_name(src: Path) -> str:
    from addin.infra.names import MAX_NAME_BYTES, fit_name, utf8_len

    name = f"{src.stem}（校验标注）.xlsx"
    if utf8_len(name) <= MAX_NAME_BYTES:
        return name                     # the return's own name, character for character
    return fit_name(f"{src.stem}（校验标注）", ".xlsx")     # a long return name: shortened by bytes, stable suffix


def annotate_copy(src: Path, findings: list[Finding], out_dir: Path) -> Path:
    """A copy of ``src`` in ``out_dir`` with offending cells filled and commented; ``src`` is never written."""
    src = Path(src)
    out = Path(out_dir) / annotated_name(src)
    if out.resolve() == src.resolve():
        raise QmValueError(f"标注副本不能覆盖原文件：{src}", file=src)
    # read into memory (the original is never opened for writing), from bytes so that any
    # extension of an Excel package (.xlsm, .xltx, .et) is accepted; keep_vba=False: no macros
    # the package as the validator read it: checked, and with formatted empty rows below the data
    # cut away (openpyxl would spend minutes and gigabytes on a million of them)
    from workbook_templates.package import PackageError, open_package

    data = src.read_bytes()
    try:
        data = open_package(data, src.suffix).data
    except PackageError as err:
        raise QmValueError(err.message, file=src) from None
    try:
        wb = load_workbook(io.BytesIO(data), keep_vba=False)
    except OSError:
        raise
    except Exception as exc:  # openpyxl is stricter than the validator's reader (raw control characters…)
        raise QmValueError(f"openpyxl 无法读取此文件（{type(exc).__name__}：{exc}）", file=src) from exc
    wb.vba_archive = None
    wb.template = False          # a .xltx/.xltm return: the copy is an ordinary workbook
    strip_active_content(wb)
    mark_openpyxl(wb, "标注副本")   # never read as a return again (addin.infra.marker)
    cap_long_text(wb)
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.sheet in wb.sheetnames and f.cell:
            by_cell[(f.sheet, f.cell)].append(f)
    for (sheet, cell), items in by_cell.items():
        ws = wb[sheet]
        if not isinstance(ws, Worksheet):     # a chart sheet has no cells
            continue
        was_protected = ws.protection.sheet
        c = ws[cell]
        worst = min(items, key=lambda f: {ERROR: 0, WARNING: 1}.get(f.severity, 2))
        c.fill = FILLS.get(worst.severity, INFO_FILL)
        text = "\n".join(f"【{f.severity}】{f.message}" + (f"（依据：{f.basis}）" if f.basis else "") for f in items)
        c.comment = Comment(xml_safe(text)[:COMMENT_CHARS], "质量月助手")
        c.comment.width, c.comment.height = 320, 120
        ws.protection.sheet = was_protected
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out


# A formula or defined name that reaches outside the workbook: an external workbook ([1]Sheet!A1,
# 'C:\\x\\[b.xlsx]S'!A1), DDE (cmd|' /c calc'!A0), a file:// or UNC path, or a web call.
_EXTERNAL_FORMULA = re.compile(r"\[\d+\]|\[[^\]]+\.(?:xl\w*|csv|et)\]|\||file:|\\\\|(?:WEBSERVICE|FILTERXML|CALL|REGISTER(?:\.ID)?|RTD|EXEC)\s*\(",
                               re.I)
_SAFE_LINK = re.compile(r"(?i)^(?:https?://|mailto:)")


def strip_active_content(wb) -> list[str]:
    """Remove from an openpyxl workbook everything that could reach outside it when the copy is
    opened: external workbook links, pivot caches, hyperlinks other than http(s)/mailto (file://,
    UNC paths, programs), DDE and external-reference formulas (kept as text), and defined names
    that refer outside. Macros (``vba_archive``), OLE objects and ActiveX controls are not kept by
    openpyxl at all. Returns what was removed (for tests and logs)."""
    removed: list[str] = []
    if getattr(wb, "_external_links", None):
        removed.append(f"external-links:{len(wb._external_links)}")
        wb._external_links = []
    wb.vba_archive = None
    names = getattr(wb, "defined_names", None)
    if names is not None:
        for key in [k for k, d in names.items() if _EXTERNAL_FORMULA.search(str(getattr(d, "value", "") or ""))]:
            del names[key]
            removed.append(f"name:{key}")
    for ws in wb.worksheets:
        if getattr(ws, "_pivots", None):
            removed.append(f"pivots:{ws.title}")
            ws._pivots = []
        local = getattr(ws, "defined_names", None)
        if local:
            for key in [k for k, d in local.items() if _EXTERNAL_FORMULA.search(str(getattr(d, "value", "") or ""))]:
                del local[key]
                removed.append(f"name:{ws.title}!{key}")
        for cell in list(ws._cells.values()):
            if not hasattr(cell, "_hyperlink"):      # a merged cell: no value, no link
                continue
            link = cell._hyperlink
            if link is not None and link.target and not _SAFE_LINK.match(str(link.target)):
                cell.hyperlink = None
                removed.append(f"link:{ws.title}!{cell.coordinate}")
            v = cell._value
            if cell.data_type == "f" and isinstance(v, str) and _EXTERNAL_FORMULA.search(v):
                cell._value = v                      # the formula's text, shown as typed, never run
                cell.data_type = "s"
                removed.append(f"formula:{ws.title}!{cell.coordinate}")
            elif cell.data_type == "f" and not isinstance(v, str):   # array/data-table formulas
                text = str(getattr(v, "text", "") or "")
                if _EXTERNAL_FORMULA.search(text):
                    cell._value = text
                    cell.data_type = "s"
                    removed.append(f"formula:{ws.title}!{cell.coordinate}")
    return removed


def cap_long_text(wb) -> None:
    """Cut text longer than a cell may hold (openpyxl reads it; Excel would call the copy corrupt)."""
    for ws in wb.worksheets:
        for cell in ws._cells.values():
            v = cell._value
            if type(v) is str and len(v) * 2 > CELL_LIMIT and cell.data_type == "s":
                cell._value = cell_text(v)
