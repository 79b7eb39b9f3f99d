"""Item analysis of a marked knowledge contest: what the industry does not know.

Why: the notice wants the contest to spread the laws and standards; the department learns which
rules to teach next year from the questions people got wrong. Per question: the correct rate
(share of papers with full marks on it), the discrimination index D = p(upper 27 %) − p(lower
27 %) of the papers ranked by their total, the point-biserial correlation of the item with the
total, and the most chosen wrong answer (in the bank's own letters, since variants reshuffle the
options). Per category, per clause (the question's 依据) and per city: mean rates.
:func:`weakest` gives the categories and clauses with the lowest rates, with their figures, for
the 全区报告.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from addin.campaign.contest import PaperRules, default

__all__ = ["ItemStat", "GroupStat", "Analysis", "analyse", "weakest", "Weakest", "read_weakest",
           "ITEM_SHEET", "CATEGORY_SHEET", "CITY_SHEET"]

ITEM_SHEET, CATEGORY_SHEET, CITY_SHEET, CLAUSE_SHEET = "题目分析", "分类分析", "城市分析", "条文分析"


@dataclass(frozen=True)
class ItemStat:
    question_id: str
    category: str
    source: str
    stem: str
    papers: int
    correct: int
    discrimination: Fraction | None       # D = p_upper − p_lower
    point_biserial: float | None
    wrong_choice: str                     # bank letters of the most chosen wrong answer ('' if none)
    wrong_count: int
    wrong_text: str

    @property
    def rate(self) -> Fraction:
        return Fraction(self.correct, self.papers) if self.papers else Fraction(0)


@dataclass(frozen=True)
class GroupStat:
    name: str
    questions: int
    responses: int
    correct: int

    @property
    def rate(self) -> Fraction:
        return Fraction(self.correct, self.responses) if self.responses else Fraction(0)


@dataclass(frozen=True)
class Analysis:
    items: tuple[ItemStat, ...]
    categories: tuple[GroupStat, ...]
    clauses: tuple[GroupStat, ...]
    cities: tuple[GroupStat, ...]
    city_categories: dict[tuple[str, str], GroupStat]
    papers: int
    group_size: int


def analyse(papers: Sequence, share: Fraction | None = None) -> Analysis:
    """``papers``: marked papers (addin.contest.marking.MarkedPaper: ``city``, ``earned``, ``responses``
    each with ``question_id``, ``category``, ``source``, ``stem``, ``correct``, ``chosen_bank``,
    ``answer_bank``, ``options``, ``blank``, ``invalid``). Upper and lower groups: the
    ``round(share × N)`` (at least 1) papers with the highest and the lowest totals, ties in input order
    (``share`` default: the settings' discrimination_share, 27 %)."""
    share = default(PaperRules, "discrimination_share") if share is None else share
    n = len(papers)
    g = max(1, math.floor(share * n + Fraction(1, 2))) if n else 0
    order = sorted(range(n), key=lambda i: -papers[i].earned)
    upper, lower = set(order[:g]), set(order[-g:]) if g else set()
    totals = [float(p.earned) for p in papers]
    mean = sum(totals) / n if n else 0.0
    sd = math.sqrt(sum((x - mean) ** 2 for x in totals) / n) if n else 0.0
    by_q: dict[str, list[tuple[int, object]]] = {}
    for i, p in enumerate(papers):
        for r in p.responses:
            by_q.setdefault(r.question_id, []).append((i, r))
    items = []
    for qid, rs in by_q.items():
        first = rs[0][1]
        correct = sum(1 for _, r in rs if r.correct)
        up = [r.correct for i, r in rs if i in upper]
        lo = [r.correct for i, r in rs if i in lower]
        d = (Fraction(sum(up), len(up)) - Fraction(sum(lo), len(lo))) if up and lo else None
        p_ = correct / len(rs)
        rpb = None
        if 0 < p_ < 1 and sd > 0:
            m1 = sum(totals[i] for i, r in rs if r.correct) / correct
            m0 = sum(totals[i] for i, r in rs if not r.correct) / (len(rs) - correct)
            rpb = (m1 - m0) / sd * math.sqrt(p_ * (1 - p_))
        wrong = Counter(r.chosen_bank for _, r in rs if not r.correct and not r.blank and not r.invalid
                        and r.chosen_bank != r.answer_bank)
        choice, count = (wrong.most_common(1)[0] if wrong else ("", 0))
        text = "；".join(first.options[ord(ch) - 65] for ch in choice if ord(ch) - 65 < len(first.options))
        items.append(ItemStat(qid, first.category, first.source, first.stem, len(rs), correct, d, rpb,
                              choice, count, text))
    items.sort(key=lambda s: (s.rate, s.question_id))

    def groups(key) -> tuple[GroupStat, ...]:
        acc: dict[str, list[int]] = {}
        qs: dict[str, set[str]] = {}
        for p in papers:
            for r in p.responses:
                k = key(p, r)
                if k is None:
                    continue
                a = acc.setdefault(k, [0, 0])
                a[0] += 1
                a[1] += r.correct
                qs.setdefault(k, set()).add(r.question_id)
        out = [GroupStat(k, len(qs[k]), a[0], a[1]) for k, a in acc.items()]
        return tuple(sorted(out, key=lambda s: (s.rate, s.name)))

    cats = groups(lambda p, r: r.category)
    clauses = groups(lambda p, r: r.source)
    cities = groups(lambda p, r: p.city or "（未填城市）")
    cc = {(s.name.split("\x1f")[0], s.name.split("\x1f")[1]): s
          for s in groups(lambda p, r: f"{p.city or '（未填城市）'}\x1f{r.category}")}
    return Analysis(tuple(items), cats, clauses, cities, cc, n, g)


@dataclass(frozen=True)
class Weakest:
    """The lowest correct rates: (name, rate, questions, responses) for categories and clauses."""
    categories: tuple[tuple[str, float, int, int], ...]
    clauses: tuple[tuple[str, float, int, int], ...]
    papers: int          # the 口径 of these figures: addin.consolidate.figures (quiz_weak_categories …)


def weakest(analysis: Analysis, n: int | None = None) -> Weakest:
    """The ``n`` categories and ``n`` clauses (依据) with the lowest correct rates, lowest first
    (``n`` default: the settings' weakest_n)."""
    n = n or default(PaperRules, "weakest_n")
    pick = lambda gs: tuple((g.name, float(g.rate), g.questions, g.responses) for g in gs[:n])  # noqa: E731
    return Weakest(pick(analysis.categories), pick(analysis.clauses), analysis.papers)


def read_weakest(path: str | Path, n: int | None = None, city: str | None = None) -> Weakest:
    """:func:`weakest` from a marking output (成绩.xlsx written by ``qm quiz mark``): its 分类分析 and
    条文分析 sheets, already sorted lowest first. For the 全区报告. QuizError naming the file when it
    is not a marking output.

    ``city``: that city's participants only (a city's report), from the 城市分析 sheet: its papers and
    its categories' rates (the rate of the city's responses); no clauses (the marking output gives
    them for the whole contest only). A city without papers gives an empty Weakest."""
    from addin.contest.quizbank import QuizError
    from workbook_templates.reader import ReadError, open_calamine

    n = n or default(PaperRules, "weakest_n")
    path = Path(path)
    try:
        wb = open_calamine(path)[0]
    except ReadError as exc:
        raise QuizError(f"{path.name}：{exc.message}", file=path) from None
    absent = [s for s in (ITEM_SHEET, CATEGORY_SHEET, CLAUSE_SHEET) if s not in wb.sheet_names]
    if absent:
        raise QuizError(f"{path.name} 不是 qm quiz mark 生成的成绩工作簿（缺少“{'”“'.join(absent)}”工作表）", file=path)

    def rows(sheet: str) -> tuple[tuple[str, float, int, int], ...]:
        data = wb.get_sheet_by_name(sheet).to_python()
        head = {str(t): i for i, t in enumerate(data[0])} if data else {}
        out = []
        try:
            for row in data[1:n + 1]:
                out.append((str(row[head["名称"]]), float(row[head["正确率"]]), int(row[head["题数"]]),
                            int(row[head["作答份数"]])))
        except (KeyError, IndexError, TypeError, ValueError):
            raise QuizError(f"{path.name}：“{sheet}”工作表的列或数值不是 qm quiz mark 写出的格式", file=path,
                            sheet=sheet) from None
        return tuple(out)

    papers = 0
    items = wb.get_sheet_by_name(ITEM_SHEET).to_python()
    if len(items) > 1:
        head = {str(t): i for i, t in enumerate(items[0])}
        try:
            papers = int(items[1][head["答卷数"]])
        except (KeyError, IndexError, TypeError, ValueError):
            raise QuizError(f"{path.name}：“{ITEM_SHEET}”工作表的列或数值不是 qm quiz mark 写出的格式", file=path,
                            sheet=ITEM_SHEET) from None
    if city is not None:
        return _city_weakest(wb, path, n, city)
    return Weakest(rows(CATEGORY_SHEET), rows(CLAUSE_SHEET), papers)


def _city_weakest(wb, path: Path, n: int, city: str) -> Weakest:
    """One city's row of 城市分析: (category, rate, questions, responses) lowest first, where a
    category's questions come from 分类分析 (every paper has the same questions) and its responses
    are the city's papers × those questions."""
    from addin.contest.quizbank import QuizError

    def table(sheet: str) -> tuple[dict[str, int], list]:
        if sheet not in wb.sheet_names:
            raise QuizError(f"{path.name} 不是 qm quiz mark 生成的成绩工作簿（缺少“{sheet}”工作表）", file=path)
        data = wb.get_sheet_by_name(sheet).to_python()
        return ({str(t): i for i, t in enumerate(data[0])} if data else {}), data[1:]

    try:
        head, data = table(CATEGORY_SHEET)
        questions = {str(r[head["名称"]]): int(r[head["题数"]]) for r in data}
        head, data = table(CITY_SHEET)
        row = next((r for r in data if str(r[head["城市"]]) == city), None)
        if row is None:
            return Weakest((), (), 0)
        papers = int(row[head["答卷份数"]])
        cats = [(t, float(row[i]), questions[t], papers * questions[t]) for t, i in head.items()
                if t in questions and row[i] not in (None, "")]
    except (KeyError, IndexError, TypeError, ValueError):
        raise QuizError(f"{path.name}：“{CITY_SHEET}”或“{CATEGORY_SHEET}”工作表的列或数值不是 qm quiz mark 写出的格式",
                        file=path) from None
    return Weakest(tuple(sorted(cats, key=lambda c: (c[1], c[0]))[:n]), (), papers)
