"""The GB/T 9704-2012 page: read the produced .docx back (python-docx and the XML)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from docx import Document
from docx.oxml.ns import qn

from docgen.official import (
    CHARS_PER_LINE, LINE_PITCH_PT, OfficialDocument, chinese_date, chinese_numeral, normalize_doc_number, split_title,
    visual_width,
)
from tests.docgen_fixtures import docx_part, docx_parts, docx_text, png_bytes

TWIPS_PER_MM = 1440 / 25.4


@pytest.fixture
def sample(tmp_path, campaign):
    img = tmp_path / "p.png"
    img.write_bytes(png_bytes(300, 200))
    d = OfficialDocument(campaign)
    d.doc_number("桂建质〔2022〕3号")
    d.title("关于2022年全区房屋市政工程“质量月”活动开展情况的报告")
    d.recipient("各市住房城乡建设局")
    d.paragraph("正文第一段。")
    d.heading1("总体情况")
    d.heading2("宣传")
    d.heading3("讲座")
    d.heading4("细节")
    d.heading4("细节二")
    d.heading3("培训")
    d.heading4("细节三")
    d.heading2("观摩")
    d.heading3("样板")
    d.heading1("下一步")
    d.heading2("整改")
    d.table(["城市", "数量"], [["南宁市", 3], ["柳州市", 2.0]], widths_mm=[100, 100])
    d.image(img, width_mm=80, caption="图1 示例")
    d.paragraph("特此报告。")
    d.attachments(["清单一", "清单二"])
    d.signature(campaign.authority, dt.date(2022, 10, 2))
    d.note("联系人：黎浩")
    d.page_break()
    d.paragraph("回执页")
    return d.save(tmp_path / "sample.docx")


def test_page_size_and_margins(sample):
    sec = Document(str(sample)).sections[0]
    xml = docx_part(sample)
    pg = re.search(r"<w:pgSz [^>]*/>", xml).group(0)
    assert 'w:w="11906"' in pg and 'w:h="16838"' in pg                       # A4
    mar = dict(re.findall(r'w:(\w+)="(\d+)"', re.search(r"<w:pgMar [^>]*/>", xml).group(0)))
    assert abs(int(mar["top"]) / TWIPS_PER_MM - 37) < 0.05                    # 天头 37 mm
    assert abs(int(mar["left"]) / TWIPS_PER_MM - 28) < 0.05                   # 订口 28 mm
    assert abs(int(mar["bottom"]) / TWIPS_PER_MM - 35) < 0.05
    assert abs(int(mar["right"]) / TWIPS_PER_MM - 26) < 0.05
    # 版心 156 × 225 mm
    assert abs((sec.page_width - sec.left_margin - sec.right_margin) / 36000 - 156) < 0.1
    assert abs((sec.page_height - sec.top_margin - sec.bottom_margin) / 36000 - 225) < 0.1


def test_line_pitch_grid_and_28_characters(sample):
    styles = docx_part(sample, "word/styles.xml")
    doc = docx_part(sample)
    normal = re.search(r'<w:style w:type="paragraph" w:default="1" w:styleId="Normal">.*?</w:style>', styles).group(0)
    assert f'w:line="{round(LINE_PITCH_PT * 20)}" w:lineRule="exact"' in normal     # exactly 28.95 pt
    grid = re.search(r"<w:docGrid [^>]*/>", doc).group(0)
    assert 'w:linePitch="579"' in grid
    # 28 characters a line: 3号 (16 pt) condensed so that 28 fit the 442.2 pt 版心 width
    spacing = int(re.search(r'<w:spacing w:val="(-?\d+)"/>', normal).group(1)) / 20
    assert 28 * (16 + spacing) <= 156 / 25.4 * 72 < 29 * (16 + spacing)
    assert CHARS_PER_LINE == 28


def test_char_grid_option(tmp_path, campaign):
    d = OfficialDocument(campaign, char_grid=True)
    d.paragraph("正文")
    p = d.save(tmp_path / "grid.docx")
    grid = re.search(r"<w:docGrid [^>]*/>", docx_part(p)).group(0)
    assert 'w:type="linesAndChars"' in grid and 'w:linePitch="579"' in grid
    char_space = int(re.search(r'w:charSpace="(-?\d+)"', grid).group(1))
    pitch = 16 + char_space / 4096
    assert round(156 / 25.4 * 72 / pitch) == 28


def test_fonts_set_through_east_asia(sample, campaign):
    styles = docx_part(sample, "word/styles.xml")

    def east_asia(style_id):
        block = re.search(rf'w:styleId="{style_id}">.*?</w:style>', styles).group(0)
        return re.search(r'w:eastAsia="([^"]+)"', block).group(1)

    f = campaign.fonts
    assert east_asia("Normal") == f["body"]
    assert east_asia("Title") == f["title"]
    assert east_asia("Heading1") == f["heading1"]
    assert east_asia("Heading2") == f["heading2"]
    assert east_asia("Heading3") == f["body"]
    assert east_asia("Heading4") == f["body"]
    assert east_asia("Footer") == f["page_number"]
    # sizes: title 2号 (22 pt), body 3号 (16 pt)
    title = re.search(r'w:styleId="Title">.*?</w:style>', styles).group(0)
    assert '<w:sz w:val="44"/>' in title
    normal = re.search(r'w:styleId="Normal">.*?</w:style>', styles).group(0)
    assert '<w:sz w:val="32"/>' in normal
    # digits and Latin letters: Times New Roman by default
    assert 'w:ascii="Times New Roman"' in normal
    # fallbacks recorded as w:altName in the font table
    fonts = docx_part(sample, "word/fontTable.xml")
    assert re.search(rf'w:name="{f["body"]}"><w:altName w:val="{f["body_fallback"]}"/>', fonts)
    assert re.search(rf'w:name="{f["title"]}"><w:altName w:val="{f["title_fallback"]}"/>', fonts)


def test_fonts_configurable(tmp_path, campaign):
    d = OfficialDocument(campaign, fonts={"body": "仿宋", "latin": "Arial"})
    d.paragraph("x")
    styles = docx_part(d.save(tmp_path / "f.docx"), "word/styles.xml")
    normal = re.search(r'w:styleId="Normal">.*?</w:style>', styles).group(0)
    assert 'w:eastAsia="仿宋"' in normal and 'w:ascii="Arial"' in normal


def test_headings_levels_and_numbering(sample):
    doc = Document(str(sample))
    heads = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert heads == [
        ("Heading 1", "一、总体情况"),
        ("Heading 2", "（一）宣传"),
        ("Heading 3", "1.讲座"),
        ("Heading 4", "（1）细节"),
        ("Heading 4", "（2）细节二"),
        ("Heading 3", "2.培训"),
        ("Heading 4", "（1）细节三"),       # restarts under its parent
        ("Heading 2", "（二）观摩"),
        ("Heading 3", "1.样板"),
        ("Heading 1", "二、下一步"),
        ("Heading 2", "（一）整改"),
    ]
    styles = docx_part(sample, "word/styles.xml")
    for level in range(4):
        block = re.search(rf'w:styleId="Heading{level + 1}">.*?</w:style>', styles).group(0)
        assert f'<w:outlineLvl w:val="{level}"/>' in block


def test_page_numbers_odd_right_even_left(sample):
    settings = docx_part(sample, "word/settings.xml")
    assert "<w:evenAndOddHeaders/>" in settings
    doc = docx_part(sample)
    refs = dict(re.findall(r'<w:footerReference w:type="(\w+)" r:id="(\w+)"/>', doc))
    assert set(refs) == {"default", "even"}
    rels = docx_part(sample, "word/_rels/document.xml.rels")
    target = {rid: re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels).group(1) for rid in refs.values()}
    for kind, align in (("default", "right"), ("even", "left")):
        xml = docx_part(sample, "word/" + target[refs[kind]])
        assert "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>" in xml
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert f'<w:jc w:val="{align}"/>' in xml
        assert re.search(rf'<w:ind w:{align}="280"', xml)                     # one 4号 character in
        assert '<w:sz w:val="28"/>' in xml                                      # 4号
        text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
        assert text.startswith("— ") and text.endswith(" —")


def test_footer_distance_puts_the_number_below_the_text_block(sample):
    mar = dict(re.findall(r'w:(\w+)="(\d+)"', re.search(r"<w:pgMar [^>]*/>", docx_part(sample)).group(0)))
    footer_mm = int(mar["footer"]) / TWIPS_PER_MM
    # the 4号 line (≈ 5 mm) sits between the page edge + footer distance and the 版心's bottom edge (35 mm)
    assert 20 < footer_mm < 35 - 5


def test_elements_text_and_layout(sample, campaign):
    text = docx_text(sample)
    assert "桂建质〔2022〕3号" in text
    assert "各市住房城乡建设局：" in text
    assert "附件：1.清单一" in text and "\n2.清单二" in text
    assert f"{campaign.authority}\n2022年10月2日" in text                     # no zero padding
    assert "（联系人：黎浩）" in text
    doc = Document(str(sample))
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert title.text.replace("\n", "") == "关于2022年全区房屋市政工程“质量月”活动开展情况的报告"
    body = next(p for p in doc.paragraphs if p.text == "正文第一段。")
    assert body.style.name == "Body Text"
    styles = docx_part(sample, "word/styles.xml")
    assert re.search(r'w:styleId="BodyText">.*?w:firstLineChars="200"', styles)   # indent 2 characters
    # signature placed by measure (7.3.5.2): flush left with a left indent; the date starts
    # exactly 2 characters (of the 28-a-line grid) right of the 署名, the 署名 ends 2 characters
    # from the right edge of the text block (widths: CJK 15.75 pt, Times New Roman digits 7.75 pt)
    sig = next(p for p in doc.paragraphs if p.text == campaign.authority)
    date = next(p for p in doc.paragraphs if p.text == "2022年10月2日")
    left = lambda p: int(p._p.pPr.find(qn("w:ind")).get(qn("w:left"))) / 20  # noqa: E731
    char = 442.2 / 28
    assert abs(left(date) - left(sig) - 2 * char) < 0.1
    width = len(campaign.authority) * 15.75
    assert abs(442.2 - 2 * char - (left(sig) + width)) < 0.2
    # a page break before the last paragraph
    assert 'w:type="page"' in docx_part(sample)


def test_table_fits_the_text_block(sample):
    doc = Document(str(sample))
    table = doc.tables[0]
    grid = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(grid) / TWIPS_PER_MM - 156) < 0.5                         # 200 mm asked, scaled to 156
    assert [c.text for c in table.rows[1].cells] == ["南宁市", "3"]
    assert [c.text for c in table.rows[2].cells] == ["柳州市", "2"]             # 2.0 -> 2
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None       # header repeats


def test_image_embedded_with_caption(sample):
    assert any(n.startswith("word/media/") and n.endswith(".png") for n in docx_parts(sample))
    assert "图1 示例" in docx_text(sample)


def test_slim_template_and_atomic_save(tmp_path, campaign):
    d = OfficialDocument(campaign)
    d.paragraph("x")
    out = d.save(tmp_path / "out" / "a.docx")
    assert out.exists() and out.stat().st_size < 15000
    assert sorted(p.name for p in out.parent.iterdir()) == ["a.docx"]        # no temporary file left
    props = Document(str(out)).core_properties
    assert props.author == campaign.authority


@pytest.mark.parametrize("raw, norm", [
    ("桂建质〔2022〕3号", "桂建质〔2022〕3号"),
    ("桂建质[2022]3号", "桂建质〔2022〕3号"),
    ("桂建质（2022）03号", "桂建质〔2022〕3号"),
    ("桂建质【2022】第3号", "桂建质〔2022〕3号"),
])
def test_doc_number_normalized(raw, norm):
    assert normalize_doc_number(raw) == norm


@pytest.mark.parametrize("bad", ["桂建质2022-3号", "〔2022〕3号", "桂建质〔22〕3号", "桂建质〔2022〕0号", "", "桂建质〔2022〕3"])
def test_doc_number_rejected(bad, campaign):
    with pytest.raises(ValueError, match="发文字号"):
        OfficialDocument(campaign).doc_number(bad)


def test_helpers():
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 20, 21, 99)] == ["一", "九", "十", "十一", "二十", "二十一", "九十九"]
    assert chinese_date(dt.date(2022, 1, 5)) == "2022年1月5日"
    assert split_title("关于2022年全区房屋市政工程“质量月”活动开展情况的报告") == [
        "关于2022年全区房屋市政工程", "“质量月”活动开展情况的报告"]
    assert split_title("建设工程质量整改通知书") == ["建设工程质量整改通知书"]


def test_control_characters_from_data_do_not_break_the_file(tmp_path, campaign):
    d = OfficialDocument(campaign)
    d.paragraph("含\x0b控制\x01字符")
    d.table(["a"], [["b\x0cc"]])
    p = d.save(tmp_path / "c.docx")
    assert "含控制字符" in docx_text(p)


def test_signature_shorter_than_the_date(tmp_path, campaign):
    """7.3.5.2: when the date is longer than the 署名, the date keeps 2 字 from the right and the
    署名 starts 2 字 left of it."""
    from docgen.official import text_width_pt

    d = OfficialDocument(campaign)
    d.paragraph("正文。")
    sig, date = d.signature("市局", dt.date(2022, 10, 14))
    left = lambda p: int(p._p.pPr.find(qn("w:ind")).get(qn("w:left"))) / 20  # noqa: E731
    char = 442.2 / 28
    width = text_width_pt("2022年10月14日")
    assert abs(width - (3 * 15.75 + 8 * 7.75)) < 0.01                        # 年月日 + 8 Times digits
    assert abs(left(date) + width - (442.2 - 2 * char)) < 0.2
    assert abs(left(date) - left(sig) - 2 * char) < 0.1
