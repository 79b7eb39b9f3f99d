"""The validator normalises each distinct value of a column once per file; repeats must still be
reported at their own cells, and the fast paths for already-clean values must agree with the slow ones."""
from __future__ import annotations

import copy
from decimal import Decimal

from addin.rules.judge import _dec, _fmt
from addin.core.normalize import parse_number, parse_numbers
from addin.checks.validate import validate_workbook
from tests.filling import GOOD_INFO, GOOD_ROWS, make_return


def _rows_with(sheet: str, n: int, **edit):
    rows = copy.deepcopy(GOOD_ROWS)
    rows[sheet] = [dict(copy.deepcopy(rows[sheet][0]), **edit) for _ in range(n)]
    return rows


def test_a_bad_value_repeated_on_rows_is_reported_at_each_cell(tmp_path, campaign, contract):
    rows = _rows_with("publicity", 3, channel="抖音", title=None)
    for i, row in enumerate(rows["publicity"]):
        row["title"] = f"活动{i}"  # rows differ, so none is a duplicate
    path = make_return(tmp_path / "r.xlsx", campaign, contract, info=GOOD_INFO, rows=rows)
    found = [f for f in validate_workbook(path, campaign, contract) if f.code == "not-in-choices"]
    assert [f.location for f in found] == ["宣传宣讲!D2", "宣传宣讲!D3", "宣传宣讲!D4"]
    assert len({f.message for f in found}) == 1
    assert all(f.value == "抖音" for f in found)


def test_a_good_value_repeated_gives_no_finding_and_one_normal_form(tmp_path, campaign, contract):
    rows = _rows_with("publicity", 3, channel=" 微信公众号 ")
    for i, row in enumerate(rows["publicity"]):
        row["title"] = f"活动{i}"
    path = make_return(tmp_path / "r.xlsx", campaign, contract, info=GOOD_INFO, rows=rows)
    assert [f for f in validate_workbook(path, campaign, contract) if f.sheet == "宣传宣讲"] == []


def test_plain_number_text_agrees_with_the_general_reading():
    assert parse_number("402") == 402.0
    assert parse_number("-1.7") == -1.7
    assert parse_number("+8") == 8.0
    assert str(parse_number("-0")) == "0.0"  # no '-0.0'
    assert parse_number("1" * 400) is None  # not finite
    assert parse_numbers("13.1、14.5、-0") == [13.1, 14.5, 0.0]


def test_decimal_of_a_float_keeps_the_sign_of_zero():
    assert str(_dec(0.0)) == "0.0"
    assert str(_dec(-0.0)) == "-0.0"
    assert str(_dec(0.0)) == "0.0"
    assert _dec(7.41) == Decimal("7.41")
    assert _fmt(398.0) == "398" and _fmt(-0.0) == "0" and _fmt(Decimal("8.250")) == "8.25"
