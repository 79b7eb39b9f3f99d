"""The 自查 sheet misses nothing: one workbook per class of problem, recalculated by LibreOffice.

Each workbook is the clean return (tests/filling.py GOOD_INFO/GOOD_ROWS) with one planted problem;
自查 must count it in its class on its sheet, say nothing is complete there, and say 已填写完整
everywhere else — and only the clean workbook is 已填写完整 throughout. `qm check` is run on the
same files: where it reports the problem too, it points at the same cell.

The check-digit formulas are compared with the Python checks (addin.core.idcodes) on a grid of
valid and broken 统一社会信用代码 and 身份证号 — the standards' own examples, codes built with the
standards' algorithms, and single-character corruptions of them.
"""
from __future__ import annotations

import copy
import datetime as dt
import random

import pytest
from openpyxl import load_workbook
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter, range_boundaries

from addin.checks.validate import validate_workbook
from addin.core.idcodes import ID_CHECK, ID_WEIGHTS, USCC_CHARSET, check_credit_code
from tests.filling import GOOD_INFO, GOOD_ROWS, make_return
from workbook_templates.builder import BAD_FILL, CLASS_TIP, CLASSES, build_workbook
from workbook_templates.contract import SELFCHECK_SHEET

pytestmark = pytest.mark.soffice

HEADS = {key: head for key, head, _ in CLASSES}
COMPLETE = "已填写完整"
OPTIONAL_EMPTY = "无需填写（选填）"   # an optional sheet (contract: optional = true) left empty
NOT_FILLED = "尚未填写"              # a sheet of a required activity left empty


def _edit(rows, sheet, i, **values):
    rows[sheet][i].update(values)


# name -> (edits of GOOD_INFO, edits of GOOD_ROWS, {sheet title: {class: count}}, cells qm check reports)
PLANTED = {
    "clean": ({}, [], {}, set()),
    "missing-required": ({}, [("publicity", 0, {"title": None})], {"宣传宣讲": {"missing": 1}}, {("宣传宣讲", "C2")}),
    "info-missing": ({"contact": None}, [], {"基本信息": {"missing": 1}}, {("基本信息", "B5")}),
    "number-as-text": ({}, [("quiz", 0, {"online": "九十二分"})], {"知识竞赛": {"format": 1}}, {("知识竞赛", "C2")}),
    "date-as-text-in-info": ({"fill_date": "2022.10.8"}, [], {"基本信息": {"format": 1}}, set()),
    "fullwidth-phone-in-info": ({"phone": "０７７１－５５５３２１０"}, [], {"基本信息": {"format": 1}}, set()),
    "bad-url": ({}, [("publicity", 0, {"link": "zjj.nanning.gov.cn/a/1"})], {"宣传宣讲": {"format": 1}},
                {("宣传宣讲", "G2")}),
    "out-of-range": ({}, [("videos", 0, {"duration": 900})], {"微视频作品": {"range": 1}}, {("微视频作品", "D2")}),
    "date-outside-campaign": ({}, [("tours", 0, {"date": dt.datetime(2022, 11, 12)})], {"观摩交流": {"range": 1}},
                              {("观摩交流", "A2")}),
    "pasted-over-dropdown": ({}, [("publicity", 0, {"form": "座谈会"})], {"宣传宣讲": {"list": 1}},
                             {("宣传宣讲", "B2")}),
    "credit-code-check-char": ({}, [("manual", 0, {"credit_code": "914403001922038217"})],
                               {"质量安全手册": {"code": 1}}, {("质量安全手册", "C2")}),
    "credit-code-letters-in-3-8": ({}, [("spotcheck", 0, {"builder_code": "QYNWF4JHQ3A1D2CUR4"})],
                                   {"监督抽测": {"code": 1}}, set()),
    "id-check-digit": ({}, [("complaints", 0, {"id_number": "110105194912310021"})], {"质量投诉": {"code": 1}},
                       {("质量投诉", "F2")}),
    "cross-field": ({}, [("appraisal", 0, {"measure": None})], {"自建房安全鉴定": {"cross": 1}},
                    {("自建房安全鉴定", "I2")}),
    # the new user's 质量投诉: an orange cross-field problem and a yellow "50元"
    "orange-and-yellow": ({}, [("complaints", 0, {"level": None, "reward": "50元"})],
                          {"质量投诉": {"cross": 1, "format": 1}}, {("质量投诉", "J2")}),
}


def _selfcheck(wb):
    ws = wb[SELFCHECK_SHEET]
    heads = [c.value for c in ws[3]]
    out = {}
    for row in ws.iter_rows(min_row=4, values_only=True):
        if row[0] == "合计":
            out["合计"] = dict(zip(heads, row))
            break
        out[row[0]] = dict(zip(heads, row))
    return out


def test_selfcheck_reports_every_class_and_complete_only_when_clean(tmp_path, soffice, campaign, contract):
    src = tmp_path / "src"
    src.mkdir()
    for name, (info_edit, row_edits, _, _) in PLANTED.items():
        rows = copy.deepcopy(GOOD_ROWS)
        for sheet, i, values in row_edits:
            _edit(rows, sheet, i, **values)
        make_return(src / f"{name}.xlsx", campaign, contract, info={**GOOD_INFO, **info_edit}, rows=rows)
    out = tmp_path / "out"
    soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), *map(str, sorted(src.glob("*.xlsx"))))
    titles = [s.title for s in contract.sheets]
    for name, (_, _, want, python_cells) in PLANTED.items():
        got = _selfcheck(load_workbook(out / f"{name}.xlsx", data_only=True))
        for title in titles:
            row = got[title]
            expected = want.get(title, {})
            counts = {cls: row[HEADS[cls]] for cls in HEADS}
            assert counts == {cls: expected.get(cls, 0) for cls in HEADS}, (name, title, counts)
            if expected:
                assert row["提示"] != COMPLETE and all(CLASS_TIP[c][0] in row["提示"] for c in expected), (name, title, row["提示"])
            elif title == contract.sheet("batchcheck").title:
                # these workbooks leave 同批次自查 (only for a traced batch) empty: optional, so it says so
                assert row["提示"] == OPTIONAL_EMPTY, (name, title, row["提示"])
            else:
                assert row["提示"] == COMPLETE, (name, title, row["提示"])
        total = sum(sum(v.values()) for v in want.values())
        assert sum(got["合计"][HEADS[c]] for c in HEADS) == total, name
        # qm check on the file as sent: where it reports the planted problem, it is the same cell
        findings = validate_workbook(src / f"{name}.xlsx", campaign)
        if name == "credit-code-letters-in-3-8" and not check_credit_code("QYNWF4JHQ3A1D2CUR4").ok:
            python_cells = {("监督抽测", "D2")}   # once addin.core.idcodes checks positions 3-8 too
        assert {(f.sheet, f.cell) for f in findings} == python_cells, (name, [(f.code, f.sheet, f.cell) for f in findings])


def test_selfcheck_tells_an_empty_optional_sheet_from_an_empty_required_one(tmp_path, soffice, campaign, contract):
    """同批次自查 filled (a clean row) says 已填写完整; 自建房安全鉴定 left empty says 尚未填写 —
    only the optional sheet may be empty without being 尚未填写."""
    optional = [s for s in contract.sheets if s.optional]
    assert [s.key for s in optional] == ["batchcheck"]
    rows = copy.deepcopy(GOOD_ROWS)
    del rows["appraisal"]
    rows["batchcheck"] = [{"notice_no": "南建质整〔2022〕7号", "manufacturer": "柳州某钢铁公司", "batch": "22-0815",
                           "project": "江南区某小区2#楼", "contractor": "广西某建工集团有限公司",
                           "selfcheck_date": dt.datetime(2022, 9, 22), "selfcheck_result": "未发现问题"}]
    src = tmp_path / "src"
    src.mkdir()
    make_return(src / "filled-optional.xlsx", campaign, contract, info=GOOD_INFO, rows=rows)
    out = tmp_path / "out"
    soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(src / "filled-optional.xlsx"))
    got = _selfcheck(load_workbook(out / "filled-optional.xlsx", data_only=True))
    assert got[contract.sheet("batchcheck").title]["提示"] == COMPLETE
    assert got[contract.sheet("appraisal").title]["提示"] == NOT_FILLED
    others = {s.title for s in contract.sheets} - {contract.sheet(k).title for k in ("batchcheck", "appraisal")}
    assert {t: got[t]["提示"] for t in others} == dict.fromkeys(others, COMPLETE)


def _uscc(rng: random.Random) -> str:
    """A valid code built by GB 32100-2015 itself: weights 3^(i-1) mod 31, check = 31 - sum mod 31."""
    body = rng.choice("159") + rng.choice("123") + "".join(rng.choice("0123456789") for _ in range(6)) \
        + "".join(rng.choice(USCC_CHARSET) for _ in range(9))
    total = sum(USCC_CHARSET.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return body + USCC_CHARSET[(31 - total % 31) % 31]


def _idno(rng: random.Random) -> str:
    """A valid number by GB 11643-1999: region, a real birth date, sequence, ISO 7064 MOD 11-2 check."""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
    body = f"4501{rng.randrange(100):02d}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11]


def _corrupt(code: str, rng: random.Random, alphabet: str) -> str:
    i = rng.randrange(len(code))
    return code[:i] + rng.choice([c for c in alphabet if c != code[i]]) + code[i + 1:]


def test_check_digit_formulas_agree_with_python(tmp_path, soffice, campaign, contract):
    rng = random.Random(15)
    usccs = ["91350100M000100Y43", "914403001922038216", "91350100m000100y43", " 914403001922038216 ",
             "914403001922038217", "91440300192203821", "9144030019220382160", "91440300I922038216",
             "91440300O922038216", "QYNWF4JHQ3A1D2CUR4", ""]
    for _ in range(60):
        good = _uscc(rng)
        usccs += [good, _corrupt(good, rng, USCC_CHARSET)]
    ids = ["11010519491231002X", "11010519491231002x", "110105194912310021", "11010519491331002X",
           "11010518991231002X", "1101051949123100", "11010519491231002XX", "A1010519491231002X"]
    for _ in range(60):
        good = _idno(rng)
        ids += [good, _corrupt(good, rng, "0123456789X")]
    wb = build_workbook(campaign, campaign.cities[0])
    cases = {"manual": ("credit_code", usccs), "complaints": ("id_number", ids)}
    helpers = {}
    for key, (col_key, values) in cases.items():
        sheet = contract.sheet(key)
        ws = wb[sheet.title]
        letter = get_column_letter([c.key for c in sheet.columns].index(col_key) + 1)
        for r, v in enumerate(values, 2):
            ws[f"{letter}{r}"] = v or None
        (formula,) = [rule.formula[0] for cf in ws.conditional_formatting for rng_ in str(cf.sqref).split()
                      if range_boundaries(rng_)[0] == range_boundaries(rng_)[2] == [c.key for c in sheet.columns].index(col_key) + 1
                      for rule in cf.rules if rule.dxf.fill.fgColor.rgb == BAD_FILL.fgColor.rgb]
        helper = get_column_letter(len(sheet.columns) + 3)
        for r in range(2, len(values) + 2):
            ws[f"{helper}{r}"] = Translator("=" + formula, origin=f"{letter}2").translate_formula(f"{letter}{r}")
        helpers[key] = (letter, helper, values)
    path = tmp_path / "codes.xlsx"
    wb.save(path)
    soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "out"), str(path))
    calc = load_workbook(tmp_path / "out" / "codes.xlsx", data_only=True)
    findings = validate_workbook(path, campaign)
    # positions 3-8 of a credit code must be digits (GB 32100-2015 4.2): the workbook checks it; the
    # Python check may not yet (addin.core.idcodes), so that one code is compared only when it does
    python_checks_3_8 = not check_credit_code("QYNWF4JHQ3A1D2CUR4").ok
    for key, (letter, helper, values) in helpers.items():
        title = contract.sheet(key).title
        code = "invalid-credit-code" if key == "manual" else "invalid-id-number"
        reported = {f.cell for f in findings if f.sheet == title and f.code == code}
        for r, v in enumerate(values, 2):
            flagged = calc[title][f"{helper}{r}"].value
            assert flagged in (True, False), (title, r, v, flagged)
            if v == "QYNWF4JHQ3A1D2CUR4":
                assert flagged
                if not python_checks_3_8:
                    continue
            assert bool(flagged) == (f"{letter}{r}" in reported), (title, v, flagged)
        assert 0 < len(reported) < len(values)
