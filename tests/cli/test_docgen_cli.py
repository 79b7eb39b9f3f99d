"""`qm report | notices | exposure | rewards` (addin/cli/docs.py) over a stubbed consolidation."""
from __future__ import annotations

import pytest

import addin.consolidate.run
from addin.cli.main import main
from docgen.notice import REGISTER_NAME
from tests.docgen_fixtures import build_consolidated, docx_part, docx_text


@pytest.fixture
def summary(tmp_path, monkeypatch):
    from addin.consolidate.run import write_consolidated

    c = build_consolidated(tmp_path)
    path = write_consolidated(c, tmp_path / "汇总.xlsx")   # a real one: the commands check their input
    seen = {}

    def load(p, campaign):
        seen["load"] = (p.getvalue() if hasattr(p, "getvalue") else str(p), campaign.id)
        return c

    def consolidate(paths, campaign, **kw):
        seen["files"] = [str(p) for p in paths]
        return c

    monkeypatch.setattr(addin.consolidate.run, "load_consolidated", load)
    monkeypatch.setattr(addin.consolidate.run, "consolidate_files", consolidate)
    return path, c, seen


def test_report(summary, tmp_path, capsys):
    path, c, seen = summary
    out = tmp_path / "全区报告.docx"
    assert main(["report", str(path), "-o", str(out), "--date", "2022-10-14", "--doc-number", "桂建管[2022]25号"]) == 0
    assert seen["load"][0] == path.read_bytes()      # the summary's checked bytes (issue 17 class 6)
    text = docx_text(out)
    assert "桂建管〔2022〕25号" in text and "2022年10月14日" in text
    assert "已生成报告" in capsys.readouterr().out


def test_city_report(summary, tmp_path):
    path, c, seen = summary
    from addin.demo.generator import build_city_workbook, generate_city

    camp = c.campaign
    src = tmp_path / "回收" / "南宁市_质量月填报表.xlsx"
    build_city_workbook(camp, generate_city(camp, camp.cities[0])).save(src)   # a real return: checked first
    out = tmp_path / "本市报告.docx"
    assert main(["report", "--city", str(src), "-o", str(out), "--date", "2022-10-08"]) == 0
    assert seen["files"] == [str(src)]
    assert "南宁市住房和城乡建设局" in docx_text(out)


def test_notices_exposure_rewards(summary, tmp_path, capsys):
    path, c, _ = summary
    # every fixture item already has a city notice: none by default, all four when asked
    assert main(["notices", str(path), "-o", str(tmp_path / "通知书0"), "--date", "2022-10-14"]) == 0
    assert not list((tmp_path / "通知书0").glob("*.docx"))
    assert main(["notices", str(path), "-o", str(tmp_path / "通知书"), "--date", "2022-10-14", "--include-recorded"]) == 0
    assert len(list((tmp_path / "通知书").glob("*.docx"))) == 4
    assert (tmp_path / "通知书" / REGISTER_NAME).exists()
    assert "已生成整改通知书 4 份" in capsys.readouterr().out
    # the exposure list is published: a missing photo refuses it (exit 2), --draft writes a 草稿
    assert main(["exposure", str(path), "-o", str(tmp_path / "曝光.docx"), "--date", "2022-10-14"]) == 2
    assert not (tmp_path / "曝光.docx").exists()
    assert "照片c1.jpg缺失" in capsys.readouterr().err
    assert main(["exposure", str(path), "-o", str(tmp_path / "曝光.docx"), "--date", "2022-10-14", "--draft"]) == 0
    assert "［照片缺失：c1.jpg］" in docx_text(tmp_path / "曝光.docx")
    assert main(["rewards", str(path), "-o", str(tmp_path / "奖励.docx"), "--seed", "5"]) == 0
    assert "随机种子5" in docx_text(tmp_path / "奖励.docx")
    out = capsys.readouterr().out
    assert "随机种子 5" in out


def test_errors_in_chinese(summary, tmp_path, capsys):
    assert main(["rewards", str(tmp_path / "没有.xlsx")]) == 2
    assert "找不到汇总表" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["report", "x.xlsx", "--date", "10/14"])
    assert e.value.code == 2
    assert "日期“10/14”格式不正确" in capsys.readouterr().err
    path, _, _ = summary
    assert main(["report", str(path), "--city", str(path)]) == 2
    assert "只能指定一个" in capsys.readouterr().err


def test_exposure_finds_photos_beside_the_returns(tmp_path, monkeypatch):
    """汇总.xlsx keeps only the workbook's file name: the photos are found in the folder beside
    the summary that holds that workbook and its photos (not a template folder of the same names)."""
    import dataclasses
    from pathlib import Path

    from tests.docgen_fixtures import docx_parts

    c = build_consolidated(tmp_path)                       # returns and photos in tmp/回收
    exp = c.frames["exposure"].copy()
    exp["source_file"] = exp["source_file"].map(lambda s: Path(s).name)
    c = dataclasses.replace(c, frames={**c.frames, "exposure": exp})
    decoy = tmp_path / "01-模板"
    decoy.mkdir()
    for name in exp["source_file"]:
        (decoy / name).write_bytes(b"")
    (tmp_path / "汇总").mkdir()
    from addin.consolidate.run import write_consolidated

    summary = write_consolidated(c, tmp_path / "汇总" / "汇总.xlsx")
    monkeypatch.setattr(addin.consolidate.run, "load_consolidated", lambda p, campaign: c)
    out = tmp_path / "曝光.docx"
    assert main(["exposure", str(summary), "-o", str(out), "--date", "2022-10-14", "--draft"]) == 0
    assert len([n for n in docx_parts(out) if n.startswith("word/media/")]) == 2


def test_notices_output_folder_rules(summary, tmp_path, capsys):
    path, _, _ = summary
    out = tmp_path / "通知书"
    out.mkdir()
    (out / "别人的文件.txt").write_text("x", encoding="utf-8")
    assert main(["notices", str(path), "-o", str(out), "--include-recorded"]) == 2
    err = capsys.readouterr().err
    assert "别人的文件.txt" in err and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["别人的文件.txt"]
    assert main(["notices", str(path), "-o", str(path), "--include-recorded"]) == 2     # never the input
    assert path.read_bytes()                                                          # still there
    f = tmp_path / "a.docx"
    f.write_bytes(b"doc")
    assert main(["notices", str(path), "-o", str(f), "--include-recorded"]) == 2      # a file, not a folder
    assert f.read_bytes() == b"doc"
    capsys.readouterr()
    assert main(["notices", str(path), "-o", str(tmp_path / "套印"), "--include-recorded", "--letterhead",
                 "--date", "2022-10-14"]) == 0
    doc = next((tmp_path / "套印").glob("*.docx"))
    assert 'w:color w:val="FF0000"' not in docx_part(doc)                       # no red mark, no red rule
