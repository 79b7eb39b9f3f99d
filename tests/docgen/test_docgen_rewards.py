"""投诉奖励名册: auditable random envelopes, extra rewards by level, masked names and phones."""
from __future__ import annotations

import datetime as dt
import hashlib
import random

import pytest
from docx import Document

from docgen.rewards import build_reward_roster, default_seed
from tests.docgen_fixtures import build_consolidated, docx_text, row_texts

DAY = dt.date(2022, 10, 14)


@pytest.fixture(scope="module")
def consolidated():
    return build_consolidated()


def test_default_seed_is_from_the_campaign_id(consolidated):
    seed = int(hashlib.sha256(consolidated.campaign.id.encode()).hexdigest()[:8], 16)
    assert default_seed(consolidated.campaign) == seed


def test_roster_amounts(consolidated, tmp_path):
    path, rows = build_reward_roster(consolidated, tmp_path / "r.docx", seed=42, date=DAY)
    rules = consolidated.campaign.rewards
    comp = consolidated.frames["complaints"]
    assert len(rows) == len(comp)
    # redraw independently: one draw per real-name complaint, in roster order
    rng = random.Random(42)
    for r in rows:
        if r["real_name"]:
            want = round(rng.uniform(rules["random_min"], rules["random_max"]), 2)
            assert r["random"] == pytest.approx(want, abs=0.005)
            assert rules["random_min"] <= r["random"] <= rules["random_max"]
            assert round(r["random"], 2) == r["random"]
        else:
            assert r["random"] == 0 and r["extra"] == 0
        if r["real_name"] and r["verified"] in ("属实", "部分属实"):
            assert r["extra"] == rules["extra_by_level"][r["level"]]
        else:
            assert r["extra"] == 0
        assert r["total"] == pytest.approx(r["random"] + r["extra"])
    by_no = {r["no"]: r for r in rows}
    assert by_no["NN-2022-001"]["extra"] == 50 and by_no["NN-2022-003"]["extra"] == 200
    assert by_no["LZ-2022-002"]["extra"] == 500
    assert by_no["GL-2022-001"]["total"] == 0                                 # anonymous, though verified
    assert by_no["LZ-2022-001"]["extra"] == 0 and by_no["LZ-2022-001"]["random"] > 0   # still being checked
    # order: city code, then number
    assert [r["city"] for r in rows] == sorted((r["city"] for r in rows), key=["南宁市", "柳州市", "桂林市", "梧州市"].index)


def test_same_seed_same_roster(consolidated, tmp_path):
    _, a = build_reward_roster(consolidated, tmp_path / "a.docx", seed=7, date=DAY)
    _, b = build_reward_roster(consolidated, tmp_path / "b.docx", seed=7, date=DAY)
    _, c = build_reward_roster(consolidated, tmp_path / "c.docx", seed=8, date=DAY)
    assert a == b and a != c


def test_document_prints_seed_totals_and_masks(consolidated, tmp_path):
    path, rows = build_reward_roster(consolidated, tmp_path / "r.docx", date=DAY)
    text = docx_text(path)
    seed = default_seed(consolidated.campaign)
    assert f"随机种子{seed}" in text
    total = sum(r["total"] for r in rows)
    env = sum(r["random"] for r in rows)
    extra = sum(r["extra"] for r in rows)
    assert f"应发总计{total:.2f}元" in text and f"合计{env:.2f}元" in text and f"合计{extra:.2f}元" in text
    # what the cities recorded as paid (real-name complaints only) is stated beside it, with the difference
    paid = sum(r["reported"] for r in rows if r["real_name"] and r["reported"] > 0)
    assert f"合计{paid:.2f}元（非实名投诉填报的奖励不计入）" in text
    assert (f"相差{abs(total - paid):.2f}元" in text) if abs(total - paid) > 0.004 else "一致" in text
    table = Document(str(path)).tables[0]
    last = row_texts(table.rows[-1])
    assert last[0] == "合计" and last[-2] == f"{total:.2f}"
    # personal data masked
    for name in consolidated.frames["complaints"]["complainant"].dropna():
        assert name not in text
    for phone in consolidated.frames["complaints"]["phone"].dropna():
        assert phone not in text
    for idno in consolidated.frames["complaints"]["id_number"].dropna():
        assert idno not in text
    assert "张*" in text and "欧阳**" in text and "138****5678" in text and "0771-***1234" in text


def test_roster_refused_with_error_findings_unless_draft(consolidated, tmp_path):
    import dataclasses

    import pandas as pd

    from docgen.exposure import NotPublishable
    from tests.docgen_fixtures import docx_part, docx_parts
    from workbook_templates.contract import load_contract

    title = load_contract().sheet("complaints").title
    bad = dataclasses.replace(consolidated, findings=pd.DataFrame([
        {"code": "reward-not-real-name", "message": "非实名投诉发放了奖励", "file": "梧州.xlsx", "sheet": title,
         "cell": "K6", "severity": "错误"},
        {"code": "x", "message": "别的表的问题", "file": "梧州.xlsx", "sheet": "宣传宣讲", "cell": "A3", "severity": "错误"}]))
    with pytest.raises(NotPublishable) as err:
        build_reward_roster(bad, tmp_path / "r.docx", seed=1)
    assert "K6" in str(err.value) and "A3" not in str(err.value) and not (tmp_path / "r.docx").exists()
    path, _ = build_reward_roster(bad, tmp_path / "r.docx", seed=1, draft=True)
    headers = [n for n in docx_parts(path) if n.startswith("word/header")]
    assert len(headers) == 2 and all("草稿" in docx_part(path, n) for n in headers)


def test_roster_text_has_no_english(consolidated, tmp_path):
    import re

    from tests.docgen_fixtures import docx_text

    path, _ = build_reward_roster(consolidated, tmp_path / "r.docx", seed=7)
    text = docx_text(path)
    assert "Python" not in text and "random" not in text
    assert not re.search(r"[A-Za-z]{3,}", text.replace("LZ-", "").replace("NN-", "")), re.findall(r"[A-Za-z]{3,}", text)
    assert "梅森旋转伪随机数算法" in text and "以同一随机种子按同一顺序重新抽取即得相同金额" in text
