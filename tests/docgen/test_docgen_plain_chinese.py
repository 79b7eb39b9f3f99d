"""The documents of notices, exposure list and reward roster, built from the demo returns:
no English words (the roster once said "Python random.Random"), and a publishable document
(not a draft) carries no placeholder."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from addin.consolidate.run import consolidate_files
from addin.infra.batch import collect_files
from docgen.exposure import NotPublishable, build_exposure_list
from docgen.notice import build_notices
from docgen.rewards import build_reward_roster
from tests.docgen_fixtures import docx_text

DAY = dt.date(2022, 10, 14)
# Latin in these documents is units, grades and identifiers (MPa, mm, HRB400E, GB, fcu,e, ZLTS…):
# a run of 3+ lower-case letters is a word of a language, except these symbols.
ALLOWED = {"fcu"}


def english_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]*[a-z]{3,}[A-Za-z]*", text) if w not in ALLOWED]


@pytest.fixture(scope="module")
def demo_docs(demo_dir, campaign, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plain")
    files, _ = collect_files([demo_dir])
    c = consolidate_files(files, campaign, jobs=1, progress=False)
    docs = build_notices(c, tmp / "通知书", DAY, include_recorded=True)
    exp = c.frames["exposure"]
    photo_dirs = {str(f): demo_dir for f in exp["source_file"].dropna().unique()}     # photos lie beside the returns
    docs.append(build_exposure_list(c, tmp / "曝光.docx", photo_dirs, date=DAY, draft=True))
    docs.append(build_reward_roster(c, tmp / "奖励.docx", date=DAY, draft=True)[0])
    return c, docs, tmp


def test_no_english_in_any_document(demo_docs):
    _, docs, _ = demo_docs
    assert len(docs) > 5
    for p in docs:
        words = english_words(re.sub(r"［[^］]*］", "", docx_text(p)))   # a draft's gap markers name files
        assert not words, (p.name, words[:10])


def test_publishable_documents_carry_no_placeholder(demo_docs, demo_dir, demo_manifest):
    c, _, tmp = demo_docs
    # the demo leaves one photo out on purpose: the list is refused, never written with ［照片缺失…］
    exp = c.frames["exposure"]
    photo_dirs = {str(f): demo_dir for f in exp["source_file"].dropna().unique()}
    with pytest.raises(NotPublishable, match="缺失") as err:
        build_exposure_list(c, tmp / "公开.docx", photo_dirs, date=DAY)
    assert not (tmp / "公开.docx").exists()
    planted = [m["photo"] for m in demo_manifest.missing_photos]              # the generator's ground truth
    assert planted and all(name in str(err.value) for name in planted)
    gaps = re.findall(r"［照片缺失：([^］]+)］", docx_text(tmp / "曝光.docx"))  # only a 草稿 shows the gap
    assert sorted(gaps) == sorted(planted)


def test_english_detector():
    assert english_words("以随机种子5（Python random.Random）生成") == ["Python", "random", "Random"]
    assert english_words("下屈服强度 385 MPa，HRB400E，保护层 25 mm，fcu,e，南ZLTS2022010005") == []
