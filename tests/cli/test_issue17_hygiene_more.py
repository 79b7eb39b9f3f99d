"""Issue 17 classes 5 and 7, the acceptance corpus: new cases of the same classes — same-named
returns in sub-folders through `qm consolidate` (sources, findings, every 来源文件 column, the
console), more junk and lock files, our own outputs in the tree, symlink loops; identity shapes
beyond the issue's example."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from addin.cli.main import main
from tests.hostile import city_of, clean_files
from tests.hygiene_files import sha, tree_hashes


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "程序内部出错" not in err, err
    return code, out, err


def _sheet_values(path: Path, sheet: str) -> list[list]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    return [list(r) for r in wb[sheet].iter_rows(values_only=True)]


def _column(rows: list[list], title: str) -> list:
    """The values under the header ``title`` (the header row is the first row that has it)."""
    h = next(k for k, r in enumerate(rows) if title in r)
    i = rows[h].index(title)
    return [r[i] if i < len(r) else None for r in rows[h + 1:]]


# -- class 5: same-named returns in sub-folders, through qm consolidate -----------------------------
def test_consolidate_keeps_sub_folder_names_apart(capsys, demo_manifest, tmp_path):
    """Two cities' returns both called 报表.xlsx (in 南宁/ and 柳州/) and a third in 2022/第二批/:
    each is shown by its path under the folder read — in 来源, 校验问题, every sheet's 来源文件
    and the console — never by the bare file name that two of them share."""
    folder = tmp_path / "回收"
    names = clean_files(demo_manifest)[:2]
    planted = [f["name"] for f in demo_manifest.files if f["city"] in demo_manifest.planted_cities][:1]
    places = {"甲市/报表.xlsx": names[0], "乙市/报表.xlsx": names[1], "2022/第二批/报表.xlsx": planted[0]}
    for rel, src in places.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(demo_manifest.out_dir) / src, folder / rel)
    before = tree_hashes(folder)
    out_path = tmp_path / "汇总.xlsx"
    code, out, err = run(capsys, "consolidate", str(folder), "-q", "-o", str(out_path))
    assert code == 0, err
    sources = _sheet_values(out_path, "来源")
    shown = _column(sources, "文件名")
    assert sorted(shown) == sorted(places), shown
    findings = set(_column(_sheet_values(out_path, "校验问题"), "文件")) - {None, ""}
    assert findings and findings <= set(places)            # the planted return's findings name its path
    assert "2022/第二批/报表.xlsx" in findings
    from openpyxl import load_workbook

    wb = load_workbook(out_path, read_only=True)
    seen: set[str] = set()
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True, max_row=400)]
        if any("来源文件" in r for r in rows[:5]):
            seen |= {v for v in _column(rows, "来源文件") if v}
    assert seen and seen <= set(places) and "报表.xlsx" not in seen
    assert tree_hashes(folder) == before


def test_consolidate_two_folders_with_the_same_file_name(capsys, demo_manifest, tmp_path):
    """Two folders named on the command line, each holding 报表.xlsx at its top: kept apart too."""
    a, b = tmp_path / "第一批", tmp_path / "第二批"
    for d, src in zip((a, b), clean_files(demo_manifest)[:2]):
        d.mkdir()
        shutil.copy2(Path(demo_manifest.out_dir) / src, d / "报表.xlsx")
    out_path = tmp_path / "汇总.xlsx"
    code, out, err = run(capsys, "consolidate", str(a), str(b), "-q", "-o", str(out_path))
    assert code == 0, err
    shown = _column(_sheet_values(out_path, "来源"), "文件名")
    assert len(set(shown)) == 2 and sorted(shown) == ["第一批/报表.xlsx", "第二批/报表.xlsx"]


def test_check_same_name_three_levels_and_xlsx_rows(capsys, demo_manifest, tmp_path):
    """qm check: 报表.xlsx at the top, in 甲/ and in 甲/乙/: three annotated copies, three row groups."""
    folder = tmp_path / "回收"
    planted = [f["name"] for f in demo_manifest.files if f["city"] in demo_manifest.planted_cities][:3]
    rels = ["报表.xlsx", "甲/报表.xlsx", "甲/乙/报表.xlsx"]
    for rel, src in zip(rels, planted):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(demo_manifest.out_dir) / src, folder / rel)
    before = tree_hashes(folder)
    marked = tmp_path / "标注"
    code, out, _ = run(capsys, "check", str(folder), "--annotate", str(marked), "--xlsx", str(tmp_path / "校验结果.xlsx"))
    assert code == 1
    copies = sorted(p.relative_to(marked).as_posix() for p in marked.rglob("*.xlsx"))
    assert copies == ["报表（校验标注）.xlsx", "甲/乙/报表（校验标注）.xlsx", "甲/报表（校验标注）.xlsx"]
    assert len({sha(marked / c) for c in copies}) == 3
    files = set(_column(_sheet_values(tmp_path / "校验结果.xlsx", "校验结果"), "文件"))
    assert set(rels) <= files
    assert tree_hashes(folder) == before


MORE_JUNK = {
    ".~lock.2022年质量月活动填报表_南宁市.xlsx#": b"Zhang,host,01.01.2022 10:00;",
    "~$报表.xlsm": b"\x08lock",
    "DESKTOP.INI": b"[.ShellClassInfo]\r\n",
    "thumbs.db": b"\xd0\xcf\x11\xe0",
    ".git/objects/ab/报表.xlsx": b"PK\x03\x04",
    "__MACOSX/子目录/._报表.xlsx": b"\x00\x05\x16\x07",
    ".隐藏目录/旧报表.xlsx": b"PK\x03\x04junk",
}


def test_more_junk_and_lock_files(capsys, demo_manifest, tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    for name in clean_files(demo_manifest)[:2]:
        shutil.copy2(Path(demo_manifest.out_dir) / name, folder / name)
    for rel, body in MORE_JUNK.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(body)
    before = tree_hashes(folder)
    code, out, err = run(capsys, "check", str(folder), "-q")
    assert code == 0 and "共 2 个文件" in out, out + err
    code, out, err = run(capsys, "check", str(folder), "-q", "--verbose")
    assert code == 0
    for rel in ("~$报表.xlsm", ".git", "__MACOSX", ".隐藏目录"):
        assert rel in err, (rel, err)
    code, out, err = run(capsys, "consolidate", str(folder), "-q", "-o", str(tmp_path / "汇总.xlsx"))
    assert code == 0 and "读取 2 个文件" in out, out + err
    assert tree_hashes(folder) == before
    # an empty file is not junk: a copy that did not finish is a return someone must chase (exit 2, named)
    (folder / "空文件.xlsx").write_bytes(b"")
    code, out, err = run(capsys, "check", str(folder))
    assert code == 2 and "空文件.xlsx" in out + err and "拒收 1 个" in out


def test_own_outputs_of_every_kind_are_skipped(capsys, demo_manifest, tmp_path):
    """跟踪督导表 and 催报名单 written into the returns folder are never read as returns."""
    folder = tmp_path / "回收"
    folder.mkdir()
    for name in clean_files(demo_manifest)[:2]:
        shutil.copy2(Path(demo_manifest.out_dir) / name, folder / name)
    assert main(["consolidate", str(folder), "-q", "-o", str(tmp_path / "汇总.xlsx")]) == 0
    capsys.readouterr()
    code, _, err = run(capsys, "track", str(tmp_path / "汇总.xlsx"), "-o", str(tmp_path / "跟踪督导表.xlsx"))
    assert code in (0, 1), err
    code, _, err = run(capsys, "remind", str(folder), "-o", str(tmp_path / "催报"), "--no-letters")
    assert code in (0, 1), err
    # a user drops them among the returns (copied, so the metadata marker comes along)
    shutil.copy2(tmp_path / "跟踪督导表.xlsx", folder / "跟踪督导表.xlsx")
    for p in (tmp_path / "催报").glob("*.xlsx"):
        shutil.copy2(p, folder / p.name)
    written = {p.name for p in folder.glob("*.xlsx")} - set(clean_files(demo_manifest)[:2])
    assert "跟踪督导表.xlsx" in written and any("催报名单" in n for n in written), written
    code, out, err = run(capsys, "consolidate", str(folder), "-q", "-o", str(tmp_path / "汇总2.xlsx"))
    assert code == 0 and "读取 2 个文件" in out, out + err
    for name in written:
        assert name in err and "本程序生成的" in err


def test_symlink_loop_is_not_followed(capsys, demo_manifest, tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    for name in clean_files(demo_manifest)[:2]:
        shutil.copy2(Path(demo_manifest.out_dir) / name, folder / name)
    (folder / "环").symlink_to(folder, target_is_directory=True)        # 回收/环 -> 回收
    (folder / "自指.xlsx").symlink_to(folder / "自指.xlsx")              # a link to itself
    code, out, err = run(capsys, "check", str(folder), "-q")
    assert code == 0 and "共 2 个文件" in out, out + err
    assert "自指.xlsx" in err and "符号链接" in err


# -- class 7: identity shapes ------------------------------------------------------------------------
def _edit_info_city(src: Path, dst: Path, new_city: str | None) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(src)
    ws = wb["基本信息"]
    cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.endswith("市")
                and c.column > 1)
    cell.value = new_city
    wb.save(dst)


def test_two_self_consistent_returns_of_one_city_follow_the_duplicate_rule(tmp_path, demo_manifest, campaign):
    from addin.consolidate.run import consolidate_files

    name = clean_files(demo_manifest)[0]
    folder = tmp_path / "回收"
    folder.mkdir()
    first, second = folder / "第一次.xlsx", folder / "第二次.xlsx"
    shutil.copy2(Path(demo_manifest.out_dir) / name, first)
    shutil.copy2(Path(demo_manifest.out_dir) / name, second)
    os.utime(second, (2_000_000_000, 2_000_000_000))
    c = consolidate_files([first, second], campaign, jobs=1, progress=False)
    subs = {s.file: s.status for s in c.submissions}
    assert subs["第二次.xlsx"] == "采用" and subs["第一次.xlsx"].startswith("重复")
    assert not any(s.startswith("身份冲突") for s in subs.values())


def test_a_city_not_in_the_campaign_is_an_identity_conflict(tmp_path, demo_manifest, campaign):
    from addin.consolidate.run import consolidate_files

    name = clean_files(demo_manifest)[0]
    city = city_of(demo_manifest, name)
    folder = tmp_path / "回收"
    folder.mkdir()
    good, odd = folder / name, folder / "外省.xlsx"
    shutil.copy2(Path(demo_manifest.out_dir) / name, good)
    _edit_info_city(good, odd, "杭州市")
    os.utime(odd, (2_000_000_000, 2_000_000_000))
    c = consolidate_files([good, odd], campaign, jobs=1, progress=False)
    subs = {s.file: s for s in c.submissions}
    assert subs[name].status == "采用"
    assert subs["外省.xlsx"].status != "采用"
    text = " ".join(c.findings[c.findings["file"] == "外省.xlsx"]["message"])
    assert "杭州市" in text and city in text


def test_a_blank_info_city_does_not_displace_a_complete_return(tmp_path, demo_manifest, campaign):
    """基本信息 city left blank: the hidden identity decides the city (not a conflict), and a blank
    city is reported; the return still follows the duplicate rule with the complete one."""
    from addin.consolidate.run import consolidate_files

    name = clean_files(demo_manifest)[0]
    city = city_of(demo_manifest, name)
    folder = tmp_path / "回收"
    folder.mkdir()
    good, blank = folder / name, folder / "空城市.xlsx"
    shutil.copy2(Path(demo_manifest.out_dir) / name, good)
    _edit_info_city(good, blank, None)
    c = consolidate_files([blank], campaign, jobs=1, progress=False)
    assert city not in c.missing_cities                        # the hidden identity stands for the city
    assert not any(s.status.startswith("身份冲突") for s in c.submissions)


def test_file_name_naming_another_city_is_not_the_identity(tmp_path, demo_manifest, campaign):
    """A file named for 柳州市 whose metadata and 基本信息 both say another city counts for that
    city; the file name never decides (the consolidate help says so)."""
    from addin.consolidate.run import consolidate_files

    name = clean_files(demo_manifest)[0]
    city = city_of(demo_manifest, name)
    other = next(c.name for c in campaign.cities if c.name != city)
    folder = tmp_path / "回收"
    folder.mkdir()
    misnamed = folder / f"2022年质量月活动填报表_{other}.xlsx"
    shutil.copy2(Path(demo_manifest.out_dir) / name, misnamed)
    c = consolidate_files([misnamed], campaign, jobs=1, progress=False)
    (sub,) = c.submissions
    assert sub.city == city and sub.status == "采用"
    assert other in c.missing_cities


def test_identity_conflict_is_in_the_console_and_the_summary_status(capsys, tmp_path, demo_manifest, campaign):
    name = clean_files(demo_manifest)[0]
    city = city_of(demo_manifest, name)
    other = next(c.name for c in campaign.cities if c.name != city)
    folder = tmp_path / "回收"
    folder.mkdir()
    good = folder / name
    shutil.copy2(Path(demo_manifest.out_dir) / name, good)
    _edit_info_city(good, folder / "冒名.xlsx", other)
    os.utime(folder / "冒名.xlsx", (2_000_000_000, 2_000_000_000))
    out_path = tmp_path / "汇总.xlsx"
    code, out, err = run(capsys, "consolidate", str(folder), "-q", "-o", str(out_path))
    assert "身份冲突" in out + err and "冒名.xlsx" in out + err
    sources = _sheet_values(out_path, "来源")
    status = dict(zip(_column(sources, "文件名"), _column(sources, "处理")))
    assert status[name] == "采用" and status["冒名.xlsx"].startswith("身份冲突")


def test_check_two_folders_with_the_same_file_name(capsys, demo_manifest, tmp_path):
    """qm check 第一批 第二批, each with 报表.xlsx at its top: two annotated copies, two row groups."""
    a, b = tmp_path / "第一批", tmp_path / "第二批"
    planted = [f["name"] for f in demo_manifest.files if f["city"] in demo_manifest.planted_cities][:2]
    for d, src in zip((a, b), planted):
        d.mkdir()
        shutil.copy2(Path(demo_manifest.out_dir) / src, d / "报表.xlsx")
    marked = tmp_path / "标注"
    code, out, _ = run(capsys, "check", str(a), str(b), "--annotate", str(marked), "--xlsx", str(tmp_path / "结果.xlsx"))
    assert code == 1 and "第一批/报表.xlsx" in out and "第二批/报表.xlsx" in out
    copies = sorted(p.relative_to(marked).as_posix() for p in marked.rglob("*.xlsx"))
    assert copies == ["第一批/报表（校验标注）.xlsx", "第二批/报表（校验标注）.xlsx"]
    files = set(_column(_sheet_values(tmp_path / "结果.xlsx", "校验结果"), "文件"))
    assert {"第一批/报表.xlsx", "第二批/报表.xlsx"} <= files


def test_track_from_a_folder_keeps_sub_folder_names(capsys, demo_manifest, tmp_path):
    """qm track read from the returns folder: the 来源文件 of 跟踪督导表 names each return by its sub-folder."""
    folder = tmp_path / "回收"
    planted = [f["name"] for f in demo_manifest.files if f["city"] in demo_manifest.planted_cities][:2]
    for sub, src in zip(("甲", "乙"), planted):
        (folder / sub).mkdir(parents=True)
        shutil.copy2(Path(demo_manifest.out_dir) / src, folder / sub / "报表.xlsx")
    out_path = tmp_path / "跟踪督导表.xlsx"
    code, out, err = run(capsys, "track", str(folder), "-o", str(out_path), "--as-of", "2022-10-20")
    assert code in (0, 1), err
    from openpyxl import load_workbook

    seen = set()
    for ws in load_workbook(out_path, read_only=True).worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True, max_row=500)]
        if any("来源文件" in r for r in rows[:5]):
            seen |= {v for v in _column(rows, "来源文件") if v}
    assert seen and seen <= {"甲/报表.xlsx", "乙/报表.xlsx"}, seen
