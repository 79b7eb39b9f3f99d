"""The .xlam add-in: package parts, ribbon, and the VBA project read back with oletools."""
from __future__ import annotations

import inspect
import io
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import warnings

import pytest

with warnings.catch_warnings():   # oletools' pyparsing grammar warns on import
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser, decompress_stream

import addin.excel.buttons as buttons
from addin.excel import xlam
from addin.cli.main import main

NS = {"ui": xlam.RIBBON_NS}


def _has_chinese(text: str | None) -> bool:
    return bool(text) and any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("xlam") / xlam.ADDIN_NAME
    assert xlam.build_xlam(out) == out
    return out


@pytest.fixture(scope="module")
def macros(built):
    parser = VBA_Parser(str(built))
    try:
        assert parser.detect_vba_macros()
        return {name: code for (_, _, name, code) in parser.extract_macros()}
    finally:
        parser.close()


def _ribbon(built) -> ET.Element:
    with zipfile.ZipFile(built) as z:
        return ET.fromstring(z.read("customUI/customUI14.xml"))


# -- the package ---------------------------------------------------------------------
def test_package_parts_and_relationships(built):
    with zipfile.ZipFile(built) as z:
        names = set(z.namelist())
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                "xl/vbaProject.bin", "customUI/customUI14.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml"} <= names
        types = z.read("[Content_Types].xml").decode()
        assert 'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"' in types
        assert 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in types
        rels = z.read("_rels/.rels").decode()
        assert f'Type="{xlam.RIBBON_REL}" Target="customUI/customUI14.xml"' in rels
        assert "Target=\"xl/workbook.xml\"" in rels
        wb_rels = z.read("xl/_rels/workbook.xml.rels").decode()
        assert f'Type="{xlam.VBA_REL}" Target="vbaProject.bin"' in wb_rels
        workbook = z.read("xl/workbook.xml").decode()
        assert 'codeName="ThisWorkbook"' in workbook and xlam.CONFIG_SHEET in workbook
        assert 'codeName="Sheet1"' in z.read("xl/worksheets/sheet1.xml").decode()
        assert z.read("customUI/customUI14.xml") == (xlam.MACROS_DIR / "ribbon.xml").read_bytes()


def _as_macro_workbook(built, target: Path) -> Path:
    """The same package with a macro-enabled *workbook* content type (tools refuse the add-in type)."""
    with zipfile.ZipFile(built) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(xlam.ADDIN_CT.encode(), b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            dst.writestr(name, data)
    return target


def test_workbook_part_is_valid(built, tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(_as_macro_workbook(built, tmp_path / "addin.xlsm"), keep_vba=True)
    assert wb.sheetnames == [xlam.CONFIG_SHEET]
    ws = wb[xlam.CONFIG_SHEET]
    config = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert config["UDF Modules"] == "addin.udfs" and "Interpreter_Win" in config
    assert wb.vba_archive is not None


@pytest.mark.soffice
def test_libreoffice_opens_the_package(built, tmp_path, soffice):
    src = _as_macro_workbook(built, tmp_path / "addin.xlsm")
    soffice("--convert-to", "csv", "--outdir", str(tmp_path / "out"), str(src))
    text = (tmp_path / "out" / "addin.csv").read_bytes()
    assert b"UDF Modules,addin.udfs" in text


# -- the ribbon ------------------------------------------------------------------------
def test_ribbon_tab_groups_and_chinese_labels(built):
    root = _ribbon(built)
    assert root.tag == f"{{{xlam.RIBBON_NS}}}customUI"
    tab = root.find("ui:ribbon/ui:tabs/ui:tab", NS)
    assert tab.get("label") == "质量月"
    groups = tab.findall("ui:group", NS)
    assert [g.get("label") for g in groups] == ["市级填报", "自治区汇总"]
    city = [btn.get("label") for btn in groups[0].findall("ui:button", NS)]
    province = [btn.get("label") for btn in groups[1].findall("ui:button", NS)]
    assert city == ["校验本表", "生成本市报告", "生成整改通知书"]
    # every province job of `qm` has its button
    assert province == ["汇总目录", "生成全区报告", "生成整改通知书", "曝光清单", "奖励名册", "竞赛计分", "知识竞赛阅卷", "跟踪督导", "催报", "设置"]
    for btn in root.iter(f"{{{xlam.RIBBON_NS}}}button"):
        assert _has_chinese(btn.get("label")) and _has_chinese(btn.get("screentip")) and _has_chinese(btn.get("supertip"))
        assert btn.get("imageMso") and btn.get("onAction")


def test_every_onaction_has_a_sub_that_runs_a_button_handler(built, macros):
    root = _ribbon(built)
    actions = [btn.get("onAction") for btn in root.iter(f"{{{xlam.RIBBON_NS}}}button")]
    assert len(actions) == len(set(actions))
    code = "\n".join(macros.values())
    handlers = {h.__name__: h for h in buttons.HANDLERS}
    for action in actions:
        m = re.search(rf"^Sub {re.escape(action)}\(control As IRibbonControl\)\r?\n(.*?)^End Sub", code, re.M | re.S)
        assert m, f"no VBA Sub for onAction {action}"
        body = [line.strip() for line in m.group(1).splitlines() if line.strip()]
        assert len(body) == 1 and body[0].startswith("RunPython "), body
    ours = macros["QualityMonth.bas"]
    run_lines = re.findall(r'^\s*RunPython "(.*)"\s*$', ours, re.M)
    assert len(run_lines) == len(actions)
    for line in run_lines:
        m = re.fullmatch(r"import addin\.buttons as b; b\.(\w+)\(\)", line)
        assert m, line
        name = m.group(1)
        assert name in handlers and callable(getattr(buttons, name))
        assert not [p for p in list(inspect.signature(getattr(buttons, name)).parameters.values())[2:]
                    if p.default is inspect.Parameter.empty]
    assert {m for m in re.findall(r"b\.(\w+)\(\)", ours)} == set(handlers)   # every handler has a button


# -- the VBA project ---------------------------------------------------------------------
def test_vba_project_modules_read_back_as_written(macros):
    assert set(macros) == {"ThisWorkbook.cls", "Sheet1.cls", "QualityMonth.bas", "xlwings.bas", "Dictionary.cls",
                           "xlwings_udfs.bas", "QualityMonthFunctions.bas"}
    for module in xlam.project_modules():
        ext = ".bas" if module.kind == "module" else ".cls"   # class and document modules: .cls
        stored = xlam._stored_source(module).replace("\r\n", "\n").strip()
        assert macros[module.name + ext].replace("\r\n", "\n").strip() == stored, module.name
    assert f'Public Const PROJECT_NAME As String = "{xlam.PROJECT_NAME}"' in macros["xlwings.bas"]
    assert "Public Function RunPython(" in macros["xlwings.bas"]
    assert 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"' in macros["Dictionary.cls"]
    assert 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in macros["ThisWorkbook.cls"]


def _vba_args(func) -> list[str]:
    return list(inspect.signature(func).parameters)


def test_udf_wrappers_are_xlwings_own_for_every_function(macros):
    """xlwings' ImportPythonUDFsToAddin output for addin.udfs: one wrapper per @xw.func that calls
    XLPy.CallUDF("addin.udfs", ...) with its arguments, in the add-in (ActiveWorkbook) form."""
    import addin.udfs as udfs

    code = macros["xlwings_udfs.bas"].replace("\r\n", "\n")
    assert 'Attribute VB_Name = "xlwings_udfs"' in code and '#Const App = "Microsoft Excel"' in code
    wrapped = re.findall(r"^Function (\w+)\(", code, re.M)
    assert sorted(wrapped) == sorted(f.__name__ for f in udfs.UDFS) == sorted(n for n in udfs.__all__ if n != "UDFS")
    assert "QM_JUDGE" in wrapped
    for func in udfs.UDFS:
        name, params = func.__name__, _vba_args(func)
        m = re.search(rf"^Function {name}\((.*?)\)\n(.*?)^End Function", code, re.M | re.S)
        assert m, name
        sig = [p.strip() for p in m.group(1).split(",")]
        optional = [p for p, v in inspect.signature(func).parameters.items() if v.default is not inspect.Parameter.empty]
        assert sig == [("Optional " if p in optional else "") + p for p in params], name
        body, args = m.group(2), ", ".join(params)
        assert f'{name} = XLPy.CallUDF("addin.udfs", "{name}", Array({args}), ActiveWorkbook, Application.Caller)' in body
        assert f'{name} = XLPy.CallUDF("addin.udfs", "{name}", Array({args}))' in body
        assert f"{name} = Err.Description" in body
    # the wrappers are xlwings' generator's text, not ours: the same text comes out of it directly
    assert code.strip() == xlam.udf_wrapper_source().strip()
    assert "xlwings.udfs" not in sys.modules or sys.platform.startswith("win")   # stand-ins removed


def _vba_value(expr: str) -> str:
    """Evaluate a VBA concatenation of "literals" and ChrW(&Hxxxx) (the test's own reading)."""
    out = []
    for lit, code in re.findall(r'"((?:[^"]|"")*)"|ChrW\(&H([0-9A-F]+)\)', expr):
        out.append(chr(int(code, 16)) if code else lit.replace('""', '"'))
    return "".join(out)


def _vba_vars(body: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for var, expr in re.findall(r"^\s*(\w+(?:\(\d+\))?) = (.*)$", body, re.M):
        prefix = f"{var} & "
        values[var] = (values.get(var, "") + _vba_value(expr[len(prefix):])) if expr.startswith(prefix) \
            else _vba_value(expr)
    return values


def test_function_wizard_texts_are_registered_on_open(macros):
    """What import_udfs sets with MacroOptions (description, category, argument descriptions) is set
    by QM_RegisterFunctions, which Workbook_Open runs: the Chinese texts of the declarations."""
    import addin.udfs as udfs

    assert re.search(r"Private Sub Workbook_Open\(\)\s+(?:'.*\s+)?QM_RegisterFunctions\s+End Sub",
                     macros["ThisWorkbook.cls"].replace("\r\n", "\n"))
    code = macros["QualityMonthFunctions.bas"].replace("\r\n", "\n")
    assert code.isascii()
    for func in udfs.UDFS:
        name = func.__name__
        assert f"    Register_{name}\n" in code
        m = re.search(rf"^Private Sub Register_{name}\(\)\n(.*?)^End Sub", code, re.M | re.S)
        assert m, name
        values = _vba_vars(m.group(1))
        assert values["d"] == func.__doc__[:255] and "\u4e00" <= values["d"][0] <= "\u9fff"
        assert values["c"] == "质量月"
        params = list(inspect.signature(func).parameters)
        assert [values[f"args({i})"] for i in range(len(params))] == [_arg_doc(func, p) for p in params]
        assert f"""Application.MacroOptions Macro:="'" & ThisWorkbook.Name & "'!{name}", Description:=d, Category:=c, ArgumentDescriptions:=args""" in m.group(1)


def _arg_doc(func, param: str) -> str:
    """The @xw.arg doc of ``param``, read from the source text of addin/excel/udfs.py."""
    import addin.excel.udfs as src

    text = inspect.getsource(src)
    start = text.index(f"def {func.__name__}(")
    block = text[:start].rsplit("@xw.func(", 1)[1]
    m = re.search(rf'@xw\.arg\("{param}", doc="([^"]*)"\)', block)
    return m.group(1)[:255]


def test_udf_wrapper_calls_a_module_the_add_in_settings_name(built, tmp_path):
    """The add-in's UDF Modules setting names the module the wrappers call (sheet and user file)."""
    from openpyxl import load_workbook

    ws = load_workbook(_as_macro_workbook(built, tmp_path / "a.xlsm"))[xlam.CONFIG_SHEET]
    config = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert config["UDF Modules"] == xlam.UDF_MODULE == "addin.udfs"
    cfg = xlam.write_user_config(tmp_path / "u" / "zhiliangyue.conf", "/usr/bin/python3")
    assert '"UDF Modules","addin.udfs"' in cfg.read_text("utf-8").splitlines()


def test_vba_project_streams(built):
    import olefile

    with zipfile.ZipFile(built) as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    streams = {"/".join(p) for p in ole.listdir()}
    assert {"PROJECT", "VBA/dir", "VBA/_VBA_PROJECT", "VBA/QualityMonth", "VBA/xlwings", "VBA/Dictionary",
            "VBA/xlwings_udfs"} <= streams
    project = ole.openstream("PROJECT").read().decode("ascii")
    assert "Module=QualityMonth" in project and "Module=xlwings" in project and "Class=Dictionary" in project
    assert "Document=ThisWorkbook/&H00000000" in project
    # source only: version 0xFFFF makes Excel compile the source (as in xlwings' own xlwings.xlam)
    assert ole.openstream("VBA/_VBA_PROJECT").read()[:4] == b"\xcc\x61\xff\xff"
    dir_stream = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    assert b"Microsoft Office 16.0 Object Library" in dir_stream     # declares IRibbonControl


def test_bas_sources_are_ascii_and_only_call_python():
    for path in xlam.MACROS_DIR.glob("*.bas"):
        text = path.read_text("utf-8")
        assert text.isascii()
        for m in re.finditer(r"^Sub (\w+)\(control As IRibbonControl\)$", text, re.M):
            assert m.group(1).startswith("QM_")


@pytest.mark.parametrize("data", [
    b"", b"a", b"abc" * 5000, bytes(range(256)) * 40, os.urandom(9000),
    b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
    (xlam.xlwings_dir() / "xlwings_custom_addin.bas").read_bytes(),
])
def test_ovba_compression_round_trips(data):
    packed = xlam.ovba_compress(data)
    assert packed[:1] == b"\x01"
    assert bytes(decompress_stream(bytearray(packed))) == data


# -- qm addin ----------------------------------------------------------------------------
def test_cli_build(tmp_path, capsys):
    out = tmp_path / "加载项" / "质量月.xlam"
    assert main(["addin", "build", "-o", str(out)]) == 0
    assert out.is_file() and "已生成加载项" in capsys.readouterr().out
    assert main(["addin"]) == 2


@pytest.mark.skipif(sys.platform.startswith("win") or sys.platform == "darwin", reason="检查无 Excel 系统上的提示")
def test_cli_install_needs_excel(capsys):
    assert main(["addin", "install"]) == 2
    assert "需要 Windows 或 macOS 上的 Microsoft Excel" in capsys.readouterr().err


def test_cli_install_on_windows_layout(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    cfg = tmp_path / "home" / ".zhiliangyue" / "zhiliangyue.conf"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('"UDF Modules","addin.udfs"\n', "utf-8")
    assert main(["addin", "install", "--python", r"C:\Python311\python.exe"]) == 0
    target = tmp_path / "AppData" / "Microsoft" / "Excel" / "XLSTART" / xlam.ADDIN_NAME
    assert target.is_file() and zipfile.is_zipfile(target)
    assert cfg.read_text("utf-8").splitlines() == ['"UDF Modules","addin.udfs"',
                                                   '"Interpreter_Win","C:\\Python311\\python.exe"']
    out = capsys.readouterr().out
    assert "已安装加载项" in out and "重新启动 Excel" in out


def test_cli_install_on_macos_layout(tmp_path, monkeypatch, capsys):
    """On a Mac, install also puts xlwings' AppleScript where `xlwings addin install` puts it."""
    import xlwings

    home = tmp_path / "home"
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv("HOME", str(home))
    assert main(["addin", "install", "--python", "/opt/py/bin/python3"]) == 0
    container = home / "Library" / "Containers" / "com.microsoft.Excel" / "Data"
    target = container / "Library" / "Application Support" / "Microsoft" / "Office" / "Excel" / "XLSTART" / xlam.ADDIN_NAME
    assert target.is_file() and zipfile.is_zipfile(target)
    script = home / "Library" / "Application Scripts" / "com.microsoft.Excel" / f"xlwings-{xlwings.__version__}.applescript"
    assert script.read_bytes() == (Path(xlwings.__file__).parent / script.name).read_bytes()
    assert "on VbaHandler" in script.read_text("utf-8")     # the handler RunPython calls
    cfg = (container / "zhiliangyue.conf").read_text("utf-8").splitlines()
    assert cfg == ['"UDF Modules","addin.udfs"', '"Interpreter_Mac","/opt/py/bin/python3"']
    out = capsys.readouterr().out
    assert "AppleScript" in out and str(script) in out


def test_windows_install_writes_no_applescript(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert main(["addin", "install", "--python", r"C:\py\python.exe"]) == 0
    assert not (tmp_path / "home" / "Library").exists()
    cfg = (tmp_path / "home" / ".zhiliangyue" / "zhiliangyue.conf").read_text("utf-8").splitlines()
    assert cfg == ['"UDF Modules","addin.udfs"', '"Interpreter_Win","C:\\py\\python.exe"']
