"""Consolidation: city identity from the file, duplicates, late and missing cities, text safety, reproducibility."""
from __future__ import annotations

import copy
import datetime as dt
import os
import re
import shutil
import zipfile

import pytest
import python_calamine

from addin.cli.main import main
from addin.consolidate.run import consolidate_dir, load_consolidated, write_consolidated
from tests.filling import GOOD_INFO, GOOD_ROWS, make_return


@pytest.fixture(scope="module")
def returns(tmp_path_factory, campaign, contract):
    d = tmp_path_factory.mktemp("returns")
    rows = copy.deepcopy(GOOD_ROWS)
    rows["publicity"][0]["title"] = "=HYPERLINK(\"http://evil\",\"点我\")"
    rows["publicity"].append(dict(rows["publicity"][0], title="+SUM(1,2)", date=dt.datetime(2022, 9, 3)))
    rows["publicity"].append(dict(rows["publicity"][0], title="@cmd", date=dt.datetime(2022, 9, 4)))
    rows["publicity"].append(dict(rows["publicity"][0], title="-1+2", date=dt.datetime(2022, 9, 5)))
    # the file name lies: identity comes from the metadata sheet
    p = make_return(d / "柳州市报送.xlsx", campaign, contract, "南宁市", GOOD_INFO, rows)
    _force_text(p)
    make_return(d / "梧州-旧.xlsx", campaign, contract, "梧州市", dict(GOOD_INFO, fill_date=dt.datetime(2022, 10, 5)), GOOD_ROWS)
    newer = copy.deepcopy(GOOD_ROWS)
    newer["quiz"].append(dict(newer["quiz"][0], participant="蒙某"))
    make_return(d / "梧州-新.xlsx", campaign, contract, "梧州市", dict(GOOD_INFO, fill_date=dt.datetime(2022, 10, 9)), newer)
    make_return(d / "北海.xlsx", campaign, contract, "北海市", dict(GOOD_INFO, fill_date=dt.datetime(2022, 10, 12)), GOOD_ROWS)
    (d / "坏文件.xlsx").write_bytes(b"garbage")
    return d


def _force_text(path):
    """openpyxl writes '=...' as a formula; a clerk's text cell holds it as a string. Rewrite those cells as strings."""
    from openpyxl import load_workbook
    wb = load_workbook(path)
    ws = wb["宣传宣讲"]
    for row in ws.iter_rows(min_row=2, max_row=6, min_col=3, max_col=3):
        for c in row:
            if isinstance(c.value, str):
                c.data_type = "s"
    wb.save(path)


def test_consolidation_identifies_cities_and_submissions(returns, campaign):
    c = consolidate_dir(returns, campaign, jobs=1)
    stats = c.stats.set_index("city")
    assert stats.loc["南宁市", "status"] == "已报送"
    assert stats.loc["梧州市", "status"] == "已报送"
    assert stats.loc["北海市", "status"] == "逾期报送"
    assert c.late_cities == ["北海市"]
    assert c.duplicate_files == ["梧州-旧.xlsx"]
    assert set(c.missing_cities) == {x.name for x in campaign.cities} - {"南宁市", "梧州市", "北海市"}
    assert stats.loc["梧州市", "quiz_participants"] == 2          # the newer file won
    assert stats.loc["南宁市", "publicity_events"] == 4
    assert stats.loc["南宁市", "spot_items"] == 2 and stats.loc["南宁市", "spot_fail"] == 1
    assert stats.loc["南宁市", "spot_pass_rate"] == 0.5
    assert stats.loc["南宁市", "notices"] == 1
    assert stats.loc["南宁市", "appraisal_c"] == 1 and stats.loc["南宁市", "complaints_verified"] == 1
    assert stats.loc["桂林市", "status"] == "未报送" and stats.loc["桂林市", "spot_items"] == 0
    codes = set(c.findings["code"])
    assert {"late-submission", "duplicate-submission", "missing-city", "unreadable-file"} <= codes
    assert list(c.nonconforming["item"]) == ["板厚"] * 3 and list(c.nonconforming["city"]) == ["南宁市", "梧州市", "北海市"]
    assert c.nonconforming.loc[0, "basis"].startswith("GB 50204-2015")
    sub = {s.file: s for s in c.submissions}
    assert sub["柳州市报送.xlsx"].city == "南宁市" and len(sub["柳州市报送.xlsx"].sha256) == 64
    assert sub["坏文件.xlsx"].status == "无法读取"


def test_written_workbook_keeps_formula_text_as_text_and_is_reproducible(returns, campaign, tmp_path):
    before = {p.name: (p.stat().st_mtime, p.read_bytes()) for p in returns.iterdir()}
    out1, out2 = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert main(["consolidate", str(returns), "-o", str(out1), "--jobs", "2", "-q"]) == 2   # one unreadable file
    assert main(["consolidate", str(returns), "-o", str(out2), "--jobs", "1", "-q"]) == 2
    assert {p.name: (p.stat().st_mtime, p.read_bytes()) for p in returns.iterdir()} == before
    with zipfile.ZipFile(out1) as zf:
        names = zf.namelist()
        parts = [zf.read(n).decode() for n in names if n.startswith("xl/worksheets/sheet")]
        if "xl/sharedStrings.xml" in names:
            parts.append(zf.read("xl/sharedStrings.xml").decode())
    assert not any("<f>" in p for p in parts), "no formula cell may come from city text"
    from xml.etree import ElementTree
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    shared = {t.text for p in parts for t in ElementTree.fromstring(p).iterfind(".//m:t", ns)}
    for text in ('=HYPERLINK("http://evil","点我")', "+SUM(1,2)", "@cmd", "-1+2"):
        assert text in shared, text
    a = python_calamine.CalamineWorkbook.from_path(str(out1))
    b = python_calamine.CalamineWorkbook.from_path(str(out2))
    assert a.sheet_names == b.sheet_names
    for name in a.sheet_names:
        assert a.get_sheet_by_name(name).to_python() == b.get_sheet_by_name(name).to_python(), name
    assert not list(tmp_path.glob(".~*"))


def test_round_trip_through_the_workbook(returns, campaign, tmp_path):
    c = consolidate_dir(returns, campaign, jobs=1)
    path = write_consolidated(c, tmp_path / "汇总.xlsx")
    back = load_consolidated(path, campaign)
    cols = [k for k in c.stats.columns if k not in ("fill_date",)]
    left = c.stats[cols].fillna(-1).reset_index(drop=True)
    right = back.stats[cols].fillna(-1).reset_index(drop=True)
    assert left.astype(str).equals(right.astype(str))
    assert back.missing_cities == c.missing_cities and back.late_cities == c.late_cities
    assert back.duplicate_files == c.duplicate_files
    assert len(back.frames["spotcheck"]) == len(c.frames["spotcheck"])
    assert list(back.nonconforming["basis"]) == list(c.nonconforming["basis"])
    assert set(back.findings["code"]) == set(c.findings["code"])


def test_rows_rendered_by_the_workers_equal_rows_written_from_frames(returns, campaign, tmp_path):
    """The detail sheets are rendered and compressed in the workers (addin.infra.sheetxml, addin.infra.zippack);
    a workbook written again from the frames of the first (load_consolidated) has the same cells,
    so both paths render alike, and both packages are sound zips with no cell addresses in the rows."""
    c = consolidate_dir(returns, campaign, jobs=2)
    first = write_consolidated(c, tmp_path / "first.xlsx")
    again = write_consolidated(load_consolidated(first, campaign), tmp_path / "again.xlsx")
    a = python_calamine.CalamineWorkbook.from_path(str(first))
    b = python_calamine.CalamineWorkbook.from_path(str(again))
    assert a.sheet_names == b.sheet_names
    spot = next(s.title for s in c.frames.contract.table_sheets if s.key == "spotcheck")
    assert len(a.get_sheet_by_name(spot).to_python()) == 1 + len(c.frames["spotcheck"]) > 1
    for name in [s.title for s in c.frames.contract.table_sheets]:
        assert a.get_sheet_by_name(name).to_python() == b.get_sheet_by_name(name).to_python(), name
    for path in (first, again):
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
            sheet = zf.read("xl/worksheets/sheet3.xml").decode()
        body = sheet.split("<sheetData>", 1)[1]
        assert body.startswith('<row r="1"') and "<row>" in body       # XlsxWriter's header, then our rows
        assert not re.search(r'<row r="[2-9]|<c r="[A-Z]+[2-9]', body)
        assert re.search(r'<autoFilter ref="A1:[A-Z]+\d+"', sheet)


def test_a_sheet_over_excels_rows_is_refused_before_writing(returns, campaign, tmp_path, monkeypatch, capsys):
    import addin.consolidate.summary_xlsx as cx

    c = consolidate_dir(returns, campaign, jobs=1)
    counts = {s.title: len(c.frames[s.key]) for s in c.frames.contract.table_sheets}
    counts[cx.FINDINGS_SHEET] = len(c.findings)
    most = max(counts.values())
    biggest = [name for name, n in counts.items() if n == most]
    monkeypatch.setattr(cx, "EXCEL_ROWS", most)          # one row too many for the biggest sheet(s)
    with pytest.raises(cx.TooManyRows) as err:
        write_consolidated(c, tmp_path / "汇总.xlsx")
    message = str(err.value)
    assert all(f"“{name}”{most:,} 行" in message for name in biggest) and "分批汇总" in message
    assert not any(f"“{name}”" in message for name in counts if name not in biggest)
    assert not list(tmp_path.iterdir())                  # nothing written, no temporary file left
    monkeypatch.setattr(cx, "EXCEL_ROWS", most + 1)      # exactly full: written
    assert write_consolidated(c, tmp_path / "汇总.xlsx").is_file()
    monkeypatch.setattr(cx, "EXCEL_ROWS", most)
    assert main(["consolidate", str(returns), "-o", str(tmp_path / "b.xlsx"), "-q"]) == 2
    assert "超过 Excel 工作表上限" in capsys.readouterr().err and not (tmp_path / "b.xlsx").exists()
