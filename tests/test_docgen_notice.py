"""整改通知书: one per (project, 施工单位), numbered deterministically, with a register."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from docgen._data import safe_filename
from docgen.notice import REGISTER_NAME, build_notices, plan_notices, write_notice_register
from tests.docgen_fixtures import C1, C3, C5, C6, build_consolidated, docx_part, docx_text, row_texts

ISSUE = dt.date(2022, 10, 14)


@pytest.fixture(scope="module")
def consolidated():
    return build_consolidated()


@pytest.fixture(scope="module")
def built(consolidated, tmp_path_factory):
    out = tmp_path_factory.mktemp("notices")
    return out, build_notices(consolidated, out, ISSUE)


def test_one_notice_per_project_and_contractor(consolidated):
    notices = plan_notices(consolidated, ISSUE)
    keys = [(n.city, n.project, n.contractor) for n in notices]
    assert len(keys) == len(set(keys)) == 4
    # sorted by city code, project, contractor; numbers follow that order
    assert [n.contractor for n in notices] == [C1[0], C3[0], *sorted([C5[0], C6[0]])]
    assert [n.number for n in notices] == [f"桂建质整改〔2022〕{i}号" for i in range(1, 5)]
    assert sum(len(n.items) for n in notices) == len(consolidated.nonconforming)
    assert len(notices[0].items) == 2                      # 南宁: two items, one notice


def test_numbers_unique_and_deterministic(consolidated):
    a = plan_notices(consolidated, ISSUE)
    shuffled = dataclasses.replace(consolidated, nonconforming=consolidated.nonconforming.sample(frac=1, random_state=7))
    b = plan_notices(shuffled, ISSUE)
    assert [(n.number, n.project, n.contractor) for n in a] == [(n.number, n.project, n.contractor) for n in b]
    assert len({n.number for n in a}) == len(a)
    assert plan_notices(consolidated, dt.date(2023, 1, 3))[0].number == "桂建质整改〔2023〕1号"   # year of issue


def test_deadline_city_or_fifteen_days(consolidated):
    by = {n.contractor: n for n in plan_notices(consolidated, ISSUE)}
    assert by[C1[0]].deadline == dt.date(2022, 9, 30) and by[C1[0]].deadline_from_city
    assert by[C5[0]].deadline == dt.date(2022, 10, 20) and by[C5[0]].deadline_from_city
    assert by[C3[0]].deadline == ISSUE + dt.timedelta(days=15) and not by[C3[0]].deadline_from_city


def test_notice_content(built, consolidated):
    out, paths = built
    assert len(paths) == 4 and all(p.exists() for p in paths)
    first = next(p for p in paths if C1[0] in p.name)
    text = docx_text(first)
    assert "桂建质整改〔2022〕1号" in text
    assert "建设工程质量整改通知书" in text
    assert f"\n{C1[0]}：\n" in text                                          # 主送 the contractor
    for unit in ("南宁五象新区建设投资有限公司", C1[0], "广西正泽工程监理有限公司"):
        assert unit in text
    assert C1[1] in text                                                    # credit code
    assert "南宁市良庆区五象大道东段" in text                                 # location
    doc = Document(str(first))
    problems = next(t for t in doc.tables if row_texts(t.rows[0])[0] == "序号")
    rows = [row_texts(r) for r in problems.rows[1:]]
    assert len(rows) == 2
    steel = next(r for r in rows if r[1] == "钢筋下屈服强度")
    assert steel[3] == "385、402、398" and "400 MPa" in steel[5] and steel[6] == "GB/T 1499.2-2018 表6"
    cover = next(r for r in rows if r[1] == "板保护层厚度")
    assert cover[4] == "15" and cover[6] == "GB 50204-2015 E.0.4、E.0.5"
    # deadline and its source, reply, objection, issuer and date
    assert "请于2022年9月30日前完成整改（整改期限按南宁市下发的整改通知书确定的期限）" in text
    assert "该期限已届满" in text                                             # 30 Sep is before the issue date
    assert "整改前后对比照片和复检（检测）报告，并由监理单位签署意见" in text
    assert "5个工作日内" in text and "异议" in text
    assert f"{consolidated.campaign.authority}\n2022年10月14日" in text
    assert "南建质整改〔2022〕5号" in text                                   # the city's own notice
    # 送达回执 on its own page after a page break
    body = docx_part(first)
    assert body.index('w:type="page"') < body.index("送达回执")
    assert text.index("送达回执") > text.index("2022年10月14日")
    receipt = doc.tables[-1]
    labels = [row_texts(r)[0] for r in receipt.rows]
    assert labels[:2] == ["文书名称及编号", "受送达单位"] and "签收人（签名）" in labels and "签收日期" in labels
    assert row_texts(receipt.rows[0])[1] == "建设工程质量整改通知书（桂建质整改〔2022〕1号）"


def test_default_deadline_is_stated(built):
    out, paths = built
    text = docx_text(next(p for p in paths if C3[0] in p.name))
    assert "请于2022年10月29日前完成整改（整改期限自签发之日起15日）" in text


def test_register(built, consolidated):
    out, paths = built
    wb = load_workbook(out / REGISTER_NAME)
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["序号", "通知书编号", "城市"]
    rows = [dict(zip(header, [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    assert [r["通知书编号"] for r in rows] == [f"桂建质整改〔2022〕{i}号" for i in range(1, 5)]
    assert {r["文件名"] for r in rows} == {p.name for p in paths}
    assert sum(r["不合格项数"] for r in rows) == len(consolidated.nonconforming)
    first = rows[0]
    assert first["施工单位"] == C1[0] and first["建设单位"] == "南宁五象新区建设投资有限公司"
    assert first["整改期限"].date() == dt.date(2022, 9, 30)
    assert first["期限依据"] == "按南宁市下发的整改通知书确定的期限"


def test_file_names_safe_for_windows(consolidated, tmp_path):
    nc = consolidated.nonconforming.copy()
    nc.loc[0, "project"] = '南宁/某"项目"<1>:2*?|'
    nc.loc[1, "project"] = nc.loc[0, "project"]
    c = dataclasses.replace(consolidated, nonconforming=nc)
    paths = build_notices(c, tmp_path, ISSUE, register=False)
    for p in paths:
        assert not re.search(r'[\\/:*?"<>|]', p.name), p.name
        assert p.parent == tmp_path
    assert safe_filename("CON") == "_CON" and safe_filename("a. ") == "a"


def test_register_keeps_formula_like_text_as_text(consolidated, tmp_path):
    nc = consolidated.nonconforming.copy()
    nc["project"] = "=HYPERLINK(\"http://x\")"
    c = dataclasses.replace(consolidated, nonconforming=nc)
    notices = plan_notices(c, ISSUE)
    path = write_notice_register(notices, tmp_path / "r.xlsx")
    ws = load_workbook(path).active
    cell = ws.cell(row=2, column=4)
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"


def test_no_nonconforming_items(consolidated, tmp_path):
    c = dataclasses.replace(consolidated, nonconforming=pd.DataFrame())
    assert build_notices(c, tmp_path, ISSUE) == []
    assert (tmp_path / REGISTER_NAME).exists()
