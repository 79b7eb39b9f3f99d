"""Chinese numerals and short forms clerks type (issue 15), checked against the README's table of
spellings and against cn2an (a second implementation, test-only: it is not used at run time)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.core.normalize import cn_number, parse_date, parse_number, parse_numbers

README = Path(__file__).resolve().parents[2] / "README.md"


def _spelling_table():
    text = README.read_text(encoding="utf-8")
    section = text.split("### 可识别的写法", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in ("日期", "数值", "实测值"):
            rows.append(tuple(cells))
    return rows


SPELLINGS = _spelling_table()


def test_the_readme_table_has_every_spelling_of_the_issue():
    typed = {r[1] for r in SPELLINGS}
    assert {"九月十五日", "二〇二二年九月十五日", "22年9月15日", "9月15号", "一百二十", "十六毫米", "三点五"} <= typed


@pytest.mark.parametrize("kind, typed, read", SPELLINGS, ids=[r[1] for r in SPELLINGS])
def test_readme_spelling(kind, typed, read):
    shown = read.split("（")[0]
    if kind == "日期":
        assert parse_date(typed, default_year=2022) == dt.date.fromisoformat(shown)
    elif kind == "数值":
        assert parse_number(typed) == float(shown)
    else:
        assert parse_numbers(typed) == [float(x) for x in shown.split("、")]


@pytest.mark.parametrize("typed", ["一般", "第一", "二十百", "一百零", "十十", "二二十", "一千万百", "三点", "点五"])
def test_words_that_are_not_numbers(typed):
    assert parse_number(typed) is None


@pytest.mark.parametrize("typed", ["九月三十一日", "十三月一日", "二〇二二年二月三十日", "九月十五"])
def test_impossible_or_partial_dates(typed):
    assert parse_date(typed, default_year=2022) is None


def test_month_day_needs_a_year():
    assert parse_date("九月十五日") is None          # no default year: not guessed
    assert parse_date("九月十五日", default_year=2025) == dt.date(2025, 9, 15)


# ------------------------------------------------ against cn2an (an independent implementation)

cn2an = pytest.importorskip("cn2an")


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=0, max_value=99_999_999))
def test_cn_number_agrees_with_cn2an(n):
    written = cn2an.an2cn(n)                 # '一百二十', '一万零一十', '二万三千'
    assert cn_number(written) == n
    assert cn_number(written.replace("二", "两", 1) if written.startswith("二") and len(written) > 1 else written) == n


@pytest.mark.parametrize("n", [*range(0, 1001), 1005, 1010, 10010, 100000, 20220915])
def test_cn_number_small_numbers(n):
    assert cn_number(cn2an.an2cn(n)) == n


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=9999), st.integers(min_value=0, max_value=999))
def test_decimals_agree_with_cn2an(whole, frac):
    value = f"{whole}.{frac:03d}".rstrip("0").rstrip(".")
    written = cn2an.an2cn(value)             # '三点五'
    assert parse_number(written) == float(value)
    assert cn2an.cn2an(written, "smart") == pytest.approx(parse_number(written))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="〇零○一二两三四五六七八九十百千万亿点负毫米元组般第", max_size=8))
def test_total_and_consistent_with_cn2an_when_it_reads_the_text(text):
    ours = cn_number(text)                   # never raises
    assert ours is None or isinstance(ours, int)
    if ours is not None and re.fullmatch("[一二三四五六七八九十百千万亿零]+", text):
        try:
            theirs = cn2an.cn2an(text, "strict")
        except Exception:
            return                           # cn2an refuses it (e.g. '两百五'): no comparison
        assert ours == theirs


def test_chinese_numerals_can_be_left_unread():
    # the contest scoring workbook computes with formulas that do not read '八十': scoring opts out
    assert parse_number("八十") == 80 and parse_number("八十", chinese=False) is None
    assert parse_number("85分", chinese=False) == 85 and parse_number("第一 85", chinese=False) == 85
