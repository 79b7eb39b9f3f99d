"""Cross-field checks: declared once (contract.toml ``[[checks]]``), interpreted by two engines.

A clerk without Python sees only what the workbook shows; ``qm check`` reports what the
validator finds. Both come from the same declaration of each check — its condition, target
column, finding code, short label and message — so they cannot drift apart. The condition is
data in a tiny vocabulary, not code:

    { blank = "key" }              the cell is empty (spaces only count as empty)
    { filled = "key" }             the cell is not empty
    { eq = ["key", "值"] }         the value (choice spelling folded: spaces ignored) equals 值
    { ne = ["key", "值"] }         not eq (an empty cell is "not equal")
    { in = ["key", ["甲", "乙"]] }  eq one of them
    { gt = ["key", 0] }            the cell is a number greater than 0
    { before = ["a", "b"] }        both cells are dates and a is earlier than b
    { all = [cond, ...] }          every condition holds
    { any = [cond, ...] }          at least one holds

A key starting with ``@`` names a value the validator derives, not a column: ``@judgment`` is
the verdict the rule catalog computes for a spot-check row. In the workbook it is the formula
column 参考判定, which judges only the single-limit items and says 由工具判定 for the rest; there
a row the catalog fails but the clerk stated 合格 is reported by ``qm check`` (judgment-mismatch
and this check) and not highlighted by the workbook — the one deliberate difference. Where the
workbook has no column for a derived key (``ref`` returns None) the term is false.

Python side (``holds``): blank means the reader found no value; ``eq`` compares the validator's
normalised value (choices folded to their listed spelling); ``gt`` and ``before`` read numbers
and dates the way the validator does (``parse_number``, ``parse_date``), in or out of range.

Workbook side (``excel``): arithmetic on booleans so the same text works per cell (conditional
format, relative row) and over a whole column inside SUMPRODUCT (the 自查 count) in Excel 2010+,
WPS and LibreOffice — no IF/IFERROR (Excel 2010 does not evaluate them element-wise inside
SUMPRODUCT without Ctrl+Shift+Enter). A leaf that can fail (``--TRIM(x)`` of a text that is not
a number) is wrapped as ISNUMBER(1/(…)): false on an error, so one unreadable cell never turns
a count into #VALUE!. Numbers and dates are read with ``--TRIM(x)``: real numbers and dates,
numeric text and ISO dates typed as text ("2022-09-05") read as Python reads them; spellings only
Python understands ("50元", "2022年9月1日", "Y") are not read by the workbook — it marks such a
cell yellow (format or list problem) instead, so the cell is still highlighted and counted.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Mapping

OPS = ("blank", "filled", "eq", "ne", "in", "gt", "before", "all", "any")
DERIVED = ("@judgment",)


@dataclass(frozen=True)
class CrossCheck:
    """One cross-field check of one table sheet."""
    code: str           # finding code (addin.core.findings.CODES; severity comes from there)
    sheet: str          # sheet key
    target: str         # column key the finding points at / the workbook highlights
    when: dict          # condition, in the vocabulary above
    label: str          # short Chinese label (自查 sheet, 填报说明)
    message: str        # Chinese finding message; {key} = that column's value as shown
    basis: str = ""     # "notice" = the campaign's document number; else literal text
    show_value: bool = False  # the finding carries the target cell's value

    def keys(self) -> set[str]:
        return _keys(self.when) | {self.target}


def _keys(cond: Mapping) -> set[str]:
    (op, arg), = cond.items()
    if op in ("all", "any"):
        return set().union(*(_keys(c) for c in arg))
    if op in ("blank", "filled"):
        return {arg}
    if op == "before":
        return set(arg)
    return {arg[0]}


def parse_checks(items: list[dict], columns: Mapping[str, Mapping[str, Any]],
                 choices: Mapping[str, tuple[str, ...]]) -> tuple[CrossCheck, ...]:
    """The ``[[checks]]`` of contract.toml, verified against the sheets' columns.

    ``columns``: sheet key -> column key -> Column; ``choices``: choice lists by name. A wrong key,
    operator or a value that is not in the column's choice list is an error at load time, so a
    typo cannot silently make a check never fire.
    """
    from addin.core.findings import CODES

    out = []
    for item in items:
        chk = CrossCheck(**item)
        where = f"contract: check {chk.code} on {chk.sheet}.{chk.target}"
        if chk.code not in CODES:
            raise ValueError(f"{where}: finding code not registered in addin.core.findings")
        cols = columns.get(chk.sheet)
        if cols is None:
            raise ValueError(f"{where}: unknown sheet")
        _verify(chk.when, cols, choices, where)
        if chk.target not in cols:
            raise ValueError(f"{where}: unknown target column")
        out.append(chk)
    return tuple(out)


def _verify(cond: Any, cols: Mapping[str, Any], choices: Mapping[str, tuple[str, ...]], where: str) -> None:
    if not isinstance(cond, Mapping) or len(cond) != 1:
        raise ValueError(f"{where}: a condition is a table with exactly one operator: {cond!r}")
    (op, arg), = cond.items()
    if op not in OPS:
        raise ValueError(f"{where}: unknown operator {op!r}")
    if op in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise ValueError(f"{where}: {op} needs a list of conditions")
        for c in arg:
            _verify(c, cols, choices, where)
        return
    keys = [arg] if op in ("blank", "filled") else (list(arg) if op == "before" else [arg[0]])
    for k in keys:
        if k not in cols and k not in DERIVED:
            raise ValueError(f"{where}: unknown column {k!r}")
    if op in ("eq", "ne", "in"):
        key, value = arg
        values = value if op == "in" else [value]
        col = cols.get(key)
        allowed = choices.get(getattr(col, "choices", None) or "", ()) if col is not None else None
        for v in values:
            if allowed and v not in allowed:
                raise ValueError(f"{where}: {v!r} is not in the choice list of {key}")
    if op == "gt" and not isinstance(arg[1], (int, float)):
        raise ValueError(f"{where}: gt needs a number")


# -- Python engine ---------------------------------------------------------------------------
class Operands:
    """What the Python engine needs to know about a row's cells."""

    def __init__(self, raw: Mapping[str, Any], values: Mapping[str, Any], number: Callable[[Any], float | None]):
        """``raw``: the row as read (a key is absent when its cell is empty); ``values``: the
        validator's normalised values (dates already parsed); ``number``: the validator's number reader."""
        self.raw, self.values, self._number = raw, values, number

    def blank(self, key: str) -> bool:
        if key.startswith("@"):
            return self.values.get(key[1:]) in (None, "")
        return key not in self.raw

    def value(self, key: str) -> Any:
        return self.values.get(key[1:] if key.startswith("@") else key)

    def number(self, key: str) -> float | None:
        if key not in self.raw:
            return None
        v = self.raw[key]
        if isinstance(v, (dt.date, dt.datetime)) or isinstance(v, bool):
            return None
        return self._number(v)

    def date(self, key: str) -> dt.date | None:
        v = self.values.get(key)
        if isinstance(v, dt.date):
            return v
        return None


def holds(cond: Mapping, row: Operands) -> bool:
    (op, arg), = cond.items()
    if op == "all":
        return all(holds(c, row) for c in arg)
    if op == "any":
        return any(holds(c, row) for c in arg)
    if op == "blank":
        return row.blank(arg)
    if op == "filled":
        return not row.blank(arg)
    if op == "eq":
        return row.value(arg[0]) == arg[1]
    if op == "ne":
        return row.value(arg[0]) != arg[1]
    if op == "in":
        return row.value(arg[0]) in arg[1]
    if op == "gt":
        x = row.number(arg[0])
        return x is not None and x > arg[1]
    if op == "before":
        a, b = row.date(arg[0]), row.date(arg[1])
        return a is not None and b is not None and a < b
    raise ValueError(op)


# -- workbook engine --------------------------------------------------------------------------
def _text(ref: str) -> str:
    return f'SUBSTITUTE(TRIM({ref})," ","")'


def _quote(v: str) -> str:
    return '"' + v.replace('"', '""') + '"'


def error_safe(expr: str) -> str:
    """True where ``expr`` is a non-zero number, false where it is zero or an error."""
    return f"ISNUMBER(1/({expr}))"


def excel(cond: Mapping, ref: Callable[[str], str]) -> str:
    """The condition as a formula; ``ref(key)`` gives a cell (per-cell use) or a range (SUMPRODUCT),
    or None for a derived ``@`` key the workbook has no column for.

    The result is a boolean or a 0/1 number: true/non-zero where the check fires.
    """
    (op, arg), = cond.items()
    if op == "all":
        return "(" + "*".join(f"({excel(c, ref)})" for c in arg) + ")"
    if op == "any":
        return "((" + "+".join(f"({excel(c, ref)})" for c in arg) + ")>0)"
    if op in ("blank", "filled"):
        if arg.startswith("@"):
            return "TRUE" if op == "blank" else "FALSE"
        return f"(LEN(TRIM({ref(arg)})){'=' if op == 'blank' else '>'}0)"
    if op in ("eq", "ne", "in"):
        key, value = arg
        cell = ref(key)
        if cell is None:  # derived by the validator, and the workbook has no column for it
            return "TRUE" if op == "ne" else "FALSE"
        values = value if op == "in" else [value]
        terms = "+".join(f"({_text(cell)}={_quote(v)})" for v in values)
        return f"(({terms})=0)" if op == "ne" else f"(({terms})>0)"
    if op == "gt":
        return error_safe(f"(--TRIM({ref(arg[0])}))>{_num(arg[1])}")
    if op == "before":
        a, b = arg
        return error_safe(f"(--TRIM({ref(a)}))<(--TRIM({ref(b)}))")
    raise ValueError(op)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def format_message(chk: CrossCheck, show: Callable[[str], str]) -> str:
    """The finding message with {key} placeholders filled by ``show(key)``."""
    out = chk.message
    for key in chk.keys() | _placeholders(chk.message):
        token = "{" + key + "}"
        if token in out:
            out = out.replace(token, show(key))
    return out


def _placeholders(text: str) -> set[str]:
    import re

    return set(re.findall(r"\{([a-z_@]+)\}", text))
