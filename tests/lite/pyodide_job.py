"""Runs INSIDE Pyodide (tests/lite/test_addin_lite_pyodide.py): install the project's pure-Python
wheel the way a wheel is installed (unpacked into site-packages), then run the Lite edition's
check and worksheet functions on the inputs in /job/in.json; results to /job/out.json.

The npm ``pyodide`` package carries the standard library only (packages such as pandas come
from a CDN this test does not reach), and xlwings Lite brings its own ``xlwings``: a stand-in
with no-op decorators takes its place here, which is all the Lite main.py needs to import.
"""
import datetime as dt
import glob
import importlib
import json
import site
import sys
import types
import zipfile

with zipfile.ZipFile(glob.glob("/job/zhiliangyue-*-py3-none-any.whl")[0]) as whl:
    whl.extractall(site.getsitepackages()[0])
importlib.invalidate_caches()


def _decorator(*args, **kwargs):
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f


xw = types.ModuleType("xlwings")
xw.func = xw.script = xw.arg = xw.ret = _decorator
xw.Book = object
sys.modules["xlwings"] = xw


def decode(v):
    if isinstance(v, dict) and "$dt" in v:
        return dt.datetime.fromisoformat(v["$dt"])
    if isinstance(v, list):
        return [decode(x) for x in v]
    return v


job = json.load(open("/job/in.json", encoding="utf-8"))
out = {"python": sys.version, "platform": sys.platform}

from addin.excel.bookcheck import check_values  # noqa: E402

data = {title: decode(rows) for title, rows in job["book"]["sheets"].items()}
out["findings"] = [[f.code, f.severity, f.sheet, f.cell, f.message] for f in check_values(data, job["book"]["name"])]

import addin.udfs as udfs  # noqa: E402

out["udfs"] = [[name, args, getattr(udfs, name)(*decode(args))] for name, args in job["udfs"]]

import addin.lite.main as lite_main  # noqa: E402   (the workbook's main.py imports here)

out["main"] = {"script": callable(lite_main.validate_book), "judge_is_shared": lite_main.QM_JUDGE is udfs.QM_JUDGE}
out["compiled"] = sorted(m for m in ("pandas", "numpy", "python_calamine", "isal", "openpyxl", "lxml") if m in sys.modules)
with open("/job/out.json", "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False)
