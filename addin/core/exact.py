"""Exact decimal arithmetic for scores and settings: a number is taken at the decimal value it was
typed as (``87.3`` is 873/10, not the nearest binary float) and kept as a Fraction, so equal
totals are truly equal and rounding happens once, half-up, at the end."""
from __future__ import annotations

import math
import numbers
from decimal import Decimal
from fractions import Fraction
from typing import Any


def exact(v: Any) -> Fraction:
    """The decimal value a number was typed as, exactly. Raises TypeError/ValueError."""
    if isinstance(v, bool):
        raise TypeError("bool is not a score")
    if isinstance(v, Fraction):
        return v
    if isinstance(v, int):
        return Fraction(v)
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise ValueError("not finite")
        return Fraction(v)
    if isinstance(v, numbers.Real):
        x = float(v)
        if not math.isfinite(x):
            raise ValueError("not finite")
        return Fraction(Decimal(repr(x)))
    raise TypeError(f"not a number: {v!r}")


def round_half_up(x: Any, places: int = 2) -> Decimal:
    """``x`` rounded half away from zero to ``places`` decimals (84.995 -> 85.00), exactly."""
    q = exact(x) * 10 ** places
    n = math.floor(abs(q) + Fraction(1, 2))
    return Decimal(-n if q < 0 else n).scaleb(-places)


def short(x: Fraction | float, places: int = 4) -> str:
    """A short decimal for messages: at most ``places`` decimals, no trailing zeros."""
    d = round_half_up(x, places).normalize()
    return f"{d:f}"


def percent(x: Fraction) -> str:
    return short(x * 100, 2) + "%"
