"""Contest scoring for activity (四): the micro-video contest and the knowledge contest.

Pure functions; every rule (criteria, weights, trimming, tie-breaks, awards, recusal, the
knowledge-contest weights and city rule) comes from the campaign settings
(``campaign.contest`` and ``campaign.knowledge``), and each result states the rules it applied
in Chinese (``rule_text``).

Arithmetic is exact: inputs are taken at the decimal value the user typed (``87.3`` is 873/10,
not the nearest binary float) and kept as fractions until the end, so equal totals are truly
equal (ties are ties), the order of judges cannot change a result, and the final score is
rounded half-up once, at the end. Public functions return floats.

Missing, non-numeric and out-of-range scores are findings, never zeros.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, Iterable, Mapping, Sequence

from addin.core.findings import CODES, ERROR, INFO, WARNING, Finding
from addin.core.normalize import clean_text, parse_number
from addin.campaign.contest import (TIEBREAKS, TRIM_MIN_JUDGES, ContestRules, Criterion, QuizRules, contest_rules,  # noqa: F401
                                    quiz_rules)
from addin.campaign.contest import quota_counts as _quota_counts
from addin.core.exact import exact as _exact
from addin.core.exact import round_half_up
from addin.core.exact import short as _fmt
from addin.core.errors import QmValueError

__all__ = [
    "ScoringError", "ScoreFinding", "SCORING_CODES", "TIEBREAKS",
    "Entry", "Judge", "ScoreRow", "Participant",
    "Criterion", "ContestRules", "QuizRules", "contest_rules", "quiz_rules",
    "TrimResult", "JudgeScore", "EntryResult", "VideoResult",
    "ParticipantResult", "CityResult", "QuizResult",
    "weighted_total", "trimmed_mean", "rank_with_ties", "round_half_up",
    "score_videos", "score_quiz",
]


class ScoringError(QmValueError):
    """Input a scoring function cannot use; the message is Chinese."""


# -- findings ---------------------------------------------------------------------
# Scoring's own codes; the shape (and sort/count helpers) are addin.core.findings'.
SCORING_CODES: dict[str, tuple[str, str]] = {
    "recused-score": (WARNING, "应回避的评分"),
    "recusal-unchecked": (WARNING, "无法核对回避"),
    "missing-score": (ERROR, "缺少评分"),
    "invalid-score": (ERROR, "评分不是数值"),
    "score-out-of-range": (ERROR, "评分超出范围"),
    "unknown-judge": (ERROR, "评委不在名单中"),
    "unknown-entry": (ERROR, "作品编号不存在"),
    "unknown-criterion": (ERROR, "评分指标不在设置中"),
    "incomplete-score-row": (ERROR, "评分行缺少评委或作品编号"),
    "missing-id": (ERROR, "缺少编号或姓名"),
    "duplicate-score": (ERROR, "重复评分"),
    "duplicate-entry": (ERROR, "作品编号重复"),
    "duplicate-judge": (ERROR, "评委重复"),
    "few-judges": (WARNING, "有效评委不足"),
    "unscored-entry": (ERROR, "作品无有效评分"),
    "missing-part": (ERROR, "缺少线上或线下成绩"),
    "missing-time": (INFO, "用时未填"),
    "duplicate-participant": (WARNING, "参赛人重复"),
    "unknown-city": (WARNING, "城市不在活动设置中"),
}
_ALL_CODES = {**CODES, **SCORING_CODES}


@dataclass(frozen=True)
class ScoreFinding(Finding):
    """A finding of the scoring; same fields as :class:`addin.core.findings.Finding`. ``codes`` is
    the registry its code must come from (a subclass names its own, e.g. the quiz's)."""

    codes: ClassVar[Mapping[str, tuple[str, str]]] = _ALL_CODES

    def __post_init__(self):
        if self.code not in self.codes:
            raise ValueError(f"unknown finding code {self.code!r}")
        if not self.severity:
            object.__setattr__(self, "severity", self.codes[self.code][0])

    @property
    def name(self) -> str:
        return self.codes[self.code][1]


def _split_ref(ref: str) -> tuple[str, str]:
    if not ref:
        return "", ""
    sheet, _, cell = ref.rpartition("!")
    return sheet.strip("'"), cell


def _finding(code: str, text: str, ref: str = "", value: Any = None, column: str = "",
             severity: str = "") -> ScoreFinding:
    sheet, cell = _split_ref(ref)
    where = f"“{sheet}”表 {cell} 单元格：" if sheet and cell else (f"“{sheet}”表：" if sheet else "")
    return ScoreFinding(code=code, message=where + text, sheet=sheet, cell=cell, column=column,
                        value="" if value is None else str(value), severity=severity)


def _num(v: Any, what: str) -> Fraction:
    try:
        return _exact(v)
    except (TypeError, ValueError):
        raise ScoringError(f"{what}应为数值，实为“{v}”") from None


def _names(names: Sequence[str], limit: int = 3) -> str:
    return "、".join(names[:limit]) + (f"等 {len(names)} 人" if len(names) > limit else "")


def _city_key(s: str) -> str:
    s = clean_text(s) or ""
    return s[:-1] if s.endswith("市") else s


def _text(v: Any) -> str:
    return clean_text(v) or ""


# -- records ----------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    id: str
    title: str = ""
    unit: str = ""
    city: str = ""
    author: str = ""
    duration: Any = None
    ref: str = ""          # "作品!A5": where the entry was read


@dataclass(frozen=True)
class Judge:
    name: str
    unit: str = ""
    city: str = ""
    ref: str = ""


@dataclass(frozen=True)
class ScoreRow:
    """One judge's scores of one entry: criterion name -> raw value as typed."""
    judge: str
    entry: str
    values: Mapping[str, Any]
    cells: Mapping[str, str] = field(default_factory=dict)   # criterion -> "评分!C5"
    ref: str = ""                                            # the row, "评分!A5"


@dataclass(frozen=True)
class Participant:
    name: str
    unit: str = ""
    city: str = ""
    online: Any = None
    offline: Any = None
    time_used: Any = None
    ref: str = ""
    cells: Mapping[str, str] = field(default_factory=dict)   # "online"/"offline"/"time_used" -> ref


def _coerce(cls, x):
    if isinstance(x, cls):
        return x
    if isinstance(x, Mapping):
        return cls(**x)
    return cls(*x)


# -- the three building blocks (UDF-ready) -----------------------------------------
def _weighted_exact(scores: Sequence[Any], weights: Sequence[Any], maxima: Sequence[Any] | None) -> Fraction:
    if len(scores) != len(weights) or (maxima is not None and len(maxima) != len(scores)):
        raise ScoringError(f"评分个数（{len(scores)}）与权重个数（{len(weights)}）"
                           + (f"、满分个数（{len(maxima)}）" if maxima is not None else "") + "不一致")
    if not scores:
        raise ScoringError("没有评分")
    ws = [_num(x, f"第 {i} 项权重") for i, x in enumerate(weights, 1)]
    if any(x < 0 for x in ws):
        raise ScoringError("权重不能为负")
    if sum(ws, Fraction(0)) != 1:
        raise ScoringError(f"权重之和应为 1，实为 {_fmt(sum(ws, Fraction(0)))}")
    total = Fraction(0)
    for i, (s, x) in enumerate(zip(scores, ws), 1):
        v = _num(s, f"第 {i} 项评分")
        hi = _num(maxima[i - 1], f"第 {i} 项满分") if maxima is not None else None
        if v < 0:
            raise ScoringError(f"第 {i} 项评分 {_fmt(v)} 不能为负")
        if hi is not None and v > hi:
            raise ScoringError(f"第 {i} 项评分 {_fmt(v)} 超出范围 0～{_fmt(hi)}")
        total += v * x
    return total


def weighted_total(scores: list[float], weights: list[float], maxima: list[float] | None = None) -> float:
    """One judge's total of one entry: Σ score_i × weight_i (weights sum to 1).

    Each score must lie in 0..max_i (when ``maxima`` is given). ScoringError otherwise.
    """
    return float(_weighted_exact(scores, weights, maxima))


@dataclass(frozen=True)
class TrimResult:
    mean: float
    method: str                       # "trimmed": one highest and one lowest dropped; "plain": mean of all
    n: int                            # values given
    counted: tuple[float, ...]        # values averaged, in input order
    dropped_high: float | None
    dropped_low: float | None
    dropped_indices: tuple[int, ...]  # (index of the dropped highest, of the dropped lowest), input positions
    min_judges: int = TRIM_MIN_JUDGES
    exact: Fraction = field(default=Fraction(0), repr=False, compare=False)

    @property
    def dropped(self) -> tuple[float, ...]:
        return tuple(x for x in (self.dropped_high, self.dropped_low) if x is not None)

    @property
    def label(self) -> str:
        """Short: 去掉最高最低（7取5） / 全部平均（4个）."""
        return f"去掉最高最低（{self.n}取{self.n - 2}）" if self.method == "trimmed" else f"全部平均（{self.n}个）"

    @property
    def applied(self) -> str:
        if self.method == "trimmed":
            return f"{self.n} 个有效评分，去掉一个最高分和一个最低分后取其余 {self.n - 2} 个的平均"
        return f"{self.n} 个有效评分（少于 {self.min_judges} 个），取全部有效评分的平均，未去分"


def _trim_exact(values: Sequence[Fraction], min_judges: int) -> tuple[Fraction, int | None, int | None]:
    n = len(values)
    if n >= min_judges:
        order = sorted(range(n), key=lambda i: (values[i], i))
        low, high = order[0], order[-1]
        kept = sum(values, Fraction(0)) - values[low] - values[high]
        return kept / (n - 2), high, low
    return sum(values, Fraction(0)) / n, None, None


def trimmed_mean(values: list[float], min_judges: int = TRIM_MIN_JUDGES) -> TrimResult:
    """Mean of judges' totals: with ``min_judges`` or more values, one highest and one lowest are
    dropped; with fewer, the plain mean. Which was applied and what was dropped is in the result.

    Among equal extremes, the first (highest) / first (lowest) in input order is the one dropped;
    the mean does not depend on that choice.
    """
    if min_judges < 3:
        raise ScoringError("去掉最高分和最低分至少需要 3 个评分（min_judges ≥ 3）")
    if not values:
        raise ScoringError("没有有效评分，无法计算平均分")
    xs = [_num(v, f"第 {i} 个评分") for i, v in enumerate(values, 1)]
    mean, hi, lo = _trim_exact(xs, min_judges)
    if hi is None:
        return TrimResult(float(mean), "plain", len(xs), tuple(float(x) for x in xs), None, None, (),
                          min_judges, mean)
    # the first highest in input order, for a stable mark
    hi = max(range(len(xs)), key=lambda i: (xs[i], -i))
    lo = min(range(len(xs)), key=lambda i: (xs[i], i))
    if hi == lo:  # all equal
        lo = next(i for i in range(len(xs)) if i != hi)
    counted = tuple(float(x) for i, x in enumerate(xs) if i not in (hi, lo))
    return TrimResult(float(mean), "trimmed", len(xs), counted, float(xs[hi]), float(xs[lo]), (hi, lo),
                      min_judges, mean)


def rank_with_ties(values: Sequence[Any], descending: bool = True,
                   tiebreak_keys: Sequence[Sequence[Any]] | None = None) -> list[int]:
    """Competition ranks ('1, 2, 2, 4') of ``values``.

    ``tiebreak_keys[i]`` (a tuple per item) is compared after the value, in the same direction
    (with ``descending``, larger is better: negate a key where smaller should win). Items equal in
    the value and every key share a rank.
    """
    n = len(values)
    if tiebreak_keys is not None and len(tiebreak_keys) != n:
        raise ScoringError("同分比较键的个数与数值个数不一致")
    keys = []
    for i, v in enumerate(values):
        head = _num(v, f"第 {i + 1} 个数值")
        keys.append((head, *(tuple(tiebreak_keys[i]) if tiebreak_keys is not None else ())))
    order = sorted(range(n), key=lambda i: keys[i], reverse=descending)
    ranks = [0] * n
    for pos, i in enumerate(order):
        if pos and keys[i] == keys[order[pos - 1]]:
            ranks[i] = ranks[order[pos - 1]]
        else:
            ranks[i] = pos + 1
    return ranks


# -- the micro-video contest ------------------------------------------------------
COUNTED, DROPPED_HIGH, DROPPED_LOW = "counted", "dropped_high", "dropped_low"
RECUSED, INVALID, MISSING = "recused", "invalid", "missing"
STATUS_TEXT = {COUNTED: "计入", DROPPED_HIGH: "去掉的最高分", DROPPED_LOW: "去掉的最低分",
               RECUSED: "回避", INVALID: "无效", MISSING: "未评"}


@dataclass
class JudgeScore:
    judge: str
    total: float | None          # the weighted total, full precision (None if invalid/recused)
    status: str                  # see STATUS_TEXT
    note: str = ""
    ref: str = ""                # the score row
    exact: Fraction | None = field(default=None, repr=False)
    criteria: dict[str, Fraction] = field(default_factory=dict, repr=False)


@dataclass
class EntryResult:
    entry: Entry
    scores: dict[str, JudgeScore]       # judge name -> this judge's score of the entry, every judge, list order
    trim: TrimResult | None
    mean: float | None                  # full precision
    final: float | None                 # rounded once, ``decimals`` places
    final_text: str
    rank: int | None = None
    award: str = ""
    tiebreak: tuple = ()                # the tie-break values, for display
    note: str = ""
    exact: Fraction | None = field(default=None, repr=False)

    @property
    def counted(self) -> int:
        return sum(1 for s in self.scores.values() if s.status == COUNTED)

    @property
    def valid(self) -> int:
        return sum(1 for s in self.scores.values() if s.status in (COUNTED, DROPPED_HIGH, DROPPED_LOW))


@dataclass
class VideoResult:
    rules: ContestRules
    judges: list[Judge]
    entries: list[EntryResult]          # by rank (unranked last), ties by entry id
    findings: list[ScoreFinding]
    rule_text: list[str]
    award_counts: dict[str, int] = field(default_factory=dict)

    def entry(self, entry_id: str) -> EntryResult:
        return next(e for e in self.entries if e.entry.id == entry_id)

    @property
    def winners(self) -> list[EntryResult]:
        return [e for e in self.entries if e.award]


def _score_rows(scores: Any, refs: Mapping | None) -> list[ScoreRow]:
    if isinstance(scores, Mapping):
        grouped: dict[tuple[str, str], dict[str, Any]] = {}
        cells: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        for key, value in scores.items():
            judge, entry, crit = (str(k) for k in key)
            grouped.setdefault((judge, entry), {})[crit] = value
        for key, ref in (refs or {}).items():
            judge, entry, crit = (str(k) for k in key)
            if (judge, entry) in grouped:
                cells[(judge, entry)][crit] = ref
        return [ScoreRow(j, e, vals, cells.get((j, e), {}), next(iter(cells.get((j, e), {}).values()), ""))
                for (j, e), vals in grouped.items()]
    return [_coerce(ScoreRow, r) for r in scores]


def _criterion_value(raw: Any) -> Fraction | str:
    """An exact score, or "missing"/"invalid"."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return "missing"
    if isinstance(raw, bool):
        return "invalid"
    if isinstance(raw, str):
        x = parse_number(raw, chinese=False)   # '八十' stays invalid: the scoring workbook's formulas do not read it
        return "invalid" if x is None else _exact(x)
    try:
        return _exact(raw)
    except (TypeError, ValueError):
        return "invalid"


def score_videos(entries: Iterable[Any], judges: Iterable[Any], scores: Any,
                 contest_settings: Mapping[str, Any] | ContestRules,
                 refs: Mapping[tuple, str] | None = None) -> VideoResult:
    """Score the micro-video contest.

    ``entries``: :class:`Entry` (or (id, title, unit, city) / mappings); ``judges``: :class:`Judge`
    (or (name, unit, city)); ``scores``: a mapping ``(judge, entry id, criterion) -> value`` (with
    optional ``refs`` of the same keys -> "Sheet!A1"), or :class:`ScoreRow` records carrying their
    own cell references. ``contest_settings``: ``campaign.contest``.

    The phases: vet the two lists; group the score rows by (judge, entry); turn each pair into one
    judge's total (or the reason it does not count); mark pairs that have no row; average each
    entry; rank with the tie-breaks; award.
    """
    rules = contest_rules(contest_settings)
    findings: list[ScoreFinding] = []
    entry_by_id = _vet_entries([_coerce(Entry, e) for e in entries], rules, findings)
    judge_by_name = _vet_judges([_coerce(Judge, j) for j in judges], rules, findings)
    recused = _recusal(rules)
    pairs = _group_score_rows(scores, refs, judge_by_name, entry_by_id, rules, findings)
    per_entry: dict[str, dict[str, JudgeScore]] = {eid: {} for eid in entry_by_id}
    for (jn, eid), rows in pairs.items():
        per_entry[eid][jn] = _pair_score(rows, judge_by_name[jn], entry_by_id[eid], rules, recused, findings)
    _mark_unscored_pairs(judge_by_name, entry_by_id, per_entry, rules, recused, findings)
    results = [_entry_result(entry, per_entry[eid], list(judge_by_name), rules, findings)
               for eid, entry in entry_by_id.items()]
    ranked = _rank(results, rules)
    award_counts = _award(ranked, rules)
    results.sort(key=lambda r: (r.rank is None, r.rank or 0, r.entry.id))
    rule_text = rules.describe(len(ranked))
    return VideoResult(rules, list(judge_by_name.values()), results, findings, rule_text, award_counts)


def _vet_entries(entries: list[Entry], rules: ContestRules, findings: list) -> dict[str, Entry]:
    """The entries by id; an entry without an id or with a repeated id does not count (a finding)."""
    entry_by_id: dict[str, Entry] = {}
    for e in entries:
        if not _text(e.id):
            findings.append(_finding("missing-id", f"作品“{e.title}”没有编号，不参与计分", e.ref))
            continue
        e = replace(e, id=_text(e.id))
        if e.id in entry_by_id:
            findings.append(_finding("duplicate-entry", f"作品编号“{e.id}”重复（另见“{entry_by_id[e.id].title}”），"
                                     "请给每件作品不同的编号；重复的这一行不参与计分", e.ref, e.id))
            continue
        entry_by_id[e.id] = e
        if "city" in rules.recusal and not _city_key(e.city):
            findings.append(_finding("recusal-unchecked", f"作品“{e.id}”未填城市，无法核对评委回避", e.ref))
    return entry_by_id


def _vet_judges(judges: list[Judge], rules: ContestRules, findings: list) -> dict[str, Judge]:
    """The judges by name; a row without a name or a repeated name does not count (a finding)."""
    judge_by_name: dict[str, Judge] = {}
    for j in judges:
        if not _text(j.name):
            findings.append(_finding("missing-id", "评委名单中有一行没有姓名，该行不计", j.ref))
            continue
        j = replace(j, name=_text(j.name))
        if j.name in judge_by_name:
            findings.append(_finding("duplicate-judge", f"评委“{j.name}”在名单中重复，重复的这一行不计", j.ref, j.name))
            continue
        judge_by_name[j.name] = j
        if "city" in rules.recusal and not _city_key(j.city):
            findings.append(_finding("recusal-unchecked", f"评委“{j.name}”未填城市，无法核对回避", j.ref))
    return judge_by_name


def _recusal(rules: ContestRules):
    """``recused(judge, entry)``: why the judge must not score the entry ("" when they may)."""
    def recused(j: Judge, e: Entry) -> str:
        if "city" in rules.recusal and _city_key(j.city) and _city_key(j.city) == _city_key(e.city):
            return f"评委“{j.name}”与作品同属{e.city}"
        if "unit" in rules.recusal and _text(j.unit) and _text(j.unit) == _text(e.unit):
            return f"评委“{j.name}”与作品同属{e.unit}"
        return ""
    return recused


def _group_score_rows(scores: Any, refs: Mapping | None, judge_by_name: Mapping[str, Judge],
                      entry_by_id: Mapping[str, Entry], rules: ContestRules,
                      findings: list) -> dict[tuple[str, str], list[ScoreRow]]:
    """The score rows by (judge, entry); rows naming no known judge or entry do not count."""
    crit_names = [c.name for c in rules.criteria]
    pairs: dict[tuple[str, str], list[ScoreRow]] = defaultdict(list)
    for row in _score_rows(scores, refs):
        jn, eid = _text(row.judge), _text(row.entry)
        if not jn or not eid:
            if any(_criterion_value(v) != "missing" for v in row.values.values()) or jn or eid:
                findings.append(_finding("incomplete-score-row", "评分行缺少" + ("评委" if not jn else "作品编号")
                                         + "，该行不计", row.ref))
            continue
        if jn not in judge_by_name:
            findings.append(_finding("unknown-judge", f"评委“{jn}”不在评委名单中，该行不计", row.ref, jn))
            continue
        if eid not in entry_by_id:
            findings.append(_finding("unknown-entry", f"作品编号“{eid}”不在作品清单中，该行不计", row.ref, eid))
            continue
        for crit in row.values:
            if crit not in crit_names:
                findings.append(_finding("unknown-criterion", f"评分指标“{crit}”不在活动设置中（设置的指标："
                                         f"{'、'.join(crit_names)}），该项不计", row.cells.get(crit, row.ref)))
        pairs[(jn, eid)].append(row)
    return pairs


def _pair_score(rows: list[ScoreRow], judge: Judge, entry: Entry, rules: ContestRules, recused,
                findings: list) -> JudgeScore:
    """One judge's total of one entry from its score rows, or why it does not count."""
    crits, crit_names = rules.criteria, [c.name for c in rules.criteria]
    jn, eid = judge.name, entry.id
    row = rows[0]
    why = recused(judge, entry)
    if why:
        findings.append(_finding("recused-score", f"{why}，应回避；评委“{jn}”对作品“{eid}”的评分不计入", row.ref))
        return JudgeScore(jn, None, RECUSED, why + "，应回避，评分不计入", row.ref)
    if len(rows) > 1:
        same = all({c: _criterion_value(r.values.get(c)) for c in crit_names}
                   == {c: _criterion_value(row.values.get(c)) for c in crit_names} for r in rows[1:])
        others = "、".join(_split_ref(r.ref)[1] or "?" for r in rows[1:])
        if not same:
            findings.append(_finding("duplicate-score", f"评委“{jn}”对作品“{eid}”有 {len(rows)} 行评分且不一致"
                                     f"（另见 {others}），均不计入，请删除多余的行", row.ref))
            return JudgeScore(jn, None, INVALID, "重复评分且不一致", row.ref)
        findings.append(_finding("duplicate-score", f"评委“{jn}”对作品“{eid}”的评分重复录入（另见 {others}），"
                                 "内容相同，只计一次", row.ref, severity=WARNING))
    problems, values = [], {}
    for c in crits:
        raw = row.values.get(c.name)
        ref = row.cells.get(c.name, row.ref)
        v = _criterion_value(raw)
        if v == "missing":
            findings.append(_finding("missing-score", f"评委“{jn}”对作品“{eid}”缺少“{c.name}”评分"
                                     "（不按 0 分计，该评委对该作品的得分不计入）", ref, column=c.header))
            problems.append(f"缺“{c.name}”")
        elif v == "invalid":
            findings.append(_finding("invalid-score", f"评委“{jn}”对作品“{eid}”的“{c.name}”评分“{raw}”不是数值"
                                     "（该评委对该作品的得分不计入）", ref, raw, c.header))
            problems.append(f"“{c.name}”非数值")
        elif not 0 <= v <= c.max:
            findings.append(_finding("score-out-of-range", f"评委“{jn}”对作品“{eid}”的“{c.name}”评分 {_fmt(v)} "
                                     f"超出 0～{_fmt(c.max)}（该评委对该作品的得分不计入）", ref, raw, c.header))
            problems.append(f"“{c.name}”超出范围")
        else:
            values[c.name] = v
    if problems:
        return JudgeScore(jn, None, INVALID, "；".join(problems), row.ref)
    total = sum((values[c.name] * c.weight for c in crits), Fraction(0))
    return JudgeScore(jn, float(total), COUNTED, "", row.ref, total, values)


def _mark_unscored_pairs(judge_by_name: Mapping[str, Judge], entry_by_id: Mapping[str, Entry],
                         per_entry: dict[str, dict[str, JudgeScore]], rules: ContestRules, recused,
                         findings: list) -> None:
    """Pairs with no score row: recused (fine) or missing (a finding when every judge scores all)."""
    for jn, judge in judge_by_name.items():
        expected = []
        for eid, e in entry_by_id.items():
            why = recused(judge, e)
            if not why:
                expected.append(eid)
            elif jn not in per_entry[eid]:
                per_entry[eid][jn] = JudgeScore(jn, None, RECUSED, why + "，已回避")
        absent = [eid for eid in expected if jn not in per_entry[eid]]
        for eid in absent:
            per_entry[eid][jn] = JudgeScore(jn, None, MISSING, "未评分")
        if rules.every_judge_scores_all:
            if absent and len(absent) == len(expected) and len(expected) > 1:
                findings.append(_finding("missing-score", f"评委“{jn}”没有任何评分（应评 {len(expected)} 件作品）",
                                         judge.ref))
            else:
                for eid in absent:
                    findings.append(_finding("missing-score", f"评委“{jn}”未对作品“{eid}”评分（评分表中没有该评委对该作品的行）",
                                             judge.ref))


def _entry_result(entry: Entry, by_judge: dict[str, JudgeScore], order: list[str], rules: ContestRules,
                  findings: list) -> EntryResult:
    """One entry: the trimmed mean over its valid totals, judges in a canonical order."""
    eid = entry.id
    valid = sorted((jn for jn in order if by_judge[jn].status == COUNTED), key=lambda jn: (by_judge[jn].exact, jn))
    ordered = {jn: by_judge[jn] for jn in order}
    if not valid:
        findings.append(_finding("unscored-entry", f"作品“{eid}”（{entry.title}）没有任何有效评分，无法计分和排名",
                                 entry.ref))
        return EntryResult(entry, ordered, None, None, None, "")
    totals = [by_judge[jn].exact for jn in valid]
    mean, hi, lo = _trim_exact(totals, rules.trim_min_judges)
    if hi is not None:
        by_judge[valid[hi]].status = DROPPED_HIGH
        by_judge[valid[hi]].note = "去掉的最高分"
        by_judge[valid[lo]].status = DROPPED_LOW
        by_judge[valid[lo]].note = "去掉的最低分"
    else:
        findings.append(_finding("few-judges", f"作品“{eid}”只有 {len(valid)} 位评委的有效评分（少于 "
                                 f"{rules.trim_min_judges} 位），按全部有效评分平均，未去掉最高分和最低分", entry.ref))
    trim = TrimResult(
        float(mean), "plain" if hi is None else "trimmed", len(totals),
        tuple(float(by_judge[jn].exact) for jn in order if by_judge[jn].status == COUNTED),
        None if hi is None else float(totals[hi]), None if lo is None else float(totals[lo]),
        () if hi is None else (order.index(valid[hi]), order.index(valid[lo])), rules.trim_min_judges, mean,
    )
    final = round_half_up(mean, rules.decimals)
    return EntryResult(entry, ordered, trim, float(mean), float(final), f"{final:f}", exact=mean)


def _rank(results: list[EntryResult], rules: ContestRules) -> list[EntryResult]:
    """Rank the scored entries by the exact mean, then the tie-break rules; note every tie."""
    crits = rules.criteria
    ranked = [r for r in results if r.exact is not None]

    def key(r: EntryResult) -> tuple:
        out = []
        for name in rules.tiebreak:
            if name in ("first_criterion",) or name.startswith("criterion:"):
                crit = crits[0].name if name == "first_criterion" else name.split(":", 1)[1]
                vals = [s.criteria[crit] for s in r.scores.values() if s.criteria]
                out.append(_trim_exact(vals, rules.trim_min_judges)[0])
            elif name == "fewer_dropped":
                out.append(-len(r.trim.dropped))
            elif name == "more_judges":
                out.append(r.counted)
            elif name == "higher_min_total":
                out.append(min(s.exact for s in r.scores.values() if s.status == COUNTED))
        return tuple(out)

    keys = [key(r) for r in ranked]
    ranks = rank_with_ties([r.exact for r in ranked], True, keys)
    for r, k, rank in zip(ranked, keys, ranks):
        r.rank = rank
        r.tiebreak = tuple(float(x) for x in k)
    rule_names = rules.tiebreak_text()
    for r, k in zip(ranked, keys):
        notes = []
        for o, ok in zip(ranked, keys):
            if o is r:
                continue
            if o.exact == r.exact:
                i = next((i for i, (a, b) in enumerate(zip(k, ok)) if a != b), None)
                notes.append(f"与{o.entry.id}平均分相同，" + ("名次并列（同分规则比较后仍相同）" if i is None else
                             f"按同分规则{i + 1}（{rule_names[i]}）列{'前' if k[i] > ok[i] else '后'}"))
            elif o.final_text == r.final_text:
                notes.append(f"与{o.entry.id}的最终得分同为 {r.final_text}，按未取舍的平均分列{'前' if r.exact > o.exact else '后'}")
        r.note = "；".join(notes)
    return ranked


def _award(ranked: list[EntryResult], rules: ContestRules) -> dict[str, int]:
    """Set each ranked entry's award (score lines or quota by rank); the count per award."""
    if rules.award_thresholds:
        for r in ranked:
            final = _exact(Decimal(r.final_text))
            r.award = next((name for name, lo in rules.award_thresholds if final >= lo), "")
    else:
        cut = 0
        for name, k, _ in _quota_counts(rules, len(ranked)):
            lo_cut, cut = cut, cut + k
            for r in ranked:
                if not r.award and lo_cut < r.rank <= cut:
                    r.award = name
    tiers = [name for name, _ in (rules.award_thresholds or rules.award_quota)]
    return {name: sum(1 for r in ranked if r.award == name) for name in tiers}


# -- the knowledge contest --------------------------------------------------------
@dataclass
class ParticipantResult:
    participant: Participant
    total: float | None
    final: float | None
    final_text: str
    rank: int | None = None
    note: str = ""
    exact: Fraction | None = field(default=None, repr=False)


@dataclass
class CityResult:
    city: str
    participants: int            # rows listed for the city
    valid: int                   # participants with a total
    counted: int                 # totals in the city score (≤ top N)
    score: float | None
    final: float | None
    final_text: str
    rank: int | None = None
    note: str = ""
    exact: Fraction | None = field(default=None, repr=False)


@dataclass
class QuizResult:
    rules: QuizRules
    individuals: list[ParticipantResult]     # by rank, unranked last
    cities: list[CityResult]                 # by rank, cities without results last
    findings: list[ScoreFinding]
    rule_text: list[str]


def score_quiz(participants: Iterable[Any], knowledge_settings: Mapping[str, Any] | QuizRules,
               cities: Sequence[str] | None = None) -> QuizResult:
    """Score the knowledge contest: weighted online/offline totals, the individual ranking (ties by
    less time used) and the city ranking (mean of each city's top N totals).

    ``cities`` (e.g. the campaign's city names) names the cities to list even without participants
    and the canonical spelling of a city.
    """
    rules = quiz_rules(knowledge_settings)
    findings: list[ScoreFinding] = []
    canon = {_city_key(c): c for c in (cities or [])}
    seen: dict[tuple[str, str], Participant] = {}
    results = [_participant_result(_coerce(Participant, p), rules, canon, cities is not None, seen, findings)
               for p in participants]
    _rank_participants(results, findings)
    results.sort(key=lambda r: (r.rank is None, r.rank or 0, _text(r.participant.name)))
    city_results = _city_results(results, rules, canon, cities)
    return QuizResult(rules, results, city_results, findings, rules.describe())


def _participant_result(p: Participant, rules: QuizRules, canon: Mapping[str, str], check_city: bool,
                        seen: dict[tuple[str, str], Participant], findings: list) -> ParticipantResult:
    """One participant's weighted total, or why they are not ranked."""
    parts = (("online", "线上成绩", rules.online_weight), ("offline", "线下成绩", rules.offline_weight))
    who = f"参赛人“{p.name}”" + (f"（{p.unit}）" if p.unit else "")
    if not _text(p.name):
        findings.append(_finding("missing-id", "有一行成绩没有参赛人姓名，不参与排名", p.ref))
        return ParticipantResult(p, None, None, "", None, "缺参赛人姓名")
    k = (_text(p.name), _text(p.unit))
    if k in seen:
        findings.append(_finding("duplicate-participant", f"{who}重复出现，请核实是否为同一人", p.ref))
    seen[k] = p
    if check_city and _city_key(p.city) not in canon:
        what = f"的城市“{p.city}”不在活动设置的城市中" if _text(p.city) else "未填城市"
        findings.append(_finding("unknown-city", f"{who}{what}，不计入城市排名的任何一市", p.cells.get("city", p.ref), p.city))
    total, notes, ok = Fraction(0), [], True
    for attr, title, weight in parts:
        raw = getattr(p, attr)
        ref = p.cells.get(attr, p.ref)
        v = _criterion_value(raw)
        if v == "missing":
            if rules.missing_part_as_zero:
                findings.append(_finding("missing-part", f"{who}缺少{title}，按设置以 0 分计", ref, severity=WARNING))
                notes.append(f"{title}缺，按0分计")
                v = Fraction(0)
            else:
                findings.append(_finding("missing-part", f"{who}缺少{title}（按设置不以 0 分计），不参与排名", ref))
                notes.append(f"{title}缺，未排名")
                ok = False
                continue
        elif v == "invalid":
            findings.append(_finding("invalid-score", f"{who}的{title}“{raw}”不是数值，不参与排名", ref, raw, title))
            notes.append(f"{title}非数值")
            ok = False
            continue
        elif not 0 <= v <= rules.max_score:
            findings.append(_finding("score-out-of-range", f"{who}的{title} {_fmt(v)} 超出 0～{_fmt(rules.max_score)}，"
                                     "不参与排名", ref, raw, title))
            notes.append(f"{title}超出范围")
            ok = False
            continue
        total += v * weight
    if not ok:
        return ParticipantResult(p, None, None, "", None, "；".join(notes))
    final = round_half_up(total, rules.decimals)
    return ParticipantResult(p, float(total), float(final), f"{final:f}", None, "；".join(notes), total)


def _rank_participants(results: list[ParticipantResult], findings: list) -> None:
    """Rank by the exact total, less time used first among equals; note every tie."""
    ranked = [r for r in results if r.exact is not None]
    times: list[Fraction | None] = []
    for r in ranked:
        v = _criterion_value(r.participant.time_used)
        t = v if isinstance(v, Fraction) and v > 0 else None
        if t is None:
            what = "未填" if v == "missing" else f"“{r.participant.time_used}”无效"
            findings.append(_finding("missing-time", f"参赛人“{r.participant.name}”用时{what}，同分时排在填了用时者之后",
                                     r.participant.cells.get("time_used", r.participant.ref)))
        times.append(t)
    # less time is better: key -time, a missing time behind every real one
    keys = [((1, -t) if t is not None else (0, 0)) for t in times]
    for r, rank in zip(ranked, rank_with_ties([r.exact for r in ranked], True, keys)):
        r.rank = rank
    groups: dict[str, list[ParticipantResult]] = defaultdict(list)
    for r in ranked:
        groups[r.final_text].append(r)
    for g in groups.values():
        for r in g:
            kinds: dict[str, list[str]] = defaultdict(list)
            for o in g:
                if o is r:
                    continue
                if o.exact != r.exact:
                    kinds[f"的总成绩同为 {r.final_text}，按未取舍的成绩列其{'前' if r.exact > o.exact else '后'}"].append(o.participant.name)
                elif o.rank == r.rank:
                    kinds["总成绩、用时均相同，名次并列"].append(o.participant.name)
                else:
                    kinds["总成绩相同，用时较" + ("少，列其前" if r.rank < o.rank else "多，列其后")].append(o.participant.name)
            r.note = "；".join([r.note] * bool(r.note) + [f"与{_names(names)}{kind}" for kind, names in kinds.items()])


def _city_results(results: list[ParticipantResult], rules: QuizRules, canon: Mapping[str, str],
                  cities: Sequence[str] | None) -> list[CityResult]:
    """Each city's score (mean of its top N totals), ranked; cities without participants listed too."""
    listed: dict[str, list[ParticipantResult]] = {name: [] for name in canon.values()}
    display: dict[str, str] = {}
    for r in results:
        ck = _city_key(r.participant.city)
        if not ck or (canon and ck not in canon) or not _text(r.participant.name):
            continue                    # reported above; not counted for any city
        listed.setdefault(canon.get(ck) or display.setdefault(ck, _text(r.participant.city)), []).append(r)
    city_results: list[CityResult] = []
    n = rules.city_top_n
    for city, rows in listed.items():
        totals = sorted((r.exact for r in rows if r.exact is not None), reverse=True)
        top = totals[:n]
        if not top:
            city_results.append(CityResult(city, len(rows), 0, 0, None, None, "", note="无有效成绩，未排名" if rows else "未参赛"))
            continue
        divisor = n if rules.city_short == "zero" else len(top)
        score = sum(top, Fraction(0)) / divisor
        note = ""
        if len(top) < n:
            note = (f"有效成绩不足 {n} 人，缺额按 0 分计" if rules.city_short == "zero"
                    else f"有效成绩不足 {n} 人，按实际 {len(top)} 人平均")
        final = round_half_up(score, rules.decimals)
        city_results.append(CityResult(city, len(rows), len(totals), len(top), float(score), float(final),
                                       f"{final:f}", None, note, score))
    scored = [c for c in city_results if c.exact is not None]
    for c, rank in zip(scored, rank_with_ties([c.exact for c in scored], True, [(c.participants,) for c in scored])):
        c.rank = rank
    city_order = {name: i for i, name in enumerate(cities or [])}
    city_results.sort(key=lambda c: (c.rank is None, c.rank or 0, city_order.get(c.city, len(city_order)), c.city))
    return city_results
