"""Papers for the knowledge contest: drawn from the bank by the settings' quotas, in variants, with
answer keys, printable papers and an answer-sheet workbook.

Why: the offline round is a printed paper and a sheet of letters; neighbours get different
variants (same questions, other order, options reshuffled), so a key per variant is needed and the
marking must know which variant each participant wrote. A paper is a pure function of the bank,
the settings, ``n`` and the seed: the same seed draws the same paper, so a paper can be rebuilt
and checked. Questions are grouped by type (单选, 多选, 判断) and shuffled only within their
group, so column k of the answer sheet has one type in every variant and one drop-down of letters.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from addin.campaign.contest import MULTIPLE, QUESTION_TYPES, SINGLE, TRUE_FALSE, PaperRules
from addin.campaign.settings import Campaign
from addin.contest.quizbank import LETTERS, Question, QuizError, QuizFinding, save_quiz_workbook
from addin.core.exact import short
from addin.core.normalize import clean_text

__all__ = ["PaperItem", "Variant", "Paper", "draw_paper", "write_paper_files", "write_answer_sheet", "write_key",
           "read_key", "Key", "KeyItem", "KEY_NAME", "SHEET_NAME", "ANSWER_SHEET", "ANSWER_COLUMNS",
           "valid_answers", "largest_remainder"]

KEY_NAME, SHEET_NAME, KEY_DOC = "答案.xlsx", "答题卡.xlsx", "参考答案.docx"   # KEY_DOC: docgen.quiz_paper
ANSWER_SHEET, SHEET_GUIDE, LISTS, META = "答题卡", "填写说明", "字典", "_meta"
ANSWER_TEMPLATE_ID, KEY_TEMPLATE_ID = "qm-quiz-answers", "qm-quiz-key"
# the identity columns of the answer sheet (and of an online export), by title
NAME, UNIT, CITY, VARIANT, TIME = "姓名", "单位", "城市", "试卷", "用时（秒）"
ANSWER_COLUMNS = ("序号", NAME, UNIT, CITY, VARIANT)
ANSWERED, INVALID = "已答题数", "无效答案数"
SECTION_TITLE = {SINGLE: "单项选择题", MULTIPLE: "多项选择题", TRUE_FALSE: "判断题"}


@dataclass(frozen=True)
class PaperItem:
    position: int                   # 1-based, on this variant
    question: Question
    order: tuple[int, ...]          # printed option i shows the bank's option order[i]
    points: Fraction

    @property
    def answer(self) -> str:
        """The printed letters of the right options."""
        right = set(self.question.answer_indexes)
        return "".join(LETTERS[i] for i, b in enumerate(self.order) if b in right)

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self.question.options[b] for b in self.order)


@dataclass(frozen=True)
class Variant:
    name: str
    items: tuple[PaperItem, ...]


@dataclass(frozen=True)
class Paper:
    id: str
    seed: int
    title: str
    variants: tuple[Variant, ...]
    minutes: int
    notes: tuple[str, ...] = ()

    @property
    def full_marks(self) -> Fraction:
        return sum((i.points for i in self.variants[0].items), Fraction(0))

    def sections(self) -> list[tuple[str, int, int]]:
        """(type, first position, last position) in paper order."""
        out = []
        for qtype in QUESTION_TYPES:
            pos = [i.position for i in self.variants[0].items if i.question.qtype == qtype]
            if pos:
                out.append((qtype, pos[0], pos[-1]))
        return out


def largest_remainder(total: int, shares: Sequence[tuple[str, Fraction]]) -> dict[str, int]:
    """``total`` split by ``shares`` (summing to 1): floors, then the largest remainders (ties: listed order)."""
    exact = [(name, share * total) for name, share in shares]
    counts = {name: math.floor(x) for name, x in exact}
    left = total - sum(counts.values())
    for name, _ in sorted(exact, key=lambda nx: -(nx[1] - math.floor(nx[1])))[:left]:
        counts[name] += 1
    return counts


def _pick(pool: list[Question], want: dict[str, int], used_groups: set[str]) -> list[Question]:
    """Take ``want[difficulty]`` questions from ``pool`` (already shuffled), one per group; a short
    difficulty is made up from the others in pool order."""
    taken: list[Question] = []

    def free(q: Question) -> bool:
        return q not in taken and (not q.group or q.group not in used_groups)

    for diff, k in want.items():
        for q in pool:
            if k <= 0:
                break
            if q.difficulty == diff and free(q):
                taken.append(q)
                used_groups.add(q.group) if q.group else None
                k -= 1
    short_by = sum(want.values()) - len(taken)
    for q in pool:
        if short_by <= 0:
            break
        if free(q):
            taken.append(q)
            used_groups.add(q.group) if q.group else None
            short_by -= 1
    return taken


def draw_paper(questions: Sequence[Question], n: int, seed: int, rules: PaperRules, campaign: Campaign,
               variants: int | None = None) -> tuple[Paper, list[QuizFinding]]:
    """A paper of ``n`` questions in ``variants`` variants (default: the settings').

    Category counts: ``n`` split by ``rules.category_shares`` (largest remainder); within a
    category, by ``rules.difficulty_shares``. A category or difficulty the bank cannot fill is
    made up from the others and reported (quiz-short-quota). A paper takes at most one question
    of a 题组. QuizError when the bank has fewer than ``n`` usable questions.
    """
    variants = variants or rules.variants
    if n < 1:
        raise QuizError("题量至少为 1")
    rng = random.Random(f"paper:{seed}")
    pool = sorted((q for q in questions if q.category in rules.categories), key=lambda q: q.id)
    distinct = len({q.group or q.id for q in pool})
    if distinct < n:
        raise QuizError(f"题库中可用的题目只有 {distinct} 道（同一题组计一道），不足 {n} 道，请补充题库或减少题量")
    rng.shuffle(pool)
    findings: list[QuizFinding] = []
    notes: list[str] = []
    used: set[str] = set()
    chosen: list[Question] = []
    counts = largest_remainder(n, rules.category_shares)
    for cat, k in counts.items():
        if k == 0:
            continue
        mine = [q for q in pool if q.category == cat]
        want = largest_remainder(k, rules.difficulty_shares)
        got = _pick(mine, want, used)
        have = {d: sum(1 for q in got if q.difficulty == d) for d in want}
        if len(got) < k:
            text = f"分类“{cat}”需要 {k} 道题，题库中只有 {len(got)} 道可用，其余由其他分类补足"
            notes.append(text)
            findings.append(QuizFinding("quiz-short-quota", text))
        elif have != want:
            detail = "、".join(f"{d} {want[d]}→{have[d]}" for d in want if want[d] != have[d])
            text = f"分类“{cat}”按难度比例应抽 {'、'.join(f'{d} {x}' for d, x in want.items())} 道，题库不足，调整为（{detail}）"
            notes.append(text)
            findings.append(QuizFinding("quiz-short-quota", text))
        chosen += got
    if len(chosen) < n:
        rest = [q for q in pool if q not in chosen]
        chosen += _fill(rest, n - len(chosen), used)
    digest = hashlib.sha256("|".join(sorted(q.id for q in chosen)).encode()).hexdigest()[:8]
    paper_id = f"{campaign.id}-S{seed}-N{n}-{digest}"
    out = []
    for v in range(variants):
        name = LETTERS[v]
        vr = random.Random(f"variant:{seed}:{name}")
        items: list[PaperItem] = []
        for qtype in QUESTION_TYPES:
            section = sorted((q for q in chosen if q.qtype == qtype), key=lambda q: q.id)
            vr.shuffle(section)
            for q in section:
                order = list(range(len(q.options)))
                if qtype != TRUE_FALSE and not any("以上" in o for o in q.options):
                    vr.shuffle(order)
                items.append(PaperItem(len(items) + 1, q, tuple(order), rules.points_of(qtype)))
        out.append(Variant(name, tuple(items)))
    from addin.consolidate.figures import region_word

    title = f"{campaign.year}年{region_word(campaign)}房屋市政工程质量知识竞赛试卷"
    return Paper(paper_id, seed, title, tuple(out), rules.minutes, tuple(notes)), findings


def _fill(rest: list[Question], k: int, used: set[str]) -> list[Question]:
    out = []
    for q in rest:
        if len(out) == k:
            break
        if not q.group or q.group not in used:
            out.append(q)
            if q.group:
                used.add(q.group)
    return out


def valid_answers(qtype: str, n_options: int) -> list[str]:
    """The answers a cell may hold: one letter (单选, 判断) or any letters in order (多选)."""
    letters = LETTERS[:n_options]
    if qtype != MULTIPLE:
        return list(letters)
    return ["".join(c) for k in range(1, n_options + 1) for c in itertools.combinations(letters, k)]


# -- the key ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyItem:
    position: int
    qtype: str
    answer: str                     # printed letters
    points: Fraction
    n_options: int
    order: str                      # bank letters in printed order, e.g. "CADB"
    question_id: str
    category: str
    difficulty: str
    source: str
    stem: str
    options: tuple[str, ...]        # bank order


@dataclass(frozen=True)
class Key:
    paper_id: str
    variants: dict[str, tuple[KeyItem, ...]]
    path: Path | None = None

    @property
    def n(self) -> int:
        return len(next(iter(self.variants.values())))

    @property
    def full_marks(self) -> Fraction:
        return sum((i.points for i in next(iter(self.variants.values()))), Fraction(0))


_KEY_COLUMNS = ("题序", "题型", "答案", "分值", "选项数", "原选项顺序", "题号", "分类", "难度", "依据", "题干",
                *(f"原选项{ch}" for ch in LETTERS))


def write_key(paper: Paper, path: str | Path) -> Path:
    """答案.xlsx: one sheet per variant (题序, 题型, 答案, 分值, the bank's option order, question,
    category, source), the very hidden paper id. ``qm quiz mark --key`` reads it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    for v in paper.variants:
        ws = wb.create_sheet(f"{v.name}卷")
        ws.append(list(_KEY_COLUMNS))
        for c in ws[1]:
            c.font = Font(bold=True)
        for it in v.items:
            q = it.question
            ws.append([it.position, q.qtype, it.answer, float(it.points), len(q.options),
                       "".join(LETTERS[b] for b in it.order), q.id, q.category, q.difficulty, q.source, q.stem,
                       *q.options, *([None] * (len(LETTERS) - len(q.options)))])
        for letter, width in zip("ABCDEFGHIJK", (6, 6, 7, 6, 7, 11, 26, 11, 6, 28, 60)):
            ws.column_dimensions[letter].width = width
        for row in ws.iter_rows(min_row=2):
            row[10].alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    return save_quiz_workbook(wb, path, "知识竞赛答案", META,
                              (("template_id", KEY_TEMPLATE_ID), ("paper_id", paper.id), ("seed", paper.seed),
                               ("variants", "".join(v.name for v in paper.variants))))


def read_key(where: str | Path) -> Key:
    """The key of a paper: ``where`` is the paper folder (its 答案.xlsx) or the key workbook itself."""
    from workbook_templates.reader import ReadError, meta_from_rows, open_calamine

    path = Path(where)
    if path.is_dir():
        path = path / KEY_NAME
    if not path.is_file():
        raise QuizError(f"找不到答案文件：{path}（应为 qm quiz paper 生成的试卷目录或其中的 {KEY_NAME}）", file=path)
    try:
        wb = open_calamine(path)[0]
    except ReadError as exc:
        raise QuizError(f"{path.name}：{exc.message}", file=path) from None
    meta = {}
    if META in wb.sheet_names:
        for row in wb.get_sheet_by_name(META).to_python():
            if row and row[0]:
                meta[str(row[0])] = row[1] if len(row) > 1 else None
    if meta.get("template_id") != KEY_TEMPLATE_ID:
        raise QuizError(f"{path.name} 不是 qm quiz paper 生成的答案文件", file=path)
    variants: dict[str, tuple[KeyItem, ...]] = {}
    for name in str(meta.get("variants") or ""):
        sheet = f"{name}卷"
        if sheet not in wb.sheet_names:
            raise QuizError(f"{path.name}：缺少工作表“{sheet}”", file=path)
        rows = wb.get_sheet_by_name(sheet).to_python()
        cols = {clean_text(t) or "": i for i, t in enumerate(rows[0])}
        items = []
        for row in rows[1:]:
            if not row or row[0] in (None, ""):
                continue
            g = lambda t: row[cols[t]] if cols.get(t) is not None and cols[t] < len(row) else None  # noqa: E731
            n_opt = int(g("选项数"))
            items.append(KeyItem(int(g("题序")), str(g("题型")), str(g("答案")), Fraction(str(g("分值"))), n_opt,
                                 str(g("原选项顺序") or ""), str(g("题号")), str(g("分类") or ""), str(g("难度") or ""),
                                 str(g("依据") or ""), str(g("题干") or ""),
                                 tuple(str(g(f"原选项{ch}") or "") for ch in LETTERS[:n_opt])))
        variants[name] = tuple(items)
    if not variants:
        raise QuizError(f"{path.name}：没有任何试卷版本", file=path)
    return Key(str(meta.get("paper_id") or ""), variants, path)


# -- the answer sheet ---------------------------------------------------------------------------
def write_answer_sheet(paper: Paper, path: str | Path, campaign: Campaign,
                       participants: Sequence[tuple[str, str, str]] = (), blank_rows: int = 300) -> Path:
    """答题卡.xlsx: one row per participant (姓名, 单位, 城市, 试卷), one column per question with a
    drop-down of its valid letters; 已答题数 and 无效答案数 by formulas, invalid cells in red.
    Works without the add-in (native validation, conditional formats and formulas only).
    ``participants``: (name, unit, city) rows to pre-fill; variants are dealt A, B, A, B … in order."""
    from openpyxl import Workbook

    wb = Workbook()
    guide = wb.active
    guide.title = SHEET_GUIDE
    ws = wb.create_sheet(ANSWER_SHEET)
    answer_lists = _write_lists(wb.create_sheet(LISTS), paper, campaign)
    rows = max(len(participants), 0) + (blank_rows if not participants else 20)
    last = rows + 1
    _answer_header(ws, paper)
    _answer_rows(ws, paper, participants, last, answer_lists)
    _answer_checks(ws, paper, campaign, last, answer_lists)
    _answer_guide(guide, paper)
    wb.active = 1
    return save_quiz_workbook(wb, path, "知识竞赛答题卡", META,
                              (("template_id", ANSWER_TEMPLATE_ID), ("paper_id", paper.id),
                               ("questions", len(paper.variants[0].items))),
                              title=f"{paper.title}答题卡", creator=campaign.authority,
                              when=dt.datetime.combine(campaign.activity_start, dt.time(9, 0)))


def _answer_kind(paper: Paper, position: int) -> tuple[str, int]:
    """(type, option count) of the question at 1-based ``position``: the widest over the variants."""
    items = [v.items[position - 1].question for v in paper.variants]
    return items[0].qtype, max(len(q.options) for q in items)


def _write_lists(lists, paper: Paper, campaign: Campaign) -> dict[tuple[str, int], str]:
    """字典 (hidden): A cities, B variants, then one column of valid answers per (type, option count);
    returns each kind's absolute range for the drop-downs and the formulas."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    for r, c in enumerate(campaign.cities, 1):
        lists.cell(r, 1, c.name)
    for r, v in enumerate(paper.variants, 1):
        lists.cell(r, 2, v.name)
    q = quote_sheetname(LISTS)
    answer_lists: dict[tuple[str, int], str] = {}
    for pos in range(1, len(paper.variants[0].items) + 1):
        kind = _answer_kind(paper, pos)
        if kind not in answer_lists:
            col = 3 + len(answer_lists)
            values = valid_answers(*kind)
            for r, a in enumerate(values, 1):
                lists.cell(r, col, a)
            letter = get_column_letter(col)
            answer_lists[kind] = f"{q}!${letter}$1:${letter}${len(values)}"
    lists.sheet_state = "hidden"
    return answer_lists


def _answer_header(ws, paper: Paper) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    n = len(paper.variants[0].items)
    first_q = len(ANSWER_COLUMNS) + 1
    last_q = first_q + n - 1
    head = [*ANSWER_COLUMNS, *(str(i) for i in range(1, n + 1)), ANSWERED, INVALID]
    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, title in enumerate(head, 1):
        cell = ws.cell(1, c, int(title) if title.isdigit() else title)
        cell.font = Font(name="等线", bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="548235" if c > last_q else "1F4E78")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    widths = {1: 6, 2: 10, 3: 24, 4: 9, 5: 6}
    for c in range(1, last_q + 3):
        ws.column_dimensions[get_column_letter(c)].width = widths.get(c, 5.5 if c <= last_q else 9)
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = ws.cell(2, first_q)


def _answer_rows(ws, paper: Paper, participants: Sequence[tuple[str, str, str]], last: int,
                 answer_lists: dict[tuple[str, int], str]) -> None:
    """Pre-filled participants (variants dealt in turn) and, on every row to ``last``, the two formulas."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    first_q = len(ANSWER_COLUMNS) + 1
    last_q = first_q + len(paper.variants[0].items) - 1
    answered_col, invalid_col = last_q + 1, last_q + 2
    for r, (name, unit, city) in enumerate(participants, 2):
        ws.cell(r, 1, r - 1)
        for c, v in ((2, name), (3, unit), (4, city)):
            cell = ws.cell(r, c, v or None)
            if isinstance(v, str) and v[:1] in "=+-@":
                cell.data_type = "s"
        ws.cell(r, 5, paper.variants[(r - 2) % len(paper.variants)].name)
    fl, ll = get_column_letter(first_q), get_column_letter(last_q)
    for r in range(2, last + 1):
        terms = []
        for qtype, a, b in paper.sections():
            rng = f"{get_column_letter(first_q + a - 1)}{r}:{get_column_letter(first_q + b - 1)}{r}"
            terms.append(f"SUMPRODUCT(({rng}<>\"\")*ISNA(MATCH({rng},{answer_lists[_answer_kind(paper, a)]},0)))")
        ws.cell(r, answered_col, f'=IF(COUNTA(B{r}:E{r})=0,"",COUNTA({fl}{r}:{ll}{r}))')
        ws.cell(r, invalid_col, f'=IF(COUNTA(B{r}:E{r})=0,"",{"+".join(terms)})')
        for c in (answered_col, invalid_col):
            ws.cell(r, c).font = Font(name="等线", color="375623")


def _answer_checks(ws, paper: Paper, campaign: Campaign, last: int, answer_lists: dict[tuple[str, int], str]) -> None:
    """Drop-downs (city, variant, each section's letters), red fill on invalid answers and on rows
    with answers but no name, and the print setup."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    from workbook_templates.printing import a4_setup

    n = len(paper.variants[0].items)
    first_q = len(ANSWER_COLUMNS) + 1
    fl, ll = get_column_letter(first_q), get_column_letter(first_q + n - 1)
    q = quote_sheetname(LISTS)
    red = PatternFill("solid", fgColor="FFC7CE")

    def dv(ref: str, formula: str, title: str, prompt: str, error: str) -> None:
        d = DataValidation(type="list", formula1=formula, allow_blank=True, showInputMessage=True, showErrorMessage=True)
        d.promptTitle, d.prompt, d.errorTitle, d.error = title, prompt, "输入有误", error
        d.add(ref)
        ws.add_data_validation(d)

    dv(f"D2:D{last}", f"{q}!$A$1:$A${len(campaign.cities)}", CITY, "从下拉列表选择城市", "请从下拉列表选择城市")
    dv(f"E2:E{last}", f"{q}!$B$1:$B${len(paper.variants)}", VARIANT, "试卷右上角印的版本（A 卷、B 卷……）",
       "请填写试卷版本字母")
    for qtype, a, b in paper.sections():
        valid = answer_lists[_answer_kind(paper, a)]
        ca, cb = get_column_letter(first_q + a - 1), get_column_letter(first_q + b - 1)
        how = "填一个字母" if qtype != MULTIPLE else "按字母顺序连写所选字母（如 ACD）"
        dv(f"{ca}2:{cb}{last}", valid, f"{SECTION_TITLE[qtype]}",
           f"第 {a}～{b} 题为{SECTION_TITLE[qtype]}：{how}；未答留空" + ("；A=正确，B=错误" if qtype == TRUE_FALSE else ""),
           f"请{how}")
        ws.conditional_formatting.add(f"{ca}2:{cb}{last}", FormulaRule(
            formula=[f'AND({ca}2<>"",ISNA(MATCH({ca}2,{valid},0)))'], fill=red))
    ws.conditional_formatting.add(f"B2:E{last}", FormulaRule(
        formula=[f'AND(COUNTA(${fl}2:${ll}2)>0,LEN(TRIM(B2))=0)'], fill=red))
    a4_setup(ws, f"{paper.title}答题卡", True, repeat_header_row=True, pages_wide=1 if n <= 30 else 2)
    ws.print_title_cols = "A:E"


def _answer_guide(guide, paper: Paper) -> None:
    """填写说明: how to fill the sheet and how it is marked."""
    from openpyxl.styles import Alignment, Font

    from workbook_templates.printing import a4_setup

    n = len(paper.variants[0].items)
    lines = [
        f"{paper.title}  答题卡（线下）",
        f"试卷编号：{paper.id}",
        "",
        f"1. 每位参赛人一行：姓名、单位、城市、试卷版本（试卷右上角印的 {'/'.join(v.name for v in paper.variants)} 卷）。",
        f"2. 第 1～{n} 列为各题答案，只填字母：单选题、判断题填一个字母（判断题 A=正确、B=错误），",
        "    多选题按字母顺序连写（如 ACD）；未答留空。",
        "3. 下拉列表只接受有效的字母；红色底色表示答案无效或缺少姓名等信息。",
        f"4. “{ANSWERED}”“{INVALID}”两列自动计算，不必填写。",
        f"5. 阅卷：qm quiz mark 本文件.xlsx --key 试卷目录 -o 成绩.xlsx（或在加载项中点击“知识竞赛阅卷”）。",
        "6. 试卷目录中的“答案.xlsx”是阅卷所用的标准答案，请妥善保管，不要修改。",
    ]
    guide.column_dimensions["A"].width = 90
    for r, text in enumerate(lines, 1):
        cell = guide.cell(r, 1, text)
        cell.font = Font(name="等线", bold=r == 1, size=14 if r == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        guide.row_dimensions[r].height = 24 if r == 1 else 18
    a4_setup(guide, SHEET_GUIDE, False)
    # one short line a row (no wrapping to go wrong) from the left margin: centred, LibreOffice cut the left edge
    guide.print_options.horizontalCentered = False


def write_paper_files(paper: Paper, out_dir: str | Path, campaign: Campaign,
                      participants: Sequence[tuple[str, str, str]] = ()) -> list[Path]:
    """Into ``out_dir``: 答案.xlsx (the key marking reads) and 答题卡.xlsx (pre-filled with
    ``participants`` when given). The printable papers are docgen.quiz_paper's."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [write_key(paper, out / KEY_NAME), write_answer_sheet(paper, out / SHEET_NAME, campaign, participants)]


def participants_from(path: str | Path) -> list[tuple[str, str, str]]:
    """(name, unit, city) of the 知识竞赛 sheet of a 汇总.xlsx or a scoring workbook."""
    from addin.contest.workbook import QUIZ, ScoringReadError, read_scoring_workbook, read_source

    try:
        _, people = read_source(path)
    except ScoringReadError:
        people = read_scoring_workbook(path).participants
    if not people:
        raise QuizError(f"{Path(path).name}：没有找到“{QUIZ}”表中的参赛人", file=path)
    return [(p.name, p.unit, p.city) for p in people]


def paper_summary(paper: Paper) -> list[str]:
    counts: dict[str, int] = {}
    for it in paper.variants[0].items:
        counts[it.question.category] = counts.get(it.question.category, 0) + 1
    return [f"试卷 {paper.id}：{len(paper.variants[0].items)} 题，卷面满分 {short(paper.full_marks)} 分，"
            f"{len(paper.variants)} 个版本（{'、'.join(v.name + '卷' for v in paper.variants)}）",
            "  分类：" + "，".join(f"{k} {v}" for k, v in counts.items()),
            *(f"  注意：{n}" for n in paper.notes)]
