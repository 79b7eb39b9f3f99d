"""The workbook contract: one declarative spec (contract.toml) of every sheet and column.

The template builder, the reader, the validator and the docs all read this spec, so a
column is added in one place.
"""
from __future__ import annotations

import functools
import hashlib
import json
import tomllib
from dataclasses import dataclass
from importlib import resources

from workbook_templates.crossfield import CrossCheck, parse_checks

TYPES = {
    "text", "longtext", "int", "number", "date", "choice", "yesno",
    "credit_code", "phone", "idno", "url", "numbers",
}
META_SHEET = "_meta"
DICT_SHEET = "字典"
GUIDE_SHEET = "填报说明"
SELFCHECK_SHEET = "自查"
STATUS_TITLE = "填写状态"  # computed per-row column on every table sheet
REFERENCE_TITLE = "参考判定"  # computed verdict column of the spot-check sheet (after 填写状态)
COMPUTED_TITLES = (STATUS_TITLE, REFERENCE_TITLE)  # formula columns the builder adds; the reader skips them


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    type: str = "text"
    required: bool = False
    choices: str | None = None
    min: float | None = None
    max: float | None = None
    window: bool = False
    width: float = 14
    help: str = ""
    personal: bool = False
    locked: bool = False
    since: str = ""       # schema version that added the column ("" = the first)


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Column, ...]
    kind: str = "table"  # "table": one record per row; "form": one field per row
    rows: int = 300       # capacity of the table (validation, formats, self-check)
    activity: str = ""
    help: str = ""
    since: str = ""       # schema version that added the sheet ("" = the first)
    optional: bool = False  # filled only when the case arises: left empty, 自查 says 无需填写（选填）

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.key}.{key}")

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


@dataclass(frozen=True)
class Contract:
    schema_version: str
    template_id: str
    sheets: tuple[Sheet, ...]
    choice_lists: dict[str, tuple[str, ...]]
    hash: str
    checks: tuple[CrossCheck, ...] = ()   # cross-field checks ([[checks]]), in declaration order

    def checks_of(self, sheet_key: str) -> tuple[CrossCheck, ...]:
        return tuple(c for c in self.checks if c.sheet == sheet_key)

    def sheet(self, key: str) -> Sheet:
        for s in self.sheets:
            if s.key == key:
                return s
        raise KeyError(key)

    def sheet_by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    @property
    def table_sheets(self) -> tuple[Sheet, ...]:
        return tuple(s for s in self.sheets if s.kind == "table")

    def choices(self, column: Column) -> tuple[str, ...]:
        return self.choice_lists.get(column.choices or "", ())

    def added_after(self, version: str) -> tuple[list[Sheet], dict[str, list[Column]]]:
        """What this contract has that a workbook of schema ``version`` lacks: the sheets added
        later, and per remaining sheet key the columns added later. Nothing when ``version`` is
        not a dotted number (an unknown version is read as the current one)."""
        found = version_key(version)
        if found is None:
            return [], {}
        newer = lambda since: bool(since) and (version_key(since) or ()) > found  # noqa: E731
        sheets = [s for s in self.sheets if newer(s.since)]
        columns = {s.key: [c for c in s.columns if newer(c.since)] for s in self.sheets if not newer(s.since)}
        return sheets, {k: v for k, v in columns.items() if v}

    def as_of(self, version: str) -> "Contract":
        """The contract as it was at schema ``version`` (without what was added later): builds the
        workbook an older template made, to test that such returns are still read."""
        sheets, columns = self.added_after(version)
        gone = {s.key for s in sheets}
        kept = tuple(
            Sheet(s.key, s.title, tuple(c for c in s.columns if c not in columns.get(s.key, ())), s.kind, s.rows,
                  s.activity, s.help, s.since, s.optional)
            for s in self.sheets if s.key not in gone)
        return Contract(str(version), self.template_id, kept, self.choice_lists, f"{self.hash}@{version}")


def version_key(v: object) -> tuple[int, ...] | None:
    """A dotted version as numbers without trailing zeros ("1.0" == "1"), or None if it is not one."""
    parts = str(v if v is not None else "").strip().lstrip("vV").split(".")
    if not all(p.isdigit() for p in parts):
        return None
    key = [int(p) for p in parts]
    while len(key) > 1 and key[-1] == 0:
        key.pop()
    return tuple(key)


def _rule_items() -> tuple[str, ...]:
    from addin.rules.judge import items  # the rule catalog owns the list of items

    return tuple(items())


def _build(data: dict) -> Contract:
    lists: dict[str, tuple[str, ...]] = {}
    for name, values in data["choices"].items():
        lists[name] = _rule_items() if values == "@rules" else tuple(values)
    sheets = []
    for s in data["sheets"]:
        cols = []
        for c in s["columns"]:
            col = Column(**c)
            if col.type not in TYPES:
                raise ValueError(f"contract: unknown type {col.type!r} in {s['key']}.{col.key}")
            if col.choices and col.choices not in lists:
                raise ValueError(f"contract: unknown choice list {col.choices!r} in {s['key']}.{col.key}")
            cols.append(col)
        keys = [c.key for c in cols]
        titles = [c.title for c in cols]
        if len(set(keys)) != len(keys) or len(set(titles)) != len(titles):
            raise ValueError(f"contract: duplicate column key or title in {s['key']}")
        sheets.append(Sheet(
            key=s["key"], title=s["title"], columns=tuple(cols), kind=s.get("kind", "table"),
            rows=int(s.get("rows", 300)), activity=s.get("activity", ""), help=s.get("help", ""),
            since=str(s.get("since", "")), optional=bool(s.get("optional", False)),
        ))
    checks = parse_checks(data.get("checks", []), {s.key: {c.key: c for c in s.columns} for s in sheets}, lists)
    canonical = json.dumps(
        {"data": data, "lists": lists}, ensure_ascii=False, sort_keys=True, default=str
    )
    return Contract(
        schema_version=str(data["schema_version"]),
        template_id=str(data["template_id"]),
        sheets=tuple(sheets),
        choice_lists=lists,
        hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16],
        checks=checks,
    )


@functools.lru_cache(maxsize=1)
def load_contract() -> Contract:
    text = resources.files("workbook_templates").joinpath("contract.toml").read_text("utf-8")
    return _build(tomllib.loads(text))
