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
from addin.core.idcodes import ID_CHECK, ID_WEIGHTS, USCC_CHARSET, USCC_WEIGHTS
from workbook_templates import crossfield
from workbook_templates.crossfield import error_safe
from workbook_templates.printing import a4_setup
from workbook_templates.contract import (
    DICT_SHEET, GUIDE_SHEET, META_SHEET, REFERENCE_TITLE, SELFCHECK_SHEET, STATUS_TITLE,
    Column, Contract, Sheet, load_contract,
)

FONT = "等线"
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
REQUIRED_FILL = PatternFill("solid", fgColor="9C2A2A")
LOCKED_FILL = PatternFill("solid", fgColor="E7E6E6")
MISSING_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FILL = PatternFill("solid", fgColor="FFEB9C")
FAIL_FILL = PatternFill("solid", fgColor="F8CBAD")
OK_FILL = PatternFill("solid", fgColor="C6EFCE")
# the classes of problem the workbook highlights and 自查 counts: key, 自查 heading, fill
CLASSES = (
    ("missing", "缺必填项", MISSING_FILL),
    ("format", "格式有误", BAD_FILL),
    ("range", "超出范围", BAD_FILL),
    ("list", "不在下拉列表", BAD_FILL),
    ("code", "代码校验不通过", BAD_FILL),
    ("cross", "关联信息不符", FAIL_FILL),
)
CLASS_FILL = {key: fill for key, _, fill in CLASSES}
CLASS_TIP = {"missing": ("缺必填", "项"), "format": ("格式有误", "处"), "range": ("超出范围", "处"),
             "list": ("不在列表", "处"), "code": ("校验不通过", "处"), "cross": ("关联不符", "处")}
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
    from addin.infra.names import fit_name

    who = city.name if city else "通用空白"
    return fit_name(f"{campaign.year}年质量月活动填报表_{who}", ".xlsx")   # a long city name: shortened by bytes


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
        self._limits_table(ws, col + 2)
        ws.sheet_state = "hidden"
        ws.protection.sheet = True

    def _limits_table(self, ws, first: int) -> None:
        """The single-limit rules of the catalog, for the 参考判定 formulas: item, grade, spec band, limits."""
        heads = ("判定项目", "牌号", "规格下限", "规格上限", "下限", "上限", "依据")
        for i, h in enumerate(heads):
            ws.cell(1, first + i, h).font = Font(name=FONT, bold=True)
        rows = reference_limits(self.campaign.activity_start)
        for r, row in enumerate(rows, 2):
            for i, v in enumerate(row):
                ws.cell(r, first + i, v)
        last = max(2, len(rows) + 1)
        self.limit_ranges = {h: f"{quote_sheetname(DICT_SHEET)}!${get_column_letter(first + i)}$2:${get_column_letter(first + i)}${last}"
                             for i, h in enumerate(heads)}

    def _reference_formula(self, sheet: Sheet, r: int) -> str:
        """参考判定 of row r: 合格/不合格 from the limits table when every value can be read, else 由工具判定."""
        L = {c.key: get_column_letter(i) for i, c in enumerate(sheet.columns, 1)}
        item, grade, spec, measured = (f"{L[k]}{r}" for k in ("item", "grade", "spec", "measured"))
        lim = self.limit_ranges
        g = f'UPPER(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(TRIM({grade})," ",""),"-",""),"_",""),"·",""))'
        d = f"IFERROR(--TRIM({spec}),-1)"
        crit = f'{lim["判定项目"]},TRIM({item}),{lim["规格下限"]},"<="&{d},{lim["规格上限"]},">="&{d}'

        def pick(fn: str, col: str) -> str:
            pre = f"{lim[col]}," if col else ""
            return (f'({fn}({pre}{crit},{lim["牌号"]},{g})+{fn}({pre}{crit},{lim["牌号"]},"{ANY_GRADE}"))')

        norm = f"TRIM({measured})"
        for sep in ("，", ",", "；", ";", "/", " "):
            norm = f'SUBSTITUTE({norm},"{sep}","、")'
        strip = norm
        for ch in "0123456789.-、":
            strip = f'SUBSTITUTE({strip},"{ch}","")'
        minus = f'(LEN({norm})-LEN(SUBSTITUTE({norm},"-","")))'
        minus_lead = f'(LEN("、"&{norm})-LEN(SUBSTITUTE("、"&{norm},"、-","")))/2'
        seps = f'(LEN({norm})-LEN(SUBSTITUTE({norm},"、","")))'
        parts = "{" + ",".join(str(k * 99 + 1) for k in range(_MAX_VALUES)) + "}"
        part = f'TRIM(MID(SUBSTITUTE({norm},"、",REPT(" ",99)),{parts},99))'
        n_text = f"SUMPRODUCT(--(LEN({part})>0))"
        n_num = f"SUMPRODUCT(--ISNUMBER(--{part}))"
        lo, hi = pick("SUMIFS", "下限"), pick("SUMIFS", "上限")
        fails = f"SUMPRODUCT(--ISNUMBER(1/(((--{part})<{lo})+((--{part})>{hi}))))"
        unreadable = (f"OR(LEN({strip})>0,{minus}<>{minus_lead},{seps}>={_MAX_VALUES},{n_num}<>{n_text},{n_num}=0)")
        return (f'=IF(OR(LEN(TRIM({item}))=0,LEN(TRIM({measured}))=0),"",'
                f'IF({pick("COUNTIFS", "")}<>1,"由工具判定",IF({unreadable},"由工具判定",'
                f'IF({fails}>0,"不合格","合格"))))')

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
        keys = _letters(sheet)
        for chk in self.contract.checks_of(sheet.key):
            if chk.target == col.key:
                add(ref, FormulaRule(formula=[error_safe(crossfield.excel(chk.when, lambda k: keys.get(k) and f"${keys[k]}2"))],
                                     fill=FAIL_FILL))

    def _problems(self, col: Column, ref: str, status: str | None) -> dict[str, str]:
        """What the workbook highlights in one column, by class: class -> condition.

        ``ref`` is a cell (conditional format, relative) or a range (SUMPRODUCT count on 自查); the
        conditions use only functions that work element-wise inside SUMPRODUCT in Excel 2010+, WPS
        and LibreOffice. ``status``: the row's 填写状态 cell/range (a row counts once anything is
        typed in it); None on the form sheet, where every field is one cell.
        """
        out: dict[str, str] = {}
        filled = f"(LEN(TRIM({ref}))>0)"
        if col.required:
            out["missing"] = (f'(LEN(TRIM({ref}))=0)' if status is None
                              else f'({status}<>"")*(LEN(TRIM({ref}))=0)')
        t = col.type
        if t == "date":
            lo, hi = (self.campaign.activity_start, self.campaign.activity_end) if col.window else (DATE_MIN, DATE_MAX)
            out["format"] = f"{filled}*(1-ISNUMBER({ref}))"
            out["range"] = error_safe(f"ISNUMBER({ref})*(({ref}<{excel_date(lo)})+({ref}>{excel_date(hi)}))")
        elif t in ("int", "number"):
            fmt = f"{filled}*(1-ISNUMBER({ref}))"
            if t == "int":
                fmt = f"(({fmt})+{error_safe(f'ISNUMBER({ref})*({ref}<>INT({ref}))')}>0)"
            out["format"] = fmt
            bounds = []
            if col.min is not None:
                bounds.append(f"({ref}<{_num(col.min)})")
            if col.max is not None:
                bounds.append(f"({ref}>{_num(col.max)})")
            if bounds:
                out["range"] = error_safe(f"ISNUMBER({ref})*({'+'.join(bounds)})")
        elif t in ("choice", "yesno") and not col.locked:
            out["list"] = f'{filled}*ISNA(MATCH({crossfield._text(ref)},{self.list_ranges[col.choices]},0))'
        elif t == "phone":
            s = f"TRIM({ref})"
            for sep in (" ", "-", "(", ")", "+"):
                s = f'SUBSTITUTE({s},"{sep}","")'
            out["format"] = f"{filled}*(((LEN({_strip_digits(s)})>0)+(LEN({s})<7)+(LEN({s})>20))>0)"
        elif t == "url":
            low = f"LOWER(TRIM({ref}))"
            out["format"] = f'{filled}*(LEFT({low},7)<>"http://")*(LEFT({low},8)<>"https://")'
        elif t == "credit_code":
            out["code"] = f"{filled}*(1-{error_safe(_uscc_ok(ref))})"
        elif t == "idno":
            out["code"] = f"{filled}*(1-{error_safe(_idno_ok(ref))})"
        return out

    def _selfcheck(self) -> None:
        """The 自查 sheet: per sheet, how many cells of each class of problem the workbook highlights.

        Counted from a detail table (one row per column, one SUMPRODUCT per class, the same
        conditions as the conditional formats) and the cross-field checks (one row per declared
        check); a sheet says 已填写完整 only when every count is zero.
        """
        ws = self.wb.create_sheet(SELFCHECK_SHEET)
        ncls = len(CLASSES)
        first_cls = 5                       # column E: 缺必填项 (kept where earlier versions had it)
        last_cls = first_cls + ncls - 1     # J
        tip_col = last_cls + 1              # K
        L = get_column_letter
        ws["A1"] = f"{self.campaign.year}年质量月活动填报自查（本表自动计算，无需填写）"
        ws["A1"].font = Font(name=FONT, bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=tip_col)
        ws["A2"] = ("各表中浅红色为必填未填，黄色为格式、范围、下拉列表或代码校验有误，橙色为关联信息不符；"
                    "下表按类别统计标色的单元格，全部为 0 时显示“已填写完整”。")
        ws["A2"].alignment = Alignment(wrap_text=True, vertical="center")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=tip_col)
        ws.row_dimensions[2].height = 30
        heads = ("工作表", "对应活动", "已填行数", "完整行数") + tuple(h for _, h, _ in CLASSES) + ("提示",)
        self._heading_row(ws, 3, heads)
        ws.row_dimensions[3].height = 30
        widths = (14, 26, 8, 8) + (8,) * ncls + (46,)
        for c, w in enumerate(widths, 1):
            ws.column_dimensions[L(c)].width = w
        sheets = self.contract.sheets
        n = len(sheets)
        total = 4 + n
        checks = [c for s in sheets for c in self.contract.checks_of(s.key)]
        cross_head = total + 2
        cross_first, cross_last = cross_head + 2, cross_head + 1 + len(checks)
        # the detail table: every column that can be highlighted, one row each
        detail: list[tuple[Sheet, Column, dict[str, str]]] = []
        for sheet in sheets:
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
        spot = next((s for s in sheets if s.key == "spotcheck"), None)
        spot_head = cross_last + 2
        detail_head = spot_head + (5 if spot else 0)
        detail_first = detail_head + 2
        detail_last = detail_first + len(detail) - 1
        # per sheet
        for r, sheet in enumerate(sheets, 4):
            ws.cell(r, 1, sheet.title)
            ws.cell(r, 2, sheet.activity or "基本情况")
            for k, (cls, _, _) in enumerate(CLASSES):
                c = first_cls + k
                if cls == "cross":
                    f = (f"=SUMIF($A${cross_first}:$A${cross_last},$A{r},{L(c)}${cross_first}:{L(c)}${cross_last})"
                         if checks else "=0")
                else:
                    f = f"=SUMIF($A${detail_first}:$A${detail_last},$A{r},{L(c)}${detail_first}:{L(c)}${detail_last})"
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
                ws.cell(r, tip_col, f'=IF({problems}>0,"需修改："&{parts},IF(C{r}=0,"尚未填写","已填写完整"))')
            for c in range(1, tip_col + 1):
                ws.cell(r, c).border = BORDER
            ws.cell(r, tip_col).alignment = Alignment(wrap_text=True, vertical="center")
        ws.cell(total, 1, "合计").font = Font(name=FONT, bold=True)
        for c in range(3, last_cls + 1):
            ws.cell(total, c, f"=SUM({L(c)}4:{L(c)}{total - 1})")
        ws.cell(total, tip_col, f'=IF(SUM({L(first_cls)}{total}:{L(last_cls)}{total})=0,"全部工作表未发现标色的单元格",'
                                f'"共有 "&SUM({L(first_cls)}{total}:{L(last_cls)}{total})&" 处需要修改，见上表各行提示")')
        for c in range(1, tip_col + 1):
            ws.cell(total, c).border = BORDER
        # cross-field checks, one row each (the declarations in the contract)
        ws.cell(cross_head, 1, "关联信息检查（橙色单元格）").font = Font(name=FONT, bold=True)
        self._heading_row(ws, cross_head + 1, ("工作表", "检查内容") + ("",) * (last_cls - 3) + ("处数",))
        ws.merge_cells(start_row=cross_head + 1, start_column=2, end_row=cross_head + 1, end_column=last_cls - 1)
        for r, chk in enumerate(checks, cross_first):
            sheet = self.contract.sheet(chk.sheet)
            q = quote_sheetname(sheet.title)
            last_row = sheet.rows + 1
            letters = _letters(sheet)
            cond = crossfield.excel(chk.when, lambda k: letters.get(k) and f"{q}!${letters[k]}$2:${letters[k]}${last_row}")
            ws.cell(r, 1, sheet.title)
            ws.cell(r, 2, f"{sheet.column(chk.target).title}：{chk.label}")
            ws.cell(r, last_cls, f"=SUMPRODUCT(--{error_safe(cond)})")
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=last_cls - 1)
            for c in range(1, last_cls + 1):
                ws.cell(r, c).border = BORDER
        if spot:
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
        # the detail table
        ws.cell(detail_head, 1, "各栏目明细（数字大于 0 的栏目有标色的单元格，请到该表该列查找）").font = Font(name=FONT, bold=True)
        self._heading_row(ws, detail_head + 1, ("工作表", "栏目", "", "") + tuple(h for cls, h, _ in CLASSES if cls != "cross"))
        ws.merge_cells(start_row=detail_head + 1, start_column=2, end_row=detail_head + 1, end_column=4)
        ws.row_dimensions[detail_head + 1].height = 30
        for r, (sheet, col, probs) in enumerate(detail, detail_first):
            ws.cell(r, 1, sheet.title)
            ws.cell(r, 2, col.title)
            for k, (cls, _, _) in enumerate(CLASSES):
                if cls in probs:
                    ws.cell(r, first_cls + k, f"=SUMPRODUCT(--{error_safe(probs[cls])})")
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
            for c in range(1, last_cls):
                ws.cell(r, c).border = BORDER
        for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
            for cell in row:
                if cell.font is None or not cell.font.bold:
                    cell.font = Font(name=FONT, color=cell.font.color if cell.font else None)
        add = ws.conditional_formatting.add
        for lo, hi in ((4, total), (cross_first, cross_last), (detail_first, detail_last)):
            if hi < lo:
                continue
            for k, (cls, _, fill) in enumerate(CLASSES):
                if lo == cross_first and cls != "cross":
                    continue
                c = L(first_cls + k)
                add(f"{c}{lo}:{c}{hi}", FormulaRule(formula=[f"AND(ISNUMBER({c}{lo}),{c}{lo}>0)"], fill=fill))
        tip = L(tip_col)
        add(f"{tip}4:{tip}{total - 1}", FormulaRule(formula=[f'{tip}4="已填写完整"'], fill=OK_FILL))
        self._print_setup(ws, landscape=True)
        ws.protection.sheet = True

    def _heading_row(self, ws, r: int, heads) -> None:
        for c, h in enumerate(heads, 1):
            if not h:
                continue
            cell = ws.cell(r, c, h)
            cell.font = Font(name=FONT, bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

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
            ("3. 每行最右侧“填写状态”列自动显示“完整”或“缺N项”；“自查”表按类别统计各表标色的单元格，报送前请确认各表均显示“已填写完整”。", None),
            ("4. 浅红色底色表示必填未填；黄色表示格式有误（如日期写成文字、电话含全角字符）、超出范围、不在下拉列表（粘贴的内容不受下拉列表限制）或统一社会信用代码、身份证号校验不通过；橙色表示关联信息不符（如不合格项未填整改通知书编号）。", None),
            ("5. 请勿修改表头、增删工作表或更改文件结构；城市名称和代码已锁定。照片、视频等附件与本文件放在同一文件夹报送。", None),
            ("6. 抽测“判定”请按实测值和标准填写，汇总时将按国家标准复核；复核结果与填写不一致的，将列入校验问题清单。"
             "“监督抽测”表最右侧的“参考判定”列对钢筋强度、重量偏差等单一限值的项目自动给出参考，其余项目显示“由工具判定”。", None),
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
        # the cross-field checks, as declared in the contract (the same list 自查 counts)
        r += 1
        ws.cell(r, 1, "关联信息检查（不符时该格显示橙色）").font = Font(name=FONT, bold=True, size=12, color="1F4E78")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        r += 1
        for c, h in enumerate(("工作表", "栏目", "", "检查内容"), 1):
            if h:
                cell = ws.cell(r, c, h)
                cell.font = Font(name=FONT, bold=True, color="FFFFFF")
                cell.fill = HEADER_FILL
        r += 1
        for chk in self.contract.checks:
            sheet = self.contract.sheet(chk.sheet)
            for c, v in enumerate((sheet.title, sheet.column(chk.target).title, "", chk.label), 1):
                cell = ws.cell(r, c, v or None)
                cell.font = Font(name=FONT)
                cell.border = BORDER
                cell.alignment = Alignment(wrap_text=True, vertical="top")
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


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _letters(sheet: Sheet) -> dict[str, str]:
    """Column letters by key; ``@judgment`` is the 参考判定 column (after 填写状态) of the spot-check sheet."""
    out = {c.key: get_column_letter(i) for i, c in enumerate(sheet.columns, 1)}
    if sheet.key == "spotcheck":
        out["@judgment"] = get_column_letter(len(sheet.columns) + 2)
    return out


ANY_GRADE = "（任意）"
_MAX_VALUES = 20   # measured values one 参考判定 formula reads; more are left to the tool
# items whose limit depends on more than item, grade and spec: left to the tool
_REFERENCE_EXCLUDED = {"电线导体电阻": "导体电阻限值随导体种类（型号）而定"}
REFERENCE_HELP = ("按“判定”规则库中单一限值的项目（钢筋强度、最大力总延伸率、强屈比、超屈比、重量偏差等），"
                  "由实测值和牌号、规格自动给出参考判定，供填写“判定”时对照；"
                  "断后伸长率（按直径折减）、电线导体电阻（随导体种类而定）、保护层厚度、回弹强度、砂浆强度等"
                  "显示“由工具判定”，以质量月助手复核为准。实测值含单位、全角数字或超过 20 个时也显示“由工具判定”。")


def reference_limits(on: dt.date | None = None) -> list[tuple]:
    """Rows of the 参考判定 limits table, generated from the rule catalog (addin.rules.judge).

    Only rules a formula can apply exactly as the judge does: every value within a minimum and/or
    maximum chosen by item, grade and a spec band — no spec-dependent reduction, no other inputs —
    in force on ``on`` (the campaign's start: the edition the judge uses) and confirmed (a rule
    whose limits are unconfirmed gives 需人工判定, which a formula must not turn into a verdict).
    """
    from addin.rules.judge import catalog

    rows = []
    for rule in catalog():
        if not rule.in_force(on) or rule.unconfirmed:
            continue
        if rule.method not in ("min_each", "max_each", "range_each") or rule.spec_adjust:
            continue
        if rule.item in _REFERENCE_EXCLUDED or rule.band.spec_over is not None:
            continue
        lo_band = float(rule.band.spec_min) if rule.band.spec_min is not None else -1e9
        hi_band = float(rule.band.spec_max) if rule.band.spec_max is not None else 1e9
        for grade in (rule.grades or (None,)):
            lo = rule.limit("min", grade) if rule.method != "max_each" else None
            hi = rule.limit("max", grade) if rule.method != "min_each" else None
            if (rule.method != "max_each" and lo is None) or (rule.method != "min_each" and hi is None):
                continue
            rows.append((rule.item, grade or ANY_GRADE, lo_band, hi_band,
                         float(lo) if lo is not None else -1e9, float(hi) if hi is not None else 1e9, rule.basis))
    return rows


def _strip_digits(text: str) -> str:
    """``text`` with the digits 0-9 removed (empty exactly when it held only digits)."""
    for d in "0123456789":
        text = f'SUBSTITUTE({text},"{d}","")'
    return text


def _uscc_ok(ref: str) -> str:
    """Non-zero where ``ref`` is a valid 统一社会信用代码 (GB 32100-2015): 18 characters of the code's
    character set, positions 3-8 (the registering authority's administrative-division code) digits,
    and the check character = (31 - sum(value_i * 3^(i-1) mod 31) mod 31) mod 31. An illegal character
    makes FIND fail: the expression is then an error, which error_safe turns into "not valid"."""
    u = f"UPPER(TRIM({ref}))"
    t = f'"{USCC_CHARSET}"'
    total = "+".join(f"(FIND(MID({u},{i},1),{t})-1)*{w}" for i, w in enumerate(USCC_WEIGHTS, 1))
    return (f"(LEN({u})=18)*(LEN({_strip_digits(f'MID({u},3,6)')})=0)"
            f"*(MID({t},MOD(31-MOD({total},31),31)+1,1)=MID({u},18,1))*ISNUMBER(FIND(MID({u},18,1),{t}))")


def _idno_ok(ref: str) -> str:
    """Non-zero where ``ref`` is a valid 公民身份号码 (GB 11643-1999): 17 digits (a non-digit makes the
    weighted sum an error) and the check character "10X98765432"[sum(d_i * w_i) mod 11], a real
    birth date in positions 7-14 from 1900 to today (the validator's rule)."""
    u = f"UPPER(TRIM({ref}))"
    total = "+".join(f"MID({u},{i},1)*{w}" for i, w in enumerate(ID_WEIGHTS, 1))
    y, m, d = f"MID({u},7,4)", f"MID({u},11,2)", f"MID({u},13,2)"
    birth = f"DATE({y},{m},{d})"
    return (f"(LEN({u})=18)*(MID(\"{ID_CHECK}\",MOD({total},11)+1,1)=MID({u},18,1))"
            f"*(MONTH({birth})=--{m})*(DAY({birth})=--{d})*(--{y}>=1900)*({birth}<=TODAY())")


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
