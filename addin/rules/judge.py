"""Spot-check judgments: measured values + the rule catalog -> 合格 / 不合格 / 需复检.

The catalog is data (``addin/rules/*.toml``, loaded in file-name order; an extra TOML
file or folder can replace rules by ``id`` or add new ones). :func:`judge` picks the
rule for an item, grade and spec, evaluates it and explains the result in Chinese.

Results
- 合格 / 不合格: the rule decided.
- 需复检: pass rate in the re-sampling band (GB 50204-2015 E.0.5 / F.0.4).
- 无规则: the catalog has no rule for this item, grade or spec. Never read as a pass.
- 数据不足: a needed input (values, grade, spec, design value) is missing or unreadable.
- 需人工判定: a rule exists but part of it is not confirmed against the standard's text
  (``unconfirmed`` in the catalog, e.g. a limit of a new edition): the message says why and
  gives the verdict the rule's limits would give, for reference only. Never read as a pass.

Editions: a rule may carry ``valid_from`` / ``valid_to`` (inclusive dates of the edition it
cites). ``judge(..., on=day)`` uses only rules in force on that day (callers pass the
campaign's activity start, so a 2025 campaign never cites a text withdrawn in 2024); without
``on`` the first fitting rule in catalog order is used, whatever its dates. An ``[[edition]]``
table in a rule file declares a successor edition once for every rule citing the old one
(see 10_rebar.toml).

Comparisons use decimal arithmetic on the values as typed, so 1.10 × 7.5 is 8.25
exactly and 30.3 − 20.3 is 10.0. Limits are inclusive (a value equal to the limit
passes). :func:`judge` never raises for any cell input; only loading a broken TOML
file raises :class:`RuleError`.
"""

from __future__ import annotations

import datetime as dt
import dataclasses
import math
import re
import statistics
import sys
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from addin.core.normalize import clean_text, parse_number, parse_numbers, to_halfwidth
from addin.core.errors import QmValueError

__all__ = [
    "PASS", "FAIL", "RECHECK", "NO_RULE", "NO_DATA", "MANUAL", "RESULTS", "METHODS",
    "Rule", "Judgment", "RuleError",
    "judge", "catalog", "items", "load_catalog", "normalize_grade",
]

PASS, FAIL, RECHECK, NO_RULE, NO_DATA = "合格", "不合格", "需复检", "无规则", "数据不足"
MANUAL = "需人工判定"
RESULTS = (PASS, FAIL, RECHECK, NO_RULE, NO_DATA, MANUAL)

# method -> limit keys it needs (optional keys are checked where used)
METHODS: dict[str, tuple[str, ...]] = {
    "min_each": ("min",),
    "max_each": ("max",),
    "range_each": ("min", "max"),
    "deviation_rate": ("dev_min", "dev_max", "pass_rate", "recheck_rate"),
    "rebound": ("k", "min_areas", "floor"),
    "mean_min_ratio": ("mean_ratio", "min_ratio"),
}
_OPTIONAL_LIMITS = {"deviation_rate": ("cap_factor",), "mean_min_ratio": ("min_groups",),
                    "rebound": ("mean_places", "sd_places")}
_REQUIRED = ("id", "item", "method", "limits", "standard", "clause", "message", "message_ok")
_OPTIONAL = ("grades", "quantity", "unit", "confidence", "source", "basis", "grade_prefix",
             "spec", "spec_min", "spec_max", "spec_over", "spec_label", "spec_unit",
             "spec_adjust", "message_recheck", "message_cap", "message_few",
             "valid_from", "valid_to", "unconfirmed", "unconfirmed_results", "grade_label",
             "limit_confidence")
# [[edition]]: a successor edition of every rule citing `replaces` (see _apply_editions)
_EDITION_REQUIRED = ("replaces", "standard", "valid_from", "unconfirmed")
_EDITION_OPTIONAL = ("confidence", "source", "clause_note")


class RuleError(QmValueError):
    """A rule file that cannot be used; the message is Chinese and names file and rule."""


# ---------------------------------------------------------------- helpers

def _dec(x: Any) -> Decimal:
    """Exact decimal of a number as it would be typed (repr of the float)."""
    if type(x) is float:
        return Decimal(repr(x))
    if isinstance(x, Decimal):
        return x
    return Decimal(repr(float(x)))


def _fmt(x: Any, places: int = 4) -> str:
    """398.0 -> '398', 7.41 -> '7.41', Decimal('8.250') -> '8.25'."""
    if type(x) is float:
        return _fmt_float(x, places)
    return _fmt_any(x, places)


def _fmt_float(x: float, places: int) -> str:
    """_fmt_any for a float, without Decimal when its repr already has at most ``places`` decimals.

    repr(x) is the decimal _dec(x) stands for; without an exponent and with at most ``places``
    decimals, quantizing it only appends zeros (at most 16 + 4 digits: within the context's 28)
    that are stripped again. A repr's decimals never end in 0 except the ".0" of a whole number.
    """
    text = repr(x)
    dot = text.find(".")
    if dot < 0 or "e" in text or len(text) - dot - 1 > places:  # inf, nan, 1e-05, 0.12345: the long way
        return _fmt_any(x, places)
    if text.endswith(".0"):
        text = text[:-2]
        return "0" if text == "-0" else text
    return text


# reprs of floats that _fmt_float shows by dropping a ".0": no exponent, at most 4 decimals
_SHORT_FLOATS = re.compile(r"(?:-?[0-9]+\.[0-9]{1,4}、)*-?[0-9]+\.[0-9]{1,4}")


def _fmt_values(vals: Sequence[float], reprs: Sequence[str]) -> str:
    """"、".join(_fmt(v) for v in vals): the measured values as every judgment's message lists them.

    ``reprs``: repr of each value. The common list (floats with at most 4 decimals, no -0.0) is
    _fmt_float's fast path done on the joined reprs at once: only the ".0" of whole numbers goes.
    Anything else (an exponent, inf or nan, more decimals, -0.0) is formatted one by one.
    """
    text = "、".join(reprs)
    if "-0.0" in text or _SHORT_FLOATS.fullmatch(text) is None:
        return "、".join(_fmt(v) for v in vals)
    text = text.replace(".0、", "、")
    return text[:-2] if text.endswith(".0") else text


def _fmt_any(x: Any, places: int) -> str:
    try:
        d = _dec(x).quantize(_quantum(places))
    except Exception:
        return str(x)
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@lru_cache(maxsize=16)
def _quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def _signed(x: Any) -> str:
    text = _fmt(x)
    return text if text.startswith("-") or text == "0" else "+" + text


_TENTH = Decimal("0.1")


def _pct(fraction: Decimal) -> str:
    return _fmt((fraction * 100).quantize(_TENTH), 1) + "%"


class _Keep(dict):
    """Placeholders without a value stay as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _render(template: str, ctx: Mapping[str, Any]) -> str:
    """str.format_map that leaves unknown placeholders as they are and never raises."""
    try:
        return template.format_map(_Keep(ctx))
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        return template


def normalize_grade(grade: Any) -> str | None:
    """'hrb400e', 'HRB 400E', 'ＨＲＢ４００Ｅ', 'HRB-400E' -> 'HRB400E'; 'c30' -> 'C30'."""
    if type(grade) is str:
        return _normalize_grade_text(grade)
    return _normalize_grade(grade)


@lru_cache(maxsize=4096)
def _normalize_grade_text(grade: str) -> str | None:
    return _normalize_grade(grade)


def _normalize_grade(grade: Any) -> str | None:
    text = clean_text(grade)
    if text is None:
        return None
    # brackets go too: a wire type written 'BV（镀锡）' is the catalog's 'BV镀锡'
    text = re.sub(r"[\s\-_·()\[\]【】]+", "", to_halfwidth(text)).upper()
    return text or None


def _item_key(item: Any) -> str:
    if isinstance(item, str):
        return _item_key_text(item)
    return re.sub(r"\s+", "", to_halfwidth(clean_text(item) or ""))


@lru_cache(maxsize=4096)
def _item_key_text(item: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(clean_text(item) or ""))


# ---------------------------------------------------------------- model

@dataclass(frozen=True)
class SpecBand:
    """Conditions on the spec number: spec_min <= d <= spec_max, d > spec_over."""

    spec_min: Decimal | None = None
    spec_max: Decimal | None = None
    spec_over: Decimal | None = None

    @property
    def empty(self) -> bool:
        return self.spec_min is None and self.spec_max is None and self.spec_over is None

    def contains(self, d: Decimal) -> bool:
        return ((self.spec_min is None or d >= self.spec_min)
                and (self.spec_max is None or d <= self.spec_max)
                and (self.spec_over is None or d > self.spec_over))


@dataclass(frozen=True)
class Rule:
    """One catalog entry (see the comments at the top of each rules/*.toml)."""

    id: str
    item: str
    method: str
    limits: Mapping[str, Any]
    standard: str
    clause: str
    message: str
    message_ok: str
    grades: tuple[str, ...] = ()
    quantity: str = ""
    unit: str = ""
    confidence: str = "U"
    source: str = ""
    basis_text: str = ""
    grade_prefix: str = ""
    band: SpecBand = SpecBand()
    spec_label: str = "规格"
    spec_unit: str = ""
    spec_adjust: tuple[tuple[SpecBand, Decimal], ...] = ()
    message_recheck: str = ""
    message_cap: str = ""
    message_few: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    unconfirmed: str = ""                     # why the rule is not confirmed (then: 需人工判定)
    unconfirmed_results: tuple[str, ...] = ()  # the results that become 需人工判定 ('' = all)
    grade_label: str = "牌号"                  # what the grade column holds for this item (电线: 型号)
    # a limit whose confidence differs from the rule's (e.g. a confirmed ratio beside a recalled note)
    limit_confidence: tuple[tuple[str, str], ...] = ()

    def confidence_of(self, key: str) -> str:
        """The confidence of one limit: its own when the catalog states it, else the rule's."""
        return dict(self.limit_confidence).get(key, self.confidence)

    @property
    def basis(self) -> str:
        return self.basis_text or f"{self.standard} {self.clause}".strip()

    def in_force(self, day: dt.date | None) -> bool:
        """Whether the edition this rule cites applies on ``day`` (None: any day)."""
        return day is None or ((self.valid_from is None or self.valid_from <= day)
                               and (self.valid_to is None or day <= self.valid_to))

    def validity(self) -> str:
        """'2024-09-25 起' / '至 2024-09-24' / '' for the message and details."""
        if self.valid_from and self.valid_to:
            return f"{self.valid_from:%Y-%m-%d} 至 {self.valid_to:%Y-%m-%d}"
        if self.valid_from:
            return f"{self.valid_from:%Y-%m-%d} 起"
        return f"至 {self.valid_to:%Y-%m-%d}" if self.valid_to else ""

    def limit(self, key: str, grade: str | None = None) -> Decimal | None:
        """A limit as Decimal; a per-grade table is looked up with *grade*."""
        decs = self._limit_decs
        if decs is not None:
            value = decs.get(key)
            if type(value) is dict:
                return value.get(grade) if grade else None
            return value
        value = self.limits.get(key)
        if isinstance(value, Mapping):
            value = value.get(grade) if grade else None
        return None if value is None else _dec(value)

    # Derived from the rule alone, computed on first use and kept on the rule (cached_property
    # writes the instance __dict__, which a frozen dataclass allows; fields, eq and hash unchanged):
    # the judge asks for the same limits and texts on every row.
    @cached_property
    def _limit_decs(self) -> dict[str, Any] | None:
        """limit() for every key, as Decimal (per-grade tables as dicts); None if a value is no number."""
        def dec(value: Any) -> Decimal | None:
            return None if value is None else _dec(value)

        try:
            return {key: ({g: dec(x) for g, x in value.items()} if isinstance(value, Mapping) else dec(value))
                    for key, value in self.limits.items()}
        except Exception:  # a hand-made Rule with odd limits: limit() converts on each call, as it did
            return None

    @cached_property
    def _float_limits(self) -> bool:
        """Every limit is an int or float, so limit() is Decimal(repr(float(x))): comparing a measured
        value's _dec with it gives the same answer as comparing the two floats (see _each)."""
        return all(type(x) in (int, float) for value in self.limits.values()
                   for x in (value.values() if isinstance(value, Mapping) else (value,)))

    @cached_property
    def _shown_limits(self) -> dict[Decimal, str]:
        """_fmt of limits derived from this rule (filled by _fmt_limit)."""
        return {}

    @cached_property
    def _deviation(self) -> "_Deviation":
        """A deviation_rate rule's limits and rule-only message texts (see _deviation_plan)."""
        return _deviation_plan(self)

    @cached_property
    def _grade_pattern(self) -> re.Pattern:
        """A strength grade of this rule's prefix ('C30', 'M7.5')."""
        return re.compile(re.escape(self.grade_prefix) + r"(\d+(?:\.\d+)?)")

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], origin: str = "") -> "Rule":
        rid = str(raw.get("id", "?"))
        where = f"规则文件 {origin} 中的规则 {rid}"

        def bad(msg: str) -> RuleError:
            return RuleError(f"{where}：{msg}")

        missing = [k for k in _REQUIRED if k not in raw]
        if missing:
            raise bad("缺少字段 " + "、".join(missing))
        unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
        if unknown:
            raise bad("有未知字段 " + "、".join(unknown))
        method, limits = raw["method"], raw["limits"]
        if method not in METHODS:
            raise bad(f"未知的判定方法 {method}（可用：{'、'.join(METHODS)}）")
        if not isinstance(limits, Mapping):
            raise bad("limits 应为表")
        for key in METHODS[method]:
            if key not in limits:
                raise bad(f"判定方法 {method} 需要限值 {key}")
        for key, value in limits.items():
            values = value.values() if isinstance(value, Mapping) else [value]
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                       and math.isfinite(v) for v in values):
                raise bad(f"限值 {key} 应为数字或按牌号的数字表")
        grades_raw = raw.get("grades", [])
        if not isinstance(grades_raw, list) or not all(isinstance(g, str) for g in grades_raw):
            raise bad("grades 应为牌号字符串的列表")
        grades = tuple(normalize_grade(g) or "" for g in grades_raw)
        norm_limits = {k: ({normalize_grade(g): x for g, x in v.items()} if isinstance(v, Mapping) else v)
                       for k, v in limits.items()}
        stray = {g for v in norm_limits.values() if isinstance(v, Mapping) for g in v} - set(grades)
        if stray:
            raise bad("按牌号给出的限值中有 grades 未列出的牌号 " + "、".join(sorted(stray)))
        if method == "deviation_rate" and not raw.get("message_recheck"):
            raise bad("判定方法 deviation_rate 需要 message_recheck")
        if "cap_factor" in limits and not raw.get("message_cap"):
            raise bad("限值 cap_factor 需要 message_cap")
        if method in ("rebound", "mean_min_ratio") and not raw.get("grade_prefix"):
            raise bad(f"判定方法 {method} 需要 grade_prefix（如 C 或 M）")
        if raw.get("confidence", "U") not in ("C", "P", "U"):
            raise bad("confidence 应为 C、P 或 U")
        if "min_groups" in limits and not raw.get("message_few"):
            raise bad("限值 min_groups 需要 message_few")
        try:
            valid_from, valid_to = _as_day(raw.get("valid_from")), _as_day(raw.get("valid_to"))
        except (TypeError, ValueError):
            raise bad("valid_from、valid_to 应为日期（如 2024-09-25）") from None
        if valid_from and valid_to and valid_to < valid_from:
            raise bad("valid_to 早于 valid_from")
        unconfirmed_results = raw.get("unconfirmed_results", [])
        if (not isinstance(unconfirmed_results, list)
                or not set(unconfirmed_results) <= {PASS, FAIL, RECHECK}):
            raise bad("unconfirmed_results 应为“合格”“不合格”“需复检”的列表")
        if unconfirmed_results and not raw.get("unconfirmed"):
            raise bad("unconfirmed_results 需要 unconfirmed（未核实的原因）")
        try:
            band = _band(raw, "spec_")
            adjust = tuple((_band(a, "spec_"), _dec(a["delta"])) for a in raw.get("spec_adjust", []))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise bad(f"规格范围或折减写法有误（{exc}）") from None
        return cls(
            id=rid, item=str(raw["item"]), method=method, limits=norm_limits,
            standard=str(raw["standard"]), clause=str(raw["clause"]),
            message=str(raw["message"]), message_ok=str(raw["message_ok"]),
            grades=grades, quantity=str(raw.get("quantity", "")), unit=str(raw.get("unit", "")),
            confidence=raw.get("confidence", "U"), source=str(raw.get("source", "")),
            basis_text=str(raw.get("basis", "")), grade_prefix=str(raw.get("grade_prefix", "")),
            band=band, spec_label=str(raw.get("spec_label", "规格")),
            spec_unit=str(raw.get("spec_unit", "")), spec_adjust=adjust,
            message_recheck=str(raw.get("message_recheck", "")),
            message_cap=str(raw.get("message_cap", "")),
            message_few=str(raw.get("message_few", "")),
            valid_from=valid_from, valid_to=valid_to,
            unconfirmed=str(raw.get("unconfirmed", "")),
            unconfirmed_results=tuple(unconfirmed_results),
            grade_label=str(raw.get("grade_label", "牌号")), limit_confidence=_limit_confidence(raw, limits, bad),
        )


def _limit_confidence(raw: Mapping[str, Any], limits: Mapping[str, Any], bad) -> tuple[tuple[str, str], ...]:
    """``limit_confidence = { key = "C" }``: limits whose confidence differs from the rule's."""
    conf = raw.get("limit_confidence", {})
    if (not isinstance(conf, Mapping) or not set(conf) <= set(limits)
            or not set(conf.values()) <= {"C", "P", "U"}):
        raise bad("limit_confidence 应为“限值名 = C、P 或 U”的表，限值名须在 limits 中")
    return tuple(sorted(conf.items()))


def _as_day(value: Any) -> dt.date | None:
    """A TOML date (or 'YYYY-MM-DD' text) -> date; None stays None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _band(raw: Mapping[str, Any], prefix: str) -> SpecBand:
    def get(key: str) -> Decimal | None:
        value = raw.get(prefix + key)
        return None if value is None else _dec(value)

    exact = raw.get(prefix.rstrip("_"))  # `spec = 2.5` is shorthand for spec_min = spec_max = 2.5
    if exact is not None:
        exact = _dec(exact)
        return SpecBand(exact, exact, None)
    return SpecBand(get("min"), get("max"), get("over"))


@dataclass(frozen=True)
class Judgment:
    """The outcome of :func:`judge`.

    result: one of RESULTS. basis: standard + clause ('' without a rule).
    message: Chinese explanation naming measured values and limits.
    rule_id: the catalog rule used, or None. details: computed quantities
    (values, limit, worst, n_fail, pass_rate, fcu_e, confidence, …), plain floats.
    """

    result: str
    basis: str = ""
    message: str = ""
    rule_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.result == PASS


# ---------------------------------------------------------------- catalog

def _load_file(path: Any, origin: str) -> list[Rule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"无法读取规则文件 {origin}：{exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"规则文件 {origin} 不是有效的 TOML：{exc}") from None
    entries = data.get("rule", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise RuleError(f"规则文件 {origin}：应使用 [[rule]] 表数组")
    editions = data.get("edition", [])
    if not isinstance(editions, list) or not all(isinstance(e, dict) for e in editions):
        raise RuleError(f"规则文件 {origin}：应使用 [[edition]] 表数组")
    return _apply_editions([Rule.from_dict(entry, origin) for entry in entries], editions, origin)


def _apply_editions(rules: list[Rule], editions: list[dict], origin: str) -> list[Rule]:
    """Successor editions, declared once per file: ``[[edition]]`` with replaces (the old
    standard as the rules cite it), standard (the new one), valid_from (its first day in force),
    unconfirmed (why its limits are not confirmed) and optional confidence, source, clause_note.

    Every rule of the file citing ``replaces`` ends the day before ``valid_from`` (unless it
    says otherwise) and gets a copy citing ``standard`` from ``valid_from`` on, id ``<id>@<year>``,
    appended after the file's rules (so a judgment without a date still finds the old edition
    first). The copy keeps the old limits for reference and gives 需人工判定 with the reason.
    """
    out = list(rules)
    for ed in editions:
        where = f"规则文件 {origin} 中的 [[edition]] {ed.get('standard', '?')}"
        missing = [k for k in _EDITION_REQUIRED if k not in ed]
        if missing:
            raise RuleError(f"{where}：缺少字段 " + "、".join(missing))
        unknown = sorted(set(ed) - set(_EDITION_REQUIRED) - set(_EDITION_OPTIONAL))
        if unknown:
            raise RuleError(f"{where}：有未知字段 " + "、".join(unknown))
        try:
            start = _as_day(ed["valid_from"])
        except (TypeError, ValueError):
            raise RuleError(f"{where}：valid_from 应为日期") from None
        if ed.get("confidence", "U") not in ("C", "P", "U"):
            raise RuleError(f"{where}：confidence 应为 C、P 或 U")
        old, new = str(ed["replaces"]), str(ed["standard"])
        last_day = start - dt.timedelta(days=1)
        copies = []
        for i, rule in enumerate(out):
            if rule.standard != old:
                continue
            if rule.valid_to is None:
                out[i] = rule = dataclasses.replace(rule, valid_to=last_day)
            copies.append(dataclasses.replace(
                rule, id=f"{rule.id}@{start.year}", standard=new,
                clause=rule.clause + str(ed.get("clause_note", "")),
                basis_text=rule.basis_text.replace(old, new),
                valid_from=start, valid_to=None, confidence=str(ed.get("confidence", "U")),
                source=str(ed.get("source", "")) or rule.source,
                unconfirmed=str(ed["unconfirmed"]), unconfirmed_results=()))
        if not copies:
            raise RuleError(f"{where}：文件中没有引用 {old} 的规则")
        out.extend(copies)
    return out


def _merge(base: list[Rule], extra: Iterable[Rule]) -> list[Rule]:
    out = list(base)
    index = {r.id: i for i, r in enumerate(out)}
    for rule in extra:
        if rule.id in index:
            out[index[rule.id]] = rule
        else:
            index[rule.id] = len(out)
            out.append(rule)
    return out


@lru_cache(maxsize=1)
def _packaged_by_item() -> dict[str, tuple[Rule, ...]]:
    """The packaged rules by item key, each list in catalog order."""
    by_item: dict[str, list[Rule]] = {}
    for rule in _packaged():
        by_item.setdefault(_item_key(rule.item), []).append(rule)
    return {key: tuple(rules) for key, rules in by_item.items()}


@lru_cache(maxsize=1)
def _packaged_selection() -> dict[str, tuple[tuple[Rule, ...], bool, bool]]:
    """Item key -> (its packaged rules, whether any has grades, whether any has a spec band).

    _select() skips the grade and spec filters of an item whose rules have none.
    """
    return {key: (rules, any(r.grades for r in rules), any(not r.band.empty for r in rules))
            for key, rules in _packaged_by_item().items()}


@lru_cache(maxsize=1)
def _packaged_dated() -> frozenset[str]:
    """Item keys of the packaged rules with an edition date (the others need no date filter)."""
    return frozenset(key for key, rules in _packaged_by_item().items()
                     if any(r.valid_from or r.valid_to for r in rules))


@lru_cache(maxsize=1)
def _packaged() -> tuple[Rule, ...]:
    folder = resources.files("addin.rules")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    rules: list[Rule] = []
    for f in files:
        rules = _merge(rules, _load_file(f, f"addin/rules/{f.name}"))
    return tuple(rules)


def load_catalog(*extra_paths: str | Path | None) -> list[Rule]:
    """The packaged rules, then those of each extra path in turn (a .toml file or a folder of them).

    An extra rule with an existing ``id`` replaces it in place; new ids are appended.
    When several rules fit one judgment, the first in catalog order wins.
    Raises RuleError for a missing or broken extra file.
    """
    rules = list(_packaged())
    for extra_path in extra_paths:
        if extra_path is None:
            continue
        path = Path(extra_path)
        if path.is_dir():
            files = sorted(path.glob("*.toml"))
        elif path.is_file():
            files = [path]
        else:
            raise RuleError(f"找不到规则文件 {path}")
        for f in files:
            rules = _merge(rules, _load_file(f, str(f)))
    return rules


def catalog() -> list[Rule]:
    """The packaged catalog (a fresh list each call)."""
    return list(_packaged())


def items(rules: Sequence[Rule] | None = None) -> list[str]:
    """The distinct item names in catalog order (for drop-down lists)."""
    seen: dict[str, None] = {}
    for rule in catalog() if rules is None else rules:
        seen.setdefault(rule.item, None)
    return list(seen)


# ---------------------------------------------------------------- selection

def _select(rules: Sequence[Rule] | None, item: Any, grade: str | None,
            spec: Decimal | None, spec_raw: Any, on: dt.date | None = None) -> Rule | Judgment:
    """The rule for an item, grade and spec (*rules* None: the packaged catalog), in force ``on``."""
    key = _item_key(item)
    if not key:
        return Judgment(NO_DATA, message="未填写检测项目")
    if rules is None:
        cands, graded, banded = _packaged_selection().get(key, ((), False, False))
    else:
        cands = [r for r in rules if _item_key(r.item) == key]
        graded = banded = True   # not known in advance: the filters below look
    if not cands:
        return Judgment(NO_RULE, message=f"规则库中没有检测项目“{clean_text(item)}”的判定规则，请人工判定")
    if on is not None and (rules is not None or key in _packaged_dated()):
        dated = [r for r in cands if r.in_force(on)]
        if not dated:
            return Judgment(NO_RULE, message=f"规则库中没有 {on:%Y-%m-%d} 有效的“{cands[0].item}”判定规则"
                                             f"（标准版本不适用），请人工判定")
        cands = dated
    if len(cands) == 1 and not graded and not banded:
        return cands[0]
    name = cands[0].item
    if graded and any(r.grades for r in cands):
        fitting = [r for r in cands if not r.grades or grade in r.grades]
        if not fitting:
            known = "、".join(dict.fromkeys(g for r in cands for g in r.grades))
            label = cands[0].grade_label
            if grade is None:
                return Judgment(NO_DATA, message=f"“{name}”需要填写{label}（可选：{known}）")
            return Judgment(NO_RULE, message=f"规则库中没有{label} {grade} 的“{name}”规则"
                                             f"（已有：{known}），请人工判定")
        cands = fitting
    if banded and any(not r.band.empty for r in cands):
        fitting = [r for r in cands if r.band.empty or (spec is not None and r.band.contains(spec))]
        if not fitting:
            label, unit = cands[0].spec_label, cands[0].spec_unit
            if spec is None:
                shown = f"，“{clean_text(spec_raw)}”无法识别" if clean_text(spec_raw) else ""
                return Judgment(NO_DATA, message=f"“{name}”需要填写{label}（{unit}）{shown}")
            return Judgment(NO_RULE, message=f"{label} {_fmt(spec)} {unit} 不在“{name}”"
                                             f"{('（' + grade + '）') if grade else ''}规则的适用范围内，请人工判定")
        cands = fitting
    return cands[0]


# ---------------------------------------------------------------- evaluators

def _each(rule: Rule, vals: list[float], reprs: list[str], grade: str | None, spec: Decimal | None,
          ctx: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    lo = rule.limit("min", grade) if rule.method in ("min_each", "range_each") else None
    hi = rule.limit("max", grade) if rule.method in ("max_each", "range_each") else None
    if (rule.method != "max_each" and lo is None) or (rule.method != "min_each" and hi is None):
        return NO_RULE, {}
    note = ""
    adjusted = False
    if rule.spec_adjust and lo is not None:
        if spec is None:
            note = f"（未填写{rule.spec_label}，按未折减的标准值判定）"
        else:
            for band, delta in rule.spec_adjust:
                if band.contains(spec):
                    lo += delta
                    adjusted = True
                    note = f"（{rule.spec_label} {_fmt(spec)} {rule.spec_unit}，按表注折减 {_fmt(-delta)}{rule.unit}）"
                    break
    if rule._float_limits and not adjusted:
        # Limits are _dec of floats: _dec(v) < lo exactly when v < float(lo), as a float's repr is a
        # decimal that rounds to it and rounding is monotonic (so no Decimal for each value).
        lo_f = float(lo) if lo is not None else None
        hi_f = float(hi) if hi is not None else None
        fails = [v for v in vals if (lo_f is not None and v < lo_f) or (hi_f is not None and v > hi_f)]
    else:
        fails = [v for v, d in zip(vals, map(Decimal, reprs))
                 if (lo is not None and d < lo) or (hi is not None and d > hi)]

    def excess(d: Decimal) -> Decimal:
        return max((lo - d) if lo is not None else Decimal(0), (d - hi) if hi is not None else Decimal(0))

    if rule.method == "min_each":
        worst, limit = min(vals), lo
    elif rule.method == "max_each":
        worst, limit = max(vals), hi
    else:
        worst = max(vals, key=lambda v: (excess(_dec(v)), abs(v)))
        limit = None
    ctx.update(worst=_fmt(worst), n_fail=len(fails), adjust_note=note,
               limit=_fmt_limit(rule, limit) if limit is not None else "",
               min=_fmt_limit(rule, lo) if lo is not None else "", max=_fmt_limit(rule, hi) if hi is not None else "")
    details = {"worst": worst, "n_fail": len(fails), "fails": fails,
               "limit": float(limit) if limit is not None else None,
               "min": float(lo) if lo is not None else None,
               "max": float(hi) if hi is not None else None}
    return (FAIL if fails else PASS), details


def _fmt_limit(rule: Rule, limit: Decimal) -> str:
    """_fmt(limit) for a limit of ``rule`` (or one adjusted by its spec bands), each worked out once.

    Keyed by value, which is all _fmt looks at (it quantizes: 400 and 400.0 show alike).
    """
    shown = rule._shown_limits.get(limit)
    if shown is None:
        shown = rule._shown_limits[limit] = _fmt(limit)
    return shown


class _Deviation(NamedTuple):
    """What a deviation_rate rule's judgments share: limits and their texts (see _deviation_plan)."""
    dmin: Decimal
    dmax: Decimal
    p_pass: Decimal
    p_recheck: Decimal
    cap: Decimal | None
    cmin: Decimal | None
    cmax: Decimal | None
    texts: dict[str, str]      # message placeholders that depend on the rule only
    cap_outside: bool          # cmin <= dmin and dmax <= cmax: only a deviation out of limits can be beyond the cap


def _deviation_plan(rule: Rule) -> _Deviation:
    """Rule._deviation: worked out once per rule."""
    dmin, dmax, p_pass, p_recheck, cap = (rule.limit(k) for k in
                                          ("dev_min", "dev_max", "pass_rate", "recheck_rate", "cap_factor"))
    texts: dict[str, str] = {}
    cmin = cmax = None
    if cap is not None:
        cmin, cmax = dmin * cap, dmax * cap
        texts.update(cap_min=_signed(cmin), cap_max=_signed(cmax))
    texts.update(pass_pct=_pct(p_pass), recheck_pct=_pct(p_recheck), dev_min=_signed(dmin), dev_max=_signed(dmax))
    cap_outside = cap is not None and cmin <= dmin and dmax <= cmax
    return _Deviation(dmin, dmax, p_pass, p_recheck, cap, cmin, cmax, texts, cap_outside)


_WHOLE = 2.0 ** 52   # whole numbers up to this size, and their differences, are exact floats


def _deviation_rate(rule: Rule, vals: list[float], reprs: list[str], design: Any,
                    ctx: dict[str, Any]) -> tuple[str, dict[str, Any], str]:
    base = parse_number(design)
    if base is None or base <= 0:
        shown = f"（“{clean_text(design)}”无法识别）" if clean_text(design) else ""
        return NO_DATA, {}, f"“{rule.item}”需要填写设计值（mm）{shown}"
    dmin, dmax, p_pass, p_recheck, cap, cmin, cmax, texts, cap_outside = rule._deviation
    if (rule._float_limits and (cap is None or cap_outside) and base.is_integer() and base <= _WHOLE
            and all(map(float.is_integer, vals)) and -_WHOLE <= min(vals) and max(vals) <= _WHOLE):
        # Whole millimetres, as covers and sizes are measured: each deviation _dec(v) - _dec(base) is
        # a whole number, so v - base is it exactly, float() of it included, and it compares with
        # the limits (_dec of floats) as the floats do. Only a deviation outside the limits can be
        # beyond the cap (cap_outside): those few are compared as Decimal. A row with one beyond
        # the cap goes the exact way below.
        devs_f = [v - base for v in vals]
        lo, hi = float(dmin), float(dmax)
        outside = [d for d in devs_f if not lo <= d <= hi]
        if cap is None or not any(e < cmin or e > cmax for e in map(Decimal, map(repr, outside))):
            n = len(devs_f)
            n_pass = n - len(outside)
            rate = Decimal(n_pass) / Decimal(n)
            ctx.update(texts)
            # n_pass == n: rate is Decimal(1) exactly, which _pct shows as "100%" (the usual row)
            ctx.update(design=_fmt(base), n_pass=n_pass, rate="100%" if n_pass == n else _pct(rate))
            details = {"design": base, "deviations": devs_f, "n_pass": n_pass, "pass_rate": float(rate),
                       "n_beyond_cap": 0}
            if n_pass >= p_pass * n:
                return PASS, details, rule.message_ok
            if n_pass >= p_recheck * n:
                return RECHECK, details, rule.message_recheck
            return FAIL, details, rule.message
    base_dec = _dec(base)
    devs = [d - base_dec for d in map(Decimal, reprs)]
    n, n_pass = len(devs), len([d for d in devs if dmin <= d <= dmax])
    rate = Decimal(n_pass) / Decimal(n)
    beyond: list[tuple[float, Decimal]] = []
    if cap is not None and not (cap_outside and n_pass == n):  # (all within limits: none beyond the cap)
        beyond = [(v, d) for v, d in zip(vals, devs) if d < cmin or d > cmax]
    ctx.update(texts)
    # n_pass == n: rate is Decimal(1) exactly, which _pct shows as "100%" (the usual row)
    ctx.update(design=_fmt(base), n_pass=n_pass, rate="100%" if n_pass == n else _pct(rate))
    details = {"design": base, "deviations": [float(d) for d in devs], "n_pass": n_pass,
               "pass_rate": float(rate), "n_beyond_cap": len(beyond)}
    if beyond:
        value, dev = max(beyond, key=lambda vd: abs(vd[1]))
        ctx.update(cap_value=_fmt(value), cap_dev=_signed(dev))
        return FAIL, details, rule.message_cap
    if n_pass >= p_pass * n:
        return PASS, details, rule.message_ok
    if n_pass >= p_recheck * n:
        return RECHECK, details, rule.message_recheck
    return FAIL, details, rule.message


def _design_grade(rule: Rule, grade: str | None) -> Decimal | Judgment:
    """The number in a strength grade ('C30' -> 30, 'M7.5' -> 7.5)."""
    prefix = rule.grade_prefix
    if grade is None:
        return Judgment(NO_DATA, message=f"“{rule.item}”需要填写设计强度等级（如 {prefix}30）")
    m = rule._grade_pattern.fullmatch(grade)
    if not m or Decimal(m.group(1)) <= 0:
        return Judgment(NO_RULE, message=f"“{grade}”不是“{rule.item}”可用的强度等级"
                                         f"（应写作 {prefix}30 这样的形式），请人工判定")
    return Decimal(m.group(1))


# statistics.mean and statistics.stdev as written in CPython 3.11 (checked against its source and,
# bit for bit, on random data): on other versions _mean_stdev() calls statistics itself.
_decimal_sqrt_of_frac = (getattr(statistics, "_decimal_sqrt_of_frac", None)
                         if sys.version_info[:2] == (3, 11) else None)


def _mean_stdev(ds: list[Decimal]) -> tuple[Decimal, Decimal]:
    """statistics.mean(ds), statistics.stdev(ds) for finite Decimals: the same objects, without Fractions.

    statistics sums exact Fractions: mean is Decimal(p) / Decimal(q) for the mean p/q in lowest
    terms, stdev the correctly rounded square root of the sample variance p/q in lowest terms.
    The same reduced fractions come from integers: every value is a_i / L over one common
    denominator L, so the sum is A / L and the sum of squares B / L², all exact.
    """
    if _decimal_sqrt_of_frac is None:
        return statistics.mean(ds), statistics.stdev(ds)
    ratios = [d.as_integer_ratio() for d in ds]
    common = math.lcm(*(q for _, q in ratios))
    scaled = [p * (common // q) for p, q in ratios]
    n = len(scaled)
    total, squares = sum(scaled), sum(a * a for a in scaled)
    g = math.gcd(total, common * n)
    mean = Decimal(total // g) / Decimal(common * n // g)
    # sample variance: (n·B − A²) / (L² · n · (n − 1))
    num, den = n * squares - total * total, common * common * n * (n - 1)
    g = math.gcd(num, den)
    return mean, _decimal_sqrt_of_frac(num // g, den // g)


def _rebound(rule: Rule, vals: list[float], ds: list[Decimal], fk: Decimal, ctx: dict[str, Any]) -> tuple[str, dict]:
    k, min_areas, floor = rule.limit("k"), rule.limit("min_areas"), rule.limit("floor")
    n = len(ds)
    details: dict[str, Any] = {"fcu_k": float(fk), "n": n, "fcu_min": min(vals)}
    mean = sd = None
    if n >= 2:  # decimal statistics: exact inputs, no overflow
        mean, sd = _mean_stdev(ds)
        # the standard states the mean to 0.1 MPa and the standard deviation to 0.01 MPa
        # (mean_places / sd_places); rounded by GB/T 8170 (half to even) before fcu,e
        mp, sp = rule.limit("mean_places"), rule.limit("sd_places")
        if mp is not None:
            mean = mean.quantize(Decimal(1).scaleb(-int(mp)), rounding=ROUND_HALF_EVEN)
        if sp is not None:
            sd = sd.quantize(Decimal(1).scaleb(-int(sp)), rounding=ROUND_HALF_EVEN)
        details.update(mean=float(mean), sd=float(sd))
    if any(d < floor for d in ds):
        details["fcu_e"] = f"<{floor:.1f}"
        estimate = f"有测区换算强度低于 {floor:.1f} MPa，推定值 fcu,e < {floor:.1f} MPa"
        result = FAIL
    elif n < min_areas:
        fcu_e = min(ds)
        details["fcu_e"] = float(fcu_e)
        estimate = f"测区数 {n}（少于 {_fmt(min_areas)} 个），推定值取最小测区换算值 fcu,e = {_fmt(fcu_e, 2)} MPa"
        result = PASS if fcu_e >= fk else FAIL
    else:
        fcu_e = mean - k * sd
        details["fcu_e"] = float(fcu_e)
        estimate = (f"测区数 {n}，平均值 {_fmt(mean, 2)} MPa，标准差 {_fmt(sd, 2)} MPa，"
                    f"推定值 fcu,e = m − {_fmt(k)}s = {_fmt(fcu_e, 2)} MPa")
        result = PASS if fcu_e >= fk else FAIL
        if (mean < 25 and sd > Decimal("4.5")) or (mean >= 25 and sd > Decimal("5.5")):
            details["batch_sd_exceeded"] = True
            estimate += "（若为批量检测：标准差超限，该批应全部按单个构件检测）"
    ctx.update(estimate=estimate, fcu_k=_fmt(fk), fcu_e=str(details["fcu_e"]))
    return result, details


def _mean_min_ratio(rule: Rule, vals: list[float], ds: list[Decimal], design: Decimal,
                    ctx: dict[str, Any]) -> tuple[str, dict]:
    mean = sum(ds) / len(ds)
    low = min(ds)
    mean_limit = rule.limit("mean_ratio") * design
    min_limit = rule.limit("min_ratio") * design
    grade = ctx["grade"]
    failures = []
    min_groups = rule.limit("min_groups")
    if min_groups is not None and len(ds) < min_groups:
        # too few groups for the batch rule: each group on its own must reach mean_ratio × design
        short = [d for d in ds if d < mean_limit]
        ctx.update(mean=_fmt(mean, 2), min=_fmt(low), mean_limit=_fmt(mean_limit),
                   min_groups=_fmt(min_groups), ratio=f"{rule.limit('mean_ratio'):.2f}",
                   failures=(f"少于 {_fmt(min_groups)} 组时每组平均值均应不低于 {_fmt(mean_limit)} MPa"
                             f"（{rule.limit('mean_ratio'):.2f}×{grade}），"
                             f"{'、'.join(_fmt(d) for d in short)} MPa 低于该值") if short else "")
        details = {"design": float(design), "mean": float(mean), "min": float(low),
                   "mean_limit": float(mean_limit), "each_limit": float(mean_limit), "few_groups": True}
        if short:
            return FAIL, details
        ctx["_ok_template"] = rule.message_few
        return PASS, details
    if mean < mean_limit:
        failures.append(f"平均值 {_fmt(mean, 2)} MPa 低于 {_fmt(mean_limit)} MPa"
                        f"（{rule.limit('mean_ratio'):.2f}×{grade}）")
    if low < min_limit:
        failures.append(f"最小一组 {_fmt(low)} MPa 低于 {_fmt(min_limit)} MPa"
                        f"（{rule.limit('min_ratio'):.2f}×{grade}）")
    ctx.update(mean=_fmt(mean, 2), min=_fmt(low), mean_limit=_fmt(mean_limit),
               min_limit=_fmt(min_limit), failures="；".join(failures))
    details = {"design": float(design), "mean": float(mean), "min": float(low),
               "mean_limit": float(mean_limit), "min_limit": float(min_limit)}
    return (FAIL if failures else PASS), details


# ---------------------------------------------------------------- judge

def judge(item: str, grade: str | None, values: Any, spec: Any = None, design: Any = None,
          *, rules: Sequence[Rule] | None = None, on: dt.date | None = None) -> Judgment:
    """Judge one spot-check row.

    item: one of :func:`items` (full-/half-width and spaces are tolerated).
    grade: 牌号 or strength grade ('HRB400E', 'C30', 'M7.5'), normalised.
    values: measured values: a cell string ('402、398'), a number or a list.
    spec: nominal diameter (mm) for rebar, cross-section (mm²) for wire.
    design: design value in mm for covers and dimensions.
    rules: a catalog from :func:`load_catalog` (default: the packaged one).
    on: the day whose editions apply (the campaign's activity start); None: catalog order.

    A wire's type (型号) goes in *grade* ('BV', 'RV'); without it, a spec typed as 'BV-2.5'
    or 'RV 2.5mm²' gives both type and cross-section when the type is one the item knows.
    """
    g = normalize_grade(grade)
    if g is None and type(spec) is str:
        g = _type_in_spec(rules, item, spec)
    spec_num = parse_number(spec)
    spec_dec = _dec(spec_num) if spec_num is not None else None
    picked = _select(rules, item, g, spec_dec, spec, on)
    if isinstance(picked, Judgment):
        return picked
    rule = picked
    design_value: Decimal | None = None
    if rule.grade_prefix:
        got = _design_grade(rule, g)
        if isinstance(got, Judgment):
            return Judgment(got.result, rule.basis, got.message, rule.id, {"confidence": rule.confidence})
        design_value = got

    base = {"confidence": rule.confidence, "standard": rule.standard, "clause": rule.clause}
    vals = parse_numbers(values)
    if vals is None:
        shown = clean_text(values) if isinstance(values, str) else None
        msg = f"实测值“{shown}”无法识别为数字" if shown else "未填写实测值"
        return Judgment(NO_DATA, rule.basis, f"{rule.item}：{msg}", rule.id, base)

    # parse_numbers gives floats only: their reprs make both the message's list and the exact
    # decimals the evaluators compare (_dec(v) is Decimal(repr(v)))
    reprs = list(map(repr, vals))
    ctx: dict[str, Any] = {
        "item": rule.item, "grade": g or "", "unit": rule.unit, "quantity": rule.quantity,
        "n": len(vals), "values": _fmt_values(vals, reprs),
        "spec": _fmt(spec_num) if spec_num is not None else "",  # (_fmt(spec_dec), from the float)
        "standard": rule.standard, "clause": rule.clause,
    }
    template = ""
    if rule.method in ("min_each", "max_each", "range_each"):
        result, details = _each(rule, vals, reprs, g, spec_dec, ctx)
        if result == NO_RULE:
            return Judgment(NO_RULE, rule.basis, f"规则 {rule.id} 缺少牌号 {g} 的限值，请人工判定",
                            rule.id, base)
    elif rule.method == "deviation_rate":
        result, details, template = _deviation_rate(rule, vals, reprs, design, ctx)
        if result == NO_DATA:
            return Judgment(NO_DATA, rule.basis, template, rule.id, base)
    elif rule.method == "rebound":
        result, details = _rebound(rule, vals, list(map(Decimal, reprs)), design_value, ctx)
    else:  # mean_min_ratio
        result, details = _mean_min_ratio(rule, vals, list(map(Decimal, reprs)), design_value, ctx)
        template = ctx.pop("_ok_template", "")
    if not template:
        template = rule.message_ok if result == PASS else rule.message
    details = {**base, "values": vals, "n": len(vals), **details}
    if rule.valid_from or rule.valid_to:
        details["validity"] = rule.validity()
    message = _render(template, ctx)
    if rule.unconfirmed and (not rule.unconfirmed_results or result in rule.unconfirmed_results):
        details["reference_result"] = result
        return Judgment(MANUAL, rule.basis, f"需人工判定：{rule.unconfirmed}。按本规则限值的参考结论为"
                                            f"“{result}”：{message}", rule.id, details)
    return Judgment(result, rule.basis, message, rule.id, details)


_SPEC_TYPE = re.compile(r"\s*([A-Za-z]+)[\s\-_]*(?=[0-9.])")


def _type_in_spec(rules: Sequence[Rule] | None, item: Any, spec: str) -> str | None:
    """'BV-2.5' -> 'BV' when the item's rules list BV as a grade; else None."""
    m = _SPEC_TYPE.match(to_halfwidth(spec))
    if m is None:
        return None
    g = m.group(1).upper()
    key = _item_key(item)
    cands = (_packaged_by_item().get(key, ()) if rules is None
             else [r for r in rules if _item_key(r.item) == key])
    return g if any(g in r.grades for r in cands) else None
