"""The streamed detail-sheet XML: text stays text, control characters cannot break the package."""
from __future__ import annotations

import datetime as dt
import math
from xml.etree import ElementTree

from addin.sheetxml import rows_xml

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _parse(rows):
    xml = "".join(rows_xml(rows, 6, 2, date_style=5, datetime_style=6))
    return ElementTree.fromstring(f'<sheetData xmlns="{NS[1:-1]}">{xml}</sheetData>')


def test_values_by_type_and_position():
    root = _parse([("=1+1", 3, 2.5, dt.date(2022, 9, 15), dt.datetime(2022, 9, 15, 8, 30), None),
                   ("a<b&c\x0bd", float("nan"), True, None, None, "@x")])
    r2, r3 = root.findall(f"{NS}row")
    cells = {c.get("r"): c for c in r2.findall(f"{NS}c")}
    assert cells["A2"].get("t") == "inlineStr" and cells["A2"].find(f"{NS}is/{NS}t").text == "=1+1"
    assert cells["A2"].find(f"{NS}f") is None
    assert cells["B2"].find(f"{NS}v").text == "3" and cells["C2"].find(f"{NS}v").text == "2.5"
    assert cells["D2"].get("s") == "5" and cells["D2"].find(f"{NS}v").text == str((dt.date(2022, 9, 15) - dt.date(1899, 12, 30)).days)
    assert cells["E2"].get("s") == "6" and math.isclose(float(cells["E2"].find(f"{NS}v").text), 44819 + 8.5 / 24)
    assert "F2" not in cells
    cells = {c.get("r"): c for c in r3.findall(f"{NS}c")}
    assert cells["A3"].find(f"{NS}is/{NS}t").text == "a<b&cd"      # \x0b removed, the rest escaped and kept
    assert "B3" not in cells                                          # NaN is an empty cell
    assert cells["C3"].find(f"{NS}is/{NS}t").text == "是"
    assert cells["F3"].find(f"{NS}is/{NS}t").text == "@x"
