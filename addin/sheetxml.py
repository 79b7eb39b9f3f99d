"""Streaming the rows of big detail sheets straight into an .xlsx package.

XlsxWriter costs about 3 µs a cell, which dominates consolidation for thousands of returns.
The consolidated workbook is therefore written by XlsxWriter with only the header row of each
detail sheet (styles, filters, frozen panes, print setup, charts), and the rows are streamed
into those sheets' XML afterwards. Every value from a city is written as an inline string,
a number or a date serial: never as a formula. Strings are made safe first (addin.celltext:
no XML-illegal characters, at most 32,767 characters); a CR is written as ``&#13;`` (a raw CR
would be read back as LF) and text that looks like Excel's ``_xHHHH_`` escape has its
underscore escaped (``_x005F_``), so Excel and python-calamine read back what the city typed.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import re
import shutil
import zipfile
from pathlib import Path
from typing import Iterable, Iterator

from addin.celltext import CELL_LIMIT, cell_text, protect_escapes, xml_safe

_EPOCH = dt.datetime(1899, 12, 30)


def _letters(n: int) -> list[str]:
    out = []
    for i in range(n):
        s, k = "", i + 1
        while k:
            k, r = divmod(k - 1, 26)
            s = chr(65 + r) + s
        out.append(s)
    return out


_NEEDS_WORK = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_SHORT = 256                 # longer strings are escaped without the cache


def _escape_text(text: str) -> str:
    """XML text of a cell: safe characters and length, & < > and CR escaped, _xHHHH_ protected."""
    if len(text) * 2 > CELL_LIMIT:
        text = cell_text(text)
    if not _NEEDS_WORK.search(text):
        return text
    text = xml_safe(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return protect_escapes(text)


# cached: city names, units and choices repeat; long texts are not kept (a hostile batch could
# otherwise hold 65,536 texts of 32,767 characters in the cache)
_escape = functools.lru_cache(maxsize=65536)(_escape_text)


def rows_xml(rows: Iterable[tuple], ncols: int, first_row: int, date_style: int, datetime_style: int) -> Iterator[str]:
    """<row> elements for ``rows`` starting at sheet row ``first_row`` (1-based); yields XML chunks."""
    cols = _letters(ncols)
    r = first_row - 1
    for r, rec in enumerate(rows, first_row):
        parts = [f'<row r="{r}">']
        for c, v in enumerate(rec):
            if v is None or v != v:          # None, NaN, NaT
                continue
            t = type(v)
            ref = f"{cols[c]}{r}"
            if t is str:
                if v:
                    x = _escape(v) if len(v) <= _SHORT else _escape_text(v)
                    parts.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{x}</t></is></c>')
            elif t is int or t is float:
                if math.isfinite(v):
                    parts.append(f'<c r="{ref}"><v>{v!r}</v></c>')
            elif t is bool:
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{"是" if v else "否"}</t></is></c>')
            elif isinstance(v, dt.datetime):
                serial = (v - _EPOCH).total_seconds() / 86400
                style = datetime_style if (v.hour or v.minute) else date_style
                parts.append(f'<c r="{ref}" s="{style}"><v>{serial!r}</v></c>')
            elif isinstance(v, dt.date):
                parts.append(f'<c r="{ref}" s="{date_style}"><v>{(v - _EPOCH.date()).days}</v></c>')
            elif hasattr(v, "item"):          # numpy scalars
                x = v.item()
                if isinstance(x, (int, float)) and math.isfinite(x):
                    parts.append(f'<c r="{ref}"><v>{x!r}</v></c>')
            else:
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_escape_text(str(v))}</t></is></c>')
        parts.append("</row>")
        yield "".join(parts)


_DIMENSION = re.compile(r"<dimension [^>]*/>")
_AUTOFILTER = re.compile(r'(<autoFilter ref="[A-Z]+1:[A-Z]+)(\d+)(")')


def fill_sheets(path: Path, fills: dict[str, tuple[Iterable[tuple], int]], date_style: int, datetime_style: int) -> None:
    """Stream rows into the named sheet parts of the package at ``path`` (rewritten in place).

    ``fills`` maps a part name (xl/worksheets/sheetN.xml) to (rows, column count); each of
    those sheets holds only its header row (row 1).
    """
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename not in fills:
                dst.writestr(info, data)
                continue
            rows, ncols = fills[info.filename]
            xml = data.decode("utf-8")
            head, tail = xml.split("</sheetData>", 1)
            head = _DIMENSION.sub("", head)
            out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            out.compress_type = zipfile.ZIP_DEFLATED
            n = 1
            with dst.open(out, "w", force_zip64=True) as fh:
                fh.write(head.encode("utf-8"))
                buf: list[str] = []
                for n, chunk in enumerate(rows_xml(rows, ncols, 2, date_style, datetime_style), 2):
                    buf.append(chunk)
                    if len(buf) >= 2000:
                        fh.write("".join(buf).encode("utf-8"))
                        buf.clear()
                fh.write("".join(buf).encode("utf-8"))
                last = max(2, n)
                fh.write(("</sheetData>" + _AUTOFILTER.sub(lambda m: f"{m.group(1)}{last}{m.group(3)}", tail)).encode("utf-8"))
    shutil.move(tmp, path)
