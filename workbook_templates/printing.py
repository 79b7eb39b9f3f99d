"""A4 print setup shared by every workbook we generate (city returns, scoring workbook)."""
from __future__ import annotations


def a4_setup(ws, header: str, landscape: bool, repeat_header_row: bool = True, pages_wide: int = 1) -> None:
    """A4, fit to ``pages_wide`` page(s) wide, centred, header text and '第 N 页，共 M 页' footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if repeat_header_row:
        ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = header
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
