"""Real client: LibreOffice renders 跟踪督导.xlsx and a 督办通知 built from hand-made rows; the PDF
text carries the states, the overdue days and the letter's parts."""
from __future__ import annotations

import datetime as dt
import subprocess

import pandas as pd
import pytest

pytestmark = pytest.mark.soffice
D = dt.date


def test_tracking_workbook_and_supervision_letter_render(tmp_path, soffice, campaign):
    from addin.consolidate.model import Consolidated
    from addin.consolidate.track_xlsx import write_tracking
    from addin.consolidate.tracking import plan_tracking
    from docgen.supervise import supervision_file_name, write_supervision_letter

    city = campaign.cities[0]
    base = {"city": city.name, "city_code": city.code, "judgment": "不合格", "item": "钢筋下屈服强度",
            "notice_date": D(2022, 9, 10), "deadline": D(2022, 9, 20)}
    rows = [{**base, "project": "甲工程", "notice_no": "南建质改〔2022〕001号"},
            {**base, "project": "乙工程", "notice_no": "南建质改〔2022〕002号", "reply_date": D(2022, 9, 18),
             "review_date": D(2022, 9, 22), "review_result": "合格"}]
    c = Consolidated(campaign, {}, pd.DataFrame(columns=["city", "city_code", "status"]), pd.DataFrame(), [], [], [],
                     [], pd.DataFrame(rows), pd.DataFrame())
    t = plan_tracking(c, D(2022, 10, 1))
    book = write_tracking(t, tmp_path / "跟踪督导.xlsx")
    letter = write_supervision_letter(t, city.name, tmp_path / supervision_file_name(city.name))
    soffice("--convert-to", "pdf", "--outdir", str(tmp_path), str(book), str(letter), cwd=tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "跟踪督导.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "逾期未整改" in text and "复查合格" in text and "甲工程" in text and "11" in text   # 11 days overdue
    letter_text = subprocess.run(["pdftotext", str(tmp_path / f"{letter.stem}.pdf"), "-"], capture_output=True,
                                 text=True, check=True).stdout.replace(" ", "").replace("\n", "")
    assert "督办通知" in letter_text and f"{city.name}住房城乡建设局：" in letter_text
    assert "甲工程" in letter_text and "乙工程" not in letter_text      # only the item that needs supervision
    assert "逾期未整改" in letter_text and "2022年10月11日" in letter_text   # the answer due 10 days after the letter
