"""Validation of a returned workbook: each check fires at the right cell, and clean data gives none."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from addin.checks.validate import validate_workbook
from tests.filling import GOOD_INFO, GOOD_ROWS, make_return


def _findings(tmp_path, campaign, contract, rows=None, info=None):
    path = make_return(tmp_path / "r.xlsx", campaign, contract, info=info or GOOD_INFO, rows=rows or GOOD_ROWS)
    return validate_workbook(path, campaign, contract)


def _rows(**changes):
    """GOOD_ROWS with changes: sheet=[(row index, {key: value or None to blank})]."""
    rows = copy.deepcopy(GOOD_ROWS)
    for sheet, edits in changes.items():
        for i, edit in edits:
            while len(rows[sheet]) <= i:
                rows[sheet].append(copy.deepcopy(rows[sheet][0]))
            for k, v in edit.items():
                if v is None:
                    rows[sheet][i].pop(k, None)
                else:
                    rows[sheet][i][k] = v
    return rows


def test_clean_return_has_no_findings(tmp_path, campaign, contract):
    assert _findings(tmp_path, campaign, contract) == []


def test_messy_but_valid_spellings_are_accepted(tmp_path, campaign, contract):
    rows = _rows(spotcheck=[(0, {"measured": "４３２，445 、428", "grade": "hrb 400e", "stated": "合格"})],
                 publicity=[(0, {"date": "2022年9月2日", "participants": "１２０"})],
                 manual=[(0, {"compiled": "是 ", "date": "2022.9.10"})])
    assert _findings(tmp_path, campaign, contract, rows) == []


CASES = [
    # (sheet, row edit, expected code, expected cell)
    ("publicity", {"date": "9月31日"}, "type-error", "宣传宣讲!A2"),
    ("publicity", {"date": dt.datetime(2022, 8, 25)}, "date-outside-campaign", "宣传宣讲!A2"),
    ("publicity", {"channel": "抖音"}, "not-in-choices", "宣传宣讲!D2"),
    ("publicity", {"title": None}, "missing-required", "宣传宣讲!C2"),
    ("publicity", {"link": "zjj.nanning.gov.cn"}, "type-error", "宣传宣讲!G2"),
    ("quiz", {"online": 105}, "out-of-range", "知识竞赛!C2"),
    ("videos", {"duration": 12.5}, "type-error", "微视频作品!D2"),
    ("spotcheck", {"contractor_code": "914403001922038217"}, "invalid-credit-code", "监督抽测!F2"),
    ("complaints", {"id_number": "110105194912310021"}, "invalid-id-number", "质量投诉!F2"),
    ("complaints", {"level": None}, "complaint-verified-without-level", "质量投诉!J2"),
    ("complaints", {"real_name": "否"}, "complaint-reward-without-real-name", "质量投诉!K2"),
    ("complaints", {"closed": dt.datetime(2022, 9, 1)}, "complaint-closed-before-received", "质量投诉!L2"),
    ("appraisal", {"measure": None}, "appraisal-no-measure", "自建房安全鉴定!I2"),
    ("appraisal", {"measure": "无需处理"}, "appraisal-no-measure", "自建房安全鉴定!I2"),
    ("appraisal", {"agency_qual": "不具备"}, "appraisal-unqualified-no-record", "自建房安全鉴定!L2"),
]


@pytest.mark.parametrize("sheet,edit,code,where", CASES, ids=[c[2] + ":" + c[3] for c in CASES])
def test_each_check_points_at_its_cell(tmp_path, campaign, contract, sheet, edit, code, where):
    found = _findings(tmp_path, campaign, contract, _rows(**{sheet: [(0, edit)]}))
    assert [(f.code, f"{f.sheet}!{f.cell}") for f in found] == [(code, where)], found
    f = found[0]
    assert f.file == "r.xlsx" and f.column and any("\u4e00" <= ch <= "\u9fff" for ch in f.message)


def test_id_number_never_echoed(tmp_path, campaign, contract):
    (f,) = _findings(tmp_path, campaign, contract, _rows(complaints=[(0, {"id_number": "110105194912310021"})]))
    assert "110105194912310021" not in f.message + f.value


def test_judgment_mismatch_names_basis(tmp_path, campaign, contract):
    rows = _rows(spotcheck=[(0, {"measured": "398、445、428", "notice_no": "南建质整〔2022〕8号",
                                 "deadline": dt.datetime(2022, 9, 30)})])
    (f,) = _findings(tmp_path, campaign, contract, rows)
    assert (f.code, f.cell, f.severity) == ("judgment-mismatch", "P2", "错误")
    assert f.basis == "GB/T 1499.2-2018 表6"
    assert "398" in f.message and "不合格" in f.message


def test_nonconforming_without_notice_and_deadline(tmp_path, campaign, contract):
    rows = _rows(spotcheck=[(1, {"notice_no": None})])
    assert [(f.code, f.cell) for f in _findings(tmp_path, campaign, contract, rows)] == [("nonconforming-without-notice", "Q3")]
    rows = _rows(spotcheck=[(1, {"deadline": None})])
    assert [(f.code, f.cell) for f in _findings(tmp_path, campaign, contract, rows)] == [("nonconforming-without-notice", "S3")]
    rows = _rows(spotcheck=[(1, {"deadline": dt.datetime(2022, 9, 10)})])
    assert [(f.code, f.cell) for f in _findings(tmp_path, campaign, contract, rows)] == [("deadline-before-issue", "S3")]


def test_item_outside_catalog_is_no_rule_never_a_pass(tmp_path, campaign, contract):
    rows = _rows(spotcheck=[(0, {"item": "防水卷材拉力"})])
    found = _findings(tmp_path, campaign, contract, rows)
    assert sorted((f.code, f.cell) for f in found) == [("judgment-no-rule", "K2"), ("not-in-choices", "K2")]


def test_duplicate_row(tmp_path, campaign, contract):
    rows = _rows(publicity=[(1, {})])
    assert [(f.code, f.cell) for f in _findings(tmp_path, campaign, contract, rows)] == [("duplicate-row", "A3")]


def test_missing_info_fields(tmp_path, campaign, contract):
    info = dict(GOOD_INFO)
    del info["contact"]
    found = _findings(tmp_path, campaign, contract, info=info)
    assert [(f.code, f.sheet, f.cell) for f in found] == [("missing-required", "基本信息", "B5")]


def test_unreadable_file_is_one_finding(tmp_path, campaign):
    p = tmp_path / "x.xlsx"
    p.write_text("not excel")
    (f,) = validate_workbook(p, campaign)
    assert f.code == "unreadable-file" and f.file == "x.xlsx"
