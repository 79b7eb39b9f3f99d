"""Our own mark on every workbook we write that is not a return, so it is never read as one.

People keep 汇总.xlsx, 校验结果.xlsx, annotated copies and scoring results in the same folder as
the returns (or in a sub-folder of it). Read as returns they are refused as broken, or worse: an
annotated copy carries the city's _meta sheet and, being newer, displaced the city's own file.

The mark is the document property *category* (``docProps/core.xml``, ``cp:category``), which
Excel, WPS and LibreOffice keep when a file is saved again. :func:`own_output_kind` reads that
one small member from the zip, before any parser runs. A city that fixes an annotated copy and
sends it back must clear the property (文件 → 信息 → 属性 → 类别) or copy the data into its own
return; the note printed for a skipped file says so.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

MARK = "质量月助手输出"
_MARK_BYTES = MARK.encode("utf-8")
_CATEGORY = re.compile(rb"<(?:\w+:)?category>([^<]{0,200})</(?:\w+:)?category>")


def category(kind: str) -> str:
    """The category value for an output of ``kind`` (汇总表, 校验结果, 标注副本, 计分结果, 评分工作簿)."""
    return f"{MARK}：{kind}"


def mark_openpyxl(wb, kind: str) -> None:
    """Put the mark on an openpyxl Workbook before it is saved."""
    wb.properties.category = category(kind)


def own_output_kind(path: str | Path) -> str | None:
    """The kind of our output at ``path`` ('汇总表' …), or None when it is not marked as ours
    (or is not a zip at all: that is for the reader to say)."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/core.xml")
            if info.file_size > 1 << 20:
                return None
            xml = zf.read(info)
    except (KeyError, OSError, zipfile.BadZipFile, ValueError, EOFError, RuntimeError, NotImplementedError):
        return None
    except Exception:
        return None
    m = _CATEGORY.search(xml)
    if not m or _MARK_BYTES not in m.group(1):
        return None
    text = m.group(1).decode("utf-8", "replace")
    return text.split("：", 1)[1] if "：" in text else "输出文件"
