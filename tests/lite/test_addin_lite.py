"""The xlwings Lite edition under CPython: what `qm addin lite` writes, the pure-Python wheel,
and the 校验本表 script driven through xlwings' remote engine like the desktop button.
(tests/lite/test_addin_lite_pyodide.py runs the same code in a real Pyodide.)"""
from __future__ import annotations

import base64
import hashlib
import importlib
import os
import re
import zipfile
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import addin.excel.buttons as b  # noqa: E402
from addin.cli.main import main  # noqa: E402
from addin.lite import package  # noqa: E402
from tests.excel.test_addin_buttons import actions, alerts, bad_rows, payload_from_xlsx, remote_book, _sheet  # noqa: E402,F401
from tests.filling import GOOD_INFO, make_return  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def test_qm_addin_lite_writes_main_requirements_and_wheel(tmp_path, capsys):
    import xlwings

    out = tmp_path / "lite"
    assert main(["addin", "lite", "-o", str(out)]) == 0
    assert (out / "main.py").read_text("utf-8") == (ROOT / "addin" / "lite" / "main.py").read_text("utf-8")
    req = [line for line in (out / "requirements.txt").read_text("utf-8").splitlines() if not line.startswith("#")]
    assert req == [f"xlwings=={xlwings.__version__}"]
    assert (out / package.wheel_name()).is_file()
    assert "已生成 xlwings Lite 版" in capsys.readouterr().out
    url = "https://zjt.example.gov.cn/qm/" + package.wheel_name()
    assert main(["addin", "lite", "-o", str(out), "--wheel-url", url]) == 0
    req = [line for line in (out / "requirements.txt").read_text("utf-8").splitlines() if not line.startswith("#")]
    assert req == [f"xlwings=={xlwings.__version__}", url]
    (tmp_path / "file").write_text("x")
    assert main(["addin", "lite", "-o", str(tmp_path / "file")]) == 2


def test_the_wheel_is_pure_python_and_complete(tmp_path):
    whl = package.build_wheel(tmp_path)
    assert re.fullmatch(r"zhiliangyue-[\d.]+-py3-none-any\.whl", whl.name)
    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/WHEEL"))
        wheel_meta = z.read(f"{info}/WHEEL").decode()
        metadata = z.read(f"{info}/METADATA").decode()
        record = z.read(f"{info}/RECORD").decode().splitlines()
        # every file is listed in RECORD with its sha256 and size (what installers check)
        for line in record:
            name, digest, size = line.rsplit(",", 2)
            if name.endswith("RECORD"):
                continue
            data = z.read(name)
            assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert int(size) == len(data)
        assert len(record) == len(names)
    assert "Root-Is-Purelib: true" in wheel_meta and "Tag: py3-none-any" in wheel_meta
    assert "Requires-Dist" not in metadata       # no compiled desktop dependency for Pyodide to fetch
    assert not [n for n in names if n.endswith((".so", ".pyd", ".dll", ".dylib", ".pyc"))]
    # every module and data file of the two packages, nothing else
    for pkg in package.PACKAGES:
        for path in (ROOT / pkg).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".toml", ".xlsx"):
                assert path.relative_to(ROOT).as_posix() in names, path
    assert {n.split("/")[0] for n in names} == {*package.PACKAGES, info}
    assert package.build_wheel(tmp_path / "again").read_bytes() == whl.read_bytes()   # reproducible


def _lite_main():
    """The workbook's main.py as CPython imports it (xlwings' decorators are no-ops off Windows)."""
    return importlib.import_module("addin.lite.main")


def _strip(acts):
    out = []
    for a in acts:
        a = dict(a)
        if a["func"] == "setValues" and isinstance(a["values"][0][0], str) and a["values"][0][0].startswith("校验结果（"):
            a["values"] = [[re.sub(r"（[^）]*）", "（时间）", a["values"][0][0], count=1)]]
        out.append(a)
    return out


def test_lite_script_does_what_the_desktop_button_does(tmp_path, campaign, contract):
    ret = make_return(tmp_path / "南宁市质量月填报表.xlsx", campaign, contract, info=GOOD_INFO, rows=bad_rows())
    lite = _lite_main()
    assert lite.QM_JUDGE is importlib.import_module("addin.udfs").QM_JUDGE
    desktop_book = remote_book(payload_from_xlsx(ret))
    b.validate_book(desktop_book)
    lite_book = remote_book(payload_from_xlsx(ret))
    assert lite.validate_book(lite_book) is None
    assert _strip(lite_book.json()["actions"]) == _strip(desktop_book.json()["actions"])
    (text, mode), = alerts(lite_book)
    assert mode == "info" and "校验完成" in text and "标色" in text


def test_lite_script_refuses_a_foreign_workbook_with_a_message():
    import xlwings as xw

    payload = {"client": "Office.js", "version": xw.__version__, "book": {"name": "随便.xlsx", "active_sheet_index": 0},
               "names": [], "sheets": [_sheet("Sheet1", [["工程名称"], ["某工程"]])]}
    book = remote_book(payload)
    _lite_main().validate_book(book)
    (text, mode), = alerts(book)
    assert mode == "critical" and text.startswith("校验本表未完成：") and "不是本活动下发的标准填报表" in text


def test_lite_main_loads_the_wheel_from_data_when_not_installed(tmp_path, monkeypatch):
    """Without the wheel in requirements.txt, main.py unpacks /data/zhiliangyue-*.whl (a zip)."""
    lite = _lite_main()
    whl = package.build_wheel(tmp_path / "data")
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    monkeypatch.setattr(lite, "WHEEL_GLOB", str(tmp_path / "data" / "zhiliangyue-*.whl"))
    import site

    monkeypatch.setattr(site, "getsitepackages", lambda: [str(site_dir)])
    lite._install_wheel_from_data()
    assert (site_dir / "addin" / "lite" / "app.py").is_file() and whl.is_file()
    monkeypatch.setattr(lite, "WHEEL_GLOB", str(tmp_path / "nothing" / "*.whl"))
    with pytest.raises(ImportError, match="Import/Export"):
        lite._install_wheel_from_data()


def test_pip_builds_the_same_pure_python_wheel(tmp_path):
    """`pip wheel --no-deps` of the project gives a py3-none-any wheel with no compiled file, and
    the Lite wheel carries exactly its addin/ and workbook_templates/ files (same bytes); only the
    metadata differs: the Lite wheel declares no dependencies."""
    import shutil
    import subprocess
    import sys

    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for pkg in ("addin", "workbook_templates", "docgen", "macros"):
        shutil.copytree(ROOT / pkg, src / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(src)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    (pip_whl,) = (tmp_path / "dist").glob("*.whl")
    assert pip_whl.name.endswith("-py3-none-any.whl")
    ours = package.build_wheel(tmp_path / "lite")
    with zipfile.ZipFile(pip_whl) as p, zipfile.ZipFile(ours) as o:
        assert not [n for n in p.namelist() if n.endswith((".so", ".pyd", ".dll", ".dylib"))]
        mine = {n: o.read(n) for n in o.namelist() if ".dist-info/" not in n}
        theirs = {n: p.read(n) for n in p.namelist() if n.split("/")[0] in package.PACKAGES}
        assert mine == theirs
        requires = [line for line in p.read(next(n for n in p.namelist() if n.endswith("METADATA"))).decode().splitlines()
                    if line.startswith("Requires-Dist") and "extra ==" not in line]
        assert any("python-calamine" in r for r in requires)    # the desktop wheel's deps: why Lite has its own metadata
