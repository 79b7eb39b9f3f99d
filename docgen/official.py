"""The GB/T 9704-2012 page in one place: paper, margins, grid, fonts, numbering, page numbers.

Every document module builds on :class:`OfficialDocument`; none of them sets a margin or a
font itself. The numbers (in docgen/gbt9704.py, re-exported here) follow /work/shared/FACTS.md §1:

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
import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.enum.text import WD_ALIGN_PARAGRAPH

from addin.infra.atomic import atomic_path
# the page's numbers, text measures and template, re-exported: callers import them from here
from docgen.gbt9704 import (  # noqa: F401
    CHARS_PER_LINE, CHAR_SPACE, CHAR_TWIPS, COLOPHON_PT, CONDENSE_TWENTIETHS, DEFAULT_FONTS,
    FOOTER_DISTANCE_MM, LINES_PER_PAGE, LINE_PITCH_PT, LINE_PITCH_TWIPS, MARGINS_MM, MARGIN_TWIPS,
    MASTHEAD_MAX_PT, MASTHEAD_RULE_GAP_MM, MASTHEAD_TOP_MM, PAGE_MM, PAGE_NUMBER_GAP_MM, PAGE_TWIPS, RED,
    RULE_THICK, RULE_THIN, SIZE_PT, TEXT_BLOCK_MM, TEXT_WIDTH_TWIPS, TITLE_CHARS, chinese_date,
    chinese_numeral, clean_text, keep, keep_p, normalize_doc_number, page_number_runs, resolve_fonts, rfonts,
    sort_ppr, split_title, template_bytes, text_width_pt, twips, visual_width,
)
# OfficialDocument is assembled from one class per part of the page (issue 14: readable sizes)
from docgen.official_body import BodyText
from docgen.official_colophon import Colophon
from docgen.official_head import Masthead
from docgen.official_tables import TablesAndImages


class OfficialDocument(Masthead, BodyText, TablesAndImages, Colophon):
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
        self.document = Document(io.BytesIO(template_bytes(tuple(sorted(self.fonts.items())), self.char_grid)))
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
            rpr = (f'<w:rPr>{rfonts(self.fonts["heading1"], self.fonts["heading1"])}<w:color w:val="{RED}"/>'
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
            for r in page_number_runs(self.fonts["page_number"]):
                p._p.append(r)
