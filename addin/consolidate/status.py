"""The consolidation's two vocabularies, each defined once: what was done with a returned file,
and whether a campaign city returned. StrEnum values are the Chinese words written into
汇总.xlsx, so a value read back from the workbook compares equal to its member."""
from __future__ import annotations

from enum import StrEnum


class SubmissionStatus(StrEnum):
    """What consolidation did with one returned file (the 来源 sheet's 处理 column)."""
    USED = "采用"
    DUPLICATE = "重复（未采用）"        # an older return of a city that returned again
    UNREADABLE = "无法读取"
    IDENTITY_CONFLICT = "身份冲突（未采用）"   # its hidden city and its 基本信息 disagree: a person decides


class CityStatus(StrEnum):
    """Whether a campaign city returned (the 概况 sheet's 报送情况 column)."""
    SUBMITTED = "已报送"
    LATE = "逾期报送"
    MISSING = "未报送"
