"""Marking the knowledge contest: offline answer sheets and the online round's export, by the key.

Why: the contest's results feed the existing 知识竞赛 ranking (``qm score``), so the marks are
written in exactly the layout it reads (a scoring workbook whose 知识竞赛 sheet holds 线上成绩 and
线下成绩), and nothing about ranking is decided here. Each paper is marked by its own variant's
key. An answer is letters: full-width, lower case, separators and order do not matter ("a，c" is
AC); 判断 also takes 正确/错误/对/错/√/×. A letter that is not an option, or two letters on a
single-choice question, scores 0 and is a finding. Multiple choice: all or nothing, or a share
for a correct subset without a wrong letter (settings). A paper's score is its points ÷ the
paper's full marks × the contest's 满分, rounded half-up once to the settings' decimals.

Online export layout (CSV or .xlsx, one row per participant, columns found by title):
姓名 (or 参赛人), 单位 (所在单位/工作单位), 城市 (所在城市/地市), optional 试卷 (version letter;
without it, the first variant, A) and 用时（秒） (所用时间/答题用时: "125", "125秒", "2分5秒", "00:02:05"), and one column
per question titled by its number on the paper: "1", "第1题", "Q1", or "1、题干……" as
问卷星/腾讯问卷 export it. Other columns are ignored.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from addin.campaign.contest import MULTIPLE, SINGLE, TRUE_FALSE, QuizRules
from addin.campaign.settings import Campaign
from addin.contest.papers import (ANSWER_SHEET, ANSWER_TEMPLATE_ID, CITY, META, NAME, UNIT, VARIANT, Key,
                                  KeyItem)
from addin.contest.quizbank import LETTERS, QuizError, QuizFinding
from addin.core.exact import round_half_up
from addin.core.normalize import clean_text, to_halfwidth
from addin.infra.marker import mark_openpyxl

__all__ = ["AnswerRow", "Response", "MarkedPaper", "MarkResult", "read_answer_sheet", "read_online",
           "normalize_answer", "mark", "mark_response", "participants", "OFFLINE", "ONLINE"]

OFFLINE, ONLINE = "线下", "线上"
_ALIASES = {
    "name": (NAME, "参赛人", "参赛人姓名", "名字", "您的姓名"),
    "unit": (UNIT, "所在单位", "工作单位", "您的单位"),
    "city": (CITY, "所在城市", "地市", "所在地市"),
    "variant": (VARIANT, "试卷版本", "版本"),
    "time": ("用时（秒）", "用时(秒)", "用时", "所用时间", "答题用时", "答题时长"),
}
_QUESTION_TITLE = re.compile(r"^(?:第\s*)?[Qq]?\s*(\d{1,3})\s*(?:题)?(?:\s*[、.．:：)）\s].*)?$", re.S)
_TF = {"正确": "A", "对": "A", "√": "A", "T": "A", "是": "A", "错误": "B", "错": "B", "×": "B", "X": "B", "F": "B", "否": "B"}


@dataclass(frozen=True)
class AnswerRow:
    name: str
    unit: str
    city: str
    variant: str
    answers: tuple[Any, ...]        # raw cell values, one per question position
    round: str
    time_used: Any = None
    ref: str = ""                   # "答题卡!B5"
    cells: tuple[str, ...] = ()     # the answer cells, "答题卡!F5" …


@dataclass(frozen=True)
class Response:
    position: int
    question_id: str
    category: str
    source: str
    stem: str
    options: tuple[str, ...]        # bank order
    chosen: str                     # printed letters as normalized ('' blank)
    chosen_bank: str                # bank letters
    answer_bank: str
    points: Fraction
    full: Fraction
    blank: bool
    invalid: bool

    @property
    def correct(self) -> bool:
        return self.points == self.full


@dataclass(frozen=True)
class MarkedPaper:
    name: str
    unit: str
    city: str
    round: str
    variant: str
    responses: tuple[Response, ...]
    earned: Fraction
    full: Fraction
    score: Decimal
    time_used: Any = None
    ref: str = ""


@dataclass
class MarkResult:
    papers: list[MarkedPaper]
    findings: list[QuizFinding] = field(default_factory=list)


def normalize_answer(raw: Any, qtype: str, n_options: int) -> tuple[str, bool]:
    """(letters in order, valid) of a cell; ('', True) for a blank."""
    if raw is None:
        return "", True
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = to_halfwidth(str(raw)).strip()
    if not text:
        return "", True
    if qtype == TRUE_FALSE and text in _TF:
        return _TF[text], True
    letters = re.sub(r"[\s,，、;；|┋/]+", "", text).upper()
    if qtype == TRUE_FALSE and letters in _TF:
        return _TF[letters], True
    valid = bool(letters) and all(ch in LETTERS[:n_options] for ch in letters)
    chosen = "".join(sorted(set(letters))) if valid else letters
    if valid and qtype != MULTIPLE and len(chosen) != 1:
        valid = False
    return chosen, valid


def mark_response(item: KeyItem, raw: Any, rules: QuizRules) -> tuple[Fraction, str, bool]:
    """(points, normalized letters, valid) of one answer to one question of a variant."""
    chosen, valid = normalize_answer(raw, item.qtype, item.n_options)
    if not chosen or not valid:
        return Fraction(0), chosen, valid
    if chosen == item.answer:
        return item.points, chosen, True
    paper = rules.paper
    if item.qtype == MULTIPLE and paper.multiple_choice == "partial" and set(chosen) < set(item.answer):
        return item.points * paper.partial_share, chosen, True
    return Fraction(0), chosen, True


def _bank(item: KeyItem, printed: str) -> str:
    return "".join(sorted(item.order[LETTERS.index(ch)] for ch in printed if LETTERS.index(ch) < len(item.order)))


def mark(rows: Sequence[AnswerRow], key: Key, rules: QuizRules, file: str = "") -> MarkResult:
    """Mark every row by its variant's key."""
    out = MarkResult([])
    for row in rows:
        sheet, _, cell = row.ref.rpartition("!")
        variant = (clean_text(row.variant) or "").upper().rstrip("卷")
        if not variant and len(key.variants) == 1:
            variant = next(iter(key.variants))
        if variant not in key.variants:
            out.findings.append(QuizFinding("quiz-unknown-variant",
                                            f"{row.round}答卷 {row.name}：试卷版本“{row.variant or ''}”无法识别"
                                            f"（应为 {'、'.join(key.variants)}），未阅卷", file=file, sheet=sheet, cell=cell,
                                            value=str(row.variant or "")))
            continue
        if all(normalize_answer(a, "", 6)[0] == "" for a in row.answers):
            out.findings.append(QuizFinding("quiz-no-answers", f"{row.round}答卷 {row.name}：没有作答，按缺考处理（不计成绩）",
                                            file=file, sheet=sheet, cell=cell))
            continue
        items = key.variants[variant]
        responses = []
        earned = Fraction(0)
        for item, raw, ref in zip(items, row.answers, row.cells or [""] * len(items)):
            pts, chosen, valid = mark_response(item, raw, rules)
            if not valid:
                s, _, c = ref.rpartition("!")
                why = "单选题、判断题只能填一个字母" if item.qtype != MULTIPLE and chosen and all(
                    ch in LETTERS[:item.n_options] for ch in chosen) else f"应为 {LETTERS[0]}～{LETTERS[item.n_options - 1]} 中的字母"
                out.findings.append(QuizFinding("quiz-invalid-answer",
                                                f"{row.round}答卷 {row.name} 第 {item.position} 题：“{raw}”无效（{why}），按 0 分计",
                                                file=file, sheet=s, cell=c, value=str(raw)))
            earned += pts
            responses.append(Response(item.position, item.question_id, item.category, item.source, item.stem,
                                      item.options, chosen if valid else "", _bank(item, chosen) if valid else "",
                                      _bank(item, item.answer), pts, item.points, chosen == "", not valid))
        full = key.full_marks
        score = round_half_up(earned / full * rules.max_score, rules.decimals)
        out.papers.append(MarkedPaper(row.name, row.unit, row.city, row.round, variant, tuple(responses), earned, full,
                                      score, row.time_used, row.ref))
    return out


# -- reading ---------------------------------------------------------------------------------
def _titles(header: Sequence[Any]) -> tuple[dict[str, int], dict[int, int]]:
    """Identity columns by alias and question columns by number: ({key: index}, {number: index})."""
    ident: dict[str, int] = {}
    questions: dict[int, int] = {}
    for i, raw in enumerate(header):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        t = to_halfwidth(clean_text(raw) or "")
        found = False
        for key, names in _ALIASES.items():
            if any(t == to_halfwidth(n) for n in names) and key not in ident:
                ident[key] = i
                found = True
        if found:
            continue
        m = _QUESTION_TITLE.match(t)
        if m and int(m.group(1)) not in questions:
            questions[int(m.group(1))] = i
    return ident, questions


def _rows(header_row: int, data: list[list[Any]], key: Key, path: Path, sheet: str, round_: str) -> list[AnswerRow]:
    from openpyxl.utils import get_column_letter

    ident, questions = _titles(data[header_row] if data else [])
    if "name" not in ident:
        raise QuizError(f"{path.name}：{'“' + sheet + '”表' if sheet else ''}找不到“{NAME}”列", file=path, sheet=sheet or None)
    missing = [n for n in range(1, key.n + 1) if n not in questions]
    if missing:
        shown = "、".join(str(n) for n in missing[:8]) + ("等" if len(missing) > 8 else "")
        raise QuizError(f"{path.name}：缺少第 {shown} 题的答案列（试卷共 {key.n} 题，列标题应为题号，如“1”或“第1题”）",
                        file=path, sheet=sheet or None)
    out = []
    prefix = f"{sheet}!" if sheet else ""
    for r, row in enumerate(data[header_row + 1:], header_row + 2):
        def get(i):
            return row[i] if i is not None and i < len(row) else None
        name = clean_text(get(ident["name"]))
        answers = tuple(get(questions[n]) for n in range(1, key.n + 1))
        if not name:
            if any(clean_text(a) for a in answers):
                raise QuizError(f"{path.name}：第 {r} 行有答案但没有姓名", file=path, sheet=sheet or None)
            continue
        out.append(AnswerRow(name, clean_text(get(ident.get("unit"))) or "", clean_text(get(ident.get("city"))) or "",
                             clean_text(get(ident.get("variant"))) or "", answers, round_, get(ident.get("time")),
                             f"{prefix}{get_column_letter(ident['name'] + 1)}{r}",
                             tuple(f"{prefix}{get_column_letter(questions[n] + 1)}{r}" for n in range(1, key.n + 1))))
    return out


def read_answer_sheet(path: str | Path, key: Key) -> list[AnswerRow]:
    """The rows of an offline answer sheet (答题卡.xlsx); QuizError if it is of another paper or unreadable."""
    from workbook_templates.reader import ReadError, open_calamine

    path = Path(path)
    if not path.is_file():
        raise QuizError(f"答题卡文件不存在：{path}", file=path)
    try:
        wb = open_calamine(path)[0]
    except ReadError as exc:
        raise QuizError(f"{path.name}：{exc.message}", file=path) from None
    if META in wb.sheet_names:
        meta = {str(r[0]): r[1] for r in wb.get_sheet_by_name(META).to_python() if r and r[0] and len(r) > 1}
        if meta.get("template_id") == ANSWER_TEMPLATE_ID and meta.get("paper_id") != key.paper_id:
            raise QuizError(f"{path.name} 是试卷 {meta.get('paper_id')} 的答题卡，与答案（试卷 {key.paper_id}）不符，"
                            "请使用同一次 qm quiz paper 生成的答案", file=path)
    sheet = ANSWER_SHEET if ANSWER_SHEET in wb.sheet_names else wb.sheet_names[0]
    data = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return _rows(0, data, key, path, sheet, OFFLINE)


def _read_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise QuizError(f"{path.name}：无法识别文件编码（应为 UTF-8 或 GBK）", file=path)
    return [list(r) for r in csv.reader(io.StringIO(text))]


def read_online(path: str | Path, key: Key) -> list[AnswerRow]:
    """The rows of an online export (.csv or .xlsx/.xls, first sheet); see the module text for the layout."""
    from workbook_templates.reader import ReadError, open_calamine

    path = Path(path)
    if not path.is_file():
        raise QuizError(f"线上答题导出文件不存在：{path}", file=path)
    if path.suffix.lower() in (".csv", ".txt"):
        data, sheet = _read_csv(path), ""
    else:
        try:
            wb = open_calamine(path)[0]
        except ReadError as exc:
            raise QuizError(f"{path.name}：{exc.message}", file=path) from None
        sheet = wb.sheet_names[0]
        data = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    header = next((i for i, row in enumerate(data[:5]) if "name" in _titles(row)[0]), 0)
    first = next(iter(key.variants))       # an online platform imports one paper: without 试卷, the A paper
    return [r if r.variant else AnswerRow(r.name, r.unit, r.city, first, r.answers, r.round, r.time_used, r.ref, r.cells)
            for r in _rows(header, data, key, path, sheet, ONLINE)]


def seconds(value: Any) -> int | None:
    """'125', 125.0, '125秒', '2分5秒', '00:02:05' -> 125; None when unreadable."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if value > 0 else None
    text = to_halfwidth(str(value)).strip()
    m = re.fullmatch(r"(?:(\d+)\s*(?:时|小时))?\s*(?:(\d+)\s*分(?:钟)?)?\s*(?:(\d+)\s*秒)?", text)
    if m and any(m.groups()):
        h, mi, s = (int(x or 0) for x in m.groups())
        return h * 3600 + mi * 60 + s or None
    m = re.fullmatch(r"(\d+):(\d{1,2})(?::(\d{1,2}))?", text)
    if m:
        a, b, c = m.groups()
        return (int(a) * 3600 + int(b) * 60 + int(c)) if c else (int(a) * 60 + int(b))
    return int(text) if text.isdigit() and int(text) > 0 else None


def participants(result: MarkResult, campaign: Campaign) -> list:
    """One scoring Participant per person (name, unit, city), with 线上成绩 / 线下成绩 / 用时 from the marks."""
    from addin.contest.scoring import Participant

    people: dict[tuple[str, str, str], dict[str, Any]] = {}
    for p in result.papers:
        who = (p.name, p.unit, p.city)
        d = people.setdefault(who, {})
        part = "online" if p.round == ONLINE else "offline"
        if part in d:
            result.findings.append(QuizFinding("duplicate-participant",
                                               f"{p.round}答卷中 {p.name}（{p.unit}，{p.city}）出现多次，只采用第一份",
                                               sheet=p.ref.rpartition("!")[0], cell=p.ref.rpartition("!")[2]))
            continue
        d[part] = float(p.score)
        if p.round == ONLINE:
            d["time_used"] = seconds(p.time_used)
    return [Participant(name=n, unit=u, city=c, online=d.get("online"), offline=d.get("offline"),
                        time_used=d.get("time_used")) for (n, u, c), d in people.items()]


# -- the marking output -----------------------------------------------------------------------
MARKS_SHEET, FINDINGS_SHEET = "逐题得分", "阅卷问题"


def open_scoring(path: str | Path):
    """The scoring workbook the marks go into (openpyxl, to be copied), or QuizError naming the file
    when it is not a workbook with a 知识竞赛 sheet. Called before marking, so a wrong file costs nothing."""
    from openpyxl import load_workbook

    from addin.contest.workbook import QUIZ

    try:
        wb = load_workbook(path)
    except Exception:
        raise QuizError(f"{Path(path).name} 无法作为 Excel 工作簿打开，不是评分工作簿（qm template --scoring 生成）",
                        file=path) from None
    if QUIZ not in wb.sheetnames:
        raise QuizError(f"{Path(path).name} 没有“{QUIZ}”工作表，不是评分工作簿", file=path)
    return wb


def write_marks(path: str | Path, campaign: Campaign, result: MarkResult, analysis, key: Key,
                scoring: str | Path | None = None) -> tuple[Path, int, int]:
    """The marking output: a scoring workbook (the layout ``qm score`` reads) whose 知识竞赛 sheet
    holds the marked 线上成绩 / 线下成绩 / 用时, plus 逐题得分, 题目分析, 分类分析, 条文分析,
    城市分析 and 阅卷问题. With ``scoring`` (a filled scoring workbook), a copy of it is written
    instead: its participants matched by 参赛人 + 城市 (+ 所在单位 when given) get the marks,
    the others keep theirs, new ones are appended. Returns (path, matched, appended)."""

    from addin.contest.analysis import CATEGORY_SHEET, CITY_SHEET, CLAUSE_SHEET, ITEM_SHEET
    from addin.contest.workbook import QUIZ, build_scoring_workbook
    from addin.infra.atomic import atomic_path

    people = participants(result, campaign)
    matched = appended = 0
    if scoring is None:
        wb = build_scoring_workbook(campaign, participants=people)
        appended = len(people)
    else:
        wb = open_scoring(scoring)
        matched, appended = _fill_quiz_sheet(wb[QUIZ], people)
    for name in (MARKS_SHEET, ITEM_SHEET, CATEGORY_SHEET, CLAUSE_SHEET, CITY_SHEET, FINDINGS_SHEET):
        if name in wb.sheetnames:
            del wb[name]
    _analysis_sheets(wb, campaign, result, analysis, key)
    mark_openpyxl(wb, "评分工作簿")           # qm score reads it; never read as a city's return
    path = Path(path)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path, matched, appended


def _fill_quiz_sheet(ws, people: list) -> tuple[int, int]:
    from workbook_templates.contract import load_contract

    q = {c.key: c.title for c in load_contract().sheet("quiz").columns}
    head = {clean_text(c.value) or "": c.column for c in ws[1]}
    need = [q["participant"], q["online"], q["offline"]]
    if any(t not in head for t in need):
        raise QuizError(f"评分工作簿的“知识竞赛”表缺少列：{'、'.join(t for t in need if t not in head)}")
    name_c, city_c, unit_c = head[q["participant"]], head.get(CITY), head.get(q["unit"])
    rows: dict[tuple[str, str], list[int]] = {}
    last = 1
    for r in range(2, ws.max_row + 1):
        name = clean_text(ws.cell(r, name_c).value)
        if not name:
            continue
        last = r
        city = clean_text(ws.cell(r, city_c).value) if city_c else ""
        rows.setdefault((name, (city or "").rstrip("市")), []).append(r)
    matched = appended = 0
    for p in people:
        cands = rows.get((p.name, (p.city or "").rstrip("市")), [])
        if len(cands) > 1 and unit_c:
            cands = [r for r in cands if clean_text(ws.cell(r, unit_c).value) == p.unit] or cands
        if cands:
            r = cands[0]
            matched += 1
        else:
            last += 1
            r = last
            appended += 1
            for col, v in ((name_c, p.name), (city_c, p.city), (unit_c, p.unit)):
                if col:
                    cell = ws.cell(r, col, v or None)
                    if isinstance(v, str) and v[:1] in "=+-@":
                        cell.data_type = "s"
        for title, v in ((q["online"], p.online), (q["offline"], p.offline), (q["time_used"], p.time_used)):
            if title in head and (v is not None or title != q["time_used"]):
                ws.cell(r, head[title], v)
    return matched, appended


def _analysis_sheets(wb, campaign: Campaign, result: MarkResult, analysis, key: Key) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from addin.contest.analysis import CATEGORY_SHEET, CITY_SHEET, CLAUSE_SHEET, ITEM_SHEET

    def sheet(title: str, head: list[str], widths: list[float], rows: list[list[Any]], pct: Sequence[int] = ()):
        ws = wb.create_sheet(title)
        ws.append(head)
        for c, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(c)].width = w
            cell = ws.cell(1, c)
            cell.font = Font(name="等线", bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E78")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in rows:
            ws.append([v if not (isinstance(v, str) and v[:1] in "=+-@") else "'" + v for v in row])
        for r in range(2, len(rows) + 2):
            for c in pct:
                ws.cell(r, c).number_format = "0.0%"
        ws.freeze_panes = "A2"
        return ws

    n = key.n
    sheet(MARKS_SHEET, ["轮次", "姓名", "单位", "城市", "试卷", "卷面得分", "卷面满分", "成绩", *map(str, range(1, n + 1))],
          [6, 10, 24, 9, 5, 8, 8, 8, *[4.5] * n],
          [[p.round, p.name, p.unit, p.city, p.variant, float(p.earned), float(p.full), float(p.score),
            *[float(r.points) if not r.blank and not r.invalid else ("未答" if r.blank else "无效") for r in p.responses]]
           for p in result.papers])
    a = analysis
    sheet(ITEM_SHEET, ["题号", "分类", "依据", "题干", "答卷数", "得满分份数", "正确率", "区分度D", "点二列相关",
                       "最常见错误答案（题库选项）", "选择人数", "错误答案内容"],
          [22, 10, 26, 50, 7, 8, 8, 8, 8, 12, 8, 30],
          [[s.question_id, s.category, s.source, s.stem, s.papers, s.correct, float(s.rate),
            None if s.discrimination is None else round(float(s.discrimination), 4),
            None if s.point_biserial is None else round(s.point_biserial, 4), s.wrong_choice, s.wrong_count or None,
            s.wrong_text] for s in a.items], pct=(7,))
    for title, groups in ((CATEGORY_SHEET, a.categories), (CLAUSE_SHEET, a.clauses)):
        sheet(title, ["名称", "题数", "作答份数", "得满分份数", "正确率"], [30, 7, 9, 10, 9],
              [[g.name, g.questions, g.responses, g.correct, float(g.rate)] for g in groups], pct=(5,))
    cats = campaign.quiz_rules.paper.categories
    used = [c for c in cats if any((city.name, c) in a.city_categories for city in a.cities)]
    sheet(CITY_SHEET, ["城市", "答卷份数", "作答份数", "正确率", *used], [10, 9, 9, 9, *[11] * len(used)],
          [[g.name, sum(1 for p in result.papers if (p.city or "（未填城市）") == g.name), g.responses, float(g.rate),
            *[float(a.city_categories[(g.name, c)].rate) if (g.name, c) in a.city_categories else None for c in used]]
           for g in a.cities], pct=tuple(range(4, 5 + len(used))))
    ws = sheet(FINDINGS_SHEET, ["严重程度", "问题类型", "工作表", "单元格", "说明", "代码", "填写值"],
               [9, 16, 10, 8, 70, 22, 10],
               [[f.severity, f.name, f.sheet, f.cell, f.message, f.code, f.value] for f in result.findings]
               or [["", "", "", "", "未发现问题", "", ""]])
    ws.append([])
    ws.append(["", "", "", "", f"试卷编号 {key.paper_id}；{campaign.quiz_rules.paper.marking_text()}；"
               f"成绩 = 卷面得分 ÷ 卷面满分 {float(key.full_marks):g} × {float(campaign.quiz_rules.max_score):g}，"
               f"四舍五入保留 {campaign.quiz_rules.decimals} 位小数。区分度 D = 总分前 {a.group_size} 份答卷的正确率 − "
               f"后 {a.group_size} 份的正确率（各取 {float(campaign.quiz_rules.paper.discrimination_share):.0%}）。"])
