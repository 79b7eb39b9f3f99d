"""The knowledge contest's printable papers: 试卷A.docx … (one per variant) and 参考答案.docx.

Why here: a printed paper is a document (python-docx), and documents live in docgen; the paper
itself (which questions, which order, which key) is drawn in addin.contest.papers. The layout is
a clean exam page — title, 注意事项, sections by question type, options in columns when short —
not the GB/T 9704 official-document page: a contest paper is not a 公文.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from addin.campaign.contest import TRUE_FALSE, PaperRules
from addin.campaign.settings import Campaign
from addin.contest.papers import KEY_DOC, SECTION_TITLE, Paper, PaperItem, Variant, write_paper_files
from addin.contest.quizbank import LETTERS
from addin.core.exact import short
from addin.infra.atomic import atomic_path

CN_NUM = "一二三四五六"     # section numbers: 一、单项选择题 …


def _doc():
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.2)
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    st = doc.styles["Normal"]
    st.font.name = "宋体"
    st.font.size = Pt(10.5)
    st.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    st.paragraph_format.space_after = Pt(0)
    st.paragraph_format.line_spacing = 1.25
    return doc


def _run(p, text: str, size: float | None = None, bold: bool = False, font: str | None = None):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    r = p.add_run(text)
    if size:
        r.font.size = Pt(size)
    r.bold = bold
    if font:
        r.font.name = font
        r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return r


def _page_footer(doc) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def field(code: str) -> None:
        r = p.add_run()
        for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            elif text == code:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = f" {code} "
            else:
                el = OxmlElement("w:t")
                el.text = text
            r._r.append(el)

    p.add_run("第 ")
    field("PAGE")
    p.add_run(" 页  共 ")
    field("NUMPAGES")
    p.add_run(" 页")


def _option_lines(options: Sequence[str]) -> list[str]:
    labelled = [f"{LETTERS[i]}．{o}" for i, o in enumerate(options)]
    width = max(len(t) for t in labelled)
    if width <= 9 and len(options) == 4:
        return ["\u3000\u3000".join(t.ljust(10, "\u3000") for t in labelled).rstrip("\u3000")]
    if width <= 20:
        return ["\u3000\u3000".join(t.ljust(21, "\u3000") for t in labelled[i:i + 2]).rstrip("\u3000")
                for i in range(0, len(labelled), 2)]
    return labelled


def write_paper(paper: Paper, variant: Variant, path: Path, campaign: Campaign, rules: PaperRules) -> Path:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = _doc()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(p, f"{variant.name} 卷", 14, True, "黑体")
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, paper.title, 16, True, "黑体")
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, f"考试时间 {paper.minutes} 分钟    卷面满分 {short(paper.full_marks)} 分    共 {len(variant.items)} 题", 10.5)
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(8)
    _run(p, "姓名＿＿＿＿＿＿＿＿  单位＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿  城市＿＿＿＿＿＿＿")
    notice = [
        "注意事项：",
        "1. 请将答案填写在答题卡上，写在试卷上无效；答题卡上须写明本试卷的版本（" + variant.name + " 卷）。",
        "2. 单项选择题和判断题只选一个答案；判断题选 A 表示正确，选 B 表示错误。",
        "3. 多项选择题有两个或两个以上正确答案；" + rules.marking_text() + "。",
    ]
    if paper.full_marks != campaign.quiz_rules.max_score:
        notice.append(f"4. 卷面得分按满分 {short(campaign.quiz_rules.max_score)} 分折算后计入线下成绩。")
    for i, t in enumerate(notice):
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(6 if i == 0 else 0)
        _run(p, t, 9.5, i == 0)
    by_type: dict[str, list[PaperItem]] = {}
    for it in variant.items:
        by_type.setdefault(it.question.qtype, []).append(it)
    for k, (qtype, items) in enumerate(by_type.items()):
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(10)
        p.paragraph_format.space_after = Pt(4)
        p.paragraph_format.keep_with_next = True
        pts = items[0].points
        _run(p, f"{CN_NUM[k]}、{SECTION_TITLE[qtype]}（共 {len(items)} 题，每题 {short(pts)} 分，"
                f"共 {short(pts * len(items))} 分）", 12, True, "黑体")
        for it in items:
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Cm(0.75)
            p.paragraph_format.first_line_indent = Cm(-0.75)
            p.paragraph_format.space_before = Pt(4)
            p.paragraph_format.keep_with_next = qtype != TRUE_FALSE
            stem = it.question.stem.replace("（ ）", "（\u3000\u3000）")
            if qtype == TRUE_FALSE:
                stem += "（　　）"
            _run(p, f"{it.position}．{stem}")
            if qtype == TRUE_FALSE:
                continue
            lines = _option_lines(it.options)
            for j, line in enumerate(lines):
                p = doc.add_paragraph()
                p.paragraph_format.left_indent = Cm(0.75)
                p.paragraph_format.keep_with_next = j < len(lines) - 1
                p.paragraph_format.keep_together = True
                _run(p, line)
    _page_footer(doc)
    doc.core_properties.title = f"{paper.title}（{variant.name}卷）"
    doc.core_properties.author = campaign.authority
    fixed = dt.datetime.combine(campaign.activity_start, dt.time(9, 0))
    doc.core_properties.created = doc.core_properties.modified = fixed
    with atomic_path(path) as tmp:
        doc.save(tmp)
    return path


def write_key_doc(paper: Paper, path: Path, campaign: Campaign) -> Path:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = _doc()
    for k, v in enumerate(paper.variants):
        if k:
            doc.add_page_break()
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, f"{paper.title}（{v.name}卷）参考答案及依据", 15, True, "黑体")
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, f"试卷编号 {paper.id}", 9)
        t = doc.add_table(rows=1, cols=4)
        t.style = "Table Grid"
        for c, title in enumerate(("题序", "答案", "分类", "依据")):
            t.rows[0].cells[c].text = title
        for it in v.items:
            cells = t.add_row().cells
            cells[0].text = str(it.position)
            cells[1].text = it.answer if it.question.qtype != TRUE_FALSE else f"{it.answer}（{it.options[LETTERS.index(it.answer)]}）"
            cells[2].text = it.question.category
            cells[3].text = it.question.source
        t.autofit = False
        widths = (Cm(1.4), Cm(2.0), Cm(3.0), Cm(10.2))     # the 依据 column takes the room: it is the long one
        for col, width in zip(t.columns, widths):           # the grid (LibreOffice) and every cell (Word)
            col.width = width
        for row in t.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = width
        for row in t.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for r in p.runs:
                        r.font.size = Pt(9.5)
    _page_footer(doc)
    doc.core_properties.title = f"{paper.title}参考答案"
    fixed = dt.datetime.combine(campaign.activity_start, dt.time(9, 0))
    doc.core_properties.created = doc.core_properties.modified = fixed
    with atomic_path(path) as tmp:
        doc.save(tmp)
    return path


def write_paper_set(paper: Paper, out_dir: str | Path, campaign: Campaign,
                    participants: Sequence[tuple[str, str, str]] = ()) -> list[Path]:
    """Into ``out_dir``: 试卷A.docx … (one per variant), 参考答案.docx, 答案.xlsx (the key marking
    reads) and 答题卡.xlsx (pre-filled with ``participants`` when given)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rules = campaign.quiz_rules.paper
    paths = [write_paper(paper, v, out / f"试卷{v.name}.docx", campaign, rules) for v in paper.variants]
    paths.append(write_key_doc(paper, out / KEY_DOC, campaign))
    return paths + write_paper_files(paper, out, campaign, participants)
