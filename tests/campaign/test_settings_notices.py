"""[notices] in the campaign settings: each city's issuing authority and 机关代字, default period."""
from __future__ import annotations

from importlib import resources

import pytest

from addin.campaign.settings import SettingsError, parse_campaign


def _packaged() -> str:
    return resources.files("addin.campaign").joinpath("data", "campaign_gx2022.toml").read_text("utf-8")


def test_packaged_campaign_names_every_city(campaign):
    assert campaign.rectification_days == 15
    for city in campaign.cities:
        a = campaign.notice_authority(city.name)
        assert a is not None and a.authority == f"{city.name}住房和城乡建设局" and a.prefix.endswith("建质改")
    assert len({campaign.notice_authority(c.name).prefix for c in campaign.cities}) == len(campaign.cities)


@pytest.mark.parametrize("days", ["0", "400", "\"15\"", "true", "1.5"])
def test_bad_period_refused(days):
    text = _packaged().replace("rectification_days = 15", f"rectification_days = {days}")
    with pytest.raises(SettingsError, match="rectification_days"):
        parse_campaign(text, "x.toml")


def test_entry_without_prefix_refused():
    text = _packaged().replace('"南宁市" = { authority = "南宁市住房和城乡建设局", prefix = "南建质改" }',
                               '"南宁市" = { authority = "南宁市住房和城乡建设局" }')
    with pytest.raises(SettingsError, match="南宁市.*prefix"):
        parse_campaign(text, "x.toml")


def test_prefix_with_brackets_refused():
    text = _packaged().replace('prefix = "南建质改"', 'prefix = "南建质改〔2022〕"')
    with pytest.raises(SettingsError, match="机关代字"):
        parse_campaign(text, "x.toml")


def test_without_block_defaults():
    text = _packaged().split("# ---- Rectification notices")[0]
    camp = parse_campaign(text, "x.toml")
    assert camp.rectification_days == 15 and camp.notice_authority("南宁市") is None
