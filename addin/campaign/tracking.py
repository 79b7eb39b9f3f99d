"""The follow-up rules of the rectification loop (跟踪督导) and of chasing returns (催报), typed once.

The notice asks cities to issue rectification notices "并加强跟踪督导检查" and to report by the
deadline (三(四)). How many days a city has to review a rectified item, and to answer the
province's 督办通知, are the province's practice, not the notice's: they are settings, and their
defaults live here only (the dataclass fields).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from addin.core.errors import SettingsError


@dataclass(frozen=True)
class TrackingRules:
    review_days: int = 7          # after the written reply, the city reviews within this many days
    supervise_days: int = 10      # a 督办通知 asks for the city's answer within this many days of its date
    remind_days: int = 3          # a 催报通知 asks for the return (or its correction) within this many days


def tracking_rules(table: Mapping[str, Any] | TrackingRules) -> TrackingRules:
    """The ``[tracking]`` table of a campaign, checked; SettingsError (Chinese) when unusable."""
    if isinstance(table, TrackingRules):
        return table
    base = TrackingRules()
    out = {}
    for key in ("review_days", "supervise_days", "remind_days"):
        value = table.get(key, getattr(base, key))
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 365:
            raise SettingsError(f"活动设置 [tracking]：{key} 应为 1～365 的整数（天），实为“{value}”")
        out[key] = value
    unknown = sorted(set(table) - set(out))
    if unknown:
        raise SettingsError(f"活动设置 [tracking]：不认识的设置项 {'、'.join(unknown)}")
    return TrackingRules(**out)
