"""Check digits: 统一社会信用代码 (GB 32100-2015) and 身份证号码 (GB 11643-1999)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin.core.idcodes import (
    USCC_CHARSET,
    USCC_WEIGHTS,
    CodeCheck,
    check_credit_code,
    check_id_number,
    uscc_check_char,
)

# Real, published codes. Each was found in several unrelated public repositories (search
# tool, code corpus) next to the company name, and its check digit was recomputed here.
# Not verified against the national enterprise credit publicity system.
REAL_USCC = [
    # 华为技术有限公司 — worked example in FACTS.md section 5 (sum 831, 831 mod 31 = 25 -> 6)
    "914403001922038216",
    # the commonly used sample code (FACTS.md section 5)
    "91350100M000100Y43",
    # 腾讯科技（深圳）有限公司 — e.g. an e-sign SDK test and a due-diligence SQL fixture
    "9144030071526726XG",
    # 阿里巴巴（中国）有限公司 — e.g. a USCC validator test ("公开可查的企业税号") and fixtures
    "91330100799655058B",
    # 比亚迪股份有限公司 — listed-company enrichment table for 002594.SZ; its positions 9-17
    # equal BYD's 组织机构代码 19231745-8 quoted in the same fixture
    "91440300192317458F",
    # 中国平安保险（集团）股份有限公司 — insurer code in a tender XML and company fixtures
    "91440300100012316L",
]


def test_weights_match_the_standard():
    # FACTS.md section 5: Wi = 3^(i-1) mod 31
    assert USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(USCC_CHARSET) == 31 and not set("IOZSV") & set(USCC_CHARSET)


@pytest.mark.parametrize("code", REAL_USCC)
def test_real_credit_codes_pass(code):
    result = check_credit_code(code)
    assert result == CodeCheck(True, "统一社会信用代码校验通过", None, code)


@pytest.mark.parametrize("raw", [
    " 914403001922038216 ",
    "９１４４０３００１９２２０３８２１６",          # full width
    "9144 0300 1922 0382 16",
    "9144030071526726xg",                        # lower case
    "91440300-1922038216",
])
def test_credit_code_normalisation(raw):
    assert check_credit_code(raw).ok


def test_huawei_worked_example():
    assert uscc_check_char("91440300192203821") == "6"


@pytest.mark.parametrize("code", REAL_USCC)
def test_wrong_check_digit_is_named(code):
    wrong = next(c for c in USCC_CHARSET if c != code[-1])
    result = check_credit_code(code[:-1] + wrong)
    assert not result.ok
    assert result.expected == code[-1]
    assert result.message == (f"统一社会信用代码校验位应为 {code[-1]}，实为 {wrong}"
                              "（GB 32100-2015 第4章）")


def test_example_message_from_brief():
    assert check_credit_code("914403001922038215").message == \
        "统一社会信用代码校验位应为 6，实为 5（GB 32100-2015 第4章）"


def test_pilot_code_fails_check_digit():
    # FACTS.md section 5: early Fujian pilot codes fail the check yet are legal; the check
    # reports it (callers warn, they do not reject).
    result = check_credit_code("91350100M0001TGQXM")
    assert not result.ok and result.expected is not None and "校验位" in result.message


@pytest.mark.parametrize("raw, fragment", [
    ("", "为空"),
    (None, "为空"),
    ("91440300192203821", "应为 18 位，实为 17 位"),
    ("9144030019220382161", "应为 18 位，实为 19 位"),
    ("91440300I92203821X", "第 9 位“I”不是合法字符"),
    ("9144O300192203821X", "可能应为“0”"),
    ("914403001922038S16", "第 16 位“S”"),
    ("9144030019220382#6", "第 17 位“#”"),
])
def test_credit_code_errors(raw, fragment):
    result = check_credit_code(raw)
    assert not result.ok and fragment in result.message


@given(st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17))
def test_exactly_one_check_char_is_valid(first17):
    valid = [c for c in USCC_CHARSET if check_credit_code(first17 + c).ok]
    if first17[2:8].isdigit():
        assert valid == [uscc_check_char(first17)]
    else:  # positions 3-8 are the administrative-division code (GB 32100-2015 ch. 4): digits only
        assert valid == []


@pytest.mark.parametrize("code, pos", [("QYNWF4JHQ3A1D2CUR4", 3), ("9145010A1922038216", 8)])
def test_credit_code_positions_3_to_8_are_digits(code, pos):
    result = check_credit_code(code)
    assert not result.ok and "第 3～8 位" in result.message and f"第 {pos} 位" in result.message


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.booleans()))
def test_checks_never_raise(v):
    assert isinstance(check_credit_code(v), CodeCheck)
    assert isinstance(check_id_number(v), CodeCheck)


# ---------------------------------------------------------------- 身份证

def test_id_example_from_standard():
    # GB 11643-1999 example, FACTS.md section 5: sum 167, 167 mod 11 = 2 -> X
    assert check_id_number("11010519491231002X").ok
    assert check_id_number("11010519491231002x").ok
    assert check_id_number("１１０１０５１９４９１２３１００２Ｘ").ok


def test_id_wrong_check_char():
    result = check_id_number("110105194912310021")
    assert not result.ok and result.expected == "X"
    assert result.message == "身份证号码校验位应为 X，实为 1（GB 11643-1999）"
    assert "110105" not in result.message  # the number itself is never echoed


def _with_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


@pytest.mark.parametrize("first17, fragment", [
    ("45010220220230001", "出生日期无效"),   # 2022-02-30
    ("45010218991231001", "出生日期无效"),   # before 1900
    ("45010220991231001", "出生日期无效"),   # in the future
    ("45010219991301001", "出生日期无效"),   # month 13
])
def test_id_birth_date(first17, fragment):
    result = check_id_number(_with_check(first17), today=dt.date(2022, 9, 15))
    assert not result.ok and fragment in result.message


def test_id_valid_synthetic():
    assert check_id_number(_with_check("45010219900101001"), today=dt.date(2022, 9, 15)).ok


@pytest.mark.parametrize("raw, fragment", [
    ("", "为空"),
    ("450102900101001", "15 位旧号码"),
    ("4501021990010100", "应为 18 位，实为 16 位"),
    ("45010219900101A011", "前 17 位应为数字"),
    ("45010219900101001Y", "第 18 位应为数字或 X"),
])
def test_id_errors(raw, fragment):
    result = check_id_number(raw)
    assert not result.ok and fragment in result.message


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_id_exactly_one_check_char(first17):
    results = [check_id_number(first17 + c) for c in "0123456789X"]
    if any("出生日期" in r.message for r in results):
        return
    assert sum(r.ok for r in results) == 1
