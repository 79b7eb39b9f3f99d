"""The contest settings, typed: the micro-video rules (``[contest]``) and the knowledge-contest
rules (``[knowledge]``) of a campaign, parsed and checked once, with every default in one place
(the dataclass fields below). ``Campaign.contest_rules`` / ``Campaign.quiz_rules`` give them;
the scoring functions (addin.contest.scoring) and the worksheet functions use those."""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Any, Mapping, Sequence

from addin.core.errors import SettingsError
from addin.core.exact import exact as _exact
from addin.core.exact import percent as _pct
from addin.core.exact import short as _fmt
from addin.core.normalize import clean_text

__all__ = ["Criterion", "ContestRules", "QuizRules", "PaperRules", "TIEBREAKS", "ROUNDING", "QUESTION_TYPES",
           "MARKING_MODES", "contest_rules", "quiz_rules", "paper_rules", "quota_counts", "default"]


TRIM_MIN_JUDGES = 5   # one highest and one lowest score are dropped from this many valid scores on


def _text(v: Any) -> str:
    return clean_text(v) or ""


def default(cls, name: str) -> Any:
    """The default of field ``name`` of settings class ``cls``: the one home of each default."""
    return next(f.default for f in fields(cls) if f.name == name)


# -- settings ---------------------------------------------------------------------
@dataclass(frozen=True)
class Criterion:
    name: str
    weight: Fraction
    max: Fraction

    @property
    def header(self) -> str:
        return f"{self.name}（满分{_fmt(self.max)}）"


# name -> Chinese statement; "criterion:<名称>" is also accepted.
TIEBREAKS = {
    "first_criterion": "第一项指标（{first}）的截尾平均分较高者列前",
    "fewer_dropped": "去掉的最高分、最低分个数较少者列前",
    "more_judges": "计入的评委人数较多者列前",
    "higher_min_total": "计入的评委得分中最低分较高者列前",
}
ROUNDING = {"ceil": "向上取整", "floor": "向下取整", "round": "四舍五入"}


@dataclass(frozen=True)
class ContestRules:
    criteria: tuple[Criterion, ...]
    trim_min_judges: int = TRIM_MIN_JUDGES
    award_quota: tuple[tuple[str, Fraction], ...] = ()
    award_rounding: str = "ceil"
    award_thresholds: tuple[tuple[str, Fraction], ...] = ()
    tiebreak: tuple[str, ...] = ("first_criterion", "fewer_dropped")
    recusal: tuple[str, ...] = ("city",)
    every_judge_scores_all: bool = True
    decimals: int = 2

    @property
    def full_marks(self) -> Fraction:
        return sum((c.weight * c.max for c in self.criteria), Fraction(0))

    def describe(self, n: int | None = None) -> list[str]:
        """The rules in Chinese, one statement a line; ``n`` ranked entries give the award places."""
        crit_text = "、".join(f"{c.name}（权重{_pct(c.weight)}，满分{_fmt(c.max)}）" for c in self.criteria)
        recusal = "、".join({"city": "同一城市", "unit": "同一单位"}[x] for x in self.recusal)
        lines = [
            f"评分指标：{crit_text}。每位评委对每件作品的得分 = Σ（指标得分 × 权重），满分 {_fmt(self.full_marks)} 分。",
            f"回避：评委不评{recusal}的作品；应回避而评出的分数不计入，并列入“回避与问题”。" if self.recusal else "不设回避。",
            "缺评分、非数值或超出满分的评分不按 0 分计：该评委对该作品的得分整体不计入，并列入“回避与问题”。",
            f"每件作品的有效评分达到 {self.trim_min_judges} 个及以上的，去掉一个最高分和一个最低分，取其余评分的算术平均；"
            f"不足 {self.trim_min_judges} 个的，取全部有效评分的算术平均，不去分。",
            f"计算全程保留全部精度，最终得分四舍五入保留 {self.decimals} 位小数，只在最后取舍一次；排名按未取舍的得分。",
            "平均分相同时依次比较：" + "；".join(f"{i}. {t}" for i, t in enumerate(self.tiebreak_text(), 1)) +
            "。仍相同的名次并列（如 1、2、2、4）。",
        ]
        if self.award_thresholds:
            lines.append(f"奖项按分数线评定（以保留 {self.decimals} 位小数后的最终得分为准）：" +
                         "；".join(f"{name} ≥ {_fmt(lo)} 分" for name, lo in self.award_thresholds) + "。")
        else:
            if n is None:
                how = "、".join(f"{name} {_pct(share)}" for name, share in self.award_quota) + \
                      f"（名额 = 参与排名的作品数 × 比例，{ROUNDING[self.award_rounding]}）"
            else:
                how = f"以参与排名的 {n} 件作品计，" + "；".join(
                    f"{name}：{text}" for name, _, text in quota_counts(self, n))
            lines.append(f"奖项按名额比例评定：{how}。依名次依次评定，名次并列的作品获同一奖项，多占的名额从下一等次中扣减。")
        if self.every_judge_scores_all:
            lines.append("每位评委应评所有无需回避的作品，缺评的列入“回避与问题”。")
        return lines

    def tiebreak_text(self) -> list[str]:
        out = []
        for name in self.tiebreak:
            if name.startswith("criterion:"):
                out.append(f"指标“{name.split(':', 1)[1]}”的截尾平均分较高者列前")
            else:
                out.append(TIEBREAKS[name].format(first=self.criteria[0].name))
        return out


# question types of the knowledge-contest bank (single choice, multiple choice, true/false)
SINGLE, MULTIPLE, TRUE_FALSE = "单选", "多选", "判断"
QUESTION_TYPES = (SINGLE, MULTIPLE, TRUE_FALSE)
MARKING_MODES = {"all_or_nothing": "多选题全部选对得满分，错选、漏选均不得分",
                 "partial": "多选题全部选对得满分；少选且无错选的得该题分值的 {share}；有错选的不得分"}


@dataclass(frozen=True)
class PaperRules:
    """The knowledge contest's bank, papers and marking (``[knowledge.paper]``): every default here."""
    categories: tuple[str, ...] = ("法律法规", "钢筋", "混凝土", "结构尺寸", "电线电缆", "砌体", "房屋安全鉴定", "公文与程序")
    # share of a paper's questions by category, and within a category by difficulty
    category_shares: tuple[tuple[str, Fraction], ...] = (
        ("法律法规", Fraction(1, 5)), ("钢筋", Fraction(1, 5)), ("混凝土", Fraction(1, 10)),
        ("结构尺寸", Fraction(3, 20)), ("电线电缆", Fraction(1, 10)), ("砌体", Fraction(1, 20)),
        ("房屋安全鉴定", Fraction(1, 10)), ("公文与程序", Fraction(1, 10)))
    difficulties: tuple[str, ...] = ("易", "中", "难")
    difficulty_shares: tuple[tuple[str, Fraction], ...] = (("易", Fraction(3, 10)), ("中", Fraction(1, 2)),
                                                          ("难", Fraction(1, 5)))
    n_questions: int = 50
    variants: int = 2
    minutes: int = 60
    points: tuple[tuple[str, Fraction], ...] = ((SINGLE, Fraction(2)), (MULTIPLE, Fraction(3)), (TRUE_FALSE, Fraction(1)))
    multiple_choice: str = "all_or_nothing"
    partial_share: Fraction = Fraction(1, 2)
    # catalog rule id prefix -> category of the questions generated from that rule
    rule_categories: tuple[tuple[str, str], ...] = (
        ("rebar.", "钢筋"), ("gb50204.", "结构尺寸"), ("jgj23.", "混凝土"), ("gb3956.", "电线电缆"),
        ("gb50203.", "砌体"))
    # questions are generated only from catalog rules of these confidences (C: confirmed)
    generate_confidence: tuple[str, ...] = ("C",)
    discrimination_share: Fraction = Fraction(27, 100)   # upper and lower groups of the item analysis
    weakest_n: int = 3

    def points_of(self, qtype: str) -> Fraction:
        return dict(self.points)[qtype]

    def category_of_rule(self, rule_id: str) -> str | None:
        for prefix, cat in self.rule_categories:
            if rule_id.startswith(prefix):
                return cat
        return None

    def marking_text(self) -> str:
        return MARKING_MODES[self.multiple_choice].format(share=_pct(self.partial_share))


@dataclass(frozen=True)
class QuizRules:
    online_weight: Fraction
    offline_weight: Fraction
    max_score: Fraction = Fraction(100)
    city_top_n: int = 10
    missing_part_as_zero: bool = False
    city_short: str = "zero"
    decimals: int = 2
    publish_top_n: int = 10
    paper: PaperRules = field(default_factory=PaperRules)

    def summary(self) -> str:
        """One sentence for published results."""
        n = self.city_top_n
        return (f"个人总成绩 = 线上成绩 × {_pct(self.online_weight)} + 线下成绩 × {_pct(self.offline_weight)}；"
                f"各市成绩为该市个人总成绩前 {n} 名的平均分"
                + (f"（不足 {n} 人的缺额按 0 分计）。" if self.city_short == "zero" else "（不足的按实际人数平均）。"))

    def describe(self) -> list[str]:
        n = self.city_top_n
        short = (f"不足 {n} 人的，缺额按 0 分计（即前 {n} 名成绩之和除以 {n}）" if self.city_short == "zero"
                 else f"不足 {n} 人的，按实际人数平均")
        return [
            f"个人总成绩 = 线上成绩 × {_pct(self.online_weight)} + 线下成绩 × {_pct(self.offline_weight)}"
            f"（每部分满分 {_fmt(self.max_score)} 分）。",
            "缺少线上或线下成绩的，" + ("该部分按 0 分计（按活动设置），并列入“回避与问题”。" if self.missing_part_as_zero
                                    else "不按 0 分计，该参赛人不参与排名，并列入“回避与问题”。"),
            f"计算全程保留全部精度，总成绩四舍五入保留 {self.decimals} 位小数；排名按未取舍的成绩。",
            "个人排名按总成绩从高到低；总成绩相同的，用时较少者列前（未填用时的排在后）；仍相同的名次并列。",
            f"城市排名按该市个人总成绩前 {n} 名的平均分从高到低；{short}。平均分相同的，参赛人数多者列前；仍相同的名次并列。"
            "同时列出各市参赛人数和有效成绩人数。",
        ]


def _bad(where: str, text: str) -> SettingsError:
    return SettingsError(f"活动设置 [{where}]：{text}")


def _setting_num(d: Mapping, key: str, where: str, default: Any = None) -> Fraction:
    if key not in d and default is not None:
        return _exact(default)
    if key not in d:
        raise _bad(where, f"缺少 {key}")
    try:
        return _exact(d[key])
    except (TypeError, ValueError):
        raise _bad(where, f"{key} 应为数值，实为“{d[key]}”") from None


def _weights_sum_to_one(weights: Sequence[Fraction], where: str, names: str) -> None:
    total = sum(weights, Fraction(0))
    if total != 1:
        raise _bad(where, f"{names}的权重之和应为 1，实为 {_fmt(total)}")


def contest_rules(settings: Mapping[str, Any] | ContestRules) -> ContestRules:
    """The micro-video rules from ``campaign.contest``; SettingsError (Chinese) if unusable."""
    if isinstance(settings, ContestRules):
        return settings
    w = "contest"
    raw = settings.get("criteria") or []
    if not raw:
        raise _bad(w, "未设置评分指标（[[contest.criteria]]）")
    crits = []
    for i, c in enumerate(raw, 1):
        name = _text(c.get("name"))
        if not name:
            raise _bad(w, f"第 {i} 项评分指标缺少名称")
        weight = _setting_num(c, "weight", w)
        mx = _setting_num(c, "max", w)
        if weight < 0 or mx <= 0:
            raise _bad(w, f"指标“{name}”的权重不能为负、满分须大于 0")
        crits.append(Criterion(name, weight, mx))
    if len({c.name for c in crits}) != len(crits):
        raise _bad(w, "评分指标名称重复")
    _weights_sum_to_one([c.weight for c in crits], w, "评分指标")
    min_judges = int(settings.get("trim_min_judges", default(ContestRules, "trim_min_judges")))
    if min_judges < 3:
        raise _bad(w, "trim_min_judges 至少为 3（去掉最高分和最低分后须仍有评分）")
    quota = tuple((_text(q.get("name")), _setting_num(q, "share", w))
                  for q in settings.get("award_quota", default(ContestRules, "award_quota")))
    if any(not n or s <= 0 for n, s in quota) or sum((s for _, s in quota), Fraction(0)) > 1:
        raise _bad(w, "award_quota 每项须有奖项名称和大于 0 的比例，比例之和不超过 1")
    rounding = str(settings.get("award_rounding", default(ContestRules, "award_rounding")))
    if rounding not in ROUNDING:
        raise _bad(w, f"award_rounding 应为 ceil、floor 或 round，实为“{rounding}”")
    thresholds = tuple((_text(t.get("name")), _setting_num(t, "min", w))
                       for t in settings.get("award_thresholds", default(ContestRules, "award_thresholds")))
    if any(not n for n, _ in thresholds) or [m for _, m in thresholds] != sorted((m for _, m in thresholds), reverse=True):
        raise _bad(w, "award_thresholds 每项须有奖项名称，分数线须从高到低排列")
    if not quota and not thresholds:
        raise _bad(w, "须设置 award_quota（名额比例）或 award_thresholds（分数线）")
    tiebreak = tuple(str(t) for t in settings.get("tiebreak", default(ContestRules, "tiebreak")))
    names = {c.name for c in crits}
    for t in tiebreak:
        if t.startswith("criterion:") and t.split(":", 1)[1] in names:
            continue
        if t not in TIEBREAKS:
            raise _bad(w, f"无法识别的同分规则“{t}”，可选：{'、'.join(TIEBREAKS)}、criterion:<指标名称>")
    recusal = tuple(str(r) for r in settings.get("recusal", default(ContestRules, "recusal")))
    if any(r not in ("city", "unit") for r in recusal):
        raise _bad(w, "recusal 只能包含 city（同城市回避）和 unit（同单位回避）")
    decimals = int(settings.get("decimals", default(ContestRules, "decimals")))
    if not 0 <= decimals <= 6:
        raise _bad(w, "decimals 应为 0～6")
    return ContestRules(
        criteria=tuple(crits), trim_min_judges=min_judges, award_quota=quota, award_rounding=rounding,
        award_thresholds=thresholds, tiebreak=tiebreak, recusal=recusal,
        every_judge_scores_all=bool(settings.get("every_judge_scores_all",
                                                 default(ContestRules, "every_judge_scores_all"))),
        decimals=decimals,
    )


def quiz_rules(settings: Mapping[str, Any] | QuizRules) -> QuizRules:
    """The knowledge-contest rules from ``campaign.knowledge``."""
    if isinstance(settings, QuizRules):
        return settings
    w = "knowledge"
    on = _setting_num(settings, "online_weight", w)
    off = _setting_num(settings, "offline_weight", w)
    if on < 0 or off < 0:
        raise _bad(w, "线上、线下权重不能为负")
    _weights_sum_to_one([on, off], w, "线上、线下成绩")
    mx = _setting_num(settings, "max_score", w, default(QuizRules, "max_score"))
    if mx <= 0:
        raise _bad(w, "max_score 须大于 0")
    top_n = int(settings.get("city_top_n", default(QuizRules, "city_top_n")))
    if top_n < 1:
        raise _bad(w, "city_top_n 至少为 1")
    short = str(settings.get("city_short", default(QuizRules, "city_short")))
    if short not in ("zero", "actual"):
        raise _bad(w, "city_short 应为 zero（缺额按 0 分计）或 actual（按实际人数平均）")
    decimals = int(settings.get("decimals", default(QuizRules, "decimals")))
    if not 0 <= decimals <= 6:
        raise _bad(w, "decimals 应为 0～6")
    missing_as_zero = bool(settings.get("missing_part_as_zero", default(QuizRules, "missing_part_as_zero")))
    return QuizRules(on, off, mx, top_n, missing_as_zero, short, decimals,
                     int(settings.get("publish_top_n", default(QuizRules, "publish_top_n"))),
                     paper_rules(settings.get("paper") or {}))


def _shares(raw: Any, known: Sequence[str], where: str, key: str) -> tuple[tuple[str, Fraction], ...]:
    if not isinstance(raw, Mapping):
        raise _bad(where, f"{key} 应为表（名称 = 比例）")
    out = tuple((str(k), _setting_num(raw, k, where)) for k in raw)
    unknown = [k for k, _ in out if k not in known]
    if unknown:
        raise _bad(where, f"{key} 中有未列出的名称：{'、'.join(unknown)}")
    if any(v < 0 for _, v in out):
        raise _bad(where, f"{key} 的比例不能为负")
    _weights_sum_to_one([v for _, v in out], where, key + " ")
    return out


def paper_rules(settings: Mapping[str, Any] | PaperRules) -> PaperRules:
    """The bank, paper and marking settings from ``campaign.knowledge.paper``; SettingsError if unusable."""
    if isinstance(settings, PaperRules):
        return settings
    w = "knowledge.paper"
    d = {f.name: default(PaperRules, f.name) for f in fields(PaperRules)}
    cats = tuple(str(c) for c in settings.get("categories", d["categories"]))
    if not cats or len(set(cats)) != len(cats):
        raise _bad(w, "categories 须为不重复的分类名称列表")
    diffs = tuple(str(c) for c in settings.get("difficulties", d["difficulties"]))
    if not diffs or len(set(diffs)) != len(diffs):
        raise _bad(w, "difficulties 须为不重复的难度名称列表")
    cat_shares = (_shares(settings["category_shares"], cats, w, "category_shares") if "category_shares" in settings
                  else tuple((c, s) for c, s in d["category_shares"] if c in cats))
    if "category_shares" not in settings and sum((s for _, s in cat_shares), Fraction(0)) != 1:
        raise _bad(w, "改动 categories 时须同时设置 category_shares")
    diff_shares = (_shares(settings["difficulty_shares"], diffs, w, "difficulty_shares") if "difficulty_shares" in settings
                   else d["difficulty_shares"])
    if "difficulty_shares" not in settings and [x for x, _ in diff_shares] != list(diffs):
        raise _bad(w, "改动 difficulties 时须同时设置 difficulty_shares")
    points = dict(d["points"])
    for k, v in (settings.get("points") or {}).items():
        if k not in QUESTION_TYPES:
            raise _bad(w, f"points 的题型应为 {'、'.join(QUESTION_TYPES)}，实为“{k}”")
        points[k] = _setting_num(settings["points"], k, w)
        if points[k] <= 0:
            raise _bad(w, "每题分值须大于 0")
    mode = str(settings.get("multiple_choice", d["multiple_choice"]))
    if mode not in MARKING_MODES:
        raise _bad(w, f"multiple_choice 应为 {' 或 '.join(MARKING_MODES)}，实为“{mode}”")
    share = _setting_num(settings, "partial_share", w, d["partial_share"])
    if not 0 < share < 1:
        raise _bad(w, "partial_share 应大于 0、小于 1")
    ints = {}
    for key, lo in (("n_questions", 1), ("variants", 1), ("minutes", 1), ("weakest_n", 1)):
        try:
            ints[key] = int(settings.get(key, d[key]))
        except (TypeError, ValueError):
            raise _bad(w, f"{key} 应为整数") from None
        if ints[key] < lo:
            raise _bad(w, f"{key} 至少为 {lo}")
    if ints["variants"] > 6:
        raise _bad(w, "variants 最多为 6（A～F 卷）")
    rule_cats = settings.get("rule_categories")
    rule_cats = (tuple((str(k), str(v)) for k, v in rule_cats.items()) if isinstance(rule_cats, Mapping)
                 else d["rule_categories"])
    disc = _setting_num(settings, "discrimination_share", w, d["discrimination_share"])
    if not 0 < disc <= Fraction(1, 2):
        raise _bad(w, "discrimination_share 应大于 0、不超过 0.5")
    conf = tuple(str(c) for c in settings.get("generate_confidence", d["generate_confidence"]))
    if not set(conf) <= {"C", "P", "U"}:
        raise _bad(w, "generate_confidence 只能包含 C、P、U")
    return PaperRules(categories=cats, category_shares=cat_shares, difficulties=diffs, difficulty_shares=diff_shares,
                      points=tuple((t, points[t]) for t in QUESTION_TYPES), multiple_choice=mode, partial_share=share,
                      rule_categories=rule_cats, generate_confidence=conf, discrimination_share=disc, **ints)



def quota_counts(rules: ContestRules, n: int) -> list[tuple[str, int, str]]:
    """(award, places, how computed) for ``n`` ranked entries."""
    out, used = [], 0
    for name, share in rules.award_quota:
        x = share * n
        if rules.award_rounding == "ceil":
            k = math.ceil(x)
        elif rules.award_rounding == "floor":
            k = math.floor(x)
        else:
            k = math.floor(x + Fraction(1, 2))
        k = max(0, min(k, n - used))
        used += k
        out.append((name, k, f"{n}×{_pct(share)}={_fmt(x)}，{ROUNDING[rules.award_rounding]}为 {k} 名"))
    return out


