"""Text from a city made safe for any output: an xlsx cell, an XML part, a .docx run.

Returned workbooks are filled by hand and may be hostile. Two things in their text break
writers: characters that XML 1.0 does not allow (C0 controls other than tab, LF and CR,
U+FFFE/U+FFFF; python-calamine hands them over from ``_x0001_`` escapes, ``&#1;`` or even raw
bytes; a file name that is not valid UTF-8 comes back from the OS with lone surrogates) make
openpyxl raise ``IllegalCharacterError``, lxml/python-docx raise ``ValueError`` and XlsxWriter
write a broken package; and a cell holds at most 32,767 characters (UTF-16 code units), more
and Excel calls the file corrupt. Whether a string becomes a formula is the writer's business
(each writes city text as a string cell); this module only makes the characters safe.

The common string needs no work and costs one length check and one regex search.
"""
from __future__ import annotations

import re

CELL_LIMIT = 32767                     # Excel: characters (UTF-16 code units) in a cell
TRUNCATED = "…（已截断）"               # appended to text cut at the limit

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _replace(m: re.Match) -> str:
    # a control character is dropped; a lone surrogate (undecodable byte of a file name) or a
    # non-character stands for something that was there: U+FFFD, as decoders do
    return "" if m.group() < " " else "\ufffd"


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (tab, LF and CR are kept)."""
    if _ILLEGAL.search(text) is None:
        return text
    return _ILLEGAL.sub(_replace, text)


def utf16_units(text: str) -> int:
    """Length in UTF-16 code units, as Excel counts."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cap(text: str, limit: int = CELL_LIMIT) -> str:
    """``text`` cut so that it fits ``limit`` UTF-16 units, ending with TRUNCATED when cut."""
    if len(text) * 2 <= limit or utf16_units(text) <= limit:   # a character is at most 2 units
        return text
    budget = limit - utf16_units(TRUNCATED)
    k = budget
    while (over := utf16_units(text[:k]) - budget) > 0:
        k -= (over + 1) // 2           # a character is 1 or 2 units: cut about what is over
    return text[:k] + TRUNCATED


def cell_text(text: str, limit: int = CELL_LIMIT) -> str:
    """A city string safe for a spreadsheet cell: XML-legal and at most ``limit`` units long."""
    if _ILLEGAL.search(text) is not None:
        text = _ILLEGAL.sub(_replace, text)
    if len(text) * 2 > limit:
        text = cap(text, limit)
    return text


_EXCEL_ESCAPE = re.compile("_x[0-9A-Fa-f]{4}_")


def protect_escapes(text: str) -> str:
    """Cell text as stored in the XML: Excel (and python-calamine) read ``_xHHHH_`` as the
    character U+HHHH, so a typed ``_x0041_`` is stored with its underscore escaped (``_x005F``)."""
    if "_x" not in text:
        return text
    return _EXCEL_ESCAPE.sub(r"_x005F\g<0>", text)

