"""Read a returned city workbook back into data, by the same contract that built it.

Values only, through python-calamine (fast). Columns are mapped by their header title,
so a clerk who reorders columns loses nothing; every value keeps its cell address for
messages. A file that is not one of ours is refused with a Chinese message, not a traceback.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import python_calamine

from workbook_templates.contract import META_SHEET, STATUS_TITLE, Contract, Sheet, load_contract

TEXT_TYPES = {"text", "longtext", "credit_code", "phone", "idno", "url", "numbers", "choice", "yesno"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")


class ReadError(Exception):
    """A returned file that cannot be read as one of our workbooks."""

    def __init__(self, path: Path, code: str, message: str):
        super().__init__(message)
        self.path = Path(path)
        self.code = code
        self.message = message


@dataclass
class Row:
    row: int                      # Excel row number (1-based)
    values: dict[str, Any]        # column key -> raw value as read
    cells: dict[str, str]         # column key -> A1 address

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass
class SheetData:
    sheet: Sheet
    rows: list[Row] = field(default_factory=list)
    present: bool = True
    missing_columns: list[str] = field(default_factory=list)   # titles absent from the header
    unknown_columns: list[str] = field(default_factory=list)   # header titles not in the contract


@dataclass
class ReturnedWorkbook:
    path: Path
    meta: dict[str, str]
    info: Row                                 # the 基本信息 form as one row
    sheets: dict[str, SheetData]              # table sheets by key

    @property
    def city_code(self) -> str:
        return str(self.meta.get("city_code") or self.info.get("city_code") or "").strip()

    @property
    def city_name(self) -> str:
        return str(self.info.get("city") or self.meta.get("city_name") or "").strip()


def sniff(path: Path, data: bytes | None = None) -> None:
    """Raise ReadError for files that are not an .xlsx at all (old formats, encrypted, renamed)."""
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ReadError(path, "unreadable-file", f"无法打开文件：{exc.strerror or exc}") from None
    head = data[:8]
    if head == OLE_MAGIC:
        if ENCRYPTION_MARK in data[: 1 << 20]:
            raise ReadError(path, "encrypted-file", "文件已加密（设置了打开密码），无法读取：请取消密码后重新报送")
        raise ReadError(path, "unsupported-format",
                        "文件为旧版 .xls 或 WPS .et 格式，请用 Excel 或 WPS 另存为 .xlsx 后重新报送")
    if head[:4] != b"PK\x03\x04":
        raise ReadError(path, "unreadable-file", "不是 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        raise ReadError(path, "unreadable-file", "文件已损坏，无法作为 .xlsx 打开，请重新保存后报送") from None
    if "xl/workbook.xml" not in names:
        kind = "Word 文档" if "word/document.xml" in names else "其他类型的文件"
        raise ReadError(path, "unreadable-file", f"不是 Excel 工作簿，而是{kind}（扩展名被改成了 .xlsx）")


def _text(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v
    return v


def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _read_table(sheet: Sheet, data: list[list[Any]]) -> SheetData:
    out = SheetData(sheet)
    if not data:
        out.missing_columns = [c.title for c in sheet.columns]
        return out
    header = [str(h).strip() if h is not None else "" for h in data[0]]
    by_title = {c.title: c for c in sheet.columns}
    index: dict[str, int] = {}
    for i, title in enumerate(header):
        col = by_title.get(title)
        if col and col.key not in index:
            index[col.key] = i
        elif title and title != STATUS_TITLE and not col:
            out.unknown_columns.append(title)
    out.missing_columns = [c.title for c in sheet.columns if c.key not in index]
    letters = [(key, _letter(i)) for key, i in index.items()]
    text_keys = {c.key for c in sheet.columns if c.type in TEXT_TYPES}
    plan = [(key, i, key in text_keys) for key, i in index.items()]  # one entry per mapped column
    for r, raw in enumerate(data[1:], 2):
        values: dict[str, Any] = {}
        width = len(raw)
        for key, i, is_text in plan:
            v = raw[i] if i < width else None
            if type(v) is str:  # most cells: kept as typed unless blank
                if v.strip():
                    values[key] = v
            elif not _empty(v):
                values[key] = _text(v) if is_text else v
        if values:
            number = str(r)
            out.rows.append(Row(r, values, {key: letter + number for key, letter in letters}))
    return out


def _read_form(sheet: Sheet, data: list[list[Any]]) -> Row:
    by_title = {c.title: c for c in sheet.columns}
    values: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for r, raw in enumerate(data, 1):
        if not raw:
            continue
        col = by_title.get(str(raw[0]).strip()) if raw[0] is not None else None
        if not col:
            continue
        cells[col.key] = f"B{r}"
        v = raw[1] if len(raw) > 1 else None
        if not _empty(v):
            values[col.key] = _text(v) if col.type in TEXT_TYPES else v
    return Row(0, values, cells)


def meta_from_rows(rows: list[list[Any]]) -> dict[str, str]:
    """The metadata sheet's key/value rows as a dict."""
    return {str(r[0]): str(_text(r[1]) if len(r) > 1 and r[1] is not None else "") for r in rows if r and r[0]}


def read_meta(wb: python_calamine.CalamineWorkbook) -> dict[str, str] | None:
    if META_SHEET not in wb.sheet_names:
        return None
    return meta_from_rows(wb.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False))


def assemble(path: str | Path, meta: dict[str, str] | None, sheet_rows: Callable[[str], list[list[Any]] | None],
             contract: Contract | None = None, campaign_id: str | None = None) -> ReturnedWorkbook:
    """A ReturnedWorkbook from the metadata and each sheet's rows (from A1), whatever read them.

    ``sheet_rows(title)`` returns the sheet's values or None when the sheet is absent. Used by
    read_workbook (python-calamine) and by the add-in (the open book through xlwings).
    """
    path = Path(path)
    contract = contract or load_contract()
    if meta is None or meta.get("template_id") != contract.template_id:
        raise ReadError(path, "template-mismatch",
                        "不是本活动下发的标准填报表（缺少模板标识），请使用下发的模板填报后重新报送")
    if campaign_id and meta.get("campaign_id") != campaign_id:
        raise ReadError(path, "template-mismatch",
                        f"该表属于其他活动（{meta.get('campaign_id')}），不是本次活动（{campaign_id}）的填报表")
    info = Row(0, {}, {})
    sheets: dict[str, SheetData] = {}
    for sheet in contract.sheets:
        data = sheet_rows(sheet.title)
        if data is None:
            if sheet.kind == "table":
                sheets[sheet.key] = SheetData(sheet, present=False, missing_columns=[c.title for c in sheet.columns])
            continue
        if sheet.kind == "form":
            info = _read_form(sheet, data)
        else:
            sheets[sheet.key] = _read_table(sheet, data)
    return ReturnedWorkbook(path=path, meta=meta, info=info, sheets=sheets)


def read_workbook(path: str | Path, contract: Contract | None = None,
                  campaign_id: str | None = None, data: bytes | None = None) -> ReturnedWorkbook:
    """Read a returned workbook; raise ReadError (Chinese message) if it is not one of ours.

    ``data``: the file's bytes when the caller has read them already (to hash them once).
    """
    path = Path(path)
    contract = contract or load_contract()
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ReadError(path, "unreadable-file", f"无法打开文件：{exc.strerror or exc}") from None
    sniff(path, data)
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for corrupt parts
        raise ReadError(path, "unreadable-file", f"文件已损坏，无法读取（{type(exc).__name__}），请重新保存后报送") from None
    def sheet_rows(title: str) -> list[list[Any]] | None:
        if title not in wb.sheet_names:
            return None
        try:
            return wb.get_sheet_by_name(title).to_python(skip_empty_area=False)
        except Exception as exc:
            raise ReadError(path, "unreadable-file", f"工作表“{title}”无法读取（{type(exc).__name__}）") from None

    return assemble(path, read_meta(wb), sheet_rows, contract, campaign_id)
