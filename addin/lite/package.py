"""What ``qm addin lite -o DIR`` writes: the workbook's main.py, its requirements.txt, and a
pure-Python wheel of this project.

The wheel holds the ``addin`` and ``workbook_templates`` packages with their data files (rule
and campaign TOML, the contract), and declares no dependencies on purpose: the desktop
dependencies include compiled packages with no Pyodide build (python-calamine, isal), which
Pyodide's installer would try and fail to fetch, and what the Lite edition runs (the checks and
the QM_* functions) needs the standard library only. It is built here with zipfile (a wheel is a
zip with a ``.dist-info``), from the installed sources, so the build needs no network and no
setuptools run.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DIST_NAME = "zhiliangyue"
PACKAGES = ("addin", "workbook_templates")
_SKIP_DIRS = {"__pycache__"}
_SKIP_SUFFIXES = {".pyc", ".pyo", ".so", ".pyd", ".dll", ".dylib"}
_DATE = (2022, 9, 1, 0, 0, 0)     # fixed timestamps: the same sources give the same wheel
REQUIREMENTS_NAME = "requirements.txt"
MAIN_NAME = "main.py"


def project_version() -> str:
    try:
        return version(DIST_NAME)
    except PackageNotFoundError:   # running from a source tree
        return "0.1.0"


def wheel_name(ver: str | None = None) -> str:
    return f"{DIST_NAME}-{ver or project_version()}-py3-none-any.whl"


def _package_files(package: str) -> list[tuple[str, Path]]:
    root = Path(str(resources.files(package)))
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.suffix in _SKIP_SUFFIXES or name.startswith("."):
                continue
            out.append(((Path(package) / path.relative_to(root)).as_posix(), path))
    return out


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(out_dir: str | Path) -> Path:
    """The pure-Python wheel (``py3-none-any``) of this project in ``out_dir``."""
    ver = project_version()
    info = f"{DIST_NAME}-{ver}.dist-info"
    files: list[tuple[str, bytes]] = []
    for package in PACKAGES:
        files += [(arc, path.read_bytes()) for arc, path in _package_files(package)]
    metadata = (f"Metadata-Version: 2.1\nName: {DIST_NAME}\nVersion: {ver}\n"
                "Summary: 质量月助手（xlwings Lite 版：校验与工作表函数，纯 Python）\n"
                "Requires-Python: >=3.11\n")
    wheel = ("Wheel-Version: 1.0\nGenerator: zhiliangyue (addin.lite.package)\n"
             "Root-Is-Purelib: true\nTag: py3-none-any\n")
    files += [(f"{info}/METADATA", metadata.encode("utf-8")), (f"{info}/WHEEL", wheel.encode("utf-8")),
              (f"{info}/top_level.txt", "".join(p + "\n" for p in PACKAGES).encode())]
    record = "".join(_record_line(n, d) + "\n" for n, d in files) + f"{info}/RECORD,,\n"
    files.append((f"{info}/RECORD", record.encode("utf-8")))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            zi = zipfile.ZipInfo(name, date_time=_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, data)
    out = Path(out_dir) / wheel_name(ver)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".~{out.name}")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, out)
    return out


def main_source() -> str:
    """The workbook's main.py: :mod:`addin.lite.main`, verbatim."""
    return (Path(__file__).parent / "main.py").read_text("utf-8")


def requirements_text(wheel_url: str | None = None) -> str:
    """requirements.txt for xlwings Lite: xlwings (the version these decorators were written
    against) and, when the province hosts it, the project's wheel by URL."""
    import xlwings

    lines = ["# 质量月助手（xlwings Lite 版），由 qm addin lite 生成",
             f"xlwings=={xlwings.__version__}"]
    if wheel_url:
        lines.append(wheel_url.strip())
    else:
        lines += ["# 程序包：自治区把 zhiliangyue-*.whl 发布到网站后，在下一行填写其完整地址（https://…/zhiliangyue-…-py3-none-any.whl）；",
                  "# 未填写时，请在 xlwings Lite 的“Files → Import/Export”中导入该 .whl（保存在 /data），main.py 会从那里载入。"]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class LiteFiles:
    main: Path
    requirements: Path
    wheel: Path


def write_lite(out_dir: str | Path, wheel_url: str | None = None) -> LiteFiles:
    """``main.py``, ``requirements.txt`` and the wheel into ``out_dir`` (each written atomically)."""
    from addin.infra.atomic import atomic_path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in ((MAIN_NAME, main_source()), (REQUIREMENTS_NAME, requirements_text(wheel_url))):
        with atomic_path(out / name) as tmp:
            Path(tmp).write_text(text, "utf-8")
        written.append(out / name)
    return LiteFiles(written[0], written[1], build_wheel(out))
