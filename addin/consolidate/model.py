"""The consolidated campaign in memory: what `qm consolidate` produces and documents consume.

Frames use the contract's column keys (see workbook_templates/contract.toml) plus the
provenance columns below; the per-city statistics use STAT_COLUMNS. The 汇总.xlsx workbook
is this object written out with Chinese titles, and load_consolidated() reads it back.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from addin.campaign.settings import Campaign
from addin.consolidate.status import CityStatus, SubmissionStatus  # noqa: F401  (re-exported)
from addin.consolidate.figures import CITY_FIGURES, CITY_KEYS, INFO_COLUMNS  # noqa: F401  (INFO_COLUMNS: the 基本信息 sheet)

# Added to every activity frame.
PROVENANCE = {
    "city": "城市",
    "city_code": "行政区划代码",
    "source_file": "来源文件",
    "source_row": "来源行号",
}
# Added to the spot-check frame by the validator's judgment.
JUDGMENT = {
    "judgment": "复核判定",
    "basis": "判定依据",
    "judgment_message": "复核说明",
}

# Per-city statistics (sheet 概况): key -> Chinese title. The figures and their 口径 are defined
# once, in addin.consolidate.figures (the ledger); here they are only laid out as columns.
STAT_COLUMNS = {
    "city": "城市",
    "city_code": "行政区划代码",
    "status": "报送情况",              # 已报送 / 逾期报送 / 未报送
    "fill_date": "填报日期",
    **{f.key: f.name for f in CITY_FIGURES[:CITY_KEYS.index("spot_unjudged") + 1]},
    "spot_pass_rate": "抽测合格率",
    **{f.key: f.name for f in CITY_FIGURES[CITY_KEYS.index("spot_unjudged") + 1:]},
    "errors": "校验错误",
    "warnings": "校验警告",
}


@dataclass
class Submission:
    """One returned file as the consolidation saw it."""
    file: str
    city: str
    city_code: str
    fill_date: dt.date | None
    mtime: dt.datetime | None
    sha256: str
    template_version: str
    rows: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    status: str = SubmissionStatus.USED
    late: bool = False
    note: str = ""


@dataclass
class Consolidated:
    campaign: Campaign
    frames: dict[str, pd.DataFrame]          # activity sheet key -> rows of all cities
    stats: pd.DataFrame                      # one row per campaign city, STAT_COLUMNS keys
    findings: pd.DataFrame                   # Finding.as_dict() rows
    submissions: list[Submission]
    missing_cities: list[str]
    late_cities: list[str]
    duplicate_files: list[str]
    nonconforming: pd.DataFrame              # spot-check rows whose computed judgment is 不合格
    batch_trace: pd.DataFrame                # non-conforming manufacturer+batch and every site using it
    info: pd.DataFrame = field(default_factory=pd.DataFrame)   # 基本信息: one row per campaign city (INFO_COLUMNS)

    def totals(self) -> dict[str, float]:
        """Province-wide totals of the numeric statistics."""
        numeric = self.stats.select_dtypes("number")
        out = {k: float(v) for k, v in numeric.sum().items()}
        judged = out.get("spot_pass", 0) + out.get("spot_fail", 0)
        out["spot_pass_rate"] = out.get("spot_pass", 0) / judged if judged else float("nan")
        return out
