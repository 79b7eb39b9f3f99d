"""Contest scoring: hand-computed examples (weights 30/30/20/20, trim at 5 judges, quota 10/20/30 % ceil)."""
from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from addin.core.findings import ERROR, WARNING, Finding
from addin.contest.scoring import (
    COUNTED, DROPPED_HIGH, DROPPED_LOW, INVALID, MISSING, RECUSED,
    Entry, Judge, Participant, ScoreRow, ScoringError, contest_rules, quiz_rules, rank_with_ties,
    round_half_up, score_quiz, score_videos, trimmed_mean, weighted_total,
)
from addin.campaign.settings import SettingsError

CRITERIA = ["主题契合", "内容质量", "艺术表现", "技术质量"]
W = [0.3, 0.3, 0.2, 0.2]


def crit(*values):
    return dict(zip(CRITERIA, values))


def grid(rows: dict[tuple[str, str], tuple]) -> dict[tuple[str, str, str], float]:
    """{(judge, entry): (four criterion scores)} -> the (judge, entry, criterion) -> value mapping."""
    out = {}
    for (j, e), values in rows.items():
        for name, v in zip(CRITERIA, values):
            if v is not None:
                out[(j, e, name)] = v
    return out


def codes(result, severity=None):
    return [f.code for f in result.findings if severity is None or f.severity == severity]


# -- building blocks --------------------------------------------------------------
def test_weighted_total_hand_computed():
    # 0.3×90 + 0.3×85 + 0.2×80 + 0.2×88 = 27 + 25.5 + 16 + 17.6
    assert weighted_total([90, 85, 80, 88], W, [100] * 4) == 86.1
    assert weighted_total([100, 100, 100, 100], W) == 100
    assert weighted_total([0, 0, 0, 0], W) == 0


@pytest.mark.parametrize("scores, weights, maxima, text", [
    ([101, 80, 80, 80], W, [100] * 4, "超出范围"),
    ([-1, 80, 80, 80], W, None, "不能为负"),
    ([80, 80, 80], W, None, "不一致"),
    ([80, 80, 80, 80], [30, 30, 20, 20], None, "权重之和应为 1"),
    (["八十", 80, 80, 80], W, None, "应为数值"),
    ([True, 80, 80, 80], W, None, "应为数值"),
    ([float("nan"), 80, 80, 80], W, None, "应为数值"),
])
def test_weighted_total_validates(scores, weights, maxima, text):
    with pytest.raises(ScoringError, match=text):
        weighted_total(scores, weights, maxima)


def test_trimmed_mean_exactly_five_drops_one_each():
    r = trimmed_mean([80, 90, 70, 85, 88])
    assert r.method == "trimmed"
    assert (r.dropped_high, r.dropped_low, r.dropped_indices) == (90, 70, (1, 2))
    assert r.counted == (80, 85, 88)
    assert r.mean == pytest.approx((80 + 85 + 88) / 3)
    assert "去掉一个最高分和一个最低分" in r.applied


def test_trimmed_mean_fewer_than_five_is_plain():
    r = trimmed_mean([80, 90, 70, 85])
    assert r.method == "plain" and r.dropped == () and r.dropped_indices == ()
    assert r.mean == 81.25
    assert "未去分" in r.applied


def test_trimmed_mean_equal_extremes_drop_only_one_each():
    r = trimmed_mean([90, 90, 80, 70, 70])
    assert r.dropped_indices == (0, 3)            # the first 90 and the first 70
    assert r.mean == 80                           # (90 + 80 + 70) / 3
    same = trimmed_mean([75, 75, 75, 75, 75])
    assert same.mean == 75 and len(set(same.dropped_indices)) == 2


def test_trimmed_mean_min_judges_from_caller_and_errors():
    assert trimmed_mean([1, 2, 3], min_judges=3).mean == 2
    with pytest.raises(ScoringError):
        trimmed_mean([])
    with pytest.raises(ScoringError):
        trimmed_mean([1, 2, 3], min_judges=2)


def test_rank_with_ties_competition_ranking():
    assert rank_with_ties([90, 85, 85, 70]) == [1, 2, 2, 4]
    assert rank_with_ties([90, 85, 85, 70], descending=False) == [4, 2, 2, 1]
    # keys break the tie (larger key better, descending)
    assert rank_with_ties([90, 85, 85, 70], tiebreak_keys=[(0,), (1,), (2,), (0,)]) == [1, 3, 2, 4]
    # equal in value and keys: still shared
    assert rank_with_ties([85, 85, 85], tiebreak_keys=[(1,), (1,), (0,)]) == [1, 1, 3]
    assert rank_with_ties([]) == []


def test_round_half_up_is_exact():
    assert round(85.005, 2) == 85.0                     # binary floats round this down
    assert round_half_up(85.005) == Decimal("85.01")
    assert round_half_up(2.675) == Decimal("2.68")
    assert round_half_up(84.994999) == Decimal("84.99")


# -- the micro-video contest: one worked example ----------------------------------
JUDGES7 = [Judge("J1", "南宁市住建局", "南宁市", "评委!A2")] + [
    Judge(f"J{i}", f"单位{i}", city, f"评委!A{i + 1}")
    for i, city in zip(range(2, 8), ["柳州市", "桂林市", "梧州市", "北海市", "钦州市", "玉林市"])
]
WORKED = {
    ("J1", "V001"): (99, 99, 99, 99),      # 南宁 judge, 南宁 entry: recused
    ("J2", "V001"): (90, 85, 80, 88),      # 86.1
    ("J3", "V001"): (92, 90, 85, 86),      # 88.8
    ("J4", "V001"): (80, 82, 78, 75),      # 79.2  lowest: dropped
    ("J5", "V001"): (88, 86, 84, 90),      # 87.0
    ("J6", "V001"): (95, 93, 90, 92),      # 92.8  highest: dropped
    ("J7", "V001"): (85, 88, 82, 80),      # 84.3
}


def test_worked_example(campaign):
    entries = [Entry("V001", "安全帽的故事", "南宁建工集团", "南宁市", ref="作品!A2")]
    refs = {(j, e, c): f"评分!{'CDEF'[i]}{n}" for n, (j, e) in enumerate(WORKED, 2) for i, c in enumerate(CRITERIA)}
    r = score_videos(entries, JUDGES7, grid(WORKED), campaign.contest, refs=refs)
    e = r.entry("V001")
    totals = {j: s.total for j, s in e.scores.items()}
    assert totals == {"J1": None, "J2": 86.1, "J3": 88.8, "J4": 79.2, "J5": 87.0, "J6": 92.8, "J7": 84.3}
    status = {j: s.status for j, s in e.scores.items()}
    assert status == {"J1": RECUSED, "J2": COUNTED, "J3": COUNTED, "J4": DROPPED_LOW, "J5": COUNTED,
                      "J6": DROPPED_HIGH, "J7": COUNTED}
    assert (e.valid, e.counted) == (6, 4)
    assert e.trim.method == "trimmed" and e.trim.dropped == (92.8, 79.2)
    assert e.mean == pytest.approx(86.55)          # (86.1 + 88.8 + 87.0 + 84.3) / 4 = 346.2 / 4
    assert (e.final, e.final_text, e.rank, e.award) == (86.55, "86.55", 1, "一等奖")
    # 回避 is reported, with the sheet and cell, and is not an error
    (f,) = [f for f in r.findings if f.code == "recused-score"]
    assert f.severity == WARNING and (f.sheet, f.cell) == ("评分", "C2")
    assert "“评分”表 C2 单元格" in f.message and "南宁市" in f.message
    assert isinstance(f, Finding)
    assert not codes(r, ERROR)


def test_recused_judge_without_a_row_is_shown_and_not_missing(campaign):
    rows = {k: v for k, v in WORKED.items() if k[0] != "J1"}
    r = score_videos([Entry("V001", "t", "u", "南宁市")], JUDGES7, grid(rows), campaign.contest)
    assert r.entry("V001").scores["J1"].status == RECUSED
    assert not r.findings


def test_recusal_by_unit_when_configured(campaign):
    settings = dict(campaign.contest, recusal=["city", "unit"])
    judges = [Judge("甲", "南宁建工集团", "柳州市"), Judge("乙", "x", "桂林市")]
    rows = {("甲", "V1"): (80, 80, 80, 80), ("乙", "V1"): (90, 90, 90, 90)}
    r = score_videos([Entry("V1", "t", "南宁建工集团", "南宁市")], judges, grid(rows), settings)
    assert r.entry("V1").scores["甲"].status == RECUSED and r.entry("V1").final == 90
    assert "回避" in "".join(r.rule_text) and "同一单位" in "".join(r.rule_text)


def test_missing_score_is_a_finding_not_zero(campaign):
    rows = dict(WORKED)
    rows[("J3", "V001")] = (92, 90, None, 86)          # 艺术表现 blank
    refs = {("J3", "V001", "艺术表现"): "评分!E4"}
    r = score_videos([Entry("V001", "t", "u", "南宁市")], JUDGES7, grid(rows), campaign.contest, refs=refs)
    e = r.entry("V001")
    assert e.scores["J3"].status == INVALID and e.scores["J3"].total is None
    (f,) = [f for f in r.findings if f.code == "missing-score"]
    assert f.severity == ERROR and (f.sheet, f.cell) == ("评分", "E4") and "不按 0 分计" in f.message
    # 5 valid totals left: 86.1, 79.2, 87.0, 92.8, 84.3 -> drop 92.8 and 79.2 -> (86.1 + 87 + 84.3) / 3
    assert (e.valid, e.counted) == (5, 3)
    assert e.mean == pytest.approx(257.4 / 3) and e.final_text == "85.80"


def test_out_of_range_and_text_scores(campaign):
    rows = dict(WORKED)
    rows[("J2", "V001")] = (90, 85, 105, 88)
    rows[("J5", "V001")] = ("八十", 86, 84, 90)
    rows[("J7", "V001")] = ("85", 88, 82, 80)            # a number typed as text is still a number
    r = score_videos([Entry("V001", "t", "u", "南宁市")], JUDGES7, grid(rows), campaign.contest)
    assert sorted(codes(r, ERROR)) == ["invalid-score", "score-out-of-range"]
    e = r.entry("V001")
    assert e.scores["J7"].total == 84.3
    # J3 88.8, J4 79.2, J6 92.8, J7 84.3: four judges -> plain mean, and a warning
    assert e.trim.method == "plain" and e.mean == pytest.approx((88.8 + 79.2 + 92.8 + 84.3) / 4)
    assert "few-judges" in codes(r, WARNING)


def test_fewer_than_five_judges_plain_mean(campaign):
    judges = [Judge(n, "", c) for n, c in (("甲", "柳州市"), ("乙", "桂林市"), ("丙", "梧州市"))]
    rows = {("甲", "V1"): (80, 80, 80, 80), ("乙", "V1"): (90, 90, 90, 90), ("丙", "V1"): (70, 75, 80, 85)}
    r = score_videos([Entry("V1", "t", "u", "南宁市")], judges, grid(rows), campaign.contest)
    e = r.entry("V1")
    # 80, 90 and 0.3×70 + 0.3×75 + 0.2×80 + 0.2×85 = 76.5 -> (80 + 90 + 76.5) / 3 = 82.1666…
    assert e.trim.method == "plain" and e.counted == 3 and e.trim.dropped == ()
    assert e.final_text == "82.17"
    assert [f.code for f in r.findings] == ["few-judges"]


def test_exactly_five_judges_trimmed(campaign):
    judges = [Judge(f"J{i}", "", c) for i, c in enumerate(["柳州市", "桂林市", "梧州市", "北海市", "钦州市"], 1)]
    rows = {(f"J{i}", "V1"): (v,) * 4 for i, v in enumerate([70, 80, 85, 90, 99], 1)}
    r = score_videos([Entry("V1", "t", "u", "南宁市")], judges, grid(rows), campaign.contest)
    e = r.entry("V1")
    assert e.trim.method == "trimmed" and e.counted == 3
    assert e.scores["J1"].status == DROPPED_LOW and e.scores["J5"].status == DROPPED_HIGH
    assert e.final_text == "85.00"


def test_rounding_once_at_the_end(campaign):
    # Totals 85.005, 85.005, 84.995 are counted (90 and 80 dropped):
    #   exact:            (85.005 + 85.005 + 84.995) / 3 = 85.00166… -> 85.00
    #   rounded per judge: (85.01  + 85.01  + 85.00 ) / 3 = 85.00666… -> 85.01  (what we must NOT do)
    judges = [Judge(f"J{i}", "", c) for i, c in enumerate(["柳州市", "桂林市", "梧州市", "北海市", "钦州市"], 1)]
    rows = {("J1", "V1"): (85.05, 85, 85, 84.95), ("J2", "V1"): (85.05, 85, 85, 84.95),
            ("J3", "V1"): (84.95, 85, 85, 85.05), ("J4", "V1"): (90, 90, 90, 90), ("J5", "V1"): (80, 80, 80, 80)}
    r = score_videos([Entry("V1", "t", "u", "南宁市")], judges, grid(rows), campaign.contest)
    e = r.entry("V1")
    assert [e.scores[j].total for j in ("J1", "J2", "J3")] == [85.005, 85.005, 84.995]
    per_judge = sum(float(round_half_up(e.scores[j].total)) for j in ("J1", "J2", "J3")) / 3
    assert str(round_half_up(per_judge)) == "85.01"
    assert e.final_text == "85.00" and e.final == 85.0


def test_ranking_uses_unrounded_means_and_says_so(campaign):
    judges = [Judge(n, "", c) for n, c in (("甲", "柳州市"), ("乙", "桂林市"))]
    # V1: (85.004 + 85.0) / 2 = 85.002; V2: 85.001 — both shown as 85.00
    rows = {("甲", "V1"): (85.02, 85, 84.995, 85), ("乙", "V1"): (85, 85, 85, 85),
            ("甲", "V2"): (85, 85, 85.005, 85), ("乙", "V2"): (85, 85, 85, 85)}
    r = score_videos([Entry("V1", "a", "u", "南宁市"), Entry("V2", "b", "u", "南宁市")], judges, grid(rows),
                     campaign.contest)
    v1, v2 = r.entry("V1"), r.entry("V2")
    assert v1.final_text == v2.final_text == "85.00"
    assert (v1.rank, v2.rank) == (1, 2)
    assert "按未取舍的平均分列前" in v1.note and "列后" in v2.note


def _five(city_free=True):
    return [Judge(f"J{i}", "", c) for i, c in enumerate(["柳州市", "桂林市", "梧州市", "北海市", "钦州市"], 1)]


def test_tie_broken_by_first_criterion(campaign):
    # Both entries: every judge's total is 85, but V2 has the higher 主题契合.
    rows = {}
    for i in range(1, 6):
        rows[(f"J{i}", "V1")] = (85, 85, 85, 85)
        rows[(f"J{i}", "V2")] = (95, 75, 85, 85)        # 28.5 + 22.5 + 17 + 17 = 85
    r = score_videos([Entry("V1", "a", "u", "南宁市"), Entry("V2", "b", "u", "南宁市")], _five(), grid(rows),
                     campaign.contest)
    assert r.entry("V1").final == r.entry("V2").final == 85
    assert (r.entry("V2").rank, r.entry("V1").rank) == (1, 2)
    assert "同分规则1" in r.entry("V2").note and "主题契合" in r.entry("V2").note
    assert any("第一项指标（主题契合）" in t for t in r.rule_text)


def test_tie_then_fewer_dropped_then_shared_rank(campaign):
    judges = _five()
    rows = {}
    for i in range(1, 6):
        rows[(f"J{i}", "V1")] = (80, 80, 80, 80)        # 5 judges: trimmed, 2 dropped
        rows[(f"J{i}", "V3")] = (80, 80, 80, 80)        # identical to V1
    for i in range(1, 5):
        rows[(f"J{i}", "V2")] = (80, 80, 80, 80)        # only 4 judges (J5 left it out): nothing dropped
    entries = [Entry(f"V{i}", "t", "u", "南宁市") for i in (1, 2, 3)]
    r = score_videos(entries, judges, grid(rows), campaign.contest)
    ranks = {e.entry.id: e.rank for e in r.entries}
    assert ranks == {"V2": 1, "V1": 2, "V3": 2}         # 1, 2, 2
    assert "名次并列" in r.entry("V1").note
    assert "同分规则2" in r.entry("V2").note
    # J5 did not score V2: a missing pair is an error
    assert any(f.code == "missing-score" and "V2" in f.message for f in r.findings)


def _entries_with_means(means):
    """One judge-less shortcut: three judges give every entry the same total."""
    judges = [Judge(n, "", c) for n, c in (("甲", "柳州市"), ("乙", "桂林市"), ("丙", "梧州市"))]
    rows = {}
    for i, m in enumerate(means, 1):
        for j in judges:
            rows[(j.name, f"V{i:02d}")] = (m,) * 4
    entries = [Entry(f"V{i:02d}", "t", "u", "南宁市") for i in range(1, len(means) + 1)]
    return entries, judges, grid(rows)


def test_awards_by_quota_ceil(campaign):
    # 10 entries: 10×10% = 1, 10×20% = 2, 10×30% = 3 (exactly: 0.3×10 must not become 4)
    r = score_videos(*_entries_with_means([95, 94, 93, 92, 91, 90, 89, 88, 87, 86]), campaign.contest)
    awards = [e.award for e in r.entries]
    assert awards == ["一等奖"] + ["二等奖"] * 2 + ["三等奖"] * 3 + [""] * 4
    assert r.award_counts == {"一等奖": 1, "二等奖": 2, "三等奖": 3}
    assert any("10×10%=1，向上取整为 1 名" in t for t in r.rule_text)


@pytest.mark.parametrize("rounding, counts", [("ceil", (1, 2, 3)), ("floor", (0, 1, 2)), ("round", (1, 1, 2))])
def test_awards_by_quota_rounding(campaign, rounding, counts):
    # 7 entries: 0.7 / 1.4 / 2.1
    settings = dict(campaign.contest, award_rounding=rounding)
    r = score_videos(*_entries_with_means([95, 94, 93, 92, 91, 90, 89]), settings)
    assert tuple(r.award_counts.values()) == counts


def test_tied_entries_at_the_boundary_share_the_award(campaign):
    # 10 entries, ranks 1, 2, 2, 2, 5, …: three 二等奖 for two places, one fewer 三等奖
    r = score_videos(*_entries_with_means([95, 94, 94, 94, 91, 90, 89, 88, 87, 86]), campaign.contest)
    assert [e.rank for e in r.entries] == [1, 2, 2, 2, 5, 6, 7, 8, 9, 10]
    assert r.award_counts == {"一等奖": 1, "二等奖": 3, "三等奖": 2}


def test_awards_by_thresholds(campaign):
    settings = copy.deepcopy(campaign.contest)
    settings["award_thresholds"] = [{"name": "一等奖", "min": 90}, {"name": "二等奖", "min": 85},
                                    {"name": "三等奖", "min": 80}]
    r = score_videos(*_entries_with_means([95, 89.996, 89.994, 80, 79.99]), settings)
    # 89.996 is published as 90.00: the line is judged on the published score
    assert [e.award for e in r.entries] == ["一等奖", "一等奖", "二等奖", "三等奖", ""]
    assert any("分数线" in t for t in r.rule_text)


def test_duplicate_unknown_and_incomplete_rows(campaign):
    judges = [Judge("甲", "", "柳州市"), Judge("乙", "", "桂林市")]
    rows = [
        ScoreRow("甲", "V1", crit(80, 80, 80, 80), ref="评分!A2"),
        ScoreRow("甲", "V1", crit(80, 80, 80, 80), ref="评分!A3"),      # same again: counted once, warning
        ScoreRow("乙", "V1", crit(90, 90, 90, 90), ref="评分!A4"),
        ScoreRow("乙", "V1", crit(70, 90, 90, 90), ref="评分!A5"),      # differs: both rows out, error
        ScoreRow("丙", "V1", crit(90, 90, 90, 90), ref="评分!A6"),      # not a judge
        ScoreRow("甲", "V9", crit(90, 90, 90, 90), ref="评分!A7"),      # not an entry
        ScoreRow("", "V1", crit(90, 90, 90, 90), ref="评分!A8"),        # no judge
    ]
    r = score_videos([Entry("V1", "t", "u", "南宁市")], judges, rows, campaign.contest)
    got = {(f.code, f.severity, f.cell) for f in r.findings if f.code != "few-judges"}
    assert got == {("duplicate-score", ERROR, "A4"), ("duplicate-score", WARNING, "A2"),
                   ("incomplete-score-row", ERROR, "A8"), ("unknown-entry", ERROR, "A7"),
                   ("unknown-judge", ERROR, "A6")}
    e = r.entry("V1")
    assert e.scores["乙"].status == INVALID and e.final == 80


def test_duplicate_entries_and_judges_and_unscored(campaign):
    entries = [Entry("V1", "a", "u", "南宁市", ref="作品!A2"), Entry("V1", "b", "u", "南宁市", ref="作品!A3"),
               Entry("V2", "c", "u", "柳州市"), Entry("", "无编号", "u", "南宁市", ref="作品!A5")]
    judges = [Judge("甲", "", "桂林市"), Judge("甲", "", "梧州市", "评委!A3")]
    r = score_videos(entries, judges, grid({("甲", "V1"): (80, 80, 80, 80)}), campaign.contest)
    assert {"duplicate-entry", "duplicate-judge", "unscored-entry", "missing-id"} <= set(codes(r, ERROR))
    v2 = r.entry("V2")
    assert v2.rank is None and v2.final is None and v2.scores["甲"].status == MISSING
    assert r.entries[-1] is v2                           # unranked last


def test_settings_are_validated(campaign):
    bad = copy.deepcopy(campaign.contest)
    bad["criteria"][0]["weight"] = 0.5
    with pytest.raises(SettingsError, match="权重之和应为 1"):
        contest_rules(bad)
    with pytest.raises(SettingsError, match="同分规则"):
        contest_rules(dict(campaign.contest, tiebreak=["coin_toss"]))
    with pytest.raises(SettingsError, match="award_rounding"):
        contest_rules(dict(campaign.contest, award_rounding="up"))
    assert contest_rules(dict(campaign.contest, tiebreak=["criterion:艺术表现", "more_judges", "higher_min_total"]))
    with pytest.raises(SettingsError, match="city_short"):
        quiz_rules(dict(campaign.knowledge, city_short="max"))


def test_other_tiebreak_rules(campaign):
    settings = dict(campaign.contest, tiebreak=["more_judges", "higher_min_total", "criterion:技术质量"])
    judges = _five()
    rows = {}
    for i, v in enumerate([80, 80, 80, 80], 1):
        rows[(f"J{i}", "V1")] = (v,) * 4                # 4 judges, all 80
    for i, v in enumerate([70, 80, 80, 80, 90], 1):
        rows[(f"J{i}", "V2")] = (v,) * 4                # 5 judges: 80 after trimming
    r = score_videos([Entry("V1", "a", "u", "南宁市"), Entry("V2", "b", "u", "南宁市")], judges, grid(rows), settings)
    # both 80; V1 counts 4 judges, V2 (trimmed) 3: V1 first
    assert (r.entry("V1").rank, r.entry("V2").rank) == (1, 2)
    assert "计入的评委人数较多者列前" in r.rule_text[5]


# -- the knowledge contest --------------------------------------------------------
def P(name, city, online, offline, time_used=None, unit="单位"):
    return Participant(name, unit, city, online, offline, time_used)


def test_quiz_weighted_total_and_ties_by_time(campaign):
    people = [P("张三", "南宁市", 90, 80, 300), P("李四", "南宁市", 80, 86.6667, 280),
              P("王五", "柳州市", 84, 84, 250), P("赵六", "柳州市", 84, 84, 250), P("钱七", "柳州市", 84, 84, 260)]
    q = score_quiz(people, campaign.knowledge)
    by = {p.participant.name: p for p in q.individuals}
    # 0.4×90 + 0.6×80 = 84; 0.4×80 + 0.6×86.6667 = 84.00002
    assert by["张三"].total == 84 and by["李四"].final_text == "84.00"
    assert by["李四"].rank == 1                                   # unrounded 84.00002
    assert (by["王五"].rank, by["赵六"].rank, by["钱七"].rank, by["张三"].rank) == (2, 2, 4, 5)
    assert "用时均相同，名次并列" in by["王五"].note
    assert "用时较少" in by["钱七"].note                          # ahead of 张三 (260 s < 300 s)
    assert any("用时较少者列前" in t for t in q.rule_text)


def test_quiz_missing_part_not_zero_by_default(campaign):
    q = score_quiz([P("张三", "南宁市", None, 80, 100), P("李四", "南宁市", 70, 70, 100)], campaign.knowledge)
    z = next(p for p in q.individuals if p.participant.name == "张三")
    assert z.rank is None and z.total is None
    (f,) = q.findings
    assert f.code == "missing-part" and f.severity == ERROR and "不以 0 分计" in f.message
    assert any("不按 0 分计" in t for t in q.rule_text)


def test_quiz_missing_part_as_zero_when_settings_say_so(campaign):
    settings = dict(campaign.knowledge, missing_part_as_zero=True)
    q = score_quiz([P("张三", "南宁市", None, 80, 100)], settings)
    z = q.individuals[0]
    assert z.total == 48 and z.rank == 1 and "按0分计" in z.note      # 0.6 × 80
    assert q.findings[0].severity == WARNING
    assert any("按 0 分计（按活动设置）" in t for t in q.rule_text)


def test_quiz_out_of_range_and_text(campaign):
    q = score_quiz([P("张三", "南宁市", 101, 80, 100), P("李四", "南宁市", "缺考", 80, 100)], campaign.knowledge)
    assert sorted(f.code for f in q.findings) == ["invalid-score", "score-out-of-range"]
    assert all(p.rank is None for p in q.individuals)


def test_quiz_city_ranking_top_n(campaign):
    settings = dict(campaign.knowledge, city_top_n=3)
    people = ([P(f"南{i}", "南宁市", s, s, 100) for i, s in enumerate([90, 80, 70, 10])]      # top 3: 90, 80, 70
              + [P(f"柳{i}", "柳州", s, s, 100) for i, s in enumerate([100, 95])]            # 2 of 3 places
              + [P("桂0", "桂林市", None, 50, 100)])                                          # no valid result
    cities = [c.name for c in campaign.cities]
    q = score_quiz(people, settings, cities)
    by = {c.city: c for c in q.cities}
    assert by["南宁市"].final_text == "80.00" and by["南宁市"].participants == 4 and by["南宁市"].counted == 3
    # "zero": (100 + 95 + 0) / 3 = 65
    assert by["柳州市"].final_text == "65.00" and "缺额按 0 分计" in by["柳州市"].note
    assert (by["南宁市"].rank, by["柳州市"].rank) == (1, 2)
    assert by["桂林市"].rank is None and by["桂林市"].participants == 1 and by["桂林市"].valid == 0
    assert by["梧州市"].participants == 0 and by["梧州市"].note == "未参赛"
    assert len(q.cities) == len(cities)
    assert any("前 3 名的平均分" in t for t in q.rule_text)
    # "actual": (100 + 95) / 2 = 97.5 -> 柳州 first
    q2 = score_quiz(people, dict(settings, city_short="actual"), cities)
    assert q2.cities[0].city == "柳州市" and q2.cities[0].final_text == "97.50"


def test_quiz_city_tie_broken_by_participation(campaign):
    settings = dict(campaign.knowledge, city_top_n=2, city_short="actual")
    people = [P("a", "南宁市", 80, 80), P("b", "南宁市", 80, 80), P("c", "南宁市", 50, 50),
              P("d", "柳州市", 80, 80), P("e", "柳州市", 80, 80)]
    q = score_quiz(people, settings)
    assert [(c.city, c.rank) for c in q.cities] == [("南宁市", 1), ("柳州市", 2)]
    assert all(f.code == "missing-time" for f in q.findings)


def test_quiz_unknown_or_blank_city_is_not_ranked_as_a_city(campaign):
    people = [P("a", "深圳市", 90, 90), P("b", "", 80, 80), P("", "南宁市", 70, 70), P("c", "南宁", 60, 60)]
    q = score_quiz(people, campaign.knowledge, [c.name for c in campaign.cities])
    assert {c.city for c in q.cities} == {c.name for c in campaign.cities}
    assert next(c for c in q.cities if c.city == "南宁市").participants == 1
    assert [p.rank for p in q.individuals] == [1, 2, 3, None]          # still ranked individually
    assert sorted(f.code for f in q.findings if f.code != "missing-time") == ["missing-id", "unknown-city", "unknown-city"]
