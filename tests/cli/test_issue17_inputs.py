"""Issue 17, classes 5 to 9: input hygiene, stray cells, identity conflicts, published personal
data, active content in annotated copies."""
from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from addin.cli.main import main
from tests.hostile import clean_files, city_of, rewrite_zip
from tests.hygiene_files import EXTERNAL_TARGET, sha, tree_hashes, with_active_content, with_stray_cell


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "程序内部出错" not in err, err
    return code, out, err


@pytest.fixture
def two_clean(tmp_path, demo_manifest) -> Path:
    folder = tmp_path / "回收"
    folder.mkdir()
    for name in clean_files(demo_manifest):
        shutil.copy2(Path(demo_manifest.out_dir) / name, folder / name)
    return folder


# -- class 5: junk, our own outputs, sub-folders, special files ---------------------------------------
JUNK = {
    "._2022年质量月活动填报表_南宁市.xlsx": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ",
    ".DS_Store": b"\x00\x00\x00\x01Bud1",
    "Thumbs.db": b"\xd0\xcf\x11\xe0",
    "desktop.ini": b"[.ShellClassInfo]\r\n",
    "~$2022年质量月活动填报表_南宁市.xlsx": b"\x08lock",
    "__MACOSX/._x.xlsx": b"\x00\x05\x16\x07",
    "子目录/._y.xlsm": b"\x00\x05\x16\x07",
}


def test_junk_is_ignored_quietly_and_listed_with_verbose(capsys, two_clean):
    for name, body in JUNK.items():
        (two_clean / name).parent.mkdir(parents=True, exist_ok=True)
        (two_clean / name).write_bytes(body)
    before = tree_hashes(two_clean)
    code, out, err = run(capsys, "check", str(two_clean), "-q")
    assert code == 0 and "共 2 个文件" in out and err == ""
    code, out, err = run(capsys, "check", str(two_clean), "-q", "--verbose")
    assert code == 0 and "._2022年质量月活动填报表_南宁市.xlsx" in err and "~$" in err and "忽略" in err
    # named one by one (a shell glob): the same
    code, out, _ = run(capsys, "check", *map(str, sorted(two_clean.iterdir())), "-q")
    assert code == 0 and "共 2 个文件" in out
    code, out, _ = run(capsys, "consolidate", str(two_clean), "-q", "-o", str(two_clean.parent / "汇总.xlsx"))
    assert code == 0
    assert tree_hashes(two_clean) == before


def test_own_outputs_are_never_read_as_returns(capsys, demo_manifest, tmp_path):
    """An annotated copy is newer than the original and carries its _meta: it must not win."""
    folder = tmp_path / "回收"
    folder.mkdir()
    dup = [f for f in demo_manifest.files if f["city"] == demo_manifest.planted_cities[0]][0]["name"]
    shutil.copy2(Path(demo_manifest.out_dir) / dup, folder / dup)
    code, _, _ = run(capsys, "check", str(folder), "-q", "--annotate", str(folder), "--xlsx", str(folder / "校验结果.xlsx"))
    assert code == 1
    assert main(["consolidate", str(folder), "-q", "-o", str(folder / "汇总.xlsx")]) == 0
    capsys.readouterr()
    copies = [p for p in folder.glob("*.xlsx") if "校验标注" in p.name]
    assert len(copies) == 1
    os.utime(copies[0], (2_000_000_000, 2_000_000_000))          # newer than everything
    code, out, err = run(capsys, "consolidate", str(folder), "-q", "-o", str(tmp_path / "汇总2.xlsx"))
    assert code == 0 and "读取 1 个文件" in out and "重复" not in out
    for kind in ("标注副本", "校验结果", "汇总表"):
        assert f"是本程序生成的{kind}" in err
    from addin.infra.marker import own_output_kind

    assert own_output_kind(folder / dup) is None
    assert own_output_kind(copies[0]) == "标注副本"


def test_same_name_in_two_sub_folders(capsys, demo_manifest, tmp_path):
    from openpyxl import load_workbook

    folder = tmp_path / "回收"
    planted = [f["name"] for f in demo_manifest.files if f["city"] in demo_manifest.planted_cities[:2]][:2]
    for sub, name in zip(("甲", "乙"), planted):
        (folder / sub).mkdir(parents=True)
        shutil.copy2(Path(demo_manifest.out_dir) / name, folder / sub / "报表.xlsx")
    before = tree_hashes(folder)
    code, out, _ = run(capsys, "check", str(folder), "--annotate", str(tmp_path / "标注"), "--xlsx",
                       str(tmp_path / "校验结果.xlsx"))
    assert code == 1 and "甲/报表.xlsx" in out and "乙/报表.xlsx" in out
    a, b = tmp_path / "标注" / "甲" / "报表（校验标注）.xlsx", tmp_path / "标注" / "乙" / "报表（校验标注）.xlsx"
    assert a.is_file() and b.is_file() and sha(a) != sha(b)
    ws = load_workbook(tmp_path / "校验结果.xlsx")["校验结果"]
    targets = {(r[0].value, r[2].hyperlink.target) for r in ws.iter_rows(min_row=2) if r[2].hyperlink}
    assert {t for f, t in targets if f == "甲/报表.xlsx"} == {"回收/甲/报表.xlsx"}
    assert {t for f, t in targets if f == "乙/报表.xlsx"} == {"回收/乙/报表.xlsx"}
    assert tree_hashes(folder) == before


def test_special_files_say_what_they_are(capsys, tmp_path, two_clean):
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "check", str(fifo))
    assert code == 2 and "管道.xlsx" in err and "命名管道" in err and "不存在" not in err
    os.mkfifo(two_clean / "另一个管道.xlsx")
    code, out, err = run(capsys, "check", str(two_clean), "-q")
    assert code == 0 and "另一个管道.xlsx" in err and "命名管道" in err and "共 2 个文件" in out
    dangling = tmp_path / "链接.xlsx"
    dangling.symlink_to(tmp_path / "无此文件.xlsx")
    code, _, err = run(capsys, "check", str(dangling))
    assert code == 2 and "链接.xlsx" in err and "符号链接" in err
    code, _, err = run(capsys, "check", str(tmp_path / "无此目录" / "a.xlsx"))
    assert code == 2 and "无此目录" in err and "不存在" in err


# -- class 6: a stray cell far away ---------------------------------------------------------------------
def test_stray_cell_at_xfd1048576_does_not_lose_the_return(tmp_path, demo_manifest, campaign):
    """Through the real worker pool (memory limit on), as qm consolidate reads."""
    from addin.consolidate.run import consolidate_files

    one, two = [(Path(demo_manifest.out_dir) / n).read_bytes() for n in clean_files(demo_manifest)]
    far = tmp_path / "远.xlsx"
    far.write_bytes(with_stray_cell(one, "监督抽测", "XFD1048576", "误输入"))
    both = tmp_path / "两处.xlsx"
    both.write_bytes(with_stray_cell(with_stray_cell(two, "质量投诉", "AAA200000"), "基本信息", "XFD1"))
    c = consolidate_files([far, both], campaign, jobs=2, progress=False, timeout=120, memory_mb=2048)
    subs = {s.file: s for s in c.submissions}
    assert subs["远.xlsx"].status == "采用" and subs["两处.xlsx"].status == "采用"
    codes = {(f, code) for f, code in zip(c.findings["file"], c.findings["code"])}
    assert ("远.xlsx", "stray-cells") in codes and ("两处.xlsx", "stray-cells") in codes
    msgs = " ".join(c.findings[c.findings["code"] == "stray-cells"]["message"])
    assert "XFD1048576" in msgs and "监督抽测" in msgs and "AAA200000" in msgs
    # the rows are those of the clean returns
    clean = consolidate_files([Path(demo_manifest.out_dir) / n for n in clean_files(demo_manifest)], campaign,
                              jobs=1, progress=False)
    rows = lambda cons: sorted(tuple(sorted(s.rows.items())) for s in cons.submissions)   # noqa: E731
    assert rows(clean) == rows(c) and all(n for r in rows(c) for _, n in r[:1])


def test_stray_cell_in_a_file_saved_by_openpyxl(tmp_path, demo_manifest, campaign):
    """A real file (openpyxl writes the true <dimension>), read by qm check."""
    from openpyxl import load_workbook

    from addin.cli.check import check_path

    src = Path(demo_manifest.out_dir) / clean_files(demo_manifest)[0]
    wb = load_workbook(src)
    wb["监督抽测"]["XFD1048576"] = "误输入"
    wb.save(tmp_path / "真.xlsx")
    _, findings = check_path(tmp_path / "真.xlsx", campaign)
    codes = {f.code for f in findings}
    assert "stray-cells" in codes and not codes & {"unreadable-file", "read-crashed"}


def test_too_many_stray_cells_are_refused_not_crashed():
    from workbook_templates.package import strays

    assert strays([(1, 1), (50, 10)], 1000, 10) == []
    assert strays([(1, 1), (50, 10), (1048576, 16384)], 1000, 10) == [(1048576, 16384)]
    assert strays([(1, 1), (2, 2)] + [(1_000_000 + i, 3) for i in range(20)], 1000, 10) is None


# -- class 7: identity -----------------------------------------------------------------------------------
def test_self_contradicting_return_never_displaces_a_consistent_one(tmp_path, demo_manifest, campaign):
    from openpyxl import load_workbook

    from addin.consolidate.run import consolidate_files

    name = clean_files(demo_manifest)[0]
    city = city_of(demo_manifest, name)
    other = next(c.name for c in campaign.cities if c.name != city)
    folder = tmp_path / "回收"
    folder.mkdir()
    good = folder / name
    shutil.copy2(Path(demo_manifest.out_dir) / name, good)
    wb = load_workbook(good)
    cell = next(c for row in wb["基本信息"].iter_rows() for c in row if c.value == city)
    cell.value = other
    spoof = folder / "更新版.xlsx"
    wb.save(spoof)
    os.utime(spoof, (2_000_000_000, 2_000_000_000))              # later than the good one
    before = tree_hashes(folder)
    c = consolidate_files([good, spoof], campaign, jobs=1, progress=False)
    subs = {s.file: s for s in c.submissions}
    assert subs[name].status == "采用" and subs["更新版.xlsx"].status == "身份冲突（未采用）"
    f = c.findings
    conflict = f[(f["code"] == "identity-conflict") & (f["file"] == "更新版.xlsx")]
    assert len(conflict) == 1 and city in conflict.iloc[0]["message"] and other in conflict.iloc[0]["message"]
    assert other in c.missing_cities                              # it does not count for the other city either
    # alone, it still does not stand for the city: 未报送, with the file named for a person to look at
    c2 = consolidate_files([spoof], campaign, jobs=1, progress=False)
    assert city in c2.missing_cities
    miss = " ".join(c2.findings[c2.findings["code"] == "missing-city"]["message"])
    assert "更新版.xlsx" in miss and "身份冲突" in miss
    assert tree_hashes(folder) == before


# -- class 8: personal data in published documents ---------------------------------------------------------
@pytest.mark.parametrize("raw, gone, kept", [
    ("个人自建：韦小宝，电话13877771234，身份证450102199001011237", ["小宝", "13877771234", "450102199001011237"], ["个人自建：韦"]),
    ("广西某某监理有限公司（联系人：李明，0771-2260119）", ["李明", "2260119"], ["广西某某监理有限公司", "0771"]),
    ("监理：（０７７１）２２６０１１９", ["２２６０１１９", "2260119"], ["监理："]),
    ("手机 138 7777 1234", ["7777"], ["138"]),
    ("+86-138-7777-1234", ["7777"], []),
    ("身份证号：450102 19900101 1237", ["19900101"], ["450102"]),
    ("业主黄华反映墙体开裂", ["黄华"], ["墙体开裂"]),
    ("黄华 电话 2260119", ["黄华", "2260119"], []),
])
def test_scrub_published_masks_personal_data_anywhere(raw, gone, kept):
    from addin.core.privacy import scrub_published

    out = scrub_published(raw)
    for g in gone:
        assert g not in out, (raw, out)
    for k in kept:
        assert k in out, (raw, out)


@pytest.mark.parametrize("raw, want", [("蒙　桂", "蒙*"), ("蒙 桂", "蒙*"), ("欧阳 娜娜", "欧阳**"), ("张 三 丰", "张**")])
def test_spaced_names_are_one_name(raw, want):
    from addin.core.privacy import mask_name, scrub_published

    assert mask_name(raw) == want and scrub_published(raw) == want and scrub_published(raw, name=True) == want


@pytest.mark.parametrize("raw", ["南宁市建筑工程有限公司", "柳州市", "钢筋保护层厚度不足 5mm，共 12 处", "桂建管〔2022〕21号",
                                 "GB 50204-2015 第5.5.1条", "HRB400E Φ25 批号 2209-0158", "严重", "C 级", "2022-09-15"])
def test_scrub_published_leaves_ordinary_text(raw):
    from addin.core.privacy import scrub_published

    assert scrub_published(raw) == raw


def test_scrub_over_every_field_of_the_published_frames(tmp_path, demo_manifest, campaign):
    """Every text field of the sheets the published documents draw on (曝光, 投诉, 不合格清单),
    with personal data planted in every one of them, comes out with none of it."""
    from addin.consolidate.run import consolidate_files
    from addin.core.privacy import scrub_published

    files = [Path(demo_manifest.out_dir) / n for n in clean_files(demo_manifest)]
    c = consolidate_files(files, campaign, jobs=1, progress=False)
    planted = "，韦小宝，电话13877771234，身份证450102199001011237，座机（0771）2260119"
    checked = 0
    for key in c.frames:
        df = c.frames[key]
        for col in df.columns:
            for v in df[col].dropna().astype(str).head(20):
                out = scrub_published(v + planted)
                assert "13877771234" not in out and "450102199001011237" not in out and "2260119" not in out
                assert "小宝" not in out
                checked += 1
    assert checked > 100


# -- class 9: no active content in annotated copies --------------------------------------------------------
def test_annotated_copy_has_no_active_content(capsys, tmp_path, demo_manifest):
    name = next(f["name"] for f in demo_manifest.files if f["city"] == demo_manifest.planted_cities[0])
    folder = tmp_path / "回收"
    folder.mkdir()
    bad = folder / "外链.xlsm"
    bad.write_bytes(with_active_content((Path(demo_manifest.out_dir) / name).read_bytes()))
    before = sha(bad)
    code, _, _ = run(capsys, "check", str(folder), "-q", "--annotate", str(tmp_path / "标注"))
    assert code == 1 and sha(bad) == before
    copy = tmp_path / "标注" / "外链（校验标注）.xlsx"
    with zipfile.ZipFile(copy) as zf:
        names = zf.namelist()
        assert not [n for n in names if "externalLink" in n or "vbaProject" in n or "embeddings" in n or "oleObject" in n]
        for n in names:
            body = zf.read(n)
            assert b"203.0.113.5" not in body and b"file:" not in body, n
            if n.startswith("xl/worksheets/sheet"):
                for f in re.findall(rb"<f>(.*?)</f>", body):
                    assert b"|" not in f and b"[1]" not in f, (n, f)
        assert b"QmOutside" not in zf.read("xl/workbook.xml")
        assert "macroEnabled" not in zf.read("[Content_Types].xml").decode()
    # the DDE formula is kept as text someone can read, not as a formula
    from openpyxl import load_workbook

    ws = load_workbook(copy)["监督抽测"]
    assert ws["AZ2"].data_type == "s" and "cmd|" in ws["AZ2"].value


def test_strip_active_content_keeps_web_links_and_inner_formulas():
    from openpyxl import Workbook

    from addin.checks.annotate import strip_active_content

    wb = Workbook()
    ws = wb.active
    ws["A1"] = "=SUM(B1:B3)"
    ws["A2"] = "=[2]Sheet1!A1"
    ws["A3"].hyperlink = "https://zjt.gxzf.gov.cn/"
    ws["A4"].hyperlink = "file:///C:/Windows/System32/calc.exe"
    ws["A5"].hyperlink = "\\\\203.0.113.5\\share\\x.xlsx"
    ws["A6"] = '=HYPERLINK("file:///c:/x","点我")'
    removed = strip_active_content(wb)
    assert ws["A1"].data_type == "f" and ws["A2"].data_type == "s" and ws["A6"].data_type == "s"
    assert ws["A3"].hyperlink is not None and ws["A4"].hyperlink is None and ws["A5"].hyperlink is None
    assert len(removed) == 4
