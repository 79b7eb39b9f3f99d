"""Real client: LibreOffice lays out the report and a notice; pdfplumber measures the pages.

Measurements (GB/T 9704-2012): A4; the text block's left edge 28 mm and top edge 37 mm
(±1 mm); page numbers "— N —" below the text block, odd pages right and even pages left,
the 一字线 about 7 mm below the text block; 28 characters on a full line.

The top edge is measured on the topmost line of page 1: LibreOffice centres the glyphs in a
fixed 28.95 pt line, so the line starts half a line pitch above the glyphs' centre.
"""
from __future__ import annotations

import datetime as dt

import pdfplumber
import pytest

from docgen.notice import build_notices
from docgen.official import LINE_PITCH_PT, MARGINS_MM, OfficialDocument
from docgen.report import build_province_report
from tests.docgen_fixtures import build_consolidated

pytestmark = pytest.mark.soffice

MM = 72 / 25.4
A4 = (595.28, 841.89)


def _body_chars(page):
    """Characters inside the page above the bottom margin (the page number is below it)."""
    limit = page.height - MARGINS_MM["bottom"] * MM
    return [c for c in page.chars if c["bottom"] <= limit + 1 and c["text"].strip()]


def _footer(page):
    limit = page.height - MARGINS_MM["bottom"] * MM
    chars = sorted((c for c in page.chars if c["top"] > limit), key=lambda c: c["x0"])
    return chars


def _footer_text(chars) -> str:
    out, prev = "", None
    for c in chars:
        if prev is not None and c["x0"] - prev["x1"] > 1.5:
            out += " "
        out += c["text"]
        prev = c
    return out


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("soffice")
    c = build_consolidated(tmp)
    report = build_province_report(c, tmp / "全区报告.docx", date=dt.date(2022, 10, 14), doc_number="桂建管〔2022〕25号")
    notice = build_notices(c, tmp / "通知书", dt.date(2022, 10, 14), register=False)[0]
    grid = OfficialDocument(c.campaign)
    grid.paragraph("质" * 200, indent=False)
    lines = grid.save(tmp / "lines.docx")
    return tmp, [report, notice, lines]


def _convert(soffice, tmp, docs):
    out = tmp / "pdf"
    soffice("--convert-to", "pdf", "--outdir", str(out), *map(str, docs))
    return [out / (d.stem + ".pdf") for d in docs]


def test_layout_measured_in_pdf(pdfs, soffice):
    tmp, docs = pdfs
    report_pdf, notice_pdf, lines_pdf = _convert(soffice, tmp, docs)
    for pdf_path in (report_pdf, notice_pdf):
        with pdfplumber.open(pdf_path) as pdf:
            assert len(pdf.pages) >= 2, pdf_path.name
            for page in pdf.pages:
                assert abs(page.width - A4[0]) <= 1 and abs(page.height - A4[1]) <= 1
            p1 = pdf.pages[0]
            body = _body_chars(p1)
            left = min(c["x0"] for c in body) / MM
            top_line = min(body, key=lambda c: c["top"])
            first = [c for c in body if abs(c["top"] - top_line["top"]) < 1]
            centre = sum((c["top"] + c["bottom"]) / 2 for c in first) / len(first)
            line_top = (centre - LINE_PITCH_PT / 2) / MM
            assert abs(left - MARGINS_MM["left"]) <= 1, (pdf_path.name, left)
            assert abs(line_top - MARGINS_MM["top"]) <= 1, (pdf_path.name, line_top)
            # glyphs stay inside the first line of the text block
            assert MARGINS_MM["top"] - 1 <= top_line["top"] / MM <= MARGINS_MM["top"] + LINE_PITCH_PT / MM

            # page numbers: '— 1 —' right (odd), '— 2 —' left (even), 一字线 ≈ 7 mm below the text block
            for number, page in ((1, pdf.pages[0]), (2, pdf.pages[1])):
                chars = _footer(page)
                assert _footer_text(chars) == f"— {number} —", (pdf_path.name, _footer_text(chars))
                x0, x1 = chars[0]["x0"] / MM, chars[-1]["x1"] / MM
                one_char = 14 / MM                       # a 4号 character, in mm
                if number % 2:
                    assert abs(x1 - (210 - MARGINS_MM["right"] - one_char)) <= 1.5, x1
                else:
                    assert abs(x0 - (MARGINS_MM["left"] + one_char)) <= 1.5, x0
                dash = chars[0]
                dash_mm = (dash["top"] + dash["bottom"]) / 2 / MM
                assert abs(dash_mm - (297 - MARGINS_MM["bottom"] + 7)) <= 1.5, dash_mm

    with pdfplumber.open(lines_pdf) as pdf:
        body = _body_chars(pdf.pages[0])
        rows: dict[int, int] = {}
        for c in body:
            rows[round(c["top"])] = rows.get(round(c["top"]), 0) + 1
        full = [n for n in rows.values() if n > 10]
        assert full[:-1] and set(full[:-1]) == {28}, rows           # 28 characters a line
        tops = sorted(rows)
        pitch = (tops[-1] - tops[0]) / (len(tops) - 1)
        assert abs(pitch - LINE_PITCH_PT) < 0.2                       # 28.95 pt a line
