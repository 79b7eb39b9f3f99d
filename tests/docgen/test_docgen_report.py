"""The activity reports: every figure comes from the consolidated data."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest
from docx import Document

from docgen.charts import cjk_font
from docgen.report import build_city_report, build_province_report, report_title
from tests.docgen_fixtures import build_consolidated, docx_parts, docx_text, row_texts

ACTIVITIES = [
    "（一）开展工程建设质量主题宣讲",
    "（二）树立行业标杆，引领工程质量标准化建设",
    "（三）进一步推广工程质量安全手册",
    "（四）组织开展“微视频”评比和知识竞赛",
    "（五）加强质量监督抽测",
    "（六）曝光典型问题工程",
    "（七）完善质量投诉处理机制",
    "（八）加强自建房屋安全鉴定管理",
]
REQUIREMENTS = ["（一）高度重视，加强领导", "（二）积极动员，广泛参与", "（三）防范疫情，严格管理", "（四）加强总结，及时报送"]


@pytest.fixture(scope="module")
def consolidated(tmp_path_factory):
    return build_consolidated(tmp_path_factory.mktemp("fx"))


@pytest.fixture(scope="module")
def province(consolidated, tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "全区报告.docx"
    return build_province_report(consolidated, out, date=dt.date(2022, 10, 14))


def _i(x) -> str:
    return str(int(round(x)))


def _headings(path, level):
    return [p.text for p in Document(str(path)).paragraphs if p.style.name == f"Heading {level}"]


def test_title_recipient_and_structure(province, consolidated):
    doc = Document(str(province))
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert title.text.replace("\n", "") == "关于2022年全区房屋市政工程“质量月”活动开展情况的报告"
    assert report_title(consolidated) == title.text.replace("\n", "")
    # 主送 from the settings ([report] recipient)
    assert [p.text for p in doc.paragraphs if p.style.name == "Recipient"] == [f"{consolidated.campaign.report_recipient}："]
    h2 = _headings(province, 2)
    assert h2[:8] == ACTIVITIES                     # the notice's eight activities, in order
    assert h2[8:12] == REQUIREMENTS                 # and its four 工作要求
    text = docx_text(province)
    assert f"{consolidated.campaign.report_issuer}\n2022年10月14日" in text
    assert "特此报告。" in text


def test_every_total_figure_appears(province, consolidated):
    t = consolidated.totals()
    text = docx_text(province)
    rate = t["spot_pass"] / (t["spot_pass"] + t["spot_fail"])
    expected = [
        f"质量宣传宣讲活动{_i(t['publicity_events'])}场，参与{_i(t['publicity_participants'])}人次，发布宣传信息{_i(t['publicity_items'])}条",
        f"示范观摩活动{_i(t['tours_events'])}场，参加{_i(t['tours_participants'])}人次",
        f"示范企业和项目{_i(t['manual_demo'])}个",
        f"督促{_i(t['manual_firms'])}家施工、监理企业编制企业工程质量安全手册，其中已编制{_i(t['manual_compiled'])}家",
        f"纳入检查{_i(t['manual_in_inspection'])}个",
        f"微视频作品{_i(t['videos'])}件",
        f"组织{_i(t['quiz_participants'])}人参加工程质量知识竞赛",
        f"监督抽测工程{_i(t['spot_projects'])}个、{_i(t['spot_items'])}项次",
        f"合格{_i(t['spot_pass'])}项次，不合格{_i(t['spot_fail'])}项次，需复检{_i(t['spot_recheck'])}项次",
        f"抽测合格率{rate * 100:.1f}%",
        f"下发整改通知书{_i(t['notices'])}份，立案查处{_i(t['cases_filed'])}起",
        f"曝光典型问题工程{_i(t['exposures'])}个",
        f"受理工程质量投诉{_i(t['complaints'])}件",
        f"核查属实（含部分属实）{_i(t['complaints_verified'])}件",
        f"发放投诉奖励{_i(t['rewards_paid'])}件，金额{t['reward_total']:.2f}元",
        f"房屋安全鉴定{_i(t['appraisals'])}栋，其中A级{_i(t['appraisal_a'])}栋、B级{_i(t['appraisal_b'])}栋、"
        f"C级{_i(t['appraisal_c'])}栋、D级{_i(t['appraisal_d'])}栋",
        f"涉及鉴定机构{_i(t['agencies'])}家",
        f"认定不良行为记录{_i(t['bad_records'])}条",
    ]
    for phrase in expected:
        assert phrase in text, phrase
    # the fixture's own numbers, as a check on the check
    assert "质量宣传宣讲活动8场，参与3310人次，发布宣传信息70条" in text
    assert "抽测合格率54.5%" in text and "金额794.30元" in text


def test_breakdowns_from_the_frames(province, consolidated):
    text = docx_text(province)
    pub = consolidated.frames["publicity"]
    for form, n in pub["form"].value_counts().items():
        assert f"{form}{n}场" in text
    quiz = consolidated.frames["quiz"]
    assert f"参加线上竞赛{quiz['online'].notna().sum()}人次、线下竞赛{quiz['offline'].notna().sum()}人次" in text
    real = (consolidated.frames["complaints"]["real_name"] == "是").sum()
    assert f"其中实名投诉{real}件" in text
    # batch trace: one manufacturer, one batch; its two sites both failed, so no other site used it
    assert "涉及生产厂家1家、批次1个。各不合格批次均未发现在其他抽测工地使用。" in text


def test_per_city_table(province, consolidated):
    doc = Document(str(province))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "城市" and len(t.columns) == 12)
    rows = {r.cells[0].text: row_texts(r) for r in table.rows[1:]}
    st = consolidated.stats.set_index("city")
    for city in ("南宁市", "柳州市", "桂林市", "梧州市"):
        s = st.loc[city]
        row = rows[city]
        assert row[1] == s["status"]
        assert row[2:6] == [_i(s["publicity_events"]), _i(s["tours_events"]), _i(s["spot_items"]), _i(s["spot_fail"])]
        assert row[6] == f"{s['spot_pass'] / (s['spot_pass'] + s['spot_fail']) * 100:.1f}%"
        assert row[7:] == [_i(s[k]) for k in ("notices", "cases_filed", "exposures", "complaints", "appraisals")]
    assert rows["北海市"][1] == "未报送" and set(rows["北海市"][2:]) == {"—"}
    t = consolidated.totals()
    assert rows["合计"][2:6] == [_i(t["publicity_events"]), _i(t["tours_events"]), _i(t["spot_items"]), _i(t["spot_fail"])]
    assert rows["合计"][6] == "54.5%"


def test_nonconforming_and_cases(province, consolidated):
    text = docx_text(province)
    nc = consolidated.nonconforming
    assert f"抽测不合格{len(nc)}项次，涉及工程{nc['project'].nunique()}个、施工单位{nc['contractor'].nunique()}家" in text
    doc = Document(str(province))
    by_item = next(t for t in doc.tables if t.rows[0].cells[0].text == "检测项目")
    got = {row_texts(r)[0]: (row_texts(r)[1], row_texts(r)[4]) for r in by_item.rows[1:]}
    for item, g in nc.groupby("item"):
        n, basis = got[item]
        assert n == str(len(g))
        for b in g["basis"].unique():
            assert b in basis                      # the basis is cited
    assert "已立案查处2起" in text
    assert "南宁市五象新区某安置房项目1#楼（广西五象建设工程有限公司，钢筋下屈服强度）" in text
    # the attachment lists every non-conforming item
    assert "附件：1.各市监督抽测不合格项目清单\n2.统计口径说明" in text
    appendix = doc.tables[-2]
    assert len(appendix.rows) == 1 + len(nc)
    assert {row_texts(r)[6] for r in appendix.rows[1:]} >= {"南建质整改〔2022〕5号", "柳建质〔2022〕12号"}


def test_missing_and_late_cities(province):
    text = docx_text(province)
    assert "应于2022年10月10日前报送" in text
    assert "1个市逾期报送：桂林市（10月12日报送）" in text
    assert "1个市未报送：北海市" in text
    assert "5个设区市中已有4个市报送活动开展情况（其中逾期报送1个），1个市未报送" in text


def test_chart_is_embedded(province):
    media = [n for n in docx_parts(province) if n.startswith("word/media/")]
    assert len(media) == 1 and media[0].endswith(".png")
    assert "图1 各市监督抽测合格率" in docx_text(province)
    if cjk_font() is None:
        pytest.skip("no CJK font for matplotlib")
    assert "CJK" in cjk_font() or cjk_font() in ("SimHei", "Microsoft YaHei", "SimSun")


def test_recipient_from_argument_or_setting(consolidated, tmp_path):
    p = build_province_report(consolidated, tmp_path / "a.docx", date=dt.date(2022, 10, 14), recipient="某上级机关")
    assert "\n某上级机关：\n" in docx_text(p)

    camp = dataclasses.replace(consolidated.campaign, report_recipient="设置中的主送机关")
    c2 = dataclasses.replace(consolidated, campaign=camp)
    p2 = build_province_report(c2, tmp_path / "b.docx", date=dt.date(2022, 10, 14))
    assert "\n设置中的主送机关：\n" in docx_text(p2)


def test_city_report(consolidated, tmp_path):
    p = build_city_report(consolidated, "南宁", tmp_path / "南宁.docx", date=dt.date(2022, 10, 8))
    text = docx_text(p)
    doc = Document(str(p))
    assert next(x for x in doc.paragraphs if x.style.name == "Title").text.replace("\n", "") == \
        "关于南宁市2022年房屋市政工程“质量月”活动开展情况的报告"
    assert f"\n{consolidated.campaign.authority}：\n" in text               # 主送 the province
    assert "南宁市住房和城乡建设局\n2022年10月8日" in text                     # 落款 the city's bureau
    s = consolidated.stats.set_index("city").loc["南宁市"]
    assert f"质量宣传宣讲活动{_i(s['publicity_events'])}场，参与{_i(s['publicity_participants'])}人次" in text
    assert f"抽测合格率{s['spot_pass'] / (s['spot_pass'] + s['spot_fail']) * 100:.1f}%" in text
    assert f"金额{s['reward_total']:.2f}元" in text
    assert _headings(p, 2)[:8] == ACTIVITIES
    assert "梧州" not in text and "柳州" not in text                          # only this city's items
    assert "汇总形成本报告" in text
    assert set(re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", text)) == {"2022年10月8日"}   # one date
    assert "南建质〔2022〕12号" in text and "明确了质量投诉处理专人" in text       # its 基本信息
    # without --date: the return's 填报日期, the only date it carries
    p2 = build_city_report(consolidated, "柳州", tmp_path / "柳州.docx")
    assert set(re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", docx_text(p2))) == {"2022年10月9日"}


def test_report_survives_missing_sheets(consolidated, tmp_path):
    empty = dataclasses.replace(
        consolidated, frames={}, nonconforming=pd.DataFrame(), batch_trace=pd.DataFrame(),
        stats=consolidated.stats.assign(**{k: 0 for k in ("spot_pass", "spot_fail")}))
    p = build_province_report(empty, tmp_path / "e.docx", date=dt.date(2022, 10, 14))
    text = docx_text(p)
    assert "抽测合格率—" in text and "未发现经复核判定为不合格的项目" in text
    assert not re.search(r"nan|None", text)
