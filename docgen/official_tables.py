"""Tables and pictures in the 版心: widths that follow the content, numbers never broken across
lines (7.3.3), the header row repeated. A part of :class:`docgen.official.OfficialDocument` (issue 14).
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any, Sequence
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.table import Table

from docgen.gbt9704 import TEXT_BLOCK_MM, clean_text, rfonts, twips, visual_width



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


class TablesAndImages:
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
        tw = [max(1, twips(w)) for w in widths]
        hfont = header_font or self.fonts.get("heading1") or self.fonts["body"]
        hp = int(round(font_size_pt * 2))
        char_mm = font_size_pt * 25.4 / 72
        cell_mar = 57  # 1 mm left/right padding

        def cell(text: str, width: int, bold_font: str | None, center: bool) -> str:
            jc = "" if center else '<w:jc w:val="left"/>'
            font_xml = rfonts(bold_font, self.fonts["latin"]) if bold_font else ""
            rpr = f'<w:rPr>{font_xml}<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/></w:rPr>'
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
        height = f'<w:trHeight w:val="{twips(row_height_mm)}" w:hRule="atLeast"/>' if row_height_mm else ""
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
