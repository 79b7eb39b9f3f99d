"""Build the official city workbook from the contract and the campaign settings.

Everything the workbook does without Python lives here: Excel tables, drop-downs fed by
ranges on the hidden 字典 sheet, bounds and date windows, Chinese prompts and errors,
conditional formats for missing or non-conforming cells, a 自查 sheet of native formulas,
protection, print setup, and a very-hidden metadata sheet that identifies the file.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from addin.infra.atomic import atomic_path
from addin.campaign.settings import Campaign, City
from workbook_templates.printing import a4_setup
from workbook_templates.contract import (
    DICT_SHEET, GUIDE_SHEET, META_SHEET, SELFCHECK_SHEET, STATUS_TITLE,
    Column, Contract, Sheet, load_contract,
)

FONT = "等线"
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
REQUIRED_FILL = PatternFill("solid", fgColor="9C2A2A")
LOCKED_FILL = PatternFill("solid", fgColor="E7E6E6")
MISSING_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FILL = PatternFill("solid", fgColor="FFEB9C")
FAIL_FILL = PatternFill("solid", fgColor="F8CBAD")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNLOCKED = Protection(locked=False)
TEXT_TYPES = {"text", "longtext", "credit_code", "phone", "idno", "url", "numbers", "choice", "yesno"}
DATE_MIN, DATE_MAX = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
EXCEL_EPOCH = dt.date(1899, 12, 30)


def excel_serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


def excel_date(day: dt.date) -> str:
    return f"DATE({day.year},{day.month},{day.day})"


def workbook_filename(campaign: Campaign, city: City | None) -> str:
    who = city.name if city else "通用空白"
    return f"{campaign.year}年质量月活动填报表_{who}.xlsx"


class _Builder:
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
        ws.sheet_state = "hidden"
        ws.protection.sheet = True

    def _validation(self, col: Column, ref: str) -> DataValidation | None:
        prompt = col.help or ""
        kw: dict = {}
        if col.type in ("choice", "yesno"):
            kw = dict(type="list", formula1=self.list_ranges[col.choices])
            error = f"请从下拉列表中选择：{'、'.join(self.contract.choice_lists[col.choices][:8])}"
            prompt = prompt or "请从下拉列表中选择"
        elif col.type in ("int", "number"):
            lo = 0 if col.min is None else col.min
            hi = 1e9 if col.max is None else col.max
            kw = dict(type="whole" if col.type == "int" else "decimal", operator="between",
                      formula1=_num(lo), formula2=_num(hi))
            kind = "整数" if col.type == "int" else "数值"
            error = f"请输入 {_num(lo)}～{_num(hi)} 之间的{kind}"
            prompt = prompt or error
        elif col.type == "date":
            lo, hi = (self.campaign.activity_start, self.campaign.activity_end) if col.window else (DATE_MIN, DATE_MAX)
            kw = dict(type="date", operator="between", formula1=str(excel_serial(lo)), formula2=str(excel_serial(hi)))
            error = f"请输入 {lo:%Y-%m-%d} 至 {hi:%Y-%m-%d} 之间的日期，格式如 {lo:%Y-%m-%d}"
            prompt = prompt or ("活动期间的日期，" if col.window else "") + f"格式如 {lo:%Y-%m-%d}"
        elif col.type in ("credit_code", "idno"):
            kw = dict(type="textLength", operator="equal", formula1="18")
            what = "统一社会信用代码" if col.type == "credit_code" else "身份证号"
            error = f"{what}应为 18 位"
            prompt = prompt or f"18 位{what}（校验位由加载项或汇总时检查）"
        elif col.type == "phone":
            kw = dict(type="textLength", operator="between", formula1="7", formula2="20")
            error = "电话号码长度应为 7～20 位"
            prompt = prompt or "手机号或带区号的固定电话，如 0771-2260119"
        else:
            if not prompt:
                return None
            error = ""
        dv = DataValidation(allow_blank=True, showInputMessage=bool(prompt), showErrorMessage=bool(error), **kw)
        dv.promptTitle = col.title[:32]
        dv.prompt = prompt[:255]
        if error:
            dv.errorTitle = "输入有误"
            dv.error = error[:255]
            dv.errorStyle = "stop"
        dv.add(ref)
        return dv

    def _form(self, sheet: Sheet) -> None:
        ws = self.wb.create_sheet(sheet.title)
        for c, (title, width) in enumerate((("项目", 22), ("填写内容", 40), ("说明", 50)), 1):
            cell = ws.cell(1, c, title)
            cell.font = Font(name=FONT, bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center")
            ws.column_dimensions[get_column_letter(c)].width = width
        for r, col in enumerate(sheet.columns, 2):
            ws.row_dimensions[r].height = 22
            label = ws.cell(r, 1, col.title)
            label.font = Font(name=FONT, bold=col.required, color="9C2A2A" if col.required else "000000")
            label.border = BORDER
            value = ws.cell(r, 2)
            value.border = BORDER
            value.font = Font(name=FONT)
            note = ws.cell(r, 3, ("必填。" if col.required else "") + (col.help or ""))
            note.font = Font(name=FONT, color="595959")
            note.alignment = Alignment(wrap_text=True, vertical="center")
            if col.type in TEXT_TYPES:
                value.number_format = "@"
            if col.type == "date":
                value.number_format = "yyyy-mm-dd"
            if col.key == "city" and self.city:
                value.value = self.city.name
            elif col.key == "city_code" and self.city:
                value.value = self.city.code
            elif col.key == "city":
                dv = DataValidation(type="list", formula1=self.list_ranges["城市"], allow_blank=False,
                                    showErrorMessage=True, showInputMessage=True)
                dv.error, dv.errorTitle, dv.prompt, dv.promptTitle = "请从下拉列表中选择本市名称", "输入有误", "请选择本市名称", "城市"
                dv.add(value.coordinate)
                ws.add_data_validation(dv)
            elif col.key == "city_code":
                names = self.list_ranges["城市"]
                codes = names.replace(f"${names.split('!$')[1][0]}$", f"${get_column_letter(self.city_code_col)}$")
                value.value = f'=IFERROR(INDEX({codes},MATCH(B{r - 1},{names},0)),"")'
            if col.locked and (self.city or col.key == "city_code"):
                value.fill = LOCKED_FILL
                value.protection = Protection(locked=True)
            else:
                value.protection = UNLOCKED
                if col.key != "city":
                    dv = self._validation(col, value.coordinate)
                    if dv:
                        ws.add_data_validation(dv)
            if col.required:
                ws.conditional_formatting.add(
                    value.coordinate,
                    FormulaRule(formula=[f'LEN(TRIM({value.coordinate}))=0'], fill=MISSING_FILL, stopIfTrue=False),
                )
        ws.freeze_panes = "A2"
        self._print_setup(ws, landscape=False)
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False

    def _table(self, sheet: Sheet) -> None:
        ws = self.wb.create_sheet(sheet.title)
        n = sheet.rows
        last_row = n + 1
        ncol = len(sheet.columns) + 1
        status_letter = get_column_letter(ncol)
        for c, col in enumerate(sheet.columns, 1):
            letter = get_column_letter(c)
            cell = ws.cell(1, c, col.title)
            cell.font = Font(name=FONT, bold=True, color="FFFFFF")
            cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BORDER
            ws.column_dimensions[letter].width = col.width
            fmt = "yyyy-mm-dd" if col.type == "date" else ("@" if col.type in TEXT_TYPES else ("0" if col.type == "int" else "General"))
            for r in range(2, last_row + 1):
                d = ws.cell(r, c)
                d.protection = UNLOCKED
                d.number_format = fmt
                if col.type == "longtext":
                    d.alignment = Alignment(wrap_text=True, vertical="top")
            ref = f"{letter}2:{letter}{last_row}"
            dv = self._validation(col, ref)
            if dv:
                ws.add_data_validation(dv)
            self._column_formats(ws, sheet, col, letter, status_letter, last_row)
        # per-row status, a native formula: blank for an empty row, else 完整 / 缺N项
        head = ws.cell(1, ncol, STATUS_TITLE)
        head.font = Font(name=FONT, bold=True, color="FFFFFF")
        head.fill = PatternFill("solid", fgColor="548235")
        head.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[status_letter].width = 10
        last_data = get_column_letter(ncol - 1)
        for r in range(2, last_row + 1):
            missing = "+".join(f'(LEN(TRIM({get_column_letter(i)}{r}))=0)'
                               for i, col in enumerate(sheet.columns, 1) if col.required) or "0"
            ws.cell(r, ncol, f'=IF(COUNTA(A{r}:{last_data}{r})=0,"",IF({missing}=0,"完整","缺"&({missing})&"项"))')
        ws.conditional_formatting.add(
            f"{status_letter}2:{status_letter}{last_row}",
            FormulaRule(formula=[f'LEFT({status_letter}2,1)="缺"'], fill=MISSING_FILL),
        )
        table = Table(displayName=f"T_{sheet.key}", ref=f"A1:{status_letter}{last_row}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
        ws.row_dimensions[1].height = 32
        ws.freeze_panes = "B2" if len(sheet.columns) > 8 else "A2"
        self._print_setup(ws, landscape=True)
        p = ws.protection
        p.sheet = True
        p.formatColumns = p.formatRows = p.formatCells = False
        p.insertRows = p.deleteRows = p.sort = p.autoFilter = p.insertHyperlinks = False

    def _column_formats(self, ws, sheet: Sheet, col: Column, letter: str, status: str, last_row: int) -> None:
        ref = f"{letter}2:{letter}{last_row}"
        c2 = f"{letter}2"
        add = ws.conditional_formatting.add
        if col.required:
            add(ref, FormulaRule(formula=[f'AND(${status}2<>"",LEN(TRIM({c2}))=0)'], fill=MISSING_FILL))
        if col.type == "date":
            lo, hi = (self.campaign.activity_start, self.campaign.activity_end) if col.window else (DATE_MIN, DATE_MAX)
            add(ref, FormulaRule(formula=[f'AND({c2}<>"",OR(NOT(ISNUMBER({c2})),{c2}<{excel_date(lo)},{c2}>{excel_date(hi)}))'], fill=BAD_FILL))
        if col.type in ("int", "number"):
            cond = [f"NOT(ISNUMBER({c2}))"]
            if col.min is not None:
                cond.append(f"{c2}<{_num(col.min)}")
            if col.max is not None:
                cond.append(f"{c2}>{_num(col.max)}")
            add(ref, FormulaRule(formula=[f'AND({c2}<>"",OR({",".join(cond)}))'], fill=BAD_FILL))
        if col.type in ("credit_code", "idno"):
            add(ref, FormulaRule(formula=[f'AND({c2}<>"",LEN(TRIM({c2}))<>18)'], fill=BAD_FILL))
        # cross-field checks the workbook can tell natively (the validator checks the same, and more)
        keys = {c.key: get_column_letter(i) for i, c in enumerate(sheet.columns, 1)}
        for target, formula in _CROSS_CHECKS.get(sheet.key, {}).items():
            if target == col.key:
                add(ref, FormulaRule(formula=[formula.format(**keys)], fill=FAIL_FILL))

    def _selfcheck(self) -> None:
        ws = self.wb.create_sheet(SELFCHECK_SHEET)
        ws["A1"] = f"{self.campaign.year}年质量月活动填报自查（本表自动计算，无需填写）"
        ws["A1"].font = Font(name=FONT, bold=True, size=14)
        ws.merge_cells("A1:F1")
        heads = ("工作表", "对应活动", "已填行数", "完整行数", "缺必填项", "提示")
        for c, h in enumerate(heads, 1):
            cell = ws.cell(3, c, h)
            cell.font = Font(name=FONT, bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center")
        widths = (18, 30, 10, 10, 10, 44)
        for c, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(c)].width = w
        r = 4
        for sheet in self.contract.sheets:
            q = quote_sheetname(sheet.title)
            ws.cell(r, 1, sheet.title)
            ws.cell(r, 2, sheet.activity or "基本情况")
            if sheet.kind == "form":
                cells = [f"{q}!B{i}" for i, col in enumerate(sheet.columns, 2) if col.required]
                ws.cell(r, 3, "—")
                ws.cell(r, 4, "—")
                ws.cell(r, 5, "=" + "+".join(f"(LEN(TRIM({c}))=0)" for c in cells))
                ws.cell(r, 6, f'=IF(E{r}=0,"已填写完整","请补填基本信息中的必填项")')
            else:
                last_row = sheet.rows + 1
                status = get_column_letter(len(sheet.columns) + 1)
                srange = f"{q}!${status}$2:${status}${last_row}"
                ws.cell(r, 3, f'=COUNTIF({srange},"?*")')
                ws.cell(r, 4, f'=COUNTIF({srange},"完整")')
                terms = []
                for i, col in enumerate(sheet.columns, 1):
                    if col.required:
                        L = get_column_letter(i)
                        terms.append(f'SUMPRODUCT(({srange}<>"")*(LEN(TRIM({q}!${L}$2:${L}${last_row}))=0))')
                ws.cell(r, 5, "=" + "+".join(terms))
                ws.cell(r, 6, f'=IF(C{r}=0,"尚未填写",IF(E{r}=0,"已填写完整","有 "&E{r}&" 个必填项未填，见该表“{STATUS_TITLE}”列"))')
            for c in range(1, 7):
                ws.cell(r, c).border = BORDER
            r += 1
        total = r
        ws.cell(total, 1, "合计").font = Font(name=FONT, bold=True)
        ws.cell(total, 3, f"=SUM(C4:C{total - 1})")
        ws.cell(total, 4, f"=SUM(D4:D{total - 1})")
        ws.cell(total, 5, f"=SUM(E4:E{total - 1})")
        ws.cell(total, 6, f'=IF(E{total}=0,"全部必填项已填写","尚有 "&E{total}&" 个必填项未填")')
        # spot-check specifics
        spot = next((s for s in self.contract.sheets if s.key == "spotcheck"), None)
        if spot:
            q = quote_sheetname(spot.title)
            last_row = spot.rows + 1
            L = {c.key: get_column_letter(i) for i, c in enumerate(spot.columns, 1)}
            r = total + 2
            ws.cell(r, 1, "监督抽测要点").font = Font(name=FONT, bold=True)
            rows = (
                ("判定为不合格的项目数", f'=COUNTIF({q}!${L["stated"]}$2:${L["stated"]}${last_row},"不合格")'),
                ("不合格但未填整改通知书编号", f'=COUNTIFS({q}!${L["stated"]}$2:${L["stated"]}${last_row},"不合格",{q}!${L["notice_no"]}$2:${L["notice_no"]}${last_row},"")'),
                ("需复检的项目数", f'=COUNTIF({q}!${L["stated"]}$2:${L["stated"]}${last_row},"需复检")'),
            )
            for i, (label, formula) in enumerate(rows, 1):
                ws.cell(r + i, 1, label)
                ws.cell(r + i, 3, formula)
            ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=2)
            ws.merge_cells(start_row=r + 2, start_column=1, end_row=r + 2, end_column=2)
            ws.merge_cells(start_row=r + 3, start_column=1, end_row=r + 3, end_column=2)
        for row in ws.iter_rows(min_row=4, max_row=ws.max_row):
            for cell in row:
                if cell.font is None or not cell.font.bold:
                    cell.font = Font(name=FONT)
        ws.conditional_formatting.add(f"E4:E{total}", FormulaRule(formula=["AND(ISNUMBER(E4),E4>0)"], fill=MISSING_FILL))
        self._print_setup(ws, landscape=False)
        ws.protection.sheet = True

    def _guide(self, ws) -> None:
        camp = self.campaign
        ws.column_dimensions["A"].width = 18
        ws.column_dimensions["B"].width = 22
        ws.column_dimensions["C"].width = 10
        ws.column_dimensions["D"].width = 70
        lines = [
            (f"{camp.year}年全区房屋市政工程“质量月”活动情况填报表", "title"),
            (f"依据：{camp.notice_title}（{camp.doc_number}）", None),
            (f"填报城市：{self.city.name}（{self.city.code}）" if self.city else "填报城市：请在“基本信息”表中选择", None),
            (f"活动时间：{camp.activity_start:%Y年%m月%d日}至{camp.activity_end:%Y年%m月%d日}；报送截止：{camp.report_deadline:%Y年%m月%d日}", None),
            (f"联系人：{camp.contact.get('department', '')} {camp.contact.get('name', '')}，电话 {camp.contact.get('phone', '')}", None),
            ("", None),
            ("填写须知", "h"),
            ("1. 每个活动一张表，一行填一条记录；表头为红色的列为必填项。", None),
            ("2. 选中单元格会显示填写提示；有下拉箭头的列请从列表中选择；日期格式如 2022-09-15。", None),
            ("3. 每行最右侧“填写状态”列自动显示“完整”或“缺N项”；“自查”表汇总各表的填写情况，报送前请确认缺必填项为 0。", None),
            ("4. 浅红色底色表示必填未填，黄色表示数值、日期或代码格式有误，橙色表示需要补充的关联信息（如不合格项未填整改通知书）。", None),
            ("5. 请勿修改表头、增删工作表或更改文件结构；城市名称和代码已锁定。照片、视频等附件与本文件放在同一文件夹报送。", None),
            ("6. 抽测“判定”请按实测值和标准填写，汇总时将按国家标准复核；复核结果与填写不一致的，将列入校验问题清单。", None),
            ("", None),
            ("各表填写说明", "h"),
        ]
        r = 1
        for text, kind in lines:
            cell = ws.cell(r, 1, text)
            if kind == "title":
                cell.font = Font(name=FONT, bold=True, size=16)
            elif kind == "h":
                cell.font = Font(name=FONT, bold=True, size=12, color="1F4E78")
            else:
                cell.font = Font(name=FONT)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
            r += 1
        for c, h in enumerate(("工作表", "栏目", "必填", "说明"), 1):
            cell = ws.cell(r, c, h)
            cell.font = Font(name=FONT, bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
        r += 1
        for sheet in self.contract.sheets:
            for col in sheet.columns:
                ws.cell(r, 1, sheet.title)
                ws.cell(r, 2, col.title)
                ws.cell(r, 3, "是" if col.required else "")
                ws.cell(r, 4, _describe(self.contract, self.campaign, col))
                for c in range(1, 5):
                    ws.cell(r, c).font = Font(name=FONT)
                    ws.cell(r, c).border = BORDER
                    ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="top")
                r += 1
        self._print_setup(ws, landscape=False)
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


# Cross-field checks the workbook shows natively, per sheet: target column -> formula
# (row 2, placeholders are column letters by key). The validator implements the same checks.
_CROSS_CHECKS: dict[str, dict[str, str]] = {
    "spotcheck": {
        "notice_no": 'AND(${stated}2="不合格",LEN(TRIM({notice_no}2))=0)',
        "deadline": 'OR(AND(${stated}2="不合格",LEN(TRIM({deadline}2))=0),AND(ISNUMBER({deadline}2),ISNUMBER(${notice_date}2),{deadline}2<${notice_date}2))',
        "stated": 'AND(LEN(TRIM(${measured}2))>0,LEN(TRIM({stated}2))=0)',
    },
    "complaints": {
        "level": 'AND(OR(${verified}2="属实",${verified}2="部分属实"),LEN(TRIM({level}2))=0)',
        "reward": 'AND(ISNUMBER({reward}2),{reward}2>0,${real_name}2="否")',
        "closed": 'AND(ISNUMBER({closed}2),ISNUMBER(${date}2),{closed}2<${date}2)',
    },
    "appraisal": {
        "measure": 'AND(OR(${grade}2="C级",${grade}2="D级"),OR(LEN(TRIM({measure}2))=0,{measure}2="无需处理"))',
        "bad_record": 'AND(OR(${agency_qual}2="不具备",${appraiser_qual}2="不具备"),{bad_record}2<>"是")',
    },
}


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _describe(contract: Contract, campaign: Campaign, col: Column) -> str:
    parts = []
    if col.type in ("choice", "yesno"):
        values = contract.choice_lists[col.choices]
        parts.append("从下拉列表选择：" + "、".join(values[:12]) + ("等" if len(values) > 12 else ""))
    elif col.type == "date":
        parts.append(f"日期，须在活动期间（{campaign.activity_start:%m月%d日}—{campaign.activity_end:%m月%d日}）" if col.window else "日期")
    elif col.type in ("int", "number"):
        rng = f"{_num(col.min) if col.min is not None else ''}～{_num(col.max) if col.max is not None else ''}"
        parts.append(("整数" if col.type == "int" else "数值") + (f"，范围 {rng}" if rng != "～" else ""))
    elif col.type == "credit_code":
        parts.append("18 位统一社会信用代码（GB 32100-2015）")
    elif col.type == "idno":
        parts.append("18 位公民身份号码（GB 11643-1999）")
    elif col.type == "phone":
        parts.append("电话号码")
    elif col.type == "numbers":
        parts.append("一个或多个数值，用顿号或逗号分隔")
    if col.help:
        parts.append(col.help)
    if col.personal:
        parts.append("个人信息，公开时将脱敏")
    return "；".join(parts)


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
