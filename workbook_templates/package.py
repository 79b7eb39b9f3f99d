"""What a returned file really is, and whether it is safe to parse: checked before any parser runs.

Returned workbooks arrive by e-mail and USB from dozens of offices. Before python-calamine sees a
file we look at its bytes: empty, HTML or CSV renamed to .xlsx, random bytes, a zip that is not a
spreadsheet, the old and foreign formats (.xls, WPS .et, .ods, .xlsb), encrypted packages, and
packages that would expand too far (decompression bombs) or declare XML entities. Each case is
refused with one Chinese sentence that says what the file is and what the city should do.

Limits are checked on the zip's central directory (declared sizes). That is a real bound: the
zip reader under python-calamine refuses a member that inflates beyond its declared size (checked
in tests/infra/test_hostile_package.py), and Python's zipfile fails such a member's CRC.

A sheet with hundreds of thousands of empty-but-formatted rows below its data is cut after its
last value before parsing, so it reads in about the time of its real data plus one inflate pass.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from addin.core.errors import QmError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
MB = 1 << 20

ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
MACRO_CONTENT_TYPE = "macroEnabled"
SAVE_AS_XLSX = "请在 Excel 或 WPS 中打开，选择“另存为”→“Excel 工作簿（*.xlsx）”后重新报送"


@dataclass(frozen=True)
class Limits:
    """Guards applied to every returned file before it is parsed (all configurable)."""
    max_file_mb: float = 50            # the file itself
    max_unzipped_mb: float = 1024      # all members together, as declared in the zip directory
    max_members: int = 5000            # our template has about 40
    max_ratio: float = 200             # one member's inflated/compressed size, for members ≥ 1 MB
    trim_above_mb: float = 4           # sheets larger than this are cut after their last value
    # rows x columns a sheet may span: python-calamine allocates 32 bytes for each (a million rows
    # of columns A:Z, 26 M cells, still reads in a worker's default 2 GB)
    max_dense_cells: int = 30_000_000
    max_stray_cells: int = 1000        # cells far outside the data that are dropped (with a note) before refusing


DEFAULT_LIMITS = Limits()


class PackageError(QmError):
    """A file refused before parsing: finding code and Chinese message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class Package:
    """A file that may be handed to the parser."""
    kind: str                                   # xlsx | xlsm | xls | et | ods | xlsb
    data: bytes                                 # what the parser reads (may be a trimmed copy)
    notes: list[tuple[str, str]] = field(default_factory=list)   # (finding code, message)
    trimmed: dict[str, int] = field(default_factory=dict)        # member -> bytes cut away

    @property
    def legacy(self) -> bool:
        return self.kind in ("xls", "et", "ods", "xlsb")


KIND_NAMES = {
    "xls": "旧版 Excel 97-2003 工作簿（.xls）",
    "et": "WPS 表格专用格式（.et）",
    "ods": "OpenDocument 表格（.ods）",
    "xlsb": "Excel 二进制工作簿（.xlsb）",
}


def check_size(size: int, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a file larger than ``limits.max_file_mb`` (called before the bytes are read)."""
    if size > limits.max_file_mb * MB:
        raise PackageError(
            "file-too-large",
            f"文件大小 {size / MB:.1f} MB，超过上限 {limits.max_file_mb:g} MB（填报表通常不足 1 MB）。"
            "请删除多余的图片、空白格式行和无关工作表后重新保存报送；确需处理可用 --max-file-mb 调高上限")


SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ett", ".xlt", ".xltx", ".xltm", ".xlsb", ".ods", ".xlam"}


def open_package(data: bytes, suffix: str = ".xlsx", limits: Limits = DEFAULT_LIMITS) -> Package:
    """Classify ``data`` and check it; raise PackageError unless it is safe to parse."""
    try:
        return _open_package(data, suffix, limits)
    except PackageError as err:
        # "the extension was changed to a spreadsheet's" is only true when it was: readme.txt is
        # simply not a workbook
        low = suffix.lower()
        if low not in SPREADSHEET_SUFFIXES and "扩展名被改成了" in err.message:
            head = err.message.split("扩展名被改成了")[0].rstrip("，,（(")
            raise PackageError(err.code, f"{head}（扩展名为“{suffix or '无'}”）；"
                                         "请指定填报的 .xlsx 文件或其所在目录") from None
        raise


def _open_package(data: bytes, suffix: str, limits: Limits) -> Package:
    check_size(len(data), limits)
    suffix = suffix.lower()
    if not data:
        raise PackageError("unreadable-file", "文件为空（0 字节），可能是复制、下载或邮件附件保存未完成，请重新报送")
    if data[:8] == OLE_MAGIC:
        return _ole(data, suffix)
    if data[:4] == ZIP_MAGIC or data[:4] == EMPTY_ZIP_MAGIC:
        return _zip(data, limits)
    raise PackageError("unreadable-file", _not_a_workbook(data))


# -- OLE compound files: .xls, .et, and encrypted OOXML -------------------------------------------

def _ole_streams(data: bytes) -> set[str]:
    """Names of the streams in an OLE compound file (empty set if it cannot be parsed)."""
    try:
        import olefile
    except ImportError:  # pragma: no cover - olefile comes with the dependencies
        return set()
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return {"/".join(p) for p in ole.listdir(streams=True, storages=False)}
    except Exception:
        return set()


def _ole(data: bytes, suffix: str) -> Package:
    streams = _ole_streams(data)
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams or (
            not streams and "EncryptionInfo".encode("utf-16-le") in data[: 1 << 20]):
        raise PackageError("encrypted-file",
                           "文件设置了打开密码（已加密），程序不会尝试打开。请在 Excel/WPS 中“文件→信息→保护工作簿”"
                           "取消密码后另存为 .xlsx 重新报送")
    if streams and not ({"Workbook", "Book"} & streams):
        if "WordDocument" in streams:
            raise PackageError("unreadable-file", "不是 Excel 工作簿，而是旧版 Word 文档（.doc），扩展名被改成了表格格式")
        raise PackageError("unsupported-format",
                           f"文件是 OLE 复合文档，但不含 Excel 工作表数据（可能是 WPS .et 或其他程序的文件）。{SAVE_AS_XLSX}")
    kind = "et" if suffix in (".et", ".ett") else "xls"
    return Package(kind, data, notes=[_legacy_note(kind)])


def _legacy_note(kind: str) -> tuple[str, str]:
    return ("legacy-format", f"文件为{KIND_NAMES[kind]}，已按原格式读取数据；下发模板的下拉、校验和自查公式在此格式中"
                             f"可能已丢失，请今后使用下发的 .xlsx 模板，{SAVE_AS_XLSX.removeprefix('请')}")


# -- zip packages: .xlsx, .xlsm, .ods, .xlsb, and imposters ---------------------------------------

def _zip(data: bytes, limits: Limits) -> Package:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise PackageError("unreadable-file",
                           "文件已损坏（压缩包结构不完整，常见于下载或拷贝中断），无法作为 .xlsx 打开，请重新保存后报送") from None
    with zf:
        _check_limits(infos, limits)
        names = {i.filename for i in infos}
        kind = _zip_kind(zf, names)
        if kind == "xlsb":
            return Package(kind, data, notes=[_legacy_note(kind)])
        _check_xml_prologs(zf, infos)
        notes: list[tuple[str, str]] = []
        if kind == "ods":
            notes.append(_legacy_note(kind))
        if kind == "xlsm":
            notes.append(("macro-ignored", "文件为启用宏的工作簿（.xlsm）：只读取单元格数据，宏不会运行，也不会复制到任何输出文件"))
        trimmed = _trim_formatted_rows(zf, infos, limits) if kind in ("xlsx", "xlsm") else {}
        replaced, stray_notes = _bound_sheets(zf, infos, limits, data) if kind in ("xlsx", "xlsm") else ({}, [])
    notes.extend(stray_notes)
    if replaced:
        base = trimmed[0] if trimmed else data
        with zipfile.ZipFile(io.BytesIO(base)) as zb:
            data = repack(zb, replaced)
        return Package(kind, data, notes, trimmed[1] if trimmed else {})
    if trimmed:
        data, cut = trimmed
        return Package(kind, data, notes, cut)
    return Package(kind, data, notes)


def _check_limits(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise PackageError("unsafe-file", f"压缩包内有 {len(infos)} 个成员，超过上限 {limits.max_members} 个"
                                          "（正常填报表约 40 个），疑似恶意构造的文件，已拒收")
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size >= MB and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            raise PackageError(
                "unsafe-file",
                f"压缩包成员 {i.filename} 解压后 {i.file_size / MB:.0f} MB、压缩比 {i.file_size / max(i.compress_size, 1):.0f} 倍，"
                f"超过上限 {limits.max_ratio:g} 倍，疑似“解压炸弹”，已拒收（未解压）")
    if total > limits.max_unzipped_mb * MB:
        raise PackageError("unsafe-file", f"文件解压后合计 {total / MB:.0f} MB，超过上限 {limits.max_unzipped_mb:g} MB，"
                                          "疑似“解压炸弹”或含大量无用内容，已拒收（未解压）")


def _zip_kind(zf: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" in names:
        mime = zf.read("mimetype")[:200].strip()
        if mime == ODS_MIME:
            return "ods"
        if mime.startswith(b"application/vnd.oasis.opendocument"):
            raise PackageError("unreadable-file", "不是 Excel 工作簿，而是 OpenDocument 文本或演示文稿，扩展名被改成了表格格式")
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names:
        macro = "xl/vbaProject.bin" in names
        if not macro and "[Content_Types].xml" in names:
            macro = MACRO_CONTENT_TYPE.encode() in zf.read("[Content_Types].xml")
        return "xlsm" if macro else "xlsx"
    if "word/document.xml" in names:
        raise PackageError("unreadable-file", "不是 Excel 工作簿，而是 Word 文档（.docx），扩展名被改成了 .xlsx")
    if any(n.startswith("ppt/") for n in names):
        raise PackageError("unreadable-file", "不是 Excel 工作簿，而是 PowerPoint 演示文稿，扩展名被改成了 .xlsx")
    raise PackageError("unreadable-file", "文件是普通压缩包（zip），不是 Excel 工作簿：请解压后报送其中的 .xlsx 文件")


_PROLOG_LIMIT = 64 * 1024
_ROOT = re.compile(rb"<[A-Za-z_]")


def _check_xml_prologs(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse any XML member that declares a DTD or entities (spreadsheet parts never do)."""
    for i in infos:
        if not i.filename.endswith((".xml", ".rels", ".vml")) or i.file_size == 0:
            continue
        try:
            with zf.open(i) as f:
                head = f.read(4096)
                while not _ROOT.search(head) and len(head) < _PROLOG_LIMIT:
                    more = f.read(4096)
                    if not more:
                        break
                    head += more
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise PackageError("unreadable-file",
                               f"文件已损坏：成员 {i.filename} 无法解压（{type(exc).__name__}），请重新保存后报送") from None
        m = _ROOT.search(head)
        prolog = head[: m.start()] if m else head
        if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog or b"<!doctype" in prolog:
            raise PackageError("unsafe-file", f"成员 {i.filename} 含 XML 文档类型/实体声明（DOCTYPE/ENTITY），"
                                              "正常的 Excel 文件不会有，疑似恶意构造（实体膨胀或外部实体），已拒收")


_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")


def _trim_formatted_rows(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo],
                         limits: Limits) -> tuple[bytes, dict[str, int]] | None:
    """Cut large sheets after their last cell with a value; None when no sheet needs it.

    A cell with content (``<v>`` value, ``<is>`` inline string, ``<f>`` formula even without a
    result) is written ``<c …>…</c>``; an empty formatted cell is ``<c …/>``. So everything after
    the row of the last ``</c>`` inside ``<sheetData>`` carries only formatting; the parts after ``</sheetData>`` (merged cells,
    validations) are kept. The rebuilt package is stored uncompressed: nothing to deflate again.
    """
    big = [i for i in infos if _SHEET_PART.match(i.filename) and i.file_size > limits.trim_above_mb * MB]
    if not big:
        return None
    cut: dict[str, int] = {}
    replaced: dict[str, bytes] = {}
    for i in big:
        try:
            xml = zf.read(i)             # bounded: zipfile stops at the declared size and checks the CRC
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise PackageError("unreadable-file",
                               f"文件已损坏：成员 {i.filename} 无法解压（{type(exc).__name__}），请重新保存后报送") from None
        end = xml.rfind(b"</sheetData>")
        if end < 0:
            continue                      # prefixed or unusual markup: let the parser have all of it
        last = xml.rfind(b"</c>", 0, end)   # cells without content are self-closing: <c r=".." s=".."/>
        if last < 0:
            start = xml.find(b"<sheetData>")
            if start < 0:
                continue
            keep = start + len(b"<sheetData>")
        else:
            close = xml.find(b"</row>", last, end)
            keep = close + len(b"</row>") if close >= 0 else end
        if end - keep < MB:
            continue                      # nothing worth cutting
        replaced[i.filename] = xml[:keep] + xml[end:]
        cut[i.filename] = end - keep
    if not replaced:
        return None
    return repack(zf, replaced), cut


def repack(zf: zipfile.ZipFile, replaced: dict[str, bytes]) -> bytes:
    """The package ``zf`` with the members in ``replaced`` swapped, for a parser to read.

    Stored, not deflated: the copy lives in memory only, and compressing it again would cost
    more than the parser saves by reading less.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zo:
        for i in zf.infolist():
            zo.writestr(i.filename, replaced[i.filename] if i.filename in replaced else zf.read(i))
    return out.getvalue()


# -- a stray cell far away from the data (XFD1048576) ---------------------------------------------
# python-calamine builds each sheet as a dense rows x columns array: one value at XFD1048576 asks
# for 17 billion cells (hundreds of GB) and aborts the process. So a sheet is read by the cells it
# really has: its content cells are listed from the XML first, and when they span more than
# ``max_dense_cells``, the outermost ones are dropped (and reported) until the rest fits.
_CELL_OPEN = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(/?)>')


# The span a sheet declares (<dimension ref="A1:Q120"/>, written by Excel, WPS, LibreOffice and
# openpyxl): when it is small the sheet is not inflated here at all. A file that lies about it can
# still crash its read worker; the batch reports that file as 读取进程异常退出 and goes on.
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"')
# A reference past column ZZ or row 9999; without one a sheet spans at most 9999 x 702 cells,
# under max_dense_cells, and its cells need not be listed (one regex search over the XML).
_FAR_REF = re.compile(rb'r="(?:[A-Z]{3}[0-9]|[A-Z]{1,2}[0-9]{5})')


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _col_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _content_cells(xml: bytes) -> list[tuple[int, int]]:
    """(row, column), 1-based, of every cell with content (``<c …>…</c>``, not ``<c …/>``)."""
    return [(int(m.group(2)), _col_number(m.group(1))) for m in _CELL_OPEN.finditer(xml) if not m.group(3)]


def strays(cells: list[tuple[int, int]], max_area: int, max_strays: int) -> list[tuple[int, int]] | None:
    """The outermost cells to drop so that the rest spans at most ``max_area`` rows x columns
    (from A1, as the parser allocates); [] when nothing needs dropping; None when more than
    ``max_strays`` would have to go (the sheet is then refused)."""
    if not cells:
        return []
    from collections import Counter

    rows = Counter(r for r, _ in cells)
    cols = Counter(c for _, c in cells)
    alive = set(cells)
    dropped: list[tuple[int, int]] = []
    top_r, top_c = max(rows), max(cols)
    while top_r * top_c > max_area:
        # drop the cells of the last row or of the last column, whichever shrinks the area more
        next_r = max((r for r in rows if r != top_r), default=0)
        next_c = max((c for c in cols if c != top_c), default=0)
        if next_r * top_c <= top_r * next_c:
            victims = [rc for rc in alive if rc[0] == top_r]
        else:
            victims = [rc for rc in alive if rc[1] == top_c]
        for r, c in victims:
            alive.discard((r, c))
            rows[r] -= 1
            cols[c] -= 1
            if not rows[r]:
                del rows[r]
            if not cols[c]:
                del cols[c]
        dropped.extend(victims)
        if len(dropped) > max_strays:
            return None
        if not alive:
            break
        top_r, top_c = max(rows), max(cols)
    return sorted(dropped)


def _bound_sheets(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits,
                  data: bytes) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    """Sheets whose cells span too far, with the stray cells removed; and a note for each."""
    replaced: dict[str, bytes] = {}
    notes: list[tuple[str, str]] = []
    titles: dict[str, str] | None = None
    for i in infos:
        if not _SHEET_PART.match(i.filename):
            continue
        try:
            with zf.open(i) as fh:
                head = fh.read(8192)
            m = _DIMENSION.search(head)
            if m and _col_number(m.group(1)) * int(m.group(2)) <= limits.max_dense_cells:
                continue                    # the span the file declares is small: nothing to inflate
            xml = zf.read(i)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise PackageError("unreadable-file",
                               f"文件已损坏：成员 {i.filename} 无法解压（{type(exc).__name__}），请重新保存后报送") from None
        if not _FAR_REF.search(xml):       # fast path: every cell within 9999 rows x 702 columns
            continue
        cells = _content_cells(xml)
        if not cells or max(r for r, _ in cells) * max(c for _, c in cells) <= limits.max_dense_cells:
            continue
        if titles is None:
            titles = {m: t for t, m in sheet_members(zf).items()}
        title = titles.get(i.filename, i.filename)
        drop = strays(cells, limits.max_dense_cells, limits.max_stray_cells)
        if drop is None:
            raise PackageError(
                "unsafe-file", f"工作表“{title}”有超过 {limits.max_stray_cells} 个单元格远离数据区，"
                               f"整张表跨度过大，读取所需内存过大，已拒收；请删除数据区以外的内容后重新报送")
        refs = {f"{_col_letters(c)}{r}".encode() for r, c in drop}
        replaced[i.filename] = re.sub(
            rb'<((?:[A-Za-z_][\w.-]*:)?)c\s[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*?(?:/>|>.*?</\1c>)',
            lambda m: b"" if m.group(2) in refs else m.group(0), xml, flags=re.S)
        shown = "、".join(f"{_col_letters(c)}{r}" for r, c in drop[:5]) + ("等" if len(drop) > 5 else "")
        notes.append(("stray-cells", f"工作表“{title}”中 {len(drop)} 个单元格远离数据区（{shown}），未读取；"
                                     "请核实：如为误输入，请删除；如为应报送的数据，请填入表格的对应行列"))
    return replaced, notes


# -- not a zip, not OLE: what is it? ------------------------------------------------------------

def _not_a_workbook(data: bytes) -> str:
    head = data[:4096]
    text = _as_text(head)
    if text is not None:
        low = text.lstrip("\ufeff \t\r\n").lower()
        if low.startswith(("<!doctype html", "<html", "<head", "<meta", "<table")) or "<html" in low[:1000]:
            return ("不是 Excel 工作簿，而是网页（HTML）文件，扩展名被改成了表格格式（常见于从网页系统“导出 Excel”）。"
                    + SAVE_AS_XLSX)
        if low.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in low:
            return "文件为 Excel 2003 XML 表格，不是 .xlsx。" + SAVE_AS_XLSX
        if low.startswith(("{\\rtf",)):
            return "不是 Excel 工作簿，而是 RTF 文档，扩展名被改成了表格格式"
        if low.startswith("%pdf"):
            return "不是 Excel 工作簿，而是 PDF 文件，扩展名被改成了表格格式；请报送填写好的 .xlsx 填报表"
        lines = [ln for ln in text.splitlines() if ln.strip()][:5]
        if lines and all(("," in ln or "\t" in ln or "，" in ln) for ln in lines):
            return "不是 Excel 工作簿，而是 CSV/文本表格，扩展名被改成了 .xlsx。请在下发的 .xlsx 模板中填写后报送"
        return "不是 Excel 工作簿，而是纯文本文件，扩展名被改成了表格格式"
    if data[:4] == b"%PDF":
        return "不是 Excel 工作簿，而是 PDF 文件，扩展名被改成了表格格式；请报送填写好的 .xlsx 填报表"
    return "不是 Excel 工作簿：文件内容无法识别（可能已损坏、被加密软件处理过，或是其他程序的文件）"


def _as_text(head: bytes) -> str | None:
    """``head`` decoded as UTF-8/UTF-16/GB18030 text, or None if it looks binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in head:
        return None
    for enc in ("utf-8", "gb18030"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:          # a character cut at the end of the sample
                text = head[: exc.start].decode(enc, errors="ignore")
            else:
                continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
        return text if controls <= len(text) // 100 else None
    return None


_P_ = rb"(?:[A-Za-z_][\w.-]*:)?"
_SHEET_TAG = re.compile(rb"<" + _P_ + rb"sheet\s([^>]*)>")
_REL_TAG = re.compile(rb"<" + _P_ + rb"Relationship\s([^>]*)>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def sheet_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> package member of its XML (from xl/workbook.xml and its relationships);
    {} when the package does not say."""
    import html
    import posixpath

    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except Exception:
        return {}
    targets = {}
    for m in _REL_TAG.finditer(rels):
        a = dict(_ATTR.findall(m.group(1)))
        if b"Id" in a and b"Target" in a:
            targets[a[b"Id"]] = html.unescape(a[b"Target"].decode("utf-8", "replace"))
    out = {}
    for m in _SHEET_TAG.finditer(book):
        a = dict(_ATTR.findall(m.group(1)))
        rid = next((v for k, v in a.items() if k.endswith(b":id")), None)
        target = targets.get(rid) if rid else None
        if b"name" in a and target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            out[html.unescape(a[b"name"].decode("utf-8", "replace"))] = path
    return out
