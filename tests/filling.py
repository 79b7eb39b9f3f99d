"""Test helper: fill a built city workbook with openpyxl, the way a clerk would."""
from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.utils import get_column_letter

from workbook_templates.contract import Column, Contract, Sheet


def sample_value(contract: Contract, col: Column, i: int, campaign) -> Any:
    """A valid value of the column's type (varied by ``i``)."""
    t = col.type
    if t in ("choice", "yesno"):
        choices = contract.choices(col)
        return choices[i % len(choices)]
    if t == "int":
        lo = int(col.min or 0)
        hi = int(col.max if col.max is not None else lo + 1000)
        return min(hi, lo + 3 + i)
    if t == "number":
        lo = col.min or 0
        hi = col.max if col.max is not None else lo + 1000
        return round(min(hi, lo + 10.5 + i), 1)
    if t == "date":
        return dt.datetime.combine(campaign.activity_start + dt.timedelta(days=i % 28), dt.time())
    if t == "credit_code":
        return "914403001922038216"
    if t == "idno":
        return "11010519491231002X"
    if t == "phone":
        return f"0771-22601{i % 100:02d}"
    if t == "url":
        return f"https://zjt.gxzf.gov.cn/a/{i}"
    if t == "numbers":
        return f"{400 + i}、{410 + i}、{405 + i}"
    return f"{col.title}{i + 1}"


def fill_table(ws, contract: Contract, sheet: Sheet, n: int, campaign, skip: dict[int, set[str]] | None = None):
    """Fill ``n`` rows from row 2; ``skip`` maps a row index to column keys left empty."""
    filled = []
    for i in range(n):
        row = {}
        for c, col in enumerate(sheet.columns, 1):
            if skip and col.key in skip.get(i, set()):
                continue
            v = sample_value(contract, col, i, campaign)
            ws.cell(2 + i, c, v)
            row[col.key] = v
        filled.append(row)
    return filled


def column_letter(sheet: Sheet, key: str) -> str:
    return get_column_letter([c.key for c in sheet.columns].index(key) + 1)


GOOD_INFO = {
    "unit": "南宁市住房和城乡建设局", "contact": "黄海", "phone": "0771-5553210",
    "fill_date": dt.datetime(2022, 10, 8), "plan_status": "已制定", "plan_doc": "南建质〔2022〕12号",
    "complaint_officer": "韦英", "complaint_officer_phone": "13907712345",
}

GOOD_ROWS = {
    "publicity": [{"date": dt.datetime(2022, 9, 2), "form": "专题讲座", "title": "质量月启动暨专题讲座",
                   "channel": "官方网站", "participants": 120, "items": 3, "link": "https://zjj.nanning.gov.cn/a/1"}],
    "tours": [{"date": dt.datetime(2022, 9, 16), "project": "五象新区某安置房项目", "organiser": "南宁市建设工程质量安全监督站",
               "participants": 80, "methods": "铝模施工工艺"}],
    "manual": [{"kind": "示范项目", "name": "青秀区某学校项目", "credit_code": "914403001922038216", "compiled": "是",
                "in_inspection": "是", "date": dt.datetime(2022, 9, 10)}],
    "videos": [{"title": "筑牢质量防线", "unit": "广西某建工集团", "author": "陈某", "duration": 180,
                "phone": "13800138000", "file_name": "筑牢质量防线.mp4"}],
    "quiz": [{"participant": "覃某", "unit": "广西某监理公司", "online": 92, "offline": 88.5, "time_used": 1320}],
    "spotcheck": [{"project": "青秀区某花园3#楼", "location": "南宁市青秀区", "builder": "南宁某置业有限公司",
                   "builder_code": "91350100M000100Y43", "contractor": "广西某建工集团有限公司",
                   "contractor_code": "914403001922038216", "supervisor": "广西某监理有限公司",
                   "date": dt.datetime(2022, 9, 14), "category": "建筑材料", "item": "钢筋下屈服强度",
                   "grade": "HRB400E", "spec": "16", "measured": "432、445、428", "stated": "合格",
                   "manufacturer": "柳州某钢铁公司", "batch": "22-0815"},
                  {"project": "青秀区某花园3#楼", "location": "南宁市青秀区", "builder": "南宁某置业有限公司",
                   "contractor": "广西某建工集团有限公司", "contractor_code": "914403001922038216",
                   "date": dt.datetime(2022, 9, 14), "category": "实体质量", "item": "板厚",
                   "design": 120, "measured": "118、109、126、108、122、107、120、135、125、131", "stated": "不合格",
                   "notice_no": "南建质整〔2022〕7号", "notice_date": dt.datetime(2022, 9, 15),
                   "deadline": dt.datetime(2022, 9, 30), "status": "整改中", "case_filed": "否"}],
    "exposure": [{"project": "某商住楼", "builder": "某房地产公司", "contractor": "某建筑公司",
                  "problem": "梁柱节点混凝土浇筑不密实", "standard": "《混凝土结构工程施工质量验收规范》GB 50204-2015",
                  "clause": "8.2.1", "photos": "照片1.jpg", "date": dt.datetime(2022, 9, 20)}],
    "complaints": [{"no": "TS2022-001", "date": dt.datetime(2022, 9, 5), "real_name": "是", "complainant": "李某某",
                    "phone": "13977112345", "id_number": "11010519491231002X", "project": "某小区5#楼",
                    "type": "渗漏", "verified": "属实", "level": "一般", "reward": 50, "closed": dt.datetime(2022, 9, 20)}],
    "appraisal": [{"address": "南宁市兴宁区某路12号", "owner": "黄某", "agency": "广西某房屋安全鉴定有限公司",
                   "agency_qual": "具备", "appraiser_qual": "具备", "date": dt.datetime(2022, 9, 8), "grade": "C级",
                   "measure": "处理使用", "procedure_ok": "是", "supervision": "符合要求", "bad_record": "否"}],
}


def make_return(path, campaign, contract, city_name="南宁市", info=None, rows=None):
    """A filled city workbook: ``rows`` maps sheet key -> list of {column key: value}."""
    from workbook_templates.builder import build_workbook

    city = campaign.city_by_name(city_name)
    wb = build_workbook(campaign, city)
    ws = wb["基本信息"]
    form = next(s for s in contract.sheets if s.kind == "form")
    for r, col in enumerate(form.columns, 2):
        if info and col.key in info:
            ws.cell(r, 2, info[col.key])
    for key, records in (rows or {}).items():
        sheet = contract.sheet(key)
        ws = wb[sheet.title]
        keys = [c.key for c in sheet.columns]
        for i, rec in enumerate(records):
            for k, v in rec.items():
                ws.cell(2 + i, keys.index(k) + 1, v)
    wb.save(path)
    return path
