"""Validation of a returned workbook into findings, and its normalised records.

Every check reads the contract (types, choices, bounds, windows) or the rule catalog
(spot-check judgments); the cross-field checks are declared once in the contract
(contract.toml [[checks]]) and interpreted here and, as conditional formats, in the workbook
(workbook_templates/crossfield.py), so the two cannot drift apart. Each finding names file, sheet, cell and column; judgments name
their basis (standard and clause).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from addin.core import normalize as nz
from addin.infra.celltext import CELL_LIMIT, utf16_units
from addin.core.idcodes import check_credit_code, check_id_number
from addin.core.findings import REFUSED, Finding
from addin.rules.catalogs import campaign_rules
from addin.rules.judge import judge
from addin.campaign.settings import Campaign
from workbook_templates import crossfield as cf
from workbook_templates.contract import Column, Contract, load_contract, version_key
from workbook_templates.reader import ReadError, ReturnedWorkbook, Row, column_letter, read_workbook

LONG_TEXT = CELL_LIMIT // 2   # up to this many characters a text is within the limit whatever they are
NUMERIC_TYPES = ("int", "number")
_PLAIN_TEXT = frozenset({"text", "longtext"})   # column types normalise() only cleans

PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")
_PHONE_JUNK = re.compile(r"[()\s]")       # brackets and spaces dropped from a phone number
URL_RE = re.compile(r"^https?://\S+$", re.I)
VERDICTS = ("合格", "不合格", "需复检")


@dataclass
class Record:
    """One row after normalisation: values by column key, plus where it came from."""
    row: int
    values: dict[str, Any]
    cells: dict[str, str]


@dataclass
class Validated:
    file: str
    findings: list[Finding] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    records: dict[str, list[Record]] = field(default_factory=dict)
    workbook: ReturnedWorkbook | None = None


class _Problem(NamedTuple):
    """What is wrong with a cell's value, before it is placed (file, sheet, cell) as a Finding."""
    code: str
    message: str
    basis: str = ""
    value: Any = None


@functools.lru_cache(maxsize=64)
def _folded_choices(choices: tuple[str, ...]) -> dict[str, str]:
    """Folded spelling (half-width, no spaces) -> the choice as listed."""
    return {nz.to_halfwidth(c).replace(" ", ""): c for c in choices}


def _show(v: Any) -> str:
    if type(v) is dt.date:
        return _show_date(v)
    if isinstance(v, dt.datetime):
        return f"{v:%Y-%m-%d %H:%M}" if (v.hour or v.minute) else f"{v:%Y-%m-%d}"
    if isinstance(v, dt.date):
        return f"{v:%Y-%m-%d}"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


@functools.lru_cache(maxsize=1024)
def _show_date(d: dt.date) -> str:
    """Cached: the same few dates recur on every row of a return."""
    return f"{d:%Y-%m-%d}"


class _Checker:
    def __init__(self, campaign: Campaign, contract: Contract, file: str):
        self.campaign = campaign
        self.contract = contract
        self.file = file
        self.findings: list[Finding] = []
        self._memo: dict[tuple[str, str], dict[Any, tuple[Any, _Problem | None, str]]] = {}  # see table()
        self._titles: dict[str, dict[str, str]] = {}

    def add(self, code: str, sheet: str, cell: str, column: str, message: str, basis: str = "", value: Any = None):
        self.findings.append(Finding(code=code, message=message, file=self.file, sheet=sheet, cell=cell,
                                     column=column, basis=basis, value="" if value is None else _show(value)))

    def titles(self, sheet_key: str) -> dict[str, str]:
        """Column key -> title for one sheet (for the cross-field checks)."""
        titles = self._titles.get(sheet_key)
        if titles is None:
            titles = self._titles[sheet_key] = {c.key: c.title for c in self.contract.sheet(sheet_key).columns}
        return titles

    # -- one cell --------------------------------------------------------------
    def value(self, sheet: str, col: Column, raw: Any, cell: str) -> Any:
        """The normalised value of one non-empty cell, or None after reporting why it is unusable.

        For the form sheet's single cells; table() does the same per cell with a memo per column.
        """
        value, problem = self.normalise(col, raw)
        if problem is not None:
            self.add(problem.code, sheet, cell, col.title, problem.message, basis=problem.basis, value=problem.value)
        return value

    def normalise(self, col: Column, raw: Any) -> tuple[Any, _Problem | None]:
        """One non-empty value of a column: its normalised form (None when unusable) and what is wrong.

        Depends on the column and the value only, never on the cell (value() places the problem).
        """
        t = col.type
        if t in _PLAIN_TEXT:  # most distinct values of a return: the end of this method, straight away
            text = nz.clean_text(raw)
            if text is None:
                return None, None
            if len(text) > LONG_TEXT:
                problem = _too_long(col.title, raw)
                if problem is not None:
                    return text, problem
            return text, None
        if t in ("int", "number"):
            return self._normalise_number(col, raw)
        if t == "date":
            return self._normalise_date(col, raw)
        return self._normalise_text(col, raw)

    def _normalise_number(self, col: Column, raw: Any) -> tuple[Any, _Problem | None]:
        """normalise() of an int or number column: parsed, integral when it must be, within bounds."""
        t, title = col.type, col.title
        x = nz.parse_number(raw)
        if x is None:
            if type(raw) is str and len(raw) > LONG_TEXT:
                return None, _too_long(title, raw) or _Problem("type-error", f"“{title}”应为数值，无法识别为数字")
            return None, _Problem("type-error", f"“{title}”应为数值，填写的“{_show(raw)}”无法识别为数字", value=raw)
        if t == "int":
            if abs(x - round(x)) > 1e-9:
                return None, _Problem("type-error", f"“{title}”应为整数，填写的是 {_show(raw)}", value=raw)
            x = int(round(x))
        lo, hi = col.min, col.max
        if (lo is not None and x < lo) or (hi is not None and x > hi):
            rng = f"{_show(float(lo)) if lo is not None else ''}～{_show(float(hi)) if hi is not None else ''}"
            return None, _Problem("out-of-range", f"“{title}”应在 {rng} 之间，填写的是 {_show(x)}", value=raw)
        return x, None

    def _normalise_date(self, col: Column, raw: Any) -> tuple[Any, _Problem | None]:
        """normalise() of a date column: a real date, plausible for the campaign, in its window when asked."""
        title = col.title
        d = nz.parse_date(raw, default_year=self.campaign.year)
        if d is None:
            if type(raw) is str and len(raw) > LONG_TEXT:
                return None, _too_long(title, raw) or _Problem("type-error", f"“{title}”应为日期，不是有效日期")
            return None, _Problem("type-error", f"“{title}”应为日期（如 {self.campaign.activity_start:%Y-%m-%d}），填写的“{_show(raw)}”不是有效日期", value=raw)
        if not self.campaign.plausible(d):  # a typo such as 2032 for 2022: an error, whatever the column
            c = self.campaign
            return d, _Problem("date-implausible",
                               f"“{title}”为 {d:%Y-%m-%d}，与本次活动（{c.activity_start:%Y-%m-%d} 至报送截止 "
                               f"{c.report_deadline:%Y-%m-%d}）相差一年以上，应为填写错误",
                               basis=c.doc_number, value=raw)
        if col.window and not self.campaign.in_window(d):
            c = self.campaign
            return d, _Problem("date-outside-campaign",
                               f"“{title}”为 {d:%Y-%m-%d}，不在活动期间（{c.activity_start:%Y-%m-%d} 至 {c.activity_end:%Y-%m-%d}）",
                               basis=c.doc_number, value=raw)
        return d, None

    def _normalise_text(self, col: Column, raw: Any) -> tuple[Any, _Problem | None]:
        """normalise() of a text-like column with a form to check: yes/no, choice, codes, phone, URL, numbers."""
        t, title = col.type, col.title
        text = nz.clean_text(raw)
        if text is None:
            return None, None
        if len(text) > LONG_TEXT:
            problem = _too_long(title, raw)
            if problem is not None:  # kept as read: only a program can write this much into a cell
                return text, problem
        if t == "yesno":
            yn = nz.parse_yes_no(text)
            if yn is None:
                return None, _Problem("not-in-choices", f"“{title}”应填“是”或“否”，填写的是“{text}”", value=raw)
            return ("是" if yn else "否"), None
        if t == "choice":
            choices = self.contract.choices(col)
            match = _folded_choices(choices).get(nz.to_halfwidth(text).replace(" ", ""))
            if match is None:
                shown = "、".join(choices[:10]) + ("等" if len(choices) > 10 else "")
                return None, _Problem("not-in-choices", f"“{title}”填写的“{text}”不在可选范围内（{shown}）", value=raw)
            return match, None
        if t == "credit_code":
            res = check_credit_code(text)
            if not res.ok:
                return res.normalized or text, _Problem("invalid-credit-code", f"“{title}”{res.message}",
                                                        basis="GB 32100-2015", value=raw)
            return res.normalized or text, None
        if t == "idno":
            res = check_id_number(text)
            if not res.ok:
                # never echo an ID number into a finding: it is personal data
                return res.normalized or text, _Problem("invalid-id-number", f"“{title}”{res.message}", basis="GB 11643-1999")
            return res.normalized or text, None
        if t == "phone":
            phone = nz.to_halfwidth(text).replace("（", "(").replace("）", ")")
            phone = _PHONE_JUNK.sub("", phone).replace("—", "-")
            if not PHONE_RE.match(phone):
                return phone, _Problem("type-error", f"“{title}”不是有效的电话号码", value=None)
            return phone, None
        if t == "url":
            url = nz.to_halfwidth(text)
            if not URL_RE.match(url):
                return url, _Problem("type-error", f"“{title}”应为以 http:// 或 https:// 开头的网址，填写的是“{text}”", value=raw)
            return url, None
        if t == "numbers":
            if nz.parse_numbers(text) is None:
                return text, _Problem("type-error", f"“{title}”应为一个或多个数值（用顿号或逗号分隔），填写的“{text}”无法识别", value=raw)
            return text, None
        return text, None

    # -- one sheet ---------------------------------------------------------------
    def table(self, sheet_key: str, rows: list[Row], where: str = "") -> list[Record]:
        """``where``: the sheet's name in the workbook when it is not the contract title (renamed).

        Every cell of a return passes through the inner loop, so it does what value() does
        inline: a str, date or float cell is looked up in its column's memo of (normalised
        value, problem, text as shown) for this file, and only a value seen for the first time
        is normalised. Findings are placed in the same order as value() would.
        """
        sheet = self.contract.sheet(sheet_key)
        title, columns = where or sheet.title, sheet.columns
        check = _ROW_CHECKS.get(sheet_key)
        cross = self.contract.checks_of(sheet_key)
        out: list[Record] = []
        seen: dict[tuple, int] = {}
        plan = [(c.key, c, c.required, self._memo.setdefault((title, c.key), {})) for c in columns]
        normalise, add, date = self.normalise, self.add, dt.date
        for row in rows:
            raw, cells = row.values, row.cells
            values: dict[str, Any] = {}
            shown: list[str] = []  # the row as shown, to spot a row typed twice
            for key, col, required, memo in plan:
                if key in raw:
                    v = raw[key]
                    t = type(v)
                    if t is str or t is date or (t is float and v):
                        # one memo per column for all three: values of different types never
                        # compare equal (0.0 is left out: it equals -0.0, which reads otherwise)
                        known = memo.get(v)
                        if known is None:
                            value, problem = normalise(col, v)
                            known = memo[v] = (value, problem, v.strip() if t is str else _show(v).strip())
                        value, problem, text = known
                    else:
                        value, problem = normalise(col, v)
                        text = _show(v).strip()
                    shown.append(text)
                    values[key] = value
                    if problem is not None:
                        add(problem.code, title, cells.get(key, ""), col.title, problem.message, basis=problem.basis,
                            value=problem.value)
                else:
                    shown.append("")
                    if required:
                        cell = cells.get(key, "")
                        if cell:
                            add("missing-required", title, cell, col.title, f"第 {row.row} 行“{col.title}”为必填项，未填写")
            signature = tuple(shown)
            first = seen.get(signature)
            if first is not None:
                cell = f"A{row.row}"
                self.add("duplicate-row", title, cell, columns[0].title, f"第 {row.row} 行与第 {first} 行内容完全相同，疑为重复填报")
            else:
                seen[signature] = row.row
            record = Record(row.row, values, cells)
            if check:
                check(self, title, record, row)
            if cross:
                _cross(self, title, record, row, cross)
            out.append(record)
        return out

    def info(self, wb: ReturnedWorkbook) -> dict[str, Any]:
        sheet = next(s for s in self.contract.sheets if s.kind == "form")
        where = wb.info_name or sheet.title
        values: dict[str, Any] = {}
        for col in sheet.columns:
            cell = wb.info.cells.get(col.key, "")
            if col.key not in wb.info.values:
                if col.required and col.key != "city_code":
                    self.add("missing-required", where, cell, col.title, f"基本信息“{col.title}”为必填项，未填写")
                continue
            values[col.key] = self.value(where, col, wb.info.values[col.key], cell)
        meta_code = str(wb.meta.get("city_code") or "")
        city = self.campaign.city_by_name(str(values.get("city") or "")) if values.get("city") else None
        if meta_code and city and city.code != meta_code:
            self.add("city-mismatch", where, wb.info.cells.get("city", ""), "城市",
                     f"基本信息中的城市“{values.get('city')}”与本表下发时的城市代码 {meta_code} 不一致")
        elif values.get("city") and not city:
            self.add("city-mismatch", where, wb.info.cells.get("city", ""), "城市",
                     f"城市“{values.get('city')}”不在本次活动的城市名单中")
        return values

    # -- cells python-calamine reads as empty: error values, formulas without a result -----------
    def special_cells(self, wb: ReturnedWorkbook, key: str, where: str, start: int,
                      filled: Any, force: bool = False) -> None:
        """Report the error cells and formulas without a result of sheet ``key`` and drop the other
        findings on those cells (the cell was not left empty: it has no usable value).

        Looked up only when the sheet is known to hold error values (``force``) or when a finding
        since ``start`` points at a cell the reader found empty (``filled()``: the cells with a
        value): a missing required value, a missing notice number, … may really be a #REF! or a
        formula that was never calculated. Clean sheets cost nothing.
        """
        new = self.findings[start:]
        if not force:
            if not new:
                return
            have = filled()
            if all(not f.cell or f.cell in have for f in new):
                return
        issues = wb.cell_issues(key, self.contract)
        if not issues:
            return
        self.findings[start:] = [f for f in new if f.cell not in issues]
        sheet = self.contract.sheet(key)
        for cell, issue in issues.items():
            col = sheet.column(issue.key)
            if issue.code == "cell-error":
                what = "实际数值" if col.type in NUMERIC_TYPES else ("实际日期" if col.type == "date" else "实际内容")
                self.add("cell-error", where, cell, col.title,
                         f"“{col.title}”单元格为错误值 {issue.detail}，请改为{what}；本次按空白处理", value=issue.detail)
            else:
                self.add("formula-no-value", where, cell, col.title,
                         f"“{col.title}”单元格是公式但没有计算结果，请在 Excel/WPS 中打开、重新计算并保存后报送；本次按空白处理")


def _too_long(title: str, raw: str) -> _Problem | None:
    units = utf16_units(raw)
    if units <= CELL_LIMIT:
        return None
    return _Problem("text-too-long",
                    f"“{title}”的内容长 {units:,} 个字符，超过 Excel 单元格上限 {CELL_LIMIT:,} 个字符"
                    "（在 Excel/WPS 中无法录入，应是其他程序生成）；已按原文读取，但写入 Excel 汇总表时会被截断，请精简后重新报送",
                    value=raw[:30] + "…")


def _version_key(v: str) -> tuple[int, ...] | None:
    """A dotted version as numbers without trailing zeros ("1.0" == "1"), or None if it is not one."""
    return version_key(v)


def _version_message(found: Any, current: str, contract: Contract | None = None) -> str | None:
    """The schema-version message for a return whose template version is ``found``; None if it is ours.

    An older return names what the newer template added (read as empty, no finding per column or row)."""
    found = str(found).strip() if found is not None else ""
    if found == current:
        return None
    if not found:
        return (f"本表没有模板版本号（当前模板版本为 {current}），可能不是用下发的模板填报的：已按当前模板的栏目读取，"
                "请核对栏目是否一致，今后请使用下发的模板")
    a, b = _version_key(found), _version_key(current)
    if a is not None and b is not None:
        if a == b:
            return None
        if a < b:
            added = _added_text(contract, found) if contract is not None else ""
            if added:
                return (f"本表为旧版模板（版本 {found}），当前为新版模板（版本 {current}）：新版新增的{added}按空白读取，"
                        "不逐行报错；请改用新版模板填报，以便报送整改跟踪情况")
            return (f"本表为旧版模板（版本 {found}），当前为新版模板（版本 {current}）：已按新版栏目读取，旧版没有的栏目会报"
                    "“缺少列”；请改用新版模板填报，或核对栏目无误后报送")
        return (f"本表模板版本 {found} 高于本程序支持的版本 {current}（程序版本低于模板）：请先更新质量月助手再校验和汇总；"
                f"本次按 {current} 版栏目读取，新增的栏目未读取")
    return f"模板版本为 {found}，当前版本为 {current}，请核对栏目是否一致"


def _added_text(contract: Contract, found: str) -> str:
    """“栏目（监督抽测：回执日期、…）和工作表“同批次自查””: what a return of version ``found`` lacks."""
    sheets, columns = contract.added_after(found)
    parts = []
    if columns:
        parts.append("栏目（" + "；".join(f"{contract.sheet(k).title}：{'、'.join(c.title for c in cols)}"
                                          for k, cols in columns.items()) + "）")
    if sheets:
        parts.append("工作表" + "、".join(f"“{s.title}”" for s in sheets))
    return "和".join(parts)


# -- the spot-check re-judgment ----------------------------------------------------------------
def _spotcheck(ck: _Checker, title: str, rec: Record, row: Row) -> None:
    v, cells, raw = rec.values, rec.cells, row.values   # (raw.get: Row.get without the method call)
    t = ck.titles("spotcheck")
    stated = v.get("stated")
    if v.get("item") is not None or raw.get("item") is not None:
        item = v.get("item") or nz.clean_text(raw.get("item"))
        if raw.get("measured") is not None and item:
            j = judge(item, nz.clean_text(raw.get("grade")), raw.get("measured"),
                      spec=raw.get("spec"), design=v.get("design"), on=ck.campaign.activity_start,
                      rules=campaign_rules(ck.campaign.rule_files))
            rec.values["judgment"] = j.result
            rec.values["basis"] = j.basis
            rec.values["judgment_message"] = j.message
            if j.result in ("无规则", "需人工判定"):  # 需人工判定: the message says what is unconfirmed
                ck.add("judgment-no-rule", title, cells.get("item", ""), t["item"], j.message)
            elif j.result == "数据不足":
                ck.add("judgment-insufficient", title, cells.get("measured", ""), t["measured"], j.message, basis=j.basis)
            elif stated is not None and stated != j.result:
                ck.add("judgment-mismatch", title, cells.get("stated", ""), t["stated"],
                       f"填写的判定为“{stated}”，按标准复核应为“{j.result}”：{j.message}", basis=j.basis, value=stated)


# -- cross-field checks: declared in contract.toml [[checks]], interpreted here and in the workbook --
def _cross(ck: _Checker, title: str, rec: Record, row: Row, checks) -> None:
    """Evaluate the sheet's declared cross-field checks on one row (workbook_templates.crossfield)."""
    ops = cf.Operands(row.values, rec.values, nz.parse_number)
    values = rec.values

    def show(key: str) -> str:
        v = values.get(key.lstrip("@"))
        return "" if v is None else _show(v)

    for chk in checks:
        if cf.holds(chk.when, ops):
            basis = ck.campaign.doc_number if chk.basis == "notice" else chk.basis
            ck.add(chk.code, title, rec.cells.get(chk.target, ""), ck.titles(chk.sheet)[chk.target],
                   cf.format_message(chk, show), basis=basis,
                   value=values.get(chk.target) if chk.show_value else None)


_ROW_CHECKS = {"spotcheck": _spotcheck}   # the rule catalog's re-judgment (not a cross-field check)


def validate_returned(wb: ReturnedWorkbook, campaign: Campaign, contract: Contract | None = None,
                      file_label: str | None = None, scan_cells: bool = False) -> Validated:
    """Findings and normalised records of a read workbook.

    ``scan_cells``: look for error cells and formulas without a result in every sheet, not only
    where a finding points at an empty cell (slower: each sheet's XML is inflated once more).
    """
    contract = contract or load_contract()
    nz.new_return()
    ck = _Checker(campaign, contract, file_label or wb.path.name)
    version = _version_message(wb.meta.get("schema_version"), contract.schema_version, contract)
    added_sheets, added_columns = contract.added_after(str(wb.meta.get("schema_version") or ""))
    later_sheets = {s.key for s in added_sheets}
    later_titles = {k: {c.title for c in cols} for k, cols in added_columns.items()}
    if version:
        ck.add("schema-version", "", "", "", version)
    for code, message in wb.notes:
        ck.add(code, "", "", "", message)
    for n in wb.notices:
        ck.add(n.code, n.sheet, n.cell, n.column, n.message)
    form = next(s for s in contract.sheets if s.kind == "form")
    if wb.info_present:
        start = len(ck.findings)
        info = ck.info(wb)
        ck.special_cells(wb, form.key, wb.info_name or form.title, start,
                         lambda: {wb.info.cells[k] for k in wb.info.values if k in wb.info.cells},
                         force=scan_cells or wb.info_scan)
    else:
        ck.add("missing-sheet", form.title, "", "",
               f"缺少工作表“{form.title}”（被删除或改名），填报单位、联系人等未读取；请从下发的模板中恢复该工作表并填写")
        info = {}
    records: dict[str, list[Record]] = {}
    for key, data in wb.sheets.items():
        title = data.sheet.title
        if not data.present:
            if key in later_sheets:     # an older template had no such sheet: empty, said once in schema-version
                records[key] = []
                continue
            ck.add("missing-sheet", title, "", "",
                   f"缺少工作表“{title}”（被删除或改名），该表的数据未读取；请从下发的模板中恢复该工作表并填写")
            records[key] = []
            continue
        where = data.where
        header = data.header_row
        unknown = dict(zip(data.unknown_cells, data.unknown_columns))
        positions = {c.title: i for i, c in enumerate(data.sheet.columns)}
        for missing in data.missing_columns:
            if missing in later_titles.get(key, ()):   # added after the return's version: read as empty
                continue
            cell = f"{column_letter(positions[missing])}{header}" if missing in positions else ""
            if cell in unknown:  # the template's column at this place has another title: renamed
                ck.add("missing-column", where, cell, missing,
                       f"工作表“{where}”缺少列“{missing}”：模板中该列在 {where}!{cell}，现标题为“{unknown[cell]}”，"
                       f"该列数据未读取；如是改名，请把 {cell} 恢复为“{missing}”")
            else:
                ck.add("missing-column", where, "", missing,
                       f"工作表“{where}”缺少列“{missing}”（表头第 {header} 行中没有该标题，列被删除或标题被修改），"
                       "该列数据未读取；请按模板恢复该列")
        for cell, extra in unknown.items():
            ck.add("unknown-column", where, cell, extra,
                   f"{where}!{cell} 的列标题“{extra}”不是模板中的列，该列数据汇总时忽略；如是模板列被改名，请恢复原标题")
        for extra in data.unknown_columns[len(unknown):]:  # readers that give titles without cells
            ck.add("unknown-column", where, "", extra, f"工作表“{where}”有模板之外的列“{extra}”，汇总时忽略")
        start = len(ck.findings)
        records[key] = ck.table(key, data.rows, where)
        ck.special_cells(wb, key, where, start,
                         lambda rows=data.rows: {row.cells[k] for row in rows for k in row.values if k in row.cells},
                         force=scan_cells or data.scan_cells)
    return Validated(file=ck.file, findings=ck.findings, info=info, records=records, workbook=wb)


def read_error_finding(err: ReadError) -> Finding:
    code = err.code if err.code in REFUSED else "unreadable-file"
    return Finding(code=code, message=err.message, file=err.path.name)


def validate_workbook(path: str | Path, campaign: Campaign, contract: Contract | None = None,
                      limits=None, scan_cells: bool = True) -> list[Finding]:
    """Read and validate one file; an unreadable file gives one finding instead of an exception.

    ``limits``: a workbook_templates.package.Limits (size, unzipped size, members, ratio); default limits if None.
    ``scan_cells``: look at every sheet's cells for error values and formulas without a result
    (`qm check` does; consolidation skips it where nothing points at an empty cell, to save time).
    """
    try:
        wb = read_workbook(path, contract, campaign_id=campaign.id, limits=limits)
    except ReadError as err:
        return [read_error_finding(err)]
    return validate_returned(wb, campaign, contract, scan_cells=scan_cells).findings
