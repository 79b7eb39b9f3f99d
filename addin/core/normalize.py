"""Normalisation of what city clerks type into the workbooks.

Every public function here is pure and total: whatever it is given (None, text in
full-width characters, floats from Excel, NaN, odd objects) it returns a value or
``None``; it never raises.

Conventions
- "Full-width" (全角) ASCII variants U+FF01..U+FF5E and the ideographic space
  U+3000 are folded to ASCII by :func:`to_halfwidth`.
- Percent values stay in percent units: ``'12.5%'`` -> ``12.5``.
- Dates use the Excel 1900 date system for serial numbers.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import numbers
import re
from decimal import Decimal

__all__ = [
    "to_halfwidth",
    "clean_text",
    "parse_date",
    "parse_number",
    "parse_numbers",
    "parse_verdict",
    "parse_yes_no",
    "cn_number",
    "PASS",
    "FAIL",
]

# Caches keyed by what one return typed (measured values, firms' codes) are emptied when the next
# return is validated: a return repeats its own values from row to row, and another city's
# values would rarely be the same (a benchmark built from a few base files would otherwise
# be served from the cache). Closed vocabularies (grades, test items, campaign dates) keep theirs.
_PER_RETURN: list = []


def per_return_cache(maxsize: int):
    """functools.lru_cache, emptied by :func:`new_return`."""
    def wrap(fn):
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _PER_RETURN.append(cached)
        return cached
    return wrap


def new_return() -> None:
    """Forget the values cached for the return validated before."""
    for cached in _PER_RETURN:
        cached.cache_clear()


PASS = "合格"
FAIL = "不合格"

# Characters that are invisible but survive copy-paste from web pages and WeChat.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Minus-like characters that people type for a negative sign.
_MINUS = str.maketrans({"\u2212": "-", "\ufe63": "-", "\u2010": "-", "\u2011": "-"})


def _as_text(v: object) -> str | None:
    """Best-effort ``str`` of *v*; ``None`` for None or when ``str()`` fails."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    try:
        return str(v)
    except Exception:  # a hostile __str__ must not break a UDF
        return None


def _real(v: object) -> float | None:
    """A finite float for real numbers and Decimals (bool excluded), else None."""
    if isinstance(v, bool) or not isinstance(v, (numbers.Real, Decimal)):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return x if math.isfinite(x) else None


# Full-width ASCII variants U+FF01..U+FF5E -> ASCII; ideographic space -> space (one C-level translate).
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20


def to_halfwidth(s: str) -> str:
    """Fold full-width ASCII variants (０-９, Ａ-ｚ, ．，：－ …) to ASCII and U+3000 to a space.

    Chinese punctuation that has no ASCII twin (、。《》) is left alone.
    Non-string input is converted with ``str``; None gives ``''``.
    """
    text = _as_text(s)
    if not text:
        return ""
    return text.translate(_HALFWIDTH)


# Any character clean_text() would remove or change: whitespace as str.split() sees it (re's \s
# is the same Py_UNICODE_ISSPACE class) and the invisible characters.
_UNCLEAN = re.compile("[\\s" + "".join(map(chr, _INVISIBLE)) + "]")


def clean_text(v: object) -> str | None:
    """Strip, drop zero-width characters, collapse internal whitespace; None when empty.

    Integral floats (how Excel hands over whole numbers) lose their ``.0``.
    Full-width punctuation inside Chinese text is kept as typed.
    """
    if type(v) is str:  # the usual case, straight to the cleaning
        if _UNCLEAN.search(v) is None:  # most cells: nothing to clean (one regex scan, no copies)
            return v or None
        return " ".join(v.translate(_INVISIBLE).split()) or None
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        v = int(v)
    text = _as_text(v)
    if text is None:
        return None
    text = " ".join(text.translate(_INVISIBLE).split())
    return text or None


# ---------------------------------------------------------------- dates

_EXCEL_EPOCH = _dt.date(1899, 12, 30)  # serial 61 -> 1900-03-01 (Lotus leap-year bug)
_MAX_SERIAL = 2958465  # 9999-12-31
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_YMD = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
_MD = re.compile(r"(\d{1,2})(?:月(\d{1,2})[日号]?|[-/.](\d{1,2}))")
_YY_MD = re.compile(r"(\d{2})年(\d{1,2})月(\d{1,2})[日号]?")


def _safe_date(y: int, m: int, d: int) -> _dt.date | None:
    try:
        return _dt.date(y, m, d)
    except (ValueError, OverflowError):
        return None


def _from_serial(x: float) -> _dt.date | None:
    day = math.floor(x)
    if day < 1 or day > _MAX_SERIAL or day == 60:  # 60 is the fictitious 1900-02-29
        return None
    if day < 60:
        return _dt.date(1899, 12, 31) + _dt.timedelta(days=day)
    return _EXCEL_EPOCH + _dt.timedelta(days=day)


# ---------------------------------------------------------------- Chinese numerals

_CN_VALUE = dict(_CN_DIGITS, 两=2)
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10 ** 4, "亿": 10 ** 8}
_CN_ZEROS = "〇零○"
_CN_NUMERAL = "〇零○一二两三四五六七八九十百千万亿"
_CN_PLAIN = "〇零○一二三四五六七八九"     # digits read one by one: 二〇二二, 一二〇
_NO_UNIT = 10 ** 12


def cn_number(text: object) -> int | None:
    """A Chinese integer: '十六' -> 16, '一百二十' -> 120, '一千零五' -> 1005, '两万三千' -> 23000,
    '二〇二二' -> 2022 (digits one by one), '两百五' -> 250 (a unit left out after the last
    digit is one below the unit before it). Anything else ('二十百', '一百零', mixed text, '')
    -> None. Total: never raises."""
    s = _as_text(text)
    if not s or any(c not in _CN_NUMERAL for c in s):
        return None
    if all(c in _CN_PLAIN for c in s):
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total = section = 0
    digit: int | None = None
    last_small = last_big = _NO_UNIT   # units fall within a section; sections go 亿 then 万
    zero = False
    for c in s:
        if c in _CN_ZEROS:
            if digit is not None:       # '二零' without a unit
                return None
            zero = True
        elif c in _CN_VALUE:
            if digit is not None:       # two digits in a row ('二二十')
                return None
            digit = _CN_VALUE[c]
        elif c in _CN_SMALL:
            unit = _CN_SMALL[c]
            if unit >= last_small:
                return None
            if digit is None:
                if unit != 10 or zero:  # only 十 may stand without a digit ('十六', '一百十')
                    return None
                digit = 1
            section += digit * unit
            digit, last_small, zero = None, unit, False
        else:                           # 万 / 亿
            unit = _CN_BIG[c]
            if unit >= last_big:
                return None
            if digit is not None:
                section += digit
                digit = None
            if section == 0:
                return None
            total += section * unit
            section, last_small, last_big, zero = 0, _NO_UNIT, unit, False
    if digit is not None:
        if zero or last_small in (_NO_UNIT, 10):
            section += digit
        else:                           # '两百五' = 250, '三千二' = 3200
            section += digit * (last_small // 10)
    elif zero:                          # a trailing 零 ('一百零')
        return None
    return total + section


# a number written in Chinese numerals, with an optional unit after it
_CN_NUMBER_CELL = re.compile(f"([+-]|负)?([{_CN_NUMERAL}]+)(?:点([{_CN_PLAIN}]+))?(.*)")
# what may follow a number written in Chinese ('十六毫米', '三点五MPa'); other text ('一般') is no number
_CN_UNIT_TAIL = re.compile(r"(?:毫米|厘米|米|平方毫米|平方米|平方|兆帕|欧姆每千米|欧姆/千米|元|万元|个|组|次|人次|人|"
                           r"天|日|场|份|家|处|项|条|秒|分钟|小时|千克|公斤|吨|根|块|层|栋|幢|户|间|套|期|"
                           r"[A-Za-z%Ω²³/·°℃μµ]+)?")


def _cn_number_text(text: str) -> str:
    """'三点五' -> '3.5', '十六毫米' -> '16毫米', '负三' -> '-3'; any other text unchanged."""
    m = _CN_NUMBER_CELL.fullmatch(text)
    if m is None or _CN_UNIT_TAIL.fullmatch(m.group(4)) is None:
        return text
    whole = cn_number(m.group(2))
    if whole is None:
        return text
    sign = "-" if m.group(1) in ("-", "负") else ""
    frac = "." + "".join(str(_CN_DIGITS[c]) for c in m.group(3)) if m.group(3) else ""
    return f"{sign}{whole}{frac}{m.group(4)}"


# a run of Chinese numerals before 年/月/日/号 in a date
_CN_DATE_PART = re.compile(f"([{_CN_NUMERAL}]+)(?=[年月日号])")


def _cn_date_to_digits(s: str) -> str:
    """'二〇二二年九月十五日' -> '2022年9月15日', '九月十五号' -> '9月15号' (a part that does not
    convert is left as typed, so the date is then not recognised)."""
    def part(m: re.Match) -> str:
        n = cn_number(m.group(1))
        return m.group(1) if n is None else str(n)
    return _CN_DATE_PART.sub(part, s) if any(c in _CN_NUMERAL for c in s) else s


def parse_date(v: object, default_year: int | None = None) -> _dt.date | None:
    """Read a date from a cell value.

    Accepts ``date``/``datetime`` objects; Excel serials (int/float, 1900 system:
    44819 -> 2022-09-15, the fraction is time of day); 8-digit numbers as
    YYYYMMDD; strings '2022-09-15', '2022/9/15', '2022.9.15', '2022年9月15日',
    '22年9月15日' (20YY), full-width and Chinese-numeral forms ('二〇二二年九月十五日'),
    '20220915', a 5-digit serial stored as text, and month-day forms ('9月15日', '9月15号',
    '九月十五日', '9/15') when *default_year* is given.
    A trailing time ('2022-09-15 00:00:00') is ignored. Impossible dates -> None.
    """
    if type(v) is _dt.date:  # already a date (how calamine reads a date cell)
        return v
    if isinstance(v, _dt.date):
        try:  # pandas.NaT is a datetime whose .date() is not a date
            d = v.date() if isinstance(v, _dt.datetime) else v
        except Exception:
            return None
        return d if isinstance(d, _dt.date) and not isinstance(d, _dt.datetime) else None
    x = _real(v)
    if x is not None:
        if x.is_integer() and 10000101 <= x <= 99991231:
            n = int(x)
            return _safe_date(n // 10000, n // 100 % 100, n % 100)
        return _from_serial(x)
    text = to_halfwidth(_as_text(v) or "").translate(_INVISIBLE).strip()
    text = _TIME_TAIL.sub("", text)
    text = re.sub(r"\s+", "", text)
    if not text:
        return None
    text = _cn_date_to_digits(text)
    if re.fullmatch(r"\d{8}", text):
        return _safe_date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _from_serial(float(text))
    m = _YMD.fullmatch(text)
    if m:
        return _safe_date(*(int(g) for g in m.groups()))
    m = _YY_MD.fullmatch(text)
    if m:  # '22年9月15日': a two-digit year is 20YY
        return _safe_date(2000 + int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _MD.fullmatch(text)
    if m and isinstance(default_year, int) and not isinstance(default_year, bool):
        day = m.group(2) or m.group(3)
        return _safe_date(default_year, int(m.group(1)), int(day))
    return None


# ---------------------------------------------------------------- numbers

# A sign counts only at the start or after a character that is not part of a
# token, so 'BV-2.5' is 2.5 while '偏差-5' is -5 and '400-500' is two numbers.
_NUMBER = re.compile(r"(?:(?<![0-9A-Za-z.])[+-])?(?:\d+(?:\.\d+)?|\.\d+)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_UNIT_EXPONENT = re.compile(r"(?<=[mM])[23](?![0-9])|[²³]")
# Text that is nothing but one number in ASCII ('402', '-1.7', '+8'): no clean-up needed.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def _number_text(v: object) -> str:
    text = to_halfwidth(_as_text(v) or "").translate(_INVISIBLE).translate(_MINUS)
    text = re.sub(r"(?<=\d)。(?=\d)", ".", text)  # '398。5' typed with a Chinese IME
    return _UNIT_EXPONENT.sub("", text)


def parse_number(v: object, *, chinese: bool = True) -> float | None:
    """One number from a cell: '400MPa', '4 00', '３９８', '1,234.5', '−5', '+8',
    '12.5%' (-> 12.5), '7.41Ω/km', '16mm', '2.5mm²', and numbers in Chinese numerals:
    '一百二十', '十六毫米', '三点五', '负三' (a unit may follow; other text such as '一般' is not a number).
    ``chinese=False`` reads as before Chinese numerals were understood ('八十' is no number), for
    a cell whose workbook formulas must agree with Python (a spreadsheet does not read '八十' as 80).

    Returns None for bools, NaN/inf, text without a number, or text holding two
    different numbers ('400-500', '2022-09-15'). Repeated equal numbers are fine.
    Whitespace is removed first, so '4 00' is 400 (use :func:`parse_numbers`
    for lists).
    """
    if type(v) is float:  # already a number (how calamine reads a number cell)
        return v if math.isfinite(v) else None
    if type(v) is str:
        return _parse_number_str(v) if chinese else _parse_number_any(v, False)
    if v is None:  # an empty cell (the judge asks for spec and design on every row)
        return None
    x = _real(v)
    if x is not None or isinstance(v, (bool, numbers.Number)):
        return x
    return _parse_number_any(v, chinese)


@per_return_cache(maxsize=8192)
def _parse_number_str(text: str) -> float | None:
    """Cached: the validator and the judge both parse the spec and design cells."""
    return _parse_number_any(text)


def _parse_number_any(v: object, chinese: bool = True) -> float | None:
    if type(v) is str and _PLAIN_NUMBER.fullmatch(v):
        found = {float(v)}
    else:
        text = re.sub(r"\s+", "", _number_text(v))
        if chinese and any(c in _CN_NUMERAL for c in text):
            text = _cn_number_text(text)
        text = _THOUSANDS.sub("", text)
        found = {float(tok) for tok in _NUMBER.findall(text)}
    found = {f for f in found if math.isfinite(f)}
    if len(found) != 1:
        return None
    value = found.pop()
    return 0.0 if value == 0 else value  # no '-0.0'


_LIST_SEP = re.compile(r"[,，、;；/／\s]+")
_UNIT_ONLY = re.compile("[A-Za-z\u03a9\u2126\u03bc\u00b5%\u2030\u00b0\u2103\u00b7]+")


def parse_numbers(v: object) -> list[float] | None:
    """Measured values in one cell: '402, 398、415' -> [402.0, 398.0, 415.0].

    Separators: , ， 、 ; ； / and any whitespace or newline. A single number
    gives a one-element list; a list/tuple of cells is flattened. Tokens that are
    only a unit ('MPa', 'mm', '%') are ignored; any other token that is not a
    number makes the whole result None, as does an empty cell. Inside a list
    (an Excel range), empty cells are skipped.
    """
    if type(v) is str:  # a cell's text: straight to the (cached) reading, as below
        cached = _parse_number_text(v)
        return None if cached is None else list(cached)
    if isinstance(v, (list, tuple)):
        out: list[float] = []
        for item in v:
            if item is None or (isinstance(item, str) and not item.strip()):
                continue
            part = parse_numbers(item)
            if part is None:
                return None
            out.extend(part)
        return out or None
    x = _real(v)
    if x is not None or isinstance(v, (bool, numbers.Number)):
        return None if x is None else [x]
    if isinstance(v, str):
        cached = _parse_number_text(v)
        return None if cached is None else list(cached)
    return _parse_number_tokens(v)


@per_return_cache(maxsize=8192)
def _parse_number_text(text: str) -> tuple[float, ...] | None:
    """Cached: the validator and the judge both parse the same measured-values cell."""
    if _PLAIN_LIST.fullmatch(text) is not None:
        found = _plain_list(text)
        if found is not None:
            return found
    found = _parse_number_tokens(text)
    return None if found is None else tuple(found)


# Plain ASCII numbers between separators ('402、398，415'): the usual measured-values cell.
# _number_text() changes nothing in such text that matters (full-width separators and U+3000
# become other separators), and every token is a _PLAIN_NUMBER, read by float() alone.
_SEP = r"[,，、;；/／\s]"
_PLAIN_LIST = re.compile(rf"{_SEP}*[+-]?[0-9]+(?:\.[0-9]+)?(?:{_SEP}+[+-]?[0-9]+(?:\.[0-9]+)?)*{_SEP}*")


def _plain_list(text: str) -> tuple[float, ...] | None:
    """_parse_number_tokens() of a _PLAIN_LIST text, without its per-token work; None to let it decide
    (a number too long to be finite)."""
    found = [float(token) for token in _LIST_SEP.split(text) if token]
    for x in found:
        if not math.isfinite(x):
            return None
    return tuple([0.0 if x == 0 else x for x in found])  # no '-0.0', as parse_number


def _parse_number_tokens(v: object) -> list[float] | None:
    out = []
    for token in _LIST_SEP.split(_number_text(v)):
        if not token or _UNIT_ONLY.fullmatch(token):
            continue
        value = parse_number(token)
        if value is None:
            return None
        out.append(value)
    return out or None


# ---------------------------------------------------------------- verdicts

_PASS_WORDS = {"合格", "符合", "符合要求", "符合设计要求", "符合规范要求", "符合标准",
               "满足", "满足要求", "满足设计要求", "满足规范要求", "通过", "达标",
               "ok", "√", "✓", "✔", "pass", "passed", "qualified"}
_FAIL_WORDS = {"×", "✗", "✘", "x", "fail", "failed", "ng", "未通过", "不达标",
               "unqualified"}


def _key(v: object) -> str:
    text = to_halfwidth(_as_text(v) or "").translate(_INVISIBLE)
    return re.sub(r"\s+", "", text).strip("。.!！").lower()


def parse_verdict(v: object) -> str | None:
    """'合格'/'符合(设计)要求'/'满足'/'通过'/'OK'/'√'/'pass' -> '合格';
    '不合格'/'不符合…'/'不满足…'/'不通过'/'×'/'fail'/'NG' -> '不合格'; anything else None
    (including '需复检', which is not a verdict)."""
    key = _key(v)
    if not key:
        return None
    if key in _PASS_WORDS:
        return PASS
    if key in _FAIL_WORDS or (key.startswith("不") and key[1:] in _PASS_WORDS):
        return FAIL
    return None


_YES = {"是", "有", "已", "对", "y", "yes", "true", "t", "√", "✓", "✔", "1", "是的"}
_NO = {"否", "无", "没有", "未", "不", "n", "no", "false", "f", "×", "✗", "✘", "x", "0",
       "不是"}


def parse_yes_no(v: object) -> bool | None:
    """Yes/no cells.

    True: 是, 有, 已, 对, Y, yes, true, √, 1 and text starting with 已 ('已下发').
    False: 否, 无, 没有, 未, 不, N, no, false, ×, 0 and text starting with 未/无/没
    ('未整改', '无'). Numbers: 1 -> True, 0 -> False. bools pass through.
    Anything else (including '待定', '') -> None.
    """
    if isinstance(v, bool):
        return v
    x = _real(v)
    if x is not None:
        return {1.0: True, 0.0: False}.get(x)
    key = _key(v)
    if not key:
        return None
    if key in _YES:
        return True
    if key in _NO:
        return False
    if key[0] == "已":
        return True
    if key[0] in "未无没":
        return False
    return None
