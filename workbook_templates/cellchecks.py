"""What the workbook highlights in a column, by class of problem, as spreadsheet conditions.

One definition serves both the conditional formats of the entry sheets and the SUMPRODUCT
counts of the 自查 sheet, so what is coloured and what is counted cannot drift apart. Also the
native check-digit formulas (GB 32100-2015 credit codes, GB 11643-1999 ID numbers).
Split out of builder.py (issue 14).
"""
from __future__ import annotations

from openpyxl.utils import get_column_letter

from addin.core.idcodes import ID_CHECK, ID_WEIGHTS, USCC_CHARSET, USCC_WEIGHTS
from workbook_templates import crossfield
from workbook_templates.contract import Column, Sheet
from workbook_templates.crossfield import error_safe
from workbook_templates.style import DATE_MAX, DATE_MIN, excel_date, num


class ColumnChecks:
    """Mixin of the workbook builder: needs ``self.campaign`` and ``self.list_ranges``."""

    def _problems(self, col: Column, ref: str, status: str | None) -> dict[str, str]:
        """What the workbook highlights in one column, by class: class -> condition.

        ``ref`` is a cell (conditional format, relative) or a range (SUMPRODUCT count on 自查); the
        conditions use only functions that work element-wise inside SUMPRODUCT in Excel 2010+, WPS
        and LibreOffice. ``status``: the row's 填写状态 cell/range (a row counts once anything is
        typed in it); None on the form sheet, where every field is one cell.
        """
        out: dict[str, str] = {}
        filled = f"(LEN(TRIM({ref}))>0)"
        if col.required:
            out["missing"] = (f'(LEN(TRIM({ref}))=0)' if status is None
                              else f'({status}<>"")*(LEN(TRIM({ref}))=0)')
        t = col.type
        if t == "date":
            lo, hi = (self.campaign.activity_start, self.campaign.activity_end) if col.window else (DATE_MIN, DATE_MAX)
            out["format"] = f"{filled}*(1-ISNUMBER({ref}))"
            out["range"] = error_safe(f"ISNUMBER({ref})*(({ref}<{excel_date(lo)})+({ref}>{excel_date(hi)}))")
        elif t in ("int", "number"):
            fmt = f"{filled}*(1-ISNUMBER({ref}))"
            if t == "int":
                fmt = f"(({fmt})+{error_safe(f'ISNUMBER({ref})*({ref}<>INT({ref}))')}>0)"
            out["format"] = fmt
            bounds = []
            if col.min is not None:
                bounds.append(f"({ref}<{num(col.min)})")
            if col.max is not None:
                bounds.append(f"({ref}>{num(col.max)})")
            if bounds:
                out["range"] = error_safe(f"ISNUMBER({ref})*({'+'.join(bounds)})")
        elif t in ("choice", "yesno") and not col.locked:
            out["list"] = f'{filled}*ISNA(MATCH({crossfield._text(ref)},{self.list_ranges[col.choices]},0))'
        elif t == "phone":
            s = f"TRIM({ref})"
            for sep in (" ", "-", "(", ")", "+"):
                s = f'SUBSTITUTE({s},"{sep}","")'
            out["format"] = f"{filled}*(((LEN({_strip_digits(s)})>0)+(LEN({s})<7)+(LEN({s})>20))>0)"
        elif t == "url":
            low = f"LOWER(TRIM({ref}))"
            out["format"] = f'{filled}*(LEFT({low},7)<>"http://")*(LEFT({low},8)<>"https://")'
        elif t == "credit_code":
            out["code"] = f"{filled}*(1-{error_safe(_uscc_ok(ref))})"
        elif t == "idno":
            out["code"] = f"{filled}*(1-{error_safe(_idno_ok(ref))})"
        return out


def letters_of(sheet: Sheet) -> dict[str, str]:
    """Column letters by key; ``@judgment`` is the 参考判定 column (after 填写状态) of the spot-check sheet."""
    out = {c.key: get_column_letter(i) for i, c in enumerate(sheet.columns, 1)}
    if sheet.key == "spotcheck":
        out["@judgment"] = get_column_letter(len(sheet.columns) + 2)
    return out


def _strip_digits(text: str) -> str:
    """``text`` with the digits 0-9 removed (empty exactly when it held only digits)."""
    for d in "0123456789":
        text = f'SUBSTITUTE({text},"{d}","")'
    return text


def _uscc_ok(ref: str) -> str:
    """Non-zero where ``ref`` is a valid 统一社会信用代码 (GB 32100-2015): 18 characters of the code's
    character set, positions 3-8 (the registering authority's administrative-division code) digits,
    and the check character = (31 - sum(value_i * 3^(i-1) mod 31) mod 31) mod 31. An illegal character
    makes FIND fail: the expression is then an error, which error_safe turns into "not valid"."""
    u = f"UPPER(TRIM({ref}))"
    t = f'"{USCC_CHARSET}"'
    total = "+".join(f"(FIND(MID({u},{i},1),{t})-1)*{w}" for i, w in enumerate(USCC_WEIGHTS, 1))
    return (f"(LEN({u})=18)*(LEN({_strip_digits(f'MID({u},3,6)')})=0)"
            f"*(MID({t},MOD(31-MOD({total},31),31)+1,1)=MID({u},18,1))*ISNUMBER(FIND(MID({u},18,1),{t}))")


def _idno_ok(ref: str) -> str:
    """Non-zero where ``ref`` is a valid 公民身份号码 (GB 11643-1999): 17 digits (a non-digit makes the
    weighted sum an error) and the check character "10X98765432"[sum(d_i * w_i) mod 11], a real
    birth date in positions 7-14 from 1900 to today (the validator's rule)."""
    u = f"UPPER(TRIM({ref}))"
    total = "+".join(f"MID({u},{i},1)*{w}" for i, w in enumerate(ID_WEIGHTS, 1))
    y, m, d = f"MID({u},7,4)", f"MID({u},11,2)", f"MID({u},13,2)"
    birth = f"DATE({y},{m},{d})"
    return (f"(LEN({u})=18)*(MID(\"{ID_CHECK}\",MOD({total},11)+1,1)=MID({u},18,1))"
            f"*(MONTH({birth})=--{m})*(DAY({birth})=--{d})*(--{y}>=1900)*({birth}<=TODAY())")
