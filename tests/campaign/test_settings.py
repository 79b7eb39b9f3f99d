"""Campaign settings are data: another province or year needs a TOML file, not a code change."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from addin.cli.main import main
from addin.campaign.settings import SettingsError, load_campaign

OTHER = """
id = "gd-2023-zlyd"
year = 2023
province = "广东省"
province_code = "440000"
authority = "广东省住房和城乡建设厅"
doc_number = "粤建质〔2023〕88号"
theme = "质量强国 建设有我"
activity_start = 2023-09-01
activity_end = 2023-09-30
report_deadline = 2023-10-15
[[cities]]
name = "广州市"
code = "440100"
[[cities]]
name = "深圳市"
code = "440300"
[[cities]]
name = "珠海市"
code = "440400"
"""


def test_default_is_guangxi_2022(campaign):
    assert campaign.doc_number == "桂建管〔2022〕21号"
    assert (campaign.activity_start, campaign.activity_end) == (dt.date(2022, 9, 1), dt.date(2022, 9, 30))
    assert campaign.report_deadline == dt.date(2022, 10, 10)
    assert len(campaign.cities) == 14
    assert campaign.city_by_name("南宁") == campaign.city_by_code("450100")
    assert [c.code for c in campaign.cities] == [f"45{i:02d}00" for i in range(1, 15)]


def test_another_province_runs_end_to_end(tmp_path, capsys):
    f = tmp_path / "gd.toml"
    f.write_text(OTHER, encoding="utf-8")
    out = tmp_path / "tpl"
    assert main(["--campaign", str(f), "template", "--all", "-o", str(out)]) == 0
    files = sorted(out.glob("*.xlsx"))
    assert [p.name for p in files] == sorted(f"2023年质量月活动填报表_{c}.xlsx" for c in ("广州市", "深圳市", "珠海市"))
    wb = load_workbook(files[0])
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows()}
    assert meta["campaign_id"] == "gd-2023-zlyd"
    assert "粤建质〔2023〕88号" in str(wb["填报说明"]["A2"].value)
    # a Guangxi return is refused under the other campaign
    from workbook_templates.builder import write_templates
    gx = write_templates(load_campaign(), tmp_path / "gx", [load_campaign().cities[0]])[0]
    assert main(["--campaign", str(f), "check", str(gx)]) == 2
    assert "其他活动" in capsys.readouterr().out


@pytest.mark.parametrize("text,needle", [
    ("id = 1", "缺少必填项"),
    ("not toml [", "不是有效的 TOML"),
    (OTHER.replace('code = "440300"', 'code = "4403"'), "6 位行政区划代码"),
    (OTHER.replace("activity_end = 2023-09-30", "activity_end = 2023-08-30"), "结束日期早于开始日期"),
])
def test_bad_settings_file_has_a_chinese_message(tmp_path, text, needle, capsys):
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=needle):
        load_campaign(f)
    assert main(["--campaign", str(f), "template", "--all", "-o", str(tmp_path / "o")]) == 2
    assert "bad.toml" in capsys.readouterr().err


@pytest.mark.parametrize("edit, words", [
    (lambda t: "yeer = 2022\n" + t, "不认识的设置项 yeer（是否应为 year？）"),
    (lambda t: t.replace("random_max", "random_mx"), "[rewards] random_mx（是否应为 random_max？）"),
    (lambda t: t.replace("[report]", '[report]\nrecipent = "某司"'), "[report] recipent（是否应为 recipient？）"),
    (lambda t: t.replace("[contact]", '[contact]\nfax = "0771-1"'), "[contact] fax"),
])
def test_a_misspelt_setting_is_refused_by_name(tmp_path, edit, words):
    """A key the program does not read would silently do nothing (the default stays): refused, named."""
    from importlib import resources

    from addin.campaign.settings import SettingsError, load_campaign

    text = resources.files("addin.campaign").joinpath("data", "campaign_gx2022.toml").read_text("utf-8")
    path = tmp_path / "活动.toml"
    path.write_text(edit(text), "utf-8")
    with pytest.raises(SettingsError) as err:
        load_campaign(path)
    assert words in err.value.message and "活动.toml" in err.value.message
