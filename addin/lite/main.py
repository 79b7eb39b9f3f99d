"""质量月助手（xlwings Lite 版）：填报工作簿中 xlwings Lite 的 main.py。

本文件由 ``qm addin lite`` 原样写出，请勿在工作簿中修改；更新时由自治区重新下发。
- 工作表函数：=QM.QM_JUDGE(...)、=QM.QM_CREDIT_CODE_CHECK(...)、=QM.QM_ID_CHECK(...) 等，
  与桌面加载项的 QM_* 函数是同一套代码；
- 按钮（xlwings Lite 任务窗格中的脚本）：校验本表。

(English, for maintainers) The workbook's main.py for xlwings Lite. The project itself comes from
the pure-Python wheel named in requirements.txt; where the province does not host it, the clerk
imports the wheel through xlwings Lite's Files > Import/Export (it lands in /data) and this file
unpacks it into site-packages before importing. Lite registers every function in this module's
namespace that carries xlwings' decorator metadata, so importing the decorated ``QM_*``
functions is what makes them worksheet functions.
"""
from __future__ import annotations

import xlwings as xw
from xlwings import script

WHEEL_GLOB = "/data/zhiliangyue-*.whl"


def _install_wheel_from_data() -> None:
    """Unpack the newest project wheel found in /data into site-packages (a wheel is a zip)."""
    import glob
    import importlib
    import site
    import zipfile

    wheels = sorted(glob.glob(WHEEL_GLOB))
    if not wheels:
        raise ImportError("找不到质量月助手程序包：请在 requirements.txt 中填写自治区发布的 .whl 地址，"
                          "或在 xlwings Lite 的“Files → Import/Export”中导入 zhiliangyue-*.whl 后点“Restart”。")
    with zipfile.ZipFile(wheels[-1]) as whl:
        whl.extractall(site.getsitepackages()[0])
    importlib.invalidate_caches()


try:
    import addin.lite.app as _app
except ModuleNotFoundError:
    _install_wheel_from_data()
    import addin.lite.app as _app

# the worksheet functions: the desktop add-in's own QM_* functions (namespace QM in Lite)
from addin.udfs import (  # noqa: E402,F401
    QM_CREDIT_CODE_CHECK, QM_DATE, QM_ID_CHECK, QM_JUDGE, QM_JUDGE_MESSAGE, QM_NUMBER, QM_REWARD,
    QM_TRIMMED_MEAN, QM_WEIGHTED_TOTAL,
)


@script(name="校验本表")
def validate_book(book: xw.Book):
    """按填报规范和国家标准校验当前填报表：问题清单写入“校验结果”表，有问题的单元格标色（红色为错误，黄色为警告）并加批注。与自治区汇总时的校验一致。"""
    _app.validate_book(book)
