"""Typed campaign settings: the reward rule and the contest defaults each have one home, and the
faces that show them (the roster, QM_REWARD, QM_TRIMMED_MEAN, the scorer) agree."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from addin.campaign.contest import TRIM_MIN_JUDGES, ContestRules, QuizRules, default
from addin.campaign.rewards import RewardRules, decide, reward_rules
from addin.campaign.settings import SettingsError, load_campaign
from addin.contest.scoring import trimmed_mean
from addin.excel.udfs import QM_REWARD, QM_TRIMMED_MEAN

GX = load_campaign()


# The notice (activity 七): a red envelope for every real-name complaint; an extra reward by the
# problem's size for one confirmed true. Expected values typed from the packaged campaign TOML.
@pytest.mark.parametrize("real, verified, level, envelope, extra, pending", [
    (True, "属实", "较大", True, "200.00", False),
    (True, "部分属实", "一般", True, "50.00", False),
    (True, "属实", "重大", True, "500.00", False),
    (True, "属实", None, True, "0.00", True),         # level not yet decided
    (True, "核查中", None, True, "0.00", True),
    (True, "不属实", None, True, "0.00", False),
    (False, "属实", "重大", False, "0.00", False),     # anonymous: nothing at all
])
def test_reward_rule(real, verified, level, envelope, extra, pending):
    d = decide(GX.reward_rules, real, verified, level)
    assert (d.envelope, d.extra, d.pending) == (envelope, Decimal(extra), pending)


def test_roster_and_qm_reward_agree_on_every_demo_complaint(tmp_path):
    from addin.consolidate.run import consolidate_dir
    from addin.demo.generator import generate_demo
    from docgen.rewards import compute_roster

    generate_demo(tmp_path, GX)
    _, rows = compute_roster(consolidate_dir(tmp_path, GX, jobs=1))
    checked = 0
    for r in rows:
        if r["note"] or r["verified"] not in ("属实", "部分属实", "不属实"):
            continue
        cell = QM_REWARD(r["level"] or None, "是" if r["real_name"] else "否", r["verified"])
        assert cell == r["extra"], r
        checked += 1
    assert checked > 20


def test_a_campaign_without_rewards_pays_nothing():
    assert reward_rules({}) == RewardRules()
    assert decide(reward_rules({}), True, "属实", "一般").extra == Decimal("0.00")


@pytest.mark.parametrize("table, words", [
    ({"random_min": 5, "random_max": 1}, "random_max 不能小于 random_min"),
    ({"random_min": -1}, "不能为负"),
    ({"extra_by_level": {"一般": "五十"}}, "extra_by_level.一般 应为金额"),
])
def test_bad_reward_settings_are_named(table, words):
    with pytest.raises(SettingsError, match=words):
        reward_rules(table)


def test_contest_defaults_have_one_home():
    assert default(ContestRules, "trim_min_judges") == TRIM_MIN_JUDGES
    assert trimmed_mean([1, 2, 3, 4, 5]).min_judges == TRIM_MIN_JUDGES
    assert default(QuizRules, "city_top_n") == GX.quiz_rules.city_top_n   # the TOML says 10 as well
    no_trim = {k: v for k, v in GX.contest.items() if k != "trim_min_judges"}
    assert dataclasses.replace(GX, contest=no_trim).contest_rules.trim_min_judges == TRIM_MIN_JUDGES


def test_qm_trimmed_mean_uses_the_campaign_setting(tmp_path, monkeypatch):
    from importlib import resources

    text = resources.files("addin.campaign").joinpath("data", "campaign_gx2022.toml").read_text("utf-8")
    custom = tmp_path / "c.toml"
    custom.write_text(text.replace("trim_min_judges = 5", "trim_min_judges = 6"), "utf-8")
    scores = [[90, 80, 70, 60, 50]]
    assert QM_TRIMMED_MEAN(scores) == 70           # 5 judges, default 5: trimmed (80+70+60)/3
    monkeypatch.setenv("QM_CAMPAIGN", str(custom))
    assert QM_TRIMMED_MEAN(scores) == 70           # 6 needed: plain mean of all five is also 70
    assert QM_TRIMMED_MEAN([[100, 80, 70, 60, 50]]) == 72    # plain mean (not trimmed: 70)
