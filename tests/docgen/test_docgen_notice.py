"""整改通知书: in the city's name, for open items only, numbered after the recorded numbers,
deadline never before the check date, one run per output folder, city-return mode."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from addin.infra.names import utf8_len, utf16_len
from docgen.notice import (MANIFEST_NAME, REGISTER_NAME, NoticeError, build_notices, plan_notices,
                           write_notice_register)
from tests.docgen_fixtures import C1, C3, C5, C6, build_consolidated, docx_part, docx_text, row_texts

ISSUE = dt.date(2022, 10, 14)
NANNING = "南宁市住房和城乡建设局"


@pytest.fixture(scope="module")
def base():
    return build_consolidated()


def with_rows(c, **changes):
    """``c`` with nonconforming rows changed: changes = {column: {row index: value}}."""
    nc = c.nonconforming.copy()
    for col, values in changes.items():
        nc[col] = nc[col].astype(object)
        for i, v in values.items():
            nc.loc[i, col] = v
    return dataclasses.replace(c, nonconforming=nc)


@pytest.fixture(scope="module")
def consolidated(base):
    """Rows: 0 南宁 C1 closed (已复查合格) no number; 1 南宁 C1 open no number; 2 柳州 C3 open no
    number, deadline before the check date; 3 梧州 C5 recorded 梧建质改〔2022〕3号; 4 梧州 C6
    status 已整改 no number. The recorded 南宁 numbers: 南建质改〔2022〕7号 on the closed row and
    南建质改〔2021〕30号 (another year) elsewhere."""
    return with_rows(base,
                     notice_no={0: "南建质改〔2022〕7号", 1: None, 2: None, 3: "梧建质改〔2022〕3号", 4: None},
                     status={0: "已复查合格", 1: "整改中", 2: None, 3: None, 4: "已整改"},
                     deadline={1: dt.date(2022, 11, 30), 2: dt.date(2022, 9, 1)},
                     remark={1: "南建质改〔2021〕30号"})


def test_only_open_items_without_a_recorded_notice(consolidated):
    notices = plan_notices(consolidated, ISSUE)
    items = {(n.city, r["item"]) for n in notices for _, r in n.items.iterrows()}
    nc = consolidated.nonconforming
    expected = {(nc.loc[i, "city"], nc.loc[i, "item"]) for i in (1, 2)}     # open and unnumbered
    assert items == expected
    assert [n.contractor for n in notices] == [C1[0], C3[0]]
    # asked explicitly: the recorded one too, never the closed ones (已复查合格, 已整改)
    more = plan_notices(consolidated, ISSUE, include_recorded=True)
    assert [n.contractor for n in more] == [C1[0], C3[0], C5[0]]
    assert C6[0] not in {n.contractor for n in more}


def test_issued_by_the_city_numbered_after_the_highest(consolidated):
    by = {n.city: n for n in plan_notices(consolidated, ISSUE)}
    assert by["南宁市"].authority == NANNING
    # 7 is the highest 南建质改〔2022〕 number recorded for 南宁 (the 2021 one does not count)
    assert by["南宁市"].number == "南建质改〔2022〕8号"
    assert by["柳州市"].number == "柳建质改〔2022〕1号"
    assert plan_notices(consolidated, dt.date(2023, 1, 3))[0].number == "南建质改〔2023〕1号"


def test_numbers_deterministic(consolidated):
    a = plan_notices(consolidated, ISSUE)
    shuffled = dataclasses.replace(consolidated, nonconforming=consolidated.nonconforming.sample(frac=1, random_state=7))
    b = plan_notices(shuffled, ISSUE)
    assert [(n.number, n.project, n.contractor) for n in a] == [(n.number, n.project, n.contractor) for n in b]


def test_deadline_never_before_the_check_date(consolidated):
    notices = plan_notices(consolidated, ISSUE, include_recorded=True)
    for n in notices:
        assert n.deadline >= n.check_date and n.deadline >= ISSUE
    by = {n.city: n for n in notices}
    assert by["南宁市"].deadline == dt.date(2022, 11, 30) and by["南宁市"].deadline_from_record
    liuzhou = by["柳州市"]                                   # recorded 9月1日, checked 9月19日
    assert liuzhou.deadline == ISSUE + dt.timedelta(days=consolidated.campaign.rectification_days)
    assert not liuzhou.deadline_from_record
    assert "2022年9月1日早于抽测日期2022年9月19日" in liuzhou.deadline_note


def test_notice_content(consolidated, tmp_path):
    paths = build_notices(consolidated, tmp_path / "n", ISSUE)
    first = next(p for p in paths if C1[0] in p.name)
    text = docx_text(first)
    assert "南建质改〔2022〕8号" in text and "建设工程质量整改通知书" in text
    assert text.startswith(NANNING)                                         # 发文机关标志 (版头)
    assert f"\n{C1[0]}：\n" in text
    assert f"{NANNING}\n2022年10月14日" in text                              # 署名 the city
    assert "与其一并执行" not in text and "桂建质整改" not in text
    assert consolidated.campaign.authority not in text
    assert "请于2022年11月30日前完成整改（整改期限为抽测记录填报的整改期限）" in text
    assert f"抄送：南宁五象新区建设投资有限公司，广西正泽工程监理有限公司。" in text
    assert f"{NANNING}2022年10月14日印发" in text
    assert text.index("印发") < text.index("送达回执")                       # 版记 ends the notice, before the receipt
    doc = Document(str(first))
    problems = next(t for t in doc.tables if row_texts(t.rows[0])[0] == "序号")
    assert [row_texts(r)[1] for r in problems.rows[1:]] == ["板保护层厚度"]    # the closed steel item is not there
    body = docx_part(first)
    assert body.index('w:type="page"') < body.index("送达回执")
    liuzhou = docx_text(next(p for p in paths if C3[0] in p.name))
    assert "请于2022年10月29日前完成整改（整改期限为自签发之日起15日）" in liuzhou


def test_register(consolidated, tmp_path):
    out = tmp_path / "n"
    paths = build_notices(consolidated, out, ISSUE)
    ws = load_workbook(out / REGISTER_NAME).active
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    assert [r["通知书编号"] for r in rows] == ["南建质改〔2022〕8号", "柳建质改〔2022〕1号"]
    assert [r["签发机关"] for r in rows] == [NANNING, "柳州市住房和城乡建设局"]
    assert {r["文件名"] for r in rows} == {p.name for p in paths}
    assert "早于抽测日期" in rows[1]["期限说明"] and not rows[0]["期限说明"]


def test_rerun_leaves_one_run_with_stable_numbers(consolidated, tmp_path):
    out = tmp_path / "n"
    first = build_notices(consolidated, out, ISSUE)
    numbers = {p.name.split("_")[1] for p in first}
    again = build_notices(consolidated, out, ISSUE)
    assert sorted(p.name for p in again) == sorted(p.name for p in first)
    # the 南宁 item is closed meanwhile: its notice goes, 柳州 keeps its number
    closed = with_rows(consolidated, status={1: "已复查合格"})
    third = build_notices(closed, out, ISSUE)
    assert [p.name.split("_")[1] for p in third] == ["柳建质改〔2022〕1号"]
    assert "柳建质改〔2022〕1号" in numbers
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted([MANIFEST_NAME, REGISTER_NAME, third[0].name])      # exactly this run's files
    # reopened with a new item first in order: the 柳州 number stays with its item
    reopened = build_notices(consolidated, out, ISSUE)
    by = {p.name.split("_")[0]: p.name.split("_")[1] for p in reopened}
    assert by["柳州市"] == "柳建质改〔2022〕1号"


def test_refuses_a_folder_with_other_files(consolidated, tmp_path):
    out = tmp_path / "n"
    out.mkdir()
    (out / "我的文件.docx").write_bytes(b"mine")
    with pytest.raises(NoticeError, match="我的文件.docx"):
        build_notices(consolidated, out, ISSUE)
    assert sorted(p.name for p in out.iterdir()) == ["我的文件.docx"]          # nothing written or removed
    (out / "我的文件.docx").unlink()
    (out / ".DS_Store").write_bytes(b"junk")                                 # system junk is no reason to refuse
    assert build_notices(consolidated, out, ISSUE)


def test_long_names_fit_every_file_system(consolidated, tmp_path):
    project = ("广西壮族自治区南宁市五象新区某某片区城市更新暨老旧小区改造提升项目（一期）第三标段1#、2#、3#楼及地下室工程"
               "附属配套道路管网工程")[:66]
    assert len(project) == 66
    contractor = "中国建筑第八工程局有限公司广西分公司南宁五象新区城市更新项目第三标段项目经理部"
    c = with_rows(consolidated, project={1: project}, contractor={1: contractor})
    paths = build_notices(c, tmp_path / "n", ISSUE)
    names = [p.name for p in paths]
    for name in names:
        assert utf8_len(name) <= 255 and utf16_len(name) <= 255, name
        assert not re.search(r'[\\/:*?"<>|]', name)
    long = next(n for n in names if n.startswith("南宁市"))
    assert re.search(r"～[0-9a-f]{8}\.docx$", long)
    assert build_notices(c, tmp_path / "n", ISSUE)[0].name == paths[0].name    # same suffix on a rerun
    assert (tmp_path / "n" / REGISTER_NAME).exists()


def test_register_keeps_formula_like_text_as_text(consolidated, tmp_path):
    c = with_rows(consolidated, project={1: "=HYPERLINK(\"http://x\")", 2: "=HYPERLINK(\"http://x\")"})
    notices = plan_notices(c, ISSUE)
    ws = load_workbook(write_notice_register(notices, tmp_path / "r.xlsx")).active
    cell = ws.cell(row=2, column=4)
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"


def test_no_open_items(consolidated, tmp_path):
    c = dataclasses.replace(consolidated, nonconforming=pd.DataFrame())
    assert build_notices(c, tmp_path, ISSUE) == []
    assert (tmp_path / REGISTER_NAME).exists()


def test_city_without_an_issuing_authority_is_refused(consolidated, tmp_path):
    build_notices(consolidated, tmp_path / "n", ISSUE)
    before = sorted(p.name for p in (tmp_path / "n").iterdir())
    camp = dataclasses.replace(consolidated.campaign, notice_authorities=())
    c = dataclasses.replace(consolidated, campaign=camp)
    with pytest.raises(NoticeError, match="签发机关"):
        build_notices(c, tmp_path / "n", ISSUE)
    assert sorted(p.name for p in (tmp_path / "n").iterdir()) == before     # the previous run is kept


# -- a city's own return (qm notices RETURN.xlsx) -------------------------------------------
def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_city_return_mode(demo_manifest, demo_dir, tmp_path, capsys):
    from addin.cli.main import main

    name = demo_manifest.used_files()["北海市"]
    src = demo_dir / name
    before = _sha(src)
    # ground truth from the generator: the rows it planted as 不合格 without a notice
    rows = sorted(int(re.sub(r"\D", "", f["cell"])) for f in demo_manifest.expected_findings
                  if f["code"] == "nonconforming-without-notice" and f["file"] == name)
    assert rows
    ws = load_workbook(src)["监督抽测"]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=10, values_only=True) if "整改通知书编号" in r)
    col = header.index("整改通知书编号") + 1
    recorded = [str(ws.cell(r, col).value) for r in range(1, ws.max_row + 1) if ws.cell(r, col).value]
    highest = max(int(m.group(1)) for v in recorded if (m := re.fullmatch(r"北建质改〔2022〕0*(\d+)号", v)))
    out = tmp_path / "北海"
    assert main(["notices", str(src), "-o", str(out), "--date", "2022-10-14"]) == 0
    assert _sha(src) == before                                               # the original is never written
    (copy,) = out.glob("*（已编号）.xlsx")
    ws2 = load_workbook(copy)["监督抽测"]
    changed = sorted(r for r in range(1, ws2.max_row + 1) if ws2.cell(r, col).value != ws.cell(r, col).value)
    assert changed == rows
    number = f"北建质改〔2022〕{highest + 1}号"
    assert {ws2.cell(r, col).value for r in rows} == {number}
    notices = [p for p in out.glob("*.docx")]
    assert len(notices) == 1 and number in notices[0].name
    text = docx_text(notices[0])
    assert text.startswith("北海市住房和城乡建设局") and "与其一并执行" not in text
    assert "已编号的工作簿副本" in capsys.readouterr().out
