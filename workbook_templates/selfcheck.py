"""The 自查 sheet: per sheet, how many cells of each class of problem the workbook highlights.

Counted from a detail table (one row per column, one SUMPRODUCT per class, the same conditions
as the conditional formats) and the cross-field checks (one row per declared check); a sheet says
已填写完整 only when every count is zero. An optional sheet left empty says so rather than
尚未填写. Split out of builder.py (issue 14) into one method per block of the sheet.
"""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter as L
from openpyxl.utils import quote_sheetname

from workbook_templates import crossfield
from workbook_templates.cellchecks import letters_of
from workbook_templates.contract import SELFCHECK_SHEET, Column, Sheet
from workbook_templates.crossfield import error_safe
from workbook_templates.style import BORDER, CLASS_TIP, CLASSES, FONT, OK_FILL, heading_row

OPTIONAL_EMPTY = "无需填写（选填）"


@dataclass(frozen=True)
class _Layout:
    """Where each block of the 自查 sheet sits (rows and columns, 1-based)."""
    first_cls: int      # column of the first class count (E: 缺必填项, where earlier versions had it)
    last_cls: int
    tip_col: int
    total: int          # the 合计 row
    cross_head: int
    cross_first: int
    cross_last: int
    spot_head: int
    detail_head: int
    detail_first: int
    detail_last: int


class SelfCheckSheet:
    """Mixin of the workbook builder: needs ``self.wb``, ``self.contract``, ``self.campaign``,
    ``self.city``, ``self._problems`` and ``self._print_setup``."""

    def _selfcheck(self) -> None:
        ws = self.wb.create_sheet(SELFCHECK_SHEET)
        sheets = self.contract.sheets
        checks = [c for s in sheets for c in self.contract.checks_of(s.key)]
        detail = self._selfcheck_detail_items()
        spot = next((s for s in sheets if s.key == "spotcheck"), None)
        ncls = len(CLASSES)
        first_cls = 5
        last_cls = first_cls + ncls - 1     # J
        total = 4 + len(sheets)
        cross_head = total + 2
        cross_first, cross_last = cross_head + 2, cross_head + 1 + len(checks)
        spot_head = cross_last + 2
        detail_head = spot_head + (5 if spot else 0)
        lay = _Layout(first_cls, last_cls, last_cls + 1, total, cross_head, cross_first, cross_last,
                      spot_head, detail_head, detail_head + 2, detail_head + 2 + len(detail) - 1)
        self._selfcheck_heading(ws, lay)
        for r, sheet in enumerate(sheets, 4):
            self._selfcheck_sheet_row(ws, lay, r, sheet, bool(checks))
        self._selfcheck_total(ws, lay)
        self._selfcheck_cross(ws, lay, checks)
        if spot:
            self._selfcheck_spot(ws, lay, spot)
        self._selfcheck_detail(ws, lay, detail)
        self._selfcheck_formats(ws, lay)
        self._print_setup(ws, landscape=True)
        ws.protection.sheet = True

    def _selfcheck_detail_items(self) -> list[tuple[Sheet, Column, dict[str, str]]]:
        """Every column that can be highlighted, with its conditions by class (cell or range refs)."""
        detail: list[tuple[Sheet, Column, dict[str, str]]] = []
        for sheet in self.contract.sheets:
            for i, col in enumerate(sheet.columns, 1):
                if sheet.kind == "form":
                    if col.locked and (self.city or col.key == "city_code"):
                        continue
                    probs = self._problems(col, f"{quote_sheetname(sheet.title)}!$B${i + 1}", None)
                else:
                    last_row = sheet.rows + 1
                    q = quote_sheetname(sheet.title)
                    letter, status = L(i), L(len(sheet.columns) + 1)
                    probs = self._problems(col, f"{q}!${letter}$2:${letter}${last_row}",
                                           f"{q}!${status}$2:${status}${last_row}")
                if probs:
                    detail.append((sheet, col, probs))
        return detail

    def _selfcheck_heading(self, ws, lay: _Layout) -> None:
        tip_col = lay.tip_col
        ws["A1"] = f"{self.campaign.year}年质量月活动填报自查（本表自动计算，无需填写）"
        ws["A1"].font = Font(name=FONT, bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=tip_col)
        ws["A2"] = ("各表中浅红色为必填未填，黄色为格式、范围、下拉列表或代码校验有误，橙色为关联信息不符；"
                    "下表按类别统计标色的单元格，全部为 0 时显示“已填写完整”。")
        ws["A2"].alignment = Alignment(wrap_text=True, vertical="center")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=tip_col)
        ws.row_dimensions[2].height = 30
        heads = ("工作表", "对应活动", "已填行数", "完整行数") + tuple(h for _, h, _ in CLASSES) + ("提示",)
        heading_row(ws, 3, heads)
        ws.row_dimensions[3].height = 30
        widths = (14, 26, 8, 8) + (8,) * len(CLASSES) + (46,)
        for c, w in enumerate(widths, 1):
            ws.column_dimensions[L(c)].width = w

    def _selfcheck_sheet_row(self, ws, lay: _Layout, r: int, sheet: Sheet, has_checks: bool) -> None:
        """Row ``r``: one sheet's counts by class (summed from the detail and cross-field tables) and its tip."""
        first_cls, last_cls, tip_col = lay.first_cls, lay.last_cls, lay.tip_col
        ws.cell(r, 1, sheet.title)
        ws.cell(r, 2, sheet.activity or "基本情况")
        for k, (cls, _, _) in enumerate(CLASSES):
            c = first_cls + k
            if cls == "cross":
                f = (f"=SUMIF($A${lay.cross_first}:$A${lay.cross_last},$A{r},{L(c)}${lay.cross_first}:{L(c)}${lay.cross_last})"
                     if has_checks else "=0")
            else:
                f = f"=SUMIF($A${lay.detail_first}:$A${lay.detail_last},$A{r},{L(c)}${lay.detail_first}:{L(c)}${lay.detail_last})"
            ws.cell(r, c, f)
        problems = f"SUM({L(first_cls)}{r}:{L(last_cls)}{r})"
        parts = "&".join(f'IF({L(first_cls + k)}{r}>0,"{CLASS_TIP[cls][0]}"&{L(first_cls + k)}{r}&"{CLASS_TIP[cls][1]} ","")'
                         for k, (cls, _, _) in enumerate(CLASSES))
        if sheet.kind == "form":
            ws.cell(r, 3, "—")
            ws.cell(r, 4, "—")
            ws.cell(r, tip_col, f'=IF({problems}=0,"已填写完整","需修改："&{parts})')
        else:
            last_row = sheet.rows + 1
            q = quote_sheetname(sheet.title)
            status = L(len(sheet.columns) + 1)
            srange = f"{q}!${status}$2:${status}${last_row}"
            ws.cell(r, 3, f'=COUNTIF({srange},"?*")')
            ws.cell(r, 4, f'=COUNTIF({srange},"完整")')
            empty = OPTIONAL_EMPTY if sheet.optional else "尚未填写"
            ws.cell(r, tip_col, f'=IF({problems}>0,"需修改："&{parts},IF(C{r}=0,"{empty}","已填写完整"))')
        for c in range(1, tip_col + 1):
            ws.cell(r, c).border = BORDER
        ws.cell(r, tip_col).alignment = Alignment(wrap_text=True, vertical="center")

    def _selfcheck_total(self, ws, lay: _Layout) -> None:
        total, first_cls, last_cls, tip_col = lay.total, lay.first_cls, lay.last_cls, lay.tip_col
        ws.cell(total, 1, "合计").font = Font(name=FONT, bold=True)
        for c in range(3, last_cls + 1):
            ws.cell(total, c, f"=SUM({L(c)}4:{L(c)}{total - 1})")
        ws.cell(total, tip_col, f'=IF(SUM({L(first_cls)}{total}:{L(last_cls)}{total})=0,"全部工作表未发现标色的单元格",'
                                f'"共有 "&SUM({L(first_cls)}{total}:{L(last_cls)}{total})&" 处需要修改，见上表各行提示")')
        for c in range(1, tip_col + 1):
            ws.cell(total, c).border = BORDER

    def _selfcheck_cross(self, ws, lay: _Layout, checks) -> None:
        """The cross-field checks, one row each (the declarations in the contract)."""
        cross_head, last_cls = lay.cross_head, lay.last_cls
        ws.cell(cross_head, 1, "关联信息检查（橙色单元格）").font = Font(name=FONT, bold=True)
        heading_row(ws, cross_head + 1, ("工作表", "检查内容") + ("",) * (last_cls - 3) + ("处数",))
        ws.merge_cells(start_row=cross_head + 1, start_column=2, end_row=cross_head + 1, end_column=last_cls - 1)
        for r, chk in enumerate(checks, lay.cross_first):
            sheet = self.contract.sheet(chk.sheet)
            q = quote_sheetname(sheet.title)
            last_row = sheet.rows + 1
            letters = letters_of(sheet)
            cond = crossfield.excel(chk.when, lambda k: letters.get(k) and f"{q}!${letters[k]}$2:${letters[k]}${last_row}")
            ws.cell(r, 1, sheet.title)
            ws.cell(r, 2, f"{sheet.column(chk.target).title}：{chk.label}")
            ws.cell(r, last_cls, f"=SUMPRODUCT(--{error_safe(cond)})")
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=last_cls - 1)
            for c in range(1, last_cls + 1):
                ws.cell(r, c).border = BORDER

    def _selfcheck_spot(self, ws, lay: _Layout, spot: Sheet) -> None:
        """监督抽测要点: how many items the city itself judged 不合格 / 需复检."""
        spot_head = lay.spot_head
        q = quote_sheetname(spot.title)
        last_row = spot.rows + 1
        S = {c.key: L(i) for i, c in enumerate(spot.columns, 1)}
        ws.cell(spot_head, 1, "监督抽测要点").font = Font(name=FONT, bold=True)
        rows = (
            ("填写判定为不合格的项目数", f'=COUNTIF({q}!${S["stated"]}$2:${S["stated"]}${last_row},"不合格")'),
            ("填写判定为需复检的项目数", f'=COUNTIF({q}!${S["stated"]}$2:${S["stated"]}${last_row},"需复检")'),
        )
        for i, (label, formula) in enumerate(rows, 1):
            ws.cell(spot_head + i, 1, label)
            ws.merge_cells(start_row=spot_head + i, start_column=1, end_row=spot_head + i, end_column=2)
            ws.cell(spot_head + i, 3, formula)

    def _selfcheck_detail(self, ws, lay: _Layout, detail) -> None:
        """The detail table: one row per column that can be highlighted, one SUMPRODUCT per class."""
        detail_head, first_cls, last_cls = lay.detail_head, lay.first_cls, lay.last_cls
        ws.cell(detail_head, 1, "各栏目明细（数字大于 0 的栏目有标色的单元格，请到该表该列查找）").font = Font(name=FONT, bold=True)
        heading_row(ws, detail_head + 1, ("工作表", "栏目", "", "") + tuple(h for cls, h, _ in CLASSES if cls != "cross"))
        ws.merge_cells(start_row=detail_head + 1, start_column=2, end_row=detail_head + 1, end_column=4)
        ws.row_dimensions[detail_head + 1].height = 30
        for r, (sheet, col, probs) in enumerate(detail, lay.detail_first):
            ws.cell(r, 1, sheet.title)
            ws.cell(r, 2, col.title)
            for k, (cls, _, _) in enumerate(CLASSES):
                if cls in probs:
                    ws.cell(r, first_cls + k, f"=SUMPRODUCT(--{error_safe(probs[cls])})")
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
            for c in range(1, last_cls):
                ws.cell(r, c).border = BORDER

    def _selfcheck_formats(self, ws, lay: _Layout) -> None:
        """Fonts, and the fills that colour non-zero counts and the 已填写完整 tips."""
        for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
            for cell in row:
                if cell.font is None or not cell.font.bold:
                    cell.font = Font(name=FONT, color=cell.font.color if cell.font else None)
        add = ws.conditional_formatting.add
        for lo, hi in ((4, lay.total), (lay.cross_first, lay.cross_last), (lay.detail_first, lay.detail_last)):
            if hi < lo:
                continue
            for k, (cls, _, fill) in enumerate(CLASSES):
                if lo == lay.cross_first and cls != "cross":
                    continue
                c = L(lay.first_cls + k)
                add(f"{c}{lo}:{c}{hi}", FormulaRule(formula=[f"AND(ISNUMBER({c}{lo}),{c}{lo}>0)"], fill=fill))
        tip = L(lay.tip_col)
        add(f"{tip}4:{tip}{lay.total - 1}", FormulaRule(formula=[f'{tip}4="已填写完整"'], fill=OK_FILL))
