"""参考判定: the workbook's own verdict from the measured values agrees with the Python judge.

Every spot-check row of the demo returns (addin.demo.generator), and rows at and around each limit of
the generated limits table, are put into built workbooks; LibreOffice recalculates them; wherever the
column gives 合格 or 不合格 it must be what addin.rules.judge says. Rows a formula cannot judge
exactly (items with spec-dependent limits, values with units or full-width digits) say 由工具判定.
"""
from __future__ import annotations

from collections import Counter

import pytest
from openpyxl import load_workbook

from addin.rules.judge import judge
from workbook_templates.builder import build_workbook, reference_limits
from workbook_templates.contract import REFERENCE_TITLE

pytestmark = pytest.mark.soffice

from addin.campaign.settings import load_campaign  # noqa: E402

KEYS = ("item", "grade", "spec", "design", "measured")


def _edge_rows() -> list[dict]:
    """At, just inside and just outside every limit of the table, with the spellings a clerk types."""
    rows = []
    for item, grade, spec_lo, spec_hi, lo, hi, _ in reference_limits(load_campaign().activity_start):
        spec = spec_lo if spec_lo > -1e8 else 16
        g = grade if grade != "（任意）" else None
        for limit, step in ((lo, 1), (hi, -1)):
            if abs(limit) > 1e8:
                continue
            eps = 0.01 if abs(limit) < 10 else 0.1
            for x in (limit, limit + step * eps, limit - step * eps):
                ok = round(limit + step * 2 * eps, 3)
                rows.append({"item": item, "grade": g, "spec": spec, "measured": f"{ok:g}、{x:g}、{ok:g}"})
        rows.append({"item": item, "grade": (g or "").lower() or None, "spec": str(spec), "measured": "0"})
    rows += [
        {"item": "钢筋下屈服强度", "grade": "HRB 400E", "spec": 16, "measured": "432，445; 399.9"},
        {"item": "钢筋下屈服强度", "grade": "HRB400E", "spec": 16, "_tool": True, "measured": "460MPa"},       # unit: tool
        {"item": "钢筋下屈服强度", "grade": "HRB400E", "spec": 16, "_tool": True, "measured": "４６０、４５５"},   # full-width: tool
        {"item": "钢筋重量偏差", "grade": "HRB400", "spec": 16, "_tool": True, "measured": "1-2"},             # a date in Excel: tool
        {"item": "钢筋重量偏差", "grade": "HRB400", "spec": 13, "_tool": True, "measured": "-3.1、-2.0"},       # no band: tool
        {"item": "钢筋重量偏差", "grade": "HRB400", "spec": None, "_tool": True, "measured": "-3.1"},           # no spec: tool
        {"item": "钢筋下屈服强度", "grade": "Q235", "spec": 16, "_tool": True, "measured": "300"},              # no rule: tool
        {"item": "钢筋断后伸长率", "grade": "HRB400", "spec": 32, "_tool": True, "measured": "15.2"},           # reduced by diameter: tool
        {"item": "电线导体电阻", "grade": "BV", "spec": 2.5, "_tool": True, "measured": "7.2"},                 # by conductor class: tool
        {"item": "钢筋抗拉强度", "grade": "HRB400", "spec": 16, "measured": 539.9},              # a number cell
    ]
    return rows


def test_reference_verdict_agrees_with_the_judge(tmp_path, soffice, campaign, contract, demo_dir):
    sheet = contract.sheet("spotcheck")
    keys = [c.key for c in sheet.columns]
    rows = []
    for path in sorted(demo_dir.glob("*.xlsx")):
        ws = load_workbook(path)["监督抽测"]
        for values in ws.iter_rows(min_row=2, max_row=sheet.rows + 1, max_col=len(keys), values_only=True):
            v = dict(zip(keys, values))
            if v["item"] is not None or v["measured"] is not None:
                rows.append({k: v[k] for k in KEYS})
    demo_rows = len(rows)
    rows += _edge_rows()
    books = []
    for n in range(0, len(rows), sheet.rows):
        wb = build_workbook(campaign, campaign.cities[0])
        ws = wb["监督抽测"]
        for r, row in enumerate(rows[n:n + sheet.rows], 2):
            for k, v in row.items():
                if not k.startswith("_"):
                    ws.cell(r, keys.index(k) + 1, v)
        path = tmp_path / f"ref{n // sheet.rows}.xlsx"
        wb.save(path)
        books.append(path)
    soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "out"), *map(str, books))
    got = []
    for path in books:
        ws = load_workbook(tmp_path / "out" / path.name, data_only=True)["监督抽测"]
        col = len(keys) + 2
        assert ws.cell(1, col).value == REFERENCE_TITLE
        got += [ws.cell(r, col).value for r in range(2, sheet.rows + 2)]
    seen = Counter()
    for i, row in enumerate(rows):
        verdict = got[i]
        want = judge(row["item"], row["grade"], row["measured"], spec=row["spec"], design=row.get("design")).result
        assert verdict in ("合格", "不合格", "由工具判定"), (i, row, verdict)
        if row.get("_tool"):
            assert verdict == "由工具判定", row
        if verdict != "由工具判定":
            assert verdict == want, (row, verdict, want)
        seen[(i < demo_rows, verdict)] += 1
    # the column decides a real share of the demo and both ways; the edge rows too
    assert seen[(True, "合格")] >= 100 and seen[(True, "不合格")] >= 3, seen
    assert seen[(False, "不合格")] >= 20 and seen[(False, "合格")] >= 20, seen
    assert all(v in (None, "") for v in got[len(rows):]), "empty rows give no verdict"
