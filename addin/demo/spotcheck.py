"""监督抽测演示行：先定结论（合格 / 不合格 / 需复检），再按规则库的限值构造实测值。

Why this module exists: the demo's ground truth (each row's stated 判定 and the counts spot_pass /
spot_fail / spot_recheck / spot_unjudged in manifest.json) is what the tests compare the program's
figures with. If the generator asked ``addin.rules.judge`` for a row's verdict, a judge bug would sit
on both sides of that comparison and no test could see it. So nothing here imports the judge:

- the rule catalog's TOML files are read as data (limits, grades, spec bands, 表注折减, editions and
  their dates, ``unconfirmed``) by :func:`load_rules`, a small reader of its own;
- a row's verdict is chosen first (:func:`plan_row`), then a case (grade, spec, design value) to which
  exactly one rule of the catalog applies on the campaign's first day, so no rule order decides;
- measured values are built to realise the verdict with a margin from every limit, and
  :func:`evaluate` — a second, independent implementation of each method (min/max/range per value,
  GB 50204 合格点率 with the 1.5 倍 cap, JGJ/T 23 回弹推定值 m − 1.645s, GB 50203 砂浆 mean and
  minimum ratios) — confirms the construction and that the verdict is unambiguous;
- combinations the judge would give 需人工判定 (an ``unconfirmed`` rule, e.g. a successor edition
  whose limits are not confirmed) are not generated as 合格 / 不合格 rows.

``tests/test_demo.py`` then checks that ``judge()`` agrees with every intended verdict.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any

__all__ = ["RULES_DIR", "SpotRule", "SpotPlan", "load_rules", "rule_items", "rule_for_case", "plan_row",
           "evaluate", "is_material", "can_target", "TARGETS"]

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"   # the packaged catalog, read as data
PASS, FAIL, RECHECK = "合格", "不合格", "需复检"
TARGETS = (PASS, FAIL, RECHECK)

_MATERIAL_WORDS = ("钢筋", "电线", "电缆", "砂浆")
_DESIGNS = (("梁保护层", (25, 25, 30, 20)), ("板保护层", (15, 15, 20)), ("板厚", (100, 110, 120, 130, 150)),
            ("墙厚", (180, 200, 200, 250)), ("梁截面", (250, 300, 500, 600, 700)),
            ("柱截面", (400, 500, 600, 700)), ("层高", (2900, 3000, 3000, 3300, 3600)))
_HRB_D = (12, 14, 16, 18, 20, 22, 25, 28, 32)
_HPB_D = (6, 8, 10, 12)
_ALL_D = (6, 8, 10, 12, 14, 16, 18, 20, 22, 25, 28, 32, 36, 40, 50)
_GRADE_WEIGHT = {"HRB400E": 6.0, "HRB400": 2.0, "HRB500E": 1.5, "HRB500": 0.5, "HPB300": 1.2, "HRB600": 0.3,
                 # wire types (型号): mostly BV in buildings; tinned conductors are rare
                 "BV": 6.0, "BVR": 1.5, "BVVB": 1.0, "BVV": 0.5, "RV": 1.0, "RVV": 1.0, "RVS": 0.3, "RVB": 0.3,
                 "BV镀锡": 0.1, "BVV镀锡": 0.1, "BVVB镀锡": 0.1}
# margins that make a constructed verdict unambiguous
_REBOUND_MARGIN = Fraction(3, 10)    # |fcu,e − fcu,k| in MPa
_MORTAR_MARGIN = Fraction(1, 10)     # mean and minimum from their limits, MPa


def _frac(x: Any) -> Fraction:
    """A TOML or typed number as the exact decimal it is written as (7.41 -> 741/100)."""
    return Fraction(repr(x)) if isinstance(x, float) else Fraction(x)


# ----------------------------------------------------------------- the catalog, as data
@dataclass(frozen=True)
class Band:
    """Spec conditions of a rule: lo <= d <= hi, d > over (None: no condition)."""
    lo: Fraction | None = None
    hi: Fraction | None = None
    over: Fraction | None = None

    @property
    def empty(self) -> bool:
        return self.lo is None and self.hi is None and self.over is None

    def contains(self, d: Fraction) -> bool:
        return ((self.lo is None or d >= self.lo) and (self.hi is None or d <= self.hi)
                and (self.over is None or d > self.over))


def _band(raw: dict[str, Any]) -> Band:
    if raw.get("spec") is not None:
        return Band(_frac(raw["spec"]), _frac(raw["spec"]))
    get = lambda k: None if raw.get("spec_" + k) is None else _frac(raw["spec_" + k])  # noqa: E731
    return Band(get("min"), get("max"), get("over"))


@dataclass(frozen=True)
class SpotRule:
    """One ``[[rule]]`` of the catalog, with the fields the demo needs."""
    id: str
    item: str
    method: str
    limits: dict[str, Any]
    standard: str
    clause: str
    grades: tuple[str, ...] = ()
    grade_prefix: str = ""
    band: Band = Band()
    adjust: tuple[tuple[Band, Fraction], ...] = ()
    quantity: str = ""
    unit: str = ""
    unconfirmed: str = ""
    unconfirmed_results: tuple[str, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def limit(self, key: str, grade: str | None = None) -> Fraction | None:
        value = self.limits.get(key)
        if isinstance(value, dict):
            value = value.get(grade)
        return None if value is None else _frac(value)

    def in_force(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def fits(self, grade: str | None, spec: Fraction | None) -> bool:
        return ((not self.grades or grade in self.grades)
                and (self.band.empty or (spec is not None and self.band.contains(spec))))

    def manual_for(self, verdict: str) -> bool:
        """Whether the catalog marks this verdict of the rule as unconfirmed (the judge: 需人工判定)."""
        return bool(self.unconfirmed) and (not self.unconfirmed_results or verdict in self.unconfirmed_results)


def _rule(raw: dict[str, Any]) -> SpotRule:
    return SpotRule(
        id=str(raw["id"]), item=str(raw["item"]), method=str(raw["method"]), limits=dict(raw["limits"]),
        standard=str(raw["standard"]), clause=str(raw["clause"]), grades=tuple(raw.get("grades", ())),
        grade_prefix=str(raw.get("grade_prefix", "")), band=_band(raw),
        adjust=tuple((_band(a), _frac(a["delta"])) for a in raw.get("spec_adjust", ())),
        quantity=str(raw.get("quantity", "")), unit=str(raw.get("unit", "")),
        unconfirmed=str(raw.get("unconfirmed", "")), unconfirmed_results=tuple(raw.get("unconfirmed_results", ())),
        valid_from=raw.get("valid_from"), valid_to=raw.get("valid_to"))


def load_rules(folder: Path = RULES_DIR) -> tuple[SpotRule, ...]:
    """The catalog's rules in catalog order (files by name; a later file's rule with a known id
    replaces it in place). An ``[[edition]]`` of a file ends each rule citing the old standard the
    day before the new one starts and adds a copy citing the new one, unconfirmed (its limits are
    the old edition's, kept for reference)."""
    by_id: dict[str, SpotRule] = {}
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        rules = [_rule(raw) for raw in data.get("rule", [])]
        for ed in data.get("edition", []):
            start = ed["valid_from"]
            copies = []
            for i, r in enumerate(rules):
                if r.standard != ed["replaces"]:
                    continue
                if r.valid_to is None:
                    rules[i] = r = dataclasses.replace(r, valid_to=start - dt.timedelta(days=1))
                copies.append(dataclasses.replace(r, id=f"{r.id}@{start.year}", standard=str(ed["standard"]),
                                                  clause=r.clause + str(ed.get("clause_note", "")),
                                                  valid_from=start, valid_to=None,
                                                  unconfirmed=str(ed["unconfirmed"]), unconfirmed_results=()))
            rules += copies
        for r in rules:
            by_id[r.id] = r
    return tuple(by_id.values())


def rule_items(rules: tuple[SpotRule, ...]) -> list[str]:
    """The distinct items in catalog order (the 检测项目 drop-down)."""
    return list(dict.fromkeys(r.item for r in rules))


def is_material(item: str) -> bool:
    return any(w in item for w in _MATERIAL_WORDS)


def rule_for_case(rules: tuple[SpotRule, ...], item: str, day: dt.date, grade: str | None,
                  spec: str | None) -> SpotRule | None:
    """The one rule of ``item`` in force on ``day`` that applies to the grade and spec; None when
    none or several do (the demo then picks another case, so catalog order never decides)."""
    d = Fraction(spec) if spec else None
    fitting = [r for r in rules if r.item == item and r.in_force(day) and r.fits(grade, d)]
    return fitting[0] if len(fitting) == 1 else None


def can_target(rules: tuple[SpotRule, ...], item: str, day: dt.date, target: str) -> bool:
    """Whether some rule of ``item`` in force on ``day`` can give ``target`` as a confirmed verdict
    (not 需人工判定; 需复检 only by a rule with a re-sampling band)."""
    return any(r.item == item and r.in_force(day) and not r.manual_for(target)
               and (target != RECHECK or r.method == "deviation_rate") for r in rules)


# ----------------------------------------------------------------- choosing a case
def _choose_case(rules: tuple[SpotRule, ...], item: str, day: dt.date,
                 rng: random.Random) -> tuple[str | None, str | None, Any]:
    """(grade, spec text, design) for one row of ``item``."""
    cands = [r for r in rules if r.item == item and r.in_force(day)] or [r for r in rules if r.item == item]
    grade: str | None = None
    grades = list(dict.fromkeys(g for r in cands for g in r.grades))
    prefix = next((r.grade_prefix for r in cands if r.grade_prefix), "")
    if grades:
        grade = rng.choices(grades, [_GRADE_WEIGHT.get(g, 1.0) for g in grades])[0]
    elif prefix == "C":
        grade = rng.choice(("C25", "C30", "C30", "C35", "C40"))
    elif prefix == "M":
        grade = rng.choice(("M5", "M7.5", "M7.5", "M10"))
    elif prefix:
        grade = prefix + "10"
    fitting = [r for r in cands if not r.grades or grade in r.grades]
    rule = rng.choice(fitting or cands)
    spec: str | None = None
    band = rule.band
    rebar = bool(rule.grades) or bool(rule.adjust)
    if band.lo is not None and band.lo == band.hi:
        spec = _plain(band.lo)
    elif not band.empty:
        pool = [d for d in _ALL_D if band.contains(Fraction(d))]
        pref = [d for d in pool if d in (_HPB_D if (grade or "").startswith("HPB") else _HRB_D)]
        spec = str(rng.choice(pref or pool)) if pool else None
    elif rebar:
        spec = str(rng.choice(_HPB_D if (grade or "").startswith("HPB") else _HRB_D))
    design = None
    if rule.method == "deviation_rate":
        design = next((rng.choice(v) for k, v in _DESIGNS if k in item), 200)
    return grade, spec, design


def _plain(x: Fraction) -> str:
    """2.5 -> '2.5', 4 -> '4' (a spec written as in the catalog)."""
    d = Decimal(x.numerator) / Decimal(x.denominator)
    text = format(d.normalize(), "f")
    return text


@dataclass
class SpotPlan:
    """A row aimed at ``verdict``: the rule that applies, the case and the measured values (text)."""
    verdict: str
    rule: SpotRule
    grade: str | None
    spec: str | None
    design: Any
    values: list[str]
    detail: str       # why the values give the verdict, in Chinese (for 典型问题曝光)


def plan_row(rules: tuple[SpotRule, ...], item: str, target: str, day: dt.date, rng: random.Random,
             case: tuple | None = None) -> SpotPlan:
    """Values for a row of ``item`` that give ``target`` by the rule in force on ``day``."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target}")
    for _ in range(40):
        grade, spec, design = case or _choose_case(rules, item, day, rng)
        rule = rule_for_case(rules, item, day, grade, spec)
        if rule is None or rule.manual_for(target) or (target == RECHECK and rule.method != "deviation_rate"):
            continue
        values = _values_for(rule, grade, spec, design, target, rng)
        if values is None:
            continue
        verdict, clear, detail = evaluate(rule, grade, spec, design, values)
        if verdict == target and clear:
            return SpotPlan(target, rule, grade, spec, design, values, detail)
    raise RuntimeError(f"cannot construct a {target} row for {item} (case {case})")


# ----------------------------------------------------------------- constructing values
def _fmt(x: float, places: int) -> str:
    return f"{x:.{places}f}"


def _places(x: float) -> int:
    ax = abs(x)
    return 0 if ax >= 100 else (1 if ax >= 5 else 2)


def _above(limit: float, lo: float, hi: float, places: int, rng: random.Random) -> float:
    return round(limit + abs(limit) * rng.uniform(lo, hi), places)


def _below(limit: float, lo: float, hi: float, places: int, rng: random.Random) -> float:
    return round(limit - abs(limit) * rng.uniform(lo, hi), places)


def _min_limit(rule: SpotRule, grade: str | None, spec: str | None) -> Fraction | None:
    """The minimum after the first 表注 band that contains the spec (GB/T 1499.2 表6 注)."""
    lo = rule.limit("min", grade)
    if lo is not None and rule.adjust and spec is not None:
        for band, delta in rule.adjust:
            if band.contains(Fraction(spec)):
                return lo + delta
    return lo


def _values_for(rule: SpotRule, grade: str | None, spec: str | None, design: Any, target: str,
                rng: random.Random) -> list[str] | None:
    m = rule.method
    if m in ("min_each", "max_each", "range_each"):
        return _limit_values(rule, grade, spec, target, rng)
    if m == "deviation_rate":
        return _deviation_values(rule, design, target, rng)
    if m == "rebound":
        return _rebound_values(rule, grade, target, rng)
    if m == "mean_min_ratio":
        return _mortar_values(rule, grade, target, rng)
    return None   # a method the demo cannot construct: that item is not generated


def _limit_values(rule: SpotRule, grade: str | None, spec: str | None, target: str,
                  rng: random.Random) -> list[str] | None:
    """Every value clear of the minimum and/or maximum; for 不合格 one planted clearly outside."""
    m = rule.method
    n = rng.choice((2, 2, 3))
    if m == "min_each":
        lo_f = _min_limit(rule, grade, spec)
        if lo_f is None:
            return None
        lo = float(lo_f)
        p = _places(lo)
        spread = (0.04, 0.18) if p == 0 else ((0.08, 0.55) if p == 1 else (0.02, 0.12))
        vals = [_above(lo, *spread, p, rng) for _ in range(n)]
        if target == FAIL:
            vals[rng.randrange(n)] = _below(lo, 0.02, 0.06, p, rng)
    elif m == "max_each":
        hi_f = rule.limit("max", grade)
        if hi_f is None:
            return None
        hi = float(hi_f)
        p = 2 if hi < 20 else _places(hi)
        vals = [_below(hi, 0.02, 0.15, p, rng) for _ in range(n)]
        if target == FAIL:
            vals[rng.randrange(n)] = _above(hi, 0.02, 0.08, p, rng)
    else:
        lo_f, hi_f = rule.limit("min", grade), rule.limit("max", grade)
        if lo_f is None or hi_f is None:
            return None
        lo, hi = float(lo_f), float(hi_f)
        n = rng.choice((1, 2))
        vals = [round(rng.uniform(lo * 0.8, hi * 0.35), 1) for _ in range(n)]
        if target == FAIL:
            vals[rng.randrange(n)] = round(lo - rng.uniform(0.2, 1.5), 1)
        p = 1
    return [_fmt(v, p) for v in vals]


def _deviation_counts(rule: SpotRule, target: str, rng: random.Random) -> tuple[int, int, bool]:
    """(points n, points out of limits k, one beyond the cap) whose 合格点率 is clearly in the
    target's band: never exactly on the pass or re-check rate."""
    p_pass, p_re = rule.limit("pass_rate"), rule.limit("recheck_rate")

    def band_ok(n: int, k: int) -> bool:
        rate = Fraction(n - k, n)
        if rate in (p_pass, p_re):
            return False
        if target == PASS:
            return rate > p_pass
        if target == RECHECK:
            return p_re < rate < p_pass
        return rate < p_re

    beyond_cap = target == FAIL and rule.limit("cap_factor") is not None and rng.random() < 0.3
    if beyond_cap:
        return rng.randint(10, 16), 1, True
    options = [(n, k) for n in range(10, 17) for k in range(0, n + 1) if band_ok(n, k)]
    if target == PASS:
        clean = [o for o in options if o[1] == 0]
        options = clean if rng.random() < 0.7 else [o for o in options if o[1] > 0] or clean
    else:
        options = [o for o in options if o[1] <= o[0] // 2] or options
    n, k = rng.choice(options)
    return n, k, False


def _deviation_values(rule: SpotRule, design: Any, target: str, rng: random.Random) -> list[str] | None:
    """Whole-millimetre readings: n − k deviations inside the allowed band (not on its ends), k
    outside it (within the cap, not on it), or for a cap failure one beyond 1.5 times the band."""
    if design is None:
        return None
    dmin_f, dmax_f, cap = rule.limit("dev_min"), rule.limit("dev_max"), rule.limit("cap_factor")
    dmin, dmax = math.floor(dmin_f) + 1, math.ceil(dmax_f) - 1       # strictly inside
    n, k, beyond_cap = _deviation_counts(rule, target, rng)
    mid = (dmin + dmax) / 2
    devs = [max(dmin, min(dmax, round(rng.gauss(mid - 1, (dmax - dmin) / 6)))) for _ in range(n - k)]
    for _ in range(k):
        out_hi, out_lo = math.floor(dmax_f) + 1, math.ceil(dmin_f) - 1  # first whole mm outside
        if cap is not None:
            cap_hi, cap_lo = math.ceil(dmax_f * cap) - 1, math.floor(dmin_f * cap) + 1   # strictly within the cap
            if beyond_cap:
                dev = rng.choice((math.floor(dmax_f * cap) + rng.randint(1, 4),
                                  math.ceil(dmin_f * cap) - rng.randint(1, 4)))
            else:
                dev = rng.choice((rng.randint(out_hi, max(out_hi, cap_hi)), rng.randint(min(out_lo, cap_lo), out_lo)))
        else:
            dev = rng.choice((rng.randint(out_hi, out_hi + 7), rng.randint(out_lo - 7, out_lo)))
        devs.insert(rng.randrange(len(devs) + 1), dev)
    return [str(int(design) + d) for d in devs]


def _rebound_values(rule: SpotRule, grade: str | None, target: str, rng: random.Random) -> list[str] | None:
    """Test-area strengths (one decimal) whose 推定值 lands clearly on the target side of the grade."""
    if not grade or not grade.startswith(rule.grade_prefix):
        return None
    fk = float(grade[len(rule.grade_prefix):])
    k = float(rule.limit("k"))
    n = max(10, int(rule.limit("min_areas")))
    s = rng.uniform(1.2, 3.5)
    goal = fk + rng.uniform(1.0, 8.0) if target != FAIL else fk - rng.uniform(1.0, 6.0)
    z = [rng.gauss(0, 1) for _ in range(n)]
    zm = sum(z) / n
    zs = math.sqrt(sum((x - zm) ** 2 for x in z) / (n - 1))
    return [_fmt(goal + k * s + s * (x - zm) / zs, 1) for x in z]


def _mortar_values(rule: SpotRule, grade: str | None, target: str, rng: random.Random) -> list[str] | None:
    """Cube strengths (one decimal) for a mortar grade: all groups well above the ratios, or the mean
    or one group clearly below its ratio."""
    if not grade or not grade.startswith(rule.grade_prefix):
        return None
    d = float(grade[len(rule.grade_prefix):])
    mean_r, min_r = float(rule.limit("mean_ratio")), float(rule.limit("min_ratio"))
    n = max(rng.randint(3, 6), int(rule.limit("min_groups") or 0))
    if target != FAIL:
        vals = [d * rng.uniform(mean_r + 0.05, mean_r + 0.4) for _ in range(n)]
    elif rng.random() < 0.5:
        vals = [d * rng.uniform(min_r + 0.03, mean_r - 0.04) for _ in range(n)]
    else:
        vals = [d * rng.uniform(mean_r + 0.05, mean_r + 0.3) for _ in range(n)]
        vals[rng.randrange(n)] = d * rng.uniform(min_r - 0.15, min_r - 0.03)
    return [_fmt(v, 1) for v in vals]


# ----------------------------------------------------------------- the demo's own evaluation
def _step(text: str) -> Fraction:
    """One unit of the last written digit ('7.26' -> 1/100)."""
    return Fraction(1, 10 ** len(text.split(".")[1])) if "." in text else Fraction(1)


def _show(x: Fraction, places: int = 2) -> str:
    text = f"{float(x):.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def evaluate(rule: SpotRule, grade: str | None, spec: str | None, design: Any,
             values: list[str]) -> tuple[str, bool, str]:
    """(verdict, clear, detail): the verdict the standard gives ``values`` (plain decimal text) by
    ``rule``, whether every compared quantity is at least a margin from its limit, and a Chinese
    sentence saying why. Written from the standards, independently of addin.rules.judge."""
    xs = [Fraction(v) for v in values]
    m = rule.method
    if m in ("min_each", "max_each", "range_each"):
        return _eval_each(rule, grade, spec, values, xs)
    if m == "deviation_rate":
        return _eval_deviation(rule, int(design), xs)
    if m == "rebound":
        return _eval_rebound(rule, Fraction(grade[len(rule.grade_prefix):]), xs)
    return _eval_mortar(rule, Fraction(grade[len(rule.grade_prefix):]), grade, xs)


def _eval_each(rule: SpotRule, grade: str | None, spec: str | None, values: list[str],
               xs: list[Fraction]) -> tuple[str, bool, str]:
    """Each value >= the minimum (after the spec's 表注折减) and/or <= the maximum; a margin of one
    written digit and at least 0.5 % of the limit."""
    lo = _min_limit(rule, grade, spec) if rule.method != "max_each" else None
    hi = rule.limit("max", grade) if rule.method != "min_each" else None
    limits = [x for x in (lo, hi) if x is not None]
    clear = all(abs(x - lim) >= max(_step(v), abs(lim) / 200) for x, v in zip(xs, values) for lim in limits)
    low = [x for x in xs if lo is not None and x < lo]
    high = [x for x in xs if hi is not None and x > hi]
    unit = rule.unit
    if low:
        return FAIL, clear, f"实测值 {'、'.join(values)}{unit}，其中 {_show(min(low))}{unit} 低于标准值 {_show(lo)}{unit}"
    if high:
        return FAIL, clear, f"实测值 {'、'.join(values)}{unit}，其中 {_show(max(high))}{unit} 超过限值 {_show(hi)}{unit}"
    return PASS, clear, f"实测值 {'、'.join(values)}{unit}，均满足标准要求"


def _eval_deviation(rule: SpotRule, design: int, xs: list[Fraction]) -> tuple[str, bool, str]:
    """GB 50204-2015 E.0.5 / F.0.4: 合格点率 >= pass_rate 合格; >= recheck_rate 需复检 (resample);
    lower 不合格; any point beyond cap_factor times the allowed deviation 不合格."""
    dmin, dmax = rule.limit("dev_min"), rule.limit("dev_max")
    p_pass, p_re, cap = rule.limit("pass_rate"), rule.limit("recheck_rate"), rule.limit("cap_factor")
    devs = [x - design for x in xs]
    n = len(devs)
    n_ok = sum(1 for d in devs if dmin <= d <= dmax)
    rate = Fraction(n_ok, n)
    edges = [dmin, dmax] + ([dmin * cap, dmax * cap] if cap is not None else [])
    clear = all(d not in edges for d in devs) and rate not in (p_pass, p_re)
    beyond = [d for d in devs if cap is not None and not dmin * cap <= d <= dmax * cap]
    pct = f"{float(rate) * 100:.1f}%"
    head = f"设计值 {design} mm，{n} 个测点中 {n_ok} 个在允许偏差 {_show(dmin)}～+{_show(dmax)} mm 内（合格点率 {pct}）"
    if beyond:
        worst = max(beyond, key=abs)
        return FAIL, clear, f"{head}，偏差 {_show(worst)} mm 超出允许偏差的 {_show(cap)} 倍"
    if rate >= p_pass:
        return PASS, clear, head
    if rate >= p_re:
        return RECHECK, clear, f"{head}，在 {_show(p_re * 100)}%～{_show(p_pass * 100)}% 之间，应抽样复检"
    return FAIL, clear, f"{head}，低于 {_show(p_re * 100)}%"


def _round(x: Fraction, places: int) -> Decimal:
    """x to ``places`` decimals, half to even (GB/T 8170), from its exact value."""
    with localcontext() as ctx:
        ctx.prec = 60
        return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal(1).scaleb(-places),
                                                                         rounding=ROUND_HALF_EVEN)


def _eval_rebound(rule: SpotRule, fk: Fraction, xs: list[Fraction]) -> tuple[str, bool, str]:
    """JGJ/T 23-2011: with at least min_areas test areas, fcu,e = m − k·s (m to 0.1 MPa, s to
    0.01 MPa); any area below the floor gives fcu,e < floor. Only the first case is generated."""
    n = len(xs)
    floor, k = rule.limit("floor"), rule.limit("k")
    mean = sum(xs) / n
    var = sum((x - mean) ** 2 for x in xs) / (n - 1)
    with localcontext() as ctx:
        ctx.prec = 60
        sd_exact = (Decimal(var.numerator) / Decimal(var.denominator)).sqrt()
    mp, sp = rule.limit("mean_places"), rule.limit("sd_places")
    m = _round(mean, int(mp)) if mp is not None else Decimal(mean.numerator) / Decimal(mean.denominator)
    s = sd_exact.quantize(Decimal(1).scaleb(-int(sp)), rounding=ROUND_HALF_EVEN) if sp is not None else sd_exact
    fcu_e = Fraction(m) - k * Fraction(s)
    ok_areas = n >= rule.limit("min_areas") and all(x >= floor + 1 for x in xs)
    clear = ok_areas and abs(fcu_e - fk) >= _REBOUND_MARGIN
    text = (f"{n} 个测区，平均值 {m} MPa，标准差 {s} MPa，推定值 fcu,e = m − {_show(k, 3)}s = "
            f"{_show(fcu_e)} MPa")
    if any(x < floor for x in xs) or fcu_e < fk:
        return FAIL, clear, f"{text}，低于设计强度 {_show(fk)} MPa"
    return PASS, clear, f"{text}，不低于设计强度 {_show(fk)} MPa"


def _eval_mortar(rule: SpotRule, design: Fraction, grade: str, xs: list[Fraction]) -> tuple[str, bool, str]:
    """GB 50203-2011 4.0.12: mean >= mean_ratio × grade and the lowest group >= min_ratio × grade
    (with fewer than min_groups groups each group must reach mean_ratio × grade)."""
    mean_lim, min_lim = rule.limit("mean_ratio") * design, rule.limit("min_ratio") * design
    mean, low = sum(xs) / len(xs), min(xs)
    few = rule.limit("min_groups") is not None and len(xs) < rule.limit("min_groups")
    checks = [(x, mean_lim) for x in xs] if few else [(mean, mean_lim), (low, min_lim)]
    clear = all(abs(x - lim) >= _MORTAR_MARGIN for x, lim in checks)
    text = f"{len(xs)} 组，平均值 {_show(mean)} MPa，最小一组 {_show(low)} MPa（{grade}）"
    failures = []
    if (any(x < mean_lim for x in xs) if few else mean < mean_lim):
        failures.append(f"低于 {_show(mean_lim)} MPa（{_show(rule.limit('mean_ratio'))}×{grade}）")
    if not few and low < min_lim:
        failures.append(f"最小一组低于 {_show(min_lim)} MPa（{_show(rule.limit('min_ratio'))}×{grade}）")
    if failures:
        return FAIL, clear, f"{text}，{'；'.join(failures)}"
    return PASS, clear, text
