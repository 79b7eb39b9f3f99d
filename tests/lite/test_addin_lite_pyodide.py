"""The xlwings Lite edition in a real Pyodide (the npm ``pyodide`` package under Node 20).

The project's pure-Python wheel (``qm addin lite``) is loaded into Pyodide's file system and
installed there; then 校验本表's check runs on the demo 北海市 return given as plain cell values
(the values an xlwings script reads from the open book) and must report exactly what ``qm
check`` reports for the file: the same codes, sheets, cells and messages. QM_JUDGE,
QM_CREDIT_CODE_CHECK and QM_ID_CHECK are evaluated there on a table of cases and must equal
CPython's results.

Needs Node and the ``pyodide`` npm package (``.ci/run`` installs it; the test installs it into
the repository's node_modules when npm is there). Without Node the test is skipped, unless
QM_REQUIRE_PYODIDE=1, which makes a missing runtime a failure (CI).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

ROOT = Path(__file__).resolve().parents[2]
TESTS = Path(__file__).resolve().parent
PYODIDE_VERSION = "314.0.8"      # keep in step with .ci/run
REQUIRED = os.environ.get("QM_REQUIRE_PYODIDE") == "1"


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"QM_REQUIRE_PYODIDE=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def pyodide_dir() -> Path:
    node = shutil.which("node")
    if not node:
        _unavailable("Node.js is not installed (the Pyodide test runs Pyodide under Node)")
    given = os.environ.get("QM_PYODIDE_DIR")
    folder = Path(given) if given else ROOT / "node_modules" / "pyodide"
    if not (folder / "pyodide.mjs").is_file() and not given:
        npm = shutil.which("npm")
        if npm:
            subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", f"pyodide@{PYODIDE_VERSION}"],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    if not (folder / "pyodide.mjs").is_file():
        _unavailable(f"the pyodide npm package is not installed at {folder} (npm install pyodide@{PYODIDE_VERSION})")
    return folder


def _encode(v):
    if isinstance(v, dt.datetime):
        return {"$dt": v.isoformat()}
    if isinstance(v, dt.date):
        return {"$dt": dt.datetime.combine(v, dt.time()).isoformat()}
    if isinstance(v, (list, tuple)):
        return [_encode(x) for x in v]
    return v


UDF_CASES = [
    ("QM_JUDGE", ["钢筋下屈服强度", "HRB400E", "432、445、428", "16"]),
    ("QM_JUDGE", ["钢筋下屈服强度", "HRB400E", "380、445、428", "16"]),
    ("QM_JUDGE", ["钢筋下屈服强度", "HRB400E", [[432.0], [445.0], [None], [428.0]], 16.0]),
    ("QM_JUDGE", ["板厚", None, "118、109、126、108、122、107、120、135、125、131", None, 120]),
    ("QM_JUDGE", ["混凝土回弹强度", "C30", "31.2、29.8、33.5、30.1、32.0", None, None]),
    ("QM_JUDGE", ["不存在的项目", None, "1"]),
    ("QM_JUDGE", ["钢筋下屈服强度", "HRB400E", None, "16"]),
    ("QM_JUDGE_MESSAGE", ["板厚", None, "118、109、126、108、122、107、120、135、125、131", None, 120]),
    ("QM_CREDIT_CODE_CHECK", ["914403001922038216"]),
    ("QM_CREDIT_CODE_CHECK", ["914403001922038217"]),
    ("QM_CREDIT_CODE_CHECK", ["９１４４０３００１９２２０３８２１６"]),
    ("QM_CREDIT_CODE_CHECK", ["91350100M000100Y43"]),
    ("QM_CREDIT_CODE_CHECK", [""]),
    ("QM_ID_CHECK", ["11010519491231002X"]),
    ("QM_ID_CHECK", ["110105194912310021"]),
    ("QM_ID_CHECK", ["11010519491331002X"]),
    ("QM_ID_CHECK", ["1101051949"]),
]


@pytest.fixture(scope="module")
def beihai(demo_dir) -> Path:
    (path,) = demo_dir.glob("*_北海市.xlsx")
    return path


@pytest.fixture(scope="module")
def pyodide_run(pyodide_dir, beihai, tmp_path_factory):
    """Run tests/pyodide_job.py in Pyodide on the 北海市 return's values and the UDF cases."""
    from addin.excel.bookcheck import book_values
    from addin.lite.package import build_wheel
    from tests.excel.test_addin_buttons import payload_from_xlsx, remote_book

    job = tmp_path_factory.mktemp("pyodide-job")
    wheel = build_wheel(job)
    shutil.copy(TESTS / "pyodide_job.py", job / "pyodide_job.py")
    # the values an xlwings script reads from the open book (xlwings' remote engine gives the same)
    data = book_values(remote_book(payload_from_xlsx(beihai)))
    (job / "in.json").write_text(json.dumps({
        "book": {"name": beihai.name, "sheets": {t: _encode(rows) for t, rows in data.items()}},
        "udfs": [[name, _encode(args)] for name, args in UDF_CASES],
    }, ensure_ascii=False), "utf-8")
    run = subprocess.run(["node", str(TESTS / "pyodide_runner.mjs"), str(pyodide_dir), str(job), "pyodide_job.py"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-4000:]
    return {"out": json.loads((job / "out.json").read_text("utf-8")), "data": data, "wheel": wheel}


def test_runs_in_pyodide_not_cpython(pyodide_run):
    out = pyodide_run["out"]
    assert out["platform"] == "emscripten"
    assert out["compiled"] == []            # nothing compiled or pandas-based was imported
    assert out["main"] == {"script": True, "judge_is_shared": True}   # the Lite main.py imports there


def test_validate_in_pyodide_equals_qm_check(pyodide_run, beihai, campaign, capsys):
    """校验本表's check in Pyodide: the codes and cells `qm check` reports for the same file."""
    from addin.cli.main import main
    from addin.checks.validate import validate_workbook
    from addin.core.findings import sort_key

    expected = sorted(validate_workbook(beihai, campaign), key=sort_key)
    got = pyodide_run["out"]["findings"]
    # the demo generator plants 北海's mistakes (judgment-mismatch + nonconforming-without-notice)
    assert {"judgment-mismatch", "nonconforming-without-notice"} <= {f[0] for f in got}
    assert got == [[f.code, f.severity, f.sheet, f.cell, f.message] for f in expected]
    # and `qm check` itself prints each of them with its cell
    capsys.readouterr()
    main(["check", str(beihai)])
    printed = capsys.readouterr().out
    for code, _sev, sheet, cell, message in got:
        assert message in printed and cell in printed


def test_qm_functions_in_pyodide_equal_cpython(pyodide_run):
    import addin.udfs as udfs

    results = pyodide_run["out"]["udfs"]
    assert [r[0] for r in results] == [name for name, _ in UDF_CASES]
    for (name, args), (_, _, got) in zip(UDF_CASES, results):
        assert got == getattr(udfs, name)(*args), (name, args)
    verdicts = {r[2] for r in results if r[0] == "QM_JUDGE"}
    assert any(v.startswith("合格（") for v in verdicts) and any(v.startswith("不合格（") for v in verdicts)
