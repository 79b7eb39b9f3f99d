"""Our USCC (GB 32100-2015) and resident-ID (GB 11643-1999) checks against python-stdnum, a
second implementation (test-only dependency), on its published vectors (copied into tests/data/
with their source and licence, LGPL-2.1+) and on generated codes.

Intended differences, each pinned by a test below:
- stdnum.cn.uscc requires digits in positions 1-8. GB 32100-2015 has letters as 登记管理部门码
  in position 1 (e.g. A, N, Y) and in position 2 (机构类别); only positions 3-8 (the registration
  authority's administrative-division code, GB/T 2260) must be digits. We accept letters in
  positions 1-2 and judge such a code by its check character.
- stdnum.cn.ric looks the region code up in its own table for the birth year; we do not check
  the region (a county renamed since, or one missing from the table, is still a valid number).
  stdnum also raises KeyError('county') instead of answering for some numbers
  (534803202406238234): we always answer.
- Birth date: we require a real date from 1900-01-01 up to the checking day; stdnum accepts any
  real date (1899, or a future one).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.core.idcodes import USCC_CHARSET, check_credit_code, check_id_number, id_check_char, uscc_check_char

uscc = pytest.importorskip("stdnum.cn.uscc")
ric = pytest.importorskip("stdnum.cn.ric")

DATA = Path(__file__).resolve().parents[1] / "data"
TODAY = dt.date(2026, 12, 1)


def _vectors(name):
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, verdict, note = line.split("\t")
            out.append(pytest.param(code, verdict, note, id=code.replace(" ", "_")))
    return out


def test_vector_files_name_their_source_and_licence():
    for name in ("stdnum_cn_uscc.tsv", "stdnum_cn_ric.tsv"):
        head = (DATA / name).read_text(encoding="utf-8")[:600]
        assert "github.com/arthurdejong/python-stdnum" in head and "LGPL-2.1" in head


# ------------------------------------------------ USCC

USCC_VECTORS = _vectors("stdnum_cn_uscc.tsv")


@pytest.mark.parametrize("code, verdict, note", USCC_VECTORS)
def test_uscc_vectors(code, verdict, note):
    assert uscc.is_valid(code) == (verdict == "valid")      # the copy says what stdnum says
    ours = check_credit_code(code)
    if note == "letter in position 1":
        # intended difference: GB 32100 allows a letter here; ours fails it on the check character only
        assert not ours.ok and "校验位" in ours.message
        fixed = code[:17] + uscc_check_char(code[:17])
        assert check_credit_code(fixed).ok and not uscc.is_valid(fixed)
    else:
        assert ours.ok == (verdict == "valid"), ours.message


def test_uscc_letters_in_positions_3_to_8_fail():
    # the example: a check character that happens to fit does not make it valid
    assert not uscc.is_valid("QYNWF4JHQ3A1D2CUR4")
    j = check_credit_code("QYNWF4JHQ3A1D2CUR4")
    assert not j.ok and "第 3～8 位" in j.message


charset = st.sampled_from(USCC_CHARSET)
digits = st.sampled_from("0123456789")


@settings(max_examples=1000, deadline=None)
@given(st.lists(digits, min_size=8, max_size=8), st.lists(charset, min_size=9, max_size=9), charset)
def test_uscc_agrees_with_stdnum_when_positions_1_to_8_are_digits(head, body, last):
    first17 = "".join(head + body)
    right = first17 + uscc_check_char(first17)
    assert check_credit_code(right).ok and uscc.is_valid(right)
    code = first17 + last
    assert check_credit_code(code).ok == uscc.is_valid(code)


@settings(max_examples=500, deadline=None)
@given(st.lists(charset, min_size=17, max_size=17))
def test_uscc_differs_from_stdnum_only_in_positions_1_and_2(chars):
    first17 = "".join(chars)
    code = first17 + uscc_check_char(first17)
    ours, theirs = check_credit_code(code).ok, uscc.is_valid(code)
    if first17[2:8].isdigit():
        assert ours                                   # right check character, digits in 3-8
        assert theirs == first17[:2].isdigit()        # stdnum also wants digits in 1-2
    else:
        assert not ours and not theirs


# ------------------------------------------------ resident ID

RIC_VECTORS = _vectors("stdnum_cn_ric.tsv")
REGION_NOTES = ("unknown birth place code", "county not registered yet in the birth year",
                "county deregistered in the birth year")


@pytest.mark.parametrize("code, verdict, note", RIC_VECTORS)
def test_ric_vectors(code, verdict, note):
    assert ric.is_valid(code) == (verdict == "valid")
    ours = check_id_number(code, today=TODAY)
    if note in REGION_NOTES:
        assert ours.ok    # intended difference: the region code is not checked
    else:
        assert ours.ok == (verdict == "valid"), ours.message


def test_ric_stdnum_raises_where_we_answer():
    code = "534803202406238234"
    with pytest.raises(KeyError):
        ric.is_valid(code)
    assert check_id_number(code, today=TODAY).ok


@pytest.mark.parametrize("birth, ours", [("18991231", False), ("19000101", True), ("20261201", True),
                                         ("20261202", False)])
def test_ric_birth_date_range(birth, ours):
    first17 = "110105" + birth + "002"
    code = first17 + id_check_char(first17)
    assert check_id_number(code, today=TODAY).ok == ours
    assert ric.is_valid(code)     # stdnum: any real date


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(["110105", "450103", "440113", "360426", "412723"]),
       st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2020, 12, 31)),
       st.integers(0, 999), st.sampled_from("0123456789X"))
def test_ric_check_digit_agrees_with_stdnum(region, birth, seq, last):
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    code = first17 + last
    ours = check_id_number(code, today=TODAY).ok
    try:
        theirs = ric.is_valid(code)
    except KeyError:
        return
    if last == id_check_char(first17):
        assert ours
    else:
        assert not ours and not theirs
    if theirs:
        assert ours
