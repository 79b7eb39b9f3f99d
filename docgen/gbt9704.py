"""GB/T 9704-2012 in numbers and the slim template every document starts from.

The page (5.1, 5.2: paper, margins, the 22 × 28 grid), the 字号, the 版头 and 版记 measures (7.2,
7.4), text measures (widths, numerals, 发文字号, title breaks) and the WordprocessingML helpers the
parts of :class:`docgen.official.OfficialDocument` share. Split out of official.py (issue 14);
official.py re-exports the public names, so ``from docgen.official import …`` keeps working.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import unicodedata
import zipfile
from typing import Any
from xml.sax.saxutils import quoteattr

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

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


def twips(mm: float) -> int:
    return int(round(mm * _TWIPS_PER_MM))


PAGE_TWIPS = (twips(PAGE_MM[0]), twips(PAGE_MM[1]))                 # 11906 × 16838
MARGIN_TWIPS = {k: twips(v) for k, v in MARGINS_MM.items()}           # 2098/1587/1984/1474
TEXT_WIDTH_TWIPS = PAGE_TWIPS[0] - MARGIN_TWIPS["left"] - MARGIN_TWIPS["right"]
LINE_PITCH_TWIPS = int(round(LINE_PITCH_PT * 20))                      # 579
CHAR_TWIPS = TEXT_WIDTH_TWIPS / CHARS_PER_LINE                         # ≈ 315.9 (15.79 pt)
# Word's docGrid charSpace: extra pitch per character over the Normal font size, in 1/4096 pt.
CHAR_SPACE = int(round((CHAR_TWIPS / 20 - SIZE_PT["三号"]) * 4096))   # ≈ -841
# Otherwise (the default): a line grid, and 3号 condensed by 0.25 pt (in 1/20 pt).
CONDENSE_TWENTIETHS = -5
# Footer distance (page bottom edge -> bottom of the footer line). Tuned with LibreOffice so
# that the 一字线 of a 4号 page number sits ~7 mm below the 版心 (see tests/docgen/test_docgen_soffice.py).
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


def rfonts(east: str, latin: str, hint: str | None = None) -> str:
    h = f" w:hint={_q(hint)}" if hint else ""
    return f"<w:rFonts w:ascii={_q(latin)} w:hAnsi={_q(latin)} w:eastAsia={_q(east)} w:cs={_q(latin)}{h}/>"


def _rpr(east: str, latin: str, size_pt: float, bold: bool | None = None, spacing: int | None = None) -> str:
    """w:rPr; ``spacing`` is the character spacing in twentieths of a point (w:spacing)."""
    hp = int(round(size_pt * 2))
    b = "" if bold is None else ("<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>')
    sp = "" if spacing is None else f'<w:spacing w:val="{spacing}"/>'
    return f"<w:rPr>{rfonts(east, latin)}{b}{sp}<w:sz w:val=\"{hp}\"/><w:szCs w:val=\"{hp}\"/></w:rPr>"


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
        f"<w:docDefaults><w:rPrDefault><w:rPr>{rfonts(body, latin)}<w:kern w:val=\"2\"/>"
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
        f' w:header="851" w:footer="{twips(FOOTER_DISTANCE_MM)}" w:gutter="0"/>'
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
def template_bytes(font_items: tuple[tuple[str, str], ...], char_grid: bool = False) -> bytes:
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


def page_number_runs(font: str) -> list:
    """'— ' PAGE ' —' as w:r elements (4号, the 一字线 in the East Asian font)."""
    rpr = f'<w:rPr>{rfonts(font, font, hint="eastAsia")}<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
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


def sort_ppr(ppr) -> None:
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


def keep_p(p, next_: bool = False) -> None:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = parse_xml(f'<w:pPr {nsdecls("w")}/>')
        p.insert(0, ppr)
    if next_:
        ppr.append(parse_xml(f'<w:keepNext {nsdecls("w")}/>'))
    ppr.append(parse_xml(f'<w:keepLines {nsdecls("w")}/>'))
    sort_ppr(ppr)


def keep(paragraph, next_: bool = False) -> None:
    keep_p(paragraph._p, next_=next_)
