"""Spot-check judgments: every limit from just inside and just outside, plus properties.

Expected limits are written out here from /work/shared/FACTS.md section 3, independently of
the TOML files, so a typo in a rule file fails a test.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.rules.judge import (
    FAIL, MANUAL, NO_DATA, NO_RULE, PASS, RECHECK, RESULTS,
    Judgment, RuleError, catalog, items, judge, load_catalog, normalize_grade,
)

ITEMS = [
    "钢筋下屈服强度", "钢筋抗拉强度", "钢筋断后伸长率", "钢筋最大力总延伸率", "钢筋强屈比",
    "钢筋超屈比", "钢筋重量偏差", "梁保护层厚度", "板保护层厚度", "板厚", "墙厚", "梁截面尺寸",
    "柱截面尺寸", "层高", "混凝土抗压强度（回弹）", "电线导体电阻", "砌筑砂浆强度",
]
GRADES = ["HPB300", "HRB400", "HRB400E", "HRB500", "HRB500E", "HRB600"]
EPS = 0.1


# ---------------------------------------------------------------- catalog

def test_items_are_exact_and_ordered():
    assert items() == ITEMS


def test_catalog_fields():
    ids = [r.id for r in catalog()]
    assert len(ids) == len(set(ids))
    for rule in catalog():
        assert rule.item in ITEMS
        assert rule.confidence in ("C", "P", "U")
        assert rule.standard and rule.clause and rule.source
        assert rule.basis


def test_catalog_is_a_copy():
    first = catalog()
    first.clear()
    assert catalog()


@pytest.mark.parametrize("raw, expected", [
    ("hrb400e", "HRB400E"), ("HRB 400E", "HRB400E"), ("ＨＲＢ４００Ｅ", "HRB400E"),
    ("HRB-400E", "HRB400E"), (" HRB400E\u3000", "HRB400E"), ("c30", "C30"), ("Ｃ３０", "C30"),
    ("m7.5", "M7.5"), ("", None), (None, None),
])
def test_normalize_grade(raw, expected):
    assert normalize_grade(raw) == expected


# ---------------------------------------------------------------- rebar: >= limits

REL = dict(zip(GRADES, [300, 400, 400, 500, 500, 600]))
RM = dict(zip(GRADES, [420, 540, 540, 630, 630, 730]))
A = dict(zip(GRADES, [25, 16, 16, 15, 15, 14]))
AGT = dict(zip(GRADES, [10.0, 7.5, 9.0, 7.5, 9.0, 7.5]))


def _min_cases(item, table):
    return [pytest.param(item, grade, limit, id=f"{item}-{grade}") for grade, limit in table.items()]


@pytest.mark.parametrize("item, grade, limit", [
    *_min_cases("钢筋下屈服强度", REL),
    *_min_cases("钢筋抗拉强度", RM),
    *_min_cases("钢筋断后伸长率", A),
    *_min_cases("钢筋最大力总延伸率", AGT),
])
def test_min_limits(item, grade, limit):
    ok = judge(item, grade, [limit, limit + 20])
    assert ok.result == PASS, ok.message
    bad = judge(item, grade, f"{limit + 20}、{limit - EPS:.1f}")
    if item == "钢筋断后伸长率" and grade.endswith("E"):
        # whether GB/T 1499.2-2018 表6 sets A for E grades is not confirmed (issue 15): below the
        # figure -> 需人工判定, the verdict under the limit kept for reference
        assert bad.result == MANUAL and bad.details["reference_result"] == FAIL, bad.message
        assert "未经核实" in bad.message
    else:
        assert bad.result == FAIL, bad.message
    assert bad.details["limit"] == limit
    assert bad.details["n_fail"] == 1
    assert f"{limit - EPS:.1f}".rstrip("0").rstrip(".") in bad.message
    assert grade in bad.message
    assert bad.basis.startswith("GB/T 1499.1-2017" if grade == "HPB300" else "GB/T 1499.2-2018")


def test_brief_example_message():
    j = judge("钢筋下屈服强度", "HRB400", "402、398")
    assert j.result == FAIL
    assert j.basis == "GB/T 1499.2-2018 表6"
    assert j.message.startswith("下屈服强度实测最小值 398 MPa，低于 HRB400 的标准值 400 MPa")
    assert j.rule_id == "rebar.rel.hrb"
    assert judge("钢筋下屈服强度", "HRB400", 400).result == PASS
    assert judge("钢筋下屈服强度", "HRB400", 399.9).result == FAIL


@pytest.mark.parametrize("grade", ["HRB400", "HRB400E", "HRB500", "HRB500E", "HRB600"])
@pytest.mark.parametrize("spec, reduction", [
    (None, 0), (25, 0), ("28", 1), ("32mm", 1), (40, 1), (50, 2),
])
def test_elongation_reduction_by_diameter(grade, spec, reduction):
    limit = A[grade] - reduction
    assert judge("钢筋断后伸长率", grade, limit, spec=spec).result == PASS
    below = judge("钢筋断后伸长率", grade, limit - 0.5, spec=spec)
    if grade.endswith("E"):  # A of E grades unconfirmed: not failed on A alone (see test_min_limits)
        assert below.result == MANUAL and below.details["reference_result"] == FAIL
    else:
        assert below.result == FAIL


def test_elongation_notes():
    assert "按未折减" in judge("钢筋断后伸长率", "HRB400", 15.5).message
    assert "折减 1%" in judge("钢筋断后伸长率", "HRB400", 15.5, spec=32).message


@pytest.mark.parametrize("grade", ["HRB400E", "HRB500E"])
def test_seismic_ratios(grade):
    assert judge("钢筋强屈比", grade, "1.25、1.31").result == PASS
    assert judge("钢筋强屈比", grade, "1.24、1.31").result == FAIL
    assert judge("钢筋超屈比", grade, "1.30、1.12").result == PASS
    assert judge("钢筋超屈比", grade, "1.31、1.12").result == FAIL


@pytest.mark.parametrize("grade", ["HPB300", "HRB400", "HRB500", "HRB600"])
def test_seismic_ratios_only_for_e_grades(grade):
    for item in ("钢筋强屈比", "钢筋超屈比"):
        j = judge(item, grade, 1.26)
        assert j.result == NO_RULE and "HRB400E" in j.message


# ---------------------------------------------------------------- rebar weight deviation

HRB_BANDS = [((6, 8, 10, 12), 6.0), ((14, 16, 18, 20), 5.0), ((22, 25, 28, 32, 36, 40, 50), 4.0)]
HPB_BANDS = [((6, 8, 10, 12), 6.0), ((14, 16, 18, 20, 22), 5.0)]


@pytest.mark.parametrize("grade, diameter, tol", [
    *[(g, d, t) for g in GRADES[1:] for ds, t in HRB_BANDS for d in ds],
    *[("HPB300", d, t) for ds, t in HPB_BANDS for d in ds],
])
def test_weight_deviation(grade, diameter, tol):
    assert judge("钢筋重量偏差", grade, [tol, -tol, 0], spec=diameter).result == PASS
    assert judge("钢筋重量偏差", grade, [tol + 0.1], spec=diameter).result == FAIL
    bad = judge("钢筋重量偏差", grade, [1.0, -tol - 0.1], spec=diameter)
    assert bad.result == FAIL and f"±{tol:g}%" in bad.message and f"{-tol - 0.1:g}" in bad.message


def test_weight_deviation_confidence():
    assert judge("钢筋重量偏差", "HPB300", 1, spec=10).details["confidence"] == "U"
    assert judge("钢筋重量偏差", "HRB400", 1, spec=10).details["confidence"] == "C"


@pytest.mark.parametrize("spec, result", [(None, NO_DATA), ("粗", NO_DATA), (13, NO_RULE),
                                          (55, NO_RULE), (4, NO_RULE), ("Φ25", PASS)])
def test_weight_deviation_spec(spec, result):
    assert judge("钢筋重量偏差", "HRB400", 1.0, spec=spec).result == result


def test_hpb300_has_no_band_above_22():
    assert judge("钢筋重量偏差", "HPB300", 1.0, spec=25).result == NO_RULE


# ---------------------------------------------------------------- covers (GB 50204 E.0.4/E.0.5)

def _points(design, n, good_dev, bad_devs):
    """n points: len(bad_devs) failing points with those deviations, the rest at good_dev."""
    return [design + good_dev] * (n - len(bad_devs)) + [design + d for d in bad_devs]


COVER = {"梁保护层厚度": (-7, 10, -10.5, 15), "板保护层厚度": (-5, 8, -7.5, 12)}


@pytest.mark.parametrize("item", COVER)
def test_cover_point_tolerance(item):
    lo, hi, _, _ = COVER[item]
    design = 25
    # all points exactly at the tolerance limits pass
    assert judge(item, None, [design + lo, design + hi], design=design).result == PASS
    j = judge(item, None, [design + hi + 0.1] + [design] * 9, design=design)
    assert j.details["n_pass"] == 9
    j = judge(item, None, [design + lo - 0.1] + [design] * 9, design=design)
    assert j.details["n_pass"] == 9


@pytest.mark.parametrize("item", COVER)
def test_cover_pass_rate_bands(item):
    lo, hi, cap_lo, cap_hi = COVER[item]
    design = 20
    bad = hi + 1  # failing, but within 1.5x
    rate_90 = judge(item, None, _points(design, 10, 0, [bad]), design=design)
    assert rate_90.result == PASS and rate_90.details["pass_rate"] == 0.9
    assert "90%" in rate_90.message
    rate_80 = judge(item, None, _points(design, 10, 0, [bad, bad]), design=design)
    assert rate_80.result == RECHECK and "再抽取" in rate_80.message
    rate_85 = judge(item, None, _points(design, 20, 0, [bad] * 3), design=design)
    assert rate_85.result == RECHECK
    rate_89 = judge(item, None, _points(design, 100, 0, [bad] * 11), design=design)
    assert rate_89.result == RECHECK
    rate_79 = judge(item, None, _points(design, 100, 0, [bad] * 21), design=design)
    assert rate_79.result == FAIL and "79%" in rate_79.message
    rate_70 = judge(item, None, _points(design, 10, 0, [lo - 1] * 3), design=design)
    assert rate_70.result == FAIL


@pytest.mark.parametrize("item", COVER)
def test_cover_cap_of_one_and_a_half_tolerance(item):
    lo, hi, cap_lo, cap_hi = COVER[item]
    design = 20
    # 19 good points + 1 at exactly 1.5x: 95% and not beyond the cap -> pass
    assert judge(item, None, _points(design, 20, 0, [cap_hi]), design=design).result == PASS
    assert judge(item, None, _points(design, 20, 0, [cap_lo]), design=design).result == PASS
    for beyond in (cap_hi + 0.1, cap_lo - 0.1):
        j = judge(item, None, _points(design, 20, 0, [beyond]), design=design)
        assert j.result == FAIL, j.message
        assert "1.5 倍" in j.message and j.details["n_beyond_cap"] == 1


def test_slab_cover_example_design_20():
    # design 20 mm, slab +8/-5: 12 mm would be -8 (beyond 1.5x = -7.5)
    j = judge("板保护层厚度", None, "15 28 20 21 19 22 18 24 20 20", design="20mm")
    assert j.result == PASS and j.details["pass_rate"] == 1.0
    assert judge("板保护层厚度", None, "12 20 20 20 20 20 20 20 20 20", design=20).result == FAIL


def test_decimal_arithmetic_at_the_limit():
    # 30.3 - 20.3 is 10.000000000000002 in binary floating point
    assert judge("梁保护层厚度", None, 30.3, design=20.3).result == PASS
    assert judge("板厚", None, 130.3, design=120.3).result == PASS


@pytest.mark.parametrize("design", [None, "", "待定", 0, -5])
def test_cover_needs_design(design):
    j = judge("板保护层厚度", None, "20 21", design=design)
    assert j.result == NO_DATA and "设计值" in j.message


# ---------------------------------------------------------------- dimensions (表8.3.2, F.0.4)

DIMENSIONS = {"板厚": 120, "墙厚": 200, "梁截面尺寸": 600, "柱截面尺寸": 500, "层高": 3000}
DIM_TOL = {"板厚": (-5, 10), "墙厚": (-5, 10), "梁截面尺寸": (-5, 10), "柱截面尺寸": (-5, 10),
           "层高": (-10, 10)}


@pytest.mark.parametrize("item", DIMENSIONS)
def test_dimension_tolerance(item):
    design, (lo, hi) = DIMENSIONS[item], DIM_TOL[item]
    assert judge(item, None, [design + lo, design + hi], design=design).result == PASS
    for outside in (design + hi + 0.1, design + lo - 0.1):
        j = judge(item, None, [outside, outside, design], design=design)
        assert j.details["n_pass"] == 1 and j.result == FAIL


@pytest.mark.parametrize("item", DIMENSIONS)
def test_dimension_rate_bands(item):
    design, (lo, hi) = DIMENSIONS[item], DIM_TOL[item]
    bad = hi + 30  # no 1.5x cap for dimensions: a large deviation only counts as a failed point
    assert judge(item, None, _points(design, 10, 0, [bad] * 2), design=design).result == PASS
    assert judge(item, None, _points(design, 10, 0, [bad] * 3), design=design).result == RECHECK
    assert judge(item, None, _points(design, 100, 0, [bad] * 21), design=design).result == RECHECK
    assert judge(item, None, _points(design, 100, 0, [bad] * 30), design=design).result == RECHECK
    assert judge(item, None, _points(design, 100, 0, [bad] * 31), design=design).result == FAIL
    assert judge(item, None, _points(design, 10, 0, [bad] * 4), design=design).result == FAIL


def test_dimension_basis():
    j = judge("板厚", "C30", "118 121 125", design=120)  # an irrelevant grade is ignored
    assert j.result == PASS and j.basis == "GB 50204-2015 表8.3.2、F.0.4"


# ---------------------------------------------------------------- rebound (JGJ/T 23-2011)

RB = "混凝土抗压强度（回弹）"


def test_rebound_few_areas_uses_minimum():
    j = judge(RB, "C30", "31.2 35 33.4 30.0 34")
    assert j.result == PASS and j.details["fcu_e"] == 30.0
    j = judge(RB, "c30", "31.2 35 33.4 29.9 34")
    assert j.result == FAIL and j.details["fcu_e"] == 29.9 and "29.9" in j.message


def test_rebound_below_ten():
    j = judge(RB, "C20", [25] * 12 + [9.9])
    assert j.result == FAIL and j.details["fcu_e"] == "<10.0" and "< 10.0" in j.message
    assert judge(RB, "C10", [10.0, 12, 11]).result == PASS


def _series(mean, sd, n=10):
    """n values with exactly this mean and sample standard deviation."""
    half = n // 2
    a = sd * math.sqrt((n - 1) / n)
    return [mean + a] * half + [mean - a] * half


def test_rebound_statistics():
    # JGJ/T 23-2011 第7.0.2条: mean to 0.1 MPa, sd to 0.01 MPa, then fcu,e = m − 1.645 s (第7.0.4条)
    ok = judge(RB, "C30", _series(35.0, 3.03))          # 35.0 − 1.645 × 3.03 = 30.01565
    assert ok.result == PASS
    assert ok.details["fcu_e"] == pytest.approx(30.01565, abs=1e-9)
    assert ok.details["sd"] == pytest.approx(3.03)
    bad = judge(RB, "C30", _series(35.0, 3.04))         # 35.0 − 1.645 × 3.04 = 29.9992
    assert bad.result == FAIL and "m − 1.645s" in bad.message
    assert "监督惯例" in bad.basis and bad.basis.startswith("JGJ/T 23-2011")
    assert bad.details["confidence"] == "U"


def test_rebound_batch_dispersion_note():
    j = judge(RB, "C30", _series(40, 6.0))
    assert j.details.get("batch_sd_exceeded") and "单个构件" in j.message
    assert not judge(RB, "C30", _series(40, 5.49)).details.get("batch_sd_exceeded")


@pytest.mark.parametrize("grade, result", [(None, NO_DATA), ("", NO_DATA), ("HRB400", NO_RULE),
                                           ("C", NO_RULE), ("M10", NO_RULE)])
def test_rebound_grade(grade, result):
    assert judge(RB, grade, [35] * 5).result == result


def test_rebound_item_spelling():
    assert judge("混凝土抗压强度(回弹)", "C30", [35] * 3).result == PASS
    assert judge(" 混凝土抗压强度 （回弹） ", "C30", [35] * 3).result == PASS


# ---------------------------------------------------------------- wires (GB/T 3956-2008)

WIRE = [(1.5, 12.1), (2.5, 7.41), (4, 4.61), (6, 3.08), (10, 1.83)]


@pytest.mark.parametrize("section, limit", WIRE)
def test_wire_resistance(section, limit):
    # BV: class 1/2 plain copper, GB/T 3956-2008 表2; the type (型号) is now required (issue 15)
    for grade, spec in (("BV", section), ("BV", str(section)), ("BV", f"{section}mm²"), (None, f"BV-{section}"),
                        ("bv", f"{section}平方")):
        assert judge("电线导体电阻", grade, [limit, limit - 0.05], spec=spec).result == PASS
        j = judge("电线导体电阻", grade, f"{limit + 0.01:.2f}", spec=spec)
        assert j.result == FAIL and f"{limit:g}" in j.message


@pytest.mark.parametrize("spec, result", [(None, NO_DATA), (16, NO_RULE), (0.75, NO_RULE)])
def test_wire_spec(spec, result):
    assert judge("电线导体电阻", "BV", 1.0, spec=spec).result == result


# ---------------------------------------------------------------- mortar (GB 50203-2011)

def test_mortar():
    # M10: mean >= 11.0, lowest group >= 8.5
    assert judge("砌筑砂浆强度", "M10", [8.5, 12.25, 12.25]).result == PASS
    j = judge("砌筑砂浆强度", "M10", [8.4, 12.3, 12.3])
    assert j.result == FAIL and "最小一组 8.4" in j.message
    j = judge("砌筑砂浆强度", "M10", [8.5, 12.2, 12.25])
    assert j.result == FAIL and "平均值" in j.message
    # M7.5: 1.10 x 7.5 = 8.25 exactly (binary floats would give 8.250000000000002)
    assert judge("砌筑砂浆强度", "m7.5", [8.25, 8.25, 8.25]).result == PASS
    assert judge("砌筑砂浆强度", "M7.5", [6.375, 9.1875, 9.1875]).result == PASS
    assert judge("砌筑砂浆强度", "M7.5", [6.37, 9.19, 9.19]).result == FAIL


# ---------------------------------------------------------------- no rule / no data

@pytest.mark.parametrize("args, result", [
    (("保温材料导热系数", None, "0.03"), NO_RULE),
    (("", None, "1"), NO_DATA),
    ((None, None, "1"), NO_DATA),
    (("钢筋下屈服强度", "HRB335", "400"), NO_RULE),
    (("钢筋下屈服强度", None, "400"), NO_DATA),
    (("钢筋下屈服强度", "HRB400", ""), NO_DATA),
    (("钢筋下屈服强度", "HRB400", None), NO_DATA),
    (("钢筋下屈服强度", "HRB400", "未检"), NO_DATA),
    (("钢筋下屈服强度", "HRB400", "400-500"), NO_DATA),
])
def test_no_rule_and_no_data(args, result):
    j = judge(*args)
    assert j.result == result and j.message


def test_no_rule_message_is_chinese():
    j = judge("保温材料导热系数", None, "0.03")
    assert "规则库中没有" in j.message and j.rule_id is None


# ---------------------------------------------------------------- catalog overrides

def test_load_catalog_override_and_add(tmp_path):
    extra = tmp_path / "local.toml"
    extra.write_text("""
[[rule]]
id = "rebar.rel.hrb"
item = "钢筋下屈服强度"
grades = ["HRB400"]
unit = "MPa"
method = "min_each"
limits = { min = 410 }
standard = "地方标准"
clause = "1"
message = "最小 {worst}，低于 {limit}"
message_ok = "合格"

[[rule]]
id = "local.insulation"
item = "保温材料导热系数"
method = "max_each"
limits = { max = 0.040 }
standard = "X"
clause = "1"
message = "{worst} 超过 {limit}"
message_ok = "不超过 {limit}"
confidence = "U"
""", encoding="utf-8")
    rules = load_catalog(extra)
    assert len(rules) == len(catalog()) + 1
    assert judge("钢筋下屈服强度", "HRB400", 405, rules=rules).result == FAIL
    assert judge("钢筋下屈服强度", "HRB400", 405).result == PASS  # packaged catalog unchanged
    assert items(rules)[-1] == "保温材料导热系数"
    j = judge("保温材料导热系数", None, "0.041", rules=rules)
    assert j.result == FAIL and j.message == "0.041 超过 0.04"
    assert load_catalog(tmp_path)[-1].id == "local.insulation"  # a folder works too


@pytest.mark.parametrize("body, fragment", [
    ("[[rule]]\nid = 'x'\n", "缺少字段"),
    ("not toml =", "不是有效的 TOML"),
    ("""[[rule]]
id = "x"
item = "a"
method = "guess"
limits = {}
standard = "s"
clause = "c"
message = "m"
message_ok = "m"
""", "未知的判定方法"),
    ("""[[rule]]
id = "x"
item = "a"
method = "min_each"
limits = { max = 1 }
standard = "s"
clause = "c"
message = "m"
message_ok = "m"
""", "需要限值 min"),
    ("""[[rule]]
id = "x"
item = "a"
method = "min_each"
limits = { min = 1 }
standard = "s"
clause = "c"
message = "m"
message_ok = "m"
colour = "red"
""", "未知字段"),
])
def test_broken_rule_file(tmp_path, body, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RuleError, match=fragment):
        load_catalog(path)


def test_missing_rule_file(tmp_path):
    with pytest.raises(RuleError, match="找不到"):
        load_catalog(tmp_path / "nope.toml")


# ---------------------------------------------------------------- properties

cell = st.one_of(st.none(), st.text(max_size=20), st.floats(), st.integers(), st.booleans(),
                 st.lists(st.one_of(st.floats(), st.text(max_size=5)), max_size=4))


@settings(max_examples=300)
@given(st.one_of(st.sampled_from(ITEMS), st.text(max_size=10)),
       st.one_of(st.sampled_from(GRADES + ["C30", "M7.5"]), cell), cell, cell, cell)
def test_judge_never_raises(item, grade, values, spec, design):
    j = judge(item, grade, values, spec=spec, design=design)
    assert isinstance(j, Judgment) and j.result in RESULTS and j.message


def _monotone_cases():
    """(item, grade, spec, direction) for every rule judged value by value or by mean/min.

    Rules with an unconfirmed part give 需人工判定 and are left out (a later edition's copy is
    reached through its first edition: judge() without a date uses catalog order).
    """
    cases = []
    for rule in catalog():
        if rule.method not in ("min_each", "max_each", "mean_min_ratio") or rule.unconfirmed:
            continue
        grades = rule.grades or ((rule.grade_prefix + "10",) if rule.grade_prefix else (None,))
        spec = rule.band.spec_min if not rule.band.empty else (32 if rule.spec_adjust else None)
        direction = -1 if rule.method == "max_each" else 1
        cases += [(rule.item, g, spec, direction) for g in grades]
    return cases


MONOTONE = _monotone_cases()
measured = st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False).map(lambda x: round(x, 2)),
                    min_size=1, max_size=8)


@settings(max_examples=400)
@given(st.sampled_from(MONOTONE), measured, st.data())
def test_judgments_are_monotone(case, values, data):
    item, grade, spec, direction = case
    i = data.draw(st.integers(0, len(values) - 1))
    bump = data.draw(st.floats(min_value=0, max_value=100).map(lambda x: round(x, 2)))
    raised = list(values)
    raised[i] = round(raised[i] + bump, 2)
    before = judge(item, grade, values, spec=spec).result
    after = judge(item, grade, raised, spec=spec).result
    assert before in (PASS, FAIL) and after in (PASS, FAIL)
    if direction > 0:  # ">= limit": raising never turns 合格 into 不合格
        assert not (before == PASS and after == FAIL)
    else:              # "<= limit": raising never turns 不合格 into 合格
        assert not (before == FAIL and after == PASS)


@settings(max_examples=200)
@given(st.lists(st.floats(min_value=10, max_value=60).map(lambda x: round(x, 1)), min_size=1, max_size=9),
       st.data())
def test_rebound_monotone_below_ten_areas(values, data):
    # fewer than 10 areas: fcu,e = min, monotone in every value
    i = data.draw(st.integers(0, len(values) - 1))
    raised = list(values)
    raised[i] = round(raised[i] + data.draw(st.floats(0, 20).map(lambda x: round(x, 1))), 1)
    if judge(RB, "C30", values).result == PASS:
        assert judge(RB, "C30", raised).result == PASS


@settings(max_examples=200)
@given(st.lists(st.floats(min_value=10, max_value=60).map(lambda x: round(x, 1)), min_size=10, max_size=20),
       st.floats(0, 20).map(lambda x: round(x, 1)))
def test_rebound_monotone_under_uniform_shift(values, shift):
    # 10+ areas: fcu,e = m - 1.645 s is not monotone in a single value (one very high area
    # raises s), but shifting every area up raises fcu,e by the shift.
    if judge(RB, "C30", values).result == PASS:
        assert judge(RB, "C30", [round(v + shift, 1) for v in values]).result == PASS


@settings(max_examples=200)
@given(st.sampled_from(list(COVER) + list(DIMENSIONS)),
       st.lists(st.integers(-20, 20), min_size=1, max_size=15), st.data())
def test_moving_a_point_into_tolerance_never_hurts(item, devs, data):
    # Two-sided rules are not monotone in the raw value; they are in |deviation|: moving a
    # failing point to the design value never makes the result worse.
    design = DIMENSIONS.get(item, 25)
    rank = {PASS: 2, RECHECK: 1, FAIL: 0}
    i = data.draw(st.integers(0, len(devs) - 1))
    fixed = list(devs)
    fixed[i] = 0
    before = judge(item, None, [design + d for d in devs], design=design).result
    after = judge(item, None, [design + d for d in fixed], design=design).result
    assert rank[after] >= rank[before]
