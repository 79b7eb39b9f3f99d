"""Issue 17 class 8: personal data typed where nobody expects it never reaches the 曝光清单 (a list for
publication): every field of every exposure entry passes addin.core.privacy.scrub_published."""
from __future__ import annotations

import dataclasses

from docgen.exposure import plan_exposures
from tests.docgen_fixtures import build_consolidated

LEAKS = {
    "builder": "个人自建：韦小宝，电话13877771234，身份证450102199001011237",
    "supervisor": "某监理公司（联系人：陈明，138 7777 1234）",
    "contractor": "某建筑公司，座机0771-5551234",
    "project": "某自建房（电话：１３８７７７７１２３４）",
    "problem": "梁柱节点不密实，身份证 4501 0219 9001 0112 37",
}


def test_no_personal_data_reaches_the_exposure_list(tmp_path):
    consolidated = build_consolidated(tmp_path)
    df = consolidated.frames["exposure"].copy()
    for key, value in LEAKS.items():
        df[key] = value
    c = dataclasses.replace(consolidated, frames={**consolidated.frames, "exposure": df})
    entries = plan_exposures(c, {})
    assert entries
    for e in entries:
        fields = {f.name: getattr(e, f.name) for f in dataclasses.fields(e) if isinstance(getattr(e, f.name), str)}
        published = " ".join(fields.values())
        for secret in ("13877771234", "450102199001011237", "5551234", "韦小宝", "陈明", "１３８７７７７１２３４",
                       "7777 1234", "0219 9001 0112"):
            assert secret not in published, (secret, fields)
        assert "某监理公司" in published and "梁柱节点不密实" in published     # the rest is kept


# -- every published document: personal data planted in every free-text field ---------------------------
# The plant carries a harmless marker (质量追溯) that must reach the document — proof the poisoned
# field was printed — and personal data in the shapes of the class-8 corpus, none of which may.
PLANT = "，质量追溯，韦小宝电话13877771234，身份证45010219900101123X，座机（0772）2834567，联系人 蒙　桂"
SECRETS = ("13877771234", "45010219900101123X", "2834567", "小宝", "蒙　桂", "蒙桂", "7777 1234")
STRUCTURAL = {"city", "city_code", "source_file", "source_row", "status", "judgment", "real_name", "verified", "level",
              "closed", "case_filed", "notice_no", "category", "grade", "spec", "design", "measured", "stated",
              "date", "notice_date", "deadline", "photos", "url", "reward", "fill_date", "kind", "type"}


def _poison(c):
    import pandas as pd

    def dirty(df):
        if df is None or df.empty:
            return df
        df = df.copy()
        for col in df.columns:
            if col not in STRUCTURAL and (df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype)):
                df[col] = [v + PLANT if isinstance(v, str) and v.strip() else v for v in df[col]]
        return df

    frames = {k: dirty(v) for k, v in c.frames.items()}
    if "complaints" in frames:                       # a name and a phone typed the unexpected way
        frames["complaints"] = frames["complaints"].assign(complainant="蒙　桂", phone="１３８ ７７７７ １２３４")
    return dataclasses.replace(c, frames=frames, nonconforming=dirty(c.nonconforming),
                               info=dirty(c.info) if isinstance(c.info, pd.DataFrame) else c.info)


def _text(path) -> str:
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                      if n.startswith("word/") and n.endswith(".xml"))
    return re.sub(r"<[^>]+>", "", xml).replace("\u200b", "")


NUMBERS = ("13877771234", "45010219900101123X", "2834567", "7777 1234")   # masked even where names are kept


def _clean(path, *, marker: bool = True, secrets=SECRETS) -> None:
    text = _text(path)
    for secret in secrets:
        assert secret not in text, (path.name, secret, text[max(0, text.find(secret) - 80):text.find(secret) + 40])
    if marker:
        assert "质量追溯" in text, path.name


def test_every_published_document_scrubs_every_field(tmp_path):
    import datetime as dt

    from docgen.exposure import build_exposure_list
    from docgen.notice import build_notices
    from docgen.report import build_city_report, build_province_report
    from docgen.rewards import build_reward_roster

    c = _poison(build_consolidated(tmp_path))
    day = dt.date(2022, 10, 20)
    _clean(build_province_report(c, tmp_path / "全区报告.docx", date=day))
    city = c.stats["city"].iloc[0]
    _clean(build_city_report(c, city, tmp_path / "城市报告.docx", date=day))
    _clean(build_exposure_list(c, tmp_path / "曝光清单.docx", date=day, draft=True))
    path, rows = build_reward_roster(c, tmp_path / "奖励名册.docx", date=day, draft=True)
    _clean(path, marker=False)
    assert rows and all(r["complainant"] in ("蒙*", "匿名") for r in rows)
    # a 整改通知书 is served on the parties it names: names stay, phone and ID numbers never
    notices = build_notices(c, tmp_path / "通知", day, include_recorded=True)
    assert notices
    for p in notices:
        _clean(p, secrets=NUMBERS)
    assert any("韦小宝" in _text(p) for p in notices if p.suffix == ".docx")


def test_supervision_letter_scrubs_every_field(tmp_path, campaign):
    import datetime as dt

    import pandas as pd

    from addin.consolidate.model import Consolidated
    from addin.consolidate.tracking import plan_tracking
    from docgen.supervise import supervision_file_name, write_supervision_letter

    city = campaign.cities[0]
    D = dt.date
    rows = [{"city": city.name, "city_code": city.code, "judgment": "不合格", "item": "钢筋下屈服强度" + PLANT,
             "project": "甲工程" + PLANT, "notice_no": "南建质改〔2022〕001号",
             "notice_date": D(2022, 9, 10), "deadline": D(2022, 9, 20)}]
    c = Consolidated(campaign, {}, pd.DataFrame(columns=["city", "city_code", "status"]), pd.DataFrame(), [], [], [],
                     [], pd.DataFrame(rows), pd.DataFrame())
    t = plan_tracking(c, D(2022, 10, 1))
    _clean(write_supervision_letter(t, city.name, tmp_path / supervision_file_name(city.name)))


def test_award_list_masks_numbers_and_keeps_winners_names(tmp_path, campaign):
    """获奖名单 publishes winners' names on purpose: the phone and ID typed with them are masked."""
    from openpyxl import load_workbook

    from addin.cli.main import main
    from tests.contest.test_scoring_workbook import fill, write_scoring_template, write_source

    template = write_scoring_template(campaign, tmp_path, source=str(write_source(tmp_path / "汇总.xlsx")))
    filled = fill(template, tmp_path / "filled.xlsx")
    wb = load_workbook(filled)
    for sheet, cols in (("作品", (2, 3, 5)), ("知识竞赛", (1, 2))):
        ws = wb[sheet]
        for row in ws.iter_rows(min_row=2):
            for col in cols:
                cell = row[col - 1]
                if isinstance(cell.value, str) and cell.value:
                    cell.value += " 13877771234 45010219900101123X"
    wb.save(filled)
    assert main(["score", str(filled), "-o", str(tmp_path / "计分结果.xlsx"), "--date", "2022-10-20"]) == 0
    text = _text(tmp_path / "获奖名单.docx")
    assert "13877771234" not in text and "45010219900101123X" not in text
    assert "138****1234" in text and "张三" in text          # the winner's name stays
