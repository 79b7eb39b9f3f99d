"""版头 (GB/T 9704-2012 7.2) and the lines above the 正文: 发文机关标志, 发文字号 and the red
separator line, 标题, 主送机关. A part of :class:`docgen.official.OfficialDocument` (issue 14).
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Iterable
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from docgen.gbt9704 import (
    LINE_PITCH_PT, LINE_PITCH_TWIPS, MASTHEAD_MAX_PT, MASTHEAD_RULE_GAP_MM, MASTHEAD_TOP_MM, RED, RULE_THICK,
    TEXT_WIDTH_TWIPS, clean_text, normalize_doc_number, rfonts, sort_ppr, split_title, visual_width,
)


class Masthead:
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
        rpr = (f"<w:rPr>{rfonts(self.fonts['title'], self.fonts['title'])}{red if not letterhead else ''}"
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
        sort_ppr(ppr)
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
