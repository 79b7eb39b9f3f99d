"""整改通知书: issued by the city that found the problem, for open items only, plus a register.

The notice (activity 五) has each city issue 整改通知书 to the responsible units itself, so a
notice is issued in the city's name with the city's 机关代字 from the settings ([notices.cities]),
never the province's, and there is never a second notice for the same problem:

- only spot-check items judged 不合格 whose 整改状态 is not closed (已整改 / 已复查合格) and that
  have no recorded 整改通知书编号 (``include_recorded=True`` also drafts those with one);
- one notice per (city, project, 施工单位); numbers ``<prefix>〔<year of issue>〕<n>号`` with n
  counting on from the highest number of that prefix and year already recorded in the data, in
  a deterministic order (city code, project, contractor); a rerun into the same folder reuses
  the numbers its register gave the same (city, project, contractor);
- the deadline is the recorded 整改期限 when it is on or after both the check date and the issue
  date; otherwise the settings' default period (notices.rectification_days) from the issue
  date, stated in the notice, and the bad recorded date is reported (Notice.deadline_note).

Structure (FACTS.md §2): number, the units, the project and its location, each problem with the
measured values, design value and the basis, the measures and the deadline, the reply
required, how to object, issuer and date, 版记, and a detachable 送达回执 on its own page.

The output folder holds exactly one run's notices and register: a run refuses a folder that
holds files other than a previous run's (listed in its manifest ``.qm-notices.json``), and
removes the previous run's files before writing its own.
"""
from __future__ import annotations

import datetime as dt
import gc
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from addin.checks.annotate import write_text
from addin.core.errors import QmValueError
from addin.infra.atomic import atomic_path
from addin.infra.names import fit_name
from docgen._data import as_date, fmt_number, for_publication, text
from docgen.official import OfficialDocument, chinese_date

OBJECTION_WORKING_DAYS = 5
TITLE = "建设工程质量整改通知书"
REGISTER_NAME = "整改通知书登记表.xlsx"
MANIFEST_NAME = ".qm-notices.json"
# 整改状态 (contract.toml choices) meaning the item needs no order any more
CLOSED_STATUSES = ("已整改", "已复查合格")
# files a user's system leaves in any folder; never a reason to refuse it
_JUNK = {".DS_Store", "Thumbs.db", "desktop.ini"}


class NoticeError(QmValueError):
    """A notice run that cannot go on (settings, output folder); the message is Chinese."""


@dataclass
class Notice:
    seq: int
    number: str
    city: str
    city_code: str
    authority: str
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
    deadline_from_record: bool        # True: the recorded 整改期限; False: the default period
    days: int = 15
    deadline_note: str = ""           # why a recorded deadline was not used ("" = none)
    recorded_nos: list[str] = field(default_factory=list)
    file_name: str = ""
    path: Path | None = None

    @property
    def key(self) -> str:
        return "\x1f".join((self.city_code, self.project, self.contractor))

    @property
    def deadline_basis(self) -> str:
        if self.deadline_from_record:
            return "抽测记录填报的整改期限"
        return f"自签发之日起{self.days}日"


def _first(values) -> str:
    for v in values:
        t = text(v)
        if t:
            return t
    return ""


def _seq_of(number: str, prefix: str, year: int) -> int | None:
    m = re.fullmatch(re.escape(prefix) + r"\s*[〔\[［【(（]" + str(year) + r"[〕\]］】)）]\s*第?0*(\d+)号?", number.strip())
    return int(m.group(1)) if m else None


def is_closed(status) -> bool:
    return text(status) in CLOSED_STATUSES


def open_items(c, *, include_recorded: bool = False, city: str | None = None) -> pd.DataFrame:
    """The non-conforming items that need a notice: not closed, no recorded notice number
    (unless ``include_recorded``), of ``city`` if given."""
    nc = c.nonconforming if c.nonconforming is not None else pd.DataFrame()
    if nc.empty:
        return nc
    keep = [not is_closed(st) for st in nc.get("status", [None] * len(nc))]
    if not include_recorded:
        keep = [k and not text(no) for k, no in zip(keep, nc.get("notice_no", [None] * len(nc)))]
    out = nc[keep]
    if city is not None and "city" in out.columns:
        out = out[out["city"].map(text) == city]
    return out


def _highest(c, city: str, prefix: str, year: int) -> int:
    """The highest sequence number of ``prefix``〔year〕 recorded for ``city``."""
    best = 0
    for df in ((c.frames or {}).get("spotcheck"), c.nonconforming):
        if df is None or df.empty or "notice_no" not in df.columns:
            continue
        rows = df if "city" not in df.columns else df[df["city"].map(text) == city]
        for v in rows["notice_no"]:
            for part in re.split(r"[、,，;；\s]+", text(v)):
                n = _seq_of(part, prefix, year) if part else None
                if n and n > best:
                    best = n
    return best


def plan_notices(c, issue_date: dt.date | None = None, *, include_recorded: bool = False,
                 city: str | None = None, previous: dict[str, str] | None = None) -> list[Notice]:
    """The notices to issue, numbered, without writing anything.

    ``previous`` maps Notice.key to the number a previous run gave it (from its register):
    the same item keeps its number. Raises NoticeError if a city has no issuing authority in
    the settings.
    """
    issue = issue_date or dt.date.today()
    camp = c.campaign
    days = int(getattr(camp, "rectification_days", 15) or 15)
    nc = open_items(c, include_recorded=include_recorded, city=city)
    if nc.empty:
        return []
    nc = nc.copy()
    for col in ("city", "city_code", "project", "contractor"):
        if col not in nc.columns:
            nc[col] = ""
    rank = {ci.name: ci.code for ci in camp.cities}
    nc["_code"] = [text(code) or rank.get(text(ci), "999999") for code, ci in zip(nc["city_code"], nc["city"])]
    nc["_project"] = nc["project"].map(text)
    nc["_contractor"] = nc["contractor"].map(text)
    previous = previous or {}
    out: list[Notice] = []
    for code, by_city in nc.groupby("_code", sort=True):
        city_name = _first(by_city["city"]) or next((ci.name for ci in camp.cities if ci.code == code), "")
        auth = camp.notice_authority(city_name) if hasattr(camp, "notice_authority") else None
        if auth is None:
            raise NoticeError(f"活动设置中没有{city_name or code}的整改通知书签发机关和机关代字"
                              f"（[notices.cities] “{city_name}” = {{ authority = …, prefix = … }}），未生成整改通知书")
        taken = {_seq_of(v, auth.prefix, issue.year) for v in previous.values()} - {None}
        next_seq = max([_highest(c, city_name, auth.prefix, issue.year), *taken, 0]) + 1
        for (project, contractor), g in by_city.groupby(["_project", "_contractor"], sort=True):
            g = g.sort_values([col for col in ("source_row", "item") if col in g.columns], kind="stable")
            checks = sorted(d for d in (as_date(v) for v in g.get("date", [])) if d)
            check = checks[-1] if checks else None
            stated = sorted(d for d in (as_date(v) for v in g.get("deadline", [])) if d)
            floor = max(d for d in (check, issue) if d)
            deadline, from_record, note = issue + dt.timedelta(days=days), False, ""
            if stated and stated[0] >= floor:
                deadline, from_record = stated[0], True
            elif stated:
                before = "抽测日期" if check and stated[0] < check else "签发日期"
                ref = check if before == "抽测日期" else issue
                note = (f"{city_name}“{project}”（{contractor}）填报的整改期限{chinese_date(stated[0])}早于"
                        f"{before}{chinese_date(ref)}，已改按自签发之日起{days}日（{chinese_date(deadline)}）")
            key = "\x1f".join((code, project, contractor))
            number = previous.get(key, "")
            if _seq_of(number, auth.prefix, issue.year) is None:
                number = f"{auth.prefix}〔{issue.year}〕{next_seq}号"
                next_seq += 1
            n = Notice(
                seq=0, number=number, city=city_name, city_code=code, authority=auth.authority,
                project=project, location=_first(g.get("location", [])),
                builder=_first(g.get("builder", [])), builder_code=_first(g.get("builder_code", [])),
                contractor=contractor, contractor_code=_first(g.get("contractor_code", [])),
                supervisor=_first(g.get("supervisor", [])), supervisor_code=_first(g.get("supervisor_code", [])),
                items=g.drop(columns=["_code", "_project", "_contractor"]),
                check_date=check, issue_date=issue, deadline=deadline, deadline_from_record=from_record,
                days=days, deadline_note=note,
                recorded_nos=list(dict.fromkeys(text(v) for v in g.get("notice_no", []) if text(v))),
            )
            n.file_name = fit_name(f"{city_name}_{number}_{project}_{contractor}", ".docx")
            out.append(n)
    for i, n in enumerate(out, 1):
        n.seq = i
    return out


def _unit(name: str, code: str) -> str:
    if not name:
        return "（未填报）"
    return f"{name}（统一社会信用代码：{code}）" if code else name


def write_notice(c, n: Notice, path, *, issuer: str | None = None, fonts: dict | None = None,
                 letterhead: bool = False) -> Path:
    """One 整改通知书 (.docx), in the name of the city's issuing authority (``issuer`` overrides it)."""
    camp = c.campaign
    issuer = issuer or n.authority
    doc = OfficialDocument(camp, fonts)
    doc.masthead(issuer, n.number, letterhead=letterhead, printed=n.issue_date,
                 copy_to=[x for x in (n.builder, n.supervisor) if x])
    doc.title(TITLE)
    doc.recipient(n.contractor or "施工单位")
    when = f"{chinese_date(n.check_date)}，" if n.check_date else ""
    doc.paragraph(
        f"{when}我局在{camp.year}年房屋市政工程“质量月”工程质量监督抽测中，"
        f"对你单位承建的{n.project}进行了抽测。经按标准复核，该工程存在下列不符合工程建设标准或设计要求的问题。"
        "依据《建设工程质量管理条例》和《房屋建筑和市政基础设施工程质量监督管理规定》（住房和城乡建设部令第5号），"
        "现责令你单位按本通知书要求限期整改。"
    )

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

    _problems(doc, n)
    _requirements(doc, n, issuer)
    doc.signature(issuer, n.issue_date)
    doc.colophon()

    _receipt(doc, n, issuer)
    return doc.save(path)


def _problems(doc: OfficialDocument, n: Notice) -> None:
    """存在问题: one row per non-conforming item, with the tool's conclusion and its basis."""
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


def _requirements(doc: OfficialDocument, n: Notice, issuer: str) -> None:
    """整改要求: measures by category, the deadline and its basis, the reply, objections."""
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
    doc.paragraph(f"请于{chinese_date(n.deadline)}前完成整改（整改期限为{n.deadline_basis}）。")
    doc.heading2("整改回复")
    doc.paragraph(
        f"整改完成后，请于整改期限届满前向{issuer}报送书面整改回复，附整改前后对比照片和复检（检测）报告，"
        "并由监理单位签署意见。逾期未整改或整改不到位的，将依法依规处理。"
    )
    doc.heading2("异议")
    doc.paragraph(f"如对本通知书所列问题有异议，可自收到本通知书之日起{OBJECTION_WORKING_DAYS}个工作日内向{issuer}"
                  "书面提出，并附相关证明材料；逾期未提出的，视为无异议。")


def _receipt(doc: OfficialDocument, n: Notice, issuer: str) -> None:
    """送达回执 on its own page (detachable; the 版记 stays at the foot of the notice's last page)."""
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


def _manifest(out_dir: Path) -> dict:
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def prepare_output_dir(out_dir: Path, *, clear: bool = True) -> dict[str, str]:
    """Make ``out_dir`` ready for one run: create it, or (``clear``) remove a previous
    ``qm notices`` run's files (listed in its manifest). A folder holding anything else is
    refused (NoticeError) before anything is removed. Returns the previous run's numbers
    (Notice.key -> number)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise NoticeError(f"输出位置“{out_dir}”是一个文件，不是文件夹；请另指定整改通知书的输出文件夹")
    if not out_dir.exists():
        if clear:
            out_dir.mkdir(parents=True)
        return {}
    manifest = _manifest(out_dir)
    ours = set(manifest.get("files", [])) | {MANIFEST_NAME}
    foreign = []
    for p in sorted(out_dir.iterdir()):
        if p.name in ours or p.name in _JUNK or p.name.startswith(".~"):
            continue
        foreign.append(p.name)
    if foreign:
        shown = "、".join(foreign[:5]) + (f"等{len(foreign)}个" if len(foreign) > 5 else "")
        raise NoticeError(f"输出文件夹“{out_dir}”中有不是由上一次生成整改通知书留下的文件（{shown}）；"
                          "为免混淆和误删，请指定一个空文件夹或上一次的整改通知书文件夹")
    previous = dict(manifest.get("numbers", {})) if isinstance(manifest.get("numbers"), dict) else {}
    if clear:
        for name in ours:
            p = out_dir / name
            if p.is_file() and name != MANIFEST_NAME:
                p.unlink()
        for p in out_dir.glob(".~*"):
            if p.is_file():
                p.unlink(missing_ok=True)
    return previous


def _write_manifest(out_dir: Path, files: list[str], notices: list[Notice]) -> None:
    data = {"tool": "qm notices", "files": files, "numbers": {n.key: n.number for n in notices}}
    with atomic_path(out_dir / MANIFEST_NAME) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def build_notices(c, out_dir, issue_date: dt.date | None = None, *, issuer: str | None = None,
                  register: bool = True, fonts: dict | None = None, include_recorded: bool = False,
                  city: str | None = None, letterhead: bool = False, annotate_from: Path | None = None,
                  notices_out: list | None = None) -> list[Path]:
    """Write the 整改通知书 of the open items into ``out_dir`` (and the register
    整改通知书登记表.xlsx there); ``out_dir`` then holds exactly this run's files.

    ``city``: only that city's items (a city's own return). ``annotate_from``: the return read,
    of which an annotated copy carrying the assigned numbers and dates is written into
    ``out_dir`` (the original is never written). ``notices_out``: receives the Notice objects.
    """
    out_dir = Path(out_dir)
    # every field through the one scrubber; a notice is served on the parties it names, so their
    # names stay (a self-builder must be named) while phone and ID numbers are masked
    c = for_publication(c, keep_names=True)
    previous = prepare_output_dir(out_dir, clear=False)          # refuse a foreign folder before any work
    notices = plan_notices(c, issue_date, include_recorded=include_recorded, city=city, previous=previous)
    prepare_output_dir(out_dir)                                   # planned without error: replace the previous run
    files = [n.file_name for n in notices] + ([REGISTER_NAME] if register else [])
    annotated = None
    if annotate_from is not None:
        annotated = fit_name(f"{Path(annotate_from).stem}（已编号）", ".xlsx")
        files.append(annotated)
    _write_manifest(out_dir, files, notices)        # first: a broken run's files are still ours
    paths = []
    for k, n in enumerate(notices, 1):
        n.path = write_notice(c, n, out_dir / n.file_name, issuer=issuer, fonts=fonts, letterhead=letterhead)
        paths.append(n.path)
        if k % 50 == 0:
            gc.collect()   # python-docx leaves cyclic garbage (PERF-NOTES)
    if register:
        write_notice_register(notices, out_dir / REGISTER_NAME)
    if annotated is not None:
        annotate_return(Path(annotate_from), notices, out_dir / annotated)
    if notices_out is not None:
        notices_out.extend(notices)
    return paths


def annotate_return(src: Path, notices: list[Notice], out: Path) -> Path:
    """A copy of the return ``src`` with each notice's number, issue date and deadline written
    into its items' 整改通知书编号 / 通知下发日期 / 整改期限 cells (监督抽测, by source row).
    ``src`` is read into memory and never written."""
    from addin.checks.annotate import cap_long_text, strip_active_content
    from workbook_templates.contract import load_contract
    from workbook_templates.package import PackageError, open_package

    src, out = Path(src), Path(out)
    if out.resolve() == src.resolve():
        raise NoticeError(f"编号副本不能覆盖原文件：{src}", file=src)
    try:
        data = open_package(src.read_bytes(), src.suffix).data
        wb = load_workbook(io.BytesIO(data), keep_vba=False)
    except PackageError as err:
        raise NoticeError(err.message, file=src) from None
    except OSError:
        raise
    except Exception as exc:
        raise NoticeError(f"无法读取此文件以生成编号副本（{type(exc).__name__}）", file=src) from None
    wb.vba_archive = None
    wb.template = False
    strip_active_content(wb)        # no external links, DDE, file:// links from the return (issue 17)
    cap_long_text(wb)
    sheet = load_contract().sheet("spotcheck")
    titles = {c.key: c.title for c in sheet.columns}
    ws = wb[sheet.title] if sheet.title in wb.sheetnames else None
    if ws is None:
        raise NoticeError(f"找不到“{sheet.title}”工作表，无法写入整改通知书编号", file=src)
    cols: dict[str, int] = {}
    for row in ws.iter_rows(min_row=1, max_row=10):
        for cell in row:
            for key in ("notice_no", "notice_date", "deadline"):
                if cell.value is not None and str(cell.value).strip().rstrip("*＊") == titles[key]:
                    cols.setdefault(key, cell.column)
        if len(cols) == 3:
            break
    if len(cols) < 3:
        raise NoticeError(f"“{sheet.title}”工作表中找不到整改通知书编号、通知下发日期或整改期限列", file=src)
    for n in notices:
        for r in n.items.get("source_row", []):
            try:
                row = int(r)
            except (TypeError, ValueError):
                continue
            write_text(ws.cell(row, cols["notice_no"]), n.number)
            for key, value in (("notice_date", n.issue_date), ("deadline", n.deadline)):
                cell = ws.cell(row, cols[key])
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out


REGISTER_COLUMNS = [
    ("序号", 6), ("通知书编号", 22), ("城市", 10), ("工程名称", 30), ("工程地点", 24), ("建设单位", 26),
    ("施工单位", 26), ("施工单位统一社会信用代码", 22), ("监理单位", 26), ("不合格项数", 10), ("检测项目", 28),
    ("签发机关", 26), ("签发日期", 12), ("整改期限", 12), ("期限依据", 26), ("期限说明", 40),
    ("已记录的通知书编号", 24), ("文件名", 50),
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
            n.supervisor, len(n.items), items, n.authority, n.issue_date, n.deadline, n.deadline_basis,
            n.deadline_note, "、".join(n.recorded_nos), n.file_name or (n.path.name if n.path else ""),
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
