"""Output paths checked before any work, and file-system errors said in Chinese.

People run ``qm`` with ordinary path mistakes: the output named like one of the inputs, a Word
output over the summary workbook, a folder where a file is meant, a read-only USB stick. Every
command calls :func:`guard` with what it reads and what it will write *before* it reads or
writes anything, so a mistake costs nothing: the command stops with exit code 2 and one Chinese
sentence naming the path. What still goes wrong while writing (disk full, a stick pulled out) is
turned into a :class:`~addin.core.errors.QmError` by :func:`describe_oserror` at the output layer
(addin.infra.atomic), so no command needs its own try/except.

The rules (README, 异常文件的处理):

- an output is never one of the inputs (same file, also through links or another spelling);
- an output file never replaces a folder, a file of another kind (``.docx`` over ``.xlsx``), or a
  returned workbook (a file that carries the template's hidden ``_meta`` sheet);
- an output folder is never an existing file, and no existing file sits where a folder of the
  output path must be;
- names longer than the file system allows (255 bytes per name on ext4, 255 UTF-16 units on NTFS)
  are refused before anything is written;
- an output may lie *inside* an input folder (``--annotate 回收/标注``): inputs are collected
  before anything is written, and every workbook we write carries our marker
  (addin.infra.marker), so a later run skips it instead of reading it as a return.
"""
from __future__ import annotations

import errno
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from addin.core.errors import QmError

NAME_MAX_BYTES = 255        # ext4, XFS, APFS: bytes of one name; NTFS: 255 UTF-16 units
PATH_MAX_BYTES = 4096

KIND_ZH = {".xlsx": "Excel 工作簿", ".docx": "Word 文档", ".xlam": "Excel 加载项", ".json": "JSON 文件",
           ".pdf": "PDF 文件", ".txt": "文本文件", ".csv": "CSV 文件", ".xlsm": "启用宏的 Excel 工作簿",
           ".doc": "Word 文档", ".xls": "Excel 工作簿"}

_ERRNO_ZH = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "所在磁盘为只读（如写保护的U盘或光盘）",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有权限（文件可能被设为只读或正被其他程序占用）",
    errno.EISDIR: "该路径是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中的某一级是文件而不是文件夹",
    errno.EEXIST: "已有同名的文件占用了该位置",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EIO: "读写出错（磁盘或U盘可能已拔出或损坏）",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.EMFILE: "打开的文件过多",
    errno.EFBIG: "文件超过该磁盘允许的大小（如 FAT32 U盘单个文件不能超过 4 GB）",
    errno.ELOOP: "路径中的符号链接形成了循环",
    errno.ENXIO: "设备不存在（可能已拔出）",
}
if hasattr(errno, "EDQUOT"):
    _ERRNO_ZH[errno.EDQUOT] = "超出磁盘配额"


_READING_ZH = {errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限（文件可能正被其他程序独占）"}


def oserror_cause(exc: OSError, reading: bool = False) -> str:
    """The cause of an OSError in Chinese (errno first; the system's text only when unknown);
    ``reading``: the fault came while reading an input (permission to read, not to write)."""
    if reading and exc.errno in _READING_ZH:
        return _READING_ZH[exc.errno]
    if exc.errno in _ERRNO_ZH:
        return _ERRNO_ZH[exc.errno]
    return f"系统错误 {exc.errno}：{exc.strerror}" if exc.errno else f"{type(exc).__name__}"


def describe_oserror(exc: OSError, path: str | Path, doing: str = "写入") -> QmError:
    """A QmError for ``exc`` that names ``path`` (the user's path, not our temporary one)."""
    return QmError(f"无法{doing}“{path}”：{oserror_cause(exc)}", file=path)


def special_kind(path: Path) -> str | None:
    """'命名管道（FIFO）', '套接字', '设备文件' … for a path that exists but is neither file nor folder."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字（socket）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "特殊文件"


def describe_missing(path: Path) -> str:
    """Why ``path`` cannot be read as a file or folder, in Chinese (without the path)."""
    kind = special_kind(path)
    if kind:
        return f"是{kind}，不是普通文件，已跳过"
    if path.is_symlink():
        return "是失效的快捷方式（符号链接指向的文件不存在）"
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            # which part is missing helps with typos in long paths
            parent = path.parent
            if str(parent) not in ("", ".") and not parent.exists():
                return f"文件或目录不存在（文件夹“{parent}”不存在）"
            return "文件或目录不存在"
        return oserror_cause(exc)
    return "无法读取"


@dataclass(frozen=True)
class Output:
    """A path a command will write: a file of one of ``suffixes``, or a folder (``folder=True``)."""
    path: Path
    what: str                               # 校验结果工作簿, 汇总表, 标注副本目录 …
    suffixes: tuple[str, ...] = ()          # allowed suffixes of an output file (lower case)
    folder: bool = False
    kind: str | None = None                 # our marker's kind for a workbook we write (addin.infra.marker)
    files: tuple[Path, ...] = ()            # a folder output: the files it will write (checked like outputs)
    replaceable: Callable[[Path], bool] | None = None   # may this existing return (or our own output of
                                                        # ``kind``, e.g. a scoring workbook) be replaced?


def _key(p: Path) -> Path:
    try:
        return p.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(p))


def _same_file(a: Path, b: Path) -> bool:
    """The same file by another name: a symbolic or hard link, or another spelling of the path."""
    if _key(a) == _key(b):
        return True
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _too_long(p: Path) -> str | None:
    for part in p.parts:
        if len(part.encode("utf-8", "surrogateescape")) > NAME_MAX_BYTES or len(part.encode("utf-16-le", "surrogatepass")) > 2 * NAME_MAX_BYTES:
            short = part if len(part) <= 30 else part[:30] + "…"
            return f"名称“{short}”过长（{len(part)} 个字符、{len(part.encode('utf-8', 'surrogateescape'))} 字节，" \
                   f"文件系统允许 {NAME_MAX_BYTES} 字节，约 85 个汉字），请改用较短的名称"
    if len(str(_key(p)).encode("utf-8", "surrogateescape")) > PATH_MAX_BYTES:
        return "路径过长，请改用较短的目录"
    return None


def _is_return(path: Path) -> bool:
    """Whether ``path`` is a returned workbook (the template's hidden _meta sheet, and not one of
    our own outputs, which may carry a _meta sheet too: 汇总.xlsx), read cheaply."""
    from addin.infra.marker import own_output_kind

    if own_output_kind(path):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            head = zf.read("xl/workbook.xml")[:200_000]
    except Exception:
        return False
    return b'name="_meta"' in head


_MAGIC = {".xlsx": b"PK", ".xlsm": b"PK", ".xlam": b"PK", ".docx": b"PK"}


def _other_kind(path: Path, suffixes: tuple[str, ...]) -> str | None:
    """Why the existing file at ``path`` must not be replaced by a file of ``suffixes``, or None."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return None
    if not head:
        return None
    want = {_MAGIC.get(s) for s in suffixes}
    if None in want or head[:2] in want:
        if ".docx" in suffixes and head[:2] == b"PK":
            try:
                with zipfile.ZipFile(path) as zf:
                    if "xl/workbook.xml" in zf.namelist():
                        return "是一个 Excel 工作簿"
            except Exception:
                pass
        if any(s in (".xlsx", ".xlsm") for s in suffixes) and head[:2] == b"PK":
            try:
                with zipfile.ZipFile(path) as zf:
                    if "word/document.xml" in zf.namelist():
                        return "是一个 Word 文档"
            except Exception:
                pass
        return None
    return "内容不是" + "、".join(KIND_ZH.get(s, s) for s in suffixes)


def nearest_existing(p: Path) -> Path:
    p = Path(os.path.abspath(p))
    while not p.exists() and not p.is_symlink() and p != p.parent:
        p = p.parent
    return p


def check_output(out: Output, inputs: Iterable[Path] = ()) -> None:
    """Raise QmError if writing ``out`` would be a mistake (see the module's rules)."""
    p = Path(out.path)
    where = f"{out.what}“{p}”"
    long = _too_long(p)
    if long:
        raise QmError(f"{where}：{long}", file=p)
    inputs = [Path(i) for i in inputs]
    for i in inputs:
        if _same_file(p, i) and not (out.folder and i.is_dir()):
            raise QmError(f"{where}就是输入{'目录' if i.is_dir() else '文件'}，写入会毁掉它；请换一个输出位置"
                          "（输入不会被改动）", file=p)
    # a file somewhere in the path where a folder must be
    anc = nearest_existing(p if out.folder else p.parent)
    if anc.exists() and not anc.is_dir() and anc != Path(os.path.abspath(p)):
        raise QmError(f"无法写入{where}：“{anc}”是一个文件，不是文件夹", file=p)
    if out.folder:
        if p.exists() and not p.is_dir():
            kind = special_kind(p)
            raise QmError(f"{where}应是一个文件夹，但已有同名的{kind or '文件'}", file=p)
    else:
        if p.is_dir():
            raise QmError(f"{where}是一个已有的文件夹，不能写成文件；请指定文件名，如 {p / ('输出' + (out.suffixes[0] if out.suffixes else ''))}", file=p)
        kind = special_kind(p)
        if kind:
            raise QmError(f"{where}是{kind}，不能写成文件", file=p)
        if out.suffixes and p.suffix.lower() not in out.suffixes:
            want = "或".join(out.suffixes)
            raise QmError(f"{where}的扩展名应为 {want}（将写出{KIND_ZH.get(out.suffixes[0], out.suffixes[0])}），"
                          f"实为“{p.suffix or '无扩展名'}”；为免覆盖其他类型的文件，请改用 {p.stem or '输出'}{out.suffixes[0]}", file=p)
        if p.is_file():
            other = _other_kind(p, out.suffixes)
            if other:
                raise QmError(f"{where}已存在且{other}，不能用{KIND_ZH.get(out.suffixes[0], '输出')}覆盖；请换一个文件名", file=p)
            if any(s in (".xlsx", ".xlsm") for s in out.suffixes):
                _check_replaceable(p, where, out)
    for f in out.files:
        _check_file_in_folder(Path(f), out, inputs)
    _check_writable(p, where, out.folder)


def _check_replaceable(p: Path, where: str, out: Output) -> None:
    """An existing workbook at ``p`` may be replaced only by a workbook of its own kind: never a
    return (unless ``out.replaceable`` says so), never our output of another kind (a findings
    workbook over 汇总.xlsx, a summary over the judges' 评分工作簿)."""
    from addin.infra.marker import own_output_kind

    theirs = own_output_kind(p)
    if theirs is not None:
        if out.kind is not None and theirs != out.kind:
            raise QmError(f"{where}已存在且是本程序生成的{theirs}，不能用{out.what}覆盖；请换一个文件名", file=p)
        if out.kind is not None and out.replaceable and not out.replaceable(p):
            raise QmError(f"{where}已存在且评委已经填写（评委名单或评分），重新生成会丢掉已填的内容；"
                          "请换一个文件名，或先把已填的文件移走", file=p)
        return
    if _is_return(p) and not (out.replaceable and out.replaceable(p)):
        raise QmError(f"{where}已存在且是一份填报表，写入会覆盖它；请换一个文件名或输出目录", file=p)


def _check_file_in_folder(f: Path, out: Output, inputs: list[Path]) -> None:
    """One file a folder output will write: not an input, not a folder, not a return or another
    kind of our outputs."""
    where = f"{out.what}“{out.path}”中的“{f.name}”"
    long = _too_long(f)
    if long:
        raise QmError(f"{where}：{long}", file=f)
    for i in inputs:
        if _same_file(f, i):
            raise QmError(f"{where}就是输入文件，写入会毁掉它；请换一个输出目录（输入不会被改动）", file=f)
    if f.is_dir():
        raise QmError(f"{where}已是一个文件夹，不能写成文件；请换一个输出目录", file=f)
    if f.is_file() and f.suffix.lower() in (".xlsx", ".xlsm"):
        _check_replaceable(f, where, out)


def _check_writable(p: Path, where: str, folder: bool) -> None:
    """The nearest existing folder must take new files (read-only media, permissions)."""
    anc = nearest_existing(p if folder else p.parent)
    if not anc.is_dir():
        return
    if not os.access(anc, os.W_OK | os.X_OK):
        raise QmError(f"无法写入{where}：没有写入“{anc}”的权限（或该磁盘为只读）", file=p)
    try:
        st = os.statvfs(anc)
    except (OSError, AttributeError):
        return
    if st.f_flag & getattr(os, "ST_RDONLY", 1):
        raise QmError(f"无法写入{where}：{_ERRNO_ZH[errno.EROFS]}", file=p)


def check_input(path: str | Path, what: str, *, folder_ok: bool = False) -> Path:
    """An input path that must exist (as a file, or a folder when ``folder_ok``); QmError otherwise."""
    p = Path(path)
    long = _too_long(p)
    if long:
        raise QmError(f"{what}“{p}”：{long}", file=p)
    if p.is_file():
        return p
    if p.is_dir():
        if folder_ok:
            return p
        raise QmError(f"{what}“{p}”是一个文件夹，请指定其中的文件", file=p)
    why = describe_missing(p)
    if not folder_ok:
        why = why.replace("文件或目录不存在", "文件不存在")
    raise QmError(f"{what}“{p}”{why}", file=p)


def guard(inputs: Iterable[str | Path], outputs: Iterable[Output | None]) -> None:
    """Check every output against every input before any work (QmError, exit 2, on the first mistake).

    ``inputs``: the paths named on the command line *and* the files collected from folders.
    """
    ins = [Path(i) for i in inputs if i]
    outs = [o for o in outputs if o is not None]
    for o in outs:
        check_output(o, ins)
    seen: dict[Path, Output] = {}
    for o in outs:
        k = _key(Path(o.path))
        if k in seen:
            raise QmError(f"{o.what}与{seen[k].what}是同一个路径“{o.path}”，请分开指定", file=o.path)
        seen[k] = o
    from addin.infra.journal import note_new_path

    for o in outs:              # what a failed run must remove again (addin.infra.atomic.transaction)
        note_new_path(o.path, o.folder)
