"""Assemble the 质量月 Excel add-in (.xlam) without Excel.

The add-in is an Office Open XML package:

- ``xl/workbook.xml`` (content type ``addin.macroEnabled``) with one sheet, ``_zhiliangyue.conf``
  (xlwings' add-in settings, disabled by the leading underscore, as in xlwings' quickstart);
- ``xl/vbaProject.bin``: the VBA project, compiled here from source with ``ms-ovba``: the
  document modules ThisWorkbook and Sheet1, the ribbon callbacks (``macros/*.bas``), xlwings'
  own VBA for custom add-ins (``xlwings_custom_addin.bas`` from the installed xlwings, so the
  VBA and the Python side are the same version; it provides ``RunPython``) and its
  ``Dictionary`` class (needed on macOS); and ``xlwings_udfs``, the wrapper module that
  xlwings' *Import Functions* (``ImportPythonUDFsToAddin``) would write for ``addin.udfs``,
  generated here by xlwings' own ``generate_vba_wrapper`` so the ``QM_*`` functions work right
  after installation, without xlwings' ribbon;
- ``customUI/customUI14.xml`` (``macros/ribbon.xml``) and its relationship.

The VBA project carries source only, no compiled p-code (``_VBA_PROJECT`` version 0xFFFF, as
in the ``xlwings.xlam`` that xlwings itself ships): Excel compiles the source when it loads the
add-in. The project references the Office object library, which declares ``IRibbonControl``.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import io
import os
import re
import shutil
import sys
import tempfile
import types
import threading
import uuid
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from addin.core.errors import QmError

ADDIN_NAME = "质量月.xlam"
PROJECT_NAME = "zhiliangyue"          # xlwings' config name: ~/.zhiliangyue/zhiliangyue.conf
CONFIG_SHEET = f"_{PROJECT_NAME}.conf"
UDF_MODULE = "addin.udfs"             # the stable UDF module name ("UDF Modules" setting)
UDF_VBA_MODULE = "xlwings_udfs"       # the module name xlwings' import_udfs gives its wrappers
MACROS_DIR = Path(str(resources.files("macros")))  # macros/ ships as package data
RIBBON_NS = "http://schemas.microsoft.com/office/2009/07/customui"
RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
ADDIN_CT = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_CT = "application/vnd.ms-office.vbaProject"

_THISWORKBOOK_GUID = "00020819-0000-0000-C000-000000000046"
_WORKSHEET_GUID = "00020820-0000-0000-C000-000000000046"
_CLASS_GUID = "FCFB3D2A-A0FA-1068-A738-08002B3371B5"
_CWD_LOCK = threading.Lock()   # ms-ovba writes its intermediate files into the working directory


class BuildError(QmError, RuntimeError):
    """The add-in cannot be built; the message is Chinese."""


@dataclass(frozen=True)
class VbaModule:
    name: str
    kind: str        # "module" | "class" | "document"
    source: str      # as exported from the VBE (.bas / .cls), any line endings


# -- sources ------------------------------------------------------------------------
def xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).resolve().parent


def xlwings_module() -> VbaModule:
    """xlwings' VBA for custom add-ins, with this add-in's config name."""
    path = xlwings_dir() / "xlwings_custom_addin.bas"
    if not path.is_file():
        raise BuildError(f"找不到 xlwings 的 VBA 模块：{path}（请安装 xlwings 0.30 以上版本）")
    text = path.read_text("ascii")
    text, n = re.subn(r'(Public Const PROJECT_NAME As String = )"[^"]*"', rf'\1"{PROJECT_NAME}"', text)
    if n != 1:
        raise BuildError("xlwings 的 VBA 模块中没有 PROJECT_NAME 常量，无法生成加载项")
    return VbaModule("xlwings", "module", text)


def dictionary_class() -> VbaModule:
    path = xlwings_dir() / "addin" / "Dictionary.cls"
    if not path.is_file():
        raise BuildError(f"找不到 xlwings 的 Dictionary 类模块：{path}")
    return VbaModule("Dictionary", "class", path.read_text("ascii"))


# -- the UDF wrappers (what xlwings' "Import Functions" writes into the add-in) -----------------
class _AddinBook:
    """The one attribute of the Excel workbook that ``generate_vba_wrapper`` reads: an add-in's
    wrappers call into ``ActiveWorkbook`` instead of ``ThisWorkbook``."""
    Name = ADDIN_NAME


@contextlib.contextmanager
def _xlwings_udfs():
    """``xlwings.udfs``, xlwings' UDF machinery. Off Windows its COM imports (pythoncom,
    pywintypes, win32com) do not exist: empty stand-ins are put in place while it loads and
    removed afterwards, together with the module itself. The build only calls its decorators
    and ``generate_vba_wrapper``, which touch no COM."""
    if "xlwings.udfs" in sys.modules:
        yield sys.modules["xlwings.udfs"]
        return
    import xlwings

    stubs: dict[str, types.ModuleType] = {}
    try:
        importlib.import_module("pythoncom")
    except ImportError:
        com_error = type("com_error", (Exception,), {})

        def dispatch(*_a, **_k):
            raise BuildError("生成加载项时不能调用 Excel")

        for name, attrs in (("pythoncom", {"CoInitialize": lambda: None}),
                            ("pywintypes", {"com_error": com_error}),
                            ("win32com", {}), ("win32com.client", {"Dispatch": dispatch})):
            if name not in sys.modules:
                stubs[name] = types.ModuleType(name)
                stubs[name].__dict__.update(attrs)
        if "win32com.client" in stubs and "win32com" in stubs:
            stubs["win32com"].client = stubs["win32com.client"]
    sys.modules.update(stubs)
    try:
        module = importlib.import_module("xlwings.udfs")
    except Exception as exc:
        raise BuildError(f"无法载入 xlwings 的 UDF 模块（xlwings.udfs）：{type(exc).__name__}：{exc}") from None
    finally:
        for name in stubs:
            sys.modules.pop(name, None)
    try:
        yield module
    finally:
        if stubs:   # loaded on stand-ins: do not leave it importable
            sys.modules.pop("xlwings.udfs", None)
            if getattr(xlwings, "udfs", None) is module:
                delattr(xlwings, "udfs")


def _decorated_udf_module(udfs: types.ModuleType, module_name: str = UDF_MODULE) -> types.ModuleType:
    """A private copy of the UDF module whose ``@xw.func/arg/ret`` are xlwings' classic decorators
    (on Windows they already are; elsewhere xlwings makes them no-ops), so every function
    carries ``__xlfunc__`` as ``import_udfs`` sees it in Excel."""
    import xlwings

    target = importlib.import_module(module_name)       # addin.udfs re-exports addin.excel.udfs
    exported = list(getattr(target, "__all__", None) or [n for n in dir(target) if not n.startswith("_")])
    homes = {getattr(target, n).__module__ for n in exported if inspect.isfunction(getattr(target, n, None))}
    if len(homes) != 1:
        raise BuildError(f"{module_name} 的工作表函数应来自同一个模块，实际来自：{sorted(homes)}")
    spec = importlib.util.find_spec(homes.pop())
    copy = importlib.util.module_from_spec(spec)
    saved = {k: getattr(xlwings, k) for k in ("func", "arg", "ret")}
    try:
        xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
        spec.loader.exec_module(copy)
    finally:
        for k, v in saved.items():
            setattr(xlwings, k, v)
    view = types.ModuleType(module_name)     # what ``import addin.udfs`` exposes, decorated
    for name in dir(copy):
        if name in exported:
            setattr(view, name, getattr(copy, name))
    return view


def udf_wrapper_source(module_name: str = UDF_MODULE) -> str:
    """The ``xlwings_udfs`` module as xlwings' ``import_udfs`` writes it for an add-in: its three
    header lines, then ``generate_vba_wrapper``'s output for every ``@xw.func`` of the module."""
    with _xlwings_udfs() as udfs:
        module = _decorated_udf_module(udfs, module_name)
        buf = io.StringIO()
        # the header import_udfs writes before calling generate_vba_wrapper (xlwings/udfs.py)
        buf.write(f'Attribute VB_Name = "{UDF_VBA_MODULE}"\n')
        buf.write("'Autogenerated code by xlwings - changes will be lost with next import!\n")
        buf.write("""#Const App = "Microsoft Excel" 'Adjust when using outside of Excel\n""")
        udfs.generate_vba_wrapper(module_name, module, buf, _AddinBook())
    text = buf.getvalue()
    if "Function " not in text:
        raise BuildError(f"{module_name} 中没有 @xw.func 函数，无法生成工作表函数的 VBA 包装")
    if not text.isascii():
        raise BuildError("工作表函数的参数名应只用英文（VBA 源码只能是 ASCII）")
    return text


# -- the function wizard's texts (what import_udfs sets with Application.MacroOptions) -------------
UDF_OPTIONS_MODULE = "QualityMonthFunctions"


def _vba_string(text: str) -> list[str]:
    """``text`` as VBA string expressions of at most ~40 characters each: ASCII stays literal,
    everything else becomes ChrW(&Hxxxx) (VBA source is ASCII; Excel shows Unicode)."""
    parts: list[str] = []
    literal = ""
    for ch in text:
        if ch.isascii() and ch.isprintable():
            literal += '""' if ch == '"' else ch
            continue
        if literal:
            parts.append(f'"{literal}"')
            literal = ""
        parts.append(f"ChrW(&H{ord(ch):04X})")
    if literal:
        parts.append(f'"{literal}"')
    return parts or ['""']


def _assign(var: str, text: str, per_line: int = 12) -> list[str]:
    parts = _vba_string(text)
    lines = []
    for i in range(0, len(parts), per_line):
        chunk = " & ".join(parts[i:i + per_line])
        lines.append(f"    {var} = {chunk}" if i == 0 else f"    {var} = {var} & {chunk}")
    return lines


def udf_options_source(module_name: str = UDF_MODULE) -> str:
    """A Sub that makes, for every ``@xw.func``, the ``Application.MacroOptions`` call xlwings'
    ``import_udfs`` makes after importing the wrappers: the description (docstring, first 255
    characters), the category (``category=`` of the declaration) and the argument descriptions.
    ThisWorkbook's ``Workbook_Open`` runs it, so the function wizard shows them in classic Excel."""
    with _xlwings_udfs() as udfs:
        module = _decorated_udf_module(udfs, module_name)
    names = sorted(n for n in dir(module) if hasattr(getattr(module, n), "__xlfunc__"))
    lines = [f'Attribute VB_Name = "{UDF_OPTIONS_MODULE}"',
             "' Generated by qm addin build from the @xw.func declarations of " + module_name + ":",
             "' the Application.MacroOptions calls xlwings' import_udfs makes (description, category,",
             "' argument descriptions). Chinese text is written as ChrW() codes: VBA source is ASCII.",
             "Option Explicit", "", "Public Sub QM_RegisterFunctions()", "    On Error Resume Next"]
    lines += [f"    Register_{name}" for name in names]
    lines += ["    ThisWorkbook.Saved = True", "End Sub", ""]
    for name in names:      # one Sub per function: VBA limits the size of a procedure
        meta = getattr(module, name).__xlfunc__
        docs = [a["doc"][:255] for a in meta["args"] if not a["vba"]]
        category = meta["category"]
        lines += [f"Private Sub Register_{name}()", "    Dim d As String, c As String", "    Dim args() As Variant"]
        lines += _assign("d", meta["ret"]["doc"][:255])
        lines += _assign("c", str(category)) if isinstance(category, str) else [f"    c = {category}"]
        lines.append(f"    ReDim args(0 To {max(len(docs), 1) - 1})")
        for i, doc in enumerate(docs):
            lines += _assign(f"args({i})", doc)
        argdocs = ", ArgumentDescriptions:=args" if docs else ""
        lines.append(f'    Application.MacroOptions Macro:="\'" & ThisWorkbook.Name & "\'!{name}", '
                     f"Description:=d, Category:=c{argdocs}")
        lines += ["End Sub", ""]
    text = "\n".join(lines)
    if not text.isascii():
        raise BuildError("函数说明的 VBA 源码应为 ASCII")
    return text


THISWORKBOOK_SOURCE = """Private Sub Workbook_Open()
    ' the function wizard's descriptions and category for the QM_* functions
    QM_RegisterFunctions
End Sub
"""


def udf_module(module_name: str = UDF_MODULE) -> VbaModule:
    return VbaModule(UDF_VBA_MODULE, "module", udf_wrapper_source(module_name))


def _vb_name(text: str, default: str) -> str:
    m = re.search(r'^Attribute VB_Name = "([^"]+)"', text, re.M)
    return m.group(1) if m else default


def project_modules(macros_dir: Path = MACROS_DIR) -> list[VbaModule]:
    """Every module of the add-in: ThisWorkbook (registers the functions' descriptions on open),
    ours (macros/*.bas), then xlwings', its Dictionary class, the UDF wrappers and their
    MacroOptions."""
    ours = []
    for path in sorted(Path(macros_dir).glob("*.bas")):
        text = path.read_text("utf-8")
        if not text.isascii():
            raise BuildError(f"{path.name} 含有非 ASCII 字符：VBA 源码请只用英文，中文提示放在 Python 中")
        ours.append(VbaModule(_vb_name(text, path.stem), "module", text))
    if not ours:
        raise BuildError(f"{macros_dir} 中没有 .bas 模块")
    return [VbaModule("ThisWorkbook", "document", THISWORKBOOK_SOURCE), *ours, xlwings_module(),
            dictionary_class(), udf_module(), VbaModule(UDF_OPTIONS_MODULE, "module", udf_options_source())]


def ribbon_xml(macros_dir: Path = MACROS_DIR) -> bytes:
    path = Path(macros_dir) / "ribbon.xml"
    data = path.read_bytes()
    if RIBBON_NS.encode() not in data:
        raise BuildError(f"{path.name} 应使用 customUI 2009/07 命名空间（{RIBBON_NS}）")
    return data


# -- MS-OVBA compression (2.4.1) -------------------------------------------------------
def _copy_token_bits(position: int) -> int:
    bits = 4
    while (1 << bits) < position:
        bits += 1
    return bits


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    pos, n = 0, len(chunk)
    seen: dict[bytes, list[int]] = {}          # 3-byte prefix -> earlier positions
    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len, best_off = 0, 0
            if pos >= 1 and pos + 3 <= n:
                bits = _copy_token_bits(pos)
                max_len = (0xFFFF >> bits) + 3
                for cand in reversed(seen.get(chunk[pos:pos + 3], ())[-256:]):
                    length = 0
                    while pos + length < n and length < max_len and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == max_len:
                            break
            if best_len >= 3:
                bits = _copy_token_bits(pos)
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                step = best_len
            else:
                out.append(chunk[pos])
                step = 1
            for p in range(pos, min(pos + step, n - 2)):
                seen.setdefault(chunk[p:p + 3], []).append(p)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def ovba_compress(data: bytes) -> bytes:
    """A CompressedContainer of ``data`` ([MS-OVBA] 2.4.1.3), as stored in VBA module and dir streams."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start:start + 4096]
        body = _compress_chunk(chunk)
        if len(body) > 4096:       # incompressible: a raw chunk (always 4096 bytes)
            out += (0x3000 | 4095).to_bytes(2, "little") + chunk.ljust(4096, b"\x00")
        else:
            out += (0xB000 | (len(body) - 1)).to_bytes(2, "little") + body
    return bytes(out)


@contextlib.contextmanager
def _ovba_compressor():
    """ms-ovba-compression 1.0.1 does not cap copy-token lengths (corrupt output on long repeats):
    use :func:`ovba_compress` while ms-ovba writes the project."""
    from ms_ovba_compression.ms_ovba import MsOvba

    original = MsOvba.compress
    MsOvba.compress = lambda self, data: ovba_compress(bytes(data))
    try:
        yield
    finally:
        MsOvba.compress = original


# -- the VBA project (vbaProject.bin) ----------------------------------------------------
def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def _header_split(text: str) -> tuple[list[str], list[str]]:
    """(attribute lines, code lines) of an exported .cls/.bas, without VERSION/BEGIN..END."""
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    if lines and lines[0].startswith("VERSION "):
        while i < len(lines) and lines[i].strip() != "END":
            i += 1
        i += 1
    attrs = []
    while i < len(lines) and lines[i].startswith("Attribute VB_"):
        attrs.append(lines[i])
        i += 1
    return attrs, lines[i:]


def _stored_source(module: VbaModule) -> str:
    """The source as the VBE stores it in the module stream."""
    if module.kind == "module":
        attrs, code = _header_split(module.source)
        if not any(a.startswith("Attribute VB_Name") for a in attrs):
            attrs.insert(0, f'Attribute VB_Name = "{module.name}"')
        return _crlf("\n".join(attrs + code))
    attrs, code = _header_split(module.source)
    guid = _CLASS_GUID if module.kind == "class" else (
        _THISWORKBOOK_GUID if module.name == "ThisWorkbook" else _WORKSHEET_GUID)
    defaults = {
        "VB_Name": f'"{module.name}"',
        "VB_Base": f'"0{{{guid}}}"',
        "VB_GlobalNameSpace": "False",
        "VB_Creatable": "False",
        "VB_PredeclaredId": "False" if module.kind == "class" else "True",
        "VB_Exposed": "True",
        "VB_TemplateDerived": "False",
        "VB_Customizable": "False" if module.kind == "class" else "True",
    }
    given = {}
    extra = []
    for a in attrs:
        key, _, value = a[len("Attribute "):].partition(" = ")
        if key in defaults:
            given[key] = value
        else:
            extra.append(a)
    head = [f"Attribute {k} = {given.get(k, v)}" for k, v in defaults.items()]
    return _crlf("\n".join(head + extra + code))


def build_vba_project(modules: list[VbaModule]) -> bytes:
    """Compile ``modules`` (plus ThisWorkbook and Sheet1) into a vbaProject.bin, source only."""
    try:
        from ms_ovba.Models.Entities.doc_module import DocModule
        from ms_ovba.Models.Entities.reference import Reference
        from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
        from ms_ovba.Models.Entities.std_module import StdModule
        from ms_ovba.Models.Fields.libid_reference import LibidReference
        from ms_ovba.Views.project_ole_file import ProjectOleFile
        from ms_ovba.vbaProject import VbaProject
    except ImportError as exc:
        raise BuildError(f"生成 VBA 工程需要 ms-ovba 包（pip install ms-ovba）：{exc}") from None

    class _Stored:
        """Feed the already-normalised source to ms-ovba (it reads ``<file>.new``)."""

        def add_stored(self, folder: Path, text: str) -> None:
            base = folder / self.name
            Path(str(base) + ".new").write_bytes(text.encode("ascii"))
            self.add_file(str(base))

    class _Std(_Stored, StdModule):
        pass

    class _Doc(_Stored, DocModule):
        pass

    class _Class(_Stored, DocModule):
        # a class module's dir record is the same as a document's (MODULETYPE 0x0022)
        def to_project_module_string(self) -> str:
            return "Class=" + self.modName.value

    given = {m.name for m in modules}
    defaults = [VbaModule(n, "document", "") for n in ("ThisWorkbook", "Sheet1") if n not in given]
    all_modules = [*defaults, *modules]
    names = [m.name for m in all_modules]
    if len(set(n.lower() for n in names)) != len(names):
        raise BuildError(f"VBA 模块名重复：{names}")
    for m in all_modules:
        if not m.name.isascii() or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", m.name):
            raise BuildError(f"VBA 模块名“{m.name}”无效")
        if not m.source.isascii():
            raise BuildError(f"VBA 模块 {m.name} 含有非 ASCII 字符")

    with _CWD_LOCK, tempfile.TemporaryDirectory(prefix="qm-vba-") as tmp:
        folder = Path(tmp)
        project = VbaProject()
        project.project_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "zhiliangyue/质量月")).upper() + "}"
        for m in all_modules:
            cls = {"module": _Std, "class": _Class, "document": _Doc}[m.kind]
            entity = cls(m.name)
            entity.add_stored(folder, _stored_source(m))
            project.add_module(entity)
        for guid, ver, path, desc, name in (
            ("0002043000000000C000000000000046", "2.0", r"C:\Windows\System32\stdole2.tlb",
             "OLE Automation", "stdole"),
            ("2DF8D04C5BFA101BBDE500AA0044DE52", "2.0",
             r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
             "Microsoft Office 16.0 Object Library", "Office"),
        ):
            ref = ReferenceRegistered(LibidReference(uuid.UUID(guid), ver, "0", path, desc))
            project.add_reference(Reference(ref, name))
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            with _ovba_compressor():
                ProjectOleFile.write_file(project)
            return (folder / "vbaProject.bin").read_bytes()
        finally:
            os.chdir(cwd)


# -- the package ------------------------------------------------------------------------
def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


CONFIG_ROWS = (
    ("Interpreter_Win", ""), ("Interpreter_Mac", ""), ("PYTHONPATH", ""), ("Conda Path", ""),
    ("Conda Env", ""), ("UDF Modules", "addin.udfs"), ("Show Console", "False"),
)


def _sheet_xml() -> str:
    rows = [("说明", "本表为 xlwings 加载项设置，表名以下划线开头时不生效；Python 路径由 qm addin install 写入用户设置文件。")]
    rows += list(CONFIG_ROWS)
    out = []
    for r, (a, b) in enumerate(rows, 1):
        cells = f'<c r="A{r}" t="inlineStr"><is><t>{_esc(a)}</t></is></c>'
        if b:
            cells += f'<c r="B{r}" t="inlineStr"><is><t>{_esc(b)}</t></is></c>'
        out.append(f'<row r="{r}">{cells}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetPr codeName="Sheet1"/><dimension ref="A1:B%d"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="18" customWidth="1"/>'
        '<col min="2" max="2" width="60" customWidth="1"/></cols>'
        '<sheetData>%s</sheetData></worksheet>' % (len(rows), "".join(out))
    )


# the parts of the add-in package that do not depend on its content (package_parts)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Default Extension="bin" ContentType="{VBA_CT}"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{ADDIN_CT}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    '</Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    f'<Relationship Id="rId4" Type="{RIBBON_REL}" Target="customUI/customUI14.xml"/>'
    '</Relationships>'
)
_WORKBOOK_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<workbookPr codeName="ThisWorkbook"/>'
    '<bookViews><workbookView visibility="hidden" activeTab="0"/></bookViews>'
    f'<sheets><sheet name="{_esc(CONFIG_SHEET)}" sheetId="1" r:id="rId1"/></sheets>'
    '<calcPr calcId="191029"/></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{VBA_REL}" Target="vbaProject.bin"/>'
    '</Relationships>'
)
_STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)
_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    '<Application>Microsoft Excel</Application></Properties>'
)


def package_parts(vba: bytes, ribbon: bytes, title: str = "质量月助手") -> dict[str, bytes]:
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dc:title>{_esc(title)}</dc:title><dc:description>质量月活动填报校验、汇总与公文生成（Excel 加载项）</dc:description>'
        '</cp:coreProperties>'
    )
    return {
        "[Content_Types].xml": _CONTENT_TYPES.encode("utf-8"),
        "_rels/.rels": _ROOT_RELS.encode("utf-8"),
        "docProps/core.xml": core.encode("utf-8"),
        "docProps/app.xml": _APP_XML.encode("utf-8"),
        "xl/workbook.xml": _WORKBOOK_XML.encode("utf-8"),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS.encode("utf-8"),
        "xl/styles.xml": _STYLES_XML.encode("utf-8"),
        "xl/worksheets/sheet1.xml": _sheet_xml().encode("utf-8"),
        "xl/vbaProject.bin": vba,
        "customUI/customUI14.xml": ribbon,
    }


def build_xlam(out: str | Path = ADDIN_NAME, macros_dir: str | Path = MACROS_DIR) -> Path:
    """Build the add-in at ``out`` (written to a temporary file, then renamed)."""
    macros_dir = Path(macros_dir)
    ribbon = ribbon_xml(macros_dir)
    vba = build_vba_project(project_modules(macros_dir))
    out = Path(out)
    if out.is_dir():
        out = out / ADDIN_NAME
    out.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in package_parts(vba, ribbon).items():
            info = zipfile.ZipInfo(name, date_time=(2022, 9, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    from addin.infra.atomic import atomic_path

    with atomic_path(out) as tmp:       # a file-system fault: QmError, no temporary file left
        tmp.write_bytes(buf.getvalue())
    return out


# -- installation -------------------------------------------------------------------------
def startup_folder() -> Path | None:
    """Excel's per-user startup folder (XLSTART) on Windows/macOS; None elsewhere."""
    if sys.platform.startswith("win"):
        appdata = os.environ.get("APPDATA")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART" if appdata else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "Library" / \
            "Application Support" / "Microsoft" / "Office" / "Excel" / "XLSTART"  # noqa: E501
    return None


def user_config_path() -> Path | None:
    """Where xlwings' VBA (custom add-in mode) looks for this add-in's settings file."""
    if sys.platform.startswith("win"):
        profile = os.environ.get("USERPROFILE")
        return Path(profile) / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf" if profile else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{PROJECT_NAME}.conf"
    return None


def write_user_config(path: Path, interpreter: str) -> Path:
    """The settings file read by ``GetConfigFromFile`` in xlwings' VBA: one ``"key","value"`` per
    line. Writes the interpreter and ``"UDF Modules","addin.udfs"`` (what xlwings' *Import
    Functions* reads); other lines are kept."""
    key = "Interpreter_Win" if sys.platform.startswith("win") else "Interpreter_Mac"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = {}
    if path.is_file():
        for line in path.read_text("utf-8", errors="replace").splitlines():
            m = re.match(r'^"([^"]*)","(.*)"$', line.strip())
            if m:
                lines[m.group(1)] = m.group(2)
    lines.setdefault("UDF Modules", UDF_MODULE)
    lines[key] = interpreter
    path.write_text("".join(f'"{k}","{v}"\n' for k, v in lines.items()), "utf-8")
    return path


def applescript_folder() -> Path:
    """Where ``xlwings runpython install`` puts xlwings' AppleScript (macOS): the sandboxed Excel
    may only run scripts from this folder, and ``RunPython`` needs it."""
    return Path(os.path.expanduser("~")) / "Library" / "Application Scripts" / "com.microsoft.Excel"


def install_applescript() -> Path:
    """Copy ``xlwings-<version>.applescript`` from the installed xlwings into
    :func:`applescript_folder`, as ``xlwings addin install`` does on macOS (its ``runpython_install``)."""
    import xlwings

    source = xlwings_dir() / f"xlwings-{xlwings.__version__}.applescript"
    if not source.is_file():
        raise BuildError(f"找不到 xlwings 的 AppleScript 文件：{source}")
    folder = applescript_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


@dataclass(frozen=True)
class Installed:
    addin: Path
    config: Path | None
    applescript: Path | None = None    # macOS only


def install(source: Path, interpreter: str) -> Installed:
    """Copy the add-in into XLSTART, write the user settings file, and on macOS copy xlwings'
    AppleScript (without it ``RunPython`` fails on a Mac)."""
    folder = startup_folder()
    if folder is None:
        raise BuildError("安装加载项需要 Windows 或 macOS 上的 Microsoft Excel")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ADDIN_NAME
    shutil.copyfile(source, target)
    cfg = user_config_path()
    if cfg is not None:
        write_user_config(cfg, interpreter)
    script = install_applescript() if sys.platform == "darwin" else None
    return Installed(target, cfg, script)
