"""The judge's fast paths give exactly what the exact (Decimal, statistics) paths give.

Each fast path is pinned against the code it stands in for: message formatting of floats,
the measured-values list, the rebound mean and standard deviation, float limit checks
(_each) and whole-millimetre deviations (_deviation_rate). Judgments name a national
standard's clause, so "nearly the same" is not good enough: results, messages and details
must be identical.
"""
from __future__ import annotations

import statistics
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.rules import judge as J

FLOATS = st.floats(allow_nan=True, allow_infinity=True)
MEASURED = st.one_of(st.integers(-2000, 2000).map(float),
                     st.decimals(-2000, 2000, places=2, allow_nan=False).map(float),
                     st.floats(-1e6, 1e6, allow_nan=False))
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(FLOATS, st.integers(0, 6))
def test_float_formatting(x, places):
    assert J._fmt_float(x, places) == J._fmt_any(x, places)


@FAST
@given(st.lists(FLOATS, min_size=1, max_size=12))
def test_measured_values_list(vals):
    assert J._fmt_values(vals, [repr(v) for v in vals]) == "、".join(J._fmt(v) for v in vals)


@FAST
@given(st.lists(st.decimals(-100, 100, places=3, allow_nan=False, allow_infinity=False), min_size=2, max_size=16))
def test_rebound_statistics(ds):
    mean, sd = J._mean_stdev(ds)
    want_mean, want_sd = statistics.mean(ds), statistics.stdev(ds)
    assert (mean, sd) == (want_mean, want_sd)
    assert (str(mean), str(sd)) == (str(want_mean), str(want_sd))


def _rules(method: str) -> list[J.Rule]:
    return [r for r in J._packaged() if r.method == method]


def _same(a: J.Judgment, b: J.Judgment) -> None:
    assert (a.result, a.basis, a.message, a.rule_id) == (b.result, b.basis, b.message, b.rule_id)
    assert repr(a.details) == repr(b.details)


@FAST
@given(st.sampled_from(_rules("min_each") + _rules("max_each") + _rules("range_each")), st.data())
def test_limit_checks_on_floats(rule, data):
    grade = data.draw(st.sampled_from(rule.grades)) if rule.grades else None
    spec = None
    if not rule.band.empty:
        lo = float(rule.band.spec_min) if rule.band.spec_min is not None else 1.0
        hi = float(rule.band.spec_max) if rule.band.spec_max is not None else lo + 10
        spec = data.draw(st.sampled_from(sorted({lo, hi, (lo + hi) / 2})))
    limit = rule.limit("min", grade) or rule.limit("max", grade)
    near = st.sampled_from([float(limit) + d for d in (-0.01, -1e-9, 0.0, 1e-9, 0.01, -1, 1)])
    vals = data.draw(st.lists(st.one_of(near, MEASURED), min_size=1, max_size=8))
    fast = J.judge(rule.item, grade, vals, spec=spec)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(J.Rule, "_float_limits", property(lambda self: False))   # the Decimal way
        exact = J.judge(rule.item, grade, vals, spec=spec)
    _same(fast, exact)


@FAST
@given(st.sampled_from(_rules("deviation_rate")), st.integers(50, 4000),
       st.lists(st.integers(-40, 40), min_size=1, max_size=20))
def test_whole_millimetre_deviations(rule, design, offsets):
    vals = [float(design + o) for o in offsets]
    fast = J.judge(rule.item, None, vals, design=design)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(J, "_WHOLE", -1.0)          # no value counts as whole: the Decimal way
        exact = J.judge(rule.item, None, vals, design=design)
    _same(fast, exact)
    assert fast.result in (J.PASS, J.FAIL, J.RECHECK)
