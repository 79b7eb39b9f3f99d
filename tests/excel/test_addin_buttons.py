"""The ribbon handlers end to end through xlwings' remote engine (no Excel needed).

A real city workbook is built from the template and filled with openpyxl, turned into the JSON
payload an xlwings client sends (values of every sheet from A1, dates as ISO strings, sheet
visibility, notes), opened with ``xw.Book(json=payload)``; the handler runs on it and the
actions it queued (``book.json()``) are checked: the 校验结果 sheet, cell colours, notes,
message boxes, and the files written.
"""
from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import python_calamine  # noqa: E402
import xlwings as xw  # noqa: E402
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string  # noqa: E402

import addin.excel.buttons as b  # noqa: E402
from addin.core.findings import ERROR, WARNING, sort_key  # noqa: E402
from addin.checks.validate import validate_workbook  # noqa: E402
from tests.filling import GOOD_INFO, GOOD_ROWS, make_return  # noqa: E402

HAS_REPORT = importlib.util.find_spec("docgen.report") is not None
HAS_NOTICE = importlib.util.find_spec("docgen.notice") is not None


# -- payloads ---------------------------------------------------------------------------
def _json_value(v):
    if isinstance(v, dt.datetime):
        return v.isoformat(timespec="milliseconds") + "Z"
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, dt.time()).isoformat(timespec="milliseconds") + "Z"
    return "" if v is None else v


def _sheet(name, values, visibility="Visible", notes=None):
    return {"name": name, "values": [[_json_value(v) for v in row] for row in values] or [[]],
            "visibility": visibility, "pictures": [], "tables": [], "shapes": [], "charts": [],
            "notes": [{"address": a} for a in (notes or [])], "notes_supported": True}


def payload_from_xlsx(path, name=None, client="Office.js", extra=()):
    """The payload an xlwings client sends for the workbook at ``path`` (values read with calamine)."""
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    sheets = []
    for meta in wb.sheets_metadata:
        values = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        sheets.append(_sheet(meta.name, values, str(meta.visible).split(".")[-1]))
    sheets += list(extra)
    return {"client": client, "version": xw.__version__,
            "book": {"name": name or Path(path).name, "active_sheet_index": 1, "selection": "A1"},
            "names": [], "sheets": sheets}


def remote_book(payload) -> xw.Book:
    return xw.Book(json=payload)


def actions(book, func=None):
    return [a for a in book.json()["actions"] if func is None or a["func"] == func]


def alerts(book):
    return [(a["args"][0], a["args"][3]) for a in actions(book, "alert")]


def position(payload, sheet_name):
    return next(i for i, s in enumerate(payload["sheets"]) if s["name"] == sheet_name)


def rc(cell):
    letters, row = coordinate_from_string(cell)
    return row - 1, column_index_from_string(letters) - 1


def bad_rows():
    rows = copy.deepcopy(GOOD_ROWS)
    rows["spotcheck"][0]["stated"] = "不合格"                 # computed: 合格 -> judgment-mismatch, no notice
    rows["manual"][0]["credit_code"] = "914403001922038217"   # wrong check character -> warning
    rows["publicity"][0]["form"] = "@专题讲座"                 # not in choices, formula-like text
    rows["tours"][0]["participants"] = None                    # missing required
    return rows


@pytest.fixture
def bad_return(tmp_path, campaign, contract):
    return make_return(tmp_path / "南宁市质量月填报表.xlsx", campaign, contract, info=GOOD_INFO, rows=bad_rows())


@pytest.fixture
def good_return(tmp_path, campaign, contract):
    return make_return(tmp_path / "南宁-好.xlsx", campaign, contract, info=GOOD_INFO, rows=GOOD_ROWS)


# -- 校验本表 ----------------------------------------------------------------------------
def _result_rows(book, payload):
    add = actions(book, "addSheet")
    assert [a["args"][1] for a in add] == [b.RESULT_SHEET]
    pos = add[0]["args"][0]
    writes = [a for a in actions(book, "setValues") if a["sheet_position"] == pos]
    return pos, {a["start_row"]: a["values"] for a in writes}


def test_validate_book_writes_the_same_findings_as_qm_check(bad_return, campaign):
    payload = payload_from_xlsx(bad_return)
    book = remote_book(payload)
    assert b.validate_book(book) is None
    expected = sorted(validate_workbook(bad_return, campaign), key=sort_key)
    assert {f.code for f in expected} >= {"judgment-mismatch", "nonconforming-without-notice",
                                          "invalid-credit-code", "not-in-choices", "missing-required"}
    pos, writes = _result_rows(book, payload)
    assert writes[0][0][0].startswith("校验结果（") and "错误" in writes[0][0][0]
    assert writes[2] == [list(b.RESULT_HEADERS)]
    rows = writes[b.RESULT_FIRST_ROW - 1]
    assert [(r[1], r[2], r[3], r[4], r[5].lstrip("'"), r[6]) for r in rows] == \
        [(f.severity, f.sheet, f.cell, f.column, f.message, f.basis) for f in expected]
    assert [r[0] for r in rows] == list(range(1, len(expected) + 1))
    formula_like = next(r for r in rows if r[2] == "宣传宣讲" and r[4] == "形式")
    assert formula_like[7] == "'@专题讲座"      # city text is written as text, never a formula

    # every flagged cell is coloured (red for errors, yellow for warnings) and annotated
    colours = {(a["sheet_position"], a["start_row"], a["start_column"]): a["args"][0]
               for a in actions(book, "setRangeColor")}
    notes = {(a["sheet_position"], a["start_row"], a["start_column"]): a["args"][1] for a in actions(book, "addNote")}
    flagged = {}
    for f in expected:
        if f.cell and f.severity in (ERROR, WARNING):
            key = (position(payload, f.sheet), *rc(f.cell))
            flagged.setdefault(key, []).append(f)
    assert flagged
    for key, group in flagged.items():
        worst = ERROR if any(f.severity == ERROR for f in group) else WARNING
        assert colours[key] == b.SEVERITY_COLORS[worst], group
        assert notes[key].startswith(b.NOTE_PREFIX) and all(f.message in notes[key] for f in group)
    spot = position(payload, "监督抽测")
    assert any(k[0] == spot and v == "#FFC7CE" for k, v in colours.items())
    assert colours[(position(payload, "质量安全手册"), *rc("C2"))] == "#FFEB9C"
    # the results sheet is shown, and the message box sums it up
    assert actions(book, "activateSheet")[-1]["args"] == [pos]
    (text, mode), = alerts(book)
    n_err = sum(f.severity == ERROR for f in expected)
    assert mode == "info" and f"错误 {n_err} 个" in text and "标色" in text


def test_validate_book_on_a_client_without_notes(bad_return):
    book = remote_book(payload_from_xlsx(bad_return, client="Microsoft Office Scripts"))
    b.validate_book(book)
    used = {a["func"] for a in actions(book)}
    assert "addNote" not in used and "setRangeColor" in used
    # only actions the classic Office Scripts client implements
    assert used <= {"addSheet", "setValues", "setRangeColor", "activateSheet", "alert", "sheetClear"}
    (text, mode), = alerts(book)
    assert mode == "info" and "校验完成" in text


def test_validate_clean_book_shows_the_selfcheck_sheet(good_return, campaign):
    assert validate_workbook(good_return, campaign) == []
    payload = payload_from_xlsx(good_return)
    book = remote_book(payload)
    b.validate_book(book)
    pos, writes = _result_rows(book, payload)
    assert writes[b.RESULT_FIRST_ROW - 1] == [["未发现问题。"]]
    assert "错误 0 个，警告 0 个，提示 0 个" in writes[0][0][0]
    assert not [a for a in actions(book, "setRangeColor") if a["sheet_position"] != pos]
    assert actions(book, "activateSheet")[-1]["args"] == [position(payload, "自查")]
    assert alerts(book) == [("校验完成：未发现问题。报送前请再看一遍“自查”表。", "info")]


def test_rerun_clears_the_previous_run(bad_return):
    previous = [["校验结果（旧）"], [], list(b.RESULT_HEADERS),
                [1, "错误", "监督抽测", "A2", "工程名称", "旧问题", "", "", "必填项未填"],      # fixed since
                [2, "错误", "监督抽测", "P2", "判定", "仍然存在", "", "", "判定与标准复核不一致"]]  # still there
    payload = payload_from_xlsx(bad_return, extra=[_sheet(b.RESULT_SHEET, previous)])
    spot = position(payload, "监督抽测")
    payload["sheets"][spot]["notes"] = [{"address": "$A$2"}]
    book = remote_book(payload)
    b.validate_book(book)
    pos = position(payload, b.RESULT_SHEET)
    assert not actions(book, "addSheet")
    assert [a["sheet_position"] for a in actions(book, "sheetClear")] == [pos]
    cleared = [a for a in actions(book, "setRangeColor") if a["args"] == [None]]
    assert [(a["sheet_position"], a["start_row"], a["start_column"]) for a in cleared] == [(spot, 1, 0)]
    assert [(a["sheet_position"], a["start_row"], a["start_column"]) for a in actions(book, "deleteNote")] == [(spot, 1, 0)]
    recoloured = {(a["sheet_position"], a["start_row"], a["start_column"]) for a in actions(book, "setRangeColor")
                  if a["args"] != [None]}
    assert (spot, *rc("P2")) in recoloured


def test_validate_refuses_a_workbook_that_is_not_ours():
    payload = {"client": "Office.js", "version": xw.__version__, "book": {"name": "随便.xlsx", "active_sheet_index": 0},
               "names": [], "sheets": [_sheet("Sheet1", [["工程名称"], ["某工程"]])]}
    book = remote_book(payload)
    b.validate_book(book)
    assert not actions(book, "addSheet") and not actions(book, "setValues")
    (text, mode), = alerts(book)
    assert mode == "critical" and text.startswith("校验本表未完成：") and "不是本活动下发的标准填报表" in text


def test_a_bug_becomes_a_chinese_message_box(bad_return, monkeypatch, capsys):
    import addin.checks.validate

    def boom(*a, **k):
        raise RuntimeError("kaput")

    monkeypatch.setattr(addin.checks.validate, "validate_returned", boom)
    book = remote_book(payload_from_xlsx(bad_return))
    assert b.validate_book(book) is None
    (text, mode), = alerts(book)
    assert mode == "critical" and "出现意外错误（RuntimeError：kaput）" in text
    assert "Traceback" in capsys.readouterr().err   # the details go to the log, not the user


def test_without_excel_the_handler_returns_quietly(capsys):
    assert b.validate_book() is None               # xw.Book.caller() has no Excel to call it here
    assert "请在 Excel 中点击按钮运行" in capsys.readouterr().err


# -- province side -----------------------------------------------------------------------
def control_book(settings: dict, client="Office.js"):
    rows = [["项目", "设置值", "说明"]]
    for label, _, _ in b.SETTINGS_ROWS:
        rows.append([label, settings.get(label, ""), ""])
    payload = {"client": client, "version": xw.__version__,
               "book": {"name": "汇总控制.xlsx", "active_sheet_index": 0}, "names": [],
               "sheets": [_sheet(b.SETTINGS_SHEET, rows), _sheet("Sheet1", [[]])]}
    return remote_book(payload)


@pytest.fixture
def returns(tmp_path, campaign, contract):
    folder = tmp_path / "回收"
    folder.mkdir()
    make_return(folder / "南宁.xlsx", campaign, contract, "南宁市", info=GOOD_INFO, rows=bad_rows())
    make_return(folder / "柳州.xlsx", campaign, contract, "柳州市", info=GOOD_INFO, rows=GOOD_ROWS)
    return folder


def test_consolidate_folder_writes_the_summary(returns, tmp_path, campaign):
    from addin.consolidate.run import load_consolidated

    out = tmp_path / "输出"
    book = control_book({"回收目录": str(returns), "输出目录": str(out)})
    b.consolidate_folder(book)
    summary = out / b.SUMMARY_NAME
    assert summary.is_file(), alerts(book)
    c = load_consolidated(summary, campaign)
    assert sorted(s.city for s in c.submissions if s.status == "采用") == ["南宁市", "柳州市"]
    (text, mode), = alerts(book)
    assert mode == "info" and "读取 2 个文件，采用 2 个城市的报送" in text and str(summary) in text
    assert "未报送：" in text and "桂林市" in text


def test_consolidate_folder_writes_beside_the_returns_and_skips_its_own_output(returns):
    for _ in range(2):   # the second run must not read 汇总.xlsx as a return
        book = control_book({"回收目录": str(returns)})
        b.consolidate_folder(book)
        (text, mode), = alerts(book)
        assert mode == "info" and "读取 2 个文件" in text, text
    assert (returns / b.SUMMARY_NAME).is_file()


def test_consolidate_folder_needs_a_folder(tmp_path):
    book = control_book({})
    b.consolidate_folder(book)
    (text, mode), = alerts(book)
    assert mode == "critical" and "B2" in text and "回收目录" not in text.split("：", 1)[0]
    book = control_book({"回收目录": str(tmp_path / "没有")})
    b.consolidate_folder(book)
    assert "回收目录不存在" in alerts(book)[0][0]
    empty = tmp_path / "空"
    empty.mkdir()
    book = control_book({"回收目录": str(empty)})
    b.consolidate_folder(book)
    assert "没有找到报送的 Excel 文件" in alerts(book)[0][0] and str(empty) in alerts(book)[0][0]


def test_init_settings_creates_the_sheet():
    payload = {"client": "Office.js", "version": xw.__version__, "book": {"name": "新建.xlsx", "active_sheet_index": 0},
               "names": [], "sheets": [_sheet("Sheet1", [[]])]}
    book = remote_book(payload)
    b.init_settings(book)
    assert [a["args"] for a in actions(book, "addSheet")] == [[0, b.SETTINGS_SHEET]]
    values = [a["values"] for a in actions(book, "setValues")]
    assert values[0] == [["项目", "设置值", "说明"]]
    assert [r[0] for r in values[1]] == [label for label, _, _ in b.SETTINGS_ROWS]
    assert "B2" in alerts(book)[0][0]
    # with the sheet present, it only explains it
    book = control_book({})
    b.init_settings(book)
    assert not actions(book, "addSheet") and "已存在" in alerts(book)[0][0]


def test_missing_document_module_is_a_clear_message(returns, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "docgen.notice", None)
    book = control_book({"回收目录": str(returns), "输出目录": str(tmp_path / "o")})
    b.rectification_notices(book)
    (text, mode), = alerts(book)
    assert mode == "critical" and "公文模块尚未安装" in text


@pytest.mark.skipif(not HAS_REPORT, reason="docgen.report (build_province_report) 尚未提交")
def test_province_report(returns, tmp_path, campaign):
    out = tmp_path / "输出"
    book = control_book({"回收目录": str(returns), "输出目录": str(out)})
    b.province_report(book)
    (text, mode), = alerts(book)
    assert mode == "info", text
    docs = list(out.glob("*全区质量月活动总结报告.docx"))
    assert len(docs) == 1 and (out / b.SUMMARY_NAME).is_file()   # consolidated on the way
    # a second report reuses the up-to-date 汇总.xlsx
    mtime = (out / b.SUMMARY_NAME).stat().st_mtime
    b.province_report(control_book({"回收目录": str(returns), "输出目录": str(out)}))
    assert (out / b.SUMMARY_NAME).stat().st_mtime == mtime


@pytest.mark.skipif(not HAS_NOTICE, reason="docgen.notice (build_notices) 尚未提交")
def test_rectification_notices(returns, tmp_path):
    out = tmp_path / "输出"
    book = control_book({"回收目录": str(returns), "输出目录": str(out)})
    b.rectification_notices(book)
    (text, mode), = alerts(book)
    assert mode == "info", text
    assert (out / b.NOTICES_DIR).is_dir()


@pytest.mark.skipif(not HAS_REPORT, reason="docgen.report (build_city_report) 尚未提交")
def test_city_report(bad_return, tmp_path):
    out = tmp_path / "本市"
    book = remote_book(payload_from_xlsx(bad_return))
    b.city_report(book, out_dir=out)
    (text, mode), = alerts(book)
    assert mode == "info", text
    assert len(list(out.glob("南宁市*报告.docx"))) == 1


def test_city_report_without_docgen(bad_return, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "docgen.report", None)
    book = remote_book(payload_from_xlsx(bad_return))
    b.city_report(book, out_dir=tmp_path)
    (text, mode), = alerts(book)
    assert mode == "critical" and "公文模块尚未安装" in text


def test_city_report_snapshot_reads_like_the_file(bad_return, tmp_path, campaign):
    """The values snapshot the city report uses gives the same findings as the file itself."""
    book = remote_book(payload_from_xlsx(bad_return))
    snap = b.snapshot(book, tmp_path)
    assert snap.name == bad_return.name
    strip = lambda fs: sorted((f.code, f.sheet, f.cell, f.message) for f in fs)  # noqa: E731
    assert strip(validate_workbook(snap, campaign)) == strip(validate_workbook(bad_return, campaign))


# -- 竞赛计分 ------------------------------------------------------------------------------
def test_contest_scoring(tmp_path, campaign):
    tsw = pytest.importorskip("tests.contest.test_scoring_workbook")
    from addin.contest.workbook import write_scoring_template

    template = write_scoring_template(campaign, tmp_path, source=str(tsw.write_source(tmp_path / "汇总.xlsx")))
    filled = tsw.fill(template, tmp_path / "评分表.xlsx")
    out = tmp_path / "计分"
    book = control_book({"评分工作簿": str(filled), "输出目录": str(out)})
    b.contest_scoring(book)
    (text, mode), = alerts(book)
    assert mode == "info", text
    assert (out / b.SCORE_RESULT_NAME).is_file() and "错误 0 个" in text
    if importlib.util.find_spec("docgen.award_list"):
        assert (out / b.AWARD_LIST_NAME).is_file()


def test_contest_scoring_needs_a_scoring_workbook(tmp_path):
    book = control_book({})
    b.contest_scoring(book)
    (text, mode), = alerts(book)
    assert mode == "critical" and "评分工作簿" in text
    book = control_book({"评分工作簿": str(tmp_path / "没有.xlsx")})
    b.contest_scoring(book)
    assert "评分工作簿不存在" in alerts(book)[0][0]


def test_every_handler_is_listed_and_labelled():
    assert [h.__name__ for h in b.HANDLERS] == ["validate_book", "city_report", "city_notices", "consolidate_folder",
                                                "province_report", "rectification_notices", "exposure_list",
                                                "reward_roster", "contest_scoring", "quiz_marking", "init_settings", "track_followup",
                                                "remind_returns"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h.label) for h in b.HANDLERS)


@pytest.mark.skipif(not HAS_NOTICE, reason="docgen.notice (build_notices) 尚未提交")
def test_city_notices_on_a_city_return(demo_manifest, demo_dir, tmp_path):
    """The button on a city's own return: that city's notices, in its name, with a numbered copy."""
    import hashlib

    src = demo_dir / demo_manifest.used_files()["北海市"]
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    book = remote_book(payload_from_xlsx(src))
    b.city_notices(book, out_dir=tmp_path / "o")
    (text, mode), = alerts(book)
    assert mode == "info", text
    assert "已生成整改通知书 1 份" in text and "北海市" in text
    folder = tmp_path / "o" / f"{b.NOTICES_DIR}_北海市"
    docs = list(folder.glob("*.docx"))
    assert len(docs) == 1 and docs[0].name.startswith(f"北海市_北建质改〔{dt.date.today().year}〕")   # issued today
    assert list(folder.glob("*（已编号）.xlsx"))
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before


# -- 曝光清单 / 奖励名册 (province) and 生成整改通知书 (city) --------------------------------------
def _docx_text(path) -> list[str]:
    import docx

    d = docx.Document(str(path))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return [p.text for p in d.paragraphs] + cells


def _photo(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (40, 30), (200, 80, 80)).save(path, "JPEG")


@pytest.mark.skipif(importlib.util.find_spec("docgen.exposure") is None, reason="docgen.exposure 尚未提交")
def test_exposure_list_button_writes_what_qm_exposure_writes(returns, tmp_path):
    from addin.cli.main import main

    _photo(returns / "照片1.jpg")          # the 南宁/柳州 returns refer to 照片1.jpg, handed in beside them
    out = tmp_path / "输出"
    book = control_book({"回收目录": str(returns), "输出目录": str(out)})
    b.exposure_list(book)
    (text, mode), = alerts(book)
    made = out / b.EXPOSURE_NAME
    assert mode == "info" and text.splitlines()[0] == f"已生成曝光清单：{made}", text
    assert "照片缺失" not in text and "缺失或无法读取" not in text
    assert (out / b.SUMMARY_NAME).is_file()                     # consolidated on the way
    cli_out = tmp_path / "cli.docx"
    assert main(["exposure", str(out / b.SUMMARY_NAME), "-o", str(cli_out), "--photos", str(returns)]) == 0
    assert _docx_text(made) == _docx_text(cli_out)
    assert any("某商住楼" in t for t in _docx_text(made))
    # the photo went into the document
    import zipfile
    assert any(n.startswith("word/media/") for n in zipfile.ZipFile(made).namelist())


@pytest.mark.skipif(importlib.util.find_spec("docgen.exposure") is None, reason="docgen.exposure 尚未提交")
def test_exposure_list_button_refuses_a_list_with_missing_photos(returns, tmp_path):
    """A document for publication is never written with a gap: the button names the missing photo."""
    book = control_book({"回收目录": str(returns), "输出目录": str(tmp_path / "o")})
    b.exposure_list(book)
    (text, mode), = alerts(book)
    assert mode == "critical" and "照片1.jpg" in text, text
    assert not (tmp_path / "o" / b.EXPOSURE_NAME).exists()


@pytest.mark.skipif(importlib.util.find_spec("docgen.rewards") is None, reason="docgen.rewards 尚未提交")
def test_reward_roster_button_writes_what_qm_rewards_writes(returns, tmp_path, campaign, capsys):
    from addin.cli.main import main
    from docgen.rewards import compute_roster, default_seed

    out = tmp_path / "输出"
    book = control_book({"回收目录": str(returns), "输出目录": str(out)})
    b.reward_roster(book)
    (text, mode), = alerts(book)
    made = out / b.REWARDS_NAME
    assert mode == "info" and made.is_file(), text
    capsys.readouterr()
    cli_out = out / b.REWARDS_NAME     # same path: the CLI's line and the button's message must agree
    assert main(["rewards", str(out / b.SUMMARY_NAME), "-o", str(cli_out)]) == 0
    assert capsys.readouterr().out.strip() == text
    from addin.consolidate.run import load_consolidated

    seed, rows = compute_roster(load_consolidated(out / b.SUMMARY_NAME, campaign))
    assert seed == default_seed(campaign) and f"随机种子 {seed}" in text and f"{len(rows)} 件投诉" in text
    assert f"奖励合计 {sum(r['total'] for r in rows):.2f} 元" in text


def test_province_document_buttons_need_the_returns_folder():
    for handler in (b.exposure_list, b.reward_roster):
        book = control_book({})
        handler(book)
        (text, mode), = alerts(book)
        assert mode == "critical" and "B2" in text, (handler.__name__, text)


@pytest.mark.skipif(not HAS_NOTICE, reason="docgen.notice (build_notices) 尚未提交")
def test_city_notices_button_for_its_own_return(bad_return, tmp_path, campaign):
    """生成整改通知书 on a city's open return writes what `qm notices RETURN.xlsx` writes for that file."""
    from addin.cli.main import main

    out = tmp_path / "本市"
    book = remote_book(payload_from_xlsx(bad_return))
    b.city_notices(book, out_dir=out)
    (text, mode), = alerts(book)
    folder = next(out.glob(f"{b.NOTICES_DIR}_*"))
    made = sorted(p.name for p in folder.glob("*.docx"))
    cli = tmp_path / "cli"
    assert main(["notices", str(bad_return), "-o", str(cli)]) == 0
    expected = sorted(p.name for p in cli.glob("*.docx"))
    assert made == expected
    if expected:
        assert mode == "info" and f"已生成整改通知书 {len(expected)} 份" in text and str(folder) in text
        for name in expected:
            assert _docx_text(folder / name) == _docx_text(cli / name)
    else:
        assert "没有需要下发整改通知书的不合格项" in text


@pytest.mark.skipif(not HAS_NOTICE, reason="docgen.notice (build_notices) 尚未提交")
def test_city_notices_writes_one_per_nonconforming_project(tmp_path, campaign, contract):
    """The good return's 不合格 板厚 check, before its notice number was recorded: one notice naming
    the project and the item, in 南宁市's name."""
    from docgen.notice import plan_notices
    from addin.consolidate.run import consolidate_files

    rows = copy.deepcopy(GOOD_ROWS)
    for row in rows["spotcheck"]:
        if row.get("notice_no"):
            row.update(notice_no=None, notice_date=None)
    path = make_return(tmp_path / "南宁不合格.xlsx", campaign, contract, info=GOOD_INFO, rows=rows)
    planned = plan_notices(consolidate_files([path], campaign, jobs=1, progress=False, timeout=None, memory_mb=None),
                           city="南宁市")
    assert len(planned) == 1 and planned[0].project == "青秀区某花园3#楼"
    book = remote_book(payload_from_xlsx(path))
    b.city_notices(book, out_dir=tmp_path / "o")
    (text, mode), = alerts(book)
    folder = tmp_path / "o" / f"{b.NOTICES_DIR}_南宁市"
    docs = sorted(folder.glob("*.docx"))
    assert [d.name for d in docs] == [n.file_name for n in planned]
    assert mode == "info" and "已生成整改通知书 1 份" in text and "登记表" in text
    body = "\n".join(_docx_text(docs[0]))
    assert "青秀区某花园3#楼" in body and "板厚" in body and "广西某建工集团有限公司" in body
    assert (folder / "整改通知书登记表.xlsx").is_file()


def test_city_notices_refuses_a_workbook_that_is_not_ours(tmp_path):
    payload = {"client": "Office.js", "version": xw.__version__, "book": {"name": "随便.xlsx", "active_sheet_index": 0},
               "names": [], "sheets": [_sheet("Sheet1", [["工程名称"], ["某工程"]])]}
    book = remote_book(payload)
    b.city_notices(book, out_dir=tmp_path)
    (text, mode), = alerts(book)
    assert mode == "critical" and "不是本活动下发的标准填报表" in text
    assert not list(tmp_path.glob(f"{b.NOTICES_DIR}*"))


def test_track_followup_and_remind_returns(returns, tmp_path):
    """跟踪督导 and 催报 call the same use cases as `qm track` and `qm remind` (today's date)."""
    out = tmp_path / "输出"
    book = control_book({"回收目录": str(returns), "输出目录": str(out)})
    b.track_followup(book)
    (text, mode), = alerts(book)
    assert mode == "info", text
    assert "跟踪督导表已写入" in text and (out / "跟踪督导.xlsx").is_file() and (out / b.SUMMARY_NAME).is_file()
    book = control_book({"回收目录": str(returns), "输出目录": str(out)})
    b.remind_returns(book)
    (text, mode), = alerts(book)
    assert mode == "info", text
    assert (out / b.REMIND_DIR / "催报名单.xlsx").is_file()
    assert "未报送" in text            # 12 of the 14 cities have not returned in this folder
