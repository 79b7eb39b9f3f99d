"""Findings: the stable taxonomy of everything the validator and the consolidator report.

Like frictionless' errors: a small set of stable codes, each with a default severity and a
Chinese name, and a precise location (file, sheet, cell, column title) on every finding.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

ERROR, WARNING, INFO = "错误", "警告", "提示"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

# code -> (default severity, Chinese name)
CODES: dict[str, tuple[str, str]] = {
    # the file as a whole
    "unreadable-file": (ERROR, "文件无法读取"),
    "unsupported-format": (ERROR, "文件格式不支持"),
    "encrypted-file": (ERROR, "文件已加密"),
    "template-mismatch": (ERROR, "非标准填报表"),
    "unsafe-file": (ERROR, "文件不安全"),
    "file-too-large": (ERROR, "文件过大"),
    "read-timeout": (ERROR, "读取超时"),
    "read-crashed": (ERROR, "读取进程异常退出"),
    "legacy-format": (WARNING, "非 .xlsx 格式"),
    "macro-ignored": (INFO, "含宏（未运行）"),
    "schema-version": (WARNING, "模板版本不一致"),
    "sheet-renamed": (WARNING, "工作表被改名"),
    "extra-sheet": (INFO, "多余的工作表"),
    "stray-cells": (WARNING, "远离数据区的单元格"),
    "header-moved": (WARNING, "表头位置变动"),
    "merged-cells": (WARNING, "数据区有合并单元格"),
    "cell-error": (ERROR, "单元格为错误值"),
    "formula-no-value": (WARNING, "公式无计算结果"),
    "text-too-long": (WARNING, "文本过长"),
    "missing-sheet": (ERROR, "缺少工作表"),
    "missing-column": (ERROR, "缺少列"),
    "unknown-column": (INFO, "多余的列"),
    "city-mismatch": (ERROR, "城市不一致"),
    # one cell
    "missing-required": (ERROR, "必填项未填"),
    "type-error": (ERROR, "格式错误"),
    "not-in-choices": (ERROR, "不在可选范围"),
    "out-of-range": (ERROR, "数值超出范围"),
    "date-outside-campaign": (WARNING, "日期不在活动期间"),
    "date-implausible": (ERROR, "日期明显有误"),
    "invalid-credit-code": (WARNING, "统一社会信用代码校验不通过"),
    "invalid-id-number": (ERROR, "身份证号校验不通过"),
    # one row
    "duplicate-row": (WARNING, "重复记录"),
    "judgment-mismatch": (ERROR, "判定与标准复核不一致"),
    "judgment-no-rule": (WARNING, "无适用判定规则"),
    "judgment-insufficient": (WARNING, "判定数据不足"),
    "nonconforming-without-notice": (ERROR, "不合格项未下发整改通知"),
    "deadline-before-issue": (ERROR, "整改期限早于下发日期"),
    "appraisal-no-measure": (ERROR, "C/D级房屋未采取处理措施"),
    "appraisal-unqualified-no-record": (WARNING, "无资质/资格鉴定未认定不良行为"),
    "complaint-verified-without-level": (ERROR, "属实投诉未定问题等级"),
    "complaint-reward-without-real-name": (ERROR, "非实名投诉发放奖励"),
    "complaint-closed-before-received": (ERROR, "办结日期早于受理日期"),
    # the batch
    "late-submission": (WARNING, "逾期报送"),
    "duplicate-submission": (WARNING, "重复报送"),
    "identity-conflict": (ERROR, "身份冲突（未采用）"),
    "missing-city": (WARNING, "未报送"),
}

# codes that mean the file was refused: nothing in it was read
REFUSED = frozenset({
    "unreadable-file", "unsupported-format", "encrypted-file", "template-mismatch",
    "unsafe-file", "file-too-large", "read-timeout", "read-crashed",
})


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    column: str = ""
    basis: str = ""
    value: str = ""
    severity: str = ""

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unknown finding code {self.code!r}")
        if not self.severity:
            object.__setattr__(self, "severity", CODES[self.code][0])

    @property
    def name(self) -> str:
        return CODES[self.code][1]

    @property
    def location(self) -> str:
        parts = [p for p in (self.sheet, self.cell) if p]
        return "!".join(parts) if parts else ""

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["name"] = self.name
        return d


_CELL_RE = re.compile(r"^[$]?([A-Za-z]{1,3})[$]?(\d+)$")   # openpyxl's COORD_RE (no openpyxl here: Pyodide)


def sort_key(f: Finding) -> tuple:
    row = col = 0
    m = _CELL_RE.match(f.cell) if f.cell else None
    if m and int(m.group(2)):
        letters, row = m.group(1), int(m.group(2))
        col = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(letters)))
    return (f.file, f.sheet, row, col, SEVERITY_ORDER.get(f.severity, 9), f.code)


def count_by_severity(findings) -> dict[str, int]:
    out = {ERROR: 0, WARNING: 0, INFO: 0}
    for f in findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out
