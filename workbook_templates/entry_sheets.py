"""The data-entry sheets: the 基本信息 form (one field per row) and the activity tables (one record
per row), with their drop-downs, prompts, conditional formats, 填写状态 and 参考判定 columns.

Split out of builder.py (issue 14).
"""
from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from workbook_templates import crossfield
from workbook_templates.cellchecks import letters_of
from workbook_templates.contract import REFERENCE_TITLE, STATUS_TITLE, Column, Sheet
from workbook_templates.crossfield import error_safe
from workbook_templates.reference import REFERENCE_HELP
from workbook_templates.style import (
    BORDER, CLASS_FILL, DATE_MAX, DATE_MIN, FAIL_FILL, FONT, HEADER_FILL, LOCKED_FILL, MISSING_FILL,
    REQUIRED_FILL, TEXT_TYPES, UNLOCKED, excel_serial, num,
)


class EntrySheets:
    """Mixin of the workbook builder: needs ``self.wb``, ``self.contract``, ``self.campaign``,
    ``self.city``, ``self.list_ranges``, ``self.city_code_col`` and the other mixins' methods."""

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
                      formula1=num(lo), formula2=num(hi))
            kind = "整数" if col.type == "int" else "数值"
            error = f"请输入 {num(lo)}～{num(hi)} 之间的{kind}"
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
            prompt = prompt or f"18 位{what}，校验位有误时单元格显示黄色"
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
            hint = {"phone": "请用半角数字。", "date": "请填日期，如 2022-10-08，不要写成 2022.10.8。"}.get(col.type, "")
            note = ws.cell(r, 3, ("必填。" if col.required else "") + (col.help or "") + ("；" if col.help and hint else "") + hint)
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
            if not (col.locked and (self.city or col.key == "city_code")):
                for cls, expr in self._problems(col, value.coordinate, None).items():
                    ws.conditional_formatting.add(value.coordinate, FormulaRule(formula=[error_safe(expr)], fill=CLASS_FILL[cls]))
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
        last_letter = status_letter
        if sheet.key == "spotcheck":
            last_letter = get_column_letter(ncol + 1)
            head = ws.cell(1, ncol + 1, REFERENCE_TITLE)
            head.font = Font(name=FONT, bold=True, color="FFFFFF")
            head.fill = PatternFill("solid", fgColor="548235")
            head.alignment = Alignment(horizontal="center", vertical="center")
            ws.column_dimensions[last_letter].width = 11
            for r in range(2, last_row + 1):
                ws.cell(r, ncol + 1, self._reference_formula(sheet, r))
            ref = f"{last_letter}2:{last_letter}{last_row}"
            dv = DataValidation(allow_blank=True, showInputMessage=True)
            dv.promptTitle = REFERENCE_TITLE
            dv.prompt = REFERENCE_HELP[:255]
            dv.add(f"{last_letter}1:{last_letter}{last_row}")
            ws.add_data_validation(dv)
            ws.conditional_formatting.add(ref, FormulaRule(formula=[f'{last_letter}2="不合格"'], font=Font(color="C00000", bold=True)))
        table = Table(displayName=f"T_{sheet.key}", ref=f"A1:{last_letter}{last_row}")
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
        add = ws.conditional_formatting.add
        for cls, expr in self._problems(col, f"{letter}2", f"${status}2").items():
            add(ref, FormulaRule(formula=[error_safe(expr)], fill=CLASS_FILL[cls]))
        # cross-field checks, from their one declaration in the contract (the validator reads the same)
        keys = letters_of(sheet)
        for chk in self.contract.checks_of(sheet.key):
            if chk.target == col.key:
                add(ref, FormulaRule(formula=[error_safe(crossfield.excel(chk.when, lambda k: keys.get(k) and f"${keys[k]}2"))],
                                     fill=FAIL_FILL))
