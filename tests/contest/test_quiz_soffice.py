"""Real client: LibreOffice recalculates the answer-sheet workbook (no `#` errors, the helper
columns count answers and invalid letters) and prints the paper."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from addin.contest.papers import draw_paper
from docgen.quiz_paper import write_paper_set
from addin.contest.quizbank import default_bank

pytestmark = pytest.mark.soffice


def test_answer_sheet_recalculates_without_errors_and_the_paper_prints(tmp_path, soffice, campaign):
    paper, _ = draw_paper(default_bank(campaign), 50, 7, campaign.quiz_rules.paper, campaign)
    write_paper_set(paper, tmp_path / "试卷", campaign, [("甲", "单位", "南宁市"), ("乙", "单位", "柳州市"), ("丙", "单位", "桂林市")])
    sheet = tmp_path / "试卷" / "答题卡.xlsx"
    wb = load_workbook(sheet)
    ws = wb["答题卡"]
    a, b = paper.variants
    for c, it in enumerate(b.items, 6):          # 乙 (row 3) wrote variant B: all right
        ws.cell(3, c, it.answer)
    types = [it.question.qtype for it in a.items]
    first_single, first_tf = types.index("单选"), types.index("判断")
    ws.cell(2, 6 + first_single, "E")            # 甲: invalid letter, two letters on a single choice, a valid one
    ws.cell(2, 7 + first_single, "AB")
    ws.cell(2, 6 + first_tf, "A")
    src = tmp_path / "src"
    src.mkdir()
    wb.save(src / "答题卡.xlsx")
    out = tmp_path / "out"
    soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(src / "答题卡.xlsx"))
    got = load_workbook(out / "答题卡.xlsx", data_only=True)["答题卡"]
    head = [c.value for c in got[1]]
    answered, invalid = head.index("已答题数") + 1, head.index("无效答案数") + 1
    assert (got.cell(2, answered).value, got.cell(2, invalid).value) == (3, 2)
    assert (got.cell(3, answered).value, got.cell(3, invalid).value) == (50, 0)
    assert (got.cell(4, answered).value, got.cell(4, invalid).value) == (0, 0)
    assert got.cell(5, answered).value in (None, "")           # a row without a participant stays empty
    for row in got.iter_rows(min_row=1, max_row=got.max_row):
        for c in row:
            assert not (isinstance(c.value, str) and c.value.startswith("#")), c.coordinate
    pdf = tmp_path / "pdf"
    soffice("--convert-to", "pdf", "--outdir", str(pdf), str(tmp_path / "试卷" / "试卷A.docx"))
    assert (pdf / "试卷A.pdf").stat().st_size > 20000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf / "试卷A.pdf"), "-"], capture_output=True, text=True, check=True).stdout
        assert "质量知识竞赛试卷" in text and "A 卷" in text and "单项选择题" in text and "判断题" in text
