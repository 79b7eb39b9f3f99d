"""版记 (GB/T 9704-2012 7.4): 抄送, 印发机关 and 印发日期 between the rules, as frames at the foot
of the text block on the last page. A part of :class:`docgen.official.OfficialDocument` (issue 14).
"""
from __future__ import annotations

import math
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from docgen.gbt9704 import (
    COLOPHON_PT, LINE_PITCH_TWIPS, MARGIN_TWIPS, PAGE_TWIPS, RULE_THICK, RULE_THIN, TEXT_WIDTH_TWIPS,
    chinese_date, rfonts, sort_ppr, text_width_pt,
)


class Colophon:
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
        rpr = f'<w:rPr>{rfonts(body_font, latin)}<w:spacing w:val="0"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
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
            sort_ppr(el.find(qn("w:pPr")))
            self._append(el)
