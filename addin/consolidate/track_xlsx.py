"""跟踪督导.xlsx: the tracking of every non-conforming item, for the province to follow up.

Sheets: 各市汇总 (one row per campaign city: items by state, overdue share, same-batch sites not
self-checked; a total row; a stacked chart of the states), 跟踪明细 (one row per item: its notice,
dates, state, days overdue, same-batch sites), 同批次自查 (one row per same-batch site) and 说明
(as-of date, source, what each state means). Conditional formats colour the states and the
overdue figures so the open items stand out. Written with XlsxWriter; text from a city is always a
string cell, never a formula.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlsxwriter

from addin.infra.marker import category

from addin.consolidate.tracking import STATES, TrackState, Tracking
from addin.infra.atomic import atomic_path
from addin.infra.celltext import cell_text

SUMMARY_SHEET = "各市汇总"
ITEMS_SHEET = "跟踪明细"
SITES_SHEET = "同批次自查"
NOTES_SHEET = "说明"

ITEM_COLUMNS: list[tuple[str, str, float]] = [   # key, title, width
    ("city", "城市", 9), ("project", "工程名称", 26), ("contractor", "施工单位", 22), ("item", "检测项目", 18),
    ("judgment", "复核判定", 9), ("notice_no", "整改通知书编号", 20), ("notice_date", "通知下发日期", 11),
    ("deadline", "整改期限", 11), ("receipt_date", "回执日期", 11), ("reply_date", "整改回复日期", 11),
    ("review_date", "复查日期", 11), ("review_result", "复查结论", 9), ("case_filed", "立案查处", 8),
    ("case_no", "立案编号", 16), ("state", "跟踪状态", 12), ("days_overdue", "逾期天数", 8),
    ("sites", "同批次工地", 9), ("sites_done", "已自查", 7), ("sites_pending", "未自查", 7),
    ("site_list", "同批次工地自查情况", 40), ("note", "说明", 30), ("source_file", "来源文件", 30),
    ("source_row", "来源行号", 8),
]
SITE_COLUMNS: list[tuple[str, str, float]] = [
    ("city", "城市", 9), ("project", "使用工地", 26), ("contractor", "施工单位", 22), ("manufacturer", "生产厂家", 22),
    ("batch", "批号", 14), ("notice_no", "整改通知书编号", 20), ("selfcheck_date", "自查日期", 11),
    ("result", "自查结果", 14), ("state", "自查状态", 9), ("linked", "对应不合格项", 8),
    ("source_file", "来源文件", 30), ("source_row", "来源行号", 8),
]
SUMMARY_COLUMNS: list[tuple[str, str, float]] = [
    ("city", "城市", 9), ("status", "报送情况", 9), ("items", "不合格项", 8),
    *[(s.value, s.value, 9) for s in STATES],
    ("overdue_share", "逾期未整改占比", 10), ("sites", "同批次工地", 9), ("sites_pending", "未自查工地", 9),
]
STATE_COLORS = {
    TrackState.NOT_ISSUED: "#FFC7CE", TrackState.OVERDUE: "#FF9999", TrackState.REVIEW_FAILED: "#F4B183",
    TrackState.CASE_FILED: "#D9C3E9", TrackState.AWAITING_REVIEW: "#FFEB9C", TrackState.OPEN: "#DDEBF7",
    TrackState.CLOSED: "#C6EFCE",
}
STATE_MEANINGS = {
    TrackState.NOT_ISSUED: "复核不合格，但未填写整改通知书编号或下发日期（或下发日期晚于统计日期）",
    TrackState.OPEN: "已下发整改通知书，统计日期未超过整改期限（期限当日仍为未到期）",
    TrackState.OVERDUE: "统计日期已超过整改期限，尚未收到书面整改回复；逾期天数 = 统计日期 − 整改期限",
    TrackState.AWAITING_REVIEW: "已收到整改回复（或整改状态填“已整改”），尚未复查",
    TrackState.CLOSED: "复查结论为合格（或整改状态填“已复查合格”），闭环",
    TrackState.REVIEW_FAILED: "复查结论为不合格，须重新整改或依法查处",
    TrackState.CASE_FILED: "立案查处栏为“是”，转入执法程序（复查合格的仍记为复查合格）",
}


def _value(item, key: str) -> Any:
    f, t = item.follow, item.tracked
    if key == "state":
        return t.state.value
    if key == "days_overdue":
        return t.days_overdue
    if key == "sites":
        return len(item.sites) or None
    if key == "sites_done":
        return item.sites_done if item.sites else None
    if key == "sites_pending":
        return len(item.sites) - item.sites_done if item.sites else None
    if key == "site_list":
        return "；".join(f"{s.project}（{s.city}）：{s.result or '未填'}" for s in item.sites) or None
    if key == "note":
        return t.note or None
    if key == "case_filed":
        return "是" if f.case_filed else None
    if key in ("notice_date", "deadline", "receipt_date", "reply_date", "review_date"):
        return getattr(f, key)
    return item.row.get(key)


class _Book:
    def __init__(self, path: Path):
        self.wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                                  "strings_to_numbers": False})
        self.head = self.wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78",
                                        "text_wrap": True, "valign": "vcenter", "align": "center", "border": 1})
        self.date = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        self.pct = self.wb.add_format({"num_format": "0.0%"})
        self.bold = self.wb.add_format({"bold": True})
        self.wrap = self.wb.add_format({"text_wrap": True, "valign": "top"})
        self.fills = {s: self.wb.add_format({"bg_color": c}) for s, c in STATE_COLORS.items()}

    def cell(self, ws, r: int, c: int, v: Any, fmt=None) -> None:
        if v is None or v == "" or (isinstance(v, float) and v != v):
            return
        if isinstance(v, bool):
            ws.write_string(r, c, "是" if v else "否", fmt)
        elif isinstance(v, dt.datetime):
            ws.write_datetime(r, c, v, fmt or self.date)
        elif isinstance(v, dt.date):
            ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), fmt or self.date)
        elif isinstance(v, (int, float)):
            ws.write_number(r, c, v, fmt)
        elif hasattr(v, "item"):
            self.cell(ws, r, c, v.item(), fmt)
        else:
            ws.write_string(r, c, cell_text(str(v)), fmt)     # city text: never a formula

    def header(self, ws, columns) -> None:
        for c, (_, title, width) in enumerate(columns):
            ws.write_string(0, c, title, self.head)
            ws.set_column(c, c, width)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 1)

    def state_colours(self, ws, first_row: int, last_row: int, col: int) -> None:
        for state, fmt in self.fills.items():
            ws.conditional_format(first_row, col, last_row, col, {"type": "cell", "criteria": "==",
                                                                 "value": f'"{state.value}"', "format": fmt})


def write_tracking(t: Tracking, path: str | Path, source: str = "") -> Path:
    """跟踪督导.xlsx at ``path`` (atomically)."""
    path = Path(path)
    with atomic_path(path) as tmp:
        b = _Book(tmp)
        camp = t.campaign
        fixed = dt.datetime.combine(t.as_of, dt.time(12, 0))
        b.wb.set_properties({"title": f"{camp.year}年质量月监督抽测不合格项跟踪督导", "author": camp.authority,
                             "created": fixed, "category": category("跟踪督导表")})   # never read as a return
        _summary(b, t)
        _items(b, t)
        _sites(b, t)
        _notes(b, t, source)
        b.wb.close()
    return path


def _summary(b: _Book, t: Tracking) -> None:
    ws = b.wb.add_worksheet(SUMMARY_SHEET)
    b.header(ws, SUMMARY_COLUMNS)
    keys = [k for k, _, _ in SUMMARY_COLUMNS]
    n = len(t.cities)
    for r, city in enumerate(t.cities, 1):
        values = {"city": city.city, "status": city.status, "items": city.items, **city.counts,
                  "overdue_share": city.overdue_share, "sites": city.sites, "sites_pending": city.sites_pending}
        for c, k in enumerate(keys):
            b.cell(ws, r, c, values.get(k), b.pct if k == "overdue_share" else None)
    total = n + 1
    ws.write_string(total, 0, "合计", b.head)
    for c, k in enumerate(keys):
        if k in ("city", "status"):
            continue
        col = xlsxwriter.utility.xl_col_to_name(c)
        if k == "overdue_share":
            items = xlsxwriter.utility.xl_col_to_name(keys.index("items"))
            over = xlsxwriter.utility.xl_col_to_name(keys.index(TrackState.OVERDUE.value))
            value = sum(x.counts[TrackState.OVERDUE] for x in t.cities) / max(1, sum(x.items for x in t.cities))
            ws.write_formula(total, c, f"=IF({items}{total + 1}=0,\"\",{over}{total + 1}/{items}{total + 1})",
                             b.pct, value if sum(x.items for x in t.cities) else "")
        else:
            value = sum((x.counts.get(k, 0) if k in x.counts else getattr(x, k)) for x in t.cities)
            ws.write_formula(total, c, f"=SUM({col}2:{col}{n + 1})", b.bold, value)
    share = keys.index("overdue_share")
    ws.conditional_format(1, share, n, share, {"type": "data_bar", "bar_color": "#FF7C80", "bar_solid": True,
                                               "min_type": "num", "min_value": 0, "max_type": "num", "max_value": 1})
    for state in (TrackState.OVERDUE, TrackState.REVIEW_FAILED, TrackState.NOT_ISSUED):
        c = keys.index(state.value)
        ws.conditional_format(1, c, n, c, {"type": "cell", "criteria": ">", "value": 0, "format": b.fills[state]})
    c = keys.index("status")
    ws.conditional_format(1, c, n, c, {"type": "text", "criteria": "containing", "value": "未报送",
                                       "format": b.fills[TrackState.NOT_ISSUED]})
    chart = b.wb.add_chart({"type": "bar", "subtype": "stacked"})
    for state in STATES:
        c = keys.index(state.value)
        chart.add_series({"name": [SUMMARY_SHEET, 0, c], "categories": [SUMMARY_SHEET, 1, 0, n, 0],
                          "values": [SUMMARY_SHEET, 1, c, n, c], "fill": {"color": STATE_COLORS[state]},
                          "border": {"color": "#7F7F7F"}})
    chart.set_title({"name": f"各市不合格项跟踪状态（截至{t.as_of.year}年{t.as_of.month}月{t.as_of.day}日）"})
    chart.set_x_axis({"name": "项数", "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 860, "height": 480})
    ws.insert_chart(total + 2, 0, chart)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _items(b: _Book, t: Tracking) -> None:
    ws = b.wb.add_worksheet(ITEMS_SHEET)
    b.header(ws, ITEM_COLUMNS)
    keys = [k for k, _, _ in ITEM_COLUMNS]
    for r, item in enumerate(t.items, 1):
        for c, k in enumerate(keys):
            b.cell(ws, r, c, _value(item, k), b.wrap if k in ("site_list", "note") else None)
    n = max(1, len(t.items))
    b.state_colours(ws, 1, n, keys.index("state"))
    c = keys.index("days_overdue")
    ws.conditional_format(1, c, n, c, {"type": "data_bar", "bar_color": "#FF7C80", "bar_solid": True})
    c = keys.index("sites_pending")
    ws.conditional_format(1, c, n, c, {"type": "cell", "criteria": ">", "value": 0,
                                       "format": b.fills[TrackState.AWAITING_REVIEW]})
    if t.items:
        ws.autofilter(0, 0, len(t.items), len(keys) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def _sites(b: _Book, t: Tracking) -> None:
    ws = b.wb.add_worksheet(SITES_SHEET)
    b.header(ws, SITE_COLUMNS)
    keys = [k for k, _, _ in SITE_COLUMNS]
    for r, s in enumerate(t.sites, 1):
        values = {**vars(s), "state": s.state, "linked": len(s.items) or None}
        for c, k in enumerate(keys):
            b.cell(ws, r, c, values.get(k))
    n = max(1, len(t.sites))
    c = keys.index("state")
    ws.conditional_format(1, c, n, c, {"type": "cell", "criteria": "==", "value": '"未自查"',
                                       "format": b.fills[TrackState.OVERDUE]})
    ws.conditional_format(1, c, n, c, {"type": "cell", "criteria": "==", "value": '"已自查"',
                                       "format": b.fills[TrackState.CLOSED]})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _notes(b: _Book, t: Tracking, source: str) -> None:
    ws = b.wb.add_worksheet(NOTES_SHEET)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 90)
    rows = [("统计日期", t.as_of), ("数据来源", source or "—"),
            ("统计范围", "按国家标准复核为不合格的监督抽测项（复核判定，不是各市填写的判定）"),
            ("逾期未整改占比", "逾期未整改项数 ÷ 不合格项数"),
            ("复查期限", f"收到整改回复后 {t.campaign.tracking_rules.review_days} 天内复查（活动设置 [tracking] review_days）"),
            ("依据", f"{t.campaign.doc_number} 第（五）项：下发整改通知书，加强跟踪督导检查，追溯同批次产品并督促工地自查")]
    for r, (k, v) in enumerate(rows):
        ws.write_string(r, 0, k, b.bold)
        b.cell(ws, r, 1, v, b.date if isinstance(v, dt.date) else b.wrap)
    r = len(rows) + 1
    ws.write_string(r, 0, "跟踪状态", b.head)
    ws.write_string(r, 1, "含义", b.head)
    for i, state in enumerate(STATES, r + 1):
        ws.write_string(i, 0, state.value, b.fills[state])
        ws.write_string(i, 1, STATE_MEANINGS[state], b.wrap)
