"""The contest scoring workbook: the template the organisers fill, its reader, and the results.

- :func:`write_scoring_template`: 评分说明 / 作品 / 评委 / 评分 / 知识竞赛 (openpyxl), with drop-downs,
  bounds, Chinese prompts, native warnings (须回避, duplicates, missing cells), tables, frozen
  headers and A4 print setup. Entries and participants can be filled from a consolidated 汇总.xlsx.
- :func:`read_scoring_workbook`: values only (python-calamine), columns mapped by title.
- :func:`write_results`: 微视频评分结果 / 回避与问题 / 知识竞赛个人排名 / 知识竞赛城市排名 / 计分规则.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import unicodedata
from pathlib import Path
from typing import Any, NamedTuple

import python_calamine
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from addin.infra.atomic import atomic_path
from addin.infra.marker import mark_openpyxl
from addin.core.findings import sort_key
from addin.campaign.settings import Campaign, SettingsError
from addin.contest.scoring import (
    COUNTED, DROPPED_HIGH, DROPPED_LOW, INVALID, MISSING, RECUSED,
    ContestRules, Entry, Judge, Participant, QuizResult, QuizRules, ScoreRow, VideoResult,
    contest_rules, quiz_rules,
)
from addin.core.normalize import clean_text
from addin.consolidate.model import PROVENANCE
from workbook_templates.contract import load_contract
from workbook_templates.printing import a4_setup
from workbook_templates.reader import ReadError, open_calamine

TEMPLATE_ID = "qm-scoring"
SCHEMA_VERSION = "1.0"
GUIDE, ENTRIES, JUDGES, SCORES, QUIZ = "评分说明", "作品", "评委", "评分", "知识竞赛"
LISTS, META = "字典", "_meta"
RESULT_VIDEOS, RESULT_FINDINGS = "微视频评分结果", "回避与问题"
RESULT_PEOPLE, RESULT_CITIES, RESULT_RULES = "知识竞赛个人排名", "知识竞赛城市排名", "计分规则"
# the 汇总.xlsx sheets and column the entries and participants come from (the contract's titles)
SOURCE_VIDEOS, SOURCE_QUIZ = load_contract().sheet("videos").title, load_contract().sheet("quiz").title
SOURCE_CITY = PROVENANCE["city"]

# Column titles; the contract owns those that also appear in the city workbook.
ID, CITY, JUDGE_NAME, JUDGE_UNIT = "编号", "城市", "姓名", "单位"
SCORE_JUDGE, SCORE_ENTRY = "评委", "作品编号"
HELPER_TOTAL, HELPER_TITLE, HELPER_RECUSAL = "加权得分", "作品名称（自动）", "回避提示"
_CRITERION = re.compile(r"^(?P<name>.+?)\s*[（(]\s*满分\s*(?P<max>[\d.]+)\s*[）)]$")

FONT = "等线"
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HELPER_FILL = PatternFill("solid", fgColor="548235")
REQUIRED_FILL = PatternFill("solid", fgColor="9C2A2A")
MISSING_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FILL = PatternFill("solid", fgColor="FFEB9C")
GREY = "808080"
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


class ScoringReadError(SettingsError):
    """A scoring workbook or source that cannot be read; the message is Chinese and names the
    file, sheet and column. (A SettingsError, so `qm`'s top-level handler reports it with exit 2.)"""

    def __init__(self, path: Path | str, message: str):
        super().__init__(f"{Path(path).name}：{message}")
        self.path = Path(path)


def _titles(sheet_key: str) -> dict[str, str]:
    return {c.key: c.title for c in load_contract().sheet(sheet_key).columns}


def _columns(campaign: Campaign) -> dict[str, list[tuple[str, str, float]]]:
    """Sheet -> [(key, title, width)] of the input sheets."""
    v, q = _titles("videos"), _titles("quiz")
    rules = contest_rules(campaign.contest)
    return {
        ENTRIES: [("id", ID, 10), ("title", v["title"], 34), ("unit", v["unit"], 30), ("city", CITY, 11),
                  ("author", v["author"], 14), ("duration", v["duration"], 11)],
        JUDGES: [("name", JUDGE_NAME, 12), ("unit", JUDGE_UNIT, 32), ("city", CITY, 11)],
        SCORES: [("judge", SCORE_JUDGE, 12), ("entry", SCORE_ENTRY, 11)]
                + [(c.name, c.header, 14) for c in rules.criteria],
        QUIZ: [("name", q["participant"], 12), ("unit", q["unit"], 32), ("city", CITY, 11),
               ("online", q["online"], 11), ("offline", q["offline"], 11), ("time_used", q["time_used"], 11)],
    }


def _num(x) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() else str(x)


def _row_height(texts: list[tuple[str, float]], line_pt: float = 15.0) -> float:
    """Height of a row whose wrapped cells hold ``(text, column width)``: LibreOffice and Excel
    do not re-fit the heights of rows written by openpyxl."""
    lines = 1
    for text, width in texts:
        units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))
        lines = max(lines, math.ceil(units / max(1.0, width * 0.9)))
    return line_pt * lines + 2


def _put(ws, row: int, col: int, value: Any):
    """Write a value; text is always text (a city's '=…' never becomes a formula)."""
    cell = ws.cell(row, col, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _head(ws, titles: list[str], widths: list[float], fills: list[PatternFill] | None = None) -> None:
    for c, (title, width) in enumerate(zip(titles, widths), 1):
        cell = ws.cell(1, c, title)
        cell.font = Font(name=FONT, bold=True, color="FFFFFF")
        cell.fill = (fills or [HEADER_FILL] * len(titles))[c - 1]
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"


def _table(ws, name: str, ncols: int, last_row: int) -> None:
    t = Table(displayName=name, ref=f"A1:{get_column_letter(ncols)}{max(2, last_row)}")
    t.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(t)


def _print_setup(ws, title: str, landscape: bool) -> None:
    a4_setup(ws, title, landscape, repeat_header_row=ws.title not in (GUIDE, RESULT_RULES))


def _dv(ws, ref: str, prompt_title: str, prompt: str, error: str = "", **kw) -> None:
    dv = DataValidation(allow_blank=True, showInputMessage=True, showErrorMessage=bool(error), **kw)
    dv.promptTitle, dv.prompt = prompt_title[:32], prompt[:255]
    if error:
        dv.errorTitle, dv.error, dv.errorStyle = "输入有误", error[:255], "stop"
    dv.add(ref)
    ws.add_data_validation(dv)


# -- reading a consolidated 汇总.xlsx ---------------------------------------------------
def _sheet_rows(wb: python_calamine.CalamineWorkbook, path: Path, name: str) -> list[list[Any]]:
    try:
        return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine's own error types
        raise ScoringReadError(path, f"工作表“{name}”无法读取（{type(exc).__name__}）") from None


def _open(path: Path) -> python_calamine.CalamineWorkbook:
    if not path.exists():
        raise ScoringReadError(path, "文件不存在")
    try:
        return open_calamine(path)[0]
    except ReadError as exc:
        raise ScoringReadError(path, exc.message) from None


def _header_map(rows: list[list[Any]], needed: str, scan: int = 5) -> tuple[int, dict[str, int]]:
    """The header row (first of the top ``scan`` rows holding ``needed``) and title -> column index."""
    for r, row in enumerate(rows[:scan]):
        titles = [clean_text(v) or "" for v in row]
        if needed in titles:
            out: dict[str, int] = {}
            for i, t in enumerate(titles):
                if t and t not in out:
                    out[t] = i
            return r, out
    return -1, {}


def _cell(row: list[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    v = row[index]
    return None if isinstance(v, str) and not v.strip() else v


def read_source(path: str | Path) -> tuple[list[Entry], list[Participant]]:
    """Entries (sheet 微视频作品) and participants (sheet 知识竞赛, if any) of a consolidated 汇总.xlsx.

    Columns are found by the contract's titles plus 城市; entries get numbers V001, V002, … in
    source order.
    """
    path = Path(path)
    wb = _open(path)
    v, q = _titles("videos"), _titles("quiz")
    if SOURCE_VIDEOS not in wb.sheet_names:
        raise ScoringReadError(path, f"没有“{SOURCE_VIDEOS}”工作表，不是 qm consolidate 生成的汇总表")
    rows = _sheet_rows(wb, path, SOURCE_VIDEOS)
    head, cols = _header_map(rows, v["title"])
    if head < 0:
        raise ScoringReadError(path, f"“{SOURCE_VIDEOS}”表找不到表头“{v['title']}”")
    missing = [t for t in (v["title"], v["unit"], SOURCE_CITY) if t not in cols]
    if missing:
        raise ScoringReadError(path, f"“{SOURCE_VIDEOS}”表缺少列：{'、'.join(missing)}")
    entries = []
    for row in rows[head + 1:]:
        title = clean_text(_cell(row, cols[v["title"]]))
        if not title:
            continue
        entries.append(Entry(
            id=f"V{len(entries) + 1:03d}", title=title, unit=clean_text(_cell(row, cols[v["unit"]])) or "",
            city=clean_text(_cell(row, cols[SOURCE_CITY])) or "", author=clean_text(_cell(row, cols.get(v["author"]))) or "",
            duration=_cell(row, cols.get(v["duration"])),
        ))
    people = []
    if SOURCE_QUIZ in wb.sheet_names:
        rows = _sheet_rows(wb, path, SOURCE_QUIZ)
        head, cols = _header_map(rows, q["participant"])
        if head >= 0:
            for row in rows[head + 1:]:
                name = clean_text(_cell(row, cols[q["participant"]]))
                if not name:
                    continue
                people.append(Participant(
                    name=name, unit=clean_text(_cell(row, cols.get(q["unit"]))) or "",
                    city=clean_text(_cell(row, cols.get(SOURCE_CITY))) or "",
                    online=_cell(row, cols.get(q["online"])), offline=_cell(row, cols.get(q["offline"])),
                    time_used=_cell(row, cols.get(q["time_used"])),
                ))
    return entries, people


# -- the template -----------------------------------------------------------------
def scoring_filename(campaign: Campaign) -> str:
    return f"{campaign.year}年质量月微视频评比和知识竞赛评分表.xlsx"


def _capacity(n: int, minimum: int, per: int = 1) -> int:
    return max(minimum, int(math.ceil((n * per + 1) / 100.0)) * 100)


class _Lists(NamedTuple):
    """Ranges the sheets refer to each other by (drop-downs and lookups)."""
    city_list: str
    entry_ids: str = ""
    entry_titles: str = ""
    entry_cities: str = ""
    entry_units: str = ""
    judge_names: str = ""
    judge_cities: str = ""
    judge_units: str = ""


def build_scoring_workbook(campaign: Campaign, entries: list[Entry] | None = None,
                           participants: list[Participant] | None = None) -> Workbook:
    """The scoring workbook: 评分说明, 作品, 评委, 评分 (one row per judge and entry), 知识竞赛,
    the hidden city list and the very hidden metadata."""
    rules = contest_rules(campaign.contest)
    qrules = quiz_rules(campaign.knowledge)
    entries, participants = list(entries or []), list(participants or [])
    cols = _columns(campaign)
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE

    # 字典: the city list for drop-downs
    lists = wb.create_sheet(LISTS)
    lists["A1"] = CITY
    for r, c in enumerate(campaign.cities, 2):
        lists.cell(r, 1, c.name)
    lists.sheet_state = "hidden"
    refs = _Lists(f"{quote_sheetname(LISTS)}!$A$2:$A${len(campaign.cities) + 1}")

    refs = _entries_sheet(wb.create_sheet(ENTRIES), campaign, cols[ENTRIES], entries, refs)
    refs = _judges_sheet(wb.create_sheet(JUDGES), cols[JUDGES], refs)
    _scores_sheet(wb.create_sheet(SCORES), cols[SCORES], rules, _capacity(len(entries), 300, per=9), refs)
    _quiz_sheet(wb.create_sheet(QUIZ), cols[QUIZ], qrules, participants, refs)
    _guide(guide, campaign, rules, qrules)
    meta = wb.create_sheet(META)
    for r, (key, value) in enumerate((("template_id", TEMPLATE_ID), ("schema_version", SCHEMA_VERSION),
                                      ("campaign_id", campaign.id), ("campaign_hash", campaign.raw_hash),
                                      ("criteria", "、".join(c.name for c in rules.criteria))), 1):
        meta.cell(r, 1, key)
        meta.cell(r, 2, value)
    meta.sheet_state = "veryHidden"
    wb._sheets = [wb[name] for name in (GUIDE, ENTRIES, JUDGES, SCORES, QUIZ, LISTS, META)]
    wb.active = 0
    fixed = dt.datetime.combine(campaign.notice_date, dt.time(9, 0))
    wb.properties.title = f"{campaign.year}年质量月微视频评比和知识竞赛评分表"
    wb.properties.creator = campaign.authority
    mark_openpyxl(wb, "评分工作簿")           # never read as a city's return (addin.infra.marker)
    wb.properties.created = wb.properties.modified = fixed
    return wb


def _city_dv(ws, letter: str, last: int, refs: _Lists) -> None:
    _dv(ws, f"{letter}2:{letter}{last}", CITY, "请从下拉列表选择城市（用于回避核对和城市排名）",
        "请从下拉列表中选择城市", type="list", formula1=refs.city_list)


def _entries_sheet(ws, campaign: Campaign, spec, entries: list[Entry], refs: _Lists) -> _Lists:
    """作品: the entries (pre-filled from 汇总.xlsx when given); returns refs with the entry ranges."""
    n_entries = _capacity(len(entries), 200)
    _head(ws, [t for _, t, _ in spec], [w for *_, w in spec],
          [REQUIRED_FILL if k in ("id", "title", "unit", "city") else HEADER_FILL for k, *_ in spec])
    for r, e in enumerate(entries, 2):
        for c, (key, *_) in enumerate(spec, 1):
            _put(ws, r, c, getattr(e, key) if getattr(e, key) not in ("", None) else None)
    last = n_entries + 1
    for r in range(2, last + 1):
        ws.cell(r, 1).number_format = "@"
    _dv(ws, f"A2:A{last}", ID, "作品编号，如 V001；每件作品一个，不能重复。评分表按编号选择作品。")
    _city_dv(ws, "D", last, refs)
    dur = load_contract().sheet("videos").column("duration")
    _dv(ws, f"F2:F{last}", dur.title, dur.help or "作品时长（秒）", f"请输入 {_num(dur.min)}～{_num(dur.max)} 之间的整数",
        type="whole", operator="between", formula1=_num(dur.min), formula2=_num(dur.max))
    ws.conditional_formatting.add(f"A2:A{last}", FormulaRule(formula=[f'AND(A2<>"",COUNTIF($A$2:$A${last},A2)>1)'], fill=MISSING_FILL))
    ws.conditional_formatting.add(f"B2:D{last}", FormulaRule(formula=['AND($A2<>"",LEN(TRIM(B2))=0)'], fill=MISSING_FILL))
    _table(ws, "T_entries", len(spec), last)
    _print_setup(ws, f"{campaign.year}年质量月微视频作品", landscape=False)
    q = quote_sheetname(ENTRIES)
    return refs._replace(entry_ids=f"{q}!$A$2:$A${last}", entry_titles=f"{q}!$B$2:$B${last}",
                         entry_cities=f"{q}!$D$2:$D${last}", entry_units=f"{q}!$C$2:$C${last}")



def _judges_sheet(ws, spec, refs: _Lists) -> _Lists:
    """评委: the judges' list; returns refs with the judge ranges."""
    n_judges = 40
    _head(ws, [t for _, t, _ in spec], [w for *_, w in spec], [REQUIRED_FILL, HEADER_FILL, REQUIRED_FILL])
    last = n_judges + 1
    _dv(ws, f"A2:A{last}", JUDGE_NAME, "评委姓名，不能重复；评分表按姓名选择评委。")
    _dv(ws, f"B2:B{last}", JUDGE_UNIT, "评委所在单位")
    _city_dv(ws, "C", last, refs)
    ws.conditional_formatting.add(f"A2:A{last}", FormulaRule(formula=[f'AND(A2<>"",COUNTIF($A$2:$A${last},A2)>1)'], fill=MISSING_FILL))
    ws.conditional_formatting.add(f"C2:C{last}", FormulaRule(formula=['AND($A2<>"",LEN(TRIM(C2))=0)'], fill=MISSING_FILL))
    _table(ws, "T_judges", len(spec), last)
    _print_setup(ws, "评委名单", landscape=False)
    q = quote_sheetname(JUDGES)
    return refs._replace(judge_names=f"{q}!$A$2:$A${last}", judge_cities=f"{q}!$C$2:$C${last}",
                         judge_units=f"{q}!$B$2:$B${last}")



def _scores_sheet(ws, spec, rules: ContestRules, n_scores: int, refs: _Lists) -> None:
    """评分: one row per judge and entry, with the weighted total, the title and the recusal check."""
    judge_names, judge_cities, judge_units = refs.judge_names, refs.judge_cities, refs.judge_units
    entry_ids, entry_titles, entry_cities, entry_units = refs.entry_ids, refs.entry_titles, refs.entry_cities, refs.entry_units
    k = len(rules.criteria)
    helpers = [(HELPER_TOTAL, 11), (HELPER_TITLE, 30), (HELPER_RECUSAL, 12)]
    _head(ws, [t for _, t, _ in spec] + [h for h, _ in helpers], [w for *_, w in spec] + [w for _, w in helpers],
          [REQUIRED_FILL] * len(spec) + [HELPER_FILL] * len(helpers))
    last = n_scores + 1
    first_c, last_c = get_column_letter(3), get_column_letter(2 + k)
    tot_c, title_c, rec_c = (get_column_letter(3 + k + i) for i in range(3))
    _dv(ws, f"A2:A{last}", SCORE_JUDGE, "从下拉列表选择评委（先在“评委”表登记）", "请从下拉列表选择评委",
        type="list", formula1=judge_names)
    _dv(ws, f"B2:B{last}", SCORE_ENTRY, "从下拉列表选择作品编号（见“作品”表）", "请从下拉列表选择作品编号",
        type="list", formula1=entry_ids)
    for i, c in enumerate(rules.criteria):
        letter = get_column_letter(3 + i)
        _dv(ws, f"{letter}2:{letter}{last}", c.name,
            f"{c.name}得分，0～{_num(c.max)}，可带小数；未评请留空，不要填 0",
            f"请输入 0～{_num(c.max)} 之间的数值", type="decimal", operator="between",
            formula1="0", formula2=_num(c.max))
    weights = "+".join(f"{get_column_letter(3 + i)}{{r}}*{_num(c.weight)}" for i, c in enumerate(rules.criteria))
    conds = []
    if "city" in rules.recusal:
        conds.append(f"IFERROR(INDEX({judge_cities},MATCH(A{{r}},{judge_names},0)),\"#\")"
                     f"=IFERROR(INDEX({entry_cities},MATCH(B{{r}},{entry_ids},0)),\"@\")")
    if "unit" in rules.recusal:
        conds.append(f"IFERROR(INDEX({judge_units},MATCH(A{{r}},{judge_names},0)),\"#\")"
                     f"=IFERROR(INDEX({entry_units},MATCH(B{{r}},{entry_ids},0)),\"@\")")
    for r in range(2, last + 1):
        ws.cell(r, 2).number_format = "@"
        ws.cell(r, 3 + k, f'=IF(COUNT({first_c}{r}:{last_c}{r})={k},{weights.format(r=r)},"")').number_format = "0.00##"
        ws.cell(r, 4 + k, f'=IF(B{r}="","",IFERROR(INDEX({entry_titles},MATCH(B{r},{entry_ids},0)),"编号不存在"))')
        if conds:
            ws.cell(r, 5 + k, f'=IF(OR(A{r}="",B{r}=""),"",IF(OR({",".join(c.format(r=r) for c in conds)}),"须回避",""))')
    for r in range(2, last + 1):
        for c in range(3 + k, 6 + k):
            ws.cell(r, c).font = Font(name=FONT, color="375623")
    ws.conditional_formatting.add(f"A2:{rec_c}{last}", FormulaRule(formula=[f'${rec_c}2="须回避"'], fill=BAD_FILL))
    ws.conditional_formatting.add(f"{first_c}2:{last_c}{last}", FormulaRule(
        formula=[f'AND(OR($A2<>"",$B2<>""),LEN(TRIM({first_c}2))=0)'], fill=MISSING_FILL))
    ws.conditional_formatting.add(f"A2:B{last}", FormulaRule(
        formula=[f'AND($A2<>"",$B2<>"",COUNTIFS($A$2:$A${last},$A2,$B$2:$B${last},$B2)>1)'], fill=MISSING_FILL))
    _table(ws, "T_scores", len(spec) + len(helpers), last)
    _print_setup(ws, "微视频评分", landscape=True)


def _quiz_sheet(ws, spec, qrules: QuizRules, participants: list[Participant], refs: _Lists) -> None:
    """知识竞赛: the participants' online and offline results and time used."""
    n_quiz = _capacity(len(participants), 500)
    _head(ws, [t for _, t, _ in spec], [w for *_, w in spec],
          [REQUIRED_FILL if key in ("name", "city", "online", "offline") else HEADER_FILL for key, *_ in spec])
    for r, p in enumerate(participants, 2):
        for c, (key, *_) in enumerate(spec, 1):
            v = getattr(p, key)
            _put(ws, r, c, v if v not in ("", None) else None)
    last = n_quiz + 1
    _city_dv(ws, "C", last, refs)
    mx = _num(qrules.max_score)
    for letter, title in (("D", spec[3][1]), ("E", spec[4][1])):
        _dv(ws, f"{letter}2:{letter}{last}", title, f"{title}，0～{mx}；缺考请留空，不要填 0",
            f"请输入 0～{mx} 之间的数值", type="decimal", operator="between", formula1="0", formula2=mx)
    tcol = load_contract().sheet("quiz").column("time_used")
    _dv(ws, f"F2:F{last}", tcol.title, "答题用时，单位秒；总成绩相同时用时少者列前",
        f"请输入 {_num(tcol.min)}～{_num(tcol.max)} 之间的整数", type="whole", operator="between",
        formula1=_num(tcol.min), formula2=_num(tcol.max))
    ws.conditional_formatting.add(f"C2:E{last}", FormulaRule(formula=['AND($A2<>"",LEN(TRIM(C2))=0)'], fill=MISSING_FILL))
    _table(ws, "T_quiz", len(spec), last)
    _print_setup(ws, "质量知识竞赛成绩", landscape=False)


def _guide(ws, campaign: Campaign, rules: ContestRules, qrules: QuizRules) -> None:
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 100
    lines: list[tuple[str, str]] = [
        (f"{campaign.year}年“质量月”微视频评比和质量知识竞赛评分表", "title"),
        (f"依据：{campaign.notice_title}（{campaign.doc_number}）第二部分第（四）项", ""),
        ("", ""),
        ("填写方法", "h"),
        (f"1. 在“{ENTRIES}”表登记全部参评作品，每件作品一个编号（如 V001），编号不能重复；城市用于回避核对。", ""),
        (f"2. 在“{JUDGES}”表登记评委的姓名、单位和城市，姓名不能重复。", ""),
        (f"3. 在“{SCORES}”表每行录入一位评委对一件作品的各项得分：评委和作品编号从下拉列表选择，"
         "得分在 0 与该项满分之间，可带小数。未评的请留空，不要填 0。", ""),
        (f"4. “{SCORES}”表绿色表头的三列自动计算，不必填写：{HELPER_TOTAL}（该评委对该作品的加权合计）、"
         f"作品名称、{HELPER_RECUSAL}。显示“须回避”的行，该评委不应为该作品评分，计分时不计入。", ""),
        (f"5. 在“{QUIZ}”表录入参赛人的线上、线下成绩和用时（秒）；缺考的一项请留空。", ""),
        ("6. 红色表头为必填列；浅红底色表示漏填或重复，黄色表示须回避。", ""),
        ("7. 填好后运行：qm score 本文件.xlsx -o 计分结果.xlsx（或在加载项中点击“竞赛计分”），"
         "生成计分结果工作簿和获奖名单。", ""),
        ("", ""),
        ("微视频评比计分规则", "h"),
        *[(f"{i}. {t}", "") for i, t in enumerate(rules.describe(), 1)],
        ("", ""),
        ("质量知识竞赛计分规则", "h"),
        *[(f"{i}. {t}", "") for i, t in enumerate(qrules.describe(), 1)],
        ("", ""),
        (f"以上规则来自活动设置（{campaign.id}），改动规则请修改活动设置文件，不要改本表。", "note"),
    ]
    for r, (text, kind) in enumerate(lines, 1):
        cell = ws.cell(r, 1, text)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if kind == "title":
            cell.font = Font(name=FONT, bold=True, size=16)
            ws.row_dimensions[r].height = 28
        elif kind == "h":
            cell.font = Font(name=FONT, bold=True, size=12, color="1F4E78")
        else:
            cell.font = Font(name=FONT, color=GREY if kind == "note" else "000000")
            ws.row_dimensions[r].height = _row_height([(text, 106)])
    _print_setup(ws, "评分说明", landscape=False)


def write_scoring_template(campaign: Campaign, out_dir: str | Path, source: str | None = None) -> Path:
    """Write the scoring workbook into ``out_dir`` (or to ``out_dir`` itself if it names an .xlsx);
    with ``source`` (a consolidated 汇总.xlsx), the 作品 and 知识竞赛 sheets are filled from it."""
    entries, people = read_source(source) if source else ([], [])
    wb = build_scoring_workbook(campaign, entries, people)
    out = Path(out_dir)
    target = out if out.suffix.lower() == ".xlsx" else out / scoring_filename(campaign)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


# -- reading a filled scoring workbook --------------------------------------------
class ScoringBook(NamedTuple):
    entries: list[Entry]
    judges: list[Judge]
    scores: list[ScoreRow]
    participants: list[Participant]
    refs: dict[tuple, str]        # ("entry", id) / ("judge", name) / ("score", judge, entry, criterion) /
                                  # ("participant", row) -> "Sheet!A1"


def column_letter(i: int) -> str:
    return get_column_letter(i + 1)


def read_scoring_workbook(path: str | Path, campaign: Campaign | None = None) -> ScoringBook:
    """Read a filled scoring workbook; columns are mapped by their titles.

    With ``campaign``, the criterion columns must be exactly the campaign's criteria.
    ScoringReadError (Chinese, naming the file, sheet and column) when it cannot be used.
    """
    path = Path(path)
    wb = _open(path)
    names = set(wb.sheet_names)
    missing = [s for s in (ENTRIES, JUDGES, SCORES) if s not in names]
    if missing:
        raise ScoringReadError(path, f"缺少工作表：{'、'.join(missing)}（请使用 qm template --scoring 生成的评分工作簿）")
    refs: dict[tuple, str] = {}
    entries = _read_entries(wb, path, refs)
    judges = _read_judges(wb, path, refs)
    scores = _read_scores(wb, path, campaign, refs)
    participants = _read_participants(wb, path, refs) if QUIZ in names else []
    return ScoringBook(entries, judges, scores, participants, refs)


def _read_table(wb, path: Path, sheet: str, required: list[str]) -> tuple[list[list[Any]], dict[str, int]]:
    """A sheet's rows and its column positions by header title; the required titles must be there."""
    rows = _sheet_rows(wb, path, sheet)
    cols: dict[str, int] = {}
    for i, title in enumerate(rows[0] if rows else []):
        title = clean_text(title) or ""
        if title and title not in cols:
            cols[title] = i
    absent = [title for title in required if title not in cols]
    if absent:
        raise ScoringReadError(path, f"“{sheet}”表第 1 行缺少列：{'、'.join(absent)}")
    return rows, cols


def _ref(sheet: str, col: int, r: int) -> str:
    return f"{sheet}!{column_letter(col)}{r}"


def _read_entries(wb, path: Path, refs: dict[tuple, str]) -> list[Entry]:
    v = _titles("videos")
    rows, cols = _read_table(wb, path, ENTRIES, [ID, v["title"], v["unit"], CITY])
    entries = []
    for r, row in enumerate(rows[1:], 2):
        rec = {k: _cell(row, cols.get(t)) for k, t in (("id", ID), ("title", v["title"]), ("unit", v["unit"]),
                                                        ("city", CITY), ("author", v["author"]), ("duration", v["duration"]))}
        if all(x is None for x in rec.values()):
            continue
        e = Entry(id=clean_text(rec["id"]) or "", title=clean_text(rec["title"]) or "", unit=clean_text(rec["unit"]) or "",
                  city=clean_text(rec["city"]) or "", author=clean_text(rec["author"]) or "", duration=rec["duration"],
                  ref=_ref(ENTRIES, cols[ID], r))
        entries.append(e)
        refs.setdefault(("entry", e.id), e.ref)
    return entries


def _read_judges(wb, path: Path, refs: dict[tuple, str]) -> list[Judge]:
    rows, cols = _read_table(wb, path, JUDGES, [JUDGE_NAME, CITY])
    judges = []
    for r, row in enumerate(rows[1:], 2):
        rec = [_cell(row, cols.get(t)) for t in (JUDGE_NAME, JUDGE_UNIT, CITY)]
        if all(x is None for x in rec):
            continue
        j = Judge(*(clean_text(x) or "" for x in rec), ref=_ref(JUDGES, cols[JUDGE_NAME], r))
        judges.append(j)
        refs.setdefault(("judge", j.name), j.ref)
    return judges


def _read_scores(wb, path: Path, campaign: Campaign | None, refs: dict[tuple, str]) -> list[ScoreRow]:
    rows, cols = _read_table(wb, path, SCORES, [SCORE_JUDGE, SCORE_ENTRY])
    crit_cols: dict[str, int] = {}
    for title, i in cols.items():
        m = _CRITERION.match(title)
        if m:
            crit_cols[m["name"].strip()] = i
    if campaign is not None:
        wanted = [c.name for c in contest_rules(campaign.contest).criteria]
        for title, i in cols.items():       # a bare criterion name is accepted too
            if title in wanted and title not in crit_cols:
                crit_cols[title] = i
        absent = [c.header for c in contest_rules(campaign.contest).criteria if c.name not in crit_cols]
        extra = [n for n in crit_cols if n not in wanted]
        if absent or extra:
            raise ScoringReadError(path, f"“{SCORES}”表的评分指标列与活动设置不一致："
                                   + (f"缺少 {'、'.join(absent)}" if absent else "")
                                   + ("；" if absent and extra else "") + (f"多出 {'、'.join(extra)}" if extra else "")
                                   + "。请用当前活动设置重新生成评分工作簿")
    if not crit_cols:
        raise ScoringReadError(path, f"“{SCORES}”表没有评分指标列（表头形如“主题契合（满分100）”）")
    scores = []
    for r, row in enumerate(rows[1:], 2):
        judge, entry = _cell(row, cols[SCORE_JUDGE]), _cell(row, cols[SCORE_ENTRY])
        values = {name: _cell(row, i) for name, i in crit_cols.items()}
        if judge is None and entry is None and all(x is None for x in values.values()):
            continue
        cells = {name: _ref(SCORES, i, r) for name, i in crit_cols.items()}
        s = ScoreRow(clean_text(judge) or "", clean_text(entry) or "", values, cells, _ref(SCORES, cols[SCORE_JUDGE], r))
        scores.append(s)
        for name, cell in cells.items():
            refs.setdefault(("score", s.judge, s.entry, name), cell)
    return scores


def _read_participants(wb, path: Path, refs: dict[tuple, str]) -> list[Participant]:
    q = _titles("quiz")
    rows, cols = _read_table(wb, path, QUIZ, [q["participant"], q["online"], q["offline"]])
    keys = (("name", q["participant"]), ("unit", q["unit"]), ("city", CITY), ("online", q["online"]),
            ("offline", q["offline"]), ("time_used", q["time_used"]))
    participants = []
    for r, row in enumerate(rows[1:], 2):
        rec = {k: _cell(row, cols.get(t)) for k, t in keys}
        if all(x is None for x in rec.values()):
            continue
        cells = {k: _ref(QUIZ, cols[t], r) for k, t in keys if t in cols}
        p = Participant(name=clean_text(rec["name"]) or "", unit=clean_text(rec["unit"]) or "",
                        city=clean_text(rec["city"]) or "", online=rec["online"], offline=rec["offline"],
                        time_used=rec["time_used"], ref=cells["name"], cells=cells)
        participants.append(p)
        refs[("participant", r)] = p.ref
    return participants


# -- the results ------------------------------------------------------------------
_STATUS_STYLE = {
    DROPPED_HIGH: ("去掉的最高分，不计入平均", Font(name=FONT, strike=True, color=GREY)),
    DROPPED_LOW: ("去掉的最低分，不计入平均", Font(name=FONT, strike=True, color=GREY)),
    RECUSED: ("回避", Font(name=FONT, italic=True, color=GREY)),
    INVALID: ("无效", Font(name=FONT, color="C00000")),
    MISSING: ("未评", Font(name=FONT, color="C65911")),
}


def _results_sheet(wb: Workbook, title: str, headers: list[str], widths: list[float], rows: list[list[Any]],
                   table_name: str, landscape: bool, formats: dict[int, str] | None = None):
    ws = wb.create_sheet(title)
    _head(ws, headers, widths)
    for r, values in enumerate(rows, 2):
        wrapped = []
        for c, value in enumerate(values, 1):
            cell = _put(ws, r, c, value)
            cell.font = Font(name=FONT)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top")
            if formats and c in formats:
                cell.number_format = formats[c]
            if isinstance(value, str) and len(value) * 2 > widths[c - 1]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                wrapped.append((value, widths[c - 1]))
        if wrapped:
            ws.row_dimensions[r].height = _row_height(wrapped)
    _table(ws, table_name, len(headers), len(rows) + 1)
    _print_setup(ws, title, landscape)
    return ws


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_results(campaign: Campaign, video: VideoResult, quiz: QuizResult, source: str | Path | None = None) -> Workbook:
    """The results workbook: 微视频评分结果, 回避与问题, the knowledge contest's two rankings, 计分规则."""
    wb = Workbook()
    wb.remove(wb.active)
    findings = sorted([*video.findings, *quiz.findings], key=sort_key)
    _video_results_sheet(wb, video)
    _findings_sheet(wb, findings)
    _quiz_results_sheets(wb, quiz)
    _rules_sheet(wb, campaign, video, quiz, findings, source)
    fixed = dt.datetime.combine(campaign.report_deadline, dt.time(12, 0))
    wb.properties.title = f"{campaign.year}年质量月微视频评比和知识竞赛计分结果"
    wb.properties.creator = campaign.authority
    mark_openpyxl(wb, "计分结果")             # never read as a city's return (addin.infra.marker)
    wb.properties.created = wb.properties.modified = fixed
    return wb


def _video_results_sheet(wb, video: VideoResult) -> None:
    judges = [j.name for j in video.judges]
    dec = "0." + "0" * video.rules.decimals if video.rules.decimals else "0"
    head = ["名次", "作品编号", "作品名称", "报送单位", "城市", "作者", *judges,
            "有效评分数", "计入评委数", "计分方法", "平均分（未取舍）", "最终得分", "奖项", "说明"]
    widths = [6, 9, 30, 26, 9, 10, *[9] * len(judges), 8, 8, 22, 14, 9, 8, 34]
    rows = []
    for e in video.entries:
        rows.append([e.rank, e.entry.id, e.entry.title, e.entry.unit, e.entry.city, e.entry.author,
                     *[e.scores[j].total if e.scores[j].total is not None else _STATUS_STYLE[e.scores[j].status][0]
                       for j in judges],
                     e.valid, e.counted, e.trim.label if e.trim else "无有效评分，未计分",
                     e.mean, e.final, e.award, e.note])
    fmts = {7 + i: "0.00##" for i in range(len(judges))}
    base = 7 + len(judges)
    fmts[base + 3] = "0.000000"
    fmts[base + 4] = dec
    ws = _results_sheet(wb, RESULT_VIDEOS, head, widths, rows, "T_video_results", True, fmts)
    for r, e in enumerate(video.entries, 2):
        for i, j in enumerate(judges):
            s = e.scores[j]
            if s.status == COUNTED:
                continue
            cell = ws.cell(r, 7 + i)
            label, font = _STATUS_STYLE[s.status]
            cell.font = font
            cell.alignment = Alignment(horizontal=None if s.total is not None else "center", vertical="top")
            cell.comment = Comment(f"{label}：{s.note}" if s.note and s.note != label else label, "质量月助手",
                                   width=220, height=70)
        award = ws.cell(r, base + 5)
        if e.award:
            award.font = Font(name=FONT, bold=True, color="9C5700")
        ws.cell(r, base + 4).font = Font(name=FONT, bold=True)
    ws.freeze_panes = "D2"



def _findings_sheet(wb, findings: list) -> None:
    rows = [[f.severity, f.name, f.sheet, f.cell, f.message, f.code, f.value] for f in findings] or \
        [["", "", "", "", "未发现问题", "", ""]]
    ws = _results_sheet(wb, RESULT_FINDINGS, ["严重程度", "问题类型", "工作表", "单元格", "说明", "代码", "填写值"],
                        [9, 16, 10, 8, 70, 20, 10], rows, "T_findings", True)
    for r, f in enumerate(findings, 2):
        if f.severity == "错误":
            ws.cell(r, 1).font = Font(name=FONT, bold=True, color="C00000")



def _quiz_results_sheets(wb, quiz: QuizResult) -> None:
    qdec = "0." + "0" * quiz.rules.decimals if quiz.rules.decimals else "0"
    q = _titles("quiz")
    rows = [[p.rank, p.participant.name, p.participant.unit, p.participant.city, p.participant.online,
             p.participant.offline, p.final, p.participant.time_used, p.note] for p in quiz.individuals]
    _results_sheet(wb, RESULT_PEOPLE, ["名次", q["participant"], q["unit"], CITY, q["online"], q["offline"],
                                       "总成绩", q["time_used"], "说明"],
                   [6, 12, 30, 9, 10, 10, 10, 10, 40], rows, "T_quiz_people", True, {7: qdec})
    n = quiz.rules.city_top_n
    rows = [[c.rank, c.city, c.participants, c.valid, c.counted, c.final, c.note] for c in quiz.cities]
    _results_sheet(wb, RESULT_CITIES, ["名次", CITY, "参赛人数", "有效成绩人数", f"计入人数（前{n}名）",
                                       f"前{n}名平均分", "说明"],
                   [6, 10, 10, 12, 14, 14, 36], rows, "T_quiz_cities", False, {6: qdec})



def _rules_sheet(wb, campaign: Campaign, video: VideoResult, quiz: QuizResult, findings: list,
                 source: str | Path | None) -> None:
    ws = wb.create_sheet(RESULT_RULES)
    ws.column_dimensions["A"].width = 80
    lines: list[tuple[str, str]] = [(f"{campaign.year}年“质量月”微视频评比和质量知识竞赛计分规则", "title"),
                                    ("微视频评比", "h"),
                                    *[(f"{i}. {t}", "") for i, t in enumerate(video.rule_text, 1)],
                                    ("", ""), ("质量知识竞赛", "h"),
                                    *[(f"{i}. {t}", "") for i, t in enumerate(quiz.rule_text, 1)],
                                    ("", ""), (f"“{RESULT_VIDEOS}”表中的标记", "h"),
                                    ("删除线灰字：去掉的最高分或最低分（不计入平均）；“回避”：评委与作品同属一市（或一单位），"
                                     "不计入；“无效”：缺项、非数值或超出满分，不计入；“未评”：评分表中没有该评委对该作品的评分。"
                                     "将鼠标停在单元格上可看批注。", ""),
                                    ("", ""), ("依据与来源", "h"),
                                    (f"活动通知：{campaign.notice_title}（{campaign.doc_number}）", ""),
                                    (f"活动设置：{campaign.id}（{campaign.source}，校验值 {campaign.raw_hash}）", "")]
    if source:
        lines.append((f"评分工作簿：{Path(source).name}（SHA-256 {file_sha256(source)}）", ""))
    counts = {sev: sum(1 for f in findings if f.severity == sev) for sev in ("错误", "警告", "提示")}
    lines.append((f"问题：错误 {counts['错误']} 个，警告 {counts['警告']} 个，提示 {counts['提示']} 个（见“{RESULT_FINDINGS}”）。"
                  + ("存在错误，结果仅供核对，请修正后重新计分。" if counts["错误"] else ""), "h" if counts["错误"] else ""))
    for r, (text, kind) in enumerate(lines, 1):
        cell = ws.cell(r, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(name=FONT, bold=kind in ("title", "h"), size=16 if kind == "title" else 11,
                         color="1F4E78" if kind == "h" else "000000")
        ws.row_dimensions[r].height = 24 if kind == "title" else _row_height([(text, 80)])
    _print_setup(ws, RESULT_RULES, landscape=False)


def write_results(path: str | Path, campaign: Campaign, video: VideoResult, quiz: QuizResult,
                  source: str | Path | None = None) -> Path:
    """Write the results workbook atomically; return its path."""
    wb = build_results(campaign, video, quiz, source)
    path = Path(path)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
