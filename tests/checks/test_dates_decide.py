"""Dates that decide things (issue 15): an implausible 填报日期 is an error finding and never
decides which of two returns from the same city is the newer one; the campaign's activity
dates choose the edition the validator's judgments cite."""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt

from addin.checks.validate import validate_workbook
from addin.consolidate.run import FileResult, _choose
from addin.core.findings import CODES, ERROR
from tests.filling import GOOD_INFO, GOOD_ROWS, make_return


def _check(tmp_path, campaign, contract, info=None, rows=None):
    path = make_return(tmp_path / "r.xlsx", campaign, contract, info=info or GOOD_INFO, rows=rows or GOOD_ROWS)
    return validate_workbook(path, campaign, contract)


def test_plausible_window(campaign):
    # 2022 campaign: plausible from a year before the activity to a year after the report deadline
    assert campaign.plausible(campaign.activity_start)
    assert campaign.plausible(campaign.report_deadline + dt.timedelta(days=366))
    assert not campaign.plausible(campaign.report_deadline + dt.timedelta(days=367))
    assert not campaign.plausible(campaign.activity_start - dt.timedelta(days=367))
    assert not campaign.plausible(dt.date(2032, 10, 8))


def test_fill_date_2032_is_an_error(tmp_path, campaign, contract):
    info = dict(GOOD_INFO, fill_date=dt.datetime(2032, 10, 8))   # 2032 typed for 2022
    found = [f for f in _check(tmp_path, campaign, contract, info=info) if f.code == "date-implausible"]
    assert len(found) == 1 and found[0].sheet == "基本信息" and "2032-10-08" in found[0].message
    assert CODES["date-implausible"][0] == ERROR and found[0].severity == ERROR


def test_fill_date_a_few_days_late_is_not_implausible(tmp_path, campaign, contract):
    info = dict(GOOD_INFO, fill_date=dt.datetime(2022, 10, 20))
    assert not [f for f in _check(tmp_path, campaign, contract, info=info) if f.code == "date-implausible"]


def test_window_date_far_off_is_an_error_not_a_warning(tmp_path, campaign, contract):
    rows = copy.deepcopy(GOOD_ROWS)
    rows["publicity"][0]["date"] = dt.datetime(2202, 9, 2)
    codes = [f.code for f in _check(tmp_path, campaign, contract, rows=rows)]
    assert "date-implausible" in codes and "date-outside-campaign" not in codes


def _ret(name, city, fill, mtime):
    return FileResult(path=name, name=name, sha256=name, mtime=mtime, findings=[], readable=True,
                      meta={"city_code": city.code}, info={"fill_date": fill})


def test_implausible_fill_date_never_decides_the_newer_return(campaign):
    city = campaign.cities[1]
    base = dt.datetime(2022, 10, 9, 12).timestamp()
    first = _ret("first.xlsx", city, dt.date(2032, 10, 6), base)                 # typo: 2032
    correction = _ret("correction.xlsx", city, dt.date(2022, 10, 9), base + 3600)  # sent an hour later
    chosen, subs, extra = _choose(campaign, [first, correction])
    assert chosen[city.code].name == "correction.xlsx"
    assert not [f for f in extra if f.code == "late-submission"]               # 2032 does not make it late
    dup = [f for f in extra if f.code == "duplicate-submission"]
    assert len(dup) == 1 and dup[0].file == "first.xlsx"


def test_plausible_fill_dates_still_decide(campaign):
    city = campaign.cities[1]
    base = dt.datetime(2022, 10, 9, 12).timestamp()
    older = _ret("a.xlsx", city, dt.date(2022, 10, 6), base + 3600)   # file touched later, dated earlier
    newer = _ret("b.xlsx", city, dt.date(2022, 10, 9), base)
    chosen, _, _ = _choose(campaign, [older, newer])
    assert chosen[city.code].name == "b.xlsx"


def test_validator_cites_the_edition_of_the_campaign_dates(tmp_path, campaign, contract):
    # the 2022 campaign cites GB/T 1499.2-2018; the same return in a 2025 campaign cites GB 1499.2-2024
    # (limits not confirmed: 需人工判定, reported as judgment-no-rule with the reason, never 合格)
    old = [f for f in _check(tmp_path, campaign, contract) if f.code.startswith("judgment")]
    assert old == []
    shift = dt.timedelta(days=365 * 3 + 1)
    later = dataclasses.replace(campaign, activity_start=campaign.activity_start + shift,
                                activity_end=campaign.activity_end + shift,
                                report_deadline=campaign.report_deadline + shift)
    path = make_return(tmp_path / "r2025.xlsx", later, contract, info=GOOD_INFO, rows=GOOD_ROWS)
    found = [f for f in validate_workbook(path, later, contract) if f.code == "judgment-no-rule"]
    assert found and all("GB 1499.2-2024" in f.message and "需人工判定" in f.message for f in found)
    assert not any("GB/T 1499.2-2018" in f.basis for f in found)
