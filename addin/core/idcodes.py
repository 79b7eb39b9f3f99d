"""Check digits of the 统一社会信用代码 (GB 32100-2015) and the 居民身份证号码 (GB 11643-1999).

Both checks are total: any input gives a :class:`CodeCheck`, never an exception,
so they can back an Excel UDF directly. Messages are Chinese and never repeat an
ID number (it is personal information).

A failed USCC check is a *warning*: some early pilot-area codes fail the check
digit and are still legal (FACTS.md section 5), so callers should not reject them.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from operator import mul

from addin.core.normalize import per_return_cache, to_halfwidth

__all__ = ["CodeCheck", "check_credit_code", "check_id_number"]

USCC_BASIS = "GB 32100-2015 第4章"
ID_BASIS = "GB 11643-1999"

# 31 symbols: digits and capital letters except I, O, Z, S, V.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1,3,9,27,19,26,16,...,28
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
# Letters people type by mistake, and what they most likely meant.
_LOOKALIKE = {"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"}

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"  # index = weighted sum mod 11


@dataclass(frozen=True)
class CodeCheck:
    """Result of a check.

    ok: the code is well-formed and its check character is right.
    message: Chinese, for the cell comment or the findings list.
    expected: the check character the code should end with, when it could be
        computed and differs (None otherwise).
    normalized: the code after half-width/upper-case/space removal ('' if empty).
    """

    ok: bool
    message: str
    expected: str | None = None
    normalized: str = ""


_SEPARATORS = re.compile(r"[\s\-_]+")


def _normalize(code: object) -> str:
    if code is None or isinstance(code, bool):
        return ""
    if isinstance(code, float) and code.is_integer():
        code = int(code)  # an ID typed into a number cell (precision already lost)
    text = to_halfwidth(code)
    return _SEPARATORS.sub("", text).upper()


def uscc_check_char(first17: str) -> str | None:
    """The check character for 17 USCC characters, or None if any is illegal."""
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        return None
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, first17), USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def check_credit_code(code: object) -> CodeCheck:
    """Check an 18-character 统一社会信用代码 (GB 32100-2015).

    Input is normalised first: full-width to half-width, upper case, spaces and
    hyphens removed. Length, charset, positions 3-8 (the registration authority's
    administrative-division code, GB/T 2260: six digits) and check character are
    verified. Positions 1 (登记管理部门码) and 2 (机构类别码) may be letters.
    """
    if type(code) is str:
        return _check_credit_code_text(code)
    return _check_credit_code(code)


@per_return_cache(maxsize=4096)
def _check_credit_code_text(code: str) -> CodeCheck:
    """Cached: a return repeats the same firms' codes on many rows (CodeCheck is immutable)."""
    return _check_credit_code(code)


def _check_credit_code(code: object) -> CodeCheck:
    norm = _normalize(code)
    if not norm:
        return CodeCheck(False, "统一社会信用代码为空", None, norm)
    if len(norm) != 18:
        return CodeCheck(False, f"统一社会信用代码应为 18 位，实为 {len(norm)} 位（{USCC_BASIS}）",
                         None, norm)
    for pos, ch in enumerate(norm, start=1):
        if ch not in USCC_CHARSET:
            hint = f"，可能应为“{_LOOKALIKE[ch]}”" if ch in _LOOKALIKE else ""
            return CodeCheck(False, f"统一社会信用代码第 {pos} 位“{ch}”不是合法字符"
                                    f"（不使用 I、O、Z、S、V{hint}；{USCC_BASIS}）", None, norm)
    region = norm[2:8]
    if not region.isdigit():
        pos, ch = next((i, c) for i, c in enumerate(region, start=3) if not c.isdigit())
        return CodeCheck(False, f"统一社会信用代码第 3～8 位应为登记管理机关行政区划码（6 位数字），"
                                f"第 {pos} 位为“{ch}”（{USCC_BASIS}）", None, norm)
    expected = uscc_check_char(norm[:17])
    if expected != norm[17]:
        return CodeCheck(False, f"统一社会信用代码校验位应为 {expected}，实为 {norm[17]}（{USCC_BASIS}）",
                         expected, norm)
    return CodeCheck(True, "统一社会信用代码校验通过", None, norm)


def id_check_char(first17: str) -> str | None:
    """The check character for 17 ID digits, or None if they are not 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        return None
    return ID_CHECK[sum(map(mul, map(int, first17), ID_WEIGHTS)) % 11]


def check_id_number(idno: object, today: _dt.date | None = None) -> CodeCheck:
    """Check an 18-digit 公民身份号码 (GB 11643-1999, ISO 7064 MOD 11-2).

    Verifies length, that positions 1-17 are digits and 18 is a digit or X, that
    positions 7-14 form a real birth date not after *today* (default: the
    current date), and the check character.
    """
    norm = _normalize(idno)
    if not norm:
        return CodeCheck(False, "身份证号码为空", None, norm)
    if len(norm) == 15 and norm.isascii() and norm.isdigit():
        return CodeCheck(False, f"身份证号码为 15 位旧号码，应使用 18 位号码（{ID_BASIS}）", None, norm)
    if len(norm) != 18:
        return CodeCheck(False, f"身份证号码应为 18 位，实为 {len(norm)} 位（{ID_BASIS}）", None, norm)
    if not (norm[:17].isascii() and norm[:17].isdigit()) or norm[17] not in "0123456789X":
        return CodeCheck(False, f"身份证号码前 17 位应为数字、第 18 位应为数字或 X（{ID_BASIS}）",
                         None, norm)
    year, month, day = int(norm[6:10]), int(norm[10:12]), int(norm[12:14])
    try:
        birth = _dt.date(year, month, day)
    except ValueError:
        birth = None
    if birth is None or year < 1900 or birth > (today or _dt.date.today()):
        return CodeCheck(False, f"身份证号码第 7～14 位出生日期无效（{ID_BASIS}）", None, norm)
    expected = id_check_char(norm[:17])
    if expected != norm[17]:
        return CodeCheck(False, f"身份证号码校验位应为 {expected}，实为 {norm[17]}（{ID_BASIS}）",
                         expected, norm)
    return CodeCheck(True, "身份证号码校验通过", None, norm)
