"""Reading the consolidated frames the way documents need them: tolerant of missing sheets,
missing columns, NaN, booleans or 是/否, dates as date/Timestamp/text, lists or text."""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Iterable

import pandas as pd

from addin.campaign.rewards import VERIFIED  # noqa: F401  (one vocabulary, the reward rule's)
from addin.infra.celltext import xml_safe

YES = {"是", "y", "yes", "true", "1", "√", "✓"}
PASS, FAIL, RECHECK = "合格", "不合格", "需复检"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def frame(c, key: str, columns: Iterable[str] = ()) -> pd.DataFrame:
    """The activity frame ``key`` (empty if absent), with any missing ``columns`` added as None."""
    df = (c.frames or {}).get(key)
    df = pd.DataFrame() if df is None else df
    missing = [col for col in columns if col not in df.columns]
    if missing:
        df = df.copy()
        for col in missing:
            df[col] = None
    return df


def is_missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def text(v: Any) -> str:
    if is_missing(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (list, tuple)):
        return "、".join(text(x) for x in v)
    return str(v).strip()


def num(v: Any, default: float = 0.0) -> float:
    if is_missing(v) or isinstance(v, bool):
        return default
    try:
        x = float(v)
    except (TypeError, ValueError):
        try:
            x = float(str(v).replace(",", "").replace("，", "").strip().rstrip("%"))
        except ValueError:
            return default
    return default if math.isnan(x) else x


def is_yes(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if is_missing(v):
        return False
    if isinstance(v, (int, float)):
        return bool(v)
    return str(v).strip().lower() in YES


def as_date(v: Any) -> dt.date | None:
    if is_missing(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        from addin.core.normalize import parse_date

        return parse_date(v)
    except Exception:
        return None


def count_yes(df: pd.DataFrame, col: str) -> int:
    return int(sum(is_yes(v) for v in df[col])) if col in df.columns else 0


def total(df: pd.DataFrame, col: str) -> float:
    return float(sum(num(v) for v in df[col])) if col in df.columns else 0.0


def fmt_int(x: Any) -> str:
    """A count: 1234 (no separators, as official texts write them)."""
    return str(int(round(num(x))))


def fmt_money(x: Any) -> str:
    return f"{num(x):.2f}"


def fmt_pct(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x * 100:.{digits}f}%"


def fmt_number(x: Any) -> str:
    """A measured value: 402, 7.5, 0.25 (no trailing zeros)."""
    if isinstance(x, (list, tuple)):
        return "、".join(fmt_number(v) for v in x)
    if isinstance(x, str):
        return x.strip()
    v = num(x, default=float("nan"))
    if math.isnan(v):
        return ""
    return str(int(v)) if v.is_integer() else f"{v:.3f}".rstrip("0").rstrip(".")


def rate(passed: float, failed: float) -> float:
    judged = passed + failed
    return passed / judged if judged else float("nan")


_PLACEHOLDER_CLAUSE = re.compile(r"(\d+(?:\.\d+)*)\.[xX]\b|[xX]）|[（(]\s*[xX]\s*[)）]")


def clean_basis(basis: Any) -> str:
    """A 判定依据 fit to print: a clause the rule catalog has not confirmed (written with a
    placeholder such as "7.0.x") is never printed as if it were one; the standard is kept and the
    clause marked 需人工判定."""
    b = text(basis)
    if not b or not _PLACEHOLDER_CLAUSE.search(b):
        return b
    head = _PLACEHOLDER_CLAUSE.split(b, maxsplit=1)[0].rstrip(" ，、；（(")
    return f"{head}（具体条文未经确认，需人工判定）"


def join_names(names: Iterable[str], sep: str = "、") -> str:
    return sep.join(n for n in names if n)


def safe_filename(name: str, max_len: int = 120) -> str:
    """A file name valid on Windows: no / \\ : * ? " < > | or control characters, no trailing
    dot or space, not a reserved device name, at most ``max_len`` characters (stem)."""
    s = xml_safe(_UNSAFE.sub("_", name or "")).strip().rstrip(". ")   # xml_safe: no lone surrogates
    s = re.sub(r"_+", "_", s)
    if s.split(".")[0].upper() in _RESERVED:
        s = "_" + s
    return s[:max_len].rstrip(". ") or "文件"


def city_rank(c) -> dict[str, int]:
    """City name -> position in the campaign (GB/T 2260 order)."""
    return {city.name: i for i, city in enumerate(c.campaign.cities)}


def sort_by_city(df: pd.DataFrame, c, *more: str) -> pd.DataFrame:
    if df.empty:
        return df
    order = city_rank(c)
    key = df["city_code"].map(text) if "city_code" in df.columns else df["city"].map(lambda x: f"{order.get(x, 99):02d}")
    out = df.assign(_k=key)
    by = ["_k", *[m for m in more if m in df.columns]]
    out = out.sort_values(by, kind="stable", key=lambda s: s.map(text) if s.name != "_k" else s)
    return out.drop(columns="_k")


def for_publication(c, *, keep_names: bool = False):
    """``c`` as the published documents may see it: every text cell of every frame (activity
    sheets, statistics, 基本信息, non-conforming items, batch trace) passed through the one
    scrubber, addin.core.privacy.scrub_published (issue 17 class 8: personal data is typed into
    fields nobody expects it in — a phone in 监理单位, an ID in 问题描述). Numbers, dates and
    booleans are left as they are; ``c`` itself is not changed. Fields that are a person's name
    by declaration (投诉人) are masked further by their own masker where they are printed.

    ``keep_names``: for a document served on the parties it names (整改通知书): a notice to a
    self-builder must name him, so names are kept and only phone and ID numbers are masked."""
    import dataclasses

    from addin.core.privacy import scrub_published

    def clean(df):
        if df is None or not isinstance(df, pd.DataFrame) or df.empty:
            return df
        out = df.copy()
        for col in out.columns:
            if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
                out[col] = out[col].map(lambda v: scrub_published(v, public_name=keep_names)
                                        if isinstance(v, str) else v)
        return out

    mode = "numbers" if keep_names else "all"
    if getattr(c, "_published", None) in (mode, "all"):
        return c
    frames = {k: clean(v) for k, v in (c.frames or {}).items()}
    extra = {name: clean(getattr(c, name)) for name in ("stats", "info", "nonconforming", "batch_trace")
             if hasattr(c, name)}
    out = dataclasses.replace(c, frames=frames, **extra)
    object.__setattr__(out, "_published", mode)
    return out
