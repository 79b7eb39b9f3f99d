"""Our workbook, but…: the template's structure changed by hand or by another program.

Each test changes a copy of a clean demo return (openpyxl edits, or the sheet XML rewritten),
drops it beside two clean returns, consolidates the folder (tests/hostile.py::run_batch), and
asserts the exact finding codes for the changed file, where they point, and that the rest of the
file was still read.
"""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from tests.hostile import a_clean_return, rewrite_zip, run_batch, sheet_member


@pytest.fixture(scope="module")
def clean_bytes(demo_manifest) -> bytes:
    return a_clean_return(demo_manifest).read_bytes()


@pytest.fixture(scope="module")
def clean_rows(demo_manifest, campaign):
    """Sheet key -> Excel rows read from the clean return (to compare with what the changed copy gives)."""
    from workbook_templates.reader import read_workbook

    wb = read_workbook(a_clean_return(demo_manifest), campaign_id=campaign.id)
    return {key: [r.row for r in data.rows] for key, data in wb.sheets.items()}


def edited(data: bytes, change) -> bytes:
    """``data`` opened with openpyxl, changed by ``change(wb)``, saved (as a clerk's other tools would)."""
    wb = load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_cell_xml(data: bytes, sheet: str, ref: str, xml: str) -> bytes:
    """``data`` with cell ``ref`` of ``sheet`` replaced by the raw ``<c>`` element ``xml``."""
    member = sheet_member(data, sheet)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = z.read(member).decode("utf-8")
    pattern = re.compile(r'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % ref, re.S)
    assert len(pattern.findall(body)) == 1, ref
    return rewrite_zip(data, {member: pattern.sub(lambda _: xml, body).encode("utf-8")})


def style_of(data: bytes, sheet: str, ref: str) -> str:
    member = sheet_member(data, sheet)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        m = re.search(r'<c r="%s"[^>]*?\bs="(\d+)"' % ref, z.read(member).decode("utf-8"))
    return f' s="{m.group(1)}"' if m else ""


def findings(run, name: str, code: str | None = None) -> list[dict]:
    f = run.consolidated.findings
    rows = f[f["file"] == name]
    if code:
        rows = rows[rows["code"] == code]
    return rows.to_dict("records")


def rows_of(run, key: str, name: str):
    frame = run.consolidated.frames[key]
    return frame[frame["source_file"] == name]


def set_meta(wb, key: str, value) -> None:
    ws = wb["_meta"]
    for row in ws.iter_rows():
        if row[0].value == key:
            row[1].value = value
            return
    raise KeyError(key)


# -- 0. the harness itself: an openpyxl round trip changes nothing -----------------------------

def test_openpyxl_round_trip_is_clean(tmp_path, demo_manifest, campaign, clean_bytes, clean_rows):
    name = "原样另存.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, lambda wb: None)})
    assert run.codes.get(name, set()) == set()
    assert sorted(rows_of(run, "spotcheck", name)["source_row"]) == clean_rows["spotcheck"]


# -- 1. template version ----------------------------------------------------------------------

CURRENT = __import__("workbook_templates.contract", fromlist=["load_contract"]).load_contract().schema_version
NEWER = f"{CURRENT.split('.')[0]}.{int(CURRENT.split('.')[1]) + 1}"      # e.g. 1.1 -> 1.2


@pytest.mark.parametrize("version, words", [
    ("0.9", ["旧版模板（版本 0.9）", f"新版模板（版本 {CURRENT}）", "请改用新版模板"]),
    (NEWER, [f"{NEWER} 高于本程序支持的版本 {CURRENT}", "程序版本低于模板", "请先更新质量月助手"]),
    (f"{CURRENT}0", ["程序版本低于模板"]),       # numerically newer, not "1.1" < "1.10" as text only
    ("", ["没有模板版本号"]),
])
def test_template_version_other_than_ours(tmp_path, demo_manifest, campaign, clean_bytes, clean_rows, version, words):
    name = f"版本{version or '空'}.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, lambda wb: set_meta(wb, "schema_version", version))})
    assert run.codes.get(name) == {"schema-version"}
    [f] = findings(run, name, "schema-version")
    assert all(w in f["message"] for w in words), f["message"]
    assert sorted(rows_of(run, "spotcheck", name)["source_row"]) == clean_rows["spotcheck"]


def test_same_version_written_differently_is_ours(tmp_path, demo_manifest, campaign, clean_bytes):
    name = "版本1.1.0.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, lambda wb: set_meta(wb, "schema_version", CURRENT + ".0"))})
    assert run.codes.get(name, set()) == set()


# -- 2. sheets renamed, reordered, deleted, added -----------------------------------------------

def test_renamed_sheet_is_recognised_by_its_header(tmp_path, demo_manifest, campaign, clean_bytes, clean_rows):
    def change(wb):
        wb["监督抽测"].title = "抽测情况"
        draft = wb.create_sheet("草稿")                   # a foreign sheet with a few of the same titles
        for c, title in enumerate(["工程名称", "工程地点", "备注", "我的说明"], 1):
            draft.cell(1, c, title)

    name = "改表名.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name) == {"sheet-renamed", "extra-sheet"}
    [renamed] = findings(run, name, "sheet-renamed")
    assert renamed["sheet"] == "抽测情况"
    assert renamed["message"] == "工作表“抽测情况”应名为“监督抽测”，已按“监督抽测”读取；请恢复原名"
    [extra] = findings(run, name, "extra-sheet")
    assert extra["sheet"] == "草稿" and extra["message"].startswith("多余的工作表“草稿”，汇总时忽略")
    assert sorted(rows_of(run, "spotcheck", name)["source_row"]) == clean_rows["spotcheck"]


def test_two_renamed_sheets_each_find_their_own(tmp_path, demo_manifest, campaign, clean_bytes, clean_rows):
    def change(wb):
        wb["宣传宣讲"].title = "Sheet1"
        wb["观摩交流"].title = "Sheet2"
        wb["基本信息"].title = "单位信息"
        wb.move_sheet("Sheet2", offset=-1)              # and the order changed too

    name = "两表改名.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name) == {"sheet-renamed"}
    got = {f["sheet"]: f["message"] for f in findings(run, name, "sheet-renamed")}
    assert set(got) == {"Sheet1", "Sheet2", "单位信息"}
    assert "应名为“宣传宣讲”" in got["Sheet1"] and "应名为“观摩交流”" in got["Sheet2"] and "应名为“基本信息”" in got["单位信息"]
    assert sorted(rows_of(run, "publicity", name)["source_row"]) == clean_rows["publicity"]
    assert sorted(rows_of(run, "tours", name)["source_row"]) == clean_rows["tours"]
    sub = next(s for s in run.consolidated.submissions if s.file == name)
    assert sub.status == "采用" and sub.fill_date is not None      # 基本信息 read from the renamed sheet


def test_reordered_sheets_change_nothing(tmp_path, demo_manifest, campaign, clean_bytes, clean_rows):
    def change(wb):
        wb.move_sheet("监督抽测", offset=-6)
        wb.move_sheet("基本信息", offset=5)

    name = "调换顺序.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name, set()) == set()
    assert sorted(rows_of(run, "spotcheck", name)["source_row"]) == clean_rows["spotcheck"]


def test_deleted_sheet_is_missing_and_the_rest_is_read(tmp_path, demo_manifest, campaign, clean_bytes, clean_rows):
    name = "删表.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, lambda wb: wb.remove(wb["观摩交流"]))})
    assert run.codes.get(name) == {"missing-sheet"}
    [f] = findings(run, name, "missing-sheet")
    assert f["sheet"] == "观摩交流" and f["message"].startswith("缺少工作表“观摩交流”")
    assert len(rows_of(run, "tours", name)) == 0
    assert sorted(rows_of(run, "spotcheck", name)["source_row"]) == clean_rows["spotcheck"]


def test_deleted_form_sheet_is_missing_and_the_tables_are_read(tmp_path, demo_manifest, campaign, clean_bytes,
                                                               clean_rows):
    """Without 基本信息 the city comes from the hidden metadata; this copy stands for the city that sent nothing."""
    code = campaign.city_by_name(demo_manifest.missing_city).code

    def change(wb):
        wb.remove(wb["基本信息"])
        set_meta(wb, "city_code", code)

    name = "删基本信息.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name) == {"missing-sheet", "late-submission"}   # no 填报日期: judged by the file's time
    [f] = findings(run, name, "missing-sheet")
    assert f["sheet"] == "基本信息" and f["message"].startswith("缺少工作表“基本信息”")
    assert sorted(rows_of(run, "spotcheck", name)["source_row"]) == clean_rows["spotcheck"]
    assert demo_manifest.missing_city not in run.consolidated.missing_cities


# -- 3. columns moved, renamed, added -------------------------------------------------------------

def test_columns_moved_renamed_and_added(tmp_path, demo_manifest, campaign, clean_bytes, clean_rows):
    def change(wb):
        ws = wb["监督抽测"]
        assert ws["I1"].value == "抽测日期"
        ws["I1"] = "抽检日期"                             # renamed
        ws.move_range("G1:G501", cols=25)                # 监理单位 moved past the status column (AE), to AF
        ws["AG1"] = "联系人"                              # and a column of the clerk's own added

    name = "改列.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name) == {"missing-column", "unknown-column"}
    [missing] = findings(run, name, "missing-column")
    assert missing["cell"] == "I1" and missing["column"] == "抽测日期"
    assert "监督抽测!I1" in missing["message"] and "抽检日期" in missing["message"]
    unknown = {f["cell"]: f for f in findings(run, name, "unknown-column")}
    assert set(unknown) == {"I1", "AG1"}
    assert unknown["I1"]["message"].startswith("监督抽测!I1 的列标题“抽检日期”不是模板中的列")
    assert unknown["AG1"]["column"] == "联系人"
    rows = rows_of(run, "spotcheck", name)
    assert sorted(rows["source_row"]) == clean_rows["spotcheck"]
    assert rows["supervisor"].notna().any()               # the moved column is still read


# -- 4. header row moved down, header titles typed loosely ---------------------------------------

def test_title_rows_inserted_above_the_header(tmp_path, demo_manifest, campaign, clean_bytes, clean_rows):
    def change(wb):
        ws = wb["监督抽测"]
        ws.insert_rows(1, 2)
        ws["A1"] = "南宁市质量月监督抽测情况"
        ws.merge_cells("A1:Z1")

    name = "插入标题行.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name) == {"header-moved"}
    [f] = findings(run, name, "header-moved")
    assert (f["sheet"], f["cell"]) == ("监督抽测", "A3")
    assert f["message"].startswith("表头应在第 1 行，实际在第 3 行，已按第 3 行读取")
    assert sorted(rows_of(run, "spotcheck", name)["source_row"]) == [r + 2 for r in clean_rows["spotcheck"]]


def test_title_rows_and_a_mistake_below_give_the_right_cell(tmp_path, demo_manifest, campaign, clean_bytes):
    def change(wb):
        ws = wb["观摩交流"]
        ws.insert_rows(1, 1)
        ws["A1"] = "观摩交流情况"
        ws["B4"] = None                                   # 观摩项目 (required) of the third record

    name = "标题行加漏填.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name) == {"header-moved", "missing-required"}
    [f] = findings(run, name, "missing-required")
    assert (f["sheet"], f["cell"]) == ("观摩交流", "B4") and "第 4 行" in f["message"]


def test_header_titles_with_stray_spaces_newlines_and_halfwidth_brackets(tmp_path, demo_manifest, campaign,
                                                                          clean_bytes, clean_rows):
    def change(wb):
        wb["监督抽测"]["A1"] = " 工程\n名称 "
        wb["监督抽测"]["I1"] = "抽测　日期"               # full-width space
        wb["微视频作品"]["D1"] = "时长(秒)"
        wb["质量投诉"]["K1"] = "奖励金额 (元)\n"

    name = "表头空格.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name, set()) == set()
    rows = rows_of(run, "spotcheck", name)
    assert sorted(rows["source_row"]) == clean_rows["spotcheck"] and rows["project"].notna().all()
    assert rows_of(run, "videos", name)["duration"].notna().all()


# -- 5. merged cells in the data area ----------------------------------------------------------

def test_merged_cells_in_the_data_are_reported_not_filled_down(tmp_path, demo_manifest, campaign, clean_bytes):
    def change(wb):
        ws = wb["监督抽测"]
        ws.merge_cells("G5:G7")                          # 监理单位 (optional) of three records

    name = "合并单元格.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name) == {"merged-cells"}
    [f] = findings(run, name, "merged-cells")
    assert (f["sheet"], f["cell"]) == ("监督抽测", "G5")
    assert f["message"].startswith("G5:G7 为合并单元格：只读取左上角 G5 的值")
    assert "请取消合并并逐行填写" in f["message"]
    rows = rows_of(run, "spotcheck", name).set_index("source_row")
    assert isinstance(rows.loc[5, "supervisor"], str)
    assert rows.loc[[6, 7], "supervisor"].isna().all()   # not filled down


def test_merged_required_cells_leave_the_others_empty(tmp_path, demo_manifest, campaign, clean_bytes):
    name = "合并必填.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign,
                    {name: edited(clean_bytes, lambda wb: wb["监督抽测"].merge_cells("B2:B3"))})
    assert run.codes.get(name) == {"merged-cells", "missing-required"}
    assert [f["cell"] for f in findings(run, name, "merged-cells")] == ["B2"]
    assert [f["cell"] for f in findings(run, name, "missing-required")] == ["B3"]


# -- 6. hidden rows --------------------------------------------------------------------------------

def test_hidden_rows_are_read_like_visible_ones(tmp_path, demo_manifest, campaign, clean_bytes, clean_rows):
    def change(wb):
        for r in (3, 4):
            wb["监督抽测"].row_dimensions[r].hidden = True

    data = edited(clean_bytes, change)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert 'hidden="1"' in z.read(sheet_member(data, "监督抽测")).decode()
    name = "隐藏行.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: data})
    assert run.codes.get(name, set()) == set()
    rows = sorted(rows_of(run, "spotcheck", name)["source_row"])
    assert rows == clean_rows["spotcheck"] and {3, 4} <= set(rows)


# -- 7. formulas instead of values -------------------------------------------------------------------

def test_formula_with_a_cached_value_gives_the_value(tmp_path, demo_manifest, campaign, clean_bytes):
    s = style_of(clean_bytes, "宣传宣讲", "E2")
    data = with_cell_xml(clean_bytes, "宣传宣讲", "E2", f'<c r="E2"{s}><f>100+54</f><v>154</v></c>')
    name = "公式有值.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: data})
    assert run.codes.get(name, set()) == set()
    rows = rows_of(run, "publicity", name).set_index("source_row")
    assert rows.loc[2, "participants"] == 154


def test_formula_without_a_value_is_reported_instead_of_missing(tmp_path, demo_manifest, campaign, clean_bytes):
    def change(wb):
        wb["观摩交流"]["D2"] = "=10*8"                     # 参加人数 (required); openpyxl computes nothing

    name = "公式无值.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name) == {"formula-no-value"}
    [f] = findings(run, name, "formula-no-value")
    assert (f["sheet"], f["cell"], f["column"]) == ("观摩交流", "D2", "参加人数")
    assert "单元格是公式但没有计算结果，请在 Excel/WPS 中打开、重新计算并保存后报送" in f["message"]
    assert len(rows_of(run, "tours", name)) == 6


# -- 8. error values ------------------------------------------------------------------------------

@pytest.mark.parametrize("error", ["#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"])
def test_error_value_in_a_required_cell(tmp_path, demo_manifest, campaign, clean_bytes, error):
    def change(wb):
        wb["观摩交流"]["D3"] = error                       # openpyxl writes it as an error cell (t="e")

    name = "错误值.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name) == {"cell-error"}
    [f] = findings(run, name, "cell-error")
    assert (f["sheet"], f["cell"]) == ("观摩交流", "D3")
    assert f["message"] == f"“参加人数”单元格为错误值 {error}，请改为实际数值；本次按空白处理"
    rows = rows_of(run, "tours", name).set_index("source_row")
    assert rows.loc[3, "participants"] is None or rows.loc[3, "participants"] != rows.loc[3, "participants"]


def test_error_values_in_optional_cells_of_a_sheet_with_one_in_a_required_cell(tmp_path, demo_manifest, campaign,
                                                                               clean_bytes):
    def change(wb):
        ws = wb["宣传宣讲"]
        ws["B4"] = "#N/A"                                 # 形式 (required)
        ws["E6"] = "#DIV/0!"                              # 参与人数 (optional)

    name = "多个错误值.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name) == {"cell-error"}
    assert {(f["cell"], f["value"]) for f in findings(run, name)} == {("B4", "#N/A"), ("E6", "#DIV/0!")}


def test_error_and_formula_in_the_form_sheet(tmp_path, demo_manifest, campaign, clean_bytes):
    def change(wb):
        ws = wb["基本信息"]
        assert (ws["A4"].value, ws["A5"].value) == ("填报单位", "联系人")
        ws["B4"] = "#REF!"
        ws["B5"] = "=A1"

    name = "基本信息错误值.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: edited(clean_bytes, change)})
    assert run.codes.get(name) == {"cell-error", "formula-no-value"}
    assert {(f["sheet"], f["cell"], f["code"]) for f in findings(run, name)} == {
        ("基本信息", "B4", "cell-error"), ("基本信息", "B5", "formula-no-value")}


@pytest.mark.parametrize("error", ["#SPILL!", "#CALC!", "#GETTING_DATA"])
def test_error_value_python_calamine_does_not_know(tmp_path, demo_manifest, campaign, clean_bytes, clean_rows, error):
    """python-calamine 0.9.1 refuses the whole sheet over these; the sheet is read from a copy."""
    s = style_of(clean_bytes, "监督抽测", "C4")
    data = with_cell_xml(clean_bytes, "监督抽测", "C4", f'<c r="C4"{s} t="e"><f>A1:A3</f><v>{error}</v></c>')
    name = "新错误值.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: data})
    assert run.codes.get(name) == {"cell-error"}
    [f] = findings(run, name, "cell-error")
    assert (f["sheet"], f["cell"], f["value"]) == ("监督抽测", "C4", error)
    assert sorted(rows_of(run, "spotcheck", name)["source_row"]) == clean_rows["spotcheck"]


# -- 9. very long texts --------------------------------------------------------------------------

@pytest.mark.parametrize("length, code", [(32767, None), (40000, "text-too-long")])
def test_very_long_text(tmp_path, demo_manifest, campaign, clean_bytes, length, code):
    """Excel, WPS and openpyxl stop at 32,767 characters; another program wrote this one (inline string)."""
    text = ("存在问题描述" * 8000)[:length]
    s = style_of(clean_bytes, "典型问题曝光", "F3")             # 存在问题 (longtext)
    data = with_cell_xml(clean_bytes, "典型问题曝光", "F3", f'<c r="F3"{s} t="inlineStr"><is><t>{text}</t></is></c>')
    name = f"超长文本{length}.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: data})
    assert run.codes.get(name, set()) == ({code} if code else set())
    if code:
        [f] = findings(run, name, code)
        assert (f["sheet"], f["cell"]) == ("典型问题曝光", "F3")
        assert "超过 Excel 单元格上限 32,767 个字符" in f["message"] and "40,000" in f["message"]
    rows = rows_of(run, "exposure", name).set_index("source_row")
    assert rows.loc[3, "problem"] == text                 # kept as read


# -- 10. re-saved by a real office suite ---------------------------------------------------------

@pytest.mark.soffice
def test_clean_return_resaved_by_libreoffice_stays_clean(tmp_path, demo_manifest, campaign, soffice, clean_rows):
    src = a_clean_return(demo_manifest)
    out = tmp_path / "saved"
    soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(src))
    name = "另存LibreOffice.xlsx"
    run = run_batch(tmp_path, demo_manifest, campaign, {name: (out / src.name).read_bytes()})
    assert run.codes.get(name, set()) == set()
    assert sorted(rows_of(run, "spotcheck", name)["source_row"]) == clean_rows["spotcheck"]


def test_check_scans_every_cell_for_errors_even_in_a_clean_sheet(tmp_path, demo_manifest, campaign, clean_bytes):
    """`qm check` looks at every cell: an error in an optional column of an otherwise clean sheet is found."""
    from addin.checks.validate import validate_workbook

    def change(wb):
        wb["宣传宣讲"]["E6"] = "#DIV/0!"                     # 参与人数 (optional); nothing else wrong

    path = tmp_path / "可选列错误值.xlsx"
    path.write_bytes(edited(clean_bytes, change))
    found = [(f.code, f.sheet, f.cell) for f in validate_workbook(path, campaign)]
    assert ("cell-error", "宣传宣讲", "E6") in found
    # consolidation skips the scan where nothing points at the cell (documented: read as empty)
    quick = [(f.code, f.sheet, f.cell) for f in validate_workbook(path, campaign, scan_cells=False)]
    assert ("cell-error", "宣传宣讲", "E6") not in quick
