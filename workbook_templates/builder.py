"""Build the official city workbook from the contract and the campaign settings.

Everything the workbook does without Python lives here: Excel tables, drop-downs fed by
ranges on the hidden 字典 sheet, bounds and date windows, Chinese prompts and errors,
conditional formats for missing or non-conforming cells, a 自查 sheet of native formulas,
protection, print setup, and a very-hidden metadata sheet that identifies the file.

This module assembles the workbook and writes the 字典 and _meta sheets; each sheet family has
its own module: entry_sheets (基本信息 and the activity tables), selfcheck (自查), guide (填报说明),
reference (参考判定), cellchecks (what is highlighted, shared by the formats and 自查), style.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection

from addin.infra.atomic import atomic_path
from addin.campaign.settings import Campaign, City
from workbook_templates.printing import a4_setup
from workbook_templates.contract import DICT_SHEET, GUIDE_SHEET, META_SHEET, SELFCHECK_SHEET, Contract, load_contract
# the builder is assembled from one mixin per sheet family (issue 14: readable sizes); the names
# below stay importable from here for callers and tests
from workbook_templates.cellchecks import ColumnChecks
from workbook_templates.entry_sheets import EntrySheets
from workbook_templates.guide import GuideSheet
from workbook_templates.reference import ANY_GRADE, REFERENCE_HELP, ReferenceJudgment, reference_limits
from workbook_templates.selfcheck import SelfCheckSheet
from workbook_templates.style import (  # noqa: F401  (re-exported)
    BAD_FILL, CLASS_TIP, CLASSES, FAIL_FILL, FONT, excel_date, excel_serial,
)

__all__ = ["ANY_GRADE", "REFERENCE_HELP", "BAD_FILL", "CLASS_TIP", "CLASSES", "FAIL_FILL", "build_workbook",
           "excel_date", "excel_serial", "reference_limits", "save_atomic", "workbook_filename", "write_templates"]


def workbook_filename(campaign: Campaign, city: City | None) -> str:
    from addin.infra.names import fit_name

    who = city.name if city else "通用空白"
    return fit_name(f"{campaign.year}年质量月活动填报表_{who}", ".xlsx")   # a long city name: shortened by bytes


class _Builder(EntrySheets, SelfCheckSheet, GuideSheet, ReferenceJudgment, ColumnChecks):
    """Holds what every sheet needs (contract, campaign, city, the 字典 ranges) and assembles the
    workbook; each sheet family lives in its own module (entry_sheets, selfcheck, guide, reference,
    cellchecks)."""

    def __init__(self, contract: Contract, campaign: Campaign, city: City | None):
        self.contract = contract
        self.campaign = campaign
        self.city = city
        self.wb = Workbook()
        self.list_ranges: dict[str, str] = {}

    # -- sheets -------------------------------------------------------------
    def build(self) -> Workbook:
        wb = self.wb
        guide = wb.active
        guide.title = GUIDE_SHEET
        self._dictionary()
        for sheet in self.contract.sheets:
            if sheet.kind == "form":
                self._form(sheet)
            else:
                self._table(sheet)
        self._selfcheck()
        self._guide(guide)
        self._meta()
        # 字典 and _meta last, hidden; the guide first.
        order = [GUIDE_SHEET] + [s.title for s in self.contract.sheets] + [SELFCHECK_SHEET, DICT_SHEET, META_SHEET]
        wb._sheets = [wb[name] for name in order]
        wb.active = 1
        for ws in wb.worksheets:
            ws.sheet_view.tabSelected = ws.title == self.contract.sheets[0].title
        wb.security = WorkbookProtection(lockStructure=True)
        wb.properties.title = f"{self.campaign.year}年质量月活动填报表"
        wb.properties.creator = self.campaign.authority
        fixed = dt.datetime.combine(self.campaign.notice_date, dt.time(9, 0))
        wb.properties.created = fixed
        wb.properties.modified = fixed
        return wb

    def _dictionary(self) -> None:
        ws = self.wb.create_sheet(DICT_SHEET)
        lists = dict(self.contract.choice_lists)
        lists["城市"] = tuple(c.name for c in self.campaign.cities)
        for i, (name, values) in enumerate(lists.items(), 1):
            letter = get_column_letter(i)
            ws.cell(1, i, name).font = Font(name=FONT, bold=True)
            for r, v in enumerate(values, 2):
                ws.cell(r, i, v)
            ws.column_dimensions[letter].width = 18
            last = len(values) + 1
            self.list_ranges[name] = f"{quote_sheetname(DICT_SHEET)}!${letter}$2:${letter}${last}"
        # city code lookup, next to the city list
        col = len(lists) + 1
        ws.cell(1, col, "城市代码").font = Font(name=FONT, bold=True)
        for r, c in enumerate(self.campaign.cities, 2):
            ws.cell(r, col, c.code).number_format = "@"
        self.city_code_col = col
        self._limits_table(ws, col + 2)
        ws.sheet_state = "hidden"
        ws.protection.sheet = True

    def _meta(self) -> None:
        ws = self.wb.create_sheet(META_SHEET)
        rows = (
            ("template_id", self.contract.template_id),
            ("schema_version", self.contract.schema_version),
            ("contract_hash", self.contract.hash),
            ("campaign_id", self.campaign.id),
            ("city_code", self.city.code if self.city else ""),
            ("city_name", self.city.name if self.city else ""),
        )
        for r, (k, v) in enumerate(rows, 1):
            ws.cell(r, 1, k)
            ws.cell(r, 2, v).number_format = "@"
        ws.sheet_state = "veryHidden"
        ws.protection.sheet = True

    def _print_setup(self, ws, landscape: bool) -> None:
        total_width = sum((d.width or 9) for d in ws.column_dimensions.values())
        a4_setup(ws, f"{self.city.name if self.city else ''} {ws.title}", landscape,
                 repeat_header_row=ws.title not in (GUIDE_SHEET, SELFCHECK_SHEET),
                 pages_wide=2 if landscape and total_width > 260 else 1)


def build_workbook(campaign: Campaign, city: City | None = None, contract: Contract | None = None) -> Workbook:
    return _Builder(contract or load_contract(), campaign, city).build()


def save_atomic(wb: Workbook, path: Path) -> Path:
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def _write_one(job: tuple[Campaign, City | None, str]) -> Path:
    campaign, city, out_dir = job
    wb = build_workbook(campaign, city)
    return save_atomic(wb, Path(out_dir) / workbook_filename(campaign, city))


def write_templates(campaign: Campaign, out_dir: Path, cities: list[City] | None = None,
                    generic: bool = False, jobs: int | None = None) -> list[Path]:
    """Write one workbook per city (and the generic blank one if asked) into ``out_dir``."""
    from addin.infra.batch import run_parallel

    targets: list[City | None] = list(cities or [])
    if generic:
        targets.append(None)
    jobs_list = [(campaign, city, str(out_dir)) for city in targets]
    return list(run_parallel(_write_one, jobs_list, jobs=jobs, label="生成模板", progress=False))
