"""The knowledge contest: bank, papers, marking and item analysis against independent figures.

Generated questions are checked against the rule catalog itself (addin.rules.judge.catalog()),
the marking against scores computed by hand for hand-made answer sheets, and the item statistics
against a small example worked out on paper (see the comments).
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from addin.campaign.contest import MULTIPLE, SINGLE, TRUE_FALSE, paper_rules
from addin.contest.analysis import Weakest, analyse, read_weakest, weakest
from addin.contest.marking import mark, read_answer_sheet, read_online, seconds
from addin.contest.papers import (Paper, PaperItem, Variant, draw_paper, largest_remainder, read_key,
                                  write_answer_sheet, write_key)
from addin.contest.quizbank import (LETTERS, Question, default_bank, generate_from_catalog, read_bank,
                                    write_bank)
from addin.core.errors import SettingsError
from addin.rules.judge import catalog

NUMBER = re.compile(r"[+−-]?\d+(?:\.\d+)?")


def _numbers(text: str) -> set[Decimal]:
    return {abs(Decimal(m.replace("−", "-"))) for m in NUMBER.findall(text)}


# -- the bank -------------------------------------------------------------------------------
def test_every_generated_answer_is_the_catalog_value(campaign):
    rules = {r.id: r for r in catalog()}
    paper = campaign.quiz_rules.paper
    questions = generate_from_catalog(catalog(), paper, campaign.activity_start)
    assert len(questions) > 100
    checked = 0
    for q in questions:
        assert q.claims, q.id
        right = set(q.answer_indexes)
        by_option: dict = {}
        for c in q.claims:
            by_option.setdefault(c.option, []).append(c)
        for option, claims in by_option.items():
            if q.qtype == TRUE_FALSE:
                true, text = q.answer == "A", q.stem
            else:
                true, text = option in right, q.options[option]
            limits = [rules[c.rule_id].limit(c.key, c.grade) for c in claims]
            assert None not in limits, (q.id, claims)
            # a right option (or a true statement) states the catalog's values, a wrong one does not
            assert all(c.value == lim for c, lim in zip(claims, limits)) == true, (q.id, text, claims, limits)
            if true:
                for c, lim in zip(claims, limits):
                    assert abs(lim * c.scale) in _numbers(text), (q.id, text, lim)
            for c in claims:
                if c.scale not in (1, 100):     # a worked example: the grade it is computed for is in the stem
                    design = format(Decimal(c.scale).normalize(), "f")
                    assert f"{rules[c.rule_id].grade_prefix}{design}" in q.stem, (q.id, q.stem, c)
            checked += 1
        # the question cites the standard and clause of every rule it comes from, as a citation (第4.0.12条)
        for rid in {c.rule_id for c in q.claims}:
            assert rules[rid].standard in q.source, (q.id, q.source)
            for part in rules[rid].clause.split("、"):
                assert part in q.source, (q.id, q.source, part)
                if re.fullmatch(r"(?:[A-Z]|\d+)(?:\.\d+)+", part):
                    assert f"第{part}条" in q.source, (q.id, q.source)
        # only confirmed limits are asked (a rule may confirm some limits and not others)
        assert all(rules[c.rule_id].confidence_of(c.key) == "C" for c in q.claims), q.id
        if q.qtype == SINGLE:
            assert len(q.answer) == 1 and len(set(q.options)) == 4
    assert checked > 300
    # every confirmed rule of a known category gives questions
    covered = {c.rule_id for q in questions for c in q.claims}
    wanted = {r.id for r in catalog() if any(r.confidence_of(k) == "C" for k in r.limits) and paper.category_of_rule(r.id)
              and not getattr(r, "unconfirmed", "") and getattr(r, "in_force", lambda day: True)(campaign.activity_start)}
    assert wanted and wanted <= covered
    assert "gb50203.mortar" in covered          # 砌体: the batch rule is confirmed though note 1 is not
    assert not [r.id for r in catalog() if not any(r.confidence_of(k) == "C" for k in r.limits)
                and r.id in covered]   # rules with no confirmed limit ask nothing
    asked = {(c.rule_id, c.key) for q in questions for c in q.claims}
    assert ("gb50203.mortar", "min_groups") not in asked        # note 1 is recalled (P), not confirmed


def test_default_papers_meet_the_default_quotas(campaign):
    """The packaged bank fills every category and difficulty quota of a default paper, for any seed."""
    paper = campaign.quiz_rules.paper
    bank = default_bank(campaign)
    for seed in range(20):
        for variants in (2, 3):
            drawn, findings = draw_paper(bank, paper.n_questions, seed, paper, campaign, variants=variants)
            assert [f.message for f in findings if f.code == "quiz-short-quota"] == [], (seed, variants)
            got = {}
            for item in drawn.variants[0].items:
                got[item.question.category] = got.get(item.question.category, 0) + 1
            assert got == {k: v for k, v in largest_remainder(paper.n_questions, paper.category_shares).items() if v}


def test_catalog_limit_confidence_is_checked():
    from addin.rules.judge import Rule, RuleError

    raw = {"id": "x.m", "item": "砂浆", "method": "mean_min_ratio", "grade_prefix": "M",
           "limits": {"mean_ratio": 1.1, "min_ratio": 0.85}, "standard": "GB 50203-2011", "clause": "4.0.12",
           "message": "m", "message_ok": "ok", "confidence": "P"}
    rule = Rule.from_dict({**raw, "limit_confidence": {"mean_ratio": "C"}})
    assert rule.confidence_of("mean_ratio") == "C" and rule.confidence_of("min_ratio") == "P"
    for bad in ({"k": "C"}, {"mean_ratio": "X"}, ["C"]):
        with pytest.raises(RuleError):
            Rule.from_dict({**raw, "limit_confidence": bad})


def test_the_packaged_bank_loads_clean_and_round_trips_through_the_workbook(campaign, tmp_path):
    bank = default_bank(campaign)
    path = write_bank(tmp_path / "题库.xlsx", campaign, bank)
    read, findings = read_bank(path, campaign)
    assert findings == []
    assert [(q.id, q.qtype, q.stem, q.options, q.answer, q.category, q.difficulty, q.source) for q in read] == \
        [(q.id, q.qtype, q.stem, q.options, q.answer, q.category, q.difficulty, q.source) for q in bank]
    assert all(q.source for q in bank)
    hand = [q for q in bank if q.id.startswith("H-")]
    assert len(hand) >= 20 and {q.category for q in hand} >= {"法律法规", "房屋安全鉴定", "公文与程序", "混凝土"}


def test_each_defect_in_a_bank_gives_its_finding(campaign, tmp_path):
    good = [Question("Q1", SINGLE, "题干一（ ）", ("甲", "乙", "丙", "丁"), "A", "钢筋", "易", "GB/T 1499.2-2018 表6"),
            Question("Q2", MULTIPLE, "题干二（ ）", ("甲", "乙", "丙", "丁"), "AC", "钢筋", "中", "GB/T 1499.2-2018 表6"),
            Question("Q3", TRUE_FALSE, "题干三。", ("正确", "错误"), "B", "法律法规", "易", "《条例》第四十条")]
    path = write_bank(tmp_path / "题库.xlsx", campaign, good)
    wb = load_workbook(path)
    ws = wb["题库"]
    col = {c.value: c.column for c in ws[1]}
    rows = {  # row -> {title: value}; each row has exactly one defect
        5: {"题号": "D1", "题型": "单选", "题干": "题干一（ ）", "选项A": "x", "选项B": "y", "答案": "A", "分类": "钢筋",
            "难度": "易", "依据": "GB 1"},                                                # duplicate stem of Q1
        6: {"题号": "D2", "题型": "单选", "题干": "题干六", "选项A": "x", "选项B": "y", "答案": "E", "分类": "钢筋",
            "难度": "易", "依据": "GB 1"},                                                # answer not among the options
        7: {"题号": "D3", "题型": "单选", "题干": "题干七", "选项A": "x", "选项B": "y", "答案": "A", "分类": "钢筋",
            "难度": "易"},                                                                # no source
        8: {"题号": "D4", "题型": "填空", "题干": "题干八", "选项A": "x", "选项B": "y", "答案": "A", "分类": "钢筋",
            "难度": "易", "依据": "GB 1"},                                                # unknown type
        9: {"题号": "D5", "题型": "单选", "题干": "题干九", "选项A": "x", "选项B": "y", "答案": "AB", "分类": "钢筋",
            "难度": "易", "依据": "GB 1"},                                                # two letters on a single choice
        10: {"题号": "D6", "题型": "单选", "题干": "题干十", "选项A": "x", "选项C": "z", "答案": "A", "分类": "钢筋",
             "难度": "易", "依据": "GB 1"},                                               # gap in the options
        11: {"题号": "Q1", "题型": "单选", "题干": "题干十一", "选项A": "x", "选项B": "y", "答案": "A", "分类": "钢筋",
             "难度": "易", "依据": "GB 1"},                                               # duplicate id
        12: {"题号": "D8", "题型": "单选", "题干": "题干十二", "选项A": "x", "选项B": "y", "答案": "A", "分类": "园林",
             "难度": "易", "依据": "GB 1"},                                               # unknown category (kept)
        13: {"题号": "D9", "题型": "单选", "题干": "题干十三", "选项A": "x", "选项B": "y", "答案": "A", "分类": "钢筋",
             "难度": "很难", "依据": "GB 1"},                                             # unknown difficulty (kept as 中)
        14: {"题号": "D10", "题型": "单选", "选项A": "x", "选项B": "y", "答案": "A", "分类": "钢筋", "难度": "易",
             "依据": "GB 1"},                                                             # no stem
    }
    for r, values in rows.items():
        for title, v in values.items():
            ws.cell(r, col[title], v)
    wb.save(path)
    questions, findings = read_bank(path, campaign)
    got = {(f.code, f.cell) for f in findings}
    assert got == {("quiz-duplicate-stem", "C5"), ("quiz-answer-not-option", "J6"), ("quiz-missing-source", "M7"),
                   ("quiz-bad-type", "B8"), ("quiz-answer-not-option", "J9"), ("quiz-bad-options", "D10"),
                   ("quiz-duplicate-id", "A11"), ("quiz-unknown-category", "K12"), ("quiz-bad-difficulty", "L13"),
                   ("quiz-missing-field", "C14")}
    assert all(f.file == "题库.xlsx" and f.sheet == "题库" for f in findings)
    kept = {q.id: q for q in questions}
    assert sorted(kept) == ["D8", "D9", "Q1", "Q2", "Q3"]            # errors are not drawn; warnings are
    assert kept["D9"].difficulty == "中" and kept["Q1"].stem == "题干一（ ）"


def test_paper_settings_are_checked():
    assert paper_rules({}).multiple_choice == "all_or_nothing"
    assert paper_rules({"multiple_choice": "partial", "partial_share": 0.4}).partial_share == Fraction(2, 5)
    for bad in ({"multiple_choice": "some"}, {"partial_share": 1}, {"variants": 0}, {"points": {"填空": 1}},
                {"category_shares": {"钢筋": 0.5}}, {"difficulty_shares": {"易": 0.5, "怪": 0.5}}):
        with pytest.raises(SettingsError):
            paper_rules(bad)


# -- papers ---------------------------------------------------------------------------------
def _shape(paper):
    return [(v.name, [(i.question.id, i.order) for i in v.items]) for v in paper.variants]


def test_papers_are_deterministic_and_variants_cover_the_same_questions(campaign):
    bank = default_bank(campaign)
    rules = campaign.quiz_rules.paper
    one, notes = draw_paper(bank, 50, 7, rules, campaign)
    again, _ = draw_paper(list(reversed(bank)), 50, 7, rules, campaign)
    other, _ = draw_paper(bank, 50, 8, rules, campaign)
    assert _shape(one) == _shape(again) and one.id == again.id
    assert _shape(one) != _shape(other)
    a, b = one.variants
    assert len(a.items) == 50 and sorted(i.question.id for i in a.items) == sorted(i.question.id for i in b.items)
    assert [i.question.id for i in a.items] != [i.question.id for i in b.items]
    for v in one.variants:   # type sections in the same places on every variant
        assert [i.question.qtype for i in v.items] == [i.question.qtype for i in a.items]
        for it in v.items:   # the printed answer is the bank's answer through the option order
            assert sorted(it.order) == list(range(len(it.question.options)))
            assert {it.options[LETTERS.index(ch)] for ch in it.answer} == \
                {it.question.options[i] for i in it.question.answer_indexes}
    groups = [i.question.group for i in a.items if i.question.group]
    assert len(groups) == len(set(groups))
    counts = {}
    for it in a.items:
        counts[it.question.category] = counts.get(it.question.category, 0) + 1
    # 50 × shares (0.2, 0.2, 0.1, 0.15, 0.1, 0.05, 0.1, 0.1) = 10, 10, 5, 7.5, 5, 2.5, 5, 5: one place left,
    # the remainders .5 tie, the first listed (结构尺寸) takes it
    quotas = largest_remainder(50, rules.category_shares)
    assert quotas == {"法律法规": 10, "钢筋": 10, "混凝土": 5, "结构尺寸": 8, "电线电缆": 5, "砌体": 2,
                      "房屋安全鉴定": 5, "公文与程序": 5}
    assert sum(counts.values()) == 50
    for cat, k in quotas.items():        # a category the bank cannot fill is short, said so, and made up by others
        available = len({q.group or q.id for q in bank if q.category == cat})
        if available >= k:
            assert counts.get(cat, 0) >= k, cat
        else:
            assert counts.get(cat, 0) == available and any(cat in f.message for f in notes), cat
    assert all(f.code == "quiz-short-quota" for f in notes)

# -- marking --------------------------------------------------------------------------------
def _hand_paper():
    """Four questions; variant B reverses the question order within the single-choice section
    and reverses the options of every choice question."""
    s1 = Question("S1", SINGLE, "单选一", ("甲", "乙", "丙", "丁"), "A", "钢筋", "易", "依据一")
    s2 = Question("S2", SINGLE, "单选二", ("甲", "乙", "丙", "丁"), "C", "法律法规", "中", "依据二")
    m1 = Question("M1", MULTIPLE, "多选一", ("甲", "乙", "丙", "丁"), "AC", "钢筋", "难", "依据一")
    t1 = Question("T1", TRUE_FALSE, "判断一", ("正确", "错误"), "B", "法律法规", "易", "依据三")
    p2, p3, p1 = Fraction(2), Fraction(3), Fraction(1)
    a = Variant("A", (PaperItem(1, s1, (0, 1, 2, 3), p2), PaperItem(2, s2, (0, 1, 2, 3), p2),
                      PaperItem(3, m1, (0, 1, 2, 3), p3), PaperItem(4, t1, (0, 1), p1)))
    b = Variant("B", (PaperItem(1, s2, (3, 2, 1, 0), p2), PaperItem(2, s1, (3, 2, 1, 0), p2),
                      PaperItem(3, m1, (3, 2, 1, 0), p3), PaperItem(4, t1, (0, 1), p1)))
    return Paper("hand-paper", 1, "测试试卷", (a, b), 30)


# Keys: A = 1:A 2:C 3:AC 4:B;  B = 1:B (s2's C is printed 2nd) 2:D (s1's A printed 4th) 3:BD 4:B.  Full marks 8.
SHEET_ROWS = [  # name, city, variant, answers -> hand-computed points (all-or-nothing, partial 1/2)
    ("全对甲", "南宁市", "A", ("A", "C", "AC", "B"), 8, 8),
    ("全对乙", "柳州市", "B", ("b", "Ｄ", "D，B", "错"), 8, 8),            # lower case, full width, order, 错 = B
    ("漏选", "南宁市", "A", ("A", None, "A", "B"), 3, Fraction(9, 2)),    # blank; multiple choice subset: 0 or 1.5
    ("错选", "柳州市", "B", ("B", "D", "BC", "A"), 4, 4),                 # BC has a wrong letter: 0 either way
    ("无效", "南宁市", "A", ("E", "AB", "ACD", "X"), 0, 0),               # E not an option, AB on single, X = 错 -> B? see below
]


@pytest.mark.parametrize("mode", ["all_or_nothing", "partial"])
def test_marking_hand_made_answer_sheets(campaign, tmp_path, mode):
    import dataclasses

    paper = _hand_paper()
    write_key(paper, tmp_path / "答案.xlsx")
    key = read_key(tmp_path)
    assert key.full_marks == 8 and [i.answer for i in key.variants["B"]] == ["B", "D", "BD", "B"]
    sheet = write_answer_sheet(paper, tmp_path / "答题卡.xlsx", campaign, [(r[0], "某单位", r[1]) for r in SHEET_ROWS])
    wb = load_workbook(sheet)
    ws = wb["答题卡"]
    for r, (_, _, variant, answers, *_) in enumerate(SHEET_ROWS, 2):
        ws.cell(r, 5, variant)
        for c, a in enumerate(answers, 6):
            ws.cell(r, c, a)
    wb.save(sheet)
    rules = dataclasses.replace(campaign.quiz_rules, paper=paper_rules({"multiple_choice": mode}))
    result = mark(read_answer_sheet(sheet, key), key, rules, "答题卡.xlsx")
    got = {p.name: p.earned for p in result.papers}
    # "X" on a true/false question is read as 错 (×): B, right -> 1 point; so 无效 has 1 point
    want = {name: (aon if mode == "all_or_nothing" else part) for name, _, _, _, aon, part in SHEET_ROWS}
    want["无效"] = 1
    assert got == {k: Fraction(v) for k, v in want.items()}
    scores = {p.name: p.score for p in result.papers}
    assert scores["漏选"] == (Decimal("37.50") if mode == "all_or_nothing" else Decimal("56.25"))   # 3/8, 4.5/8 of 100
    assert scores["全对乙"] == Decimal("100.00")
    bad = sorted((f.code, f.cell) for f in result.findings)
    assert bad == [("quiz-invalid-answer", "F6"), ("quiz-invalid-answer", "G6")]
    assert "第 2 题" in [f.message for f in result.findings if f.cell == "G6"][0]


def test_unknown_variant_blank_row_and_a_sheet_of_another_paper(campaign, tmp_path):
    paper = _hand_paper()
    write_key(paper, tmp_path / "答案.xlsx")
    key = read_key(tmp_path)
    sheet = write_answer_sheet(paper, tmp_path / "答题卡.xlsx", campaign, [("甲", "单位", "南宁市"), ("乙", "单位", "南宁市")])
    wb = load_workbook(sheet)
    wb["答题卡"].cell(2, 5, "C")
    wb["答题卡"].cell(2, 6, "A")
    wb.save(sheet)
    result = mark(read_answer_sheet(sheet, key), key, campaign.quiz_rules)
    assert result.papers == [] and sorted(f.code for f in result.findings) == ["quiz-no-answers", "quiz-unknown-variant"]
    other = _hand_paper().__class__("other-paper", 1, "x", paper.variants, 30)
    write_key(other, tmp_path / "other.xlsx")
    with pytest.raises(Exception, match="与答案"):
        read_answer_sheet(sheet, read_key(tmp_path / "other.xlsx"))


def test_online_export_by_column_titles(campaign, tmp_path):
    paper = _hand_paper()
    write_key(paper, tmp_path / "答案.xlsx")
    key = read_key(tmp_path)
    csv_text = ("序号,提交答卷时间,所用时间,您的姓名,所在单位,所在城市,1、单选一,2、单选二,3、多选一,4、判断一,备注\n"
                "1,2022/9/20 10:00,2分5秒,全对甲,某单位,南宁市,A,C,A┋C,错误,\n"
                "2,2022/9/20 10:01,90秒,半对,某单位,柳州市,A,B,C,正确,\n")
    path = tmp_path / "线上.csv"
    path.write_bytes(csv_text.encode("gb18030"))           # 问卷星 exports GBK
    rows = read_online(path, key)
    assert [(r.name, r.city, seconds(r.time_used)) for r in rows] == [("全对甲", "南宁市", 125), ("半对", "柳州市", 90)]
    assert [r.variant for r in rows] == ["A", "A"]          # no 试卷 column: the A paper
    result = mark(rows, key, campaign.quiz_rules)
    # 半对 on A (key A, C, AC, B): A right 2, B wrong, C a subset (all or nothing: 0), 正确 = A wrong
    assert [(p.name, p.earned) for p in result.papers] == [("全对甲", 8), ("半对", 2)] and result.findings == []


def _four_papers(campaign, tmp_path):
    """The hand paper marked four times (two offline rows, two online rows); returns the MarkingRun."""
    from addin.usecases import mark_quiz

    paper = _hand_paper()
    write_key(paper, tmp_path / "答案.xlsx")
    sheet = write_answer_sheet(paper, tmp_path / "答题卡.xlsx", campaign, [("甲", "单位", "南宁市"), ("乙", "单位", "柳州市")])
    wb = load_workbook(sheet)
    for r, answers in ((2, ("A", "C", "AC", "B")), (3, ("A", "C", None, None))):   # A: 8/8; B: 2+0... see below
        for c, a in enumerate(answers, 6):
            wb["答题卡"].cell(r, c, a)
    wb.save(sheet)
    # row 3 is variant B (dealt A, B): its key is B, D, BD, B, so "A", "C" score 0: 0/8
    (tmp_path / "线上.csv").write_text("姓名,单位,城市,试卷,用时（秒）,1,2,3,4\n甲,单位,南宁市,A,100,A,C,A,B\n"
                                      "乙,单位,柳州市,B,200,B,D,BD,B\n", "utf-8")
    return mark_quiz(campaign, tmp_path, tmp_path / "成绩.xlsx", answer_sheets=[sheet], online=[tmp_path / "线上.csv"])


def test_marks_are_ranked_by_qm_score(campaign, tmp_path):
    from addin.usecases import score_contest

    run = _four_papers(campaign, tmp_path)
    assert run.errors == 0
    scored = score_contest(run.output, campaign, tmp_path / "计分结果.xlsx", award_list=False)
    people = {p.participant.name: p for p in scored.quiz.individuals}
    # 甲: online 5/8 = 62.5, offline 100 -> 0.4 × 62.5 + 0.6 × 100 = 85; 乙: online 100, offline 0 -> 40
    assert (people["甲"].final, people["甲"].rank) == (85.0, 1)
    assert (people["乙"].final, people["乙"].rank) == (40.0, 2)
    assert scored.errors == 0
    w = read_weakest(run.output)
    assert w.papers == 4 and w.categories[0][0] in ("钢筋", "法律法规")


# -- item analysis ----------------------------------------------------------------------------
def _resp(qid, cat, correct, chosen, answer="A", blank=False):
    return SimpleNamespace(question_id=qid, category=cat, source=f"依据{qid}", stem=qid, options=("甲", "乙", "丙", "丁"),
                           correct=correct, chosen_bank=chosen, answer_bank=answer, blank=blank, invalid=False)


def test_item_statistics_on_a_small_example():
    # Four papers, two questions (Q1 钢筋 worth 2, Q2 法规 worth 1). Totals: P1 3, P2 2, P3 1, P4 0.
    papers = [
        SimpleNamespace(city="南宁市", earned=Fraction(3), responses=[_resp("Q1", "钢筋", True, "A"), _resp("Q2", "法规", True, "A")]),
        SimpleNamespace(city="南宁市", earned=Fraction(2), responses=[_resp("Q1", "钢筋", True, "A"), _resp("Q2", "法规", False, "B")]),
        SimpleNamespace(city="柳州市", earned=Fraction(1), responses=[_resp("Q1", "钢筋", False, "C"), _resp("Q2", "法规", True, "A")]),
        SimpleNamespace(city="柳州市", earned=Fraction(0), responses=[_resp("Q1", "钢筋", False, "C"), _resp("Q2", "法规", False, "", blank=True)]),
    ]
    a = analyse(papers)
    items = {s.question_id: s for s in a.items}
    # group size round(0.27 × 4) = 1: upper = P1, lower = P4
    assert a.group_size == 1
    assert items["Q1"].rate == Fraction(1, 2) and items["Q1"].discrimination == 1
    assert items["Q2"].rate == Fraction(1, 2) and items["Q2"].discrimination == 1
    # point-biserial, totals 3,2,1,0: mean 1.5, population sd sqrt(1.25).
    # Q1: right P1,P2 (mean 2.5), wrong (mean 0.5): (2.5-0.5)/sqrt(1.25) * sqrt(.25) = 0.894427
    # Q2: right P1,P3 (mean 2.0), wrong (mean 1.0): (2.0-1.0)/sqrt(1.25) * 0.5 = 0.447214
    assert items["Q1"].point_biserial == pytest.approx(2 / math.sqrt(1.25) * 0.5)
    assert items["Q2"].point_biserial == pytest.approx(1 / math.sqrt(1.25) * 0.5)
    assert (items["Q1"].wrong_choice, items["Q1"].wrong_count, items["Q1"].wrong_text) == ("C", 2, "丙")
    assert (items["Q2"].wrong_choice, items["Q2"].wrong_count) == ("B", 1)       # the blank is not a choice
    cities = {g.name: g for g in a.cities}
    assert cities["南宁市"].rate == Fraction(3, 4) and cities["柳州市"].rate == Fraction(1, 4)
    assert a.city_categories[("柳州市", "钢筋")].rate == 0
    w = weakest(a, 1)
    assert w.categories == (("法规", 0.5, 1, 4),) or w.categories == (("钢筋", 0.5, 1, 4),)
    assert w.papers == 4


# -- the ribbon button -------------------------------------------------------------------------
def test_quiz_marking_button(campaign, tmp_path):
    tab = pytest.importorskip("tests.excel.test_addin_buttons")
    import addin.excel.buttons as b

    paper = _hand_paper()
    write_key(paper, tmp_path / "答案.xlsx")
    sheet = write_answer_sheet(paper, tmp_path / "答题卡.xlsx", campaign, [("甲", "单位", "南宁市")])
    wb = load_workbook(sheet)
    for c, a in enumerate(("A", "C", "AC", "B"), 6):
        wb["答题卡"].cell(2, c, a)
    wb.save(sheet)
    out = tmp_path / "输出"
    book = tab.control_book({"答题卡": str(sheet), "输出目录": str(out)})
    b.quiz_marking(book)
    (text, mode), = tab.alerts(book)
    assert mode == "info" and "阅卷 1 份" in text, text
    marks = load_workbook(out / "知识竞赛成绩.xlsx")["知识竞赛"]
    assert [c.value for c in marks[2]][:5] == ["甲", "单位", "南宁市", None, 100]
    book = tab.control_book({})
    b.quiz_marking(book)
    (text, mode), = tab.alerts(book)
    assert mode == "critical" and "答题卡" in text


# -- the 全区报告's paragraph on the weakest categories and clauses -----------------------------------
# The four papers of _four_papers, by hand (full marks per response; all-or-nothing multiple choice):
#   offline 甲 (A): A C AC B  -> S1 ✓ S2 ✓ M1 ✓ T1 ✓
#   offline 乙 (B): A C – –   -> key B D BD B: ✗ ✗ ✗ ✗
#   online  甲 (A): A C A B   -> S1 ✓ S2 ✓ M1 ✗ (a subset) T1 ✓
#   online  乙 (B): B D BD B  -> ✓ ✓ ✓ ✓
# 钢筋 (S1, M1): 5 of 8 = 62.5 %; 法律法规 (S2, T1): 6 of 8 = 75 %.
# 依据一 (S1, M1): 5/8 = 62.5 %; 依据二 (S2): 3/4 = 75 %; 依据三 (T1): 3/4 = 75 % (ties by name: 三 < 二).
def test_read_weakest_on_hand_computed_marks(campaign, tmp_path):
    w = read_weakest(_four_papers(campaign, tmp_path).output)
    assert w.papers == 4
    assert w.categories == (("钢筋", 0.625, 2, 8), ("法律法规", 0.75, 2, 8))
    assert w.clauses == (("依据一", 0.625, 2, 8), ("依据三", 0.75, 1, 4), ("依据二", 0.75, 1, 4))


def test_province_report_names_the_weakest_categories_from_the_ledger(campaign, tmp_path):
    import datetime as dt

    from addin.consolidate.figures import FIGURES
    from docgen.report import build_province_report
    from tests.docgen_fixtures import build_consolidated, docx_text

    marks = _four_papers(campaign, tmp_path).output
    c = build_consolidated(tmp_path / "fx")
    day = dt.date(2022, 10, 14)
    with_marks = docx_text(build_province_report(c, tmp_path / "有.docx", date=day, quiz_marks=marks))
    without = docx_text(build_province_report(c, tmp_path / "无.docx", date=day))
    para = ("知识竞赛阅卷4份。经逐题分析，正确率最低的知识分类为钢筋（正确率62.5%，2题）、法律法规（正确率75.0%，2题）。"
            "正确率最低的条文依次为：依据一（正确率62.5%，2题）；依据三（正确率75.0%，1题）；依据二（正确率75.0%，1题）。"
            "上述内容")
    assert para in with_marks
    assert "正确率最低" not in without and "知识竞赛阅卷" not in without       # no marks: no paragraph at all
    # the figures are the ledger's: listed with their 口径 in 统计口径说明
    for key in ("quiz_papers_marked", "quiz_weak_categories", "quiz_weak_clauses"):
        assert FIGURES[key].name in with_marks and FIGURES[key].basis in with_marks
        assert FIGURES[key].name not in without
    assert "钢筋（62.5%）、法律法规（75.0%）" in with_marks
    assert "依据一（62.5%）；依据三（75.0%）；依据二（75.0%）" in with_marks


def test_city_report_names_the_citys_weakest_categories(campaign, tmp_path):
    """甲 (南宁市) wrote two papers: offline all right; online M1 (钢筋) wrong (A for AC). 南宁市:
    钢筋 3 of 4 responses right = 75.0 %, 法律法规 4 of 4 = 100.0 %. 乙 (柳州市): 2 of 4 in each = 50.0 %
    (a tie: by name). A city without participants: no paragraph."""
    import datetime as dt

    from docgen.report import build_city_report
    from tests.docgen_fixtures import build_consolidated, docx_text

    marks = _four_papers(campaign, tmp_path).output
    assert read_weakest(marks, city="南宁市") == Weakest((("钢筋", 0.75, 2, 4), ("法律法规", 1.0, 2, 4)), (), 2)
    assert read_weakest(marks, city="柳州市") == Weakest((("法律法规", 0.5, 2, 4), ("钢筋", 0.5, 2, 4)), (), 2)
    assert read_weakest(marks, city="桂林市") == Weakest((), (), 0)
    c = build_consolidated(tmp_path / "fx")
    day = dt.date(2022, 10, 8)
    text = docx_text(build_city_report(c, "南宁市", tmp_path / "南宁.docx", date=day, quiz_marks=marks))
    assert ("全区知识竞赛阅卷中，我市参赛人员答卷2份。经逐题分析，我市参赛人员正确率最低的知识分类为"
            "钢筋（正确率75.0%，2题）、法律法规（正确率100.0%，2题）。上述内容") in text
    assert "正确率最低的条文" not in text
    other = docx_text(build_city_report(c, "桂林市", tmp_path / "桂林.docx", date=day, quiz_marks=marks))
    assert "知识竞赛阅卷" not in other and "正确率最低" not in other


def test_qm_report_city_with_quiz_marks(campaign, tmp_path):
    """The CLI no longer refuses --city with --quiz-marks: the city is the return's, the rates its participants'."""
    from addin.cli.main import main
    from addin.demo.generator import build_city_workbook, generate_city
    from tests.docgen_fixtures import docx_text

    marks = _four_papers(campaign, tmp_path).output
    src = tmp_path / "南宁市_质量月填报表.xlsx"
    build_city_workbook(campaign, generate_city(campaign, campaign.city_by_name("南宁市"))).save(src)
    out = tmp_path / "本市报告.docx"
    assert main(["report", "--city", str(src), "--quiz-marks", str(marks), "-o", str(out), "--date", "2022-10-08"]) == 0
    assert "我市参赛人员正确率最低的知识分类为钢筋（正确率75.0%，2题）、法律法规（正确率100.0%，2题）。" in docx_text(out)
    assert main(["report", "--city", str(src), "--quiz-marks", str(src), "-o", str(tmp_path / "x.docx")]) == 2


def test_weakest_clauses_read_as_citations_in_the_report(campaign, tmp_path):
    """A citation naming two clauses keeps its "、"; the list separates citations by "；", and the bank
    writes clause numbers as 第…条 and one source per question (no "；" inside a citation)."""
    import datetime as dt

    from addin.contest.analysis import Weakest
    from docgen.report import build_province_report
    from tests.docgen_fixtures import build_consolidated, docx_text

    w = Weakest(categories=(("结构尺寸", 0.5, 3, 30),),
                clauses=(("GB 50204-2015 第E.0.4条、第E.0.5条", 0.4, 2, 20), ("GB 50203-2011 第4.0.12条", 0.5, 1, 10)),
                papers=10)
    c = build_consolidated(tmp_path / "fx")
    text = docx_text(build_province_report(c, tmp_path / "r.docx", date=dt.date(2022, 10, 14), quiz_marks=w))
    assert ("正确率最低的条文依次为：GB 50204-2015 第E.0.4条、第E.0.5条（正确率40.0%，2题）；"
            "GB 50203-2011 第4.0.12条（正确率50.0%，1题）。") in text
    for q in default_bank(campaign):
        assert "；" not in q.source and ";" not in q.source, (q.id, q.source)
        clauses = re.split(r"[ 、]", q.source)[1:]          # after the standard's number
        assert not [t for t in clauses if re.fullmatch(r"(?:[A-Z]|\d+)(?:\.\d+)+", t)], (q.id, q.source)


def test_paper_and_marking_paths_are_checked_before_any_work(campaign, tmp_path):
    """A FIFO as an answer sheet, key or bank is refused at once (it used to block the reader), and
    an output over an input is refused before anything is written."""
    import os

    from addin.core.errors import QmError
    from addin.usecases import make_quiz_paper, mark_quiz

    paper = _hand_paper()
    write_key(paper, tmp_path / "答案.xlsx")
    sheet = write_answer_sheet(paper, tmp_path / "答题卡.xlsx", campaign, [("甲", "单位", "南宁市")])
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    for kw in ({"answer_sheets": [fifo]}, {"answer_sheets": [sheet], "online": [fifo]},
               {"answer_sheets": [sheet], "scoring": fifo}):
        with pytest.raises(QmError, match="命名管道"):
            mark_quiz(campaign, tmp_path, tmp_path / "成绩.xlsx", **kw)
    with pytest.raises(QmError, match="命名管道"):
        mark_quiz(campaign, fifo, tmp_path / "成绩.xlsx", answer_sheets=[sheet])
    with pytest.raises(QmError, match="命名管道"):
        make_quiz_paper(campaign, tmp_path / "卷", bank=fifo)
    before = sheet.read_bytes()
    with pytest.raises(QmError, match="输入"):
        mark_quiz(campaign, tmp_path, sheet, answer_sheets=[sheet])
    assert sheet.read_bytes() == before
    with pytest.raises(QmError, match="答案文件"):                      # 答案.xlsx is a folder in the output
        (tmp_path / "卷2" / "答案.xlsx").mkdir(parents=True)
        make_quiz_paper(campaign, tmp_path / "卷2")
    assert not list((tmp_path / "卷2").glob("*.docx"))
    with pytest.raises(QmError, match="版本数"):
        make_quiz_paper(campaign, tmp_path / "卷3", variants=7)


def test_our_quiz_workbooks_carry_the_output_marker(campaign, tmp_path):
    from addin.infra.marker import own_output_kind
    from addin.usecases import make_quiz_paper

    run = make_quiz_paper(campaign, tmp_path / "卷", n=10)
    kinds = {p.name: own_output_kind(p) for p in run.files if p.suffix == ".xlsx"}
    assert kinds == {"答案.xlsx": "知识竞赛答案", "答题卡.xlsx": "知识竞赛答题卡"}
    assert own_output_kind(write_bank(tmp_path / "题库.xlsx", campaign)) == "知识竞赛题库"
    assert own_output_kind(_four_papers(campaign, tmp_path / "m").output) == "评分工作簿"
