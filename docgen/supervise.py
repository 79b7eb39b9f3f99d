"""督办通知 (province to one city) and 催报通知: the two letters of the follow-up, in GB/T 9704 form.

督办通知: when a city's rectification items are overdue, failed their review or wait for a review
past its period, the province writes to that city (FACTS.md §2: "逾期 … 督办函"), naming each item,
what is required and by when. 催报通知: before the report deadline (三(四)) to a city that has not
returned or must correct errors; after it, to a city that is late. Both take their figures from
addin.consolidate.tracking / reminders; this module only words and lays them out.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from addin.core.privacy import scrub_published
from docgen._data import safe_filename
from docgen.official import OfficialDocument, chinese_date

SUPERVISE_TITLE = "督办通知"
REMIND_TITLE = "催报通知"


def _bureau(city: str) -> str:
    return f"{city}住房城乡建设局"


def _contact(campaign) -> str:
    c = campaign.contact or {}
    parts = [x for x in (c.get("department"), c.get("name")) if x]
    who = "，".join(parts)
    return f"（联系人：{who}，电话：{c['phone']}）" if who and c.get("phone") else ""


def _requirement(item, due: dt.date) -> tuple[str, str]:
    from addin.consolidate.tracking import TrackState

    state = item.state
    if state == TrackState.OVERDUE:
        return "督促施工单位立即完成整改，报送书面整改回复并组织复查", chinese_date(due)
    if state == TrackState.REVIEW_FAILED:
        return "责令重新整改并再次复查；拒不整改的依法立案查处", chinese_date(due)
    return "组织复查，填报复查日期和复查结论", chinese_date(due)


def _sign(doc: OfficialDocument, authority: str, day: dt.date) -> None:
    """署名 and date, kept on one page with the last line of the text (GB/T 9704 7.3.5: the
    signature never stands alone on a page; LibreOffice otherwise put the date on a page of its own)."""
    doc.signature(authority, day)
    paragraphs = doc.document.paragraphs
    for p in paragraphs[-4:-1]:          # last text paragraph, the blank line, the 署名
        p.paragraph_format.keep_with_next = True


def supervision_file_name(city: str) -> str:
    """Short on purpose (ext4 allows 255 bytes a name; a city name is a few characters)."""
    return safe_filename(f"{SUPERVISE_TITLE}_{city}", max_len=40) + ".docx"


def write_supervision_letter(tracking, city: str, path, date: dt.date | None = None, *,
                             number: str = "", fonts: dict | None = None) -> Path:
    """The 督办通知 to ``city`` for its items that need the province's pressure."""
    from addin.consolidate.tracking import TrackState

    camp = tracking.campaign
    day = date or tracking.as_of
    due = day + dt.timedelta(days=camp.tracking_rules.supervise_days)
    items = tracking.needing_supervision(city)
    counts = {s: sum(1 for i in items if i.state == s) for s in (TrackState.OVERDUE, TrackState.REVIEW_FAILED)}
    late_review = len(items) - sum(counts.values())
    doc = OfficialDocument(camp, fonts)
    if number:
        doc.doc_number(number)
    doc.title(f"关于督促{city}加快监督抽测\n问题整改的{SUPERVISE_TITLE}")      # broken between phrases
    doc.recipient(_bureau(city))
    parts = [f"{n}项逾期未整改" if s == TrackState.OVERDUE else f"{n}项复查不合格"
             for s, n in counts.items() if n]
    if late_review:
        parts.append(f"{late_review}项已整改但超过{camp.tracking_rules.review_days}天未复查")
    doc.paragraph(
        f"按照《{camp.notice_title or '质量月活动通知'}》（{camp.doc_number}）第（五）项要求，对监督抽测发现的不合格项"
        "应立即下发整改通知书，并加强跟踪督导检查。根据你市报送的监督抽测情况，截至"
        f"{chinese_date(tracking.as_of)}，你市监督抽测不合格项中有{'、'.join(parts)}。现予督办，有关要求如下。")
    doc.heading1("督办事项")
    rows = []
    for n, item in enumerate(items, 1):
        need, by = _requirement(item, due)
        over = item.tracked.days_overdue
        # every field from a return through the one scrubber (issue 17 class 8)
        rows.append([n, scrub_published(item.row.get("project")), scrub_published(item.row.get("item")),
                     scrub_published(item.follow.notice_no),
                     item.follow.deadline.isoformat() if item.follow.deadline else "未填",
                     item.state.value + (f"（逾期{over}天）" if over else ""), need, by])
    doc.table(["序号", "工程名称", "检测项目", "整改通知书编号", "整改期限", "跟踪状态", "办理要求", "办结时限"], rows,
              widths_mm=[9, 27, 18, 24, 17, 19, 27, 15], font_size_pt=9,
              align=["center", "left", "left", "left", "center", "center", "left", "center"])
    doc.heading1("工作要求")
    doc.paragraph(f"请你局对上表所列事项逐项督促办理，于{chinese_date(due)}前将办理情况（整改回复、复查结论、立案查处情况）"
                  f"更新至监督抽测表并报送{camp.authority_short}{_contact(camp)}。逾期仍未整改的，将按规定通报。")
    pending = sorted({(scrub_published(s.project), s.city) for i in items for s in i.sites if not s.done})
    if pending:
        doc.paragraph("同批次产品涉及的" + "、".join(f"{p}（{c}）" for p, c in pending[:20])
                      + (f"等{len(pending)}个工地" if len(pending) > 20 else "")
                      + "尚未完成自查，请一并督促，并在“同批次自查”表中填报自查结果。")
    _sign(doc, camp.authority, day)
    return doc.save(path)


def remind_file_name(city: str) -> str:
    return safe_filename(f"{REMIND_TITLE}_{city}", max_len=40) + ".docx"


def write_remind_letter(campaign, reminder, as_of: dt.date, path, date: dt.date | None = None, *,
                        fonts: dict | None = None) -> Path:
    """The 催报通知 to one city (``reminder``: addin.consolidate.reminders.CityReminder)."""
    day = date or as_of
    due = day + dt.timedelta(days=campaign.tracking_rules.remind_days)
    deadline = campaign.report_deadline
    doc = OfficialDocument(campaign, fonts)
    doc.title(f"关于报送{campaign.year}年“质量月”\n活动情况的{REMIND_TITLE}")
    doc.recipient(_bureau(reminder.city))
    basis = f"按照《{campaign.notice_title or '质量月活动通知'}》（{campaign.doc_number}）要求，各市应于{chinese_date(deadline)}前报送活动开展情况。"
    if reminder.missing:
        late = f"报送期限已过{reminder.days_late}天，" if reminder.days_late else ""
        doc.paragraph(f"{basis}截至{chinese_date(as_of)}，{late}我厅尚未收到你市的质量月活动填报表。"
                      f"请于{chinese_date(due)}前按下发的标准填报表填报并报送。")
    else:
        text = f"{basis}你市已报送填报表"
        if reminder.days_late:
            text += f"（逾期{reminder.days_late}天）"
        if reminder.errors:
            text += (f"，经校验有{reminder.errors}处错误需要更正（详见校验结果，可在填报表中点击“校验本表”查看）。"
                     f"请更正后于{chinese_date(due)}前重新报送。")
        else:
            text += "。今后请按期报送。"
        doc.paragraph(text)
    doc.paragraph(f"报送中如有问题，请与{campaign.authority_short}联系{_contact(campaign)}。")
    _sign(doc, campaign.authority, day)
    return doc.save(path)
