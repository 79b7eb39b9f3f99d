"""正文 (GB/T 9704-2012 7.3): headings with their 层次序数, paragraphs, 附件说明, 署名 and
成文日期, 附注, attachment pages. A part of :class:`docgen.official.OfficialDocument` (issue 14).
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.enum.text import WD_BREAK

from docgen.gbt9704 import (
    CHAR_TWIPS, TEXT_WIDTH_TWIPS, chinese_date, chinese_numeral, clean_text, keep, keep_p, sort_ppr,
    text_width_pt, visual_width,
)


class BodyText:
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
        keep(blank, next_=True)
        pa = self._para(authority, "Signature")
        pd = self._para(date_text, "Date")
        for p, start in ((pa, start_a), (pd, start_d)):
            ppr = p._p.get_or_add_pPr()
            ppr.append(parse_xml(f'<w:autoSpaceDE {nsdecls("w")} w:val="0"/>'))
            ppr.append(parse_xml(f'<w:autoSpaceDN {nsdecls("w")} w:val="0"/>'))
            ppr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="left"/>'))
            ppr.append(parse_xml(f'<w:ind {nsdecls("w")} w:left="{round(start * 20)}" w:right="0" w:firstLine="0"/>'))
            sort_ppr(ppr)
        keep(pa, next_=True)
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
                    keep_p(p, next_=True)
        elif last.tag == qn("w:p"):
            keep_p(last, next_=True)

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
