"""The GB/T 9704-2012 page in one place: paper, margins, grid, fonts, numbering, page numbers.

Every document module builds on :class:`OfficialDocument`; none of them sets a margin or a
font itself. The numbers below follow /work/shared/FACTS.md §1:

- A4, 天头 37 mm, 订口 28 mm, so bottom 35 mm and right 26 mm (版心 156 × 225 mm);
- 22 lines of 28 characters: line pitch exactly 28.95 pt on a line grid, and 3号 condensed
  by 0.25 pt so that 28 characters fill a line (16 − 0.25 = 15.75 pt; 28 × 15.75 ≤ 442.2 pt)
  in any renderer, LibreOffice included (or, with ``char_grid=True``, Word's "linesAndChars"
  grid of 28 characters a line, which LibreOffice 7.4 mis-renders);
- 3号仿宋 body, 2号小标宋 title, 层次序数 一、/（一）/1./（1） in 黑体/楷体/仿宋/仿宋;
- page numbers "— 1 —" in 4号宋体 below the 版心, odd pages right and even pages left,
  each indented one character, the 一字线 about 7 mm below the 版心.

版头 (7.2: 发文机关标志 in red, the 发文字号 and the red separator line, or the same space left
blank for pre-printed letterhead paper) comes from :meth:`OfficialDocument.masthead`; the 版记
(7.4: 抄送, 印发机关 and 印发日期 between the rules) is written by :meth:`OfficialDocument.save`
as a frame anchored to the foot of the text block on the last page. 署名 and 成文日期 are placed
by measured widths (7.3.5.2), not by counting characters. ``draft=True`` prints 草稿 in the
header of every page.

Documents start from a slim template generated in memory (a few KB of styles instead of
python-docx's default template), cached per font set.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.table import Table

from addin.infra.atomic import atomic_path
from addin.infra.celltext import xml_safe
from addin.core.errors import QmValueError

# -- page geometry (GB/T 9704-2012 5.1, 5.2) ----------------------------------------------
PAGE_MM = (210.0, 297.0)
MARGINS_MM = {"top": 37.0, "left": 28.0, "bottom": 35.0, "right": 26.0}
TEXT_BLOCK_MM = (156.0, 225.0)
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH_PT = 28.95
PAGE_NUMBER_GAP_MM = 7.0          # 一字线 below the bottom edge of the 版心

# Font sizes (pt) by Chinese 字号.
SIZE_PT = {"二号": 22.0, "三号": 16.0, "四号": 14.0, "五号": 10.5, "小五": 9.0}

DEFAULT_FONTS: dict[str, str] = {
    "title": "方正小标宋简体",
    "title_fallback": "华文中宋",
    "body": "仿宋_GB2312",
    "body_fallback": "仿宋",
    "heading1": "黑体",
    "heading1_fallback": "SimHei",
    "heading2": "楷体_GB2312",
    "heading2_fallback": "楷体",
    "page_number": "宋体",
    "page_number_fallback": "SimSun",
    "latin": "Times New Roman",      # ascii/hAnsi of body text: digits and Latin letters
}

_TWIPS_PER_MM = 1440 / 25.4


def _twips(mm: float) -> int:
    return int(round(mm * _TWIPS_PER_MM))


PAGE_TWIPS = (_twips(PAGE_MM[0]), _twips(PAGE_MM[1]))                 # 11906 × 16838
MARGIN_TWIPS = {k: _twips(v) for k, v in MARGINS_MM.items()}           # 2098/1587/1984/1474
TEXT_WIDTH_TWIPS = PAGE_TWIPS[0] - MARGIN_TWIPS["left"] - MARGIN_TWIPS["right"]
LINE_PITCH_TWIPS = int(round(LINE_PITCH_PT * 20))                      # 579
CHAR_TWIPS = TEXT_WIDTH_TWIPS / CHARS_PER_LINE                         # ≈ 315.9 (15.79 pt)
# Word's docGrid charSpace: extra pitch per character over the Normal font size, in 1/4096 pt.
CHAR_SPACE = int(round((CHAR_TWIPS / 20 - SIZE_PT["三号"]) * 4096))   # ≈ -841
# Otherwise (the default): a line grid, and 3号 condensed by 0.25 pt (in 1/20 pt).
CONDENSE_TWENTIETHS = -5
# Footer distance (page bottom edge -> bottom of the footer line). Tuned with LibreOffice so
# that the 一字线 of a 4号 page number sits ~7 mm below the 版心 (see tests/test_docgen_soffice.py).
FOOTER_DISTANCE_MM = 24.5

# 版头 (GB/T 9704-2012 7.2.4, 7.2.5, 7.2.7): the 发文机关标志's top edge 35 mm below the top edge
# of the 版心; the 发文字号 two lines below it; the red separator line 4 mm below the 发文字号.
MASTHEAD_TOP_MM = 35.0
MASTHEAD_RULE_GAP_MM = 4.0
MASTHEAD_MAX_PT = 36.0            # 小初: the mark's size, smaller when the name is long
RED = "FF0000"
# 版记 (7.4): first and last rules 0.35 mm, middle rules 0.25 mm, in eighths of a point.
RULE_THICK = 8                    # 1 pt ≈ 0.35 mm
RULE_THIN = 6                     # 0.75 pt ≈ 0.26 mm
COLOPHON_PT = SIZE_PT["四号"]      # 抄送, 印发机关 and 印发日期 in 4号仿宋 (7.4.2, 7.4.3)

_NUMERALS = "零一二三四五六七八九"
_DOC_NUMBER = re.compile(r"^(?P<code>[^\s〔〕]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10))


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (1..99; beyond that Arabic)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _NUMERALS[ones]
    return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[ones] if ones else "")


def chinese_date(day: dt.date) -> str:
    """成文日期: Arabic numerals, full year, no zero padding: 2022年10月12日."""
    return f"{day.year}年{day.month}月{day.day}日"


def visual_width(text: str) -> float:
    """Width in Chinese characters: wide/full-width characters count 1, others ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


# Advance widths used to place text by measure. CJK characters are square (1 em); the
# half-width characters of body text are set in Times New Roman, whose digits are 0.5 em.
# Body text is condensed by CONDENSE_TWENTIETHS/20 pt a character (see _styles).
_LATIN_EM = {**dict.fromkeys("0123456789", 0.5), " ": 0.25, ".": 0.25, ",": 0.25, "-": 0.333, "/": 0.278,
             "(": 0.333, ")": 0.333, ":": 0.278}


def text_width_pt(text: str, size_pt: float = 16.0, condense_pt: float = 0.25) -> float:
    """Width of ``text`` in points as set in body text (East Asian autospacing switched off):
    wide characters 1 em, half-width ones by their Times New Roman advance (digits ½ em),
    each narrowed by ``condense_pt``."""
    w = 0.0
    for ch in text:
        em = 1.0 if unicodedata.east_asian_width(ch) in "WFA" and ord(ch) > 0x2000 else _LATIN_EM.get(ch, 0.5)
        w += em * size_pt - condense_pt
    return w


def clean_text(value: Any) -> str:
    """Text safe for WordprocessingML: no control characters (tab and LF kept), no lone
    surrogates or non-characters (lxml refuses them), None -> ''."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return xml_safe(str(value)).translate(_CONTROL)


def normalize_doc_number(text: str) -> str:
    """The 发文字号 in the 〔年〕N号 form, or ValueError with a Chinese message.

    Bracket look-alikes ([2022], (2022), 【2022】, ［2022］, 〔2022〕) are folded to 〔〕,
    "第" and leading zeros are dropped (GB/T 9704-2012 7.2.5).
    """
    raw = clean_text(text).strip()
    s = re.sub(r"\s+", "", raw)
    s = re.sub(r"[\[［【(（〔]\s*(\d{4})\s*[\]］】)）〕]", r"〔\1〕", s)
    s = re.sub(r"〕第", "〕", s)
    s = re.sub(r"〕0+(\d)", r"〕\1", s)
    if not _DOC_NUMBER.match(s):
        raise QmValueError(f"发文字号“{raw}”格式不正确，应为“机关代字〔年份〕序号号”，如“桂建质〔2022〕3号”")
    return s


TITLE_CHARS = 20   # 2号 characters on one line of the 版心 (442 pt / 22 pt)
_TITLE_AFTER = ("”", "》", "）", "活动", "工作", "工程", "情况", "问题", "项目", "通知", "报告", "名单", "名册")
_TITLE_BEFORE = ("的", "关于", "“", "《")


def split_title(text: str, max_width: float = TITLE_CHARS) -> list[str]:
    """Break a long title into lines of at most ``max_width`` characters at phrase boundaries,
    never inside a number or quotation, preferring balanced lines (梯形)."""
    text = text.strip()
    if visual_width(text) <= max_width:
        return [text]
    best: tuple[float, int] | None = None
    for i in range(1, len(text)):
        head, tail = text[:i], text[i:]
        if text[i - 1].isdigit() and text[i].isdigit():
            continue
        if head.count("“") != head.count("”") or head.count("《") != head.count("》"):
            continue
        good = head.endswith(_TITLE_AFTER) or tail.startswith(_TITLE_BEFORE)
        w1, w2 = visual_width(head), visual_width(tail)
        if w1 > max_width:
            break
        score = abs(w1 - w2) + (0 if good else 6)
        if best is None or score < best[0]:
            best = (score, i)
    if best is None:
        return [text]
    i = best[1]
    return [text[:i]] + split_title(text[i:], max_width)


# -- the slim template -------------------------------------------------------------------
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"


def _q(value: str) -> str:
    return quoteattr(value)


def _rfonts(east: str, latin: str, hint: str | None = None) -> str:
    h = f" w:hint={_q(hint)}" if hint else ""
    return f"<w:rFonts w:ascii={_q(latin)} w:hAnsi={_q(latin)} w:eastAsia={_q(east)} w:cs={_q(latin)}{h}/>"


def _rpr(east: str, latin: str, size_pt: float, bold: bool | None = None, spacing: int | None = None) -> str:
    """w:rPr; ``spacing`` is the character spacing in twentieths of a point (w:spacing)."""
    hp = int(round(size_pt * 2))
    b = "" if bold is None else ("<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>')
    sp = "" if spacing is None else f'<w:spacing w:val="{spacing}"/>'
    return f"<w:rPr>{_rfonts(east, latin)}{b}{sp}<w:sz w:val=\"{hp}\"/><w:szCs w:val=\"{hp}\"/></w:rPr>"


def _ind_chars(first_line: float = 0, left: float = 0, right: float = 0, hanging: float = 0) -> str:
    """w:ind in characters, written both in twips and in Word's *Chars (1/100 character) units."""
    attrs = []
    if left:
        attrs.append(f'w:left="{round(left * CHAR_TWIPS)}" w:leftChars="{round(left * 100)}"')
    if right:
        attrs.append(f'w:right="{round(right * CHAR_TWIPS)}" w:rightChars="{round(right * 100)}"')
    if hanging:
        attrs.append(f'w:hanging="{round(hanging * CHAR_TWIPS)}" w:hangingChars="{round(hanging * 100)}"')
    elif first_line:
        attrs.append(f'w:firstLine="{round(first_line * CHAR_TWIPS)}" w:firstLineChars="{round(first_line * 100)}"')
    return f"<w:ind {' '.join(attrs)}/>" if attrs else ""


def _font_table(fonts: dict[str, str]) -> str:
    pairs: dict[str, str] = {}
    for role in ("title", "body", "heading1", "heading2", "heading3", "heading4", "page_number"):
        name = fonts.get(role)
        if name and name not in pairs:
            pairs[name] = fonts.get(f"{role}_fallback", "")
    pairs.setdefault(fonts["latin"], "")
    items = []
    for name, alt in pairs.items():
        cjk = any(ord(ch) > 127 for ch in name)
        family = "swiss" if "黑" in name else "roman"
        alt_xml = f"<w:altName w:val={_q(alt)}/>" if alt and alt != name else ""
        charset = '<w:charset w:val="86"/>' if cjk else '<w:charset w:val="00"/>'
        items.append(
            f"<w:font w:name={_q(name)}>{alt_xml}{charset}<w:family w:val=\"{family}\"/>"
            f"<w:pitch w:val=\"variable\"/></w:font>"
        )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{_W}">{"".join(items)}</w:fonts>'


def _styles(fonts: dict[str, str], char_grid: bool) -> str:
    latin = fonts["latin"]
    # Without Word's character grid, 28 characters a line come from condensing 3号 by 0.25 pt
    # (16 − 0.25 = 15.75 pt; 28 × 15.75 = 441 pt ≤ the 442.2 pt 版心 width).
    condense = None if char_grid else CONDENSE_TWENTIETHS
    body, title = fonts["body"], fonts["title"]
    h = {i: fonts.get(f"heading{i}") or body for i in (1, 2, 3, 4)}
    pn = fonts["page_number"]
    exact = f'<w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH_TWIPS}" w:lineRule="exact"/>'
    single = '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'

    def pstyle(sid: str, name: str, ppr: str = "", rpr: str = "", based: str = "Normal",
               extra: str = "", next_: str = "") -> str:
        b = f'<w:basedOn w:val="{based}"/>' if based else ""
        n = f'<w:next w:val="{next_}"/>' if next_ else ""
        p = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
        custom = ' w:customStyle="1"' if extra == "custom" else ""
        return (f'<w:style w:type="paragraph"{custom} w:styleId="{sid}">'
                f'<w:name w:val="{name}"/>{b}{n}<w:qFormat/>{p}{rpr}</w:style>')

    styles = [
        # Normal: 3号仿宋, exact 28.95 pt, justified
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:pPr><w:widowControl w:val="0"/>{exact}<w:jc w:val="both"/></w:pPr>'
        f'{_rpr(body, latin, 16, spacing=condense)}</w:style>',
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
        '<w:uiPriority w:val="59"/><w:tblPr><w:tblBorders>'
        + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                  for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders></w:tblPr></w:style>",
        pstyle("BodyText", "Body Text", _ind_chars(first_line=2)),
        pstyle("Title", "Title", '<w:snapToGrid w:val="0"/><w:jc w:val="center"/>',
               _rpr(title, title, 22, bold=False, spacing=0), next_="Normal"),
        pstyle("DocNumber", "Doc Number", '<w:jc w:val="center"/>', extra="custom"),
        pstyle("Recipient", "Recipient", "", extra="custom"),
        pstyle("Heading1", "heading 1", f'<w:keepNext/>{_ind_chars(first_line=2)}<w:outlineLvl w:val="0"/>',
               _rpr(h[1], latin, 16, bold=False), next_="BodyText"),
        pstyle("Heading2", "heading 2", f'<w:keepNext/>{_ind_chars(first_line=2)}<w:outlineLvl w:val="1"/>',
               _rpr(h[2], latin, 16, bold=False), next_="BodyText"),
        pstyle("Heading3", "heading 3", f'<w:keepNext/>{_ind_chars(first_line=2)}<w:outlineLvl w:val="2"/>',
               _rpr(h[3], latin, 16, bold=False), next_="BodyText"),
        pstyle("Heading4", "heading 4", f'<w:keepNext/>{_ind_chars(first_line=2)}<w:outlineLvl w:val="3"/>',
               _rpr(h[4], latin, 16, bold=False), next_="BodyText"),
        pstyle("Attachment", "Attachment", "", extra="custom"),
        pstyle("AttachmentLabel", "Attachment Label", "", _rpr(h[1], latin, 16), extra="custom"),
        pstyle("Signature", "Signature", '<w:jc w:val="right"/>'),
        pstyle("Date", "Date", '<w:jc w:val="right"/>'),
        pstyle("Note", "Note", f'{_ind_chars(first_line=2)}<w:jc w:val="left"/>', extra="custom"),
        pstyle("CopyTo", "Copy To", f'{_ind_chars(left=1, right=1, hanging=3)}', _rpr(body, latin, 14, spacing=0), extra="custom"),
        pstyle("Picture", "Picture", f'<w:keepNext/>{single}<w:jc w:val="center"/>', extra="custom"),
        pstyle("Caption", "caption", '<w:jc w:val="center"/>', _rpr(body, latin, 14, spacing=0)),
        pstyle("TableText", "Table Text", f"{single}<w:jc w:val=\"center\"/>", _rpr(body, latin, 10.5, spacing=0), extra="custom"),
        pstyle("Header", "header", single, _rpr(pn, pn, 14, spacing=0)),
        pstyle("Footer", "footer", single, _rpr(pn, pn, 14, spacing=0)),
    ]
    defaults = (
        f"<w:docDefaults><w:rPrDefault><w:rPr>{_rfonts(body, latin)}<w:kern w:val=\"2\"/>"
        '<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        f"{exact}</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{_W}">'
            f'{defaults}{"".join(styles)}</w:styles>')


def _document_xml(char_grid: bool) -> str:
    m = MARGIN_TWIPS
    if char_grid:
        grid = f'<w:docGrid w:type="linesAndChars" w:linePitch="{LINE_PITCH_TWIPS}" w:charSpace="{CHAR_SPACE}"/>'
    else:
        grid = f'<w:docGrid w:type="lines" w:linePitch="{LINE_PITCH_TWIPS}"/>'
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{_W}" xmlns:r="{_R}">'
        "<w:body><w:sectPr>"
        f'<w:pgSz w:w="{PAGE_TWIPS[0]}" w:h="{PAGE_TWIPS[1]}"/>'
        f'<w:pgMar w:top="{m["top"]}" w:right="{m["right"]}" w:bottom="{m["bottom"]}" w:left="{m["left"]}"'
        f' w:header="851" w:footer="{_twips(FOOTER_DISTANCE_MM)}" w:gutter="0"/>'
        '<w:cols w:space="425"/>'
        f"{grid}</w:sectPr></w:body></w:document>"
    )


_SETTINGS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings xmlns:w="{_W}">'
    '<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>'
    '<w:characterSpacingControl w:val="compressPunctuation"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
    '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>'
)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_R}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_DOC_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_R}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>'
    "</Relationships>"
)


@functools.lru_cache(maxsize=8)
def _template_bytes(font_items: tuple[tuple[str, str], ...], char_grid: bool = False) -> bytes:
    fonts = dict(font_items)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("word/document.xml", _document_xml(char_grid))
        z.writestr("word/_rels/document.xml.rels", _DOC_RELS)
        z.writestr("word/styles.xml", _styles(fonts, char_grid))
        z.writestr("word/settings.xml", _SETTINGS)
        z.writestr("word/fontTable.xml", _font_table(fonts))
    return buf.getvalue()


def resolve_fonts(campaign: Any = None, fonts: dict | None = None) -> dict[str, str]:
    """DEFAULT_FONTS, overridden by the campaign's [fonts], overridden by ``fonts``."""
    out = dict(DEFAULT_FONTS)
    for src in (getattr(campaign, "fonts", None) or {}, fonts or {}):
        out.update({k: str(v) for k, v in src.items() if v})
    return out


def _fmt_cell(value: Any) -> str:
    """Table cell text: integral floats without '.0', dates as YYYY-MM-DD, NaN/None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):   # numpy scalars
        try:
            return _fmt_cell(value.item())
        except (ValueError, AttributeError):
            pass
    return clean_text(value)


_BREAK_AFTER = re.compile(r"(?<=\d)([、，；])(?=[-+]?\d)")


def _breakable(text: str) -> str:
    """Add a zero-width space after 、，； between two numbers: LibreOffice otherwise breaks
    '385、402、398' inside a number in narrow cells (Word and WPS ignore the character)."""
    return _BREAK_AFTER.sub("\\1\u200b", text)


def _fit_numbers(widths: list[float], body: list[list[str]], font_size_pt: float) -> list[float]:
    """Widen a column whose numbers would not fit on one line (7.3.3: a number never breaks
    across lines), taking the room from the column with the most to spare. "Numbers" are
    figures and amounts, and the other short tokens a renderer would split at any character:
    masked phone numbers (138****5678), complaint and notice numbers (南ZLTS2022010005)."""
    widths = list(widths)
    char_mm = font_size_pt * 25.4 / 72
    pad = 2.6                                   # cell margins (1 mm each side) and a little slack
    need = []
    for i in range(len(widths)):
        nums = [r[i] for r in body[:2000] if i < len(r) and (_looks_numeric(r[i]) or _token(r[i]))]
        need.append(max([_est_width(t) * char_mm + pad for t in nums] + [0.0]))
    for i, n in enumerate(need):
        if n > widths[i]:
            spare = [(widths[j] - max(need[j], 8.0), j) for j in range(len(widths)) if j != i]
            room, j = max(spare, default=(0.0, -1))
            take = min(n - widths[i], max(room, 0.0))
            if j >= 0 and take > 0:
                widths[i] += take
                widths[j] -= take
    return widths


def _est_width(text: str) -> float:
    """Width in ems of ``text`` in a table cell (Times New Roman capitals are about 0.72 em)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.72 if c.isupper() else 0.5 for c in text)


def _token(text: str) -> bool:
    """A short code without spaces or list punctuation that should stay on one line."""
    return (bool(text) and visual_width(text) <= 12 and not re.search(r"[\s、，；,;（）()]", text)
            and bool(re.search(r"\d", text)) and sum(unicodedata.east_asian_width(c) in "WF" for c in text) <= 2)


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d,.]+%?|[-+]?\d+(\.\d+)?[元个件份项场人栋]?", text))


class _Masthead:
    """Part of OfficialDocument: 版头 (7.2) and the lines above the 正文: 发文机关标志, 发文字号 and red line, 标题, 主送机关."""

    def masthead(self, authority: str, doc_number: str | None = None, *, letterhead: bool = False,
                 printed: dt.date | None = None, copy_to: Iterable[str] = (), mark: str | None = None):
        """版头 (7.2) at the top of page 1, and the 版记 (7.4) that save() puts at the foot of the last page.

        The 发文机关标志 (``mark``, default ``authority``) in red 小标宋, centred, its top edge
        35 mm below the 版心's top edge; the 发文字号 two lines below it, centred; the red
        separator line 4 mm below the 发文字号, as wide as the 版心. ``letterhead=True`` leaves
        the mark and the line out (the same space stays blank) for pre-printed paper.
        The 版记 gets ``copy_to`` as 抄送, ``authority`` as 印发机关 and ``printed`` as 印发日期
        (the 印发 line only with a date). One call does both, e.g. in a report builder::

            doc.masthead(authority, doc_number, letterhead=letterhead, printed=date, copy_to=cc)
        """
        authority = clean_text(authority).strip()
        mark_text = clean_text(mark if mark is not None else authority).strip()
        number = normalize_doc_number(doc_number) if doc_number else ""
        size = min(MASTHEAD_MAX_PT, math.floor(TEXT_WIDTH_TWIPS / 20 / max(visual_width(mark_text), 1) * 2) / 2)
        height = size * 1.25
        # the glyphs of an exactly spaced line sit centred in it (LibreOffice, Word): the em box
        # top is (height - size) / 2 below the line top
        # (+3.1 pt: LibreOffice sets the em box of 小标宋/华文中宋 that much lower; measured)
        before = MASTHEAD_TOP_MM * 72 / 25.4 - (height - size) / 2 + 3.1
        red = f'<w:color w:val="{RED}"/>'
        rpr = (f"<w:rPr>{_rfonts(self.fonts['title'], self.fonts['title'])}{red if not letterhead else ''}"
               f'<w:spacing w:val="0"/><w:w w:val="100"/><w:sz w:val="{int(size * 2)}"/><w:szCs w:val="{int(size * 2)}"/></w:rPr>')
        run = "" if letterhead else f'<w:r>{rpr}<w:t xml:space="preserve">{escape(mark_text)}</w:t></w:r>'
        ns = nsdecls("w")
        self._append(parse_xml(
            f'<w:p {ns}><w:pPr><w:keepNext/><w:snapToGrid w:val="0"/>'
            f'<w:spacing w:before="{round(before * 20)}" w:after="0" w:line="{round(height * 20)}" w:lineRule="exact"/>'
            f'<w:jc w:val="center"/>{rpr}</w:pPr>{run}</w:p>'))
        # 发文字号 two lines (2 × 28.95 pt) below the mark; the red rule 4 mm below its glyphs.
        # The rule is the paragraph's bottom border; w:space is the gap from the line's bottom
        # (glyphs centred in the exact line: their bottom is (pitch - 16) / 2 above it).
        # (−1.6 pt: the rule's own offset below the paragraph in LibreOffice; measured)
        gap_pt = MASTHEAD_RULE_GAP_MM * 72 / 25.4 - (LINE_PITCH_PT - 16) / 2 - 1.6
        border = ("" if letterhead else
                  f'<w:pBdr><w:bottom w:val="single" w:sz="{RULE_THICK}" w:space="{max(0, round(gap_pt))}" w:color="{RED}"/></w:pBdr>')
        p = self._para(number, "DocNumber")
        ppr = p._p.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:spacing {ns} w:before="{round(2 * LINE_PITCH_PT * 20)}" w:after="0" '
                             f'w:line="{LINE_PITCH_TWIPS}" w:lineRule="exact"/>'))
        if border:
            ppr.append(parse_xml(border.replace("<w:pBdr>", f"<w:pBdr {ns}>")))
        _sort_ppr(ppr)
        self.blank_line()
        self._printer = authority
        self._printed = (printed.date() if isinstance(printed, dt.datetime) else printed) if printed else None
        self.copy_to(copy_to)
        self._last = "doc_number"
        return p

    def doc_number(self, text: str):
        """发文字号, centred (e.g. 桂建质〔2022〕3号)."""
        p = self._para(normalize_doc_number(text), "DocNumber")
        self._last = "doc_number"
        return p

    def title(self, text: str):
        """标题: 2号小标宋, centred. A title too long for one line is broken at a phrase boundary
        (回行时要做到词意完整); '\\n' in ``text`` sets the breaks explicitly."""
        if self._last == "doc_number":
            self.blank_line()
        raw = clean_text(text).strip()
        lines = [t.strip() for t in raw.split("\n") if t.strip()] if "\n" in raw else split_title(raw)
        p = self._para("", "Title")
        for i, line in enumerate(lines):
            run = p.add_run(line)
            if i < len(lines) - 1:
                run.add_break()
        self._title_text = self._title_text or "".join(lines)
        self.blank_line()
        self._last = "title"
        return p

    def recipient(self, text: str):
        """主送机关, flush left, ending with a full-width colon."""
        t = clean_text(text).strip().rstrip(":：")
        p = self._para(t + "：", "Recipient")
        self._last = "recipient"
        return p


class _BodyText:
    """Part of OfficialDocument: 正文 (7.3): headings with their 层次序数, paragraphs, 附件说明, 署名 and 成文日期, 附注, attachment pages."""

    def heading1(self, text: str):
        return self._heading(1, text)

    def heading2(self, text: str):
        return self._heading(2, text)

    def heading3(self, text: str):
        return self._heading(3, text)

    def heading4(self, text: str):
        return self._heading(4, text)

    def paragraph(self, text: str, indent: bool = True):
        """正文段落: 3号仿宋, first line indented 2 characters (indent=False: flush left)."""
        p = self._para(clean_text(text), "BodyText" if indent else "Normal")
        self._last = "paragraph"
        return p

    def blank_line(self):
        p = self.document.add_paragraph()
        self._last = "blank"
        return p

    def attachments(self, names: list[str]):
        """附件说明: one blank line below the text, indented 2 characters; several are numbered 1. 2. …

        Wrapped lines align with the first character of the attachment name (7.3.4).
        """
        names = [clean_text(n).strip().rstrip("。.；;，,") for n in names if clean_text(n).strip()]
        if not names:
            return []
        self.blank_line()
        out = []
        label = 3.0   # "附件：" is three characters
        if len(names) == 1:
            p = self._para("附件：" + names[0], "Attachment")
            self._set_ind(p, left=2 + label, hanging=label)
            out.append(p)
        else:
            for i, name in enumerate(names, 1):
                num = f"{i}."
                numw = visual_width(num) * 0.75   # half-width digits in Times New Roman are narrower than ½ char
                prefix = ("附件：" if i == 1 else "") + num
                p = self._para(prefix + name, "Attachment")
                if i == 1:
                    self._set_ind(p, left=2 + label + numw, hanging=label + numw)
                else:
                    self._set_ind(p, left=2 + label + numw, hanging=numw)
                out.append(p)
        self._last = "attachments"
        return out

    def signature(self, authority: str, date: dt.date):
        """署名 and 成文日期 without a seal (7.3.5.2), placed by measure: the 署名 one blank line
        below the text, 2 characters from the right; the date on the next line, its first
        character 2 characters right of the 署名's first character. When the date is the longer,
        the date keeps 2 characters from the right and the 署名 moves left so that it still
        starts 2 characters left of the date. Both lines are flush left with a left indent
        computed from the measured widths (half-width digits included; East Asian autospacing
        off), so the renderer's own measuring cannot shift them. The block is kept with the
        text above it (never alone on a page)."""
        authority = clean_text(authority).strip()
        day = date.date() if isinstance(date, dt.datetime) else date
        date_text = chinese_date(day)
        char = CHAR_TWIPS / 20                                   # 1 字 of 3号 on the 28-a-line grid
        width = TEXT_WIDTH_TWIPS / 20
        wa, wd = text_width_pt(authority), text_width_pt(date_text)
        start_a = width - 2 * char - wa                          # 右空二字
        start_d = start_a + 2 * char                             # 首字比署名首字右移二字
        if start_d + wd > width - 2 * char:                      # date longer: it keeps 右空二字
            start_d = width - 2 * char - wd
            start_a = start_d - 2 * char
        start_a = max(0.0, start_a)
        start_d = max(0.0, start_d)
        self._keep_previous_with_next()
        blank = self.blank_line()
        _keep(blank, next_=True)
        pa = self._para(authority, "Signature")
        pd = self._para(date_text, "Date")
        for p, start in ((pa, start_a), (pd, start_d)):
            ppr = p._p.get_or_add_pPr()
            ppr.append(parse_xml(f'<w:autoSpaceDE {nsdecls("w")} w:val="0"/>'))
            ppr.append(parse_xml(f'<w:autoSpaceDN {nsdecls("w")} w:val="0"/>'))
            ppr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="left"/>'))
            ppr.append(parse_xml(f'<w:ind {nsdecls("w")} w:left="{round(start * 20)}" w:right="0" w:firstLine="0"/>'))
            _sort_ppr(ppr)
        _keep(pa, next_=True)
        self._last = "signature"
        return pa, pd

    def note(self, text: str):
        """附注 in parentheses, indented 2 characters, below the 成文日期 (7.3.6)."""
        t = clean_text(text).strip()
        if not (t.startswith("（") and t.endswith("）")):
            t = f"（{t.strip('()（）')}）"
        p = self._para(t, "Note")
        self._last = "note"
        return p

    def copy_to(self, names: Iterable[str]):
        """抄送 (7.4.2): the agencies go into the 版记 that save() writes at the foot of the last
        page: "抄送：" then the agencies separated by "，", ending with "。", in 4号仿宋, one
        character in from both edges, wrapped lines aligned after the colon."""
        for n in names or ():
            t = clean_text(n).strip()
            if t and t not in self._copy_to:
                self._copy_to.append(t)
        return list(self._copy_to)

    def attachment_page(self, label: str, title: str | None = None):
        """Start an attachment: new page, "附件1" in 黑体 flush left on line 1, its title centred on line 3."""
        self.page_break()
        p = self._para(clean_text(label), "AttachmentLabel")
        if title:
            self.blank_line()
            self._para(clean_text(title), "Title")
            self.blank_line()
        self._counters = [0, 0, 0, 0]
        self._last = "attachment_page"
        return p

    def page_break(self):
        p = self.document.add_paragraph()
        p.add_run().add_break(WD_BREAK.PAGE)
        self._last = "page_break"
        return p

    def _para(self, text: str, style: str):
        """A paragraph with style id ``style`` (set directly: no lookup by name)."""
        p = self.document.add_paragraph()
        if style != "Normal":
            p._p.style = style
        if text:
            p.add_run(text)
        return p

    def _keep_previous_with_next(self) -> None:
        """keep-with-next on the last paragraph before this point (every paragraph of a
        table's last row when the body ends with a table), so what follows is never alone."""
        last = self._body[-1] if len(self._body) else None
        while last is not None and last.tag == qn("w:sectPr"):
            last = last.getprevious()
        if last is None:
            return
        if last.tag == qn("w:tbl"):
            rows = last.findall(qn("w:tr"))
            for tr in rows[-2:]:
                for p in tr.iter(qn("w:p")):
                    _keep_p(p, next_=True)
        elif last.tag == qn("w:p"):
            _keep_p(last, next_=True)

    def _heading(self, level: int, text: str):
        i = level - 1
        self._counters[i] += 1
        for j in range(i + 1, 4):
            self._counters[j] = 0
        n = self._counters[i]
        prefix = (f"{chinese_numeral(n)}、", f"（{chinese_numeral(n)}）", f"{n}.", f"（{n}）")[i]
        p = self._para(prefix + clean_text(text).strip(), f"Heading{level}")
        self._last = f"heading{level}"
        return p

    @staticmethod
    def _set_ind(p, left: float = 0, right: float = 0, hanging: float = 0, first_line: float = 0):
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        for name, chars in (("left", left), ("right", right), ("hanging", hanging), ("firstLine", first_line)):
            if chars:
                ind.set(qn(f"w:{name}"), str(round(chars * CHAR_TWIPS)))
                ind.set(qn(f"w:{name}Chars"), str(round(chars * 100)))


class _TablesAndImages:
    """Part of OfficialDocument: Tables (as wide as the 版心 at most, header row repeated, numbers never broken) and pictures."""

    def table(self, headers: list[str], rows: list[list], widths_mm: list[float] | None = None,
              font_size_pt: float = 10.5, *, total_row: bool = False, header_font: str | None = None,
              header: bool = True, row_height_mm: float | None = None, align: Sequence[str] | None = None) -> Table:
        """A bordered table, as wide as the 版心 at most; the header row repeats on every page.

        ``widths_mm`` is scaled down to 156 mm if wider; without it the widths follow the content.
        ``total_row`` sets the last row in the heading font (合计). ``header=False`` writes the
        first row as data (key/value forms); ``row_height_mm`` sets a minimum row height (forms
        to be signed); ``align`` per column: "center", "left" or "" (automatic).
        """
        headers = [_fmt_cell(h) for h in headers]
        body = [[_fmt_cell(v) for v in r] + [""] * (len(headers) - len(r)) for r in rows]
        n = len(headers)
        widths = _fit_numbers(self._column_widths(headers, body, widths_mm, font_size_pt), body, font_size_pt)
        tw = [max(1, _twips(w)) for w in widths]
        hfont = header_font or self.fonts.get("heading1") or self.fonts["body"]
        hp = int(round(font_size_pt * 2))
        char_mm = font_size_pt * 25.4 / 72
        cell_mar = 57  # 1 mm left/right padding

        def cell(text: str, width: int, bold_font: str | None, center: bool) -> str:
            jc = "" if center else '<w:jc w:val="left"/>'
            rfonts = _rfonts(bold_font, self.fonts["latin"]) if bold_font else ""
            rpr = f'<w:rPr>{rfonts}<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/></w:rPr>'
            runs = []
            for i, line in enumerate(_breakable(text).split("\n")):
                br = "<w:br/>" if i else ""
                runs.append(f'<w:r>{rpr}{br}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>')
            return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                    f'<w:p><w:pPr><w:pStyle w:val="TableText"/>{jc}</w:pPr>{"".join(runs)}</w:p></w:tc>')

        parts = [
            f"<w:tbl {nsdecls('w')}><w:tblPr><w:tblStyle w:val=\"TableGrid\"/>"
            f'<w:tblW w:w="{sum(tw)}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>'
            + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                      for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
            + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar>'
            f'<w:top w:w="28" w:type="dxa"/><w:left w:w="{cell_mar}" w:type="dxa"/>'
            f'<w:bottom w:w="28" w:type="dxa"/><w:right w:w="{cell_mar}" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            "</w:tblPr><w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in tw) + "</w:tblGrid>"
        ]
        height = f'<w:trHeight w:val="{_twips(row_height_mm)}" w:hRule="atLeast"/>' if row_height_mm else ""
        if header:
            parts.append(f"<w:tr><w:trPr><w:cantSplit/>{height}<w:tblHeader/></w:trPr>"
                         + "".join(cell(h, tw[i], hfont, True) for i, h in enumerate(headers)) + "</w:tr>")
        else:
            body = [headers] + body
        for k, r in enumerate(body):
            is_total = total_row and k == len(body) - 1
            cells = []
            for i in range(n):
                text = r[i]
                how = (align[i] if align and i < len(align) else "") or ""
                if how:
                    center = how == "center"
                else:
                    center = visual_width(text) * char_mm <= widths[i] - 2.2 or _looks_numeric(text)
                cells.append(cell(text, tw[i], hfont if is_total else None, center))
            parts.append(f"<w:tr><w:trPr><w:cantSplit/>{height}</w:trPr>" + "".join(cells) + "</w:tr>")
        parts.append("</w:tbl>")
        tbl = parse_xml("".join(parts))
        self._body._insert_tbl(tbl)
        self._last = "table"
        return Table(tbl, self.document._body)

    def image(self, path, width_mm: float = 150, caption: str | None = None):
        """A picture centred on its own line (at most the 版心 width and 200 mm high), with an optional caption."""
        p = self._para("", "Picture")
        shape = p.add_run().add_picture(str(path), width=Mm(min(float(width_mm), TEXT_BLOCK_MM[0])))
        max_h = Mm(200)
        if shape.height > max_h:
            ratio = max_h / shape.height
            shape.height = max_h
            shape.width = int(shape.width * ratio)
        if caption:
            self._para(clean_text(caption), "Caption")
        self._last = "image"
        return p

    def images(self, paths: Sequence, width_mm: float = 74, captions: Sequence[str] | None = None,
               per_row: int = 2):
        """Several pictures side by side in a borderless table (for 曝光 photo sets)."""
        paths = list(paths)
        if not paths:
            return None
        per_row = max(1, min(per_row, len(paths)))
        col_mm = TEXT_BLOCK_MM[0] / per_row
        width_mm = min(width_mm, col_mm - 2)
        nrows = math.ceil(len(paths) / per_row)
        table = self.document.add_table(rows=nrows, cols=per_row)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r in range(nrows):
            cells = table.rows[r].cells
            for c in range(per_row):
                k = r * per_row + c
                cell = cells[c]
                cell.width = Mm(col_mm)
                p = cell.paragraphs[0]
                p._p.style = "Picture"
                if k >= len(paths):
                    continue
                shape = p.add_run().add_picture(str(paths[k]), width=Mm(width_mm))
                if shape.height > Mm(100):
                    ratio = Mm(100) / shape.height
                    shape.height = Mm(100)
                    shape.width = int(shape.width * ratio)
                if captions and k < len(captions) and captions[k]:
                    cp = cell.add_paragraph(clean_text(captions[k]))
                    cp._p.style = "Caption"
        self._last = "images"
        return table

    @staticmethod
    def _column_widths(headers: list[str], body: list[list[str]], widths_mm, font_size_pt: float) -> list[float]:
        n = len(headers)
        total = TEXT_BLOCK_MM[0]
        if widths_mm:
            w = [float(x) for x in list(widths_mm)[:n]] + [total / n] * max(0, n - len(widths_mm))
            s = sum(w)
            return [x * total / s for x in w] if s > total else w
        char_mm = font_size_pt * 25.4 / 72
        natural = []
        for i, h in enumerate(headers):
            longest = max([visual_width(r[i]) for r in body[:500]] + [0])
            head = min(visual_width(h), 4.0)
            natural.append(min(max(longest, head, 1.0) * char_mm + 2.5, 60.0))
        s = sum(natural)
        return [x * total / s for x in natural]


class _Colophon:
    """Part of OfficialDocument: 版记 (7.4): 抄送, 印发机关 and 印发日期 between the rules, at the foot of the last page."""

    def colophon(self) -> None:
        """Write the 版记 here instead of at the end (a notice followed by a detachable receipt
        page: the 版记 belongs to the foot of the notice's last page). save() then adds none."""
        self._colophon()

    def _colophon(self) -> None:
        """版记 (7.4) as a frame anchored to the foot of the text block on the last page:
        a thick rule, 抄送 (if any), a thin rule, 印发机关 (1 字 from the left) and
        "YYYY年M月D日印发" (1 字 from the right), a thick rule on the 版心's bottom edge."""
        if getattr(self, "_colophon_done", False):
            return
        printed = self._printed
        has_print = bool(self._printer and printed)
        if not self._copy_to and not has_print:
            return
        self._colophon_done = True
        ns = nsdecls("w")
        one = COLOPHON_PT                                        # 1 字 of 4号, in pt
        width_tw = TEXT_WIDTH_TWIPS
        pitch_tw = LINE_PITCH_TWIPS
        block_h_tw = PAGE_TWIPS[1] - MARGIN_TWIPS["top"] - MARGIN_TWIPS["bottom"]
        pad_tw = 60                                              # room for the rules (3 pt)
        body_font, latin = self.fonts["body"], self.fonts["latin"]
        rpr = f'<w:rPr>{_rfonts(body_font, latin)}<w:spacing w:val="0"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
        spacing = f'<w:spacing w:before="0" w:after="0" w:line="{pitch_tw}" w:lineRule="exact"/>'

        def bdr(**sides: int) -> str:
            return "<w:pBdr>" + "".join(
                f'<w:{side} w:val="single" w:sz="{sz}" w:space="0" w:color="000000"/>'
                for side, sz in sides.items()) + "</w:pBdr>"

        def frame(height_tw: int, y_tw: int | None) -> str:
            # each part its own frame of exact height (LibreOffice does not keep consecutive
            # framed paragraphs with different borders in one frame); the last one sits on
            # the bottom edge of the 版心, the one above it is placed right over it
            pos = 'w:yAlign="bottom"' if y_tw is None else f'w:y="{y_tw}"'
            return (f'<w:framePr w:w="{width_tw}" w:h="{height_tw}" w:hRule="exact" w:wrap="around" '
                    f'w:vAnchor="margin" w:hAnchor="margin" w:xAlign="center" {pos}/>')

        paras = []
        h_print = pitch_tw + pad_tw if has_print else 0
        if self._copy_to:
            label = "抄送："
            hang = text_width_pt(label, one, 0)
            text = label + "，".join(self._copy_to) + "。"
            room = width_tw / 20 - 2 * one - hang                # a line after the label
            lines = max(1, math.ceil((text_width_pt(text, one, 0) - hang) / (room - one * 0.5)))
            h_cc = lines * pitch_tw + pad_tw
            sides = {"top": RULE_THICK, "bottom": RULE_THIN if has_print else RULE_THICK}
            y = None if not has_print else block_h_tw - h_print - h_cc
            paras.append(
                f'<w:p {ns}><w:pPr><w:pStyle w:val="CopyTo"/>{frame(h_cc, y)}{bdr(**sides)}<w:snapToGrid w:val="0"/>'
                f'{spacing}<w:ind w:left="{round((one + hang) * 20)}" w:right="{round(one * 20)}" w:hanging="{round(hang * 20)}"/>'
                f'<w:jc w:val="left"/>{rpr}</w:pPr><w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')
            # a plain empty paragraph between the two frames keeps them apart
            paras.append(f'<w:p {ns}><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
                         f'<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>' if has_print else "")
        if has_print:
            tab = round(width_tw - one * 20)
            sides = {"bottom": RULE_THICK} if self._copy_to else {"top": RULE_THICK, "bottom": RULE_THICK}
            paras.append(
                f'<w:p {ns}><w:pPr><w:pStyle w:val="CopyTo"/>{frame(h_print, None)}{bdr(**sides)}'
                f'<w:tabs><w:tab w:val="right" w:pos="{tab}"/></w:tabs><w:snapToGrid w:val="0"/>{spacing}'
                f'<w:ind w:left="{round(one * 20)}" w:right="0" w:hanging="0"/><w:jc w:val="left"/>{rpr}</w:pPr>'
                f'<w:r>{rpr}<w:t xml:space="preserve">{escape(self._printer)}</w:t></w:r><w:r>{rpr}<w:tab/></w:r>'
                f'<w:r>{rpr}<w:t xml:space="preserve">{escape(chinese_date(printed))}印发</w:t></w:r></w:p>')
        paras = [x for x in paras if x]
        for x in paras:
            el = parse_xml(x)
            _sort_ppr(el.find(qn("w:pPr")))
            self._append(el)


class OfficialDocument(_Masthead, _BodyText, _TablesAndImages, _Colophon):
    """A GB/T 9704-2012 document. Call the element methods in reading order, then save()."""

    def __init__(self, campaign: Any, fonts: dict | None = None, *, char_grid: bool = False,
                 draft: bool = False):
        """``fonts`` overrides the campaign's [fonts] (keys as in DEFAULT_FONTS).

        ``char_grid=True`` writes Word's "lines and characters" grid (28 characters a line by
        grid pitch) instead of the default line grid plus 0.25 pt condensing. Both should give
        28 characters a line in Word and WPS (not verified here: no Word/WPS on the build
        machine); LibreOffice 7.4 puts every 3号 character of a character grid into two cells
        (14 a line), hence the default, which LibreOffice lays out at 28 (tested).
        """
        self.campaign = campaign
        self.fonts = resolve_fonts(campaign, fonts)
        self.char_grid = bool(char_grid)
        self.document = Document(io.BytesIO(_template_bytes(tuple(sorted(self.fonts.items())), self.char_grid)))
        self._body = self.document.element.body
        self._counters = [0, 0, 0, 0]
        self._last = ""            # kind of the last element added
        self._title_text = ""
        self._copy_to: list[str] = []
        self._printer = ""                     # 印发机关 of the 版记 ("" = no 印发 line)
        self._printed: dt.date | None = None   # 印发日期
        self.draft = bool(draft)
        self._page_numbers()
        if self.draft:
            self._draft_headers()

    def save(self, path) -> Path:
        """Write atomically (temporary file + rename); return the path."""
        path = Path(path)
        self._colophon()
        props = self.document.core_properties
        props.title = self._title_text[:255]
        props.author = getattr(self.campaign, "authority", "") or ""
        props.last_modified_by = props.author
        props.comments = "由质量月助手生成"
        props.language = "zh-CN"
        with atomic_path(path) as tmp:
            self.document.save(str(tmp))
        return path

    def _append(self, el) -> None:
        sect = self._body.find(qn("w:sectPr"))
        if sect is not None:
            sect.addprevious(el)
        else:
            self._body.append(el)

    def _draft_headers(self) -> None:
        """草稿 in red at the top right of every page (odd and even headers)."""
        sec = self.document.sections[0]
        for header in (sec.header, sec.even_page_header):
            header.is_linked_to_previous = False
            p = header.paragraphs[0]
            p._p.style = "Header"
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            rpr = (f'<w:rPr>{_rfonts(self.fonts["heading1"], self.fonts["heading1"])}<w:color w:val="{RED}"/>'
                   '<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>')
            p._p.append(parse_xml(f'<w:r {nsdecls("w")}>{rpr}<w:t>草稿</w:t></w:r>'))

    def _page_numbers(self):
        """Odd pages: right, indented 1 character; even pages: left, indented 1 character."""
        self.document.settings.odd_and_even_pages_header_footer = True
        sec = self.document.sections[0]
        for footer, align in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT), (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p._p.style = "Footer"
            p.alignment = align
            side = "right" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left"
            ind = p._p.get_or_add_pPr().get_or_add_ind()
            ind.set(qn(f"w:{side}"), str(int(SIZE_PT["四号"] * 20)))
            ind.set(qn(f"w:{side}Chars"), "100")
            for r in _page_number_runs(self.fonts["page_number"]):
                p._p.append(r)


def _page_number_runs(font: str) -> list:
    """'— ' PAGE ' —' as w:r elements (4号, the 一字线 in the East Asian font)."""
    rpr = f'<w:rPr>{_rfonts(font, font, hint="eastAsia")}<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
    ns = nsdecls("w")
    return [parse_xml(f"<w:r {ns}>{rpr}{inner}</w:r>") for inner in (
        '<w:t xml:space="preserve">— </w:t>',
        '<w:fldChar w:fldCharType="begin"/>',
        '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>1</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
        '<w:t xml:space="preserve"> —</w:t>',
    )]


# Schema order of w:pPr children (CT_PPrBase + rPr/sectPr/pPrChange): Word refuses a file whose
# pPr children are out of order, so elements appended later are moved into place.
_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
              "rPr", "sectPr", "pPrChange"]


def _sort_ppr(ppr) -> None:
    """Put ``ppr``'s children in schema order; of repeated elements the last one wins."""
    rank = {qn(f"w:{n}"): i for i, n in enumerate(_PPR_ORDER)}
    seen: dict[str, Any] = {}
    for child in list(ppr):
        if child.tag in seen:
            ppr.remove(seen[child.tag])
        seen[child.tag] = child
    children = sorted(list(ppr), key=lambda e: rank.get(e.tag, len(rank)))
    for child in children:
        ppr.remove(child)
    for child in children:
        ppr.append(child)


def _keep_p(p, next_: bool = False) -> None:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = parse_xml(f'<w:pPr {nsdecls("w")}/>')
        p.insert(0, ppr)
    if next_:
        ppr.append(parse_xml(f'<w:keepNext {nsdecls("w")}/>'))
    ppr.append(parse_xml(f'<w:keepLines {nsdecls("w")}/>'))
    _sort_ppr(ppr)


def _keep(paragraph, next_: bool = False) -> None:
    _keep_p(paragraph._p, next_=next_)
