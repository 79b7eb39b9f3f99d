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
