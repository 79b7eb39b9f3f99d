"""The consolidated campaign in memory: what `qm consolidate` produces and documents consume.

Frames use the contract's column keys (see workbook_templates/contract.toml) plus the
provenance columns below; the per-city statistics use STAT_COLUMNS. The 汇总.xlsx workbook
is this object written out with Chinese titles, and load_consolidated() reads it back.
"""
from __future__ import annotations

import datetime as dt
from enum import StrEnum
from dataclasses import dataclass, field

import pandas as pd

from addin.campaign.settings import Campaign

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

# Per-city statistics (sheet 概况): key -> Chinese title.
STAT_COLUMNS = {
    "city": "城市",
    "city_code": "行政区划代码",
    "status": "报送情况",              # 已报送 / 逾期报送 / 未报送
    "fill_date": "填报日期",
    "publicity_events": "宣传活动（场次）",
    "publicity_participants": "宣传参与人数",
    "publicity_items": "发布信息（条）",
    "tours_events": "观摩活动（场次）",
    "tours_participants": "观摩参加人数",
    "manual_demo": "手册示范企业和项目",
    "manual_compiled": "已编制企业手册",
    "manual_in_inspection": "手册纳入检查",
    "videos": "微视频作品",
    "quiz_participants": "知识竞赛人数",
    "spot_projects": "抽测工程（个）",
    "spot_items": "抽测项次",
    "spot_pass": "复核合格项次",
    "spot_fail": "复核不合格项次",
    "spot_recheck": "需复检项次",
    "spot_pass_rate": "抽测合格率",
    "notices": "整改通知书（份）",
    "cases_filed": "立案查处（起）",
    "exposures": "曝光问题工程",
    "complaints": "受理投诉（件）",
    "complaints_verified": "核查属实（件）",
    "rewards_paid": "发放奖励（件）",
    "reward_total": "奖励金额（元）",
    "appraisals": "安全鉴定（栋）",
    "appraisal_a": "A级",
    "appraisal_b": "B级",
    "appraisal_c": "C级",
    "appraisal_d": "D级",
    "agencies": "鉴定机构（家）",
    "bad_records": "不良行为记录",
    "errors": "校验错误",
    "warnings": "校验警告",
}


class SubmissionStatus(StrEnum):
    """What consolidation did with one returned file (the 来源 sheet's 处理 column)."""
    USED = "采用"
    DUPLICATE = "重复（未采用）"        # an older return of a city that returned again
    UNREADABLE = "无法读取"


class CityStatus(StrEnum):
    """Whether a campaign city returned (the 概况 sheet's 报送情况 column)."""
    SUBMITTED = "已报送"
    LATE = "逾期报送"
    MISSING = "未报送"


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

    def totals(self) -> dict[str, float]:
        """Province-wide totals of the numeric statistics."""
        numeric = self.stats.select_dtypes("number")
        out = {k: float(v) for k, v in numeric.sum().items()}
        judged = out.get("spot_pass", 0) + out.get("spot_fail", 0)
        out["spot_pass_rate"] = out.get("spot_pass", 0) / judged if judged else float("nan")
        return out
