"""The README's promise: rules can be overridden or extended by a file (``--rules`` on the
commands that judge, or ``rules = [...]`` in the campaign TOML), and the verdict follows the file."""
from __future__ import annotations

from importlib import resources

import pytest

from addin.campaign.settings import SettingsError, load_campaign, with_rule_files
from addin.cli.main import main
from addin.rules.catalogs import campaign_rules
from addin.rules.judge import judge

STRICTER = '''
[[rule]]
id = "rebar.rel.hrb"
item = "钢筋下屈服强度"
grades = ["HRB400", "HRB400E", "HRB500", "HRB500E", "HRB600"]
quantity = "下屈服强度 ReL"
unit = "MPa"
method = "min_each"
limits = { min = { HRB400 = 450, HRB400E = 450, HRB500 = 550, HRB500E = 550, HRB600 = 650 } }
standard = "本省补充规定（测试）"
clause = "第1条"
message = "下屈服强度实测最小值 {worst} MPa，低于 {grade} 的本省要求 {limit} MPa"
message_ok = "下屈服强度实测值 {values} MPa，均不低于 {limit} MPa"
confidence = "C"
source = "test"
'''


@pytest.fixture
def stricter(tmp_path):
    path = tmp_path / "本省补充规则.toml"
    path.write_text(STRICTER, "utf-8")
    return path


def test_a_rule_file_overrides_a_packaged_limit(stricter):
    assert judge("钢筋下屈服强度", "HRB400", "430、425").result == "合格"
    camp = with_rule_files(load_campaign(), [stricter])
    j = judge("钢筋下屈服强度", "HRB400", "430、425", rules=campaign_rules(camp.rule_files))
    assert j.result == "不合格" and "本省补充规定（测试）" in j.basis
    # the other rules of the catalog are still there
    assert judge("钢筋抗拉强度", "HRB400", "560、570", rules=campaign_rules(camp.rule_files)).result == "合格"


def test_the_campaign_file_lists_extra_rules(tmp_path, stricter):
    text = resources.files("addin.campaign").joinpath("data", "campaign_gx2022.toml").read_text("utf-8")
    toml = tmp_path / "活动.toml"
    toml.write_text('rules = ["本省补充规则.toml"]\n' + text, "utf-8")
    camp = load_campaign(toml)
    assert camp.rule_files == (str(stricter.resolve()),)
    toml.write_text('rules = ["没有这个文件.toml"]\n' + text, "utf-8")
    with pytest.raises(SettingsError, match="找不到规则文件"):
        load_campaign(toml)


def test_qm_check_with_rules_changes_the_verdicts(tmp_path, stricter, demo_dir, capsys):
    returns = demo_dir
    name = next(f for f in sorted(p.name for p in returns.iterdir()) if f.endswith(".xlsx"))
    main(["check", str(returns / name), "--xlsx", str(tmp_path / "a.xlsx"), "-q"])
    plain = capsys.readouterr().out
    main(["check", str(returns / name), "--xlsx", str(tmp_path / "b.xlsx"), "-q", "--rules", str(stricter)])
    strict = capsys.readouterr().out
    assert plain != strict
    from python_calamine import CalamineWorkbook

    def mismatches(path):
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        return sum("本省补充规定（测试）" in " ".join(map(str, r)) for r in rows)
    assert mismatches(tmp_path / "a.xlsx") == 0 and mismatches(tmp_path / "b.xlsx") > 0


def test_a_missing_rule_file_is_refused(capsys, demo_dir):
    assert main(["check", str(demo_dir), "--rules", "/nonexistent/规则.toml"]) == 2
    assert "找不到规则文件" in capsys.readouterr().err


def _campaign_toml(tmp_path, head: str = "", **dates) -> str:
    text = resources.files("addin.campaign").joinpath("data", "campaign_gx2022.toml").read_text("utf-8")
    text = "\n".join(next((f"{k} = {v}" for k, v in dates.items() if line.startswith(f"{k} = ")), line)
                     for line in text.splitlines())
    toml = tmp_path / "活动.toml"
    toml.write_text(head + text, "utf-8")
    return str(toml)


def test_qm_judge_follows_the_campaign_like_qm_check(tmp_path, stricter, monkeypatch):
    """The worksheet function judges as the checker does: by the campaign's rule files and by the
    editions in force on its activity start (a 2025 workbook never cites the withdrawn 2018 text)."""
    from addin.excel import udfs

    args = ("钢筋下屈服强度", "HRB400", "430、425", "16")
    assert udfs.QM_JUDGE(*args).startswith("合格（GB/T 1499.2-2018")
    monkeypatch.setenv("QM_CAMPAIGN", _campaign_toml(tmp_path, 'rules = ["本省补充规则.toml"]\n'))
    assert udfs.QM_JUDGE(*args).startswith("不合格（本省补充规定（测试）")
    later = tmp_path / "2025"
    later.mkdir()
    monkeypatch.setenv("QM_CAMPAIGN", _campaign_toml(
        later, year="2025", notice_date="2025-09-08", activity_start="2025-09-01",
        activity_end="2025-09-30", report_deadline="2025-10-10"))
    camp = udfs.campaign()
    assert camp.activity_start.year == 2025
    cited = udfs.QM_JUDGE(*args)
    expected = judge(*args[:3], spec=16, on=camp.activity_start)
    assert cited == f"{expected.result}（{expected.basis}）"
    assert "GB 1499.2-2024" in cited and "2018）" not in cited.split("（")[1]
