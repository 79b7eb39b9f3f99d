"""The streamed detail-sheet XML: text stays text, control characters cannot break the package."""
from __future__ import annotations

import datetime as dt
import math
from xml.etree import ElementTree

from addin.infra.sheetxml import rows_xml

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _parse(rows):
    xml = "".join(rows_xml(rows, date_style=5, datetime_style=6))
    return ElementTree.fromstring(f'<sheetData xmlns="{NS[1:-1]}">{xml}</sheetData>')


def _placed(root, first_row: int = 2) -> list[dict]:
    """Each row's cells by address, placed as a reader places cells without r attributes:
    rows one after another, cells in consecutive columns; empty <c/> elements dropped."""
    out = []
    for r, row in enumerate(root.findall(f"{NS}row"), first_row):
        assert row.get("r") is None
        cells = {}
        for c, cell in enumerate(row.findall(f"{NS}c")):
            assert cell.get("r") is None
            if len(cell) or cell.text:
                cells[f"{'ABCDEF'[c]}{r}"] = cell
        out.append(cells)
    return out


def test_values_by_type_and_position():
    root = _parse([("=1+1", 3, 2.5, dt.date(2022, 9, 15), dt.datetime(2022, 9, 15, 8, 30), None),
                   ("a<b&c\x0bd", float("nan"), True, None, None, "@x")])
    r2, r3 = _placed(root)
    cells = r2
    assert cells["A2"].get("t") == "inlineStr" and cells["A2"].find(f"{NS}is/{NS}t").text == "=1+1"
    assert cells["A2"].find(f"{NS}f") is None
    assert cells["B2"].find(f"{NS}v").text == "3" and cells["C2"].find(f"{NS}v").text == "2.5"
    assert cells["D2"].get("s") == "5" and cells["D2"].find(f"{NS}v").text == str((dt.date(2022, 9, 15) - dt.date(1899, 12, 30)).days)
    assert cells["E2"].get("s") == "6" and math.isclose(float(cells["E2"].find(f"{NS}v").text), 44819 + 8.5 / 24)
    assert "F2" not in cells
    cells = r3
    assert cells["A3"].find(f"{NS}is/{NS}t").text == "a<b&cd"      # \x0b removed, the rest escaped and kept
    assert "B3" not in cells                                          # NaN is an empty cell
    assert cells["C3"].find(f"{NS}is/{NS}t").text == "是"
    assert cells["F3"].find(f"{NS}is/{NS}t").text == "@x"


def test_odd_values_render_without_error():
    import pandas as pd

    root = _parse([(pd.NA, [1, 2], pd.NaT, float("inf"), "", "x" * 300)])
    (cells,) = _placed(root)
    assert "A2" not in cells and "C2" not in cells and "D2" not in cells and "E2" not in cells
    assert cells["B2"].find(f"{NS}is/{NS}t").text == "[1, 2]"
    assert cells["F2"].find(f"{NS}is/{NS}t").text == "x" * 300
