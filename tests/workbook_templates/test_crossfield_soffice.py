"""Two engines, one declaration: the workbook's highlighting and `qm check` agree on every case.

For every cross-field check declared in contract.toml, a grid of cases — both sides of every
condition, blanks, spaces, text vs numbers, real dates and dates typed as text — is filled into a
built city workbook. Python's side is the validator on that file. The workbook's side is the
workbook's own conditional-format formulas: each rule's formula (as built, read from the
workbook) is copied into a helper cell on every case row of a test copy, LibreOffice recalculates
it headless, and the helper cells say where the cell would be coloured. The 自查 sheet's count of
each check is compared too.

Values only Python understands ("50元", "2022年9月1日") are a separate group: there the workbook
marks the spelling itself yellow, so every cell `qm check` reports is still highlighted.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest
from openpyxl import load_workbook
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_from_string

from addin.checks.validate import validate_workbook
from tests.filling import sample_value
from workbook_templates.builder import BAD_FILL, FAIL_FILL, build_workbook
from workbook_templates.contract import SELFCHECK_SHEET

pytestmark = pytest.mark.soffice

LENIENT = ("50元", "2022年9月1日")   # spellings the validator reads and the workbook marks yellow


def _leaves(cond):
    (op, arg), = cond.items()
    if op in ("all", "any"):
        for c in arg:
            yield from _leaves(c)
    else:
        yield op, arg


def _pool(contract, sheet, key, campaign) -> list:
    """Cases for one column: every value the declarations name, their neighbours, blanks, spellings."""
    col = sheet.column(key)
    named = set()
    for chk in contract.checks_of(sheet.key):
        for op, arg in _leaves(chk.when):
            if op in ("eq", "ne") and arg[0] == key:
                named.add(arg[1])
            elif op == "in" and arg[0] == key:
                named.update(arg[1])
    base = dt.datetime.combine(campaign.activity_start + dt.timedelta(days=10), dt.time())
    if col.type in ("choice", "yesno"):
        choices = contract.choices(col)
        other = next(c for c in choices if c not in named)
        values = sorted(named) + [other, None]
        first = sorted(named)[0] if named else other
        values += [f" {first} ", first[0] + " " + first[1:]]   # spaces a clerk types: ignored by both
        return values
    if col.type == "date":
        return [base, base - dt.timedelta(days=1), base + dt.timedelta(days=1), None,
                (base - dt.timedelta(days=1)).strftime("%Y-%m-%d"), "2022年9月1日"]
    if col.type in ("int", "number"):
        return [18.8, 0, "50", None, "  ", "50元"]
    return [None, "   ", "桂建质〔2022〕15号", 123]


def _cases(contract, sheet, campaign) -> list[dict]:
    """Per check, every combination of its columns' cases; other columns keep one valid value."""
    skip = {"item", "measured"} if sheet.key == "spotcheck" else set()   # no re-judgment: @judgment stays out
    default = {c.key: sample_value(contract, c, 0, campaign) for c in sheet.columns if c.key not in skip}
    rows = []
    for chk in contract.checks_of(sheet.key):
        keys = sorted(k for k in chk.keys() if not k.startswith("@"))
        pools = [_pool(contract, sheet, k, campaign) for k in keys]
        for combo in itertools.product(*pools):
            row = dict(default)
            row.update(zip(keys, combo))
            rows.append(row)
    assert len(rows) <= sheet.rows
    return rows


def _rules(ws):
    """(column letter, formula, fill colour) of every conditional format rule on the first data row."""
    out = []
    for cf in ws.conditional_formatting:
        for rng in str(cf.sqref).split():
            c0, r0, c1, _ = range_boundaries(rng)
            if r0 != 2 or c0 != c1:
                continue
            for rule in cf.rules:
                if rule.dxf is not None and rule.dxf.fill is not None:   # (参考判定 sets a font only)
                    out.append((get_column_letter(c0), rule.formula[0], rule.dxf.fill.fgColor.rgb))
    return out


def test_workbook_and_validator_agree_on_every_case(tmp_path, soffice, campaign, contract):
    city = campaign.cities[0]
    wb = build_workbook(campaign, city)
    grids = {}
    helpers = {}   # sheet key -> [(helper column, target letter, colour, index among that colour's rules)]
    for sheet_key in dict.fromkeys(c.sheet for c in contract.checks):
        sheet = contract.sheet(sheet_key)
        ws = wb[sheet.title]
        letters = {c.key: get_column_letter(i) for i, c in enumerate(sheet.columns, 1)}
        rows = _cases(contract, sheet, campaign)
        grids[sheet_key] = rows
        for r, row in enumerate(rows, 2):
            for key, value in row.items():
                ws[f"{letters[key]}{r}"] = value
        targets = {letters[c.target] for c in contract.checks_of(sheet_key)}
        first_helper = len(sheet.columns) + 3
        plan = []
        seen = Counter()
        for letter, formula, colour in _rules(ws):
            if letter not in targets or colour not in (FAIL_FILL.fgColor.rgb, BAD_FILL.fgColor.rgb):
                continue
            helper = get_column_letter(first_helper + len(plan))
            plan.append((helper, letter, colour, seen[(letter, colour)]))
            seen[(letter, colour)] += 1
            for r in range(2, len(rows) + 2):
                ws[f"{helper}{r}"] = Translator("=" + formula, origin=f"{letter}2").translate_formula(f"{letter}{r}")
        helpers[sheet_key] = plan
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)

    # Python: qm check's validator on the file as the clerk would send it
    codes = {c.code for c in contract.checks}
    python: set[tuple[str, str, str]] = set()
    for f in validate_workbook(filled, campaign):
        if f.code in codes:
            python.add((f.sheet, f.cell, f.code))

    # the workbook: LibreOffice recalculates the copied conditional-format formulas
    out = tmp_path / "out"
    soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(filled))
    calc = load_workbook(out / "filled.xlsx", data_only=True)
    workbook: set[tuple[str, str, str]] = set()
    yellow: set[tuple[str, str]] = set()
    lenient_rows: dict[str, set[int]] = {}
    for sheet_key, plan in helpers.items():
        sheet = contract.sheet(sheet_key)
        ws = calc[sheet.title]
        by_target: dict[str, list] = {}
        for chk in contract.checks_of(sheet_key):
            by_target.setdefault(chk.target, []).append(chk)
        letters = {c.key: get_column_letter(i) for i, c in enumerate(sheet.columns, 1)}
        key_of = {v: k for k, v in letters.items()}
        rows = grids[sheet_key]
        lenient_rows[sheet.title] = {r for r, row in enumerate(rows, 2) if any(v in LENIENT for v in row.values())}
        for helper, letter, colour, index in plan:
            for r in range(2, len(rows) + 2):
                v = ws[f"{helper}{r}"].value
                assert v in (True, False, 0, 1), (sheet.title, helper, r, v)   # never an error value
                if not v:
                    continue
                if colour == FAIL_FILL.fgColor.rgb:
                    workbook.add((sheet.title, f"{letter}{r}", by_target[key_of[letter]][index].code))
                else:
                    yellow.add((sheet.title, f"{letter}{r}"))

    def strict(items):
        return {x for x in items if coordinate_from_string(x[1])[1] not in lenient_rows[x[0]]}

    # every case both engines read alike: exactly the same cells, the same codes
    assert strict(python) == strict(workbook), (sorted(strict(python) - strict(workbook))[:10],
                                                sorted(strict(workbook) - strict(python))[:10])
    # spellings only the validator reads: every reported cell is highlighted (orange or yellow) in the workbook
    for sheet_title, cell, code in python - strict(python):
        assert (sheet_title, cell, code) in workbook or (sheet_title, cell) in yellow, (sheet_title, cell, code)
    assert workbook - strict(workbook) <= python
    # the grid is not trivial: every declared check fires on some case and not on others, on both sides
    for chk in contract.checks:
        title = contract.sheet(chk.sheet).title
        hits = {c for s, c, code in workbook if s == title and code == chk.code}
        assert hits and len(hits) < len(grids[chk.sheet]), chk.label
    # the 自查 sheet counts each check as its conditional format shows it
    sc = calc[SELFCHECK_SHEET]
    counted = {}
    heads = [c.value for c in sc[3]]
    col = heads.index("关联信息不符")   # a check's count stands under the summary's 关联信息不符 column
    activities = {s.activity for s in contract.sheets if s.activity}     # the summary rows' 对应活动
    for row in sc.iter_rows(min_row=4, values_only=True):
        if row[1] and "：" in str(row[1]) and row[1] not in activities and isinstance(row[col], (int, float)):
            counted[(row[0], row[1])] = row[col]
    assert len(counted) == len(contract.checks)
    for chk in contract.checks:
        sheet = contract.sheet(chk.sheet)
        label = f"{sheet.column(chk.target).title}：{chk.label}"
        letters = {c.key: get_column_letter(i) for i, c in enumerate(sheet.columns, 1)}
        n = sum(1 for s, c, code in workbook if s == sheet.title and code == chk.code
                and c.startswith(letters[chk.target]) and c[len(letters[chk.target]):].isdigit())
        assert counted[(sheet.title, label)] == n, label
