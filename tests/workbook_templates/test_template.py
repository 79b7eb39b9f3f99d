"""The workbook contract and the official city workbook built from it."""
from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import load_workbook

from tests.filling import fill_table
from workbook_templates.builder import build_workbook, write_templates
from workbook_templates.contract import DICT_SHEET, META_SHEET, SELFCHECK_SHEET, STATUS_TITLE
from workbook_templates.reader import ReadError, read_workbook

ACTIVITY_SHEETS = ["宣传宣讲", "观摩交流", "质量安全手册", "微视频作品", "知识竞赛", "监督抽测",
                   "典型问题曝光", "质量投诉", "自建房安全鉴定"]


def test_contract_has_every_activity_sheet(contract):
    titles = [s.title for s in contract.sheets]
    assert titles[0] == "基本信息"
    assert titles[1:len(ACTIVITY_SHEETS) + 1] == ACTIVITY_SHEETS
    assert titles[len(ACTIVITY_SHEETS) + 1:] == ["同批次自查"]     # schema 1.1: the same-batch sites' self-checks
    spot = contract.sheet("spotcheck")
    for key in ("builder_code", "contractor_code", "supervisor_code", "category", "item", "grade",
                "design", "measured", "stated", "notice_no", "notice_date", "deadline", "status",
                "case_filed", "manufacturer", "batch", "batch_selfcheck",
                "receipt_date", "reply_date", "review_date", "review_result", "case_no"):
        spot.column(key)
    # the 检测项目 drop-down is the rule catalog's item list
    from addin.rules.judge import items
    assert contract.choices(spot.column("item")) == tuple(items())


def test_contract_hash_is_stable(contract):
    from workbook_templates.contract import _build
    import tomllib
    from importlib import resources
    data = tomllib.loads(resources.files("workbook_templates").joinpath("contract.toml").read_text("utf-8"))
    assert _build(data).hash == contract.hash
    data["sheets"][1]["columns"][0]["title"] = "活动日期"
    assert _build(data).hash != contract.hash


@pytest.fixture(scope="module")
def nanning_path(tmp_path_factory, campaign):
    out = tmp_path_factory.mktemp("tpl")
    return write_templates(campaign, out, [campaign.city_by_name("南宁市")])[0]


def test_built_workbook_structure(nanning_path, campaign, contract):
    wb = load_workbook(nanning_path)
    assert wb.sheetnames[0] == "填报说明"
    assert wb[DICT_SHEET].sheet_state == "hidden"
    assert wb[META_SHEET].sheet_state == "veryHidden"
    meta = {r[0].value: r[1].value for r in wb[META_SHEET].iter_rows()}
    assert meta["template_id"] == contract.template_id
    assert meta["schema_version"] == contract.schema_version
    assert meta["contract_hash"] == contract.hash
    assert meta["campaign_id"] == campaign.id
    assert meta["city_code"] == "450100"
    assert wb.security.lockStructure
    info = wb["基本信息"]
    assert info["B2"].value == "南宁市" and info["B2"].protection.locked
    assert info["B3"].value == "450100" and info["B3"].protection.locked
    assert not info["B4"].protection.locked and info.protection.sheet
    for sheet in contract.table_sheets:
        ws = wb[sheet.title]
        assert [c.value for c in ws[1]][: len(sheet.columns)] == [c.title for c in sheet.columns]
        assert ws.cell(1, len(sheet.columns) + 1).value == STATUS_TITLE
        (table,) = ws.tables.values()
        assert table.ref.endswith(str(sheet.rows + 1))
        assert ws.freeze_panes in ("A2", "B2")
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.print_title_rows == "$1:$1"
        assert ws.protection.sheet and not ws["A2"].protection.locked
        # every typed column has validation; lists reference the 字典 sheet, never inline strings
        dvs = {str(r): dv for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}
        for i, col in enumerate(sheet.columns, 1):
            from openpyxl.utils import get_column_letter
            ref = f"{get_column_letter(i)}2:{get_column_letter(i)}{sheet.rows + 1}"
            if col.type in ("choice", "yesno", "int", "number", "date", "credit_code", "idno", "phone"):
                dv = dvs[ref]
                assert dv.prompt and dv.error, (sheet.title, col.title)
                if col.type in ("choice", "yesno"):
                    assert dv.formula1.startswith("'字典'!$"), dv.formula1
            if col.type == "date" and col.window:
                assert int(dvs[ref].formula1) == (campaign.activity_start - dt.date(1899, 12, 30)).days
        assert ws.conditional_formatting, sheet.title


def test_no_formula_uses_unknown_functions(nanning_path):
    """Only functions Excel, WPS and LibreOffice all know, so no cell can show #NAME?."""
    import re
    # all in Excel 2007 or earlier; no TEXTSPLIT, LAMBDA or dynamic arrays
    allowed = {"IF", "COUNTA", "LEN", "TRIM", "COUNTIF", "COUNTIFS", "SUMPRODUCT", "SUM", "AND", "OR",
               "NOT", "ISNUMBER", "DATE", "LEFT", "IFERROR", "INDEX", "MATCH",
               "SUMIF", "SUMIFS", "REPT", "SUBSTITUTE", "ISNA", "MID", "FIND", "MOD", "UPPER", "LOWER", "INT", "MONTH",
               "DAY", "TODAY"}
    with zipfile.ZipFile(nanning_path) as zf:
        xml = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/"))
    formulas = [a or b for a, b in re.findall(r"<f>(.*?)</f>|<formula>(.*?)</formula>", xml)]
    used = set(re.findall(r"([A-Z][A-Z0-9.]*)\(", " ".join(formulas)))
    assert used and used <= allowed, used - allowed


def test_all_cities_written(tmp_path, campaign):
    paths = write_templates(campaign, tmp_path, list(campaign.cities), generic=True)
    assert len(paths) == 15
    assert {p.name for p in paths} >= {f"2022年质量月活动填报表_{c.name}.xlsx" for c in campaign.cities}
    assert not list(tmp_path.glob(".~*")), "temporary files left behind"


def test_round_trip_every_sheet(tmp_path, campaign, contract):
    """build -> fill with openpyxl -> read back equals what was filled."""
    city = campaign.city_by_name("柳州市")
    wb = build_workbook(campaign, city)
    expected = {}
    for sheet in contract.table_sheets:
        expected[sheet.key] = fill_table(wb[sheet.title], contract, sheet, 4, campaign)
    info = wb["基本信息"]
    info["B4"], info["B5"], info["B6"] = "柳州市住房和城乡建设局", "李明", "0772-2821234"
    info["B7"] = dt.datetime(2022, 10, 8)
    path = tmp_path / "back.xlsx"
    wb.save(path)

    back = read_workbook(path, contract, campaign_id=campaign.id)
    assert back.city_code == "450200" and back.city_name == "柳州市"
    assert back.info.get("unit") == "柳州市住房和城乡建设局"
    assert back.info.cells["fill_date"] == "B7"
    for sheet in contract.table_sheets:
        data = back.sheets[sheet.key]
        assert not data.missing_columns and not data.unknown_columns
        assert [r.row for r in data.rows] == [2, 3, 4, 5]
        for got, want in zip(data.rows, expected[sheet.key]):
            for key, value in want.items():
                g = got.values[key]
                if isinstance(value, dt.datetime):
                    g = g if isinstance(g, dt.datetime) else dt.datetime.combine(g, dt.time())
                assert g == value, (sheet.title, key, g, value)
        assert data.rows[0].cells[sheet.columns[0].key] == "A2"


def test_reader_maps_columns_by_title(tmp_path, campaign, contract):
    wb = build_workbook(campaign, campaign.cities[0])
    ws = wb["宣传宣讲"]
    ws.move_range("A1:A301", cols=20)  # the clerk moved 日期 to the far right
    ws["A1"] = "序号"                   # ...and typed a column of their own in its place
    ws["C2"] = "质量月启动仪式"
    ws["U2"] = dt.datetime(2022, 9, 2)
    path = tmp_path / "moved.xlsx"
    wb.save(path)
    back = read_workbook(path, contract)
    row = back.sheets["publicity"].rows[0]
    assert row.values["title"] == "质量月启动仪式"
    assert row.cells["date"] == "U2"
    assert back.sheets["publicity"].unknown_columns == ["序号"]


@pytest.mark.parametrize("kind", ["xls", "encrypted", "docx", "garbage", "foreign", "other-campaign"])
def test_reader_refuses_foreign_files_in_chinese(tmp_path, campaign, contract, kind):
    path = tmp_path / f"{kind}.xlsx"
    if kind == "xls":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    elif kind == "encrypted":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "EncryptionInfo".encode("utf-16-le"))
    elif kind == "docx":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("word/document.xml", "<w:document/>")
    elif kind == "garbage":
        path.write_bytes(b"PK\x03\x04 this is not a zip")
    elif kind == "foreign":
        from openpyxl import Workbook
        Workbook().save(path)
    else:
        wb = build_workbook(campaign, campaign.cities[0])
        wb["_meta"]["B4"] = "gd-2023"
        wb.save(path)
    with pytest.raises(ReadError) as info:
        read_workbook(path, contract, campaign_id=campaign.id)
    msg = info.value.message
    assert msg and all(ord(ch) < 0x3000 or "\u4e00" <= ch <= "\u9fff" or ch in "，。（）：；“”、" for ch in msg)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in msg)


def test_generic_template_lets_the_clerk_pick_the_city(tmp_path, campaign):
    path = write_templates(campaign, tmp_path, [], generic=True)[0]
    wb = load_workbook(path)
    info = wb["基本信息"]
    assert info["B2"].value is None and not info["B2"].protection.locked
    assert info["B3"].value.startswith("=IFERROR(INDEX(")
    meta = {r[0].value: r[1].value for r in wb[META_SHEET].iter_rows()}
    assert meta["city_code"] in (None, "")


def test_kept_generic_template_matches_the_contract(contract, campaign):
    """The blank generic workbook kept in workbook_templates/ must be rebuilt whenever the contract changes."""
    from importlib import resources
    path = resources.files("workbook_templates").joinpath("质量月活动填报表_通用空白.xlsx")
    wb = load_workbook(str(path))
    meta = {r[0].value: r[1].value for r in wb[META_SHEET].iter_rows()}
    assert meta["contract_hash"] == contract.hash, (
        "重新生成：python -c \"from addin.campaign.settings import load_campaign; from workbook_templates.builder import "
        "build_workbook, save_atomic; save_atomic(build_workbook(load_campaign(), None), "
        "'workbook_templates/质量月活动填报表_通用空白.xlsx')\"")
    assert meta["campaign_id"] == campaign.id
