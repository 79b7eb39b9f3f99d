"""Normalisation of clerk-typed cells: a table of real-world spellings plus properties."""

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.core.normalize import (
    clean_text,
    parse_date,
    parse_number,
    parse_numbers,
    parse_verdict,
    parse_yes_no,
    to_halfwidth,
)

D = dt.date


# ---------------------------------------------------------------- to_halfwidth / clean_text

@pytest.mark.parametrize("raw, expected", [
    ("ＨＲＢ４００Ｅ", "HRB400E"),
    ("１２．５％", "12.5%"),
    ("４０２，３９８：－５", "402,398:-5"),
    ("Ｃ３０\u3000混凝土", "C30 混凝土"),
    ("（回弹）", "(回弹)"),
    ("已是半角 abc 123", "已是半角 abc 123"),
    ("、。《》", "、。《》"),  # no ASCII twin: unchanged
    ("", ""),
])
def test_to_halfwidth(raw, expected):
    assert to_halfwidth(raw) == expected


def test_to_halfwidth_non_string():
    assert to_halfwidth(None) == ""
    assert to_halfwidth(12) == "12"


@pytest.mark.parametrize("raw, expected", [
    ("  南宁市  住建局 ", "南宁市 住建局"),
    ("第一行\n第二行\t尾", "第一行 第二行 尾"),
    ("\u3000\u3000南宁\u3000", "南宁"),
    ("柳州\u200b市\ufeff", "柳州市"),
    ("", None),
    ("   \n\t\u3000", None),
    (None, None),
    (450100.0, "450100"),
    (12.5, "12.5"),
    ("整改，通知书。", "整改，通知书。"),  # Chinese punctuation kept
])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("raw, expected", [
    (D(2022, 9, 15), D(2022, 9, 15)),
    (dt.datetime(2022, 9, 15, 14, 30), D(2022, 9, 15)),
    (44819, D(2022, 9, 15)),
    (44819.0, D(2022, 9, 15)),
    (44819.99, D(2022, 9, 15)),       # time of day is dropped
    (61, D(1900, 3, 1)),              # after the fictitious 1900-02-29
    (59, D(1900, 2, 28)),
    (1, D(1900, 1, 1)),
    (20220915, D(2022, 9, 15)),       # YYYYMMDD typed as a number
    ("2022-09-15", D(2022, 9, 15)),
    ("2022/9/15", D(2022, 9, 15)),
    ("2022.9.15", D(2022, 9, 15)),
    ("2022年9月15日", D(2022, 9, 15)),
    ("2022年09月15号", D(2022, 9, 15)),
    ("２０２２年９月１５日", D(2022, 9, 15)),
    ("２０２２－０９－１５", D(2022, 9, 15)),
    ("二〇二二年九月十五日", D(2022, 9, 15)),
    ("二〇二二年十二月三十一日", D(2022, 12, 31)),
    ("20220915", D(2022, 9, 15)),
    (" 2022 年 9 月 15 日 ", D(2022, 9, 15)),
    ("2022 - 09 - 15", D(2022, 9, 15)),
    ("2022-09-15 00:00:00", D(2022, 9, 15)),
    ("2022-09-15T08:30", D(2022, 9, 15)),
    ("44819", D(2022, 9, 15)),        # a serial stored as text
    ("2022-02-30", None),
    ("2022年2月29日", None),
    ("2024年2月29日", D(2024, 2, 29)),
    ("20221315", None),
    ("9月15日", None),                # needs default_year
    ("2022年9月", None),
    ("九月中旬", None),
    ("", None),
    (None, None),
    (True, None),
    (0, None),
    (-5, None),
    (60, None),                       # 1900-02-29 does not exist
    (float("nan"), None),
    (float("inf"), None),
    (1e20, None),
])
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("9月15日", D(2022, 9, 15)),
    ("９月１５日", D(2022, 9, 15)),
    ("9月15", D(2022, 9, 15)),
    ("9/15", D(2022, 9, 15)),
    ("2月30日", None),
    ("2021-09-15", D(2021, 9, 15)),   # an explicit year wins
])
def test_parse_date_default_year(raw, expected):
    assert parse_date(raw, default_year=2022) == expected


def test_parse_date_pandas_nat():
    pd = pytest.importorskip("pandas")
    assert parse_date(pd.NaT) is None
    assert parse_date(pd.Timestamp("2022-09-15 10:00")) == D(2022, 9, 15)


# ---------------------------------------------------------------- numbers

@pytest.mark.parametrize("raw, expected", [
    (400, 400.0),
    (398.5, 398.5),
    (Decimal("7.41"), 7.41),
    ("400", 400.0),
    ("400MPa", 400.0),
    ("400 MPa", 400.0),
    ("4 00", 400.0),
    ("３９８", 398.0),
    ("３９８．５", 398.5),
    ("398。5", 398.5),                # Chinese IME full stop between digits
    ("1,234.5", 1234.5),
    ("１，２３４．５", 1234.5),
    ("−5", -5.0),                     # U+2212 minus
    ("－5", -5.0),                    # full-width hyphen-minus
    ("-5", -5.0),
    ("偏差-5", -5.0),
    ("+8", 8.0),
    ("12.5%", 12.5),
    ("１２．５％", 12.5),
    ("7.41Ω/km", 7.41),
    ("16mm", 16.0),
    ("2.5mm²", 2.5),
    ("2.5mm2", 2.5),
    ("BV-2.5", 2.5),
    ("Φ25", 25.0),
    ("≥400", 400.0),
    ("约 400", 400.0),
    (".5", 0.5),
    ("400（400）", 400.0),             # the same number twice is fine
    ("400-500", None),
    ("400~500", None),
    ("2022-09-15", None),
    ("abc", None),
    ("未检测", None),
    ("", None),
    (None, None),
    (True, None),
    (False, None),
    (float("nan"), None),
    (float("inf"), None),
    ("-0", 0.0),
])
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("402, 398、415", [402.0, 398.0, 415.0]),
    ("402，398，415", [402.0, 398.0, 415.0]),
    ("402;398；415", [402.0, 398.0, 415.0]),
    ("402/398", [402.0, 398.0]),
    ("402 398\n415", [402.0, 398.0, 415.0]),
    ("402\r\n398", [402.0, 398.0]),
    ("４０２、３９８", [402.0, 398.0]),
    ("402MPa、398MPa", [402.0, 398.0]),
    ("402 MPa, 398 MPa", [402.0, 398.0]),
    ("12.5%、13%", [12.5, 13.0]),
    ("-3.2、+1.5、−0.8", [-3.2, 1.5, -0.8]),
    ("7.41 Ω/km", [7.41]),
    ("402", [402.0]),
    (402, [402.0]),
    (402.5, [402.5]),
    ([402, "398、415", None, ""], [402.0, 398.0, 415.0]),
    ((1, 2), [1.0, 2.0]),
    ([[402, 398], [415, None]], [402.0, 398.0, 415.0]),  # an Excel range
    ("402、未测", None),
    ("400-500、398", None),
    ("MPa", None),
    ("", None),
    ("、、", None),
    (None, None),
    (True, None),
    ([], None),
    (float("nan"), None),
])
def test_parse_numbers(raw, expected):
    assert parse_numbers(raw) == expected


# ---------------------------------------------------------------- verdicts / yes-no

@pytest.mark.parametrize("raw, expected", [
    ("合格", "合格"), (" 合格 ", "合格"), ("合格。", "合格"), ("符合", "合格"),
    ("符合要求", "合格"), ("符合设计要求", "合格"), ("满足", "合格"), ("满足要求", "合格"),
    ("通过", "合格"), ("OK", "合格"), ("ok", "合格"), ("ＯＫ", "合格"), ("√", "合格"),
    ("✓", "合格"), ("pass", "合格"), ("PASS", "合格"),
    ("不合格", "不合格"), ("不符合", "不合格"), ("不符合要求", "不合格"),
    ("不符合设计要求", "不合格"), ("不满足", "不合格"), ("不满足要求", "不合格"),
    ("不通过", "不合格"), ("未通过", "不合格"), ("×", "不合格"), ("fail", "不合格"),
    ("NG", "不合格"), ("ng", "不合格"),
    ("需复检", None), ("待定", None), ("", None), (None, None), (1, None), ("基本合格", None),
])
def test_parse_verdict(raw, expected):
    assert parse_verdict(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("是", True), ("有", True), ("已", True), ("已下发", True), ("Y", True), ("y", True),
    ("yes", True), ("YES", True), ("true", True), ("√", True), ("1", True), (1, True),
    (1.0, True), (True, True), ("Ｙ", True),
    ("否", False), ("无", False), ("没有", False), ("未", False), ("未整改", False),
    ("N", False), ("no", False), ("false", False), ("×", False), ("0", False), (0, False),
    (False, False),
    ("待定", None), ("", None), (None, None), (2, None), ("也许", None), (float("nan"), None),
])
def test_parse_yes_no(raw, expected):
    assert parse_yes_no(raw) is expected


# ---------------------------------------------------------------- properties

anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.decimals(),
    st.dates(), st.datetimes(), st.binary(),
    st.lists(st.one_of(st.none(), st.integers(), st.floats(), st.text()), max_size=5),
)


@settings(max_examples=400)
@given(anything)
def test_normalisers_never_raise(v):
    to_halfwidth(v)
    clean_text(v)
    parse_date(v)
    parse_date(v, default_year=2022)
    parse_number(v)
    parse_numbers(v)
    parse_verdict(v)
    parse_yes_no(v)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_normalisers_never_raise_on_text(s):
    assert isinstance(to_halfwidth(s), str)
    out = clean_text(s)
    assert out is None or (out == out.strip() and out)
    assert parse_date(s, 2022) is None or isinstance(parse_date(s, 2022), dt.date)
    n = parse_number(s)
    assert n is None or math.isfinite(n)
    ns = parse_numbers(s)
    assert ns is None or (ns and all(math.isfinite(x) for x in ns))
    assert parse_verdict(s) in (None, "合格", "不合格")
    assert parse_yes_no(s) in (None, True, False)


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


decimals = st.decimals(min_value=-99999, max_value=99999, places=2, allow_nan=False)


@given(decimals)
def test_parse_number_round_trip(d):
    text = format(d, "f")
    assert parse_number(text) == float(d)
    assert parse_number(_fullwidth(text)) == float(d)
    assert parse_number(text + "MPa") == float(d)


@given(st.lists(decimals, min_size=1, max_size=8), st.sampled_from([",", "、", "；", " ", "\n", "，"]))
def test_parse_numbers_round_trip(ds, sep):
    assert parse_numbers(sep.join(format(d, "f") for d in ds)) == [float(d) for d in ds]


@given(st.dates(min_value=D(1900, 3, 1), max_value=D(9999, 12, 31)))
def test_parse_date_round_trip(d):
    serial = (d - D(1899, 12, 30)).days
    assert parse_date(serial) == d
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d.year}年{d.month}月{d.day}日") == d
    assert parse_date(_fullwidth(f"{d.year}/{d.month}/{d.day}")) == d
