"""The demo returns through the real pipeline: exactly the planted findings, and 概况 equal to the generator's records."""
from __future__ import annotations

import math
import zipfile

import pytest

from addin.consolidate.run import consolidate_dir, write_consolidated
from addin.checks.validate import validate_workbook


@pytest.fixture(scope="module")
def consolidated(demo_dir, campaign):
    return consolidate_dir(demo_dir, campaign, jobs=2)


def test_validator_finds_exactly_the_planted_mistakes(demo_manifest, demo_dir, campaign):
    expected = {(f["code"], f["file"], f["sheet"], f["cell"]) for f in demo_manifest.expected_findings}
    found = set()
    for path in sorted(demo_dir.glob("*.xlsx")):
        for f in validate_workbook(path, campaign):
            found.add((f.code, f.file, f.sheet, f.cell))
    assert found - expected == set(), "findings that were not planted"
    assert expected - found == set(), "planted mistakes that were missed"
    assert len(expected) >= 15


def test_summary_equals_the_generators_own_counts(demo_manifest, consolidated):
    stats = consolidated.stats.set_index("city")
    compared = 0
    for city, truth in demo_manifest.counts.items():
        for key, want in truth.items():
            if key not in stats.columns or key in ("city", "fill_date", "errors", "warnings"):
                continue
            got = stats.loc[city, key]
            if isinstance(want, float) and key == "spot_pass_rate":
                assert got == pytest.approx(want, abs=1e-6), (city, key)
            elif want is None:
                assert got is None or (isinstance(got, float) and math.isnan(got)), (city, key)
            else:
                assert got == want, (city, key, got, want)
            compared += 1
    assert compared > 13 * 25


def test_missing_late_and_duplicate_cities_reported(demo_manifest, consolidated):
    assert consolidated.missing_cities == [demo_manifest.missing_city]
    assert consolidated.late_cities == [demo_manifest.late_city]
    old = [f["name"] for f in demo_manifest.files if f["role"] == "duplicate-old"]
    assert consolidated.duplicate_files == old
    codes = list(consolidated.findings["code"])
    assert codes.count("missing-city") == 1 and codes.count("late-submission") == 1
    assert codes.count("duplicate-submission") == 1


def test_batch_trace_reaches_other_cities(demo_manifest, consolidated):
    trace = demo_manifest.batch_trace
    rows = consolidated.batch_trace
    mine = rows[rows["batch"] == trace["batch"]]
    assert set(mine["city"]) == {s["city"] for s in trace["sites"]}
    assert (mine["role"] == "不合格批次").any() and (mine["role"] == "同批次使用").any()


def test_nonconforming_list_cites_a_basis(consolidated):
    bad = consolidated.nonconforming
    assert len(bad) == int(consolidated.stats["spot_fail"].sum())
    assert bad["basis"].str.contains("GB|JGJ").all()


@pytest.mark.soffice
def test_summary_workbook_opens_in_libreoffice_with_charts(consolidated, tmp_path, soffice):
    out = write_consolidated(consolidated, tmp_path / "汇总.xlsx")
    with zipfile.ZipFile(out) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    soffice("--convert-to", "pdf", "--outdir", str(tmp_path), str(out))
    import pdfplumber
    with pdfplumber.open(tmp_path / "汇总.pdf") as pdf:
        text = "".join((p.extract_text() or "") for p in pdf.pages[-2:])
    assert "各市监督抽测合格率" in text and "各市活动开展情况" in text


@pytest.mark.soffice
def test_returns_saved_by_a_real_client_give_the_same_findings(demo_manifest, demo_dir, campaign, tmp_path, soffice):
    """A clerk opens the return in an office suite and saves it: shared strings, cached formula
    values and the suite's own styles must not change a single finding."""
    planted = sorted({f["file"] for f in demo_manifest.expected_findings})
    out = tmp_path / "saved"
    soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), *(str(demo_dir / n) for n in planted))
    for name in planted:
        original = {(f.code, f.sheet, f.cell) for f in validate_workbook(demo_dir / name, campaign)}
        resaved = {(f.code, f.sheet, f.cell) for f in validate_workbook(out / name, campaign)}
        assert resaved == original and original, name


def test_pipeline_judgment_equals_the_generators_intended_verdict_on_every_row(demo_manifest, consolidated):
    """The generator picks each spot-check row's verdict first and builds the values for it from the
    catalog's limits, never asking the judge (tests/test_demo.py checks that by AST); the judgment
    the pipeline computes (qm check / consolidate, the judge with the campaign's date) must be the
    same on every row of every file used — row by row, not only in the counts."""
    spot = consolidated.frames["spotcheck"]
    got = {(f, int(r)): j for f, r, j in zip(spot["source_file"], spot["source_row"], spot["judgment"])}
    want = {(v["file"], v["row"]): v for v in demo_manifest.spot_verdicts}
    assert set(got) == set(want)
    wrong = [(k, want[k]["item"], want[k]["rule"], want[k]["verdict"], got[k]) for k in sorted(want)
             if got[k] != want[k]["verdict"]]
    assert wrong == []
    verdicts = [v["verdict"] for v in want.values()]
    # the realistic mix: mostly 合格, some 不合格, a few 需复检, the planted item outside the catalog
    assert len(verdicts) > 500 and verdicts.count("无规则") == 1
    assert 0.85 < verdicts.count("合格") / len(verdicts) < 0.97
    assert 10 <= verdicts.count("不合格") <= 0.08 * len(verdicts) and 3 <= verdicts.count("需复检") <= 40
