"""The 填报说明 sheet: what the campaign is, how to fill in, every column and every cross-field
check as the contract declares them. Split out of builder.py (issue 14).
"""
from __future__ import annotations

from openpyxl.styles import Alignment, Font

from addin.campaign.settings import Campaign
from workbook_templates.contract import Column, Contract
from workbook_templates.style import BORDER, FONT, HEADER_FILL, num


class GuideSheet:
    """Mixin of the workbook builder: needs ``self.contract``, ``self.campaign``, ``self.city``."""

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


def _describe(contract: Contract, campaign: Campaign, col: Column) -> str:
    parts = []
    if col.type in ("choice", "yesno"):
        values = contract.choice_lists[col.choices]
        parts.append("从下拉列表选择：" + "、".join(values[:12]) + ("等" if len(values) > 12 else ""))
    elif col.type == "date":
        parts.append(f"日期，须在活动期间（{campaign.activity_start:%m月%d日}—{campaign.activity_end:%m月%d日}）" if col.window else "日期")
    elif col.type in ("int", "number"):
        rng = f"{num(col.min) if col.min is not None else ''}～{num(col.max) if col.max is not None else ''}"
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
