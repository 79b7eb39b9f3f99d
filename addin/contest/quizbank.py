"""The knowledge contest's question bank: questions as data, the packaged default bank, the bank
workbook and its validation.

Why: the notice wants the contest to spread the laws and the standards. A question whose answer
is typed by hand can be wrong; a question generated from the rule catalog that judges the
spot checks (addin/rules/*.toml) states the catalog's own limit, so its answer is right by
construction and cites the same standard and clause as the judgment. Hand-written questions
(addin/contest/data/quiz_questions.toml) cover the laws, the notice, concrete acceptance, house
safety appraisal and documents, each naming the article it tests. A bank typed by organisers is
checked on load: every defect is a finding with the cell, and a defective question is not drawn.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from addin.campaign.contest import MULTIPLE, QUESTION_TYPES, SINGLE, TRUE_FALSE, PaperRules
from addin.campaign.settings import Campaign
from addin.contest.scoring import SCORING_CODES, ScoreFinding
from addin.core.errors import QmValueError
from addin.core.findings import CODES, ERROR, INFO, WARNING
from addin.core.normalize import clean_text, to_halfwidth
from addin.infra.atomic import atomic_path
from addin.infra.marker import mark_openpyxl
from addin.rules.judge import Rule

__all__ = ["QUIZ_CODES", "QuizFinding", "QuizError", "Question", "Claim", "LETTERS", "TF_OPTIONS",
           "generate_from_catalog", "generate_from_settings", "handwritten", "default_bank",
           "validate_questions", "read_bank", "write_bank", "bank_filename", "BANK_SHEET", "BANK_COLUMNS",
           "normalize_stem"]

LETTERS = "ABCDEF"
TF_OPTIONS = ("正确", "错误")
BANK_SHEET, BANK_GUIDE, BANK_LISTS, BANK_META = "题库", "填写说明", "字典", "_meta"
BANK_TEMPLATE_ID = "qm-quiz-bank"

# The knowledge contest's own finding codes; the shape is addin.core.findings'.
QUIZ_CODES: dict[str, tuple[str, str]] = {
    # the bank
    "quiz-missing-field": (ERROR, "题目缺少必填项"),
    "quiz-bad-type": (ERROR, "题型无法识别"),
    "quiz-bad-options": (ERROR, "选项有误"),
    "quiz-answer-not-option": (ERROR, "答案不在选项中"),
    "quiz-missing-source": (ERROR, "题目未注明依据"),
    "quiz-duplicate-stem": (WARNING, "题干重复"),
    "quiz-duplicate-id": (ERROR, "题号重复"),
    "quiz-unknown-category": (WARNING, "分类不在活动设置中"),
    "quiz-bad-difficulty": (WARNING, "难度无法识别"),
    "quiz-short-quota": (WARNING, "题库题量不足"),
    # the answer sheets
    "quiz-invalid-answer": (WARNING, "答案字母无效"),
    "quiz-unknown-variant": (ERROR, "试卷版本无法识别"),
    "quiz-no-answers": (INFO, "答题卡未作答"),
}
_ALL_CODES = {**CODES, **SCORING_CODES, **QUIZ_CODES}


@dataclass(frozen=True)
class QuizFinding(ScoreFinding):
    """A finding of the bank, a paper or the marking: a scoring finding whose code may also be a
    quiz code (the marking reports duplicate participants with the scoring's code)."""

    codes: ClassVar[Mapping[str, tuple[str, str]]] = _ALL_CODES


class QuizError(QmValueError):
    """A bank, key, answer sheet or export that cannot be used at all; the message names the file."""


@dataclass(frozen=True)
class Claim:
    """What a generated option (or a true/false stem, ``option`` None) states about the catalog:
    rule ``rule_id``'s limit ``key`` for ``grade`` is ``value``; shown as ``value × scale``."""
    option: int | None
    rule_id: str
    key: str
    grade: str | None
    value: Decimal
    scale: int | Decimal = 1        # a worked example shows value × the design value of its grade


@dataclass(frozen=True)
class Question:
    id: str
    qtype: str                      # 单选 / 多选 / 判断
    stem: str
    options: tuple[str, ...]        # 判断: 正确, 错误
    answer: str                     # letters in order, e.g. "A", "ACD"
    category: str
    difficulty: str
    source: str                     # the article or standard + clause it tests
    group: str = ""                 # a paper takes at most one question of a group
    rule_id: str = ""
    note: str = ""
    claims: tuple[Claim, ...] = field(default=(), compare=False)
    ref: str = field(default="", compare=False)     # "题库!A5" where it was read

    @property
    def answer_indexes(self) -> tuple[int, ...]:
        return tuple(LETTERS.index(ch) for ch in self.answer)


# -- numbers as the standards write them ------------------------------------------------------
def _num(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text


def _with_unit(d: Decimal, unit: str, scale: int = 1) -> str:
    text = _num(d * scale)
    if scale == 100:
        return text + "%"
    if not unit:
        return text
    return text + unit if unit in ("%",) else f"{text} {unit}"


def _signed(d: Decimal) -> str:
    t = _num(d)
    return t if t.startswith("-") or t == "0" else "+" + t


def _pair(lo: Decimal, hi: Decimal, unit: str) -> str:
    u = unit if unit in ("%",) else (" " + unit if unit else "")
    if lo == -hi:
        return f"±{_num(hi)}{u}"
    return f"{_signed(hi)}{u}，{_signed(lo).replace('-', '−')}{u}"


def _quantum(d: Decimal) -> Decimal:
    exp = d.normalize().as_tuple().exponent
    return Decimal(1).scaleb(min(exp, 0) if isinstance(exp, int) else 0)


def _perturb(v: Decimal) -> list[Decimal]:
    """Plausible wrong values near ``v``, shown with as many decimals as ``v``."""
    q = _quantum(v)
    out = []
    for f in ("0.9", "1.1", "0.8", "1.2", "0.95", "1.05", "1.25", "0.75"):
        x = (v * Decimal(f)).quantize(q)
        if x != v and x > 0 and x not in out:
            out.append(x)
    for step in (1, 2, 5):
        for x in (v + q * step, v - q * step):
            if x != v and x > 0 and x not in out:
                out.append(x)
    return out


# -- generation from the rule catalog ---------------------------------------------------------
@dataclass(frozen=True)
class _Fact:
    """One limit of one rule for one grade, and how to state it."""
    rule: Rule
    keys: tuple[str, ...]
    grade: str | None
    values: tuple[Decimal, ...]
    kind: str                       # min | max | range | tolerance | scalar
    subject: str                    # 钢筋下屈服强度（牌号 HRB400）
    phrase: str = ""                # scalar facts: the stem with （ ） where the value goes
    unit: str = ""
    scale: int | Decimal = 1

    def show(self, values: Sequence[Decimal]) -> str:
        if self.kind in ("range", "tolerance"):
            return _pair(values[0], values[1], self.unit)
        return _with_unit(values[0], self.unit, self.scale)

    def stem(self) -> str:
        if self.kind == "min":
            return f"{self.subject}不应小于（ ）。"
        if self.kind == "max":
            return f"{self.subject}不应大于（ ）。"
        if self.kind in ("range", "tolerance"):
            return f"{self.subject}的允许偏差为（ ）。"
        return self.phrase

    def statement(self, values: Sequence[Decimal]) -> str:
        shown = self.show(values)
        if self.kind == "min":
            return f"{self.subject}的规定最小值为 {shown}"
        if self.kind == "max":
            return f"{self.subject}的规定最大值为 {shown}"
        if self.kind in ("range", "tolerance"):
            return f"{self.subject}的允许偏差为 {shown}"
        return self.phrase.replace("（ ）", f" {shown} ").replace("  ", " ").rstrip("。").rstrip()

    def group(self) -> str:
        # a worked example shares its limit's group: "M10 → 8.5 MPa" would give away "85 %" on the same paper
        return f"{self.rule.id}:{'/'.join(self.keys)}:{self.grade or ''}"

    def claims(self, option: int | None, values: Sequence[Decimal]) -> tuple[Claim, ...]:
        return tuple(Claim(option, self.rule.id, k, self.grade, v, self.scale) for k, v in zip(self.keys, values))


# scalar limits of the rate and ratio methods: key -> (stem with （ ）, scale, unit, difficulty)
_SCALARS: dict[str, dict[str, tuple[str, int, str, str]]] = {
    "deviation_rate": {
        "pass_rate": ("{item}检验，合格点率（合格率）达到（ ）及以上时，检验结果判为合格。", 100, "", "中"),
        "recheck_rate": ("{item}检验，合格点率（合格率）低于合格标准但不低于（ ）时，可再抽取相同数量的构件检验。", 100, "", "难"),
        "cap_factor": ("{item}检验，每次抽样检验结果中不合格点的最大偏差均不应大于允许偏差的（ ）倍。", 1, "", "难"),
    },
    "mean_min_ratio": {
        "mean_ratio": ("{item}：同一验收批试块强度平均值应大于或等于设计强度等级值的（ ）倍。", 1, "", "中"),
        "min_ratio": ("{item}：同一验收批试块强度的最小一组平均值应大于或等于设计强度等级值的（ ）。", 100, "", "中"),
    },
    "rebound": {
        "k": ("{item}：测区数不少于 10 个时，推定值 fcu,e = m − （ ）s。", 1, "", "难"),
        "min_areas": ("{item}：测区数少于（ ）个时，推定值取最小的测区换算强度值。", 1, "", "中"),
    },
}


# the rule as a true/false statement is the basic fact every mason should know: easier than recalling the number
_TF_DIFFICULTY = {("mean_min_ratio", "mean_ratio"): "易", ("mean_min_ratio", "min_ratio"): "易"}
# worked examples: the limit for one design grade (the number in the grade × the catalog's ratio);
# key -> (stem with （ ）, the example's grade without its prefix)
_EXAMPLES: dict[str, dict[str, tuple[str, str]]] = {
    "mean_min_ratio": {
        "mean_ratio": ("{item}：设计强度等级为 {grade} 时，同一验收批试块强度平均值应大于或等于（ ）。", "7.5"),
        "min_ratio": ("{item}：设计强度等级为 {grade} 时，同一验收批试块强度的最小一组平均值应大于或等于（ ）。", "10"),
    },
}


def cite(standard: str, clause: str) -> str:
    """A standard and its clause as a citation: 'GB 50203-2011 第4.0.12条', 'GB 50204-2015 第E.0.4条、表8.3.2';
    a table (表6) or a text already in words (第7.0.2条) stays as written."""
    parts = [f"第{c}条" if re.fullmatch(r"(?:[A-Z]|\d+)(?:\.\d+)+", c) else c for c in clause.split("、") if c]
    return f"{standard} {'、'.join(parts)}".strip()


def _spec_text(rule: Rule) -> str:
    b = rule.band
    label, unit = rule.spec_label, rule.spec_unit
    u = f" {unit}" if unit else ""
    if b.spec_min is not None and b.spec_min == b.spec_max:
        return f"{label} {_num(b.spec_min)}{u}"
    if b.spec_min is not None and b.spec_max is not None:
        return f"{label} {_num(b.spec_min)}～{_num(b.spec_max)}{u}"
    if b.spec_over is not None:
        return f"{label}大于 {_num(b.spec_over)}{u}"
    return ""


def _facts(rule: Rule) -> list[_Fact]:
    grade_label = getattr(rule, "grade_label", "牌号") or "牌号"
    spec = _spec_text(rule)
    out: list[_Fact] = []
    if rule.method in ("min_each", "max_each", "range_each"):
        for grade in rule.grades or (None,):
            conds = ([f"{grade_label} {grade}"] if grade else []) + ([spec] if spec else [])
            subject = rule.item + (f"（{'，'.join(conds)}）" if conds else "")
            if rule.method == "range_each":
                lo, hi = rule.limit("min", grade), rule.limit("max", grade)
                if lo is not None and hi is not None:
                    out.append(_Fact(rule, ("min", "max"), grade, (lo, hi), "range", subject, unit=rule.unit))
            else:
                key = "min" if rule.method == "min_each" else "max"
                v = rule.limit(key, grade)
                if v is not None:
                    out.append(_Fact(rule, (key,), grade, (v,), key, subject, unit=rule.unit))
        return out
    if rule.method == "deviation_rate":
        lo, hi = rule.limit("dev_min"), rule.limit("dev_max")
        out.append(_Fact(rule, ("dev_min", "dev_max"), None, (lo, hi), "tolerance", rule.item, unit=rule.unit))
    for key, (phrase, scale, unit, _) in _SCALARS.get(rule.method, {}).items():
        v = rule.limit(key)
        if v is not None:
            out.append(_Fact(rule, (key,), None, (v,), "scalar", rule.item,
                             phrase=phrase.format(item=rule.item), unit=unit, scale=scale))
    for key, (phrase, design) in _EXAMPLES.get(rule.method, {}).items():
        v = rule.limit(key)
        if v is not None:
            grade = f"{rule.grade_prefix}{design}"
            out.append(_Fact(rule, (key,), None, (v,), "example", rule.item,
                             phrase=phrase.format(item=rule.item, grade=grade), unit=rule.unit, scale=Decimal(design)))
    return out


def _difficulty(fact: _Fact, qtype: str) -> str:
    if qtype == MULTIPLE:
        return "难"
    if fact.kind == "example":
        return "中" if qtype == TRUE_FALSE else "难"
    if fact.kind == "scalar":
        if qtype == TRUE_FALSE and (fact.rule.method, fact.keys[0]) in _TF_DIFFICULTY:
            return _TF_DIFFICULTY[(fact.rule.method, fact.keys[0])]
        return _SCALARS[fact.rule.method][fact.keys[0]][3]
    if qtype == TRUE_FALSE:
        return "易"
    return "中"


def _confirmed(rule: Rule, keys: Iterable[str], rules: PaperRules) -> bool:
    """Every limit in ``keys`` has a confidence the settings generate from (a limit may state its own)."""
    of = getattr(rule, "confidence_of", lambda key: rule.confidence)
    return all(of(k) in rules.generate_confidence for k in keys)


def _usable(rule: Rule, rules: PaperRules, day: dt.date | None) -> bool:
    if not any(_confirmed(rule, (k,), rules) for k in rule.limits):
        return False
    if getattr(rule, "unconfirmed", ""):
        return False
    in_force = getattr(rule, "in_force", None)
    if in_force is not None and not in_force(day):
        return False
    return rules.category_of_rule(rule.id) is not None


def _distractors(fact: _Fact, peers: Sequence[tuple[Decimal, ...]], rng: random.Random, k: int = 3) -> list[tuple[Decimal, ...]]:
    """``k`` wrong value tuples: the same limit of other grades and rules first, then near values."""
    seen = {fact.values, *()}
    first = [p for p in dict.fromkeys(peers) if p != fact.values]
    rng.shuffle(first)
    if len(fact.values) == 2:
        lo, hi = fact.values
        near = []
        for d in _perturb(hi):
            near.append((-d, d) if lo == -hi else (lo, d))
        for d in _perturb(-lo if lo < 0 else lo):
            if lo != -hi:
                near.append((-d if lo < 0 else d, hi))
    else:
        near = [(d,) for d in _perturb(fact.values[0])]
    out: list[tuple[Decimal, ...]] = []
    shown = {fact.show(fact.values)}
    for cand in first + near:
        text = fact.show(cand)
        if cand in seen or text in shown:
            continue
        seen.add(cand)
        shown.add(text)
        out.append(cand)
        if len(out) == k:
            break
    return out


def generate_from_catalog(rules: Iterable[Rule], paper: PaperRules, day: dt.date | None = None) -> list[Question]:
    """Single-choice and true/false questions for every limit of every usable rule, and
    multiple-choice questions over the limits of one standard and grade.

    Usable: limits of a confidence in ``paper.generate_confidence`` (the limit's own when the catalog
    states one, else the rule's; other limits of the rule ask nothing), not marked unconfirmed, in force on
    ``day`` (when the catalog knows editions), and a category in ``paper.rule_categories``.
    Each answer is the catalog's value (see :class:`Claim`); wrong options are the same limit
    of other grades or rules, else near values.
    """
    rules = [r for r in rules if _usable(r, paper, day)]
    facts = [f for r in rules for f in _facts(r) if _confirmed(r, f.keys, paper)]
    peers: dict[tuple, list[tuple[Decimal, ...]]] = {}
    for f in facts:
        peers.setdefault(_peer_key(f), []).append(f.values)
    out: list[Question] = []
    tf_true = True
    for n, f in enumerate(facts, 1):
        rng = random.Random(f"{f.rule.id}|{'/'.join(f.keys)}|{f.grade}")
        cat = paper.category_of_rule(f.rule.id)
        basis = cite(f.rule.standard, f.rule.clause)
        wrong = _distractors(f, peers[_peer_key(f)], rng)
        if len(wrong) == 3:
            values = [f.values, *wrong]
            rng.shuffle(values)
            right = values.index(f.values)
            claims = tuple(c for i, v in enumerate(values) for c in f.claims(i, v))
            out.append(Question(
                id=f"{_qid(f)}-1",
                qtype=SINGLE, stem=f"依据 {basis}，{f.stem()}", options=tuple(f.show(v) for v in values),
                answer=LETTERS[right], category=cat, difficulty=_difficulty(f, SINGLE), source=basis,
                group=f.group(), rule_id=f.rule.id, claims=claims))
        if wrong:
            shown = f.values if tf_true else wrong[0]
            out.append(Question(
                id=f"{_qid(f)}-2",
                qtype=TRUE_FALSE, stem=f"依据 {basis}，{f.statement(shown)}。", options=TF_OPTIONS,
                answer="A" if tf_true else "B", category=cat, difficulty=_difficulty(f, TRUE_FALSE),
                source=basis, group=f.group(), rule_id=f.rule.id, claims=f.claims(None, shown)))
            tf_true = not tf_true
    out += _multiple_choice(facts, peers, paper)
    return out


def _qid(f: _Fact) -> str:
    return f"G-{f.rule.id}-{'-'.join(f.keys)}{'-' + f.grade if f.grade else ''}{'-例' if f.kind == 'example' else ''}"


def _peer_key(f: _Fact) -> tuple:
    """Facts whose values are wrong options for each other: the same limit of other grades and rules;
    a worked example's peers are the rule's other examples of the same design grade."""
    if f.kind == "example":
        return (f.rule.id, f.kind, f.scale)
    return (f.rule.item, f.kind, f.keys, f.unit, f.scale)


def _multiple_choice(facts: list[_Fact], peers: dict, paper: PaperRules) -> list[Question]:
    """Per standard and grade (and category): four statements, two or three of them true."""
    groups: dict[tuple, list[_Fact]] = {}
    for f in facts:
        if f.kind == "scalar":
            continue
        groups.setdefault((f.rule.standard, f.grade or "", paper.category_of_rule(f.rule.id)), []).append(f)
    out = []
    for (standard, grade, cat), fs in groups.items():
        if len({f.subject for f in fs}) < 4:
            continue
        rng = random.Random(f"multi|{standard}|{grade}|{cat}")
        chosen = rng.sample(fs, 4)
        n_true = 2 + rng.randrange(2)
        options, claims, answer = [], [], ""
        for i, f in enumerate(chosen):
            if i < n_true:
                values = f.values
            else:
                wrong = _distractors(f, peers[_peer_key(f)], rng, 1)
                if not wrong:
                    values = f.values
                else:
                    values = wrong[0]
            options.append((f.statement(values), f.claims(None, values), values == f.values))
        rng.shuffle(options)
        for i, (text, cl, ok) in enumerate(options):
            claims += [replace(c, option=i) for c in cl]
            if ok:
                answer += LETTERS[i]
        basis = cite(standard, "、".join(dict.fromkeys(c for f in chosen for c in f.rule.clause.split("、"))))
        who = f"牌号 {grade} " if grade else ""
        out.append(Question(
            id=f"G-{standard.replace('/', '').replace(' ', '')}-{grade or cat}-多选",
            qtype=MULTIPLE, stem=f"依据 {standard}，下列关于{who}{cat}检验要求的说法，正确的有（ ）。",
            options=tuple(t for t, _, _ in options), answer=answer, category=cat, difficulty="难",
            source=basis, group=f"multi:{standard}:{grade}:{cat}", rule_id="、".join(dict.fromkeys(f.rule.id for f in chosen)),
            claims=tuple(claims)))
    return out


def generate_from_settings(campaign: Campaign) -> list[Question]:
    """Questions on the campaign's own notice, from its settings (theme, report deadline)."""
    src = f"{campaign.notice_title or '活动通知'}（{campaign.doc_number}）"
    cat = "公文与程序"
    rng = random.Random(campaign.id)
    deadline = campaign.report_deadline
    wrong_days = [deadline - dt.timedelta(days=d) for d in (9, 5)] + [deadline + dt.timedelta(days=10)]
    dates = [deadline, *wrong_days]
    rng.shuffle(dates)
    fmt = lambda d: f"{d.month}月{d.day}日"  # noqa: E731
    return [
        Question(id=f"S-{campaign.id}-theme", qtype=TRUE_FALSE,
                 stem=f"{campaign.year}年“质量月”活动的主题是“{campaign.theme}”。", options=TF_OPTIONS, answer="A",
                 category=cat, difficulty="易", source=src, group="settings:theme"),
        Question(id=f"S-{campaign.id}-deadline", qtype=SINGLE,
                 stem=f"依据{campaign.year}年“质量月”活动通知，各市应于（ ）前将活动开展情况以报告形式报送。",
                 options=tuple(fmt(d) for d in dates), answer=LETTERS[dates.index(deadline)], category=cat,
                 difficulty="易", source=src, group="settings:deadline"),
    ]


def handwritten() -> list[Question]:
    """The hand-written questions (addin/contest/data/quiz_questions.toml)."""
    text = resources.files("addin.contest").joinpath("data", "quiz_questions.toml").read_text("utf-8")
    out = []
    for q in tomllib.loads(text)["question"]:
        options = tuple(q.get("options", TF_OPTIONS if q["type"] == TRUE_FALSE else ()))
        out.append(Question(id=q["id"], qtype=q["type"], stem=q["stem"], options=options, answer=q["answer"],
                            category=q["category"], difficulty=q["difficulty"], source=q["source"],
                            group=q.get("group", ""), note=q.get("note", "")))
    return out


def default_bank(campaign: Campaign, rules: Iterable[Rule] | None = None) -> list[Question]:
    """The packaged bank: generated from the campaign's rule catalog and settings, plus the hand-written questions."""
    if rules is None:
        from addin.rules.catalogs import campaign_rules
        from addin.rules.judge import catalog

        rules = campaign_rules(campaign.rule_files) or catalog()
    paper = campaign.quiz_rules.paper
    return (generate_from_catalog(rules, paper, campaign.activity_start) + generate_from_settings(campaign)
            + handwritten())


# -- validation ---------------------------------------------------------------------------------
def normalize_stem(text: str) -> str:
    """A stem as compared for duplicates: half-width, no spaces or punctuation."""
    t = to_halfwidth(text or "")
    return re.sub(r"[\s，。、；：？！,.;:?!“”\"'（）()]+", "", t)


_TYPE_ALIASES = {"单选": SINGLE, "单选题": SINGLE, "单项选择": SINGLE, "单项选择题": SINGLE,
                 "多选": MULTIPLE, "多选题": MULTIPLE, "多项选择": MULTIPLE, "多项选择题": MULTIPLE,
                 "判断": TRUE_FALSE, "判断题": TRUE_FALSE}
_TF_ANSWERS = {"正确": "A", "对": "A", "√": "A", "T": "A", "错误": "B", "错": "B", "×": "B", "X": "B", "F": "B"}


def _letters(raw: str) -> str:
    return re.sub(r"[\s,，、;；|┋]+", "", to_halfwidth(raw or "")).upper()


def validate_questions(rows: Sequence[dict[str, Any]], paper: PaperRules, file: str = "") -> tuple[list[Question], list[QuizFinding]]:
    """Questions from raw rows (keys: id, qtype, stem, options (list), answer, category, difficulty,
    source, group, rule_id, note, ref "题库!A5", cells {key: "题库!X5"}); the usable ones and the findings.

    A question with an error finding is not returned (never drawn); warnings keep it.
    """
    out: list[Question] = []
    findings: list[QuizFinding] = []
    seen_ids: dict[str, str] = {}
    seen_stems: dict[str, str] = {}
    for row in rows:
        def find(code: str, text: str, key: str, value: Any = "", row: dict = row) -> None:
            sheet, _, cell = (row.get("cells", {}).get(key) or row.get("ref") or "").rpartition("!")
            where = f"“{sheet}”表 {cell}：" if cell else ""
            findings.append(QuizFinding(code, where + text, file=file, sheet=sheet, cell=cell,
                                        value="" if value is None else str(value)))

        qid = clean_text(row.get("id")) or ""
        label = f"题目 {qid}" if qid else "题目"
        errors_before = sum(1 for f in findings if f.severity == ERROR)
        qtype = _check_type(row, qid, label, find)
        opts = _check_options(row, qtype, label, find)
        answer = _check_answer(row, qtype, opts, label, find)
        source = clean_text(row.get("source")) or ""
        if not source:
            find("quiz-missing-source", f"{label}未注明依据（法律法规条文或标准编号及条款），不能出题", "source")
        if qid in seen_ids:
            find("quiz-duplicate-id", f"题号 {qid} 与 {seen_ids[qid]} 重复", "id", qid)
        stem = clean_text(row.get("stem")) or ""
        key = normalize_stem(stem)
        if key and key in seen_stems:
            find("quiz-duplicate-stem", f"{label}的题干与 {seen_stems[key]} 相同，只采用前一道", "stem")
        category, difficulty = _check_category(row, paper, label, find)
        bad = sum(1 for f in findings if f.severity == ERROR) > errors_before
        dup_stem = bool(key) and key in seen_stems
        if qid and qid not in seen_ids:
            seen_ids[qid] = row.get("ref") or qid
        if key and key not in seen_stems:
            seen_stems[key] = f"题目 {qid}" + (f"（{row.get('ref')}）" if row.get("ref") else "")
        if bad or dup_stem:
            continue
        out.append(Question(id=qid, qtype=qtype, stem=stem, options=opts, answer=answer, category=category,
                            difficulty=difficulty, source=source, group=clean_text(row.get("group")) or "",
                            rule_id=clean_text(row.get("rule_id")) or "", note=clean_text(row.get("note")) or "",
                            claims=row.get("claims", ()), ref=row.get("ref", "")))
    return out, findings


def _check_type(row: dict, qid: str, label: str, find) -> str | None:
    """The required fields are there; the question type, or None when it cannot be read."""
    missing = [t for k, t in (("stem", "题干"), ("qtype", "题型"), ("answer", "答案"), ("category", "分类"))
               if not clean_text(row.get(k))]
    if not qid:
        missing.insert(0, "题号")
    if missing:
        find("quiz-missing-field", f"{label}缺少{'、'.join(missing)}", "id" if not qid else "stem")
    qtype = _TYPE_ALIASES.get(clean_text(row.get("qtype")) or "", None)
    if clean_text(row.get("qtype")) and qtype is None:
        find("quiz-bad-type", f"{label}的题型“{row.get('qtype')}”无法识别（应为单选、多选或判断）", "qtype",
             row.get("qtype"))
    return qtype


def _check_options(row: dict, qtype: str | None, label: str, find) -> tuple[str, ...]:
    """The options, trailing blanks dropped (a true/false question may leave them empty)."""
    raw_opts = [clean_text(o) or "" for o in row.get("options", [])]
    while raw_opts and not raw_opts[-1]:
        raw_opts.pop()
    if qtype == TRUE_FALSE and not any(raw_opts):
        raw_opts = list(TF_OPTIONS)
    opts = tuple(raw_opts)
    if qtype in (SINGLE, MULTIPLE):
        if "" in opts:
            find("quiz-bad-options", f"{label}的选项中间有空缺（选项{LETTERS[opts.index('')]}未填）", "options")
        elif len(opts) < (2 if qtype == SINGLE else 3):
            find("quiz-bad-options", f"{label}只有 {len(opts)} 个选项（{qtype}题至少 {2 if qtype == SINGLE else 3} 个）",
                 "options")
        elif len(set(opts)) != len(opts):
            find("quiz-bad-options", f"{label}有相同的选项", "options")
    elif qtype == TRUE_FALSE and opts != TF_OPTIONS:
        find("quiz-bad-options", f"{label}是判断题，选项应为“正确”“错误”（或留空）", "options")
    return opts


def _check_answer(row: dict, qtype: str | None, opts: tuple[str, ...], label: str, find) -> str:
    """The answer as sorted letters of the options (判断题 also accepts 正确/错误, 对/错 …)."""
    answer_raw = clean_text(row.get("answer")) or ""
    answer = _letters(answer_raw)
    if qtype == TRUE_FALSE:
        answer = _TF_ANSWERS.get(answer_raw, _TF_ANSWERS.get(answer, answer))
    if answer and qtype is not None:
        letters = LETTERS[:len(opts)]
        if any(ch not in letters for ch in answer) or len(set(answer)) != len(answer):
            find("quiz-answer-not-option", f"{label}的答案“{answer_raw}”不在选项 {letters[:1]}～{letters[-1:]} 中"
                 if letters else f"{label}没有选项，答案无从对应", "answer", answer_raw)
        elif qtype in (SINGLE, TRUE_FALSE) and len(answer) != 1:
            find("quiz-answer-not-option", f"{label}是{qtype}题，答案只能是一个字母，实为“{answer_raw}”", "answer",
                 answer_raw)
        answer = "".join(sorted(answer))
    return answer


def _check_category(row: dict, paper: PaperRules, label: str, find) -> tuple[str, str]:
    """Category (warned when the settings do not draw it) and difficulty (unknown → the middle one)."""
    category = clean_text(row.get("category")) or ""
    if category and category not in paper.categories:
        find("quiz-unknown-category", f"{label}的分类“{category}”不在活动设置的分类中（{'、'.join(paper.categories)}），"
             "组卷时不会被抽到", "category", category)
    difficulty = clean_text(row.get("difficulty")) or ""
    if difficulty not in paper.difficulties:
        mid = paper.difficulties[len(paper.difficulties) // 2]
        find("quiz-bad-difficulty", f"{label}的难度“{difficulty}”无法识别，按“{mid}”处理", "difficulty", difficulty)
        difficulty = mid
    return category, difficulty


def question_rows(questions: Iterable[Question]) -> list[dict[str, Any]]:
    """Questions as the raw rows :func:`validate_questions` takes (for the packaged bank)."""
    return [{"id": q.id, "qtype": q.qtype, "stem": q.stem, "options": list(q.options), "answer": q.answer,
             "category": q.category, "difficulty": q.difficulty, "source": q.source, "group": q.group,
             "rule_id": q.rule_id, "note": q.note, "claims": q.claims} for q in questions]


# -- the bank workbook ------------------------------------------------------------------------
# (key, title, width); options are 选项A … 选项F
BANK_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("id", "题号", 22), ("qtype", "题型", 7), ("stem", "题干", 60),
    *((f"opt{ch}", f"选项{ch}", 22) for ch in LETTERS),
    ("answer", "答案", 7), ("category", "分类", 11), ("difficulty", "难度", 6), ("source", "依据", 30),
    ("group", "题组", 16), ("rule_id", "规则编号", 18), ("note", "说明", 24),
)
_REQUIRED_TITLES = ("题号", "题型", "题干", "选项A", "选项B", "答案", "分类", "难度", "依据")


def bank_filename(campaign: Campaign) -> str:
    return f"{campaign.year}年质量知识竞赛题库.xlsx"


def write_bank(path: str | Path, campaign: Campaign, questions: Sequence[Question] | None = None) -> Path:
    """The bank workbook (题库 with drop-downs and notes, 填写说明, hidden 字典, very hidden _meta);
    filled with ``questions`` (default: the packaged default bank)."""
    from openpyxl import Workbook

    questions = list(default_bank(campaign) if questions is None else questions)
    wb = Workbook()
    guide = wb.active
    guide.title = BANK_GUIDE
    ws = wb.create_sheet(BANK_SHEET)
    _bank_rows(ws, questions)
    last = max(len(questions) + 1, 2) + 300
    lists = wb.create_sheet(BANK_LISTS)
    paper = campaign.quiz_rules.paper
    for c, values in enumerate((QUESTION_TYPES, paper.categories, paper.difficulties), 1):
        for r, v in enumerate(values, 1):
            lists.cell(r, c, v)
    lists.sheet_state = "hidden"
    _bank_checks(ws, paper, last)
    _bank_guide(guide, campaign)
    wb.active = 1
    return save_quiz_workbook(wb, path, "知识竞赛题库", BANK_META,
                              (("template_id", BANK_TEMPLATE_ID), ("campaign_id", campaign.id)),
                              title=f"{campaign.year}年质量知识竞赛题库", creator=campaign.authority,
                              when=dt.datetime.combine(campaign.notice_date, dt.time(9, 0)))


def save_quiz_workbook(wb, path: str | Path, kind: str, meta_sheet: str, meta: Iterable[tuple[str, Any]], *,
                       title: str | None = None, creator: str | None = None,
                       when: dt.datetime | None = None) -> Path:
    """Finish and save a quiz workbook (bank, key, answer sheet) the one way: its identity in a very
    hidden sheet the readers check, fixed document properties when given (the same bytes for the
    same paper), our output marker (never read as a city's return, addin.infra.marker), atomically."""
    sheet = wb.create_sheet(meta_sheet)
    for r, (k, v) in enumerate(meta, 1):
        sheet.cell(r, 1, k)
        sheet.cell(r, 2, v)
    sheet.sheet_state = "veryHidden"
    if title is not None:
        wb.properties.title = title
    if creator is not None:
        wb.properties.creator = creator
    if when is not None:
        wb.properties.created = wb.properties.modified = when
    mark_openpyxl(wb, kind)
    path = Path(path)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


_BANK_COL = {k: i for i, (k, _, _) in enumerate(BANK_COLUMNS, 1)}


def _bank_rows(ws, questions: Sequence[Question]) -> None:
    """题库: the styled header and one row per question."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    head_fill = PatternFill("solid", fgColor="1F4E78")
    for c, (_, title, width) in enumerate(BANK_COLUMNS, 1):
        cell = ws.cell(1, c, title)
        cell.font = Font(name="等线", bold=True, color="FFFFFF")
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "D2"
    for r, q in enumerate(questions, 2):
        values = {"id": q.id, "qtype": q.qtype, "stem": q.stem, "answer": q.answer, "category": q.category,
                  "difficulty": q.difficulty, "source": q.source, "group": q.group, "rule_id": q.rule_id, "note": q.note}
        if q.qtype != TRUE_FALSE:
            values.update({f"opt{LETTERS[i]}": o for i, o in enumerate(q.options)})
        for key, v in values.items():
            cell = ws.cell(r, _BANK_COL[key], v if v != "" else None)
            if isinstance(v, str) and v[:1] in "=+-@":
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=key in ("stem", "source") or key.startswith("opt"), vertical="top")


def _bank_checks(ws, paper: PaperRules, last: int) -> None:
    """Drop-downs (type, category, difficulty), the answer-letters rule and the red/yellow fills for a
    missing source and a repeated stem, on rows 2 to ``last``."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    col = _BANK_COL
    q = quote_sheetname(BANK_LISTS)

    def dv(key: str, formula: str, prompt: str) -> None:
        letter = get_column_letter(col[key])
        v = DataValidation(type="list", formula1=formula, allow_blank=True, showInputMessage=True, showErrorMessage=True)
        v.promptTitle, v.prompt = dict((k, t) for k, t, _ in BANK_COLUMNS)[key], prompt
        v.errorTitle, v.error = "输入有误", "请从下拉列表中选择"
        v.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(v)

    dv("qtype", f"{q}!$A$1:$A${len(QUESTION_TYPES)}", "单选、多选或判断")
    dv("category", f"{q}!$B$1:$B${len(paper.categories)}", "分类决定组卷时的题量比例（见活动设置）")
    dv("difficulty", f"{q}!$C$1:$C${len(paper.difficulties)}", "难度决定组卷时的难度比例")
    a = get_column_letter(col["answer"])
    v = DataValidation(type="custom", formula1=f'SUMPRODUCT(--ISERROR(FIND(MID({a}2,ROW(INDIRECT("1:"&LEN({a}2))),1),"ABCDEF")))=0',
                       allow_blank=True, showInputMessage=True, showErrorMessage=True)
    v.promptTitle, v.prompt = "答案", "填正确选项的字母，多选题连写（如 ACD）；判断题 A=正确、B=错误"
    v.errorTitle, v.error = "输入有误", "答案只能由大写字母 A～F 组成"
    v.add(f"{a}2:{a}{last}")
    ws.add_data_validation(v)
    src = get_column_letter(col["source"])
    stem = get_column_letter(col["stem"])
    ws.conditional_formatting.add(f"{src}2:{src}{last}", FormulaRule(
        formula=[f'AND(${stem}2<>"",LEN(TRIM({src}2))=0)'], fill=PatternFill("solid", fgColor="FFC7CE")))
    ws.conditional_formatting.add(f"{stem}2:{stem}{last}", FormulaRule(
        formula=[f'AND({stem}2<>"",COUNTIF(${stem}$2:${stem}${last},{stem}2)>1)'], fill=PatternFill("solid", fgColor="FFEB9C")))


def _bank_guide(guide, campaign: Campaign) -> None:
    """填写说明: how to write a question and how the bank is checked and drawn."""
    from openpyxl.styles import Alignment, Font

    lines = [
        f"{campaign.year}年质量知识竞赛题库",
        "",
        "1. 每行一道题。题型为单选、多选或判断；判断题不填选项（固定为 A 正确、B 错误）。",
        "2. 答案填正确选项的字母，多选题连写（如 ACD）。",
        "3. “依据”必填：法律法规条文（如《建设工程质量管理条例》第四十条）或标准编号及条款（如 GB/T 1499.2-2018 表6）。未注明依据的题目不会被抽到。",
        "4. “分类”“难度”从下拉列表选择；组卷按活动设置中的分类和难度比例抽题。",
        "5. “题组”相同的题目考的是同一知识点，同一份试卷最多抽其中一道。",
        "6. 题号以 G- 开头的题目由规则库自动生成（答案即规则库中的限值，“规则编号”为其出处）；以 S- 开头的取自活动设置；以 H- 开头的为人工编写。",
        "7. 读入题库时逐题检查：题干重复、答案不在选项中、缺少依据等问题会列出单元格，有错误的题目不会被抽到。",
        f"8. 组卷：qm quiz paper --bank 本文件.xlsx --n {campaign.quiz_rules.paper.n_questions} --seed 随机种子 -o 试卷目录",
    ]
    guide.column_dimensions["A"].width = 110
    for r, text in enumerate(lines, 1):
        cell = guide.cell(r, 1, text)
        cell.font = Font(name="等线", bold=r == 1, size=14 if r == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def read_bank(path: str | Path, campaign: Campaign) -> tuple[list[Question], list[QuizFinding]]:
    """The usable questions of a bank workbook and the findings (columns mapped by title).

    QuizError when the file cannot be read or has no 题库 sheet with the required columns.
    """
    from workbook_templates.reader import ReadError, open_calamine

    path = Path(path)
    if not path.is_file():
        raise QuizError(f"题库文件不存在：{path}", file=path)
    try:
        wb = open_calamine(path)[0]
    except ReadError as exc:
        raise QuizError(f"{path.name}：{exc.message}", file=path) from None
    if BANK_SHEET not in wb.sheet_names:
        raise QuizError(f"{path.name}：没有“{BANK_SHEET}”工作表（请用 qm template --quiz-bank 生成的题库）", file=path)
    rows = wb.get_sheet_by_name(BANK_SHEET).to_python(skip_empty_area=False)
    titles = [clean_text(t) or "" for t in (rows[0] if rows else [])]
    cols = {}
    for i, t in enumerate(titles):
        cols.setdefault(t, i)
    absent = [t for t in _REQUIRED_TITLES if t not in cols]
    if absent:
        raise QuizError(f"{path.name}：“{BANK_SHEET}”表第 1 行缺少列：{'、'.join(absent)}", file=path, sheet=BANK_SHEET)
    from openpyxl.utils import get_column_letter

    by_key = {k: cols.get(t) for k, t, _ in BANK_COLUMNS}

    def get(row: list, key: str) -> Any:
        i = by_key.get(key)
        if i is None or i >= len(row):
            return None
        v = row[i]
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return None if v is None or (isinstance(v, str) and not v.strip()) else str(v) if not isinstance(v, str) else v

    raw = []
    for r, row in enumerate(rows[1:], 2):
        values = {k: get(row, k) for k, _, _ in BANK_COLUMNS}
        if all(v is None for v in values.values()):
            continue
        cells = {k: f"{BANK_SHEET}!{get_column_letter(i + 1)}{r}" for k, i in by_key.items() if i is not None}
        cells["options"] = cells.get("optA", "")
        raw.append({**{k: values[k] for k in ("id", "qtype", "stem", "answer", "category", "difficulty", "source",
                                               "group", "rule_id", "note")},
                    "options": [values[f"opt{ch}"] for ch in LETTERS], "ref": cells.get("id", ""), "cells": cells})
    return validate_questions(raw, campaign.quiz_rules.paper, file=path.name)
