"""Real client: LibreOffice recalculates the scoring workbook's helper columns and opens the results."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from addin.cli.main import main
from tests.contest.test_scoring_workbook import fill, write_source
from addin.contest.workbook import write_scoring_template

pytestmark = pytest.mark.soffice


def test_helper_formulas_recalculated_by_libreoffice(tmp_path, soffice, campaign):
    template = write_scoring_template(campaign, tmp_path, source=str(write_source(tmp_path / "汇总.xlsx")))
    src = tmp_path / "src"
    src.mkdir()
    filled = fill(template, src / "filled.xlsx", recused_row=True, missing_cell=True)
    out = tmp_path / "out"
    soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(filled))
    ws = load_workbook(out / "filled.xlsx", data_only=True)["评分"]
    rows = {(r[0].value, r[1].value): r for r in ws.iter_rows(min_row=2) if r[0].value}
    j1 = rows[("J1", "V001")]                        # 南宁 judge on a 南宁 entry
    assert j1[8].value == "须回避" and j1[7].value == "安全帽的故事"
    assert j1[6].value == pytest.approx(99)
    assert rows[("J1", "V002")][6].value in (None, "")          # E3 (J1 on V002) emptied: no total shown
    assert rows[("J3", "V001")][6].value == pytest.approx(88.8)
    assert rows[("J3", "V002")][8].value in (None, "")
    for row in ws.iter_rows(min_row=2, max_row=60):
        for c in row:
            assert not (isinstance(c.value, str) and c.value.startswith("#")), c.coordinate


def test_results_and_award_list_open_in_libreoffice(tmp_path, soffice, campaign):
    template = write_scoring_template(campaign, tmp_path, source=str(write_source(tmp_path / "汇总.xlsx")))
    filled = fill(template, tmp_path / "filled.xlsx")
    result = tmp_path / "计分结果.xlsx"
    assert main(["score", str(filled), "-o", str(result), "--date", "2022-10-20"]) == 0
    docs = [result]
    if importlib.util.find_spec("docgen.official"):
        docs.append(tmp_path / "获奖名单.docx")
    pdf = tmp_path / "pdf"
    soffice("--convert-to", "pdf", "--outdir", str(pdf), *map(str, docs))
    for d in docs:
        target = pdf / (d.stem + ".pdf")
        assert target.stat().st_size > 5000
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
            assert ("微视频评分结果" in text and "86.55" in text) if d.suffix == ".xlsx" else ("匠心筑梦" in text)
