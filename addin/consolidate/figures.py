"""The figures ledger: every figure a document prints, defined once, with its Chinese 口径.

Why: the same number used to be computed in four places (the consolidation's statistics, the
report's own list, …) and drifted — a report counted 示范企业 rows as firms that compiled a
manual, rows of 曝光 as projects, 广告屏 as an online channel, and printed a reward total that
the roster contradicted. Here each figure is one :class:`Figure` (key, name, unit, 口径) and one
computation. The per-city figures (sheet 概况 of 汇总.xlsx) are computed in the consolidation
workers by :func:`city_figures`; documents never recount them, they read 概况 (through
:class:`Ledger`) and format the values. Figures that are not per-city sums (breakdowns, the batch
trace, what the cities' 基本信息 says, the reward roster's computed amounts) are computed by
:class:`Ledger` from the consolidated frames, with the same predicates.

How values with an error-level finding are treated (stated in each 口径 where it matters):
a row is counted as a record even when one of its cells has an error (the error is listed in
校验问题); a cell the validator could not use keeps the typed text and is never counted as a
valid value — it is not summed, not counted in a category, and is reported separately where a
document breaks a figure down.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable, Sequence

import pandas as pd

from addin.campaign.rewards import PENDING, VERIFIED, cents, decide
from addin.consolidate.status import CityStatus

PASS, FAIL, RECHECK = "合格", "不合格", "需复检"
DEMO_KINDS = ("示范企业", "示范项目")
FIRM_MANUAL_KINDS = ("企业手册（施工）", "企业手册（监理）")
# 广告屏 (outdoor screens) is not an online channel: the notice lists it among 媒体和宣传工具
ONLINE_CHANNELS = ("官方网站", "微信公众号", "短视频")
PUBLICITY_FORMS = ("专题讲座", "学习培训", "宣传资料", "悬挂标语", "咨询活动", "线上宣传", "其他")
PUBLICITY_CHANNELS = ("官方网站", "微信公众号", "短视频", "广告屏", "报刊", "现场", "其他")
NC_STATUS = ("已复查合格", "已整改", "整改中", "未整改")


@dataclass(frozen=True)
class Figure:
    key: str
    name: str          # Chinese name: the 概况 column title and the label in 统计口径说明
    unit: str
    basis: str         # 口径: what is counted, which rows, distinct by what, what is excluded and why


def _f(key: str, name: str, unit: str, basis: str) -> Figure:
    return Figure(key, name, unit, basis)


# Per-city figures: computed for each used return; the province total is their sum (each is
# additive: anything distinct is distinct within a city, and project/firm names carry the city).
CITY_FIGURES: tuple[Figure, ...] = (
    _f("publicity_events", "宣传活动（场次）", "场", "“宣传宣讲”表的记录行数，一行为一场；有校验错误的行也计入（错误见校验问题）"),
    _f("publicity_participants", "宣传参与人数", "人次", "“宣传宣讲”表“参与人数”之和；空白或填写错误的不计入"),
    _f("publicity_items", "发布信息（条）", "条", "“宣传宣讲”表“发布信息条数”之和；空白或填写错误的不计入"),
    _f("publicity_online", "线上宣传（场次）", "场",
       "“宣传宣讲”表中宣传渠道为官方网站、微信公众号或短视频的行数；广告屏、报刊、现场不属于线上渠道，不计入"),
    _f("tours_events", "观摩活动（场次）", "场", "“观摩交流”表的记录行数"),
    _f("tours_participants", "观摩参加人数", "人次", "“观摩交流”表“参加人数”之和；空白或填写错误的不计入"),
    _f("manual_demo", "手册示范企业和项目", "个", "“质量安全手册”表中类别为示范企业或示范项目的行数"),
    _f("manual_firms", "督促编制手册企业（家）", "家",
       "“质量安全手册”表中类别为企业手册（施工）或企业手册（监理）的行数（每行一家企业）；示范企业、示范项目不计入"),
    _f("manual_compiled", "已编制企业手册（家）", "家",
       "类别为企业手册（施工）或企业手册（监理）且“已编制企业手册”为是的行数；示范企业、示范项目不计入"),
    _f("manual_in_inspection", "手册纳入检查", "个（家）", "“质量安全手册”表中“纳入检查”为是的行数（各类别合计）"),
    _f("videos", "微视频作品", "件", "“微视频作品”表的记录行数"),
    _f("quiz_participants", "知识竞赛人数", "人", "“知识竞赛”表的记录行数（疑似重复行已在校验中提示，仍计入）"),
    _f("spot_projects", "抽测工程（个）", "个", "“监督抽测”表中不同工程名称的个数"),
    _f("spot_items", "抽测项次", "项次", "“监督抽测”表的记录行数，一行为一项次"),
    _f("spot_pass", "复核合格项次", "项次", "按规则库对实测值复核判定为合格的行数（不采用各市填写的判定）"),
    _f("spot_fail", "复核不合格项次", "项次", "按规则库复核判定为不合格的行数"),
    _f("spot_recheck", "需复检项次", "项次", "按规则库复核判定为需复检的行数（不计入合格率）"),
    _f("spot_unjudged", "无法复核项次", "项次",
       "无法按规则库复核判定的行数（检测项目不在规则库中、实测值无法读取等，均有校验错误），计入抽测项次，不计入合格率"),
    _f("notices", "整改通知书（份）", "份", "“监督抽测”表中不同的整改通知书编号个数（空白不计）"),
    _f("cases_filed", "立案查处（起）", "起", "“立案查处”为是的行按“工程名称＋施工单位”去重后的个数，同一工程同一施工单位计一起"),
    _f("exposures", "曝光问题工程（个）", "个", "“典型问题曝光”表中不同工程名称的个数；同一工程曝光多个问题计一个"),
    _f("exposure_items", "曝光问题（条）", "条", "“典型问题曝光”表的记录行数，一行为一个问题"),
    _f("exposure_cited", "注明规范条文的曝光问题（条）", "条", "“典型问题曝光”表中“违反的规范名称”和“具体条文”都已填写的行数"),
    _f("complaints", "受理投诉（件）", "件", "“质量投诉”表的记录行数"),
    _f("complaints_real", "实名投诉（件）", "件", "“质量投诉”表中“是否实名”为是的行数"),
    _f("complaints_verified", "核查属实（件）", "件", "核查结果为属实或部分属实的行数"),
    _f("complaints_pending", "核查中（件）", "件", "核查结果为核查中的行数"),
    _f("rewards_paid", "已发放奖励（件）", "件",
       "实名投诉中填报奖励金额大于0的行数（各市填报的实际发放）；非实名投诉填报的奖励属校验错误，不计入"),
    _f("reward_total", "已发放奖励金额（元）", "元",
       "上述各行填报奖励金额之和（各市填报的实际发放，保留两位小数）；与按奖励规则核算的应发金额不同，后者见投诉奖励名册"),
    _f("appraisals", "安全鉴定（栋）", "栋", "“自建房安全鉴定”表的记录行数，一行为一栋"),
    _f("appraisal_a", "A级", "栋", "鉴定等级为A级的行数"),
    _f("appraisal_b", "B级", "栋", "鉴定等级为B级的行数"),
    _f("appraisal_c", "C级", "栋", "鉴定等级为C级的行数"),
    _f("appraisal_d", "D级", "栋", "鉴定等级为D级的行数"),
    _f("appraisal_cd_handled", "C级D级已采取措施（栋）", "栋", "C级、D级中处理措施已填且不是“无需处理”的行数"),
    _f("appraisal_unqualified", "资质资格不符（栋）", "栋", "鉴定机构资质或鉴定人员资格为“不具备”的行数"),
    _f("agencies", "鉴定机构（家）", "家", "“自建房安全鉴定”表中不同鉴定机构名称的个数"),
    _f("bad_records", "不良行为记录", "条", "“认定不良行为记录”为是的行数"),
)
CITY_KEYS = tuple(f.key for f in CITY_FIGURES)
MONEY_KEYS = ("reward_total",)

# Figures computed by the Ledger (not columns of 概况).
DERIVED_FIGURES: tuple[Figure, ...] = (
    _f("cities", "设区市", "个", "活动设置中的城市个数"),
    _f("cities_reported", "已报送的市", "个", "有采用的报送文件的城市个数（含逾期报送）；同一城市多次报送只采用填报日期最新的一份"),
    _f("cities_late", "逾期报送的市", "个", "采用的报送文件填报日期晚于报送截止日期的城市个数"),
    _f("cities_missing", "未报送的市", "个", "没有可用报送文件的城市个数"),
    _f("spot_pass_rate", "抽测合格率", "", "复核合格项次÷（复核合格项次＋复核不合格项次）；需复检和无法复核的项次不计入"),
    _f("publicity_by_form", "宣传活动按形式", "场",
       "按“形式”分列的行数；形式不在规定选项内的（校验错误）不计入任何一类，单列为“形式填写不规范”"),
    _f("publicity_form_invalid", "形式填写不规范的宣传活动", "场", "“形式”不在规定选项内的行数（校验报错），计入宣传活动总场次"),
    _f("tour_methods", "推广的工艺工法", "项", "“观摩交流”表“推广的工艺工法”按顿号、逗号拆分后不同名称的个数"),
    _f("quiz_online", "线上竞赛成绩", "人次", "“知识竞赛”表中线上成绩已填的行数"),
    _f("quiz_offline", "线下竞赛成绩", "人次", "“知识竞赛”表中线下成绩已填的行数"),
    _f("people_total", "活动参与人次", "人次", "宣传参与人数＋观摩参加人数＋知识竞赛人数"),
    # the knowledge contest's item analysis (qm quiz mark's 成绩.xlsx, given to qm report --quiz-marks);
    # the 口径 are printed in 统计口径说明: Chinese only, no command names
    _f("quiz_papers_marked", "知识竞赛阅卷份数", "份",
       "知识竞赛阅卷的答卷份数：线下答题卡和线上导出中有作答、试卷版本可识别的行数之和（没有作答的行按缺考不计；"
       "同一人重复的答卷都计入试题分析，成绩只采用第一份）；与各市填报的知识竞赛人数分别统计"),
    _f("quiz_weak_categories", "知识竞赛正确率最低的分类", "",
       "各分类的正确率 = 该分类各题作答中得满分的份数 ÷ 作答份数（作答份数 = 阅卷份数 × 该分类在试卷上的题数；"
       "未答、无效答案和多选题少选均不算得满分），按正确率从低到高取前几个（个数在活动设置的知识竞赛组卷设置中规定，默认 3 个）"),
    _f("quiz_weak_clauses", "知识竞赛正确率最低的条文", "",
       "按试题所注依据（法律法规条文或标准编号及条款）分组，正确率的算法同上，按正确率从低到高取前几个"),
    _f("nc_items", "不合格项次", "项次",
       "复核判定为不合格的行；无法复核而各市填写为不合格的行也列入（见不合格清单）"),
    _f("nc_projects", "不合格项涉及工程", "个", "不合格项中不同工程名称的个数"),
    _f("nc_contractors", "不合格项涉及施工单位", "家", "不合格项中不同施工单位名称的个数"),
    _f("nc_no_notice", "未填整改通知书编号的不合格项", "项次", "不合格项中整改通知书编号为空的行数"),
    _f("nc_by_status", "不合格项按整改状态", "项次", "不合格项按“整改状态”分列；未填的单列"),
    _f("trace_makers", "不合格建筑材料生产厂家", "家", "不合格项中填有生产厂家和批号的建筑材料，不同生产厂家的个数（名称去空格、全角转半角后比较）"),
    _f("trace_batches", "不合格建筑材料批次", "个", "上述不合格项中不同“生产厂家＋批号”的个数"),
    _f("trace_shared_batches", "其他工地也使用的不合格批次", "个", "在不合格工地以外的工地也有抽测记录的不合格批次个数"),
    _f("trace_other_sites", "使用同批次不合格产品的其他工地", "个",
       "使用了不合格批次、但本身不是该批次不合格工地的工程（按“城市＋工程名称”去重）；不合格工地本身不计入"),
    _f("plans_made", "制定工作方案的市", "个", "已报送城市中“基本信息”表“工作方案制定情况”为已制定的城市个数"),
    _f("plans_with_doc", "工作方案填有文号的市", "个", "制定了工作方案且填写了工作方案文号的城市个数"),
    _f("complaint_officers", "明确投诉处理专人的市", "个", "已报送城市中“基本信息”表“投诉处理专人”已填写的城市个数"),
    _f("reward_roster", "按规则核算的投诉奖励", "元",
       "投诉奖励名册的核算：每件实名投诉一笔随机红包（按名册顺序以公开的随机种子生成），核查属实（含部分属实）"
       "且填有问题等级的实名投诉另加按等级的额外奖励；非实名投诉不发放。核算金额与各市填报的已发放金额不同时，两者并列说明"),
)
FIGURES: dict[str, Figure] = {f.key: f for f in CITY_FIGURES + DERIVED_FIGURES}


# -- per-city figures (consolidation workers) --------------------------------------------------
def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) and not (
        isinstance(x, float) and math.isnan(x)) else None


def _text(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NaT or x is pd.NA:
        return ""
    return str(x).strip()


def _yes(x: Any) -> bool:
    return _text(x) == "是"


def city_figures(column: Callable[[str, str], Sequence[Any]], nrows: Callable[[str], int]) -> dict[str, Any]:
    """One city's figures (CITY_KEYS) from its rows: ``column(sheet, key)`` gives a column's values
    (validated values; a value the validator could not use is the typed text), ``nrows(sheet)``
    the sheet's row count."""
    def count(sheet: str, key: str, accept) -> int:
        return sum(1 for x in column(sheet, key) if accept(x))

    def total(sheet: str, key: str) -> float:
        return sum(n for n in map(_num, column(sheet, key)) if n is not None)

    def distinct(sheet: str, *keys: str) -> int:
        cols = [column(sheet, k) for k in keys]
        return len({tuple(_text(v) for v in vals) for vals in zip(*cols) if all(_text(v) for v in vals)})

    judged = [_text(x) for x in column("spotcheck", "judgment")]
    kinds = column("manual", "kind")
    compiled = column("manual", "compiled")
    real = column("complaints", "real_name")
    reward = column("complaints", "reward")
    paid = [n for r, x in zip(real, reward) if _yes(r) and (n := _num(x)) is not None and n > 0]
    grades = [_text(x) for x in column("appraisal", "grade")]
    measures = [_text(x) for x in column("appraisal", "measure")]
    unqualified = sum(1 for a, b in zip(column("appraisal", "agency_qual"), column("appraisal", "appraiser_qual"))
                      if _text(a) == "不具备" or _text(b) == "不具备")
    cases = [(p, c) for p, c, y in zip(column("spotcheck", "project"), column("spotcheck", "contractor"),
                                       column("spotcheck", "case_filed")) if _yes(y)]
    out = {
        "publicity_events": nrows("publicity"),
        "publicity_participants": total("publicity", "participants"),
        "publicity_items": total("publicity", "items"),
        "publicity_online": count("publicity", "channel", lambda x: _text(x) in ONLINE_CHANNELS),
        "tours_events": nrows("tours"),
        "tours_participants": total("tours", "participants"),
        "manual_demo": count("manual", "kind", lambda x: _text(x) in DEMO_KINDS),
        "manual_firms": count("manual", "kind", lambda x: _text(x) in FIRM_MANUAL_KINDS),
        "manual_compiled": sum(1 for k, y in zip(kinds, compiled) if _text(k) in FIRM_MANUAL_KINDS and _yes(y)),
        "manual_in_inspection": count("manual", "in_inspection", _yes),
        "videos": nrows("videos"),
        "quiz_participants": nrows("quiz"),
        "spot_projects": distinct("spotcheck", "project"),
        "spot_items": len(judged),
        "spot_pass": judged.count(PASS),
        "spot_fail": judged.count(FAIL),
        "spot_recheck": judged.count(RECHECK),
        "spot_unjudged": sum(1 for j in judged if j not in (PASS, FAIL, RECHECK)),
        "notices": distinct("spotcheck", "notice_no"),
        "cases_filed": len({(_text(p), _text(c)) for p, c in cases}),
        "exposures": distinct("exposure", "project"),
        "exposure_items": nrows("exposure"),
        "exposure_cited": sum(1 for s, c in zip(column("exposure", "standard"), column("exposure", "clause"))
                              if _text(s) and _text(c)),
        "complaints": nrows("complaints"),
        "complaints_real": count("complaints", "real_name", _yes),
        "complaints_verified": count("complaints", "verified", lambda x: _text(x) in VERIFIED),
        "complaints_pending": count("complaints", "verified", lambda x: _text(x) == PENDING),
        "rewards_paid": len(paid),
        "reward_total": round(sum(paid), 2),
        "appraisals": nrows("appraisal"),
        "appraisal_a": grades.count("A级"),
        "appraisal_b": grades.count("B级"),
        "appraisal_c": grades.count("C级"),
        "appraisal_d": grades.count("D级"),
        "appraisal_cd_handled": sum(1 for g, m in zip(grades, measures) if g in ("C级", "D级") and m not in ("", "无需处理")),
        "appraisal_unqualified": unqualified,
        "agencies": distinct("appraisal", "agency"),
        "bad_records": count("appraisal", "bad_record", _yes),
    }
    return out


def frame_figures(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """city_figures over DataFrames (one city's rows or all cities' rows)."""
    def column(sheet: str, key: str) -> list:
        df = frames.get(sheet)
        if df is None or key not in df.columns:
            return [None] * (0 if df is None else len(df))
        return df[key].tolist()

    return city_figures(column, lambda s: 0 if frames.get(s) is None else len(frames[s]))


# -- the reward roster's computed amounts ----------------------------------------------------
def default_seed(campaign) -> int:
    """The roster's default random seed: the first 8 hex digits of sha256(campaign id)."""
    return int(hashlib.sha256(str(campaign.id).encode("utf-8")).hexdigest()[:8], 16)


def roster_rows(campaign, complaints: pd.DataFrame, seed: int | None = None) -> tuple[int, list[dict]]:
    """(seed, rows) of the reward roster: one row per complaint ordered by (city code, complaint
    number, source row); a random envelope for each real-name complaint (drawn in that order with
    random.Random(seed), uniform between rewards.random_min and random_max, rounded to the fen), an
    extra reward by level for a real-name complaint verified 属实/部分属实 with a level."""
    from addin.core.privacy import mask_name, mask_phone

    seed = default_seed(campaign) if seed is None else int(seed)
    rules = campaign.reward_rules
    lo, hi = float(rules.random_min), float(rules.random_max)
    df = complaints.copy() if complaints is not None else pd.DataFrame()
    for col in ("no", "real_name", "complainant", "phone", "verified", "level", "reward", "city", "city_code", "source_row"):
        if col not in df.columns:
            df[col] = None
    order = {c.code: i for i, c in enumerate(campaign.cities)}
    df = df.assign(_k=[order.get(_text(c), len(order)) for c in df["city_code"]],
                   _n=[_text(x) for x in df["no"]], _r=[_num(x) or 0 for x in df["source_row"]])
    df = df.sort_values(["_k", "_n", "_r"], kind="stable")
    rng = random.Random(seed)
    rows = []
    for i, r in enumerate(df.to_dict("records"), 1):
        real = _yes(r.get("real_name"))
        verified, level = _text(r.get("verified")), _text(r.get("level"))
        decision = decide(rules, real, verified, level)      # the reward rule (addin.campaign.rewards)
        envelope = cents(rng.uniform(lo, hi)) if decision.envelope else Decimal("0.00")
        extra, note = decision.extra, decision.note
        rows.append({
            "seq": i, "city": _text(r.get("city")), "city_code": _text(r.get("city_code")), "no": _text(r.get("no")),
            "complainant": mask_name(r.get("complainant")) if real else "匿名", "phone": mask_phone(r.get("phone")),
            "real_name": real, "verified": verified, "level": level,
            "random": float(envelope), "extra": float(extra), "total": float(envelope + extra),
            "reported": _num(r.get("reward")) or 0.0, "note": note,
        })
    return seed, rows


@dataclass(frozen=True)
class RosterTotals:
    seed: int
    complaints: int
    envelopes: int
    envelope_total: Decimal
    extras: int
    extra_total: Decimal
    total: Decimal


def roster_totals(seed: int, rows: list[dict]) -> RosterTotals:
    env = [r for r in rows if r["real_name"]]
    ext = [r for r in rows if r["extra"] > 0]
    se = sum((Decimal(str(r["random"])) for r in rows), Decimal("0.00"))
    sx = sum((Decimal(str(r["extra"])) for r in rows), Decimal("0.00"))
    return RosterTotals(seed, len(rows), len(env), se, len(ext), sx, se + sx)


# -- the ledger documents read ----------------------------------------------------------------
def region_word(campaign) -> str:
    """全区 / 全省 / 全市: the campaign's setting ([report] region_word), else from the province's
    name (``campaign`` may also be that name)."""
    if isinstance(campaign, str):
        province = campaign
    else:
        word = getattr(campaign, "region_word", "") or ""
        if word:
            return word
        province = campaign.province
    if province.endswith("自治区"):
        return "全区"
    if province.endswith("市"):
        return "全市"
    return "全省"


def norm_key(x: Any) -> str:
    from addin.core.normalize import to_halfwidth

    return "".join(to_halfwidth(_text(x)).split()).upper()


@dataclass
class BatchFinding:
    manufacturer: str
    batch: str
    failed_at: list[tuple[str, str]]        # (city, project) where the batch failed
    used_at: list[tuple[str, str]]          # (city, project) other sites that used it


class Ledger:
    """The figures of one scope (the province, or one city) of a consolidated campaign.

    ``ledger[key]`` is a figure's value; every key read is remembered (``used``) so a document can
    list the 口径 of exactly the figures it printed.
    """

    def __init__(self, c, city: str | None = None):
        self.c, self.city = c, city
        self.campaign = c.campaign
        self.used: list[str] = []
        self._values: dict[str, Any] = {}
        self._compute()

    def __getitem__(self, key: str) -> Any:
        if key not in FIGURES:
            raise KeyError(key)
        if key not in self.used:
            self.used.append(key)
        return self._values.get(key)

    def value(self, key: str) -> Any:
        """A figure's value without recording it as printed (for listing the figures used)."""
        return self._values.get(key)

    def figures_used(self) -> list[Figure]:
        return [FIGURES[k] for k in self.used]

    # -- internals ------------------------------------------------------------------------
    def frame(self, key: str) -> pd.DataFrame:
        df = (self.c.frames or {}).get(key)
        df = pd.DataFrame() if df is None else df
        if self.city and not df.empty and "city" in df.columns:
            df = df[df["city"] == self.city]
        return df

    def _stats_rows(self) -> pd.DataFrame:
        st = self.c.stats
        if self.city:
            st = st[st["city"] == self.city]
        return st

    def _compute(self) -> None:
        v = self._values
        st = self._stats_rows()
        for k in CITY_KEYS:
            if k in st.columns:
                vals = pd.to_numeric(st[k], errors="coerce").fillna(0)
                v[k] = round(float(vals.sum()), 2) if k in MONEY_KEYS else int(round(float(vals.sum())))
            else:
                v[k] = 0
        judged = v["spot_pass"] + v["spot_fail"]
        v["spot_pass_rate"] = v["spot_pass"] / judged if judged else float("nan")
        camp = self.campaign
        missing, late = list(self.c.missing_cities), list(self.c.late_cities)
        v["cities"] = len(camp.cities)
        v["cities_missing"] = len(missing)
        v["cities_late"] = len(late)
        v["cities_reported"] = len(camp.cities) - len(missing)
        v["people_total"] = v["publicity_participants"] + v["tours_participants"] + v["quiz_participants"]

        pub = self.frame("publicity")
        forms = [_text(x) for x in (pub["form"] if "form" in pub else [])]
        v["publicity_by_form"] = [(f, forms.count(f)) for f in PUBLICITY_FORMS if forms.count(f)]
        invalid = [f for f in forms if f not in PUBLICITY_FORMS]
        v["publicity_form_invalid"] = len(invalid)
        tours = self.frame("tours")
        methods = [_text(m) for m in (tours["methods"] if "methods" in tours else []) if _text(m)]
        items = sorted({x.strip() for m in methods for x in m.replace("，", "、").replace(",", "、").split("、") if x.strip()})
        v["tour_methods"] = items
        quiz = self.frame("quiz")
        v["quiz_online"] = sum(1 for x in (quiz["online"] if "online" in quiz else []) if _num(x) is not None)
        v["quiz_offline"] = sum(1 for x in (quiz["offline"] if "offline" in quiz else []) if _num(x) is not None)

        nc = self.c.nonconforming if self.c.nonconforming is not None else pd.DataFrame()
        if self.city and not nc.empty and "city" in nc.columns:
            nc = nc[nc["city"] == self.city]
        self.nc = nc
        v["nc_items"] = len(nc)
        v["nc_projects"] = len({_text(x) for x in nc["project"]} - {""}) if "project" in nc else 0
        v["nc_contractors"] = len({_text(x) for x in nc["contractor"]} - {""}) if "contractor" in nc else 0
        v["nc_no_notice"] = sum(1 for x in nc["notice_no"] if not _text(x)) if "notice_no" in nc else len(nc)
        status = [_text(x) for x in (nc["status"] if "status" in nc else [""] * len(nc))]
        v["nc_by_status"] = [(s, status.count(s)) for s in NC_STATUS if status.count(s)] + (
            [("未填报整改状态", status.count(""))] if status.count("") else [])

        self.batches = self._batches(nc)
        bad_keys = self._bad_keys(nc)
        v["trace_makers"] = len({k.split("|", 1)[0] for k in bad_keys})
        v["trace_batches"] = len(bad_keys)
        shared = [b for b in self.batches if b.used_at]
        v["trace_shared_batches"] = len(shared)
        v["trace_other_sites"] = len({s for b in shared for s in b.used_at})

        info = self.info()
        reported = info[info["status"] != CityStatus.MISSING] if "status" in info.columns else info
        made = reported[reported["plan_status"].map(_text) == "已制定"] if "plan_status" in reported else reported.iloc[0:0]
        v["plans_made"] = len(made)
        self.plan_docs = [(_text(r["city"]), _text(r["plan_doc"])) for _, r in made.iterrows() if _text(r.get("plan_doc"))]
        v["plans_with_doc"] = len(self.plan_docs)
        v["complaint_officers"] = int(sum(bool(_text(x)) for x in reported["complaint_officer"])) \
            if "complaint_officer" in reported else 0
        seed, rows = roster_rows(camp, self.frame("complaints"))
        self.roster = roster_totals(seed, rows)
        v["reward_roster"] = self.roster

    def add_quiz_analysis(self, weakest) -> None:
        """Take the knowledge contest's item analysis (addin.contest.analysis.Weakest, read from the
        marking output by read_weakest) as the figures quiz_papers_marked, quiz_weak_categories and
        quiz_weak_clauses: (name, rate, questions, responses) lowest rate first. Without it these
        figures are None and a document leaves the paragraph out."""
        self._values["quiz_papers_marked"] = int(weakest.papers)
        self._values["quiz_weak_categories"] = [tuple(x) for x in weakest.categories]
        self._values["quiz_weak_clauses"] = [tuple(x) for x in weakest.clauses]

    def info(self) -> pd.DataFrame:
        info = getattr(self.c, "info", None)
        info = pd.DataFrame() if info is None else info
        if self.city and not info.empty and "city" in info.columns:
            info = info[info["city"] == self.city]
        return info

    @staticmethod
    def _material_bad(nc: pd.DataFrame) -> bool:
        return not nc.empty and {"manufacturer", "batch"} <= set(nc.columns)

    def _bad_keys(self, nc: pd.DataFrame) -> set[str]:
        if not self._material_bad(nc):
            return set()
        return {f"{norm_key(m)}|{norm_key(b)}" for m, b in zip(nc["manufacturer"], nc["batch"])
                if norm_key(m) and norm_key(b)}

    def _batches(self, nc: pd.DataFrame) -> list[BatchFinding]:
        """Each non-conforming batch in scope with where it failed and the other sites that used it.

        In a city's scope: the batches that failed in the city, and the batches that failed
        elsewhere and were used in the city."""
        trace = self.c.batch_trace if self.c.batch_trace is not None else pd.DataFrame()
        if trace.empty or not {"manufacturer", "batch", "city", "project", "judgment"} <= set(trace.columns):
            return []
        keys = [f"{norm_key(m)}|{norm_key(b)}" for m, b in zip(trace["manufacturer"], trace["batch"])]
        out = []
        for key, g in trace.assign(_key=keys).groupby("_key", sort=True):
            failed = [(_text(r["city"]), _text(r["project"])) for _, r in g.iterrows() if _text(r["judgment"]) == FAIL]
            if not failed:
                continue
            failed = list(dict.fromkeys(failed))
            used = list(dict.fromkeys((_text(r["city"]), _text(r["project"])) for _, r in g.iterrows()
                                      if (_text(r["city"]), _text(r["project"])) not in failed))
            if self.city and not any(c == self.city for c, _ in failed + used):
                continue
            first = g.iloc[0]
            out.append(BatchFinding(_text(first["manufacturer"]), _text(first["batch"]), failed, used))
        return out


def ledger(c, city: str | None = None) -> Ledger:
    return Ledger(c, city)


def info_rows(campaign, subs_info: Iterable[tuple[str, str, str, dict]]) -> pd.DataFrame:
    """The 基本信息 sheet: one row per campaign city (status, then what its used return's 基本信息 says).
    ``subs_info``: (city code, status, source file, info dict) for each city with a used return."""
    got = {code: (status, src, info) for code, status, src, info in subs_info}
    rows = []
    for city in campaign.cities:
        status, src, info = got.get(city.code, (CityStatus.MISSING, "", {}))
        row = {"city": city.name, "city_code": city.code, "status": status}
        for k in INFO_COLUMNS:
            if k not in row:
                val = info.get(k)
                row[k] = val if not isinstance(val, dt.datetime) else val.date()
        row["source_file"] = src or None
        rows.append(row)
    return pd.DataFrame(rows, columns=list(INFO_COLUMNS))


INFO_COLUMNS = {
    "city": "城市", "city_code": "行政区划代码", "status": "报送情况", "unit": "填报单位", "contact": "联系人",
    "phone": "联系电话", "fill_date": "填报日期", "plan_status": "工作方案制定情况", "plan_doc": "工作方案文号",
    "complaint_officer": "投诉处理专人", "complaint_officer_phone": "投诉处理专人电话", "source_file": "来源文件",
}
