"""`qm check` end to end: exit codes, every file reported, results workbook, annotated copies."""
from __future__ import annotations

import copy
import hashlib
import shutil

from openpyxl import load_workbook

from addin.cli.main import main
from tests.filling import GOOD_INFO, GOOD_ROWS, make_return


def _dir(tmp_path, campaign, contract, bad=True, unreadable=True):
    d = tmp_path / "returns"
    d.mkdir()
    make_return(d / "good.xlsx", campaign, contract, "南宁市", GOOD_INFO, GOOD_ROWS)
    if bad:
        rows = copy.deepcopy(GOOD_ROWS)
        rows["quiz"][0]["online"] = 105
        rows["publicity"][0]["channel"] = "抖音"
        make_return(d / "bad.xlsx", campaign, contract, "柳州市", GOOD_INFO, rows)
    if unreadable:
        (d / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
        (d / "renamed.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    return d


def _digests(d):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in d.iterdir()}


def test_exit_codes(tmp_path, campaign, contract, capsys):
    d = _dir(tmp_path, campaign, contract)
    assert main(["check", str(d / "good.xlsx")]) == 0
    assert main(["check", str(d / "good.xlsx"), str(d / "bad.xlsx")]) == 1
    assert main(["check", str(d)]) == 2
    out = capsys.readouterr().out
    for name in ("good.xlsx", "bad.xlsx", "old.xls", "renamed.xlsx"):
        assert name in out
    assert "旧版 Excel 97-2003 工作簿（.xls）" in out and "另存为" in out and "扩展名被改成了" in out
    assert "知识竞赛!C2" in out and "宣传宣讲!D2" in out
    assert main(["check", str(tmp_path / "nope")]) == 2


def test_results_workbook_and_annotated_copies(tmp_path, campaign, contract, capsys):
    d = _dir(tmp_path, campaign, contract, unreadable=False)
    before = _digests(d)
    out = tmp_path / "校验结果.xlsx"
    ann = tmp_path / "标注"
    assert main(["check", str(d), "--xlsx", str(out), "--annotate", str(ann)]) == 1
    assert _digests(d) == before, "inputs must never be written"
    ws = load_workbook(out)["校验结果"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert {(r[0], r[1], r[2], r[6]) for r in rows} == {
        ("bad.xlsx", "知识竞赛", "C2", "out-of-range"), ("bad.xlsx", "宣传宣讲", "D2", "not-in-choices")}
    link = next(r for r in ws.iter_rows(min_row=2) if r[2].value == "C2")[2].hyperlink
    assert link.location == "'知识竞赛'!C2" and link.target.endswith("returns/bad.xlsx")
    (copy_path,) = ann.glob("*.xlsx")
    assert copy_path.name == "bad（校验标注）.xlsx"
    wb = load_workbook(copy_path)
    cell = wb["知识竞赛"]["C2"]
    assert cell.comment and "100" in cell.comment.text and cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert wb["宣传宣讲"]["D2"].comment


def test_annotate_into_the_same_folder_never_overwrites(tmp_path, campaign, contract):
    d = _dir(tmp_path, campaign, contract, unreadable=False)
    before = _digests(d)
    assert main(["check", str(d / "bad.xlsx"), "--annotate", str(d)]) == 1
    after = _digests(d)
    assert {k: v for k, v in after.items() if k in before} == before
    assert "bad（校验标注）.xlsx" in after


def test_help_is_chinese(capsys):
    import pytest
    for argv in (["--help"], ["check", "--help"], ["consolidate", "--help"], ["template", "--help"]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 0
        text = capsys.readouterr().out
        assert "用法" in text and "显示本帮助并退出" in text
        assert "show this help" not in text and "usage:" not in text
