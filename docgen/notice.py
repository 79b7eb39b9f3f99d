"""整改通知书: one per (project, 施工单位) with non-conforming spot-check items, plus a register.

Structure (FACTS.md §2): unique number, the units (建设/施工/监理, with credit codes), the
project and its location, each problem with the measured values, design value and the basis
(standard + clause), the measures and a concrete deadline, the reply required (整改回复 with
photos and retest reports signed off by 监理), how to object (异议, 5 working days), issuer and
date, and a detachable 送达回执 on its own page.

Numbers are ``{campaign.notice_prefix}〔{year of issue}〕{seq}号`` with seq assigned in a
deterministic order: city code, project, contractor.
"""
from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from addin.checks.annotate import write_text
from addin.infra.atomic import atomic_path
from docgen._data import as_date, fmt_number, safe_filename, text
from docgen.official import OfficialDocument, chinese_date

DEFAULT_DAYS = 15
OBJECTION_WORKING_DAYS = 5
TITLE = "建设工程质量整改通知书"
REGISTER_NAME = "整改通知书登记表.xlsx"


@dataclass
class Notice:
    seq: int
    number: str
    city: str
    city_code: str
    project: str
    location: str
    builder: str
    builder_code: str
    contractor: str
    contractor_code: str
    supervisor: str
    supervisor_code: str
    items: pd.DataFrame
    check_date: dt.date | None
    issue_date: dt.date
    deadline: dt.date
    deadline_from_city: bool          # True: the city's stated deadline; False: issue date + 15 days
    city_notice_nos: list[str] = field(default_factory=list)
    file_name: str = ""
    path: Path | None = None

    @property
    def deadline_basis(self) -> str:
        if self.deadline_from_city:
            return f"按{self.city}下发的整改通知书确定的期限"
        return f"自签发之日起{DEFAULT_DAYS}日"


def _first(values) -> str:
    for v in values:
        t = text(v)
        if t:
            return t
    return ""


def plan_notices(c, issue_date: dt.date | None = None, *, start: int = 1) -> list[Notice]:
    """The notices to issue, numbered, without writing anything."""
    issue = issue_date or dt.date.today()
    nc = c.nonconforming if c.nonconforming is not None else pd.DataFrame()
    if nc.empty:
        return []
    nc = nc.copy()
    for col in ("city", "city_code", "project", "contractor"):
        if col not in nc.columns:
            nc[col] = ""
    rank = {city.name: city.code for city in c.campaign.cities}
    nc["_code"] = [text(code) or rank.get(text(city), "999999") for code, city in zip(nc["city_code"], nc["city"])]
    nc["_project"] = nc["project"].map(text)
    nc["_contractor"] = nc["contractor"].map(text)
    prefix = c.campaign.notice_prefix
    out: list[Notice] = []
    groups = nc.groupby(["_code", "_project", "_contractor"], sort=True)
    for seq, ((code, project, contractor), g) in enumerate(groups, start):
        g = g.sort_values([col for col in ("source_row", "item") if col in g.columns], kind="stable")
        stated = sorted(d for d in (as_date(v) for v in g.get("deadline", [])) if d)
        deadline = stated[0] if stated else issue + dt.timedelta(days=DEFAULT_DAYS)
        checks = sorted(d for d in (as_date(v) for v in g.get("date", [])) if d)
        nos = list(dict.fromkeys(text(v) for v in g.get("notice_no", []) if text(v)))
        city = _first(g["city"]) or next((ci.name for ci in c.campaign.cities if ci.code == code), "")
        number = f"{prefix}〔{issue.year}〕{seq}号"
        n = Notice(
            seq=seq, number=number, city=city, city_code=code, project=project,
            location=_first(g.get("location", [])),
            builder=_first(g.get("builder", [])), builder_code=_first(g.get("builder_code", [])),
            contractor=contractor, contractor_code=_first(g.get("contractor_code", [])),
            supervisor=_first(g.get("supervisor", [])), supervisor_code=_first(g.get("supervisor_code", [])),
            items=g.drop(columns=["_code", "_project", "_contractor"]),
            check_date=checks[0] if checks else None, issue_date=issue, deadline=deadline,
            deadline_from_city=bool(stated), city_notice_nos=nos,
        )
        n.file_name = safe_filename(f"{seq:03d}_{number}_{project}_{contractor}", max_len=110) + ".docx"
        out.append(n)
    return out


def _unit(name: str, code: str) -> str:
    if not name:
        return "（未填报）"
    return f"{name}（统一社会信用代码：{code}）" if code else name


def write_notice(c, n: Notice, path, *, issuer: str | None = None, fonts: dict | None = None) -> Path:
    """One 整改通知书 (.docx)."""
    camp = c.campaign
    issuer = issuer or camp.authority
    city_bureau = f"{n.city}住房和城乡建设局" if n.city else ""
    doc = OfficialDocument(camp, fonts)
    doc.doc_number(n.number)
    doc.title(TITLE)
    doc.recipient(n.contractor or "施工单位")
    when = f"{chinese_date(n.check_date)}，" if n.check_date else ""
    doc.paragraph(
        f"{when}{n.city}住房城乡建设主管部门在{camp.year}年房屋市政工程“质量月”工程质量监督抽测中，"
        f"对你单位承建的{n.project}进行了抽测。经按标准复核，该工程存在下列不符合工程建设标准或设计要求的问题。"
        "依据《建设工程质量管理条例》和《房屋建筑和市政基础设施工程质量监督管理规定》（住房和城乡建设部令第5号），"
        "现责令你单位按本通知书要求限期整改。"
    )
    if n.city_notice_nos:
        doc.paragraph(f"{n.city}已就上述问题下发整改通知书（{'、'.join(n.city_notice_nos)}），本通知书与其一并执行。")

    doc.heading1("工程及参建单位")
    info = [
        ["工程名称", n.project],
        ["工程地点", n.location or "（未填报）"],
        ["建设单位", _unit(n.builder, n.builder_code)],
        ["施工单位", _unit(n.contractor, n.contractor_code)],
        ["监理单位", _unit(n.supervisor, n.supervisor_code)],
        ["抽测日期", chinese_date(n.check_date) if n.check_date else "（未填报）"],
    ]
    doc.table(info[0], info[1:], widths_mm=[30, 126], header=False, align=["center", "left"])

    doc.heading1("存在问题")
    rows = []
    for i, (_, r) in enumerate(n.items.iterrows(), 1):
        spec = "／".join(x for x in (text(r.get("grade")), text(r.get("spec"))) if x)
        design = fmt_number(r.get("design")) if text(r.get("design")) else "—"
        rows.append([i, text(r.get("item")), spec or "—", fmt_number(r.get("measured")) or "—", design,
                     text(r.get("judgment_message")) or text(r.get("judgment")), text(r.get("basis")) or "—"])
    doc.table(["序号", "检测项目", "牌号／规格", "实测值", "设计值", "复核结论（含标准限值）", "判定依据（标准及条文）"],
              rows, widths_mm=[10, 20, 18, 26, 13, 42, 27], font_size_pt=10.5,
              align=["center", "left", "center", "left", "center", "left", "left"])

    doc.heading1("整改要求")
    categories = {text(v) for v in n.items.get("category", [])}
    measures = []
    if "建筑材料" in categories:
        measures.append("立即停止使用同批次不合格建筑材料并清退出场，对已使用部位进行检测鉴定并按设计要求处理，"
                        "追溯产品来源，提供进场验收、见证取样和复检资料")
    if categories - {"建筑材料"} or not categories:
        measures.append("对不合格部位委托具有相应资质的检测机构扩大抽样检测，经设计单位核算确认后制定处理方案，"
                        "经监理单位审核后实施，处理后重新检测")
    doc.heading2("整改措施")
    doc.paragraph("；".join(measures) + "。")
    doc.heading2("整改期限")
    t = f"请于{chinese_date(n.deadline)}前完成整改（整改期限{n.deadline_basis}）。"
    if n.deadline < n.issue_date:
        t += "该期限已届满，请于收到本通知书后立即报送整改情况。"
    doc.paragraph(t)
    doc.heading2("整改回复")
    via = f"经{city_bureau}" if city_bureau else ""
    doc.paragraph(
        f"整改完成后，请于整改期限届满前{via}向{issuer}报送书面整改回复，附整改前后对比照片和复检（检测）报告，"
        "并由监理单位签署意见。逾期未整改或整改不到位的，将依法依规处理。"
    )
    doc.heading2("异议")
    doc.paragraph(f"如对本通知书所列问题有异议，可自收到本通知书之日起{OBJECTION_WORKING_DAYS}个工作日内向{issuer}"
                  "书面提出，并附相关证明材料；逾期未提出的，视为无异议。")
    doc.signature(issuer, n.issue_date)
    doc.copy_to([x for x in (n.builder, n.supervisor, city_bureau) if x])

    # 送达回执 on its own page
    doc.page_break()
    doc.paragraph("………………………（沿此线剪下）………………………", indent=False).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.title("送达回执")
    receipt = [
        ["文书名称及编号", f"{TITLE}（{n.number}）"],
        ["受送达单位", n.contractor],
        ["送达地点", ""],
        ["送达方式", "□直接送达　□邮寄送达　□其他"],
        ["签收人（签名）", ""],
        ["签收日期", "　　　　年　　月　　日　　时"],
        ["送达人（签名）", ""],
        ["备注", ""],
    ]
    doc.table(receipt[0], receipt[1:], widths_mm=[40, 116], header=False, row_height_mm=14,
              font_size_pt=12, align=["center", "left"])
    doc.paragraph(f"受送达单位签收后，本回执由送达人带回或于3个工作日内寄回{issuer}存档。")
    return doc.save(path)


def build_notices(c, out_dir, issue_date: dt.date | None = None, *, issuer: str | None = None,
                  register: bool = True, fonts: dict | None = None) -> list[Path]:
    """Write every 整改通知书 into ``out_dir`` (and the register 整改通知书登记表.xlsx there)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    notices = plan_notices(c, issue_date)
    paths = []
    for k, n in enumerate(notices, 1):
        n.path = write_notice(c, n, out_dir / n.file_name, issuer=issuer, fonts=fonts)
        paths.append(n.path)
        if k % 50 == 0:
            gc.collect()   # python-docx leaves cyclic garbage (PERF-NOTES)
    if register:
        write_notice_register(notices, out_dir / REGISTER_NAME)
    return paths


REGISTER_COLUMNS = [
    ("序号", 6), ("通知书编号", 22), ("城市", 10), ("工程名称", 30), ("工程地点", 24), ("建设单位", 26),
    ("施工单位", 26), ("施工单位统一社会信用代码", 22), ("监理单位", 26), ("不合格项数", 10), ("检测项目", 28),
    ("签发日期", 12), ("整改期限", 12), ("期限依据", 26), ("市级整改通知书编号", 24), ("文件名", 50),
]


def write_notice_register(notices: list[Notice], path) -> Path:
    """整改通知书登记表 (.xlsx): one row per notice."""
    wb = Workbook()
    ws = wb.active
    ws.title = "整改通知书登记"
    ws.append([name for name, _ in REGISTER_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, n in enumerate(notices, 2):
        items = "、".join(dict.fromkeys(text(v) for v in n.items.get("item", []) if text(v)))
        values = [
            n.seq, n.number, n.city, n.project, n.location, n.builder, n.contractor, n.contractor_code,
            n.supervisor, len(n.items), items, n.issue_date, n.deadline, n.deadline_basis,
            "、".join(n.city_notice_nos), n.file_name or (n.path.name if n.path else ""),
        ]
        for c, v in enumerate(values, 1):
            cell = ws.cell(r, c)
            write_text(cell, v)               # text from a city is data, never a formula; safe characters
            if isinstance(v, (dt.date, dt.datetime)):
                cell.number_format = "yyyy-mm-dd"
    for i, (_, width) in enumerate(REGISTER_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C2"
    if notices:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(REGISTER_COLUMNS))}{ws.max_row}"
    path = Path(path)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
