"""跟踪督导: where each non-conforming spot-check item stands in its rectification loop, as of a date.

The notice asks cities to issue rectification notices "并加强跟踪督导检查" and to make the sites
that used a failed batch check themselves (五). A city records the loop on its 监督抽测 rows
(通知下发日期, 整改期限, 回执日期, 整改回复日期, 复查日期, 复查结论, 立案查处, 立案编号) and the
self-checks on 同批次自查; the province needs one state per item, computed the same way for every
city. :func:`track_state` is that rule, a pure function of one item's dates and an as-of date, so
the boundaries (the deadline day, the day after) can be tested by hand; :func:`plan_tracking`
applies it to the consolidated campaign.

Which items: the consolidation's 不合格清单, i.e. the computed judgment, not the one typed.
Events dated after the as-of date have not happened yet, so the same returns give the state as it
was on any earlier day.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Iterable

import pandas as pd

from addin.campaign.settings import Campaign
from addin.consolidate.model import CityStatus, Consolidated
from addin.core.normalize import parse_yes_no, to_halfwidth


class TrackState(StrEnum):
    """The states of one non-conforming item, in the order the loop runs."""
    NOT_ISSUED = "未下发"
    OPEN = "已下发未到期"
    OVERDUE = "逾期未整改"
    AWAITING_REVIEW = "已整改待复查"
    CLOSED = "复查合格"
    REVIEW_FAILED = "复查不合格"
    CASE_FILED = "已立案"


STATES = tuple(TrackState)
# states that need the province's pressure (督办通知), and the days-overdue figure
NEEDS_ACTION = (TrackState.OVERDUE, TrackState.REVIEW_FAILED)
# 整改状态 (typed, schema 1.0) that say more than the dates do, when the dates are missing
_TYPED_RECTIFIED = ("已整改",)
_TYPED_REVIEWED = ("已复查合格",)

REVIEW_PASS, REVIEW_FAIL, REVIEW_NONE = "合格", "不合格", "未复查"
SELFCHECK_NONE = "未自查"


@dataclass(frozen=True)
class FollowUp:
    """One item's follow-up as the city recorded it (dates already parsed; None = not filled)."""
    notice_no: str = ""
    notice_date: dt.date | None = None
    deadline: dt.date | None = None
    receipt_date: dt.date | None = None
    reply_date: dt.date | None = None
    review_date: dt.date | None = None
    review_result: str = ""
    case_filed: bool = False
    case_no: str = ""
    status: str = ""              # the typed 整改状态 (未整改/整改中/已整改/已复查合格)


@dataclass(frozen=True)
class Tracked:
    state: TrackState
    days_overdue: int | None      # days past the deadline as of the date, for items still open past it
    note: str = ""                # what the state rests on when the record is incomplete
    review_due: dt.date | None = None   # by when the review is due (已整改待复查)


def _before(day: dt.date | None, as_of: dt.date) -> bool:
    """The event happened by ``as_of`` (an undated event is taken as having happened)."""
    return day is None or day <= as_of


def track_state(f: FollowUp, as_of: dt.date, review_days: int = 7) -> Tracked:
    """The state of one non-conforming item on ``as_of``.

    In order: no notice (number or date), or issued after ``as_of`` → 未下发; reviewed 合格 →
    复查合格 (closed, even if a case was filed: the rectification loop is done); a case filed →
    已立案 (enforcement has taken over); reviewed 不合格 → 复查不合格; a written reply received →
    已整改待复查; on or before the deadline → 已下发未到期 (the deadline day itself is not overdue);
    after it → 逾期未整改, with the days past the deadline. Events dated after ``as_of`` are ignored.
    The typed 整改状态 stands in for a missing date (已整改 → replied, 已复查合格 → reviewed 合格),
    and says so in the note.
    """
    if not f.notice_no or f.notice_date is None or f.notice_date > as_of:
        why = ("未填写整改通知书编号" if not f.notice_no else "未填写通知下发日期" if f.notice_date is None
               else f"通知下发日期 {f.notice_date:%Y-%m-%d} 晚于统计日期")
        return Tracked(TrackState.NOT_ISSUED, None, why)
    reviewed = f.review_result in (REVIEW_PASS, REVIEW_FAIL) and _before(f.review_date, as_of)
    typed_closed = not reviewed and f.status in _TYPED_REVIEWED and not f.review_result
    if (reviewed and f.review_result == REVIEW_PASS) or typed_closed:
        note = "按“整改状态”为已复查合格（未填复查日期和结论）" if typed_closed else (
            "" if f.review_date else "未填复查日期")
        return Tracked(TrackState.CLOSED, None, note)
    overdue = (as_of - f.deadline).days if f.deadline is not None and as_of > f.deadline else None
    if f.case_filed:
        return Tracked(TrackState.CASE_FILED, None, "" if f.case_no else "已立案但未填立案编号")
    if reviewed:                                   # 不合格
        return Tracked(TrackState.REVIEW_FAILED, overdue, "" if f.review_date else "未填复查日期")
    replied = f.reply_date is not None and f.reply_date <= as_of
    typed_replied = f.reply_date is None and f.status in _TYPED_RECTIFIED
    if replied or typed_replied:
        due = f.reply_date + dt.timedelta(days=review_days) if f.reply_date else None
        note = "按“整改状态”为已整改（未填整改回复日期）" if typed_replied else (
            f"复查已超过 {review_days} 天期限" if due and as_of > due else "")
        return Tracked(TrackState.AWAITING_REVIEW, None, note, due)
    if f.deadline is None:
        return Tracked(TrackState.OPEN, None, "未填写整改期限，无法判断是否逾期")
    if overdue is None:
        return Tracked(TrackState.OPEN, None)
    return Tracked(TrackState.OVERDUE, overdue)


# -- applied to the consolidated campaign --------------------------------------------------------
def as_day(value: Any) -> dt.date | None:
    """A cell value as a date (the 汇总 reader gives datetimes), None when empty or not a date."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _text(value: Any) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def batch_key(manufacturer: Any, batch: Any) -> str:
    """Maker and batch as compared across cities (half-width, no spaces, upper case); "" without a batch."""
    m, b = ("".join(to_halfwidth(_text(x)).split()).upper() for x in (manufacturer, batch))
    return f"{m}|{b}" if b else ""


def _notice_key(city_code: Any, notice_no: Any) -> tuple[str, str]:
    return _text(city_code), "".join(to_halfwidth(_text(notice_no)).split())


def follow_up(row: dict[str, Any]) -> FollowUp:
    """The FollowUp of a spot-check row (contract keys)."""
    return FollowUp(
        notice_no=_text(row.get("notice_no")), notice_date=as_day(row.get("notice_date")),
        deadline=as_day(row.get("deadline")), receipt_date=as_day(row.get("receipt_date")),
        reply_date=as_day(row.get("reply_date")), review_date=as_day(row.get("review_date")),
        review_result=_text(row.get("review_result")), case_filed=parse_yes_no(row.get("case_filed")) is True,
        case_no=_text(row.get("case_no")), status=_text(row.get("status")),
    )


@dataclass
class Site:
    """A site that used a non-conforming batch, and its self-check (a 同批次自查 row)."""
    city: str
    city_code: str
    notice_no: str
    manufacturer: str
    batch: str
    project: str
    contractor: str
    selfcheck_date: dt.date | None
    result: str                  # the 自查结果 as typed ("" when not filled)
    done: bool                   # self-checked by the as-of date
    source_file: str = ""
    source_row: Any = None
    items: list[int] = field(default_factory=list)    # indexes of the tracked items it belongs to

    @property
    def state(self) -> str:
        return "已自查" if self.done else SELFCHECK_NONE


@dataclass
class TrackedItem:
    row: dict[str, Any]          # the 不合格清单 row (contract keys + provenance + judgment)
    follow: FollowUp
    tracked: Tracked
    sites: list[Site] = field(default_factory=list)

    @property
    def city(self) -> str:
        return _text(self.row.get("city"))

    @property
    def state(self) -> TrackState:
        return self.tracked.state

    @property
    def sites_done(self) -> int:
        return sum(1 for s in self.sites if s.done)


@dataclass
class CityTracking:
    city: str
    city_code: str
    status: str                  # 报送情况 of the city
    counts: dict[str, int]       # state -> items
    items: int
    sites: int
    sites_pending: int

    @property
    def overdue_share(self) -> float | None:
        """逾期未整改 ÷ 不合格项 (None when the city has no item)."""
        return self.counts.get(TrackState.OVERDUE, 0) / self.items if self.items else None


@dataclass
class Tracking:
    campaign: Campaign
    as_of: dt.date
    items: list[TrackedItem]
    sites: list[Site]
    cities: list[CityTracking]

    def counts(self) -> dict[str, int]:
        c = Counter(i.state.value for i in self.items)
        return {s.value: c.get(s.value, 0) for s in STATES}

    def for_city(self, city: str) -> list[TrackedItem]:
        return [i for i in self.items if i.city == city]

    def needing_supervision(self, city: str) -> list[TrackedItem]:
        """The items a 督办通知 names: overdue, failed review, or rectified and not reviewed in time."""
        return [i for i in self.for_city(city) if i.state in NEEDS_ACTION or (
            i.state == TrackState.AWAITING_REVIEW and i.tracked.review_due is not None and self.as_of > i.tracked.review_due)]


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    if frame is None or len(frame) == 0:
        return []
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _sites(frame: pd.DataFrame | None, as_of: dt.date) -> list[Site]:
    out = []
    for r in _records(frame):
        day = as_day(r.get("selfcheck_date"))
        result = _text(r.get("selfcheck_result"))
        done = bool(result) and result != SELFCHECK_NONE and _before(day, as_of)
        out.append(Site(_text(r.get("city")), _text(r.get("city_code")), _text(r.get("notice_no")),
                        _text(r.get("manufacturer")), _text(r.get("batch")), _text(r.get("project")),
                        _text(r.get("contractor")), day, result, done, _text(r.get("source_file")), r.get("source_row")))
    return out


def plan_tracking(c: Consolidated, as_of: dt.date, *, review_days: int | None = None) -> Tracking:
    """Every non-conforming item of ``c`` with its state on ``as_of``, its same-batch sites, and one
    summary per campaign city."""
    rules = c.campaign.tracking_rules
    days = review_days if review_days is not None else rules.review_days
    sites = _sites(c.frames["batchcheck"] if "batchcheck" in _keys(c.frames) else None, as_of)
    by_notice: dict[tuple[str, str], list[Site]] = {}
    by_batch: dict[str, list[Site]] = {}
    for s in sites:
        if s.notice_no:
            by_notice.setdefault(_notice_key(s.city_code, s.notice_no), []).append(s)
        key = batch_key(s.manufacturer, s.batch)
        if key:
            by_batch.setdefault(key, []).append(s)
    items = []
    rows = _records(c.nonconforming)
    order = {city.code: i for i, city in enumerate(c.campaign.cities)}
    rows.sort(key=lambda r: (order.get(_text(r.get("city_code")), len(order)), _text(r.get("source_file")),
                             as_day(r.get("notice_date")) or dt.date.max, r.get("source_row") or 0))
    for n, row in enumerate(rows):
        f = follow_up(row)
        item = TrackedItem(row, f, track_state(f, as_of, days))
        mine: list[Site] = []
        if f.notice_no:
            mine += by_notice.get(_notice_key(row.get("city_code"), f.notice_no), [])
        key = batch_key(row.get("manufacturer"), row.get("batch"))
        seen = {id(s) for s in mine}
        mine += [s for s in by_batch.get(key, []) if id(s) not in seen] if key else []
        for s in mine:
            s.items.append(n)
        item.sites = mine
        items.append(item)
    status = {}
    if c.stats is not None and len(c.stats):
        status = {_text(k): _text(v) for k, v in zip(c.stats["city_code"], c.stats["status"])}
    cities = []
    for city in c.campaign.cities:
        mine_items = [i for i in items if _text(i.row.get("city_code")) == city.code]
        counts = Counter(i.state.value for i in mine_items)
        mine_sites = {id(s): s for i in mine_items for s in i.sites}
        cities.append(CityTracking(
            city.name, city.code, status.get(city.code, CityStatus.MISSING),
            {s.value: counts.get(s.value, 0) for s in STATES}, len(mine_items),
            len(mine_sites), sum(1 for s in mine_sites.values() if not s.done)))
    return Tracking(c.campaign, as_of, items, sites, cities)


def _keys(frames: Any) -> Iterable[str]:
    try:
        return list(frames)
    except TypeError:
        return []
