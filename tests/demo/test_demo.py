"""The demo returns (addin.demo.generator): reproducible, realistic, clean except where planted, and a manifest
whose ground truth matches the files. (That the validator finds exactly the planted findings is
tested against the manifest elsewhere.)"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from addin.core.idcodes import check_credit_code, check_id_number
from addin.demo.generator import DemoManifest, generate_city, generate_demo
from addin.core.findings import CODES
from addin.rules.judge import items, judge
from addin.core.normalize import clean_text, parse_date, parse_number, parse_yes_no
from openpyxl.utils import get_column_letter

VERDICTS = ("合格", "不合格", "需复检")
REQUIRED_CODES = {
    "type-error", "missing-required", "not-in-choices", "out-of-range", "date-outside-campaign",
    "invalid-credit-code", "invalid-id-number", "duplicate-row", "judgment-mismatch", "judgment-no-rule",
    "nonconforming-without-notice", "deadline-before-issue", "complaint-verified-without-level",
    "complaint-reward-without-real-name", "complaint-closed-before-received", "appraisal-no-measure",
    "appraisal-unqualified-no-record",
}


def _calamine_all(path: Path) -> dict[str, list[list]]:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}


def _table(path: Path, sheet) -> list[tuple[int, dict]]:
    """(Excel row, values by column key) of the filled rows of a table sheet, via calamine."""
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    data = wb.get_sheet_by_name(sheet.title).to_python(skip_empty_area=False)
    keys = [c.key for c in sheet.columns]
    out = []
    for r, raw in enumerate(data[1:], 2):
        vals = {k: (raw[i] if i < len(raw) else None) for i, k in enumerate(keys)}
        vals = {k: (None if v == "" else v) for k, v in vals.items()}
        if any(v is not None for v in vals.values()):
            out.append((r, vals))
    return out


def _planted(manifest: DemoManifest, file: str, sheet: str, codes: set[str] | None = None) -> set[str]:
    return {f["cell"] for f in manifest.expected_findings
            if f["file"] == file and f["sheet"] == sheet and (codes is None or f["code"] in codes)}


def _planted_rows(manifest: DemoManifest, file: str, sheet: str) -> set[int]:
    return {int(re.sub(r"[A-Z]+", "", c)) for c in _planted(manifest, file, sheet)}


# ----------------------------------------------------------------- reproducibility
def test_same_seed_same_cells(demo_manifest, demo_dir, campaign, tmp_path):
    again = generate_demo(tmp_path, campaign, seed=2022)
    assert [f["name"] for f in again.files] == [f["name"] for f in demo_manifest.files]
    for f in demo_manifest.files:
        a, b = _calamine_all(demo_dir / f["name"]), _calamine_all(tmp_path / f["name"])
        assert a.keys() == b.keys()
        for sheet in a:
            assert a[sheet] == b[sheet], (f["name"], sheet)
    # bytes and file times are reproducible too (so the provenance hashes and 'late' are)
    assert [f["sha256"] for f in again.files] == [f["sha256"] for f in demo_manifest.files]
    for f in demo_manifest.files:
        assert (tmp_path / f["name"]).stat().st_mtime == (demo_dir / f["name"]).stat().st_mtime
    mine, theirs = demo_manifest.as_dict(), again.as_dict()
    mine.pop("out_dir"), theirs.pop("out_dir")
    assert mine == theirs


def test_another_seed_other_content(campaign):
    city = campaign.cities[0]
    a = generate_city(campaign, city, seed=1)
    b = generate_city(campaign, city, seed=2)
    assert a.rows["spotcheck"] != b.rows["spotcheck"]
    assert generate_city(campaign, city, seed=1).rows == a.rows


# ----------------------------------------------------------------- the manifest
def test_manifest_file_and_situations(demo_manifest, demo_dir, campaign):
    on_disk = DemoManifest.load(demo_dir / "manifest.json")
    assert on_disk == DemoManifest(**json.loads(json.dumps(demo_manifest.as_dict(), ensure_ascii=False)))
    cities = [c.name for c in campaign.cities]
    assert set(demo_manifest.counts) == set(cities)
    # one city missing, one late, one twice; distinct
    missing, late, dup = demo_manifest.missing_city, demo_manifest.late_city, demo_manifest.duplicate_city
    assert len({missing, late, dup}) == 3
    assert missing not in {f["city"] for f in demo_manifest.files}
    assert not any(missing in p.name for p in demo_dir.glob("*.xlsx"))
    assert demo_manifest.counts[missing]["status"] == "未报送"
    by_city: dict[str, list[dict]] = {}
    for f in demo_manifest.files:
        by_city.setdefault(f["city"], []).append(f)
        assert (demo_dir / f["name"]).is_file()
    assert set(by_city) == set(cities) - {missing}
    assert sorted(f["role"] for f in by_city[dup]) == ["duplicate-new", "duplicate-old"]
    assert all(len(v) == 1 for k, v in by_city.items() if k != dup)
    deadline_end = dt.datetime.combine(campaign.report_deadline, dt.time(23, 59, 59)).timestamp()
    for f in demo_manifest.files:
        info = _info(demo_dir / f["name"])
        fill = parse_date(info["填报日期"])
        assert fill.isoformat() == f["fill_date"]
        mtime = (demo_dir / f["name"]).stat().st_mtime
        assert mtime == dt.datetime.fromisoformat(f["mtime"]).timestamp()
        if f["city"] == late:
            assert f["role"] == "late" and fill > campaign.report_deadline and mtime > deadline_end
            assert demo_manifest.counts[late]["status"] == "逾期报送"
        else:
            assert fill <= campaign.report_deadline and mtime < deadline_end
    old, new = sorted(by_city[dup], key=lambda f: f["role"], reverse=True)
    assert (old["role"], new["role"]) == ("duplicate-old", "duplicate-new")
    assert new["used"] and not old["used"]
    assert new["fill_date"] > old["fill_date"] and new["mtime"] > old["mtime"]
    assert _info(demo_dir / old["name"])["城市"] == _info(demo_dir / new["name"])["城市"] == dup
    assert {(b["code"], b["city"]) for b in demo_manifest.expected_batch_findings} == {
        ("missing-city", missing), ("late-submission", late), ("duplicate-submission", dup)}


def test_expected_findings_cover_every_kind(demo_manifest, contract):
    found = demo_manifest.expected_findings
    assert {f["code"] for f in found} >= REQUIRED_CODES
    titles = {s.title for s in contract.sheets}
    files = {f["name"] for f in demo_manifest.files if f["used"]}
    for f in found:
        assert f["code"] in CODES and f["severity"] == CODES[f["code"]][0]
        assert f["file"] in files and f["sheet"] in titles
        assert re.fullmatch(r"[A-Z]{1,2}[1-9]\d*", f["cell"])
    planted = {f["city"] for f in found}
    assert 3 <= len(planted) <= 4 and planted == set(demo_manifest.planted_cities)
    assert not planted & {demo_manifest.missing_city, demo_manifest.late_city, demo_manifest.duplicate_city}
    # the two findings that share one cell, and the duplicate reported at column A of the later row
    by_cell: dict[tuple, set[str]] = {}
    for f in found:
        by_cell.setdefault((f["file"], f["sheet"], f["cell"]), set()).add(f["code"])
    assert {"not-in-choices", "judgment-no-rule"} in by_cell.values()
    assert all(f["cell"].startswith("A") for f in found if f["code"] == "duplicate-row")


# ----------------------------------------------------------------- clean where not planted
def test_codes_valid_except_planted(demo_manifest, demo_dir, contract):
    checked = 0
    for f in demo_manifest.files:
        for sheet in contract.table_sheets:
            bad_cc = _planted(demo_manifest, f["name"], sheet.title, {"invalid-credit-code"})
            bad_id = _planted(demo_manifest, f["name"], sheet.title, {"invalid-id-number"})
            letters = {c.key: get_column_letter(i) for i, c in enumerate(sheet.columns, 1)}
            kinds = {c.key: c.type for c in sheet.columns if c.type in ("credit_code", "idno")}
            if not kinds:
                continue
            for r, vals in _table(demo_dir / f["name"], sheet):
                for key, kind in kinds.items():
                    if vals.get(key) is None:
                        continue
                    cell = f"{letters[key]}{r}"
                    if kind == "credit_code":
                        code = str(vals[key])
                        assert code.startswith("91") and code[2:4] == "45", (f["name"], cell, code)
                        assert check_credit_code(code).ok is (cell not in bad_cc), (f["name"], sheet.title, cell)
                    else:
                        ok = check_id_number(str(vals[key]), today=dt.date(2022, 10, 1)).ok
                        assert ok is (cell not in bad_id), (f["name"], sheet.title, cell)
                    checked += 1
    assert checked > 500
    planted = [x for x in demo_manifest.expected_findings if x["code"] in ("invalid-credit-code", "invalid-id-number")]
    assert len(planted) == 2


def test_spot_checks_judged_by_the_catalog(demo_manifest, demo_dir, contract, campaign):
    spot = contract.sheet("spotcheck")
    catalog = set(items())
    status_choices = set(contract.choices(spot.column("status")))
    total = nonconforming = 0
    for f in demo_manifest.files:
        planted = _planted_rows(demo_manifest, f["name"], spot.title)
        rows = _table(demo_dir / f["name"], spot)
        assert 20 <= len(rows) <= 65
        assert catalog <= {v["item"] for _, v in rows}, f["name"]
        for r, v in rows:
            if r in planted:
                continue
            j = judge(v["item"], clean_text(v["grade"]), v["measured"], spec=v["spec"], design=v["design"])
            assert j.result in VERDICTS and v["stated"] == j.result, (f["name"], r, v["item"], j.message)
            total += 1
            if v["category"] == "建筑材料":
                assert v["manufacturer"] and v["batch"], (f["name"], r)
            if j.result == "不合格":
                nonconforming += 1
                assert v["notice_no"] and v["status"] in status_choices, (f["name"], r)
                issued, deadline = parse_date(v["notice_date"]), parse_date(v["deadline"])
                assert issued and deadline and deadline >= issued, (f["name"], r)
            assert campaign.in_window(parse_date(v["date"], default_year=campaign.year))
    # a few per cent non-conforming, not none and not most
    assert 0.01 < nonconforming / total < 0.12


def test_batch_trace_spans_three_cities(demo_manifest, demo_dir, contract):
    trace = demo_manifest.batch_trace
    spot = contract.sheet("spotcheck")
    seen = {}
    for f in demo_manifest.files:
        if not f["used"]:
            continue
        for r, v in _table(demo_dir / f["name"], spot):
            if v["manufacturer"] == trace["manufacturer"] and v["batch"] == trace["batch"]:
                seen[f["city"]] = v["stated"]
    assert len(seen) == 3 and seen[trace["source_city"]] == "不合格"
    assert {s["city"] for s in trace["sites"]} == set(seen)


def test_messy_cells_and_photos(demo_manifest, demo_dir):
    values = [c["value"] for c in demo_manifest.messy_cells]
    assert any(re.search("[０-９]", str(v)) for v in values)           # full-width digits
    assert any(str(v).endswith("MPa") for v in values)                # number with a unit
    assert any(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", str(v)) for v in values)  # date typed as text
    assert "是 " in values                                             # yes with a trailing space
    for c in demo_manifest.messy_cells:
        data = _calamine_all(demo_dir / c["file"])[c["sheet"]]
        col = openpyxl.utils.column_index_from_string(re.sub(r"\d", "", c["cell"])) - 1
        row = int(re.sub(r"[A-Z]", "", c["cell"])) - 1
        assert data[row][col] == c["value"]
    assert demo_manifest.photos and all((demo_dir / p).is_file() for p in demo_manifest.photos)
    heads = {(demo_dir / p).read_bytes()[:4] for p in demo_manifest.photos}
    assert heads <= {b"\xff\xd8\xff\xe0", b"\x89PNG"} and len(heads) == 2
    assert len(demo_manifest.missing_photos) == 1
    miss = demo_manifest.missing_photos[0]
    assert not (demo_dir / miss["photo"]).exists()
    data = _calamine_all(demo_dir / miss["file"])[miss["sheet"]]
    row = int(re.sub(r"[A-Z]", "", miss["cell"])) - 1
    assert miss["photo"] in data[row][8]


# ----------------------------------------------------------------- ground truth = the files
def _info(path: Path) -> dict:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {a: b for a, b in wb["基本信息"].iter_rows(min_row=2, max_col=2, values_only=True) if a}
    finally:
        wb.close()


def _read_back(path: Path, contract) -> dict[str, list[dict]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out = {}
        for sheet in contract.table_sheets:
            keys = [c.key for c in sheet.columns]
            rows = []
            for vals in wb[sheet.title].iter_rows(min_row=2, max_col=len(keys), values_only=True):
                if any(v is not None and str(v).strip() for v in vals):
                    rows.append(dict(zip(keys, vals)))
            out[sheet.key] = rows
        return out
    finally:
        wb.close()


def _independent_counts(path: Path, contract, campaign) -> dict:
    t = _read_back(path, contract)
    fill = parse_date(_info(path)["填报日期"])
    num = lambda v: parse_number(v) or 0  # noqa: E731
    yes = lambda v: parse_yes_no(v) is True  # noqa: E731
    spot = t["spotcheck"]
    results = [judge(r["item"], clean_text(r["grade"]), r["measured"], spec=r["spec"], design=r["design"]).result
               for r in spot]
    npass, nfail = results.count("合格"), results.count("不合格")
    grades = [r["grade"] for r in t["appraisal"]]
    complaints = t["complaints"]
    return {
        "status": "逾期报送" if fill > campaign.report_deadline else "已报送",
        "fill_date": fill.isoformat(),
        "publicity_events": len(t["publicity"]),
        "publicity_participants": sum(num(r["participants"]) for r in t["publicity"]),
        "publicity_items": sum(num(r["items"]) for r in t["publicity"]),
        "tours_events": len(t["tours"]),
        "tours_participants": sum(num(r["participants"]) for r in t["tours"]),
        "manual_rows": len(t["manual"]),
        "manual_demo": sum(r["kind"] in ("示范企业", "示范项目") for r in t["manual"]),
        "manual_firms": sum(r["kind"] in ("企业手册（施工）", "企业手册（监理）") for r in t["manual"]),
        "manual_compiled": sum(r["kind"] in ("企业手册（施工）", "企业手册（监理）") and yes(r["compiled"]) for r in t["manual"]),
        "publicity_online": sum(r["channel"] in ("官方网站", "微信公众号", "短视频") for r in t["publicity"]),
        "manual_in_inspection": sum(yes(r["in_inspection"]) for r in t["manual"]),
        "videos": len(t["videos"]),
        "quiz_participants": len(t["quiz"]),
        "spot_projects": len({r["project"] for r in spot}),
        "spot_items": len(spot), "spot_pass": npass, "spot_fail": nfail,
        "spot_recheck": results.count("需复检"),
        "spot_pass_rate": round(npass / (npass + nfail), 6) if npass + nfail else None,
        "notices": len({r["notice_no"] for r in spot if r["notice_no"]}),
        "spot_unjudged": len(results) - npass - nfail - results.count("需复检"),
        "cases_filed": len({(r["project"], r["contractor"]) for r in spot if yes(r["case_filed"])}),
        "exposures": len({r["project"] for r in t["exposure"]}),
        "exposure_items": len(t["exposure"]),
        "complaints": len(complaints),
        "complaints_real": sum(yes(r["real_name"]) for r in complaints),
        "complaints_verified": sum(r["verified"] in ("属实", "部分属实") for r in complaints),
        "complaints_pending": sum(r["verified"] == "核查中" for r in complaints),
        "rewards_paid": sum(yes(r["real_name"]) and num(r["reward"]) > 0 for r in complaints),
        "reward_total": round(sum(num(r["reward"]) for r in complaints if yes(r["real_name"])), 2),
        "appraisals": len(t["appraisal"]),
        "appraisal_a": grades.count("A级"), "appraisal_b": grades.count("B级"),
        "appraisal_c": grades.count("C级"), "appraisal_d": grades.count("D级"),
        "agencies": len({r["agency"] for r in t["appraisal"]}),
        "bad_records": sum(yes(r["bad_record"]) for r in t["appraisal"]),
    }


def test_ground_truth_counts_match_the_files(demo_manifest, demo_dir, contract, campaign):
    from addin.consolidate.model import STAT_COLUMNS

    used = demo_manifest.used_files()
    assert set(used) == set(demo_manifest.counts) - {demo_manifest.missing_city}
    for city, name in used.items():
        truth = demo_manifest.counts[city]
        mine = _independent_counts(demo_dir / name, contract, campaign)
        for key, value in mine.items():
            assert truth[key] == pytest.approx(value), (city, key)
        severities = [f["severity"] for f in demo_manifest.findings_for(name)]
        assert (truth["errors"], truth["warnings"]) == (severities.count("错误"), severities.count("警告"))
        assert truth["city_code"] == campaign.city_by_name(city).code
        # keys follow the consolidated statistics where they match
        assert set(truth) - {"manual_rows"} <= set(STAT_COLUMNS)
    # the numbers are non-trivial
    totals = {k: sum((demo_manifest.counts[c][k] or 0) for c in used) for k in
              ("publicity_events", "quiz_participants", "spot_items", "spot_fail", "spot_recheck", "notices",
               "cases_filed", "complaints", "rewards_paid", "appraisal_c", "appraisal_d", "bad_records")}
    assert all(v > 0 for v in totals.values()), totals


# ----------------------------------------------------------------- the command
def test_qm_demo_prints_what_was_planted(demo_manifest, demo_dir, monkeypatch, capsys):
    import addin.demo.generator
    from addin.cli.main import main

    monkeypatch.setattr(addin.demo.generator, "generate_demo", lambda out, campaign, seed=2022: demo_manifest)
    assert main(["demo", str(demo_dir), "--seed", "2022"]) == 0
    out = capsys.readouterr().out
    assert f"未报送：{demo_manifest.missing_city}" in out
    assert f"逾期报送：{demo_manifest.late_city}" in out
    assert f"重复报送：{demo_manifest.duplicate_city}" in out
    assert f"校验应报告以下 {len(demo_manifest.expected_findings)} 个问题" in out
    for f in demo_manifest.files:
        assert f["name"] in out


# ----------------------------------------------------------------- benchmark returns
def test_bench_returns_are_relabelled_copies(tmp_path, contract):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        import make_returns
    finally:
        sys.path.pop(0)
    from addin.campaign.settings import load_campaign
    from addin.checks.validate import validate_workbook

    camp_path, files = make_returns.make_returns(tmp_path, n=3, bases=1)
    campaign = load_campaign(camp_path)
    assert len(files) == 3 and len(campaign.cities) == 3
    base = _calamine_all(files[0])
    for path, city in zip(files, campaign.cities):
        data = _calamine_all(path)
        assert data["基本信息"][1][1] == city.name and data["基本信息"][2][1] == city.code
        meta = {r[0]: r[1] for r in data["_meta"]}
        assert meta["city_code"] == city.code and meta["campaign_id"] == campaign.id
        assert len([r for r in data["监督抽测"][1:] if r[0]]) == 300
        first = campaign.cities[0]
        swap = lambda v: v.replace(first.name[:-1], city.name[:-1]).replace(first.code, city.code) \
            if isinstance(v, str) else v  # noqa: E731
        assert data == {k: [[swap(v) for v in row] for row in rows] for k, rows in base.items()}
        assert validate_workbook(path, campaign) == []


# -- the ground truth of the spot checks is the generator's own (addin/demo/spotcheck.py) --------------
_JUDGE_NAMES = {"judge", "catalog", "items", "load_catalog", "normalize_grade", "campaign_rules"}


def test_demo_package_never_asks_the_judge():
    """By AST: no module of addin/demo imports addin.rules (judge, its catalog loader or helpers) or
    anything that judges (checks, consolidate, excel UDFs), nor calls a name the judge exports or a
    private helper of it; and importing the generator does not even load the judge."""
    import ast
    import subprocess

    import addin.demo

    folder = Path(addin.demo.__file__).parent
    modules = sorted(folder.glob("*.py"))
    assert {"generator.py", "spotcheck.py"} <= {m.name for m in modules}
    banned = ("addin.rules", "addin.checks", "addin.consolidate", "addin.excel", "addin.udfs", "docgen")
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                assert not mod.startswith(banned), (path.name, mod)
                assert not (mod == "addin" and {a.name for a in node.names} & {"rules", "checks", "consolidate"}), path.name
            elif isinstance(node, ast.Import):
                assert not [a.name for a in node.names if a.name.startswith(banned)], path.name
            elif isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                owner = getattr(f.value, "id", "") if isinstance(f, ast.Attribute) else ""
                assert not (name == "judge" or "judge" in owner), (path.name, node.lineno, name)
                assert name not in _JUDGE_NAMES - {"items"} or owner not in ("", "judge_mod"), (path.name, node.lineno)
                assert not (name.startswith("_") and owner.startswith(("judge", "j"))), (path.name, node.lineno)
    code = "import sys, addin.demo.generator; print(sorted(m for m in sys.modules if m.startswith('addin.rules')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_demo_reads_the_same_catalog_as_the_judge():
    """The demo's own TOML reader (data only) and the judge's loader see the same rules: ids, items,
    methods, grades, spec bands, limits, editions' dates and what is unconfirmed."""
    from decimal import Decimal

    from addin.demo.spotcheck import load_rules
    from addin.rules.judge import catalog

    mine, theirs = load_rules(), catalog()
    assert [r.id for r in mine] == [r.id for r in theirs]
    for a, b in zip(mine, theirs):
        assert (a.item, a.method, a.standard, a.clause, a.grade_prefix) == (b.item, b.method, b.standard, b.clause, b.grade_prefix)
        assert a.grades == b.grades and (a.valid_from, a.valid_to) == (b.valid_from, b.valid_to), a.id
        assert (a.unconfirmed, a.unconfirmed_results) == (b.unconfirmed, b.unconfirmed_results), a.id
        band = lambda x: None if x is None else Decimal(x.numerator) / Decimal(x.denominator)  # noqa: E731
        assert (band(a.band.lo), band(a.band.hi), band(a.band.over)) == (b.band.spec_min, b.band.spec_max, b.band.spec_over)
        for key in b.limits:
            for g in (b.grades or (None,)):
                want = b.limit(key, g)
                got = a.limit(key, g)
                assert (None if got is None else Decimal(got.numerator) / Decimal(got.denominator)) == want, (a.id, key, g)


def test_demo_evaluator_on_worked_examples():
    """The demo's second implementation, on numbers worked by hand from the standards."""
    from addin.demo.spotcheck import evaluate, load_rules

    rules = {r.id: r for r in load_rules()}
    rel = rules["rebar.rel.hrb"]
    assert evaluate(rel, "HRB400E", "20", None, ["435", "442"])[:2] == ("合格", True)
    assert evaluate(rel, "HRB400E", "20", None, ["435", "392"])[:2] == ("不合格", True)
    assert evaluate(rel, "HRB400E", "20", None, ["435", "400"])[:2] == ("合格", False)   # on the limit: not clear
    elong = rules["rebar.a.hrb"]     # 表6 注: d 28～40 mm, A − 1 %
    assert evaluate(elong, "HRB400", "32", None, ["15.5"])[0] == "合格"
    assert evaluate(elong, "HRB400", "25", None, ["15.5"])[0] == "不合格"
    beam = rules["gb50204.cover.beam"]   # −7～+10 mm, 90 % / 80 %, cap 1.5×
    ok9 = ["25"] * 9 + ["37"]            # 9 of 10 within: exactly 90 %, 合格 but on the limit
    assert evaluate(beam, None, None, 25, ok9)[:2] == ("合格", False)
    assert evaluate(beam, None, None, 25, ["25"] * 8 + ["37", "37"])[0] == "需复检"
    assert evaluate(beam, None, None, 25, ["25"] * 9 + ["41"])[0] == "不合格"    # +16 > 15 = 1.5 × 10
    mortar = rules["gb50203.mortar"]     # mean >= 1.10 × 7.5 = 8.25, min >= 0.85 × 7.5 = 6.375
    assert evaluate(mortar, "M7.5", None, None, ["8.6", "8.4", "8.8"])[:2] == ("合格", True)
    assert evaluate(mortar, "M7.5", None, None, ["9.6", "9.4", "6.2"])[0] == "不合格"
    # JGJ/T 23: 10 areas 30.0 … 34.5 (step 0.5): m = 32.25 -> 32.2 (half to even), s = 1.5138 -> 1.51,
    # fcu,e = 32.2 − 1.645 × 1.51 = 29.716
    vals = [f"{30 + 0.5 * i:.1f}" for i in range(10)]
    verdict, clear, detail = evaluate(rules["jgj23.rebound"], "C30", None, None, vals)
    assert (verdict, clear) == ("不合格", False) and "29.72" in detail   # 0.28 MPa under C30: too close
    assert evaluate(rules["jgj23.rebound"], "C35", None, None, vals)[:2] == ("不合格", True)
    assert evaluate(rules["jgj23.rebound"], "C25", None, None, vals)[:2] == ("合格", True)
