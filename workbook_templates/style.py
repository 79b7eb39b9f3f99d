"""The workbook's look and the small helpers every sheet builder shares: fonts, fills, borders,
the classes of problem the workbook highlights (and 自查 counts), date serials.

Split out of builder.py (issue 14) so each sheet family's module can use them without importing
the builder that assembles the sheets.
"""
from __future__ import annotations

import datetime as dt

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

FONT = "等线"
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
REQUIRED_FILL = PatternFill("solid", fgColor="9C2A2A")
LOCKED_FILL = PatternFill("solid", fgColor="E7E6E6")
MISSING_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FILL = PatternFill("solid", fgColor="FFEB9C")
FAIL_FILL = PatternFill("solid", fgColor="F8CBAD")
OK_FILL = PatternFill("solid", fgColor="C6EFCE")
# the classes of problem the workbook highlights and 自查 counts: key, 自查 heading, fill
CLASSES = (
    ("missing", "缺必填项", MISSING_FILL),
    ("format", "格式有误", BAD_FILL),
    ("range", "超出范围", BAD_FILL),
    ("list", "不在下拉列表", BAD_FILL),
    ("code", "代码校验不通过", BAD_FILL),
    ("cross", "关联信息不符", FAIL_FILL),
)
CLASS_FILL = {key: fill for key, _, fill in CLASSES}
CLASS_TIP = {"missing": ("缺必填", "项"), "format": ("格式有误", "处"), "range": ("超出范围", "处"),
             "list": ("不在列表", "处"), "code": ("校验不通过", "处"), "cross": ("关联不符", "处")}
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNLOCKED = Protection(locked=False)
TEXT_TYPES = {"text", "longtext", "credit_code", "phone", "idno", "url", "numbers", "choice", "yesno"}
DATE_MIN, DATE_MAX = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
EXCEL_EPOCH = dt.date(1899, 12, 30)


def excel_serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


def excel_date(day: dt.date) -> str:
    return f"DATE({day.year},{day.month},{day.day})"


def num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def heading_row(ws, r: int, heads) -> None:
    """White-on-blue heading cells in row ``r`` (an empty heading leaves its cell alone)."""
    for c, h in enumerate(heads, 1):
        if not h:
            continue
        cell = ws.cell(r, c, h)
        cell.font = Font(name=FONT, bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
