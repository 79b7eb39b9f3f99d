"""Real client: LibreOffice opens each built workbook, recalculates, and the 自查 sheet counts right."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from tests.filling import fill_table
from workbook_templates.builder import build_workbook, workbook_filename
from workbook_templates.contract import SELFCHECK_SHEET

pytestmark = pytest.mark.soffice


def _selfcheck_rows(ws):
    """The summary rows (one per sheet, then 合计); the sections below 合计 repeat sheet names."""
    rows = {}
    for row in ws.iter_rows(min_row=4):
        if row[0].value:
            rows[row[0].value] = row
        if row[0].value == "合计":
            break
    return rows


def test_selfcheck_formulas_recalculated_by_libreoffice(tmp_path, soffice, campaign, contract):
    # every city's workbook, filled differently, recalculated in one LibreOffice run
    src = tmp_path / "src"
    src.mkdir()
    expected = {}
    for n, city in enumerate(campaign.cities):
        wb = build_workbook(campaign, city)
        want = {}
        for k, sheet in enumerate(contract.table_sheets):
            rows = (n + k) % 4            # 0..3 filled rows
            required = [c.key for c in sheet.columns if c.required]
            skip = {0: {required[0]}} if rows and required and (n + k) % 3 == 0 else {}
            fill_table(wb[sheet.title], contract, sheet, rows, campaign, skip=skip)
            complete = rows - (1 if skip else 0)
            want[sheet.title] = (rows, complete, 1 if skip else 0)
        info = wb["基本信息"]
        if n % 2:
            info["B4"], info["B5"], info["B6"] = "住建局", "王五", "0771-1234567"
            info["B7"], info["B8"] = dt.datetime(2022, 10, 8), "已制定"
            info["B10"], info["B11"] = "赵六", "0771-7654321"
            want["基本信息"] = 0
        else:
            want["基本信息"] = 7
        wb.save(src / workbook_filename(campaign, city))
        expected[city.name] = want
    out = tmp_path / "out"
    soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), *map(str, sorted(src.glob("*.xlsx"))))
    assert len(list(out.glob("*.xlsx"))) == len(campaign.cities)
    for city in campaign.cities:
        wb = load_workbook(out / workbook_filename(campaign, city), data_only=True)
        rows = _selfcheck_rows(wb[SELFCHECK_SHEET])
        want = expected[city.name]
        assert rows["基本信息"][4].value == want["基本信息"], city.name
        total_missing = want["基本信息"]
        for title, (filled, complete, missing) in ((k, v) for k, v in want.items() if k != "基本信息"):
            got = rows[title]
            assert (got[2].value, got[3].value, got[4].value) == (filled, complete, missing), (city.name, title)
            total_missing += missing
        assert rows["合计"][4].value == total_missing
        # no formula anywhere evaluated to an error such as #NAME?
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert not (isinstance(cell.value, str) and cell.value.startswith("#")), (ws.title, cell.coordinate, cell.value)


def test_template_converts_to_pdf(tmp_path, soffice, campaign):
    wb = build_workbook(campaign, campaign.cities[0])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    soffice("--convert-to", "pdf", "--outdir", str(tmp_path), str(path))
    pdf = tmp_path / "t.pdf"
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"
