"""典型问题曝光 list for the department's website (notice, activity 六).

Each exposed project with its units, the problem, the violated standard and clause, and its
photos. Photos are looked up beside the city's returned workbook (``source_file``'s folder,
or ``photo_dirs[source_file]``). The list is for publication, so it is complete or it is not
written: a missing or unreadable photo, an entry without project, problem or standard, or an
error-level finding on the 曝光 sheet stops it (:class:`NotPublishable`, a Chinese message
naming each problem); ``draft=True`` writes it anyway, with 草稿 on every page and the gaps
marked ［照片缺失：文件名］.
Nothing personal is published: the sheet has no personal columns, and free text is scrubbed
of phone numbers, ID numbers and role-introduced names.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from addin.core.errors import QmValueError
from addin.core.privacy import scrub_published
from docgen._data import as_date, frame, sort_by_city, text
from docgen.official import OfficialDocument
from docgen.report import region_word

PHOTO_SPLIT = re.compile(r"[、,，;；\n]+")
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"}


@dataclass
class Photo:
    name: str
    path: Path | None        # None: missing
    problem: str = ""        # "" | "缺失" | "无法读取"

    @property
    def placeholder(self) -> str:
        return f"［照片{self.problem or '缺失'}：{self.name}］"


@dataclass
class Exposure:
    city: str
    project: str
    location: str
    builder: str
    contractor: str
    supervisor: str
    problem: str
    standard: str
    clause: str
    date: dt.date | None
    photos: list[Photo] = field(default_factory=list)

    @property
    def violated(self) -> str:
        std, clause = self.standard, self.clause
        if not clause:
            return std
        if re.match(r"^[\d.]+$", clause):
            return f"{std}第{clause}条"
        return f"{std} {clause}"


class NotPublishable(QmValueError):
    """A document for publication that is not complete; the message lists what is missing."""


def error_findings(c, sheet_key: str) -> list[str]:
    """Messages of the error-level findings on the activity sheet ``sheet_key`` of the cities used."""
    from addin.core.findings import ERROR
    from workbook_templates.contract import load_contract

    f = getattr(c, "findings", None)
    if f is None or f.empty or "severity" not in f.columns:
        return []
    title = load_contract().sheet(sheet_key).title
    rows = f[(f["severity"] == ERROR) & (f["sheet"].astype(str) == title)]
    return [f"{text(r.get('file'))} {title}!{text(r.get('cell'))}：{text(r.get('message'))}" for _, r in rows.iterrows()]


def publication_problems(c, entries: list["Exposure"]) -> list[str]:
    """What keeps the exposure list from being published (empty: complete)."""
    out = []
    for e in entries:
        where = f"{e.city}“{e.project or '（无工程名称）'}”"
        for p in e.photos:
            if not p.path:
                out.append(f"{where}的照片{p.name}{p.problem or '缺失'}")
        if not e.photos:
            out.append(f"{where}未报送照片")
        if not e.project:
            out.append(f"{e.city}有一条曝光未填工程名称")
        if not e.problem:
            out.append(f"{where}未填存在问题")
        if not e.standard:
            out.append(f"{where}未填违反的规范")
    return out + error_findings(c, "exposure")


def split_photos(value) -> list[str]:
    return [p.strip() for p in PHOTO_SPLIT.split(text(value)) if p.strip()]


def _readable_image(path: Path) -> bool:
    from docx.image.image import Image

    try:
        Image.from_file(str(path))
        return True
    except Exception:
        return False


def find_photo(name: str, folder: Path) -> Photo:
    """The photo ``name`` inside ``folder`` (case-insensitive; never outside the folder)."""
    rel = Path(name.replace("\\", "/"))
    try:
        base = folder.resolve()
        candidate = (base / rel).resolve()
        if not candidate.is_relative_to(base):
            return Photo(name, None, "缺失")
        if not candidate.is_file() and candidate.parent.is_dir():
            low = candidate.name.lower()
            candidate = next((p for p in candidate.parent.iterdir() if p.name.lower() == low), candidate)
    except OSError:
        return Photo(name, None, "缺失")
    if not candidate.is_file():
        return Photo(name, None, "缺失")
    if candidate.suffix.lower() not in IMAGE_TYPES or not _readable_image(candidate):
        return Photo(name, None, "无法读取")
    return Photo(name, candidate)


def plan_exposures(c, photo_dirs: dict | None = None) -> list[Exposure]:
    """The exposure entries in city order, with their photos resolved."""
    df = frame(c, "exposure", ["project", "location", "builder", "contractor", "supervisor", "problem",
                               "standard", "clause", "photos", "date", "source_file", "source_row"])
    if df.empty:
        return []
    photo_dirs = {str(k): Path(v) for k, v in (photo_dirs or {}).items()}
    out = []
    for _, r in sort_by_city(df, c, "source_row").iterrows():
        src = text(r.get("source_file"))
        folder = photo_dirs.get(src) or (Path(src).parent if src else Path("."))
        out.append(Exposure(
            # a list for publication: every text field passes the one scrubber (issue 17 class 8)
            city=text(r.get("city")), project=scrub_published(r.get("project")),
            location=scrub_published(r.get("location")), builder=scrub_published(r.get("builder")),
            contractor=scrub_published(r.get("contractor")), supervisor=scrub_published(r.get("supervisor")),
            problem=scrub_published(r.get("problem")), standard=scrub_published(r.get("standard")),
            clause=scrub_published(r.get("clause")),
            date=as_date(r.get("date")),
            photos=[find_photo(n, folder) for n in split_photos(r.get("photos"))],
        ))
    return out


def build_exposure_list(c, out_path, photo_dirs: dict | None = None, *, date: dt.date | None = None,
                        fonts: dict | None = None, draft: bool = False) -> Path:
    """The 典型问题曝光 list (.docx) for the website; NotPublishable if incomplete and not ``draft``."""
    camp = c.campaign
    entries = plan_exposures(c, photo_dirs)
    problems = publication_problems(c, entries)
    if problems and not draft:
        shown = "；".join(problems[:8]) + (f"；等{len(problems)}处" if len(problems) > 8 else "")
        raise NotPublishable(f"典型问题曝光清单用于公开发布，不能带缺项生成：{shown}。"
                             "请补齐后重新汇总，或加 --draft 生成每页标注“草稿”的核对稿")
    region = region_word(camp.province)
    doc = OfficialDocument(camp, fonts, draft=draft)
    doc.title(f"{camp.year}年{region}房屋市政工程典型质量问题曝光")
    if not entries:
        doc.paragraph(f"{camp.year}年“质量月”活动期间，各地未报送典型问题曝光信息。")
    else:
        cities = list(dict.fromkeys(e.city for e in entries))
        notice = f"《{camp.notice_title}》（{camp.doc_number}）" if camp.notice_title else f"（{camp.doc_number}）"
        doc.paragraph(
            f"根据{notice}要求，现将“质量月”活动期间{len(cities)}个市报送的{len(entries)}个典型质量问题工程予以曝光。"
            "相关参建单位要严格落实工程质量主体责任，举一反三，切实整改到位。"
        )
        for city in cities:
            doc.heading1(city or "未注明城市")
            for e in (x for x in entries if x.city == city):
                doc.heading2(e.project or "（未填报工程名称）")
                if e.location:
                    doc.paragraph(f"工程地点：{e.location}")
                units = [f"建设单位：{e.builder}" if e.builder else "", f"施工单位：{e.contractor}" if e.contractor else "",
                         f"监理单位：{e.supervisor}" if e.supervisor else ""]
                doc.paragraph("；".join(u for u in units if u) + "。")
                doc.paragraph(f"存在问题：{e.problem.rstrip('。')}。")
                doc.paragraph(f"违反规范：{e.violated or '（未填报）'}。")
                shown = [p for p in e.photos if p.path]
                for p in e.photos:
                    if not p.path:
                        doc.paragraph(p.placeholder)
                if len(shown) == 1:
                    doc.image(shown[0].path, width_mm=110, caption=f"{e.project} 问题照片")
                elif shown:
                    doc.images([p.path for p in shown], width_mm=74,
                               captions=[f"照片{i}" for i in range(1, len(shown) + 1)])
                if not e.photos:
                    doc.paragraph("［未报送照片］")
    doc.signature(camp.authority, date or dt.date.today())
    return doc.save(out_path)


__all__ = ["build_exposure_list", "plan_exposures", "publication_problems", "error_findings", "NotPublishable",
           "Exposure", "Photo", "find_photo", "split_photos"]
