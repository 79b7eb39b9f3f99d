"""获奖名单 is published: written from scoring data with errors it carries 草稿 on every page."""
from __future__ import annotations

import pytest

from addin.cli.main import main
from tests.docgen_fixtures import docx_part, docx_parts
from tests.contest.test_scoring_workbook import fill, template  # noqa: F401  (fixture)

pytest.importorskip("docgen.award_list")


def _headers(path):
    return [docx_part(path, n) for n in docx_parts(path) if n.startswith("word/header")]


def test_award_list_with_errors_is_a_draft_on_every_page(template, tmp_path):  # noqa: F811
    filled = fill(template, tmp_path / "filled.xlsx", missing_cell=True)
    assert main(["score", str(filled), "-o", str(tmp_path / "计分结果.xlsx"), "--date", "2022-10-20"]) == 1
    headers = _headers(tmp_path / "获奖名单（仅供核对）.docx")            # never over a final list
    assert len(headers) == 2 and all("草稿" in h for h in headers)          # odd and even pages
    assert not (tmp_path / "获奖名单.docx").exists()


def test_award_list_without_errors_has_no_draft_mark(template, tmp_path):  # noqa: F811
    filled = fill(template, tmp_path / "filled.xlsx")
    assert main(["score", str(filled), "-o", str(tmp_path / "计分结果.xlsx"), "--date", "2022-10-20"]) == 0
    assert not any("草稿" in h for h in _headers(tmp_path / "获奖名单.docx"))
