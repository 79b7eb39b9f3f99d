"""Consolidation: a directory of returned workbooks -> one Consolidated campaign -> 汇总.xlsx.

Workers read and validate files in parallel and send back compact results (findings, the
normalised rows, a few facts about the file); the parent decides which file stands for each
city (duplicates, late, missing), builds one frame per activity, and computes the per-city
statistics. Inputs are read once into memory and hashed; they are never opened for writing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from addin.batch import collect_files, run_parallel
from addin.findings import ERROR, WARNING, Finding
from addin.model import JUDGMENT, PROVENANCE, STAT_COLUMNS, Consolidated, Submission
from addin.settings import Campaign
from workbook_templates.contract import Contract, load_contract


@dataclass
class FileResult:
    """What a worker sends back for one file."""
    path: str
    name: str
    sha256: str
    mtime: float
    findings: list[Finding]
    readable: bool
    meta: dict[str, str] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, list[tuple]] = field(default_factory=dict)   # sheet key -> value tuples
    seconds: float = 0.0


def _columns(contract: Contract, key: str) -> list[str]:
    cols = [c.key for c in contract.sheet(key).columns]
    if key == "spotcheck":
        cols += list(JUDGMENT)
    return cols + ["source_row"]


def read_one(job: tuple[str, Campaign]) -> FileResult:
    """Worker: read, hash and validate one returned file."""
    from addin.validate import read_error_finding, validate_returned
    from workbook_templates.reader import ReadError, read_workbook

    path_s, campaign = job
    path = Path(path_s)
    start = time.perf_counter()
    contract = load_contract()
    try:
        data = path.read_bytes()
        mtime = path.stat().st_mtime
    except OSError as exc:
        f = Finding(code="unreadable-file", file=path.name, message=f"无法打开文件：{exc.strerror or exc}")
        return FileResult(path_s, path.name, "", 0.0, [f], False)
    digest = hashlib.sha256(data).hexdigest()
    try:
        wb = read_workbook(path, contract, campaign_id=campaign.id, data=data)
    except ReadError as err:
        return FileResult(path_s, path.name, digest, mtime, [read_error_finding(err)], False,
                          seconds=time.perf_counter() - start)
    except Exception as exc:  # a bug in one file must not stop the batch
        f = Finding(code="unreadable-file", file=path.name, message=f"读取时出错（{type(exc).__name__}：{exc}）")
        return FileResult(path_s, path.name, digest, mtime, [f], False)
    v = validate_returned(wb, campaign, contract)
    rows: dict[str, list[tuple]] = {}
    for key, records in v.records.items():
        cols = _columns(contract, key)
        raw_rows = {r.row: r for r in wb.sheets[key].rows}
        out = []
        for rec in records:
            raw = raw_rows[rec.row].values
            vals = []
            for c in cols[:-1]:
                x = rec.values.get(c)
                if x is None and c in raw:      # unusable value: keep what the city typed, as text
                    x = str(raw[c])
                vals.append(x)
            vals.append(rec.row)
            out.append(tuple(vals))
        rows[key] = out
    return FileResult(path_s, path.name, digest, mtime, v.findings, True, meta=dict(wb.meta),
                      info=v.info, rows=rows, seconds=time.perf_counter() - start)


def _as_date(x: Any) -> dt.date | None:
    if isinstance(x, dt.datetime):
        return x.date()
    return x if isinstance(x, dt.date) else None


def _choose(campaign: Campaign, results: list[FileResult]) -> tuple[dict[str, FileResult], list[Submission], list[Finding]]:
    """Which file stands for each city; submissions for the provenance sheet; batch findings."""
    subs: list[Submission] = []
    extra: list[Finding] = []
    by_city: dict[str, list[FileResult]] = {}
    for r in results:
        if not r.readable:
            subs.append(Submission(r.name, "", "", None, _mtime(r), r.sha256, "", status="无法读取",
                                   errors=sum(f.severity == ERROR for f in r.findings), note=r.findings[0].message))
            continue
        code = r.meta.get("city_code") or ""
        city = campaign.city_by_code(code) or campaign.city_by_name(str(r.info.get("city") or ""))
        if city is None:
            extra.append(Finding(code="city-mismatch", file=r.name, sheet="基本信息",
                                 message="无法确定该表属于哪个城市（城市代码和城市名称都不在本次活动的城市名单中）"))
            subs.append(Submission(r.name, "", code, _as_date(r.info.get("fill_date")), _mtime(r), r.sha256,
                                   r.meta.get("schema_version", ""), status="城市不明"))
            continue
        by_city.setdefault(city.code, []).append(r)
    chosen: dict[str, FileResult] = {}
    deadline = campaign.report_deadline
    for code, files in by_city.items():
        city = campaign.city_by_code(code)
        files.sort(key=lambda r: (_as_date(r.info.get("fill_date")) or dt.date.min, r.mtime, r.name), reverse=True)
        chosen[code] = files[0]
        for i, r in enumerate(files):
            fill = _as_date(r.info.get("fill_date"))
            late = bool((fill and fill > deadline) or (fill is None and _mtime(r).date() > deadline))
            sub = Submission(r.name, city.name, code, fill, _mtime(r), r.sha256, r.meta.get("schema_version", ""),
                             rows={k: len(v) for k, v in r.rows.items()},
                             errors=sum(f.severity == ERROR for f in r.findings),
                             warnings=sum(f.severity == WARNING for f in r.findings),
                             status="采用" if i == 0 else "重复（未采用）", late=late)
            if i:
                sub.note = f"同一城市另有更新的报送文件 {files[0].name}"
                extra.append(Finding(code="duplicate-submission", file=r.name,
                                     message=f"{city.name}重复报送：本文件（填报日期 {fill or '未填'}）未采用，采用较新的 {files[0].name}"))
            elif late:
                when = f"填报日期 {fill:%Y-%m-%d}" if fill else f"文件时间 {_mtime(r):%Y-%m-%d %H:%M}"
                sub.note = f"逾期报送（{when}，截止 {deadline:%Y-%m-%d}）"
                extra.append(Finding(code="late-submission", file=r.name,
                                     message=f"{city.name}逾期报送：{when}，晚于报送截止日期 {deadline:%Y-%m-%d}",
                                     basis=campaign.doc_number))
            subs.append(sub)
    for city in campaign.cities:
        if city.code not in chosen:
            extra.append(Finding(code="missing-city", message=f"{city.name}未报送", basis=campaign.doc_number))
    return chosen, subs, extra


def _mtime(r: FileResult) -> dt.datetime:
    return dt.datetime.fromtimestamp(r.mtime).replace(microsecond=0)


def _frames(contract: Contract, campaign: Campaign, chosen: dict[str, FileResult]) -> dict[str, pd.DataFrame]:
    frames = {}
    order = sorted(chosen.values(), key=lambda r: r.meta.get("city_code") or "")
    for sheet in contract.table_sheets:
        cols = _columns(contract, sheet.key)
        records = []
        for r in order:
            city = campaign.city_by_code(r.meta.get("city_code", "")) or campaign.city_by_name(str(r.info.get("city") or ""))
            for values in r.rows.get(sheet.key, []):
                records.append((city.name, city.code, *values, r.name))
        frame = pd.DataFrame.from_records(records, columns=["city", "city_code", *cols, "source_file"])
        frames[sheet.key] = frame[["city", "city_code", *cols[:-1], "source_file", "source_row"]]
    return frames


def _count(frame: pd.DataFrame, mask=None) -> pd.Series:
    f = frame if mask is None else frame[mask]
    return f.groupby("city_code").size()


def _sum(frame: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(frame[col], errors="coerce").groupby(frame["city_code"]).sum()


def _stats(campaign: Campaign, frames: dict[str, pd.DataFrame], chosen: dict[str, FileResult],
           subs: list[Submission]) -> pd.DataFrame:
    f = frames
    spot, comp, appr, man = f["spotcheck"], f["complaints"], f["appraisal"], f["manual"]
    series = {
        "publicity_events": _count(f["publicity"]),
        "publicity_participants": _sum(f["publicity"], "participants"),
        "publicity_items": _sum(f["publicity"], "items"),
        "tours_events": _count(f["tours"]),
        "tours_participants": _sum(f["tours"], "participants"),
        "manual_demo": _count(man, man["kind"].isin(["示范企业", "示范项目"])),
        "manual_compiled": _count(man, man["compiled"] == "是"),
        "manual_in_inspection": _count(man, man["in_inspection"] == "是"),
        "videos": _count(f["videos"]),
        "quiz_participants": _count(f["quiz"]),
        "spot_projects": spot.groupby("city_code")["project"].nunique(),
        "spot_items": _count(spot),
        "spot_pass": _count(spot, spot["judgment"] == "合格"),
        "spot_fail": _count(spot, spot["judgment"] == "不合格"),
        "spot_recheck": _count(spot, spot["judgment"] == "需复检"),
        "notices": spot[spot["notice_no"].notna()].groupby("city_code")["notice_no"].nunique(),
        "cases_filed": _count(spot, spot["case_filed"] == "是"),
        "exposures": _count(f["exposure"]),
        "complaints": _count(comp),
        "complaints_verified": _count(comp, comp["verified"].isin(["属实", "部分属实"])),
        "rewards_paid": _count(comp, pd.to_numeric(comp["reward"], errors="coerce") > 0),
        "reward_total": _sum(comp, "reward"),
        "appraisals": _count(appr),
        "appraisal_a": _count(appr, appr["grade"] == "A级"),
        "appraisal_b": _count(appr, appr["grade"] == "B级"),
        "appraisal_c": _count(appr, appr["grade"] == "C级"),
        "appraisal_d": _count(appr, appr["grade"] == "D级"),
        "agencies": appr.groupby("city_code")["agency"].nunique(),
        "bad_records": _count(appr, appr["bad_record"] == "是"),
    }
    used = {s.city_code: s for s in subs if s.status == "采用"}
    rows = []
    for city in campaign.cities:
        sub = used.get(city.code)
        row: dict[str, Any] = {"city": city.name, "city_code": city.code}
        row["status"] = "未报送" if sub is None else ("逾期报送" if sub.late else "已报送")
        row["fill_date"] = sub.fill_date if sub else None
        for key, s in series.items():
            row[key] = (s.get(city.code, 0) if sub else 0)
        judged = row["spot_pass"] + row["spot_fail"]
        row["spot_pass_rate"] = row["spot_pass"] / judged if judged else None
        row["errors"] = sub.errors if sub else 0
        row["warnings"] = sub.warnings if sub else 0
        rows.append(row)
    stats = pd.DataFrame(rows, columns=list(STAT_COLUMNS))
    ints = [k for k in STAT_COLUMNS if k not in ("city", "city_code", "status", "fill_date", "spot_pass_rate", "reward_total")]
    stats[ints] = stats[ints].astype("int64")
    stats["reward_total"] = stats["reward_total"].astype("float64").round(2)   # money: to the fen
    return stats


def _norm_key(x: Any) -> str:
    from addin.normalize import to_halfwidth

    return "".join(to_halfwidth(str(x)).split()).upper() if x is not None and not pd.isna(x) else ""


def _nonconforming(spot: pd.DataFrame) -> pd.DataFrame:
    bad = spot[(spot["judgment"] == "不合格") | ((spot["stated"] == "不合格") & ~spot["judgment"].isin(["合格", "需复检", "不合格"]))]
    return bad.reset_index(drop=True)


def _batch_trace(spot: pd.DataFrame, bad: pd.DataFrame) -> pd.DataFrame:
    cols = ["manufacturer", "batch", "city", "project", "contractor", "item", "grade", "spec",
            "judgment", "batch_selfcheck", "source_file", "source_row"]
    if bad.empty:
        return pd.DataFrame(columns=["trace_key", "role", *cols])
    key = spot["manufacturer"].map(_norm_key) + "|" + spot["batch"].map(_norm_key)
    bad_key = bad["manufacturer"].map(_norm_key) + "|" + bad["batch"].map(_norm_key)
    bad_keys = sorted({k for k in bad_key if not k.startswith("|") and not k.endswith("|")})
    out = []
    for k in bad_keys:
        sites = spot[key == k].copy()
        sites.insert(0, "role", ["不合格批次" if j == "不合格" else "同批次使用" for j in sites["judgment"]])
        sites.insert(0, "trace_key", k)
        out.append(sites[["trace_key", "role", *cols]])
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["trace_key", "role", *cols])


def consolidate_results(results: list[FileResult], campaign: Campaign, contract: Contract | None = None) -> Consolidated:
    contract = contract or load_contract()
    chosen, subs, extra = _choose(campaign, results)
    frames = _frames(contract, campaign, chosen)
    stats = _stats(campaign, frames, chosen, subs)
    used_names = {r.name for r in chosen.values()}
    findings = [f for r in results for f in r.findings if r.name in used_names or not r.readable] + extra
    findings_df = pd.DataFrame([f.as_dict() for f in findings],
                               columns=["code", "message", "file", "sheet", "cell", "column", "basis", "value", "severity", "name"])
    bad = _nonconforming(frames["spotcheck"])
    trace = _batch_trace(frames["spotcheck"], bad)
    subs.sort(key=lambda s: (s.city_code or "999999", s.status != "采用", s.file))
    return Consolidated(
        campaign=campaign, frames=frames, stats=stats, findings=findings_df, submissions=subs,
        missing_cities=[c.name for c in campaign.cities if c.code not in chosen],
        late_cities=[s.city for s in subs if s.status == "采用" and s.late],
        duplicate_files=[s.file for s in subs if s.status.startswith("重复")],
        nonconforming=bad, batch_trace=trace,
    )


def consolidate_files(paths: list[str | Path], campaign: Campaign, jobs: int | None = None,
                      progress: bool | None = None) -> Consolidated:
    jobs_list = [(str(p), campaign) for p in paths]
    results = list(run_parallel(read_one, jobs_list, jobs=jobs, label="汇总", progress=progress))
    return consolidate_results(results, campaign)


def consolidate_dir(directory: str | Path, campaign: Campaign, jobs: int | None = None,
                    progress: bool | None = None) -> Consolidated:
    files, _ = collect_files([directory])
    return consolidate_files(files, campaign, jobs=jobs, progress=progress)


from addin.consolidated_xlsx import load_consolidated, write_consolidated  # noqa: E402,F401
