"""The scoring workbook: template (from a consolidated 汇总.xlsx), round trip, results, and `qm score`."""
from __future__ import annotations

import importlib.util

import pytest
import xlsxwriter
from openpyxl import load_workbook

from addin.cli.main import main
from addin.contest.scoring import score_quiz, score_videos
from addin.contest.workbook import (
    ScoringReadError, read_scoring_workbook, read_source, scoring_filename, write_scoring_template,
)

HAS_DOCGEN = importlib.util.find_spec("docgen.official") is not None
SOURCE_HEAD = ["城市", "行政区划代码", "作品名称", "报送单位", "作者", "时长（秒）", "联系电话", "文件名", "备注", "来源文件", "来源行号"]
VIDEOS = [
    ["南宁市", "450100", "安全帽的故事", "南宁建工集团", "黄小明", 180, "13800000000", "a.mp4", "", "南宁.xlsx", 2],
    ["柳州市", "450200", "=HYPERLINK(\"http://x\",\"点我\")", "柳州建设监理公司", "韦芳", 240, "", "b.mp4", "", "柳州.xlsx", 2],
    ["桂林市", "450300", "匠心筑梦", "桂林建工", "李华", 200, "", "c.mp4", "", "桂林.xlsx", 2],
    ["梧州市", "450400", "质量月在工地", "梧州建设集团", "陈一", 150, "", "d.mp4", "", "梧州.xlsx", 2],
]
QUIZ_HEAD = ["城市", "行政区划代码", "参赛人", "所在单位", "线上成绩", "线下成绩", "用时（秒）", "备注", "来源文件", "来源行号"]
QUIZ = [["南宁市", "450100", "张三", "南宁建工集团", 90, 80, 300, "", "南宁.xlsx", 2],
        ["柳州市", "450200", "李四", "柳州建设监理公司", 80, 90, 280, "", "柳州.xlsx", 2]]
# judge -> city; J1 is from 南宁 and must not score V001 (南宁)
JUDGES = [("J1", "南宁市"), ("J2", "柳州市"), ("J3", "桂林市"), ("J4", "梧州市"), ("J5", "北海市"),
          ("J6", "钦州市"), ("J7", "玉林市")]
# the worked example for V001; the other entries get a flat score per judge
V001 = {"J2": (90, 85, 80, 88), "J3": (92, 90, 85, 86), "J4": (80, 82, 78, 75), "J5": (88, 86, 84, 90),
        "J6": (95, 93, 90, 92), "J7": (85, 88, 82, 80)}
FLAT = {"V002": 80, "V003": 84, "V004": 70}


def write_source(path):
    """A consolidated 汇总.xlsx as `qm consolidate` writes it (XlsxWriter, text always as text)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    for name, head, rows in (("微视频作品", SOURCE_HEAD, VIDEOS), ("知识竞赛", QUIZ_HEAD, QUIZ)):
        ws = wb.add_worksheet(name)
        for c, h in enumerate(head):
            ws.write_string(0, c, h)
        for r, row in enumerate(rows, 1):
            for c, v in enumerate(row):
                ws.write_string(r, c, v) if isinstance(v, str) else ws.write_number(r, c, v)
    wb.close()
    return path


@pytest.fixture
def template(tmp_path, campaign):
    return write_scoring_template(campaign, tmp_path, source=str(write_source(tmp_path / "汇总.xlsx")))


def fill(path, out, *, recused_row=False, missing_cell=False, city_of_entries=None):
    """Fill 评委 and 评分 the way an organiser would (openpyxl); return the filled path."""
    wb = load_workbook(path)
    for r, (name, city) in enumerate(JUDGES, 2):
        wb["评委"].cell(r, 1, name)
        wb["评委"].cell(r, 2, f"{city}某单位")
        wb["评委"].cell(r, 3, city)
    ws = wb["评分"]
    r = 2
    entries = {row[0].value: row[3].value for row in wb["作品"].iter_rows(min_row=2) if row[0].value}
    for judge, city in JUDGES:
        for eid, ecity in entries.items():
            if city == ecity and not (recused_row and judge == "J1"):
                continue
            values = V001.get(judge, (99,) * 4) if eid == "V001" else (FLAT[eid] + int(judge[1]),) * 4
            ws.cell(r, 1, judge)
            ws.cell(r, 2, eid)
            for c, v in enumerate(values, 3):
                ws.cell(r, c, v)
            r += 1
    if missing_cell:
        ws["E3"] = None
    wb.save(out)
    return out


# -- the template -------------------------------------------------------------------
def test_template_sheets_headers_and_validation(template, campaign):
    assert template.name == scoring_filename(campaign)
    wb = load_workbook(template)
    assert wb.sheetnames == ["评分说明", "作品", "评委", "评分", "知识竞赛", "字典", "_meta"]
    assert wb["字典"].sheet_state == "hidden" and wb["_meta"].sheet_state == "veryHidden"
    head = lambda ws: [c.value for c in ws[1] if c.value]  # noqa: E731
    assert head(wb["作品"]) == ["编号", "作品名称", "报送单位", "城市", "作者", "时长（秒）"]
    assert head(wb["评委"]) == ["姓名", "单位", "城市"]
    assert head(wb["评分"]) == ["评委", "作品编号", "主题契合（满分100）", "内容质量（满分100）", "艺术表现（满分100）",
                              "技术质量（满分100）", "加权得分", "作品名称（自动）", "回避提示"]
    assert head(wb["知识竞赛"]) == ["参赛人", "所在单位", "城市", "线上成绩", "线下成绩", "用时（秒）"]
    for name in ("作品", "评委", "评分", "知识竞赛"):
        ws = wb[name]
        assert ws.freeze_panes == "A2" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert len(ws.tables) == 1 and ws.print_title_rows.replace("$", "") == "1:1"
    dvs = {str(dv.sqref).split(":")[0]: dv for dv in wb["评分"].data_validations.dataValidation}
    assert dvs["A2"].type == "list" and "评委" in dvs["A2"].formula1
    assert dvs["B2"].type == "list" and "作品" in dvs["B2"].formula1
    assert (dvs["C2"].type, dvs["C2"].formula1, dvs["C2"].formula2) == ("decimal", "0", "100")
    assert "不要填 0" in dvs["C2"].prompt
    assert "须回避" in wb["评分"]["I2"].value
    guide = " ".join(str(c.value) for c in wb["评分说明"]["A"] if c.value)
    assert "去掉一个最高分和一个最低分" in guide and "一等奖 10%" in guide and "用时较少者列前" in guide


def test_template_filled_from_consolidated_source(template):
    wb = load_workbook(template)
    ws = wb["作品"]
    rows = [[c.value for c in row[:6]] for row in ws.iter_rows(min_row=2, max_row=5)]
    assert rows[0] == ["V001", "安全帽的故事", "南宁建工集团", "南宁市", "黄小明", 180]
    # a city's '=…' stays text: never a formula in our workbook
    assert ws["B3"].data_type == "s" and ws["B3"].value.startswith("=HYPERLINK")
    assert [c.value for c in wb["知识竞赛"][2]] == ["张三", "南宁建工集团", "南宁市", 90, 80, 300]
    entries, people = read_source(template.parent / "汇总.xlsx")
    assert [e.id for e in entries] == ["V001", "V002", "V003", "V004"] and len(people) == 2


def test_template_without_source_and_to_a_file(tmp_path, campaign):
    path = write_scoring_template(campaign, tmp_path / "评分.xlsx")
    assert path == tmp_path / "评分.xlsx"
    book = read_scoring_workbook(path, campaign)
    assert book.entries == [] and book.scores == [] and book.participants == []


def test_source_errors_name_the_file_and_sheet(tmp_path, campaign):
    (tmp_path / "bad.xlsx").write_text("not a workbook")
    with pytest.raises(ScoringReadError, match="bad.xlsx"):
        read_source(tmp_path / "bad.xlsx")
    wb = xlsxwriter.Workbook(str(tmp_path / "other.xlsx"))
    wb.add_worksheet("概况")
    wb.close()
    with pytest.raises(ScoringReadError, match="没有“微视频作品”工作表"):
        read_source(tmp_path / "other.xlsx")


# -- round trip -----------------------------------------------------------------------
def test_round_trip_fill_read_score(template, tmp_path, campaign):
    filled = fill(template, tmp_path / "filled.xlsx", recused_row=True)
    book = read_scoring_workbook(filled, campaign)
    entries, judges, scores, participants, refs = book
    assert [e.id for e in entries] == ["V001", "V002", "V003", "V004"]
    assert entries[1].title.startswith("=HYPERLINK")
    assert [(j.name, j.city) for j in judges] == JUDGES
    assert refs[("entry", "V002")] == "作品!A3" and refs[("judge", "J3")] == "评委!A4"
    first = scores[0]
    assert (first.judge, first.entry, first.ref) == ("J1", "V001", "评分!A2")
    assert refs[("score", "J1", "V001", "内容质量")] == "评分!D2"
    assert [p.name for p in participants] == ["张三", "李四"] and participants[0].cells["online"] == "知识竞赛!D2"

    video = score_videos(entries, judges, scores, campaign.contest)
    v1 = video.entry("V001")
    assert v1.final_text == "86.55" and v1.counted == 4 and v1.scores["J1"].status == "recused"
    (f,) = [f for f in video.findings if f.code == "recused-score"]
    assert (f.sheet, f.cell) == ("评分", "A2")
    # V002 (柳州): J1 81, J3..J7 83..87 (J2 recused) -> drop 87 and 81 -> (83 + 84 + 85 + 86) / 4
    assert video.entry("V002").final_text == "84.50"
    assert [e.entry.id for e in video.entries] == ["V003", "V001", "V002", "V004"]
    assert [e.award for e in video.entries] == ["一等奖", "二等奖", "三等奖", "三等奖"]   # 4: ceil .4/.8/1.2
    quiz = score_quiz(participants, campaign.knowledge, [c.name for c in campaign.cities])
    assert [(p.participant.name, p.final_text, p.rank) for p in quiz.individuals] == [("李四", "86.00", 1),
                                                                                      ("张三", "84.00", 2)]


def test_reader_errors(template, tmp_path, campaign):
    wb = load_workbook(template)
    wb["评分"]["C1"] = "主题"                       # a criterion column lost its title
    wb.save(tmp_path / "broken.xlsx")
    with pytest.raises(ScoringReadError, match="“评分”表的评分指标列与活动设置不一致：缺少 主题契合（满分100）"):
        read_scoring_workbook(tmp_path / "broken.xlsx", campaign)
    wb = load_workbook(template)
    wb["作品"]["A1"] = "序号"
    wb.save(tmp_path / "broken2.xlsx")
    with pytest.raises(ScoringReadError, match="“作品”表第 1 行缺少列：编号"):
        read_scoring_workbook(tmp_path / "broken2.xlsx", campaign)
    wb = load_workbook(template)
    del wb["评委"]
    wb.save(tmp_path / "broken3.xlsx")
    with pytest.raises(ScoringReadError, match="缺少工作表：评委"):
        read_scoring_workbook(tmp_path / "broken3.xlsx")


# -- qm score, end to end ---------------------------------------------------------------
def test_cli_score_end_to_end(template, tmp_path, capsys):
    filled = fill(template, tmp_path / "filled.xlsx")
    out = tmp_path / "结果" / "计分结果.xlsx"
    rc = main(["score", str(filled), "-o", str(out), "--date", "2022-10-20"])
    text = capsys.readouterr()
    assert rc == 0, text.err
    assert "已生成计分结果" in text.out and "错误 0 个" in text.out
    wb = load_workbook(out)
    assert wb.sheetnames == ["微视频评分结果", "回避与问题", "知识竞赛个人排名", "知识竞赛城市排名", "计分规则"]
    ws = wb["微视频评分结果"]
    head = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(head, next(r for r in ws.iter_rows(min_row=2) if r[1].value == "V001"))}
    assert row["J6"].value == 92.8 and row["J6"].font.strike and "去掉的最高分" in row["J6"].comment.text
    assert row["J4"].font.strike and "去掉的最低分" in row["J4"].comment.text
    assert row["J2"].value == 86.1 and not row["J2"].font.strike
    assert row["J1"].value == "回避" and "南宁市" in row["J1"].comment.text
    assert (row["计入评委数"].value, row["最终得分"].value, row["最终得分"].number_format) == (4, 86.55, "0.00")
    assert (row["名次"].value, row["奖项"].value) == (2, "二等奖")
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)      # city text never a formula
    assert wb["回避与问题"]["E2"].value == "未发现问题"
    rules = " ".join(str(c.value) for c in wb["计分规则"]["A"] if c.value)
    assert "去掉一个最高分和一个最低分" in rules and "SHA-256" in rules and "平均分相同时依次比较" in rules
    cities = {r[1].value: r for r in wb["知识竞赛城市排名"].iter_rows(min_row=2)}
    assert cities["柳州市"][2].value == 1 and cities["梧州市"][6].value == "未参赛"
    docx = out.parent / "获奖名单.docx"
    if HAS_DOCGEN:
        from docx import Document

        doc = Document(docx)
        body = "\n".join(p.text for p in doc.paragraphs)
        cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
        assert "附件1" in body and "一、一等奖（1件）" in body
        assert {"匠心筑梦", "安全帽的故事", "86.55"} <= cells
        assert "2022年10月20日" in body and "仅供核对" not in body
    else:
        assert not docx.exists() and "未生成获奖名单" in text.err


def test_cli_score_with_errors_exits_1(template, tmp_path, capsys):
    filled = fill(template, tmp_path / "filled.xlsx", missing_cell=True)
    out = tmp_path / "计分结果.xlsx"
    assert main(["score", str(filled), "-o", str(out), "--date", "2022-10-20"]) == 1
    err = capsys.readouterr().err
    assert "错误：filled.xlsx “评分”表 E3 单元格：" in err and "不按 0 分计" in err
    wb = load_workbook(out)
    assert wb["回避与问题"]["A2"].value == "错误" and wb["回避与问题"]["D2"].value == "E3"
    if HAS_DOCGEN:
        from docx import Document

        assert "仅供核对" in "\n".join(p.text for p in Document(tmp_path / "获奖名单（仅供核对）.docx").paragraphs)
        assert not (tmp_path / "获奖名单.docx").exists()       # a draft never takes the final list's name


def test_cli_score_unreadable_input_exits_2(tmp_path, capsys, template):
    bad = tmp_path / "评分.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert main(["score", str(bad), "-o", str(tmp_path / "out.xlsx")]) == 2
    assert "评分.xlsx" in capsys.readouterr().err
    assert main(["score", str(tmp_path / "缺失.xlsx"), "-o", str(tmp_path / "out.xlsx")]) == 2
    assert "文件不存在" in capsys.readouterr().err
    assert main(["score", str(template), "-o", str(template)]) == 2         # never overwrite the input
    assert main(["score", str(template), "-o", str(tmp_path / "out.csv")]) == 2
    assert not (tmp_path / "out.xlsx").exists()


def test_cli_template_scoring(tmp_path, capsys, campaign):
    src = write_source(tmp_path / "汇总.xlsx")
    out = tmp_path / "模板"
    assert main(["template", "--scoring", "-o", str(out), "--source", str(src)]) == 0
    path = out / scoring_filename(campaign)
    assert str(path) in capsys.readouterr().out
    assert [e.title for e in read_scoring_workbook(path, campaign).entries][0] == "安全帽的故事"
    assert main(["template", "--scoring", "-o", str(out), "--source", str(tmp_path / "无.xlsx")]) == 2
    assert "无.xlsx：文件不存在" in capsys.readouterr().err


def test_cli_help_is_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    out = capsys.readouterr().out
    assert "评分工作簿" in out and "退出码" in out
