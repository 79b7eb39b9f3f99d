"""Read a returned city workbook back into data, by the same contract that built it.

Values only, through python-calamine (fast). Columns are mapped by their header title,
so a clerk who reorders columns loses nothing; every value keeps its cell address for
messages. A file that is not one of ours is refused with a Chinese message, not a traceback.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, NamedTuple, Protocol

if TYPE_CHECKING:   # imported where files are read: assemble() runs without it (xlwings Lite / Pyodide)
    import python_calamine

from workbook_templates.package import (DEFAULT_LIMITS, sheet_members, KIND_NAMES, SAVE_AS_XLSX, Limits, Package, PackageError,
                                        check_size, open_package, repack)
from workbook_templates.contract import (COMPUTED_TITLES, DICT_SHEET, GUIDE_SHEET, META_SHEET, SELFCHECK_SHEET, Column,
                                         Contract, Sheet, load_contract)
from addin.core.errors import QmError

TEXT_TYPES = {"text", "longtext", "credit_code", "phone", "idno", "url", "numbers", "choice", "yesno"}
# Sheets of our own workbook that hold no data: never "extra", never read as a renamed data sheet.
# 校验结果 is written into the city's book by the add-in's 校验本表 button (addin.excel.buttons.RESULT_SHEET).
OWN_SHEETS = frozenset({META_SHEET, DICT_SHEET, GUIDE_SHEET, SELFCHECK_SHEET, "校验结果"})
HEADER_SEARCH_ROWS = 10      # a header not in row 1 is looked for in the first rows
RENAMED_MIN_SHARE = 0.6      # an unknown sheet whose header has >= 60 % of a missing sheet's titles is read as it
# the error values python-calamine parses (it reads them as empty); others make it refuse the sheet
EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


class ReadError(QmError):
    """A returned file that cannot be read as one of our workbooks."""

    def __init__(self, path: Path, code: str, message: str):
        super().__init__(message, file=path)
        self.path = Path(path)
        self.code = code


@dataclass
class Row:
    row: int                      # Excel row number (1-based)
    values: dict[str, Any]        # column key -> raw value as read
    cells: Mapping[str, str]      # column key -> A1 address (a dict, or CellRefs from the reader)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


class CellRefs(Mapping):
    """Column key -> A1 address of one table row, each made when asked.

    A return has thousands of rows and only the few cells a finding names need their address:
    building a dict of them for every row cost a millisecond a file.
    """
    __slots__ = ("_letters", "_row")

    def __init__(self, letters: dict[str, str], row: int):
        self._letters, self._row = letters, row          # letters: column key -> column letter

    def __getitem__(self, key: str) -> str:
        return f"{self._letters[key]}{self._row}"

    def get(self, key: str, default: Any = None) -> Any:
        letter = self._letters.get(key)
        return default if letter is None else f"{letter}{self._row}"

    def __contains__(self, key: object) -> bool:
        return key in self._letters

    def __iter__(self):
        return iter(self._letters)

    def __len__(self) -> int:
        return len(self._letters)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class Notice(NamedTuple):
    """Something the reader noticed about the workbook's layout, as a finding (codes: addin.core.findings)."""
    code: str
    sheet: str
    cell: str
    column: str
    message: str


class CellIssue(NamedTuple):
    """A cell python-calamine reads as empty although it is not (see SheetXml)."""
    code: str          # "cell-error" | "formula-no-value"
    key: str           # column key
    detail: str = ""   # the error value, e.g. "#DIV/0!"


class CellScanner(Protocol):
    def special_cells(self, sheet_name: str, first_row: int, last_row: int,
                      columns: Iterable[int]) -> dict[tuple[int, int], tuple[str, str]]: ...


@dataclass
class SheetData:
    sheet: Sheet
    rows: list[Row] = field(default_factory=list)
    present: bool = True
    missing_columns: list[str] = field(default_factory=list)   # titles absent from the header
    unknown_columns: list[str] = field(default_factory=list)   # header titles not in the contract
    unknown_cells: list[str] = field(default_factory=list)     # A1 address of each unknown_columns title
    name: str = ""                                             # sheet name in the workbook, if not the contract title
    header_row: int = 1                                        # Excel row of the header
    column_index: dict[str, int] = field(default_factory=dict)  # column key -> 0-based column
    scan_cells: bool = False           # known to hold error cells: validate looks at its cells in any case
    issues: dict[str, CellIssue] | None = None                 # A1 -> issue, once looked up (cell_issues)

    @property
    def where(self) -> str:
        """The sheet's name in the workbook (for findings)."""
        return self.name or self.sheet.title


@dataclass
class ReturnedWorkbook:
    path: Path
    meta: dict[str, str]
    info: Row                                 # the 基本信息 form as one row
    sheets: dict[str, SheetData]              # table sheets by key
    notes: list[tuple[str, str]] = field(default_factory=list)   # (finding code, message) about the file itself
    notices: list[Notice] = field(default_factory=list)          # layout: renamed/extra sheets, moved header, merges
    info_present: bool = True                 # False when the form sheet is missing
    info_name: str = ""                       # the form sheet's name in the workbook, if renamed
    info_scan: bool = False                   # the form sheet is known to hold error cells
    cells: CellScanner | None = field(default=None, repr=False)  # error and formula cells, on demand
    info_issues: dict[str, CellIssue] | None = None

    @property
    def city_code(self) -> str:
        return str(self.meta.get("city_code") or self.info.get("city_code") or "").strip()

    @property
    def city_name(self) -> str:
        return str(self.info.get("city") or self.meta.get("city_name") or "").strip()

    def cell_issues(self, key: str, contract: Contract | None = None) -> dict[str, CellIssue]:
        """Error cells and formulas without a result in the data of sheet ``key`` (a table key, or
        the form's key), by A1 address; read from the sheet XML on the first call, {} without it.

        python-calamine returns both kinds as empty cells; validate asks only where it matters (a
        finding on an empty cell, or a sheet known to hold error values), because inflating the
        sheet XML again would cost about as much as reading the sheet.
        """
        data = self.sheets.get(key)
        if data is not None:
            if data.issues is None:
                data.issues = {}
                if self.cells is not None and data.present and data.rows and data.column_index:
                    by_col = {i: data.sheet.column(k) for k, i in data.column_index.items()}
                    found = self.cells.special_cells(data.where, data.header_row + 1, data.rows[-1].row, by_col)
                    data.issues = _cell_issues(found, by_col, lambda r, i: by_col[i])
            return data.issues
        if self.info_issues is None:
            self.info_issues = {}
            form = next((s for s in (contract or load_contract()).sheets if s.key == key and s.kind == "form"), None)
            if self.cells is not None and self.info_present and form is not None and self.info.cells:
                by_row = {int(a1[1:]): form.column(k) for k, a1 in self.info.cells.items()}
                found = self.cells.special_cells(self.info_name or form.title, min(by_row), max(by_row), (1,))
                self.info_issues = _cell_issues(found, {1: None}, lambda r, i: by_row.get(r))
        return self.info_issues


def _cell_issues(found: dict[tuple[int, int], tuple[str, str]], columns: Any,
                 column_at: Callable[[int, int], Column | None]) -> dict[str, CellIssue]:
    out: dict[str, CellIssue] = {}
    for (r, i), (code, detail) in sorted(found.items()):
        if i not in columns:
            continue
        col = column_at(r, i)
        if col is None or (code == "formula-no-value" and col.locked):
            continue                      # a locked column's formula is the template's own (e.g. 行政区划代码)
        out[f"{column_letter(i)}{r}"] = CellIssue(code, col.key, detail)
    return out


def sniff(path: Path, data: bytes | None = None, limits: Limits = DEFAULT_LIMITS) -> Package:
    """What the file is (see workbook_templates.package); ReadError when it must not be parsed."""
    path = Path(path)
    if data is None:
        try:
            check_size(path.stat().st_size, limits)
            data = path.read_bytes()
        except OSError as exc:
            from addin.infra.paths import oserror_cause

            raise ReadError(path, "unreadable-file", f"无法打开文件：{oserror_cause(exc, reading=True)}") from None
        except PackageError as err:
            raise ReadError(path, err.code, err.message) from None
    try:
        return open_package(data, path.suffix, limits)
    except PackageError as err:
        raise ReadError(path, err.code, err.message) from None


def open_calamine(path: str | Path, data: bytes | None = None,
                  limits: Limits = DEFAULT_LIMITS) -> tuple[python_calamine.CalamineWorkbook, Package]:
    """The file checked by sniff() and opened by python-calamine; ReadError with a Chinese message."""
    import python_calamine

    path = Path(path)
    package = sniff(path, data, limits)
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(package.data))
    except Exception as exc:  # calamine raises its own error types for corrupt parts
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise ReadError(path, "encrypted-file", "文件设置了打开密码（已加密），程序不会尝试打开：请取消密码后另存为 .xlsx 重新报送") from None
        if package.legacy:
            raise ReadError(path, "unsupported-format",
                            f"文件为{KIND_NAMES[package.kind]}，无法读取其中的数据（{type(exc).__name__}）。{SAVE_AS_XLSX}") from None
        raise ReadError(path, "unreadable-file", f"文件已损坏，无法读取（{type(exc).__name__}），请重新保存后报送") from None
    return wb, package


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


def column_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


# -- header titles ------------------------------------------------------------------------------
_SPACE = re.compile(r"\s+")
_TITLE_MAPS: dict[int, tuple[Sheet, dict[str, Column]]] = {}


def norm_title(v: Any) -> str:
    """A header title as compared: NFKC (full-width brackets and letters to half-width), no whitespace."""
    if v is None:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", v if type(v) is str else str(_text(v))))


_COMPUTED_NORM = frozenset(map(norm_title, COMPUTED_TITLES))  # columns of formulas, not data


def _title_map(sheet: Sheet) -> dict[str, Column]:
    """Title (as written and normalised) -> column, for one sheet (cached)."""
    hit = _TITLE_MAPS.get(id(sheet))
    if hit is None or hit[0] is not sheet:
        by: dict[str, Column] = {}
        for c in sheet.columns:
            by.setdefault(norm_title(c.title), c)
        for c in sheet.columns:
            by[c.title] = c
        hit = _TITLE_MAPS[id(sheet)] = (sheet, by)
    return hit[1]


def _column_of(by: dict[str, Column], v: Any) -> Column | None:
    if type(v) is str:
        col = by.get(v)
        if col is not None or not v:
            return col
    elif v is None:
        return None
    return by.get(norm_title(v))


def _header_score(by: dict[str, Column], raw: list[Any]) -> int:
    """How many distinct contract titles the row holds."""
    keys = set()
    for v in raw:
        col = _column_of(by, v)
        if col is not None:
            keys.add(col.key)
    return len(keys)


def _find_header(sheet: Sheet, data: list[list[Any]]) -> int:
    """0-based index of the header row: row 1 unless a row among the first few holds clearly more titles."""
    by = _title_map(sheet)
    n = len(sheet.columns)
    first = _header_score(by, data[0])
    if first == n:
        return 0
    best, at = first, 0
    for i in range(1, min(len(data), HEADER_SEARCH_ROWS)):
        score = _header_score(by, data[i])
        if score > best:
            best, at = score, i
    return at if best >= max(2, (n + 1) // 2) else 0


def _table_share(sheet: Sheet, data: list[list[Any]]) -> float:
    """Share of the sheet's column titles found in the best header row among the first rows of ``data``."""
    by = _title_map(sheet)
    best = max((_header_score(by, raw) for raw in data[:HEADER_SEARCH_ROWS]), default=0)
    return best / len(sheet.columns)


def _form_share(sheet: Sheet, data: list[list[Any]]) -> float:
    by = _title_map(sheet)
    keys = {col.key for raw in data if raw for col in [_column_of(by, raw[0])] if col is not None}
    return len(keys) / len(sheet.columns)


def _range_a1(r0: int, c0: int, r1: int, c1: int) -> str:
    return f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"


def _merged_notice(name: str, r0: int, c0: int, r1: int, c1: int) -> Notice:
    top = f"{column_letter(c0)}{r0 + 1}"
    rng = _range_a1(r0, c0, r1, c1)
    return Notice("merged-cells", name, top, "",
                  f"{rng} 为合并单元格：只读取左上角 {top} 的值，其余单元格按空白处理（未向下填充）。"
                  "合并单元格只有左上角有值，请取消合并并逐行填写")


def _read_table(sheet: Sheet, data: list[list[Any]], merged: Iterable[Any] = (), name: str = "",
                notices: list[Notice] | None = None) -> SheetData:
    """One table sheet: header found (row 1, or moved down by inserted title rows), columns mapped
    by title, every non-empty row read with its Excel row number.

    ``merged``: the sheet's merged ranges as python-calamine gives them, ((r0, c0), (r1, c1)) 0-based
    inclusive; ``notices`` collects what the reader noticed (moved header, merged data cells).
    """
    out = SheetData(sheet, name="" if name in ("", sheet.title) else name)
    where = out.where
    if not data:
        out.missing_columns = [c.title for c in sheet.columns]
        return out
    h = _find_header(sheet, data)
    out.header_row = h + 1
    by = _title_map(sheet)
    index: dict[str, int] = {}
    for i, title in enumerate(data[h]):
        col = _column_of(by, title)
        if col is not None:
            if col.key not in index:
                index[col.key] = i
        elif not _empty(title):
            shown = str(_text(title)).strip()
            if norm_title(shown) not in _COMPUTED_NORM:
                out.unknown_columns.append(shown)
                out.unknown_cells.append(f"{column_letter(i)}{h + 1}")
    out.column_index = index
    out.missing_columns = [c.title for c in sheet.columns if c.key not in index]
    if h and notices is not None:
        first = column_letter(min(index.values())) if index else "A"
        notices.append(Notice("header-moved", where, f"{first}{h + 1}", "",
                              f"表头应在第 1 行，实际在第 {h + 1} 行，已按第 {h + 1} 行读取（上方的标题等行已忽略）；"
                              "请删除表头上方插入的行，保持第 1 行为表头"))
    letters = {key: column_letter(i) for key, i in index.items()}
    text_keys = {c.key for c in sheet.columns if c.type in TEXT_TYPES}
    plan = [(key, i, key in text_keys) for key, i in index.items()]  # one entry per mapped column
    for r, raw in enumerate(data[h + 1:], h + 2):
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
            out.rows.append(Row(r, values, CellRefs(letters, r)))
    if merged and notices is not None and index:
        mapped = set(index.values())
        for (r0, c0), (r1, c1) in merged:
            if r1 > h and any(c0 <= i <= c1 for i in mapped):
                notices.append(_merged_notice(where, r0, c0, r1, c1))
    return out


def _read_form(sheet: Sheet, data: list[list[Any]], merged: Iterable[Any] = (), name: str = "",
               notices: list[Notice] | None = None) -> Row:
    """The form sheet: one field per row, title in column A (normalised), value in column B."""
    by = _title_map(sheet)
    values: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for r, raw in enumerate(data, 1):
        if not raw:
            continue
        col = _column_of(by, raw[0])
        if not col:
            continue
        cells[col.key] = f"B{r}"
        v = raw[1] if len(raw) > 1 else None
        if not _empty(v):
            values[col.key] = _text(v) if col.type in TEXT_TYPES else v
    if merged and notices is not None and cells:
        rows = {int(a1[1:]) - 1 for a1 in cells.values()}
        for (r0, c0), (r1, c1) in merged:
            if c0 <= 1 <= c1 and any(r0 <= r <= r1 for r in rows):
                notices.append(_merged_notice(name or sheet.title, r0, c0, r1, c1))
    return Row(0, values, cells)


def meta_from_rows(rows: list[list[Any]]) -> dict[str, str]:
    """The metadata sheet's key/value rows as a dict."""
    return {str(r[0]): str(_text(r[1]) if len(r) > 1 and r[1] is not None else "") for r in rows if r and r[0]}


def read_meta(wb: python_calamine.CalamineWorkbook) -> dict[str, str] | None:
    if META_SHEET not in wb.sheet_names:
        return None
    try:
        return meta_from_rows(wb.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False))
    except Exception:  # an unreadable metadata sheet: the file is refused as not one of ours
        return None


def _match_renamed(absent: list[Sheet], unknown: list[str],
                   rows: Callable[[str], list[list[Any]] | None]) -> list[tuple[Sheet, str]]:
    """Unknown sheets to read as missing ones: best header match first, each sheet used once."""
    pairs: list[tuple[float, int, Sheet, str]] = []
    for n, name in enumerate(unknown):
        try:
            data = rows(name)
        except ReadError:
            continue
        if not data:
            continue
        for sheet in absent:
            share = _form_share(sheet, data) if sheet.kind == "form" else _table_share(sheet, data)
            if share >= RENAMED_MIN_SHARE:
                pairs.append((-share, n, sheet, name))
    pairs.sort(key=lambda p: (p[0], p[1]))
    taken_sheets: set[str] = set()
    taken_names: set[str] = set()
    out = []
    for _, _, sheet, name in pairs:
        if sheet.key in taken_sheets or name in taken_names:
            continue
        taken_sheets.add(sheet.key)
        taken_names.add(name)
        out.append((sheet, name))
    return out


def assemble(path: str | Path, meta: dict[str, str] | None, sheet_rows: Callable[[str], list[list[Any]] | None],
             contract: Contract | None = None, campaign_id: str | None = None, *,
             sheet_names: Iterable[str] | None = None,
             merged_ranges: Callable[[str], Iterable[Any]] | None = None,
             cells: CellScanner | None = None) -> ReturnedWorkbook:
    """A ReturnedWorkbook from the metadata and each sheet's rows (from A1), whatever read them.

    ``sheet_rows(name)`` returns the sheet's values or None when the sheet is absent. Used by
    read_workbook (python-calamine) and by the add-in (the open book through xlwings).
    Optional, when the caller can tell: ``sheet_names`` (all sheets of the book: renamed data
    sheets are recognised by their header, foreign sheets reported), ``merged_ranges(name)``
    (python-calamine's ((r0, c0), (r1, c1)) tuples, called after ``sheet_rows(name)``) and
    ``cells`` (error and formula cells on demand, see ReturnedWorkbook.cell_issues).
    """
    path = Path(path)
    contract = contract or load_contract()
    if meta is None or meta.get("template_id") != contract.template_id:
        raise ReadError(path, "template-mismatch",
                        "不是本活动下发的标准填报表（缺少模板标识），请使用下发的模板填报后重新报送")
    if campaign_id and meta.get("campaign_id") != campaign_id:
        raise ReadError(path, "template-mismatch",
                        f"该表属于其他活动（{meta.get('campaign_id')}），不是本次活动（{campaign_id}）的填报表")
    notices: list[Notice] = []
    source = {s.key: s.title for s in contract.sheets}   # contract sheet -> the workbook's sheet to read
    seen: dict[str, list[list[Any]] | None] = {}          # foreign sheets read while matching

    def rows(name: str) -> list[list[Any]] | None:
        if name not in seen:
            seen[name] = sheet_rows(name)
        return seen[name]

    if sheet_names is not None:
        names = list(sheet_names)
        known = {s.title for s in contract.sheets} | OWN_SHEETS
        unknown = [n for n in names if n not in known]
        absent = [s for s in contract.sheets if s.title not in names]
        if unknown and absent:
            for sheet, name in _match_renamed(absent, unknown, rows):
                source[sheet.key] = name
                unknown.remove(name)
                notices.append(Notice("sheet-renamed", name, "", "",
                                      f"工作表“{name}”应名为“{sheet.title}”，已按“{sheet.title}”读取；请恢复原名"))
        for name in unknown:
            notices.append(Notice("extra-sheet", name, "", "",
                                  f"多余的工作表“{name}”，汇总时忽略；如其中有应报送的数据，请填入模板中对应的工作表"))
    patched = getattr(cells, "patched", ())
    info = Row(0, {}, {})
    info_present, info_name = True, ""
    sheets: dict[str, SheetData] = {}
    for sheet in contract.sheets:
        name = source[sheet.key]
        data = seen.pop(name) if name in seen else sheet_rows(name)
        if data is None:
            if sheet.kind == "table":
                sheets[sheet.key] = SheetData(sheet, present=False, missing_columns=[c.title for c in sheet.columns])
            else:
                info_present = False
            continue
        merged = merged_ranges(name) if merged_ranges is not None else ()
        if sheet.kind == "form":
            info = _read_form(sheet, data, merged, name, notices)
            info_name = "" if name == sheet.title else name
        else:
            sheets[sheet.key] = out = _read_table(sheet, data, merged, name, notices)
            out.scan_cells = name in patched
    return ReturnedWorkbook(path=path, meta=meta, info=info, sheets=sheets, notices=notices,
                            info_present=info_present, info_name=info_name, cells=cells,
                            info_scan=any(s.kind == "form" and source[s.key] in patched for s in contract.sheets))


# -- cells python-calamine cannot tell from empty ones ------------------------------------------
_P = rb"(?:[A-Za-z_][\w.-]*:)?"                      # an optional namespace prefix (x:c)
_CELL_RE = re.compile(rb"<" + _P + rb"c\s([^>]*?)(?:/>|>(.*?)</" + _P + rb"c>)", re.S)
_REF_RE = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_TYPE_RE = re.compile(rb'\bt="([A-Za-z]+)"')
_FORMULA_RE = re.compile(rb"<" + _P + rb"f[\s/>]")
_VALUE_RE = re.compile(rb"<" + _P + rb"v(?:\s*/>|>([^<]*)</" + _P + rb"v>)")
_INLINE_RE = re.compile(rb"<" + _P + rb"is[\s>]")
_ROW_NUMBER_RE = re.compile(rb'\br="([0-9]+)"')
_SHEETDATA_RE = re.compile(rb"<([A-Za-z_][\w.-]*:)?sheetData\b")


def _cells_with_formula_or_error(xml: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(attributes, content) of the ``<c>`` elements of ``xml`` holding a formula or an error value,
    each once, in order. Found by plain byte search: a sheet has many cells and few of these."""
    prefix = _SHEETDATA_RE.search(xml)
    p = (prefix.group(1) or b"") if prefix else b""
    opening, closing = b"<" + p + b"c ", b"</" + p + b"c>"
    starts = set()
    for needle in (b"<" + p + b"f", b't="e"'):
        at = xml.find(needle)
        while at >= 0:
            start = xml.rfind(opening, 0, at)
            if start >= 0:
                starts.add(start)
            at = xml.find(needle, at + 1)
    for start in sorted(starts):
        gt = xml.find(b">", start)
        if gt < 0:
            continue
        attrs = xml[start + len(opening):gt]
        if attrs.endswith(b"/"):
            yield attrs[:-1], b""
            continue
        end = xml.find(closing, gt)
        yield attrs, xml[gt + 1:end] if end >= 0 else b""


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


class SheetXml:
    """Error values and formulas without a result, straight from an .xlsx package's sheet XML.

    python-calamine 0.9.1 reads an error cell (#DIV/0!, #REF!, #N/A, #VALUE!, #NAME?, #NUM!,
    #NULL!) and a formula without a cached result both as "" (an empty cell), exposes no
    formulas, and refuses a whole sheet over an error value it does not know (#SPILL!, #CALC!,
    #GETTING_DATA, …). Inflating a sheet's XML costs about as much as python-calamine's own
    reading of it, so it is done on demand only, and only up to the last row asked for.
    """

    def __init__(self, data: bytes):
        self.data = data
        self.patched: set[str] = set()          # sheets read from a copy with unknown error values replaced
        self._members: dict[str, str] | None = None

    def _zip(self):
        import zipfile

        return zipfile.ZipFile(io.BytesIO(self.data))

    def members(self) -> dict[str, str]:
        """Sheet name -> package member of its XML."""
        if self._members is None:
            try:
                with self._zip() as zf:
                    self._members = sheet_members(zf)
            except Exception:
                self._members = {}
        return self._members

    def _head(self, member: str, last_row: int) -> bytes:
        """The sheet XML up to (at least) the end of row ``last_row``."""
        chunks: list[bytes] = []
        with self._zip() as zf, zf.open(member) as f:
            while True:
                chunk = f.read(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
                tail = (chunks[-2][-200:] if len(chunks) > 1 else b"") + chunk
                at = max(tail.rfind(b"<row "), tail.rfind(b":row "))
                end = tail.find(b">", at)
                number = _ROW_NUMBER_RE.search(tail, at, end) if at >= 0 and end > at else None
                if number and int(number.group(1)) > last_row:
                    break
        return b"".join(chunks)

    def special_cells(self, sheet_name: str, first_row: int, last_row: int,
                      columns: Iterable[int]) -> dict[tuple[int, int], tuple[str, str]]:
        """(Excel row, 0-based column) -> ("cell-error", "#DIV/0!") or ("formula-no-value", "")
        for the cells of ``columns`` in rows ``first_row``..``last_row``; {} if it cannot tell."""
        import html

        member = self.members().get(sheet_name)
        if not member or last_row < first_row:
            return {}
        wanted = set(columns)
        try:
            xml = self._head(member, last_row)
        except Exception:
            return {}
        out: dict[tuple[int, int], tuple[str, str]] = {}
        for attrs, body in _cells_with_formula_or_error(xml):
            ref = _REF_RE.search(attrs)
            if not ref:
                continue
            r, i = int(ref.group(2)), _column_number(ref.group(1))
            if not first_row <= r <= last_row or i not in wanted:
                continue
            t = _TYPE_RE.search(attrs)
            kind = t.group(1) if t else b"n"
            v = _VALUE_RE.search(body) if body else None
            if kind == b"e":
                text = html.unescape(v.group(1).decode("utf-8", "replace")) if v and v.group(1) else ""
                out[(r, i)] = ("cell-error", text.strip() or "#N/A")
            elif body and _FORMULA_RE.search(body) and not (v and (v.group(1) or kind == b"str")) \
                    and not _INLINE_RE.search(body):
                out[(r, i)] = ("formula-no-value", "")
        return out

    def without_unknown_errors(self, sheet_name: str) -> bytes | None:
        """A copy of the package in which sheet ``sheet_name``'s error values python-calamine does not
        know are #N/A (so the rest of the sheet can be read); None if there is nothing to replace."""
        member = self.members().get(sheet_name)
        if not member:
            return None

        def known(m: re.Match) -> bytes:
            attrs, body = m.group(1), m.group(2)
            if not body or b't="e"' not in attrs:
                return m.group(0)
            v = _VALUE_RE.search(body)
            if not v or v.group(1) is None or v.group(1).strip().decode("utf-8", "replace") in EXCEL_ERRORS:
                return m.group(0)
            start = m.start(2) - m.start(0)
            whole = m.group(0)
            return whole[:start + v.start(1)] + b"#N/A" + whole[start + v.end(1):]

        try:
            with self._zip() as zf:
                xml = zf.read(member)
                fixed = _CELL_RE.sub(known, xml)
                if fixed == xml:
                    return None
                copy = repack(zf, {member: fixed})
        except Exception:
            return None
        self.patched.add(sheet_name)
        return copy


def read_workbook(path: str | Path, contract: Contract | None = None,
                  campaign_id: str | None = None, data: bytes | None = None,
                  limits: Limits | None = None) -> ReturnedWorkbook:
    """Read a returned workbook; raise ReadError (Chinese message) if it is not one of ours.

    ``data``: the file's bytes when the caller has read them already (to hash them once).
    """
    path = Path(path)
    contract = contract or load_contract()
    wb, package = open_calamine(path, data, limits or DEFAULT_LIMITS)
    cells = SheetXml(package.data) if package.kind in ("xlsx", "xlsm") else None
    merged: dict[str, Any] = {}

    def sheet_rows(title: str) -> list[list[Any]] | None:
        if title not in wb.sheet_names:
            return None
        try:
            sheet = wb.get_sheet_by_name(title)
            rows = sheet.to_python(skip_empty_area=False)
        except Exception as exc:
            # python-calamine refuses a sheet over an error value it does not know (#SPILL!, #CALC!):
            # read a copy in which those are #N/A; SheetXml reports the real values
            copy = cells.without_unknown_errors(title) if cells is not None and "error value" in str(exc) else None
            try:
                if copy is None:
                    raise exc
                import python_calamine

                sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(copy)).get_sheet_by_name(title)
                rows = sheet.to_python(skip_empty_area=False)
            except Exception:
                raise ReadError(path, "unreadable-file", f"工作表“{title}”无法读取（{type(exc).__name__}）") from None
        try:
            merged[title] = sheet.merged_cell_ranges or ()
        except Exception:
            merged[title] = ()
        return rows

    returned = assemble(path, read_meta(wb), sheet_rows, contract, campaign_id, sheet_names=list(wb.sheet_names),
                        merged_ranges=lambda title: merged.get(title, ()), cells=cells)
    returned.notes.extend(package.notes)
    return returned
