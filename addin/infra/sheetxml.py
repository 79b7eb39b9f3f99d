"""Streaming the rows of big detail sheets straight into an .xlsx package.

XlsxWriter costs about 3 µs a cell, which dominates consolidation for thousands of returns.
The consolidated workbook is therefore written by XlsxWriter with only the header row of each
detail sheet (styles, filters, frozen panes, print setup, charts), and the rows are put into
those sheets' XML afterwards (:func:`fill_sheets`). Every value from a city is written as an
inline string, a number or a date serial: never as a formula. Strings are made safe first
(addin.infra.celltext: no XML-illegal characters, at most 32,767 characters); a CR is written as
``&#13;`` (a raw CR would be read back as LF) and text that looks like Excel's ``_xHHHH_``
escape has its underscore escaped (``_x005F_``), so Excel and python-calamine read back what
the city typed.

Rows are position-independent: no ``r`` attribute on ``<row>`` or ``<c>`` and ``<c/>`` for an
empty cell. ECMA-376 makes both attributes optional (§18.3.1.73 row, §18.3.1.4 c); a reader puts
each row after the previous one and each cell in the next column (Excel, LibreOffice,
python-calamine and openpyxl do). So one return's rows can be rendered and compressed in the
worker that read it, before anyone knows where they will land in 汇总.xlsx, and the parent only
lays the pieces end to end (addin.infra.zippack).
"""
from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from addin.infra.celltext import CELL_LIMIT, cell_text, protect_escapes, xml_safe
from addin.infra.zippack import PackageWriter, Piece, Spool, deflate, deflate_chunks

_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_DAY = _EPOCH.date()

# The cell styles of dates and date-times in 汇总.xlsx: the first two formats the writer
# registers (addin.consolidate.summary_xlsx._Writer checks that XlsxWriter gave them these indexes).
DATE_STYLE = 1
DATETIME_STYLE = 2

_NEEDS_WORK = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_SHORT = 256                 # longer strings are not cached
_CACHE_MAX = 65536           # string cells a renderer remembers
EMPTY = "<c/>"


def _escape_text(text: str) -> str:
    """XML text of a cell: safe characters and length, & < > and CR escaped, _xHHHH_ protected."""
    if len(text) * 2 > CELL_LIMIT:
        text = cell_text(text)
    if not _NEEDS_WORK.search(text):
        return text
    text = xml_safe(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return protect_escapes(text)


def _text_cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t xml:space="preserve">{_escape_text(text)}</t></is></c>'


_YES, _NO = _text_cell("是"), _text_cell("否")
_SEED = {None: EMPTY, "": EMPTY}


class RowXml:
    """Renders values as position-independent cells and rows (see the module docstring).

    add_cells() (and so cells() and row()) remembers the XML of the short strings it has
    rendered (a return repeats its city, units and choices on many rows); make one renderer
    per file or per sheet.
    """

    def __init__(self, date_style: int = DATE_STYLE, datetime_style: int = DATETIME_STYLE):
        self.date_style, self.datetime_style = date_style, datetime_style
        self._text: dict[str | None, str] = dict(_SEED)

    def cell(self, v) -> str:
        """One <c> element (``<c/>`` for None, NaN, NaT, an empty string or a non-finite number)."""
        t = type(v)
        if t is str:
            return _text_cell(v) if v else EMPTY
        if v is None:
            return EMPTY
        if t is int or t is float:
            return f"<c><v>{v!r}</v></c>" if math.isfinite(v) else EMPTY
        if t is bool:
            return _YES if v else _NO
        try:
            if v != v:                       # NaN of other types, NaT
                return EMPTY
        except (TypeError, ValueError):      # pandas' NA has no truth value: missing too
            return EMPTY
        if isinstance(v, dt.datetime):
            serial = (v.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
            style = self.datetime_style if (v.hour or v.minute) else self.date_style
            return f'<c s="{style}"><v>{serial!r}</v></c>'
        if isinstance(v, dt.date):
            return f'<c s="{self.date_style}"><v>{(v - _EPOCH_DAY).days}</v></c>'
        if hasattr(v, "item"):               # numpy scalars
            return self.cell(v.item())
        return _text_cell(str(v))

    def cells(self, values: Iterable) -> str:
        """The <c> elements of ``values``, in order."""
        out: list[str] = []
        self.add_cells(out, values)
        return "".join(out)

    def add_cells(self, out: list[str], values: Iterable) -> None:
        """Append the <c> elements of ``values`` to ``out`` (to build a whole sheet in one list)."""
        text, cell, plain = self._text, self.cell, _NEEDS_WORK.search
        get, add = text.get, out.append
        for v in values:
            try:
                x = get(v)                   # strings seen before, None and ""
            except TypeError:                # an unhashable value: rendered as text below
                x = None
            if x is None:
                if type(v) is str and len(v) <= _SHORT:      # a new short string: remembered
                    x = text[v] = (_text_cell(v) if plain(v) else
                                   f'<c t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>')
                else:
                    x = cell(v)
            add(x)
        if len(text) >= _CACHE_MAX:
            text.clear()
            text.update(_SEED)

    def row(self, values: Iterable) -> str:
        return f"<row>{self.cells(values)}</row>"


def rows_xml(rows: Iterable[tuple], date_style: int = DATE_STYLE, datetime_style: int = DATETIME_STYLE) -> Iterator[str]:
    """<row> elements for ``rows``, one string each."""
    r = RowXml(date_style, datetime_style)
    for rec in rows:
        yield r.row(rec)


@dataclass
class Deflated:
    """Rows already rendered and compressed (in the workers): pieces in order, and how many rows."""
    pieces: list[Piece]
    count: int
    spool: Spool | None = field(default=None, repr=False)


_DIMENSION = re.compile(r"<dimension [^>]*/>")
_AUTOFILTER = re.compile(r'(<autoFilter ref="[A-Z]+1:[A-Z]+)(\d+)(")')


def fill_sheets(path: Path, fills: dict[str, Deflated | Iterable[tuple]]) -> None:
    """Put rows into the named sheet parts of the package at ``path`` (rewritten in place).

    ``fills`` maps a part name (xl/worksheets/sheetN.xml), whose sheet holds only its header
    row (row 1), to its rows: :class:`Deflated` pieces, or value tuples rendered here.
    """
    tmp = path.with_name(path.name + ".part")
    spool = Spool(str(path.parent))
    try:
        with zipfile.ZipFile(path) as src, open(tmp, "wb") as fh:
            out = PackageWriter(fh)
            for info in src.infolist():
                data = src.read(info.filename)
                rows = fills.get(info.filename)
                if rows is None:
                    out.add_bytes(info.filename, data, info.date_time)
                    continue
                if isinstance(rows, Deflated):
                    pieces, count, where = rows.pieces, rows.count, rows.spool
                else:
                    counted = _Counted(rows)
                    pieces = [spool.keep(p) for p in deflate_chunks(rows_xml(counted))]
                    count, where = counted.n, spool
                head, tail = data.decode("utf-8").split("</sheetData>", 1)
                last = max(2, count + 1)
                tail = _AUTOFILTER.sub(lambda m: f"{m.group(1)}{last}{m.group(3)}", tail)
                # head and tail are compressed here; the rows' pieces are read from ``where`` as written
                out.add(info.filename, [deflate(_DIMENSION.sub("", head).encode("utf-8")), *pieces,
                                        deflate(("</sheetData>" + tail).encode("utf-8"))],
                        info.date_time, spool=where)
            out.close()
        shutil.move(tmp, path)
    finally:
        spool.close()
        tmp.unlink(missing_ok=True)


class _Counted:
    """Iterates ``rows`` once, counting them."""

    def __init__(self, rows: Iterable[tuple]):
        self.rows, self.n = rows, 0

    def __iter__(self):
        for rec in self.rows:
            self.n += 1
            yield rec
