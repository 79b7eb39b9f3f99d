"""The bodies of the xlwings Lite scripts: the desktop button's 校验本表 with a Lite message box.

Imports nothing compiled and not pandas (see :mod:`addin.lite`); xlwings itself is only used
through the ``book`` the runtime passes in.
"""
from __future__ import annotations

import os
import sys
import traceback
from typing import Any

from addin.core.errors import QmError

TITLE = "质量月助手"


class LiteUi:
    """Status lines go to the add-in's output pane (print); messages to a message box where the
    client has one (``book.app.alert``), else to the output pane."""

    remote = True      # an Office.js client: no status bar, layout left to Excel

    def __init__(self, book: Any):
        self.book = book
        self.messages: list[str] = []

    def status(self, text: str | None) -> None:
        if text:
            self.messages.append(text)
            print(text)

    def alert(self, text: str, critical: bool = False) -> None:
        self.messages.append(text)
        try:
            self.book.app.alert(text, title=TITLE, buttons="ok", mode="critical" if critical else "info")
        except Exception:
            print(text)


def campaign():
    """The packaged campaign, or the TOML file named by the QM_CAMPAIGN environment variable
    (xlwings Lite lets a workbook set environment variables; the file goes under /data)."""
    from addin.campaign.settings import load_campaign

    return load_campaign(os.environ.get("QM_CAMPAIGN") or None)


def validate_book(book: Any) -> LiteUi:
    """校验本表 on the open book: 校验结果 sheet, coloured and annotated cells, a message box.
    Never raises into Excel: a problem becomes a Chinese message."""
    from addin.excel.bookcheck import check_open_book

    ui = LiteUi(book)
    try:
        check_open_book(book, ui, campaign())
    except QmError as exc:
        ui.alert(f"校验本表未完成：{exc}", critical=True)
    except Exception as exc:   # a bug: the details to the output pane, a readable message to the user
        traceback.print_exc(file=sys.stdout)
        ui.alert(f"校验本表失败：出现意外错误（{type(exc).__name__}：{str(exc).strip()}），请将此信息反馈给技术支持",
                 critical=True)
    return ui
