"""催报名单: which cities to chase, before the report deadline and after it.

Collection tools (腾讯收集表 and the like) keep a list of who has not submitted; this is that list
for the returns folder, plus the cities whose returns have error-level findings to correct. Before
the deadline (三(四)): not yet returned, and returned with errors (with the count). After it: the
missing and the late cities with the days late. Contacts come from the campaign settings
([[cities]] contact/phone), else from the city's own return (基本信息).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from addin.infra.marker import category

from addin.consolidate.model import CityStatus, Consolidated, SubmissionStatus
from addin.infra.atomic import atomic_path
from addin.infra.celltext import cell_text

LIST_NAME = "催报名单.xlsx"
NOT_RETURNED = "未报送"
TO_CORRECT = "需更正"
LATE = "逾期报送"
MISSING_LATE = "逾期未报送"


@dataclass
class CityReminder:
    city: str
    city_code: str
    kind: str                 # 未报送 / 逾期未报送 / 需更正 / 逾期报送
    errors: int = 0           # error-level findings of the used return
    days_late: int = 0        # after the deadline: days late (missing: as of the date; late: by the fill date)
    days_left: int = 0        # before the deadline: days left
    contact: str = ""
    phone: str = ""
    contact_source: str = ""  # 活动设置 / 报送表 / ""
    file: str = ""
    fill_date: dt.date | None = None

    @property
    def missing(self) -> bool:
        return self.kind in (NOT_RETURNED, MISSING_LATE)


def plan_reminders(c: Consolidated, as_of: dt.date, contacts: dict[str, tuple[str, str]] | None = None) -> list[CityReminder]:
    """The cities to chase on ``as_of``; ``contacts``: city code -> (contact, phone) read from the
    returns (used when the settings have none)."""
    camp = c.campaign
    deadline = camp.report_deadline
    after = as_of > deadline
    used = {s.city_code: s for s in c.submissions if s.status == SubmissionStatus.USED}
    status = dict(zip(c.stats["city_code"].astype(str), c.stats["status"])) if len(c.stats) else {}
    out = []
    for city in camp.cities:
        sub = used.get(city.code)
        r = CityReminder(city.name, city.code, "", days_left=max(0, (deadline - as_of).days))
        if city.contact or city.phone:
            r.contact, r.phone, r.contact_source = city.contact, city.phone, "活动设置"
        elif contacts and city.code in contacts and any(contacts[city.code]):
            r.contact, r.phone = contacts[city.code]
            r.contact_source = "报送表"
        if sub is None:
            r.kind = MISSING_LATE if after else NOT_RETURNED
            r.days_late = (as_of - deadline).days if after else 0
        else:
            r.file, r.fill_date, r.errors = sub.file, sub.fill_date, sub.errors
            late = sub.late or status.get(city.code) == CityStatus.LATE
            if late and after:
                r.kind = LATE
                fill = sub.fill_date if isinstance(sub.fill_date, dt.date) else None
                r.days_late = max(0, ((fill.date() if isinstance(fill, dt.datetime) else fill) - deadline).days) if fill else 0
            elif sub.errors:
                r.kind = TO_CORRECT
            else:
                continue
        out.append(r)
    return out


COLUMNS: list[tuple[str, str, float]] = [
    ("city", "城市", 10), ("kind", "催报事由", 12), ("errors", "错误数", 8), ("days_left", "距截止（天）", 10),
    ("days_late", "逾期（天）", 10), ("contact", "联系人", 10), ("phone", "联系电话", 15),
    ("contact_source", "联系人来源", 10), ("file", "报送文件", 36), ("fill_date", "填报日期", 11),
]


def write_reminder_list(reminders: list[CityReminder], path: str | Path, campaign, as_of: dt.date) -> Path:
    """催报名单.xlsx: one row per city to chase, with a line on the as-of date and the deadline."""
    path = Path(path)
    after = as_of > campaign.report_deadline
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        wb.set_properties({"title": "催报名单", "author": campaign.authority,
                           "created": dt.datetime.combine(as_of, dt.time(12)),
                           "category": category("催报名单")})   # never read as a return (addin.infra.marker)
        head = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "border": 1,
                              "align": "center", "valign": "vcenter", "text_wrap": True})
        date = wb.add_format({"num_format": "yyyy-mm-dd"})
        red = wb.add_format({"bg_color": "#FFC7CE"})
        amber = wb.add_format({"bg_color": "#FFEB9C"})
        ws = wb.add_worksheet("催报名单")
        ws.write_string(0, 0, f"统计日期：{as_of:%Y-%m-%d}；报送截止：{campaign.report_deadline:%Y-%m-%d}"
                              f"（{'已过截止日期：列出逾期和未报送的城市' if after else '截止日期前：列出未报送和需更正的城市'}）")
        cols = COLUMNS if not after else [c for c in COLUMNS if c[0] != "days_left"]
        if not after:
            cols = [c for c in cols if c[0] != "days_late"]
        for i, (_, title, width) in enumerate(cols):
            ws.write_string(2, i, title, head)
            ws.set_column(i, i, width)
        for r, rem in enumerate(reminders, 3):
            for i, (key, _, _) in enumerate(cols):
                v = getattr(rem, key)
                if v is None or v == "" or (key == "errors" and not v and rem.missing):
                    continue
                if isinstance(v, dt.date):
                    ws.write_datetime(r, i, dt.datetime.combine(v, dt.time()) if not isinstance(v, dt.datetime) else v, date)
                elif isinstance(v, (int, float)):
                    ws.write_number(r, i, v)
                else:
                    ws.write_string(r, i, cell_text(str(v)))
            if not rem.contact and not rem.phone:
                ws.write_string(r, [c[0] for c in cols].index("contact"), "（未设置）")
        k = [c[0] for c in cols].index("kind")
        last = max(3, 2 + len(reminders))
        ws.conditional_format(3, k, last, k, {"type": "text", "criteria": "containing", "value": "未报送", "format": red})
        ws.conditional_format(3, k, last, k, {"type": "text", "criteria": "containing", "value": "需更正", "format": amber})
        ws.conditional_format(3, k, last, k, {"type": "text", "criteria": "containing", "value": "逾期报送", "format": amber})
        ws.freeze_panes(3, 1)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        wb.close()
    return path
