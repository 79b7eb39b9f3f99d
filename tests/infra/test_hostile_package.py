"""Hostile and broken returns, at the package level: each built by code, each in a real batch.

Every test drops its bad file beside two clean demo returns, consolidates the folder, and asserts
the exact finding code for the bad file and that the two good cities were consolidated
(tests/hostile.py::run_batch; it also checks that no input changed).
"""
from __future__ import annotations

import io
import os
import random
import shutil
import struct
import time
import zipfile
from pathlib import Path

import pytest

from tests.hostile import a_clean_return, rewrite_zip, run_batch, sheet_member
from workbook_templates.package import Limits, PackageError, open_package


@pytest.fixture(scope="module")
def clean_bytes(demo_manifest) -> bytes:
    return a_clean_return(demo_manifest).read_bytes()


def only(run, name: str) -> set[str]:
    return run.codes.get(name, set())


# -- not a workbook at all ---------------------------------------------------------------------

@pytest.mark.parametrize("name, body, code, words", [
    ("空文件.xlsx", b"", "unreadable-file", "为空"),
    ("乱码.xlsx", random.Random(7).randbytes(5000), "unreadable-file", "无法识别"),
    ("网页导出.xlsx", "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><table><tr><td>南宁市</td></tr>"
                    "</table></body></html>".encode(), "unreadable-file", "网页（HTML）"),
    ("逗号分隔.xlsx", "城市,抽测项目,结果\n南宁市,钢筋,合格\n柳州市,砂浆,不合格\n".encode("gbk"), "unreadable-file", "CSV"),
    ("报告.pdf.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "unreadable-file", "PDF"),
    ("Excel2003.xlsx", b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook '
                       b'xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>', "unreadable-file", "2003 XML"),
])
def test_not_a_workbook(tmp_path, demo_manifest, campaign, name, body, code, words):
    run = run_batch(tmp_path, demo_manifest, campaign, {name: body})
    assert only(run, name) == {code}
    assert any(words in m for m in run.messages(name)), run.messages(name)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in members.items():
            z.writestr(k, v)
    return out.getvalue()


@pytest.mark.parametrize("name, make, words", [
    ("普通压缩包.xlsx", lambda _: _zip({"南宁市/填报表说明.txt": b"hello"}), "普通压缩包"),
    ("文档.xlsx", lambda _: _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}), "Word"),
    ("截断.xlsx", lambda clean: clean[: len(clean) // 2], "损坏"),
    ("空压缩包.xlsx", lambda _: _zip({}), "普通压缩包"),
])
def test_zip_that_is_not_a_workbook(tmp_path, demo_manifest, campaign, clean_bytes, name, make, words):
    run = run_batch(tmp_path, demo_manifest, campaign, {name: make(clean_bytes)})
    assert only(run, name) == {"unreadable-file"}
    assert any(words in m for m in run.messages(name)), run.messages(name)


# -- other formats -------------------------------------------------------------------------------

def test_fake_xls_is_unsupported_with_how_to(tmp_path, demo_manifest, campaign):
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
    run = run_batch(tmp_path, demo_manifest, campaign, {"旧格式.xls": body})
    assert only(run, "旧格式.xls") == {"unsupported-format"}
    assert any("另存为" in m and ".xlsx" in m for m in run.messages("旧格式.xls"))


def test_xlsb_is_unsupported_with_how_to(tmp_path, demo_manifest, campaign):
    # no tool here writes a real .xlsb; this is its package shape (xl/workbook.bin) with a broken body
    body = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00" * 10})
    run = run_batch(tmp_path, demo_manifest, campaign, {"二进制.xlsb": body})
    assert only(run, "二进制.xlsb") == {"unsupported-format"}
    assert any(".xlsb" in m and "另存为" in m for m in run.messages("二进制.xlsb"))


@pytest.mark.parametrize("fmt, filter_name, suffix", [
    ("xls", "MS Excel 97", ".xls"),
    ("ods", "calc8", ".ods"),
    ("xls", "MS Excel 97", ".et"),   # WPS saves .et in the same compound-file BIFF layout; a real .et was not available
])
def test_legacy_format_saved_by_libreoffice_is_read(tmp_path, demo_manifest, campaign, soffice, fmt, filter_name, suffix):
    """A return saved as .xls / .ods (/ .et) by a real client: read (values are all there) with a warning."""
    src = a_clean_return(demo_manifest)
    work = tmp_path / "convert"
    work.mkdir()
    shutil.copy(src, work / "城市报送.xlsx")
    soffice("--convert-to", f"{fmt}:{filter_name}", "--outdir", str(work), str(work / "城市报送.xlsx"))
    converted = (work / "城市报送").with_suffix("." + fmt).read_bytes()
    # the same city as a clean return, so it must replace that city's file: give it its own folder
    from addin.consolidate.run import consolidate_files

    folder = tmp_path / "only"
    folder.mkdir()
    (folder / f"城市报送{suffix}").write_bytes(converted)
    c = consolidate_files([folder / f"城市报送{suffix}"], campaign, jobs=1, progress=False)
    mine = c.findings[c.findings["file"] == f"城市报送{suffix}"]
    codes = set(mine["code"])
    assert "legacy-format" in codes and not codes & {"unreadable-file", "unsupported-format", "template-mismatch"}
    expected_name = {".xls": "97-2003", ".ods": "OpenDocument", ".et": "WPS"}[suffix]
    assert any(expected_name in m for m in mine["message"])
    original = consolidate_files([src], campaign, jobs=1, progress=False)
    for key, frame in original.frames.items():
        assert len(c.frames[key]) == len(frame), key
    assert list(c.stats["spot_fail"]) == list(original.stats["spot_fail"])
    # and in a batch with other files it is one more city
    run = run_batch(tmp_path, demo_manifest, campaign, {f"另一市{suffix}": converted})
    assert "legacy-format" in only(run, f"另一市{suffix}")


def test_password_protected_ooxml_is_refused_without_prompt(tmp_path, demo_manifest, campaign, clean_bytes):
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(clean_bytes)).encrypt("Gx2022!", out)
    start = time.perf_counter()
    run = run_batch(tmp_path, demo_manifest, campaign, {"加密.xlsx": out.getvalue()})
    assert only(run, "加密.xlsx") == {"encrypted-file"}
    assert any("密码" in m for m in run.messages("加密.xlsx"))
    assert time.perf_counter() - start < 60   # generous: it must simply not wait for a password


# -- decompression bombs ------------------------------------------------------------------------

def test_high_ratio_member_is_refused_before_parsing(tmp_path, demo_manifest, campaign, clean_bytes):
    bomb = rewrite_zip(clean_bytes, add={"xl/media/image1.png": bytes(64 * 1024 * 1024)})   # ratio ~ 1000
    assert len(bomb) < len(clean_bytes) + 200 * 1024
    run = run_batch(tmp_path, demo_manifest, campaign, {"炸弹.xlsx": bomb})
    assert only(run, "炸弹.xlsx") == {"unsafe-file"}
    assert any("压缩比" in m and "解压炸弹" in m for m in run.messages("炸弹.xlsx"))


def test_too_many_members_is_refused(tmp_path, demo_manifest, campaign, clean_bytes):
    bomb = rewrite_zip(clean_bytes, add={f"customXml/item{i}.xml": b"<a/>" for i in range(5001)})
    run = run_batch(tmp_path, demo_manifest, campaign, {"成员过多.xlsx": bomb})
    assert only(run, "成员过多.xlsx") == {"unsafe-file"}


def test_total_unzipped_size_limit(clean_bytes):
    with pytest.raises(PackageError) as err:
        open_package(clean_bytes, ".xlsx", Limits(max_unzipped_mb=0.5))
    assert err.value.code == "unsafe-file" and "解压后合计" in err.value.message
    assert open_package(clean_bytes, ".xlsx").kind == "xlsx"


def _lie_about_size(data: bytes, member: str, declared: int) -> bytes:
    """Patch the member's declared uncompressed size in its local header and the central directory."""
    blob = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    struct.pack_into("<I", blob, info.header_offset + 22, declared)
    at = blob.find(b"PK\x01\x02")
    while at != -1:
        n = struct.unpack_from("<H", blob, at + 28)[0]
        if bytes(blob[at + 46: at + 46 + n]).decode() == member:
            struct.pack_into("<I", blob, at + 24, declared)
        at = blob.find(b"PK\x01\x02", at + 4)
    return bytes(blob)


@pytest.mark.parametrize("declared", ["original", 5 << 20])   # below / above the trim threshold (4 MB)
def test_member_lying_about_its_size_is_not_inflated(tmp_path, demo_manifest, campaign, clean_bytes, declared):
    """The central directory is what the limits check; the parser must not inflate past it."""
    member = sheet_member(clean_bytes, "监督抽测")
    with zipfile.ZipFile(io.BytesIO(clean_bytes)) as z:
        xml = z.read(member)
    big = xml.replace(b"</sheetData>", b'<row r="900"><c r="B900" t="inlineStr"><is><t>'
                      + b"A" * (40 * 1024 * 1024) + b"</t></is></c></row></sheetData>")
    size = len(xml) if declared == "original" else declared
    liar = _lie_about_size(rewrite_zip(clean_bytes, {member: big}), member, size)
    run = run_batch(tmp_path, demo_manifest, campaign, {"谎报大小.xlsx": liar})
    assert only(run, "谎报大小.xlsx") == {"unreadable-file"}


# -- XML attacks ----------------------------------------------------------------------------------

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
          + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9)) + "]>")
XXE = '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def _with_dtd(clean: bytes, dtd: str, entity: str) -> bytes:
    member = sheet_member(clean, "监督抽测")
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        xml = z.read(member).decode()
    xml = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
    xml = dtd + xml.replace("</sheetData>", f'<row r="900"><c r="B900" t="inlineStr"><is><t>&{entity};</t></is></c></row></sheetData>')
    return rewrite_zip(clean, {member: xml.encode()})


@pytest.mark.parametrize("name, dtd, entity", [("实体膨胀.xlsx", LAUGHS, "j"), ("外部实体.xlsx", XXE, "x")])
def test_xml_entities_are_refused(tmp_path, demo_manifest, campaign, clean_bytes, name, dtd, entity):
    run = run_batch(tmp_path, demo_manifest, campaign, {name: _with_dtd(clean_bytes, dtd, entity)})
    assert only(run, name) == {"unsafe-file"}
    assert any("DOCTYPE" in m for m in run.messages(name))


@pytest.mark.parametrize("dtd, entity", [(LAUGHS, "j"), (XXE, "x")])
def test_parsers_themselves_never_expand_entities(clean_bytes, dtd, entity):
    """Defence in depth, should the pre-parse check be bypassed: neither reader expands entities."""
    import openpyxl
    import python_calamine

    bomb = _with_dtd(clean_bytes, dtd, entity)
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(bomb))
        rows = wb.get_sheet_by_name("监督抽测").to_python()
        text = "".join(str(v) for row in rows for v in row)
        assert "哈哈哈哈哈哈哈哈哈哈哈" not in text and "root:" not in text
    except Exception as exc:           # python-calamine refuses unknown entities: also fine
        assert "entity" in str(exc).lower()
    assert openpyxl.xml.DEFUSEDXML, "defusedxml must be installed so openpyxl refuses DTDs"
    with pytest.raises(Exception) as err:
        openpyxl.load_workbook(io.BytesIO(bomb))
    chain, exc = [], err.value
    while exc is not None:
        chain.append(type(exc).__name__)
        exc = exc.__cause__ or exc.__context__
    assert any(name.endswith("Forbidden") for name in chain), chain   # defusedxml's DTD/Entities refusal


# -- macro-enabled returns -------------------------------------------------------------------------

def test_xlsm_is_read_as_data_and_macros_ignored(tmp_path, demo_manifest, campaign, clean_bytes):
    with zipfile.ZipFile(io.BytesIO(clean_bytes)) as z:
        types = z.read("[Content_Types].xml").decode()
    types = types.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                          "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    types = types.replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    xlsm = rewrite_zip(clean_bytes, {"[Content_Types].xml": types.encode()},
                       add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)})
    from addin.consolidate.run import consolidate_files

    c = consolidate_files([_write(tmp_path / "含宏.xlsm", xlsm)], campaign, jobs=1, progress=False)
    codes = set(c.findings["code"])
    assert "macro-ignored" in codes and not codes & {"unreadable-file", "unsafe-file", "template-mismatch"}
    assert c.submissions[0].status == "采用" and sum(c.submissions[0].rows.values()) > 0


def _write(path: Path, body: bytes) -> Path:
    path.write_bytes(body)
    return path


# -- size guard ------------------------------------------------------------------------------------

def test_file_too_large_is_refused_before_reading(tmp_path, demo_manifest, campaign, clean_bytes):
    padded = rewrite_zip(clean_bytes, add={"docProps/thumbnail.jpeg": os.urandom(3 * 1024 * 1024)})
    run = run_batch(tmp_path, demo_manifest, campaign, {"超大.xlsx": padded}, limits=Limits(max_file_mb=2))
    assert only(run, "超大.xlsx") == {"file-too-large"}
    assert any("--max-file-mb" in m for m in run.messages("超大.xlsx"))


# -- formatted empty rows ----------------------------------------------------------------------------

def _formatted_rows(clean: bytes, title: str, upto: int = 1_048_576) -> bytes:
    import re

    member = sheet_member(clean, title)
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        xml = z.read(member).decode()
    last = max(int(x) for x in re.findall(r'<row r="(\d+)"', xml))
    xml = re.sub(r'<dimension ref="A1:([A-Z]+)\d+"/>', r'<dimension ref="A1:\g<1>%d"/>' % upto, xml)
    rows = "".join(f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/></row>' for r in range(last + 1, upto + 1))
    return rewrite_zip(clean, {member: xml.replace("</sheetData>", rows + "</sheetData>").encode()})


def test_million_formatted_rows_read_like_the_plain_return(clean_bytes):
    from workbook_templates.reader import read_workbook

    heavy = _formatted_rows(clean_bytes, "监督抽测")
    package = open_package(heavy, ".xlsx")
    assert package.trimmed and max(package.trimmed.values()) > 10 * 1024 * 1024
    plain = read_workbook("plain.xlsx", data=clean_bytes)
    fat = read_workbook("fat.xlsx", data=heavy)
    for key, sheet in plain.sheets.items():
        assert [(r.row, r.values) for r in fat.sheets[key].rows] == [(r.row, r.values) for r in sheet.rows], key


def test_value_far_below_formatted_rows_is_still_read(clean_bytes):
    """Trimming must never drop data: a value typed at row 1,000,000 under formatted rows is read."""
    from workbook_templates.reader import read_workbook

    member = sheet_member(clean_bytes, "质量投诉")
    heavy = _formatted_rows(clean_bytes, "质量投诉", upto=999_999)
    with zipfile.ZipFile(io.BytesIO(heavy)) as z:
        xml = z.read(member)
    xml = xml.replace(b"</sheetData>", b'<row r="1000000"><c r="B1000000" t="inlineStr"><is><t>\xe8\xbf\x9f\xe6\x9d\xa5\xe7\x9a\x84\xe4\xb8\x80\xe8\xa1\x8c</t></is></c></row></sheetData>')
    wb = read_workbook("late.xlsx", data=rewrite_zip(heavy, {member: xml}))
    rows = wb.sheets["complaints"].rows
    assert rows[-1].row == 1_000_000 and "迟来的一行" in rows[-1].values.values()


# -- the command line: limits and the closing summary -----------------------------------------------

def test_cli_max_file_mb_and_summary_line(tmp_path, demo_manifest, campaign, clean_bytes, capsys):
    from addin.cli.main import main
    from tests.hostile import clean_files

    folder = tmp_path / "回收"
    folder.mkdir()
    for name in clean_files(demo_manifest):
        shutil.copy2(Path(demo_manifest.out_dir) / name, folder / name)
    (folder / "空文件.xlsx").write_bytes(b"")
    (folder / "超大.xlsx").write_bytes(rewrite_zip(clean_bytes, add={"docProps/thumbnail.jpeg": os.urandom(3 << 20)}))
    code = main(["check", str(folder), "--max-file-mb", "2", "-q"])
    out = capsys.readouterr().out
    assert code == 2
    assert "共 4 个文件：读取 2 个，拒收 2 个" in out
    code = main(["consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "--max-file-mb", "2", "-q"])
    out = capsys.readouterr().out
    assert code == 2 and "共 4 个文件：读取 2 个，拒收 2 个" in out and "超过上限 2 MB" in out
    # with the default limit (50 MB) the padded file is read like any other
    main(["check", str(folder), "-q"])
    assert "共 4 个文件：读取 3 个，拒收 1 个" in capsys.readouterr().out


def test_formatted_rows_return_in_a_batch_is_consolidated_like_its_plain_self(tmp_path, demo_manifest, campaign):
    """A third city's return with a million formatted rows under 监督抽测: same rows as without them."""
    from addin.consolidate.run import consolidate_files
    from addin.core.findings import REFUSED
    from tests.hostile import city_of, clean_files

    others = [f["name"] for f in demo_manifest.files
              if f["used"] and f["name"] not in clean_files(demo_manifest)]
    name = sorted(others)[0]
    plain = (Path(demo_manifest.out_dir) / name).read_bytes()
    run = run_batch(tmp_path, demo_manifest, campaign, {"格式行.xlsx": _formatted_rows(plain, "监督抽测")})
    assert not only(run, "格式行.xlsx") & REFUSED
    city = city_of(demo_manifest, name)
    sub = next(s for s in run.consolidated.submissions if s.file == "格式行.xlsx")
    assert sub.city == city and sub.status == "采用"
    alone = consolidate_files([Path(demo_manifest.out_dir) / name], campaign, jobs=1, progress=False)
    assert sub.rows == alone.submissions[0].rows
    assert only(run, "格式行.xlsx") == set(alone.findings[alone.findings["file"] == name]["code"]) - {"missing-city"}


def test_annotated_copy_of_a_formatted_rows_return_is_quick_and_small(tmp_path, demo_manifest, campaign, clean_bytes):
    """--annotate loads the checked, trimmed package: no million rows for openpyxl to build."""
    from addin.checks.annotate import annotate_copy
    from addin.core.findings import Finding

    src = tmp_path / "格式行.xlsx"
    src.write_bytes(_formatted_rows(clean_bytes, "监督抽测"))
    f = Finding(code="missing-required", file=src.name, sheet="监督抽测", cell="B2", message="测试")
    out = annotate_copy(src, [f], tmp_path / "标注")
    # openpyxl on the untrimmed file takes ~20 s and ~1.3 GB here; the copy shows it was not used
    import openpyxl

    ws = openpyxl.load_workbook(out)["监督抽测"]
    assert ws["B2"].comment is not None and ws.max_row < 10_000
