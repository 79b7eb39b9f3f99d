"""典型问题曝光 list: photos beside the returned workbook, placeholders, no personal data."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from docgen.exposure import NotPublishable, build_exposure_list, find_photo, plan_exposures
from tests.docgen_fixtures import build_consolidated, docx_part, docx_parts, docx_text, png_bytes


@pytest.fixture
def consolidated(tmp_path):
    return build_consolidated(tmp_path)


def test_incomplete_list_is_not_published(consolidated, tmp_path):
    with pytest.raises(NotPublishable) as err:
        build_exposure_list(consolidated, tmp_path / "曝光.docx", date=dt.date(2022, 10, 14))
    msg = str(err.value)
    assert "照片c1.jpg缺失" in msg and "梧州市" in msg and "未报送照片" in msg and "--draft" in msg
    assert not (tmp_path / "曝光.docx").exists()


def test_complete_list_has_no_placeholder_and_no_draft_mark(consolidated, tmp_path):
    exp = consolidated.frames["exposure"]
    keep = exp[exp["city"] == "南宁市"]                  # 南宁's photos are all there
    c = dataclasses.replace(consolidated, frames={**consolidated.frames, "exposure": keep})
    out = build_exposure_list(c, tmp_path / "曝光.docx", date=dt.date(2022, 10, 14))
    text = docx_text(out)
    assert "［" not in text and "草稿" not in text
    assert not any(n.startswith("word/header") for n in docx_parts(out))


def test_error_finding_on_the_sheet_stops_it(consolidated, tmp_path):
    import pandas as pd

    exp = consolidated.frames["exposure"]
    c = dataclasses.replace(consolidated, frames={**consolidated.frames, "exposure": exp[exp["city"] == "南宁市"]},
                            findings=pd.DataFrame([{"code": "required", "message": "必填项未填", "file": "南宁.xlsx",
                                                    "sheet": "典型问题曝光", "cell": "B5", "severity": "错误"}]))
    from workbook_templates.contract import load_contract
    c.findings.loc[0, "sheet"] = load_contract().sheet("exposure").title
    with pytest.raises(NotPublishable, match="B5"):
        build_exposure_list(c, tmp_path / "e.docx", date=dt.date(2022, 10, 14))


def test_exposure_list(consolidated, tmp_path):
    """--draft: written with the gaps marked and 草稿 at the top of every page."""
    out = build_exposure_list(consolidated, tmp_path / "曝光.docx", date=dt.date(2022, 10, 14), draft=True)
    text = docx_text(out)
    headers = [n for n in docx_parts(out) if n.startswith("word/header")]
    assert len(headers) == 2 and all("草稿" in docx_part(out, n) for n in headers)   # odd and even pages
    assert "<w:evenAndOddHeaders/>" in docx_part(out, "word/settings.xml")
    exp = consolidated.frames["exposure"]
    for _, r in exp.iterrows():
        assert r["project"] in text and r["contractor"] in text and r["standard"] in text
    assert "《混凝土结构工程施工质量验收规范》GB 50204-2015第8.3.2条" in text       # standard + clause
    assert "GB 50204-2015 表8.3.2" in text
    # 南宁's two photos exist beside its workbook and are embedded; 柳州's c1.jpg does not exist
    media = [n for n in docx_parts(out) if n.startswith("word/media/")]
    assert len(media) == 2
    assert "［照片缺失：c1.jpg］" in text
    assert "［未报送照片］" in text                                              # 梧州 sent none
    # grouped by city in campaign order
    assert text.index("一、南宁市") < text.index("二、柳州市") < text.index("三、梧州市")


def test_no_personal_data(consolidated, tmp_path):
    out = build_exposure_list(consolidated, tmp_path / "曝光.docx", date=dt.date(2022, 10, 14), draft=True)
    text = docx_text(out)
    assert "13812345678" not in text and "138****5678" in text
    assert "张伟" not in text
    assert not re.search(r"1[3-9]\d{9}", text)
    for name in consolidated.frames["complaints"]["complainant"].dropna():
        assert name not in text
    for owner in consolidated.frames["appraisal"]["owner"]:
        assert owner not in text


def test_photo_dirs_override_and_case(consolidated, tmp_path):
    other = tmp_path / "照片"
    other.mkdir()
    (other / "C1.JPG").write_bytes(png_bytes())          # a PNG under a .JPG name, other case
    src = consolidated.frames["exposure"].loc[1, "source_file"]
    entries = plan_exposures(consolidated, {src: other})
    liuzhou = next(e for e in entries if e.city == "柳州市")
    assert liuzhou.photos[0].path is not None and liuzhou.photos[0].path.name == "C1.JPG"


def test_unreadable_and_escaping_photos(tmp_path):
    (tmp_path / "bad.jpg").write_bytes(b"not an image")
    assert find_photo("bad.jpg", tmp_path).placeholder == "［照片无法读取：bad.jpg］"
    (tmp_path.parent / "secret.png").write_bytes(png_bytes())
    assert find_photo("../secret.png", tmp_path).path is None                  # never outside the folder
    assert find_photo("missing.png", tmp_path).placeholder == "［照片缺失：missing.png］"


def test_empty(consolidated, tmp_path):
    c = dataclasses.replace(consolidated, frames={k: v for k, v in consolidated.frames.items() if k != "exposure"})
    out = build_exposure_list(c, tmp_path / "e.docx", date=dt.date(2022, 10, 14))
    assert "未报送典型问题曝光信息" in docx_text(out)
