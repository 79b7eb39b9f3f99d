"""Text from cities reaches every output as text: never a formula, a link or a number.

A clean demo return is copied and formula-looking strings are written into text cells of
several sheets (as text cells, the way a clerk's typed text is stored), plus text with
XML-illegal control characters (stored with Excel's _xHHHH_ escape, the only way they can be
in a file) and a 40,000-character text. The outputs are then checked by reading their XML:
no <f> element carries the city text, the cells are string cells, and the readers give the
text back (a leading tab or CR included; over-long text cut with the marker).
"""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.hostile import a_clean_return, clean_files, rewrite_zip, sheet_member

FORMULAS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(1)", '=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0",
            "\t=1+1", "\r=1+1"]
# XlsxWriter (constant_memory) writes a string that looks like rich-text XML without escaping it.
RICH_TRAP = '<r><t>x</t></r></is></c><c><f>1+1</f></c><c t="inlineStr"><is><r><t>y</t></r>'
ESCAPE_LOOKALIKE = "_x0041_=1+1"           # Excel's own escape syntax, typed as text
ESCAPE_MARK = "QMESCAPE"                   # replaced in the XML by ESCAPE_LOOKALIKE as Excel stores it
ILLEGAL_MARK = "QMILLEGAL"                 # replaced in the XML by _x0001_-style escapes
ILLEGAL_XML = "a_x0001_b_x000B_c_x001F_=1+1"
ILLEGAL_TEXT = "a\x01b\x0bc\x1f=1+1"       # what a reader makes of ILLEGAL_XML
ILLEGAL_SAFE = "abc=1+1"                   # what every output must show
ILLEGAL_CLEANED = "ab c =1+1"              # the same in a text column (the validator turns \x0b, \x1f into spaces)
LONG = "长" * 40000
LONG_MARK = "QMLONG"                       # openpyxl cuts at 32,767 when told: replaced in the XML
MARKER = "…（已截断）"
LIMIT = 32767
DDE_NAME = "=cmd|' -C calc'!A0.xlsx"     # '/' cannot be in a file name: '-C' for '/C'

# sheet title -> column title -> values (one a row, from row 2)
PLANTED = {
    "监督抽测": {"工程名称": FORMULAS + [ILLEGAL_MARK, LONG_MARK, ESCAPE_MARK],
                 "生产厂家": FORMULAS,
                 "批号": list(reversed(FORMULAS)),
                 # a choice column: the typed value goes into a finding as it is (tab and CR too)
                 "抽测类别": [None] * 8 + [RICH_TRAP, '=HYPERLINK("http://x","y")', ILLEGAL_MARK,
                                           "\t=1+1", "\r=1+1", "-2+3", ESCAPE_MARK, LONG_MARK]},
    "质量投诉": {"涉及工程": FORMULAS + [ILLEGAL_MARK, LONG_MARK],
                 "投诉人": list(reversed(FORMULAS))},
}


def _expected_texts() -> set[str]:
    return set(FORMULAS) | {ILLEGAL_SAFE, ESCAPE_LOOKALIKE, RICH_TRAP}


def plant(src: Path, dst: Path) -> Path:
    """A copy of ``src`` with PLANTED written as text cells (then the control characters patched in)."""
    wb = load_workbook(src)
    for title, cols in PLANTED.items():
        ws = wb[title]
        header = [c.value for c in ws[1]]
        for col_title, values in cols.items():
            col = header.index(col_title) + 1
            for r, v in enumerate(values, 2):
                if v is None:
                    continue
                cell = ws.cell(r, col)
                cell.value = v
                cell.data_type = "s"       # typed text, not a formula
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    change = {}
    for title in PLANTED:
        member = sheet_member(data, title)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read(member).decode("utf-8")
        xml = xml.replace(ILLEGAL_MARK, ILLEGAL_XML).replace(ESCAPE_MARK, "_x005F" + ESCAPE_LOOKALIKE)
        xml = xml.replace(LONG_MARK, LONG)
        change[member] = xml.encode("utf-8")
    dst.write_bytes(rewrite_zip(data, change))
    return dst


# -- reading a package's XML ------------------------------------------------------------
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XESC = re.compile("_x([0-9A-Fa-f]{4})_")


def excel_unescape(text: str) -> str:
    """Cell text as Excel reads it: _xHHHH_ is the character U+HHHH."""
    return _XESC.sub(lambda m: chr(int(m.group(1), 16)), text)


def _si_text(node) -> str:
    return "" if node is None else "".join(t.text or "" for t in node.iter(f"{NS}t"))


def sheet_cells(path: Path) -> dict[str, list[tuple[str, str | None, str | None, str | None]]]:
    """Sheet title -> [(ref, t attribute, text of a string cell, formula text)] from the XML."""
    from xml.etree import ElementTree as ET

    data = Path(path).read_bytes()
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            shared = [_si_text(si) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{NS}si")]
        titles = re.findall(r'<sheet [^>]*name="([^"]+)"', z.read("xl/workbook.xml").decode("utf-8"))
        for title in titles:
            title = title.replace("&amp;", "&").replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
            member = sheet_member(data, title)
            if not member.startswith("xl/worksheets/"):
                continue
            rows = []
            for c in ET.fromstring(z.read(member)).iter(f"{NS}c"):
                t = c.get("t")
                f = c.find(f"{NS}f")
                text = None
                if t == "inlineStr":
                    text = excel_unescape(_si_text(c.find(f"{NS}is")))
                elif t == "s":
                    text = excel_unescape(shared[int(c.find(f"{NS}v").text)])
                elif t == "str":
                    v = c.find(f"{NS}v")
                    text = v.text if v is not None else None
                rows.append((c.get("r"), t, text, None if f is None else (f.text or "")))
            out[title] = rows
    return out


def formulas(path: Path) -> list[str]:
    return [f for rows in sheet_cells(path).values() for _, _, _, f in rows if f is not None]


def calamine_texts(path: Path) -> dict[str, set[str]]:
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: {v for row in wb.get_sheet_by_name(name).to_python() for v in row if isinstance(v, str) and v}
            for name in wb.sheet_names}


PLANTED_BITS = ("1+1", "SUM(A1:A2)", "2+3", "SUM(1)", "HYPERLINK", "cmd|", "calc")


def assert_no_city_formula(path: Path, any_formula: bool = False) -> None:
    found = formulas(path)
    if any_formula:
        assert not found, f"{path.name}: formulas {found[:5]}"
    bad = [f for f in found if any(b in f for b in PLANTED_BITS)]
    assert not bad, f"{path.name}: city text became a formula: {bad[:5]}"


def assert_text_cells(path: Path, sheet: str, expected: set[str]) -> None:
    """Each expected text is in ``sheet`` as a string cell (never t="str", a formula's result)."""
    cells = sheet_cells(path)[sheet]
    kinds = {}
    for _, t, text, f in cells:
        if text in expected:
            kinds.setdefault(text, set()).add(t)
            assert f is None, f"{path.name}!{sheet}: {text!r} has a formula"
    assert set(kinds) == expected, f"{path.name}!{sheet}: missing {expected - set(kinds)}"
    for text, ts in kinds.items():
        assert ts <= {"s", "inlineStr"}, f"{path.name}!{sheet}: {text!r} written as {ts}"
    texts = calamine_texts(path)[sheet]
    assert expected <= texts, f"{path.name}!{sheet}: python-calamine reads back {expected - texts} differently"


def assert_cell_limit(path: Path) -> list[str]:
    """No text longer than a cell may hold; returns the texts that were cut."""
    cut = []
    for sheet, cells in sheet_cells(path).items():
        for ref, _, text, _ in cells:
            if text is None:
                continue
            units = len(text.encode("utf-16-le")) // 2
            assert units <= LIMIT, f"{path.name}!{sheet}!{ref}: {units} characters"
            if text.endswith(MARKER):
                cut.append(text)
    return cut


# -- the run: a hostile return and a clean one, through every output ---------------------
@pytest.fixture(scope="module")
def run(demo_manifest, campaign, tmp_path_factory):
    from addin.cli.main import main
    from addin.consolidate.run import consolidate_files, write_consolidated

    root = tmp_path_factory.mktemp("output-text")
    folder = root / "returns"
    folder.mkdir()
    hostile = plant(a_clean_return(demo_manifest), folder / DDE_NAME)
    other = clean_files(demo_manifest)[1]
    shutil.copy2(Path(demo_manifest.out_dir) / other, folder / other)
    c = consolidate_files(sorted(folder.iterdir()), campaign, jobs=1, progress=False)
    summary = write_consolidated(c, root / "汇总.xlsx")
    results, annotated = root / "校验结果.xlsx", root / "标注"
    assert main(["check", str(folder), "--xlsx", str(results), "--annotate", str(annotated), "-q", "--jobs", "1"]) == 1
    copies = sorted(annotated.glob("*.xlsx"))
    assert [p.name for p in copies] == [f"{Path(DDE_NAME).stem}（校验标注）.xlsx"]
    return {"c": c, "summary": summary, "results": results, "copy": copies[0], "hostile": hostile, "root": root}


def test_consolidated_workbook_has_no_formula_at_all(run):
    assert_no_city_formula(run["summary"], any_formula=True)
    with zipfile.ZipFile(run["summary"]) as z:
        names = z.namelist()
        assert not [n for n in names if "externalLink" in n or "vbaProject" in n]
        rels = "".join(z.read(n).decode() for n in names if n.startswith("xl/worksheets/_rels/"))
        assert "hyperlink" not in rels
        cells = "".join(z.read(n).decode() for n in names if n.startswith("xl/worksheets/sheet"))
        assert ' t="str"' not in cells and "<f>" not in cells and "<f " not in cells


def test_consolidated_detail_sheets_hold_city_text_as_text(run):
    s = run["summary"]
    # the validator cleans text columns (strip): '\t=1+1' and '\r=1+1' arrive as '=1+1'
    plain = set(FORMULAS[:6])
    assert_text_cells(s, "监督抽测", plain | {ILLEGAL_SAFE, ILLEGAL_CLEANED, ESCAPE_LOOKALIKE, DDE_NAME})
    assert_text_cells(s, "质量投诉", plain | {ILLEGAL_CLEANED, DDE_NAME})
    # a choice column keeps what was typed when it is not a choice: tab and CR included
    assert_text_cells(s, "监督抽测", {"\t=1+1", "\r=1+1", RICH_TRAP})
    assert_text_cells(s, "来源", {DDE_NAME})


def test_consolidated_findings_quote_city_text_as_text(run):
    s = run["summary"]
    values = {"\t=1+1", "\r=1+1", RICH_TRAP, ILLEGAL_SAFE, ESCAPE_LOOKALIKE, "-2+3", '=HYPERLINK("http://x","y")', DDE_NAME}
    assert_text_cells(s, "校验问题", values)
    messages = [t for _, _, t, _ in sheet_cells(s)["校验问题"] if t and t.startswith("“抽测类别”填写的")]
    assert any(RICH_TRAP in m for m in messages) and any("_x0041_=1+1" in m for m in messages)


def test_consolidated_long_text_is_cut_with_the_marker(run, tmp_path):
    import dataclasses

    import pandas as pd

    from addin.consolidate.run import write_consolidated

    # the reader may shorten a too-long text already (and report it): whatever reaches the
    # workbook fits a cell, and a text cut here ends with the marker
    assert all(t.endswith(MARKER) for t in assert_cell_limit(run["summary"]))
    c = run["c"]
    extra = pd.DataFrame([{"file": DDE_NAME, "sheet": "监督抽测", "cell": "A99", "column": "工程名称", "severity": "警告",
                           "name": "x", "code": "x", "message": "“工程名称”填写的“" + LONG + "”", "value": LONG}])
    c = dataclasses.replace(c, findings=pd.concat([c.findings, extra], ignore_index=True))
    out = write_consolidated(c, tmp_path / "汇总.xlsx")
    cut = assert_cell_limit(out)
    assert any(len(t) == LIMIT and t.startswith("“工程名称”填写的“长") for t in cut)
    assert sum(1 for t in cut if len(t) == LIMIT and t.startswith("长" * 1000)) >= 1
    assert_no_city_formula(out, any_formula=True)
    assert_text_cells(out, "监督抽测", set(FORMULAS[:6]))   # the activity rows stream again


def test_results_workbook(run):
    r = run["results"]
    assert_no_city_formula(r, any_formula=True)
    values = {"\t=1+1", "\r=1+1", RICH_TRAP, ILLEGAL_SAFE, ESCAPE_LOOKALIKE, "-2+3", '=HYPERLINK("http://x","y")', DDE_NAME}
    assert_text_cells(r, "校验结果", values)
    assert all(t.endswith(MARKER) for t in assert_cell_limit(r))
    ws = load_workbook(r)["校验结果"]
    got = {c.value: c.data_type for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    for v in ("\t=1+1", "\r=1+1", '=HYPERLINK("http://x","y")', "-2+3", DDE_NAME):
        assert got.get(v) == "s", (v, got.get(v))
    # the only links are to the returned file itself, at the offending cell
    links = [c.hyperlink for row in ws.iter_rows(min_row=2) for c in row if c.hyperlink]
    assert links and {h.target for h in links} == {f"returns/{DDE_NAME}"}


def test_annotated_copy_keeps_text_cells_as_text(run):
    cp = run["copy"]
    assert_no_city_formula(cp)
    assert_text_cells(cp, "监督抽测", set(FORMULAS) | {RICH_TRAP})
    assert_text_cells(cp, "质量投诉", set(FORMULAS))
    wb = load_workbook(cp)
    ws = wb["监督抽测"]
    header = [c.value for c in ws[1]]
    col = header.index("工程名称") + 1
    for r, v in enumerate(FORMULAS, 2):
        cell = ws.cell(r, col)
        assert (cell.value, cell.data_type) == (v, "s")
    # a comment on each bad 抽测类别 cell, quoting city text safely
    cat = header.index("抽测类别") + 1
    comments = {r: ws.cell(r, cat).comment for r in range(10, 17)}
    assert all(comments.values()), comments
    assert RICH_TRAP in comments[10].text
    assert "\x01" not in comments[12].text and "ab" in comments[12].text
    # the 40,000-character text openpyxl read from the return is cut to fit a cell
    cut = assert_cell_limit(cp)
    assert len(cut) >= 2 and all(len(t) == LIMIT for t in cut)


def test_annotated_copy_has_no_macros(run):
    with zipfile.ZipFile(run["copy"]) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
    assert "xl/vbaProject.bin" not in names and "macroEnabled" not in types and "vbaProject" not in types


# -- macro-enabled returns ----------------------------------------------------------------
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def make_xlsm(src: Path, dst: Path) -> Path:
    """``src`` as a macro-enabled workbook: a (dummy) VBA project, its relationship and content types."""
    data = src.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    assert XLSX_MAIN in types
    types = types.replace(XLSX_MAIN, XLSM_MAIN).replace(
        "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdVba1" Type="http://schemas.microsoft.com/office/2006/'
                                            'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    dst.write_bytes(rewrite_zip(data, {"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode()},
                                add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Evil\"" * 40}))
    return dst


def test_macro_enabled_return_is_read_as_data(run, campaign, tmp_path):
    from addin.cli.main import main
    from addin.consolidate.run import consolidate_files, write_consolidated

    folder = tmp_path / "returns"
    folder.mkdir()
    xlsm = make_xlsm(run["hostile"], folder / "南宁市报送.xlsm")
    with zipfile.ZipFile(xlsm) as z:
        assert "xl/vbaProject.bin" in z.namelist()
    before = xlsm.read_bytes()
    out = tmp_path / "标注"
    assert main(["check", str(xlsm), "--annotate", str(out), "-q", "--jobs", "1"]) == 1
    assert xlsm.read_bytes() == before
    (copy_path,) = out.iterdir()
    assert copy_path.name == "南宁市报送（校验标注）.xlsx"
    with zipfile.ZipFile(copy_path) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    assert not [n for n in names if "vba" in n.lower()]
    assert XLSX_MAIN in types and "macroEnabled" not in types and "vbaProject" not in types and "vbaProject" not in rels
    assert_no_city_formula(copy_path)
    assert_text_cells(copy_path, "监督抽测", set(FORMULAS))
    load_workbook(copy_path)                      # opens as an ordinary workbook

    c = consolidate_files([xlsm], campaign, jobs=1, progress=False)
    assert [s.status for s in c.submissions] == ["采用"]
    summary = write_consolidated(c, tmp_path / "汇总.xlsx")
    with zipfile.ZipFile(summary) as z:
        assert not [n for n in z.namelist() if "vba" in n.lower()]
        assert "macroEnabled" not in z.read("[Content_Types].xml").decode()
    assert_no_city_formula(summary, any_formula=True)
    assert_text_cells(summary, "监督抽测", set(FORMULAS[:6]))


def test_template_return_gives_an_ordinary_workbook(run, tmp_path):
    import dataclasses

    from addin.checks.annotate import annotate_copy
    from addin.core.findings import Finding

    data = run["hostile"].read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml").decode()
    xltx = tmp_path / "模板.xltx"
    xltx.write_bytes(rewrite_zip(data, {"[Content_Types].xml": types.replace(
        XLSX_MAIN, "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml").encode()}))
    f = Finding(code="not-in-choices", file=xltx.name, sheet="监督抽测", cell="J10", column="抽测类别", message="x")
    out = annotate_copy(xltx, [f], tmp_path / "标注")
    assert out.suffix == ".xlsx"
    with zipfile.ZipFile(out) as z:
        assert XLSX_MAIN in z.read("[Content_Types].xml").decode()
    # a WPS .et return (an OOXML package under another extension) is annotated too
    et = tmp_path / "金山.et"
    et.write_bytes(data)
    out = annotate_copy(et, [dataclasses.replace(f, file=et.name)], tmp_path / "标注")
    assert out.name == "金山（校验标注）.xlsx" and load_workbook(out)["监督抽测"]["J10"].comment


# -- the writers on their own ------------------------------------------------------------
def test_cell_text():
    from addin.infra.celltext import CELL_LIMIT, TRUNCATED, cell_text, xml_safe

    s = "南宁市江南区溪岸花园8#楼"
    assert cell_text(s) is s and xml_safe(s) is s
    for v in FORMULAS + [ESCAPE_LOOKALIKE, RICH_TRAP]:
        assert cell_text(v) == v                 # tab, CR and the rest kept
    assert cell_text("a\x00b\x08c\x0b\x0c\x0ed\x1f") == "abcd"
    assert cell_text("a\ufffeb\uffffc\ud800d\udc80") == "a\ufffdb\ufffdc\ufffdd\ufffd"
    assert TRUNCATED == MARKER
    assert cell_text("x" * CELL_LIMIT) == "x" * CELL_LIMIT
    cut = cell_text("x" * (CELL_LIMIT + 1))
    assert len(cut) == CELL_LIMIT and cut.endswith(MARKER)
    wide = cell_text("😀" * 20000)            # two UTF-16 units each: Excel counts units
    assert len(wide.encode("utf-16-le")) // 2 <= CELL_LIMIT and wide.endswith(MARKER)
    assert cell_text(LONG[:100] + "\x01" * 40000) == LONG[:100]


def test_rows_xml_escapes():
    from xml.etree import ElementTree as ET

    from addin.infra.sheetxml import rows_xml

    values = ("\r=1+1", "\t=1+1", ESCAPE_LOOKALIKE, RICH_TRAP, LONG, "a\x01\ufffe\udc80b")
    xml = "".join(rows_xml([values], 5, 6))
    root = ET.fromstring(f'<sheetData xmlns="{NS[1:-1]}">{xml}</sheetData>')
    got = [(c.get("t"), excel_unescape(_si_text(c.find(f"{NS}is")))) for c in root.iter(f"{NS}c")]
    assert [t for t, _ in got] == ["inlineStr"] * 6
    texts = [t for _, t in got]
    assert texts[:4] == list(values[:4])
    assert len(texts[4]) == LIMIT and texts[4].endswith(MARKER)
    assert texts[5] == "a\ufffd\ufffdb"
    assert "&#13;" in xml and "<f>" not in xml


def test_xlsxwriter_cells_never_take_the_rich_string_path(tmp_path):
    import xlsxwriter

    from addin.consolidate.summary_xlsx import _Writer

    path = tmp_path / "w.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "constant_memory": True})
    w = _Writer(wb)
    ws = wb.add_worksheet("s")
    values = [RICH_TRAP, "<r>x</r>", "=1+1", "\t=1+1", "a\x01b", LONG, "http://x", "1e5"]
    for r, v in enumerate(values):
        w.cell(ws, r, 0, v)
    wb.close()
    assert_no_city_formula(path, any_formula=True)
    assert_text_cells(path, "s", {RICH_TRAP, "<r>x</r>", "=1+1", "\t=1+1", "ab", "http://x", "1e5"})
    assert len(assert_cell_limit(path)) == 1


def test_findings_workbook_survives_any_text(tmp_path):
    from addin.checks.annotate import write_findings_xlsx
    from addin.core.findings import Finding

    nasty = ["=1+1\x00", "\ufffe\udc80", "\r=1+1", LONG, "_x0041_"]
    findings = [Finding(code="not-in-choices", file=f"{i}.xlsx", sheet="监督抽测", cell="J2", column="抽测类别",
                        message=f"填写的“{v}”不在可选范围内", value=v) for i, v in enumerate(nasty)]
    out = write_findings_xlsx(findings, tmp_path / "结果.xlsx")
    assert_no_city_formula(out, any_formula=True)
    assert_text_cells(out, "校验结果", {"=1+1", "\ufffd\ufffd", "\r=1+1", "_x0041_"})
    assert len(assert_cell_limit(out)) == 2


# -- documents ----------------------------------------------------------------------------
def _hostile_frames(c):
    """City text with control characters, a non-character, a lone surrogate and 40,000 characters."""
    bad = ["a\x01b\x0b=1+1", "\ufffe=1+1", "x\udc80y", "\r=1+1", "\t=1+1", LONG]
    sp = c.frames["spotcheck"]
    for col, v in zip(["project", "contractor", "location", "builder", "manufacturer", "batch"], bad):
        sp[col] = sp[col].astype(object)
        sp[col] = v
    for col, v in zip(["project", "contractor", "location", "builder", "manufacturer", "batch"], bad):
        if col in c.nonconforming.columns:
            c.nonconforming[col] = c.nonconforming[col].astype(object)
            c.nonconforming[col] = v
    for key in ("exposure", "complaints"):
        f = c.frames[key]
        for col in f.columns:
            if f[col].dtype == object and col not in ("city", "city_code", "source_file"):
                f[col] = "a\x01b\ufffe\r=1+1"
    return c


def test_documents_survive_hostile_text(run, campaign, tmp_path):
    import datetime as dt

    from addin.consolidate.run import load_consolidated
    from docgen.exposure import build_exposure_list
    from docgen.notice import build_notices
    from docgen.report import build_province_report
    from docgen.rewards import build_reward_roster

    c = _hostile_frames(load_consolidated(run["summary"], campaign))
    assert len(c.nonconforming), "the demo return has nonconforming rows: the notices are exercised"
    day = dt.date(2022, 10, 14)
    docs = [build_province_report(c, tmp_path / "报告.docx", date=day),
            build_exposure_list(c, tmp_path / "曝光.docx", date=day, draft=True),    # draft: written despite gaps
            build_reward_roster(c, tmp_path / "奖励.docx", date=day, draft=True)[0]]
    docs += build_notices(c, tmp_path / "通知书", day, include_recorded=True)   # every item: the text is exercised
    register = tmp_path / "通知书" / "整改通知书登记表.xlsx"
    assert register.exists()
    for p in docs:
        if p.suffix != ".docx":
            continue
        with zipfile.ZipFile(p) as z:
            body = z.read("word/document.xml").decode("utf-8")
        assert "instrText" not in body or "1+1" not in "".join(re.findall(r"<w:instrText[^>]*>([^<]*)<", body))
        assert "fldSimple" not in body or "1+1" not in "".join(re.findall(r'w:instr="([^"]*)"', body))
    assert_no_city_formula(register, any_formula=True)
    assert_cell_limit(register)
    names = {t for rows in sheet_cells(register).values() for _, _, t, _ in rows if t}
    assert "ab=1+1" in names and "=1+1" in names


# -- the real client --------------------------------------------------------------------
def test_libreoffice_shows_the_text_not_the_result(run, soffice, tmp_path):
    """LibreOffice opens 汇总.xlsx (recalculating on load) and exports every sheet as CSV."""
    import csv

    src = tmp_path / "汇总.xlsx"
    shutil.copy2(run["summary"], src)
    soffice("--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir", str(tmp_path / "csv"), str(src))
    def column(sheet: str, title: str) -> list[str]:
        """The ``title`` column of the rows from the hostile file."""
        (p,) = (tmp_path / "csv").glob(f"*{sheet}.csv")
        with open(p, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        file_col = next(i for i, h in enumerate(rows[0]) if h in ("来源文件", "文件", "文件名"))
        col = rows[0].index(title)
        return [r[col] for r in rows[1:] if r[file_col] == DDE_NAME]

    projects = column("监督抽测", "工程名称")
    assert set(FORMULAS[:6]) <= set(projects)
    assert not {"2", "1", "0"} & set(projects)          # =1+1, -2+3, +SUM(A1:A2) never evaluated
    values = column("校验问题", "填写值")
    assert {"\t=1+1", RICH_TRAP, '=HYPERLINK("http://x","y")', "-2+3", ILLEGAL_SAFE} <= set(values)
    assert not {"2", "1"} & set(values)
    assert column("来源", "文件名") == [DDE_NAME]
