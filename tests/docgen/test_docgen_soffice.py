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
    notice = build_notices(c, tmp / "通知书", dt.date(2022, 10, 14), register=False, include_recorded=True)[0]
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
            assert abs(left - MARGINS_MM["left"]) <= 1, (pdf_path.name, left)
            # page 1 of both opens with the 版头 (test_masthead_measured); the notice's page 2 with its
            # receipt's own title. The report's text block top edge is measured on its page 2.
            if pdf_path != notice_pdf:
                top_body = _body_chars(pdf.pages[1])
                top_line = min(top_body, key=lambda c: c["top"])
                first = [c for c in top_body if abs(c["top"] - top_line["top"]) < 1]
                centre = sum((c["top"] + c["bottom"]) / 2 for c in first) / len(first)
                line_top = (centre - LINE_PITCH_PT / 2) / MM
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


# -- GB/T 9704-2012 版头, 署名/成文日期, 版记 (7.2, 7.3.5, 7.4), measured --------------------------
CHAR_PT = 442.2 / 28                 # 1 字 of body text on the 28-a-line grid
FOUR_PT = 14.0                       # 1 字 of 4号 (抄送, 印发)
TEXT_LEFT, TEXT_RIGHT, TEXT_TOP, TEXT_BOTTOM = 28.0, 184.0, 37.0, 262.0


def _lines_of(page):
    """Text lines: (top, chars sorted by x) grouped by glyph top."""
    rows: dict[float, list] = {}
    for ch in page.chars:
        if ch["text"].strip():
            rows.setdefault(round(ch["top"], 0), []).append(ch)
    return [(top, sorted(cs, key=lambda c: c["x0"])) for top, cs in sorted(rows.items())]


def _line_with(page, text):
    for top, cs in _lines_of(page):
        if text in "".join(c["text"] for c in cs):
            return cs
    return None


def _is_red(color) -> bool:
    return bool(color) and len(color) == 3 and color[0] > 0.9 and color[1] < 0.1 and color[2] < 0.1


def _rules(page):
    """Horizontal rules (lines and thin rectangles) as (y_mm, x0_mm, x1_mm, red)."""
    out = [(l["top"] / MM, l["x0"] / MM, l["x1"] / MM, _is_red(l.get("stroking_color"))) for l in page.lines
           if abs(l["top"] - l["bottom"]) < 1]
    out += [((r["top"] + r["bottom"]) / 2 / MM, r["x0"] / MM, r["x1"] / MM, _is_red(r.get("non_stroking_color")))
            for r in page.rects if r["height"] < 2 and r["width"] > 100]
    return sorted(set((round(y, 2), round(a, 1), round(b, 1), red) for y, a, b, red in out))


@pytest.fixture(scope="module")
def official_pdfs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("official")
    c = build_consolidated(tmp)
    camp = c.campaign
    cc = ["住房和城乡建设部工程质量安全监管司", "各市住房城乡建设局", "自治区建设工程质量安全监督总站",
          "自治区住房城乡建设厅办公室", "自治区住房城乡建设厅建筑市场监管处"]
    docs = []
    for name, letterhead in (("masthead", False), ("letterhead", True)):
        d = OfficialDocument(camp)
        d.masthead(camp.authority, "桂建管〔2022〕25号", letterhead=letterhead, printed=dt.date(2022, 10, 14), copy_to=cc)
        d.title("关于2022年全区房屋市政工程“质量月”活动开展情况的报告")
        d.recipient("住房和城乡建设部")
        for _ in range(8):
            d.paragraph("正文段落" * 18)
        d.signature(camp.authority, dt.date(2022, 10, 14))
        docs.append(d.save(tmp / f"{name}.docx"))
    # a page filled to the last line, then the signature: it must not stand alone on page 2
    d = OfficialDocument(camp)
    for _ in range(21):
        d.paragraph("质" * 26)
    d.signature("南宁市住房和城乡建设局", dt.date(2022, 10, 14))
    docs.append(d.save(tmp / "keep.docx"))
    return tmp, docs


def test_masthead_measured(official_pdfs, soffice):
    tmp, docs = official_pdfs
    pdf_path, plain_path = _convert(soffice, tmp, docs[:2])
    with pdfplumber.open(pdf_path) as pdf:
        p1 = pdf.pages[0]
        red = [c for c in p1.chars if _is_red(c.get("non_stroking_color")) and c["text"].strip()]
        assert "".join(c["text"] for c in sorted(red, key=lambda c: c["x0"])) == "广西壮族自治区住房和城乡建设厅"
        top = min(c["top"] for c in red) / MM
        assert abs(top - (TEXT_TOP + 35)) <= 1.0, top                    # 7.2.4: 35 mm below the 版心's top edge
        centre = (min(c["x0"] for c in red) + max(c["x1"] for c in red)) / 2 / MM
        assert abs(centre - (TEXT_LEFT + TEXT_RIGHT) / 2) <= 1.0
        number = _line_with(p1, "桂建管〔2022〕25号")
        bottom = max(c["bottom"] for c in number) / MM
        rules = [r for r in _rules(p1) if r[3]]
        assert rules, _rules(p1)
        y, x0, x1, _ = rules[0]
        assert abs(y - bottom - 4.0) <= 1.0, (y, bottom)                   # 7.2.7: 4 mm below the 发文字号
        assert abs(x0 - TEXT_LEFT) <= 1.0 and abs(x1 - TEXT_RIGHT) <= 1.0  # as wide as the 版心
        mid = (min(c["x0"] for c in number) + max(c["x1"] for c in number)) / 2 / MM
        assert abs(mid - (TEXT_LEFT + TEXT_RIGHT) / 2) <= 1.0              # 发文字号 centred
    with pdfplumber.open(plain_path) as pdf:                              # --letterhead: the space is left blank
        p1 = pdf.pages[0]
        assert not [c for c in p1.chars if _is_red(c.get("non_stroking_color"))]
        assert not [r for r in _rules(p1) if r[3]]
        assert abs(max(c["bottom"] for c in _line_with(p1, "桂建管〔2022〕25号")) / MM - bottom) <= 0.5


def test_signature_and_colophon_measured(official_pdfs, soffice):
    tmp, docs = official_pdfs
    (pdf_path,) = _convert(soffice, tmp, docs[:1])
    with pdfplumber.open(pdf_path) as pdf:
        last = pdf.pages[-1]
        # the signature is on the last page or (when the 版记 does not fit below it) the one before
        sig_page = next(p for p in reversed(pdf.pages) if _line_with(p, "2022年10月14日")
                        and "印发" not in "".join(c["text"] for c in _line_with(p, "2022年10月14日")))
        sig = _line_with(sig_page, "广西壮族自治区住房和城乡建设厅")
        date = _line_with(sig_page, "2022年10月14日")
        assert sig and date and sig[0]["top"] < date[0]["top"]
        # 7.3.5.2: the date's first character 2 字 right of the 署名's first character; 署名 右空二字
        assert abs((date[0]["x0"] - sig[0]["x0"]) - 2 * CHAR_PT) <= 1.0 * MM, (date[0]["x0"], sig[0]["x0"])
        assert abs((TEXT_RIGHT - sig[-1]["x1"] / MM) - 2 * CHAR_PT / MM) <= 1.5
        # 7.4.2: 抄送 1 字 (4号) inside the text block on both sides; wrapped lines after the colon
        lines = [cs for _, cs in _lines_of(last)]
        i = next(k for k, cs in enumerate(lines) if "".join(c["text"] for c in cs).startswith("抄送："))
        first_x = lines[i][0]["x0"] / MM
        assert abs(first_x - (TEXT_LEFT + FOUR_PT / MM)) <= 0.8, first_x
        assert lines[i][0]["size"] == pytest.approx(14, abs=0.2)
        wrapped = lines[i + 1]
        colon = next(c for c in lines[i] if c["text"] == "：")
        assert abs(wrapped[0]["x0"] - colon["x1"]) <= 0.8 * MM                 # aligned after the colon
        assert max(c["x1"] for cs in lines[i:i + 2] for c in cs) / MM <= TEXT_RIGHT - FOUR_PT / MM + 0.8
        printed = next(cs for cs in lines if "印发" in "".join(c["text"] for c in cs))
        assert abs(printed[0]["x0"] / MM - (TEXT_LEFT + FOUR_PT / MM)) <= 0.8   # 印发机关 1 字 from the left
        assert abs(printed[-1]["x1"] / MM - (TEXT_RIGHT - FOUR_PT / MM)) <= 0.8  # 印发日期 1 字 from the right
        # 7.4.1: rules as wide as the 版心, the last on the bottom edge of the 版心 of the last page,
        # 抄送 and 印发 between them
        rules = [r for r in _rules(last) if not r[3]]
        assert len(rules) == 3, rules
        for y, x0, x1, _ in rules:
            assert abs(x0 - TEXT_LEFT) <= 1.0 and abs(x1 - TEXT_RIGHT) <= 1.0
        assert abs(rules[-1][0] - TEXT_BOTTOM) <= 1.0, rules[-1]
        cc_top = lines[i][0]["top"] / MM
        assert rules[0][0] < cc_top < rules[1][0] < printed[0]["top"] / MM < rules[2][0]
        if sig_page is last:
            assert date[0]["bottom"] / MM < rules[0][0]                        # below the signature, no overlap
        for page in pdf.pages[:-1]:
            assert not [r for r in _rules(page) if not r[3]]                   # only on the last page


def test_signature_never_alone_on_a_page(official_pdfs, soffice):
    tmp, docs = official_pdfs
    (pdf_path,) = _convert(soffice, tmp, docs[2:3])
    with pdfplumber.open(pdf_path) as pdf:
        assert len(pdf.pages) == 2
        page = pdf.pages[1]
        texts = ["".join(c["text"] for c in cs) for _, cs in _lines_of(page)]
        assert "南宁市住房和城乡建设局" in texts
        assert any(t.startswith("质") for t in texts), texts                  # text of the body came along


def test_notice_colophon_on_the_notice_page(pdfs, soffice):
    tmp, docs = pdfs
    (notice_pdf,) = _convert(soffice, tmp, docs[1:2])
    with pdfplumber.open(notice_pdf) as pdf:
        pages = ["".join(c["text"] for c in p.chars) for p in pdf.pages]
        k = next(i for i, t in enumerate(pages) if "印发" in t)
        assert "送达回执" in pages[-1] and k < len(pages) - 1                # the receipt page follows
        rules = [r for r in _rules(pdf.pages[k]) if not r[3]]
        assert rules and abs(rules[-1][0] - TEXT_BOTTOM) <= 1.0
        assert _is_red(next(c for c in pdf.pages[0].chars if c["text"].strip()).get("non_stroking_color"))
