"""Test helper: fill a built city workbook with openpyxl, the way a clerk would."""
from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.utils import get_column_letter

from workbook_templates.contract import Column, Contract, Sheet


def sample_value(contract: Contract, col: Column, i: int, campaign) -> Any:
    """A valid value of the column's type (varied by ``i``)."""
    t = col.type
    if t in ("choice", "yesno"):
        choices = contract.choices(col)
        return choices[i % len(choices)]
    if t == "int":
        lo = int(col.min or 0)
        hi = int(col.max if col.max is not None else lo + 1000)
        return min(hi, lo + 3 + i)
    if t == "number":
        lo = col.min or 0
        hi = col.max if col.max is not None else lo + 1000
        return round(min(hi, lo + 10.5 + i), 1)
    if t == "date":
        return dt.datetime.combine(campaign.activity_start + dt.timedelta(days=i % 28), dt.time())
    if t == "credit_code":
        return "914403001922038216"
    if t == "idno":
        return "11010519491231002X"
    if t == "phone":
        return f"0771-22601{i % 100:02d}"
    if t == "url":
        return f"https://zjt.gxzf.gov.cn/a/{i}"
    if t == "numbers":
        return f"{400 + i}、{410 + i}、{405 + i}"
    return f"{col.title}{i + 1}"


def fill_table(ws, contract: Contract, sheet: Sheet, n: int, campaign, skip: dict[int, set[str]] | None = None):
    """Fill ``n`` rows from row 2; ``skip`` maps a row index to column keys left empty."""
    filled = []
    for i in range(n):
        row = {}
        for c, col in enumerate(sheet.columns, 1):
            if skip and col.key in skip.get(i, set()):
                continue
            v = sample_value(contract, col, i, campaign)
            ws.cell(2 + i, c, v)
            row[col.key] = v
        filled.append(row)
    return filled


def column_letter(sheet: Sheet, key: str) -> str:
    return get_column_letter([c.key for c in sheet.columns].index(key) + 1)
