"""Consolidation: a directory of returned workbooks -> one Consolidated campaign -> 汇总.xlsx.

Workers read and validate files in parallel and send back compact results: findings, the
file's own statistics, the spot-check rows the parent needs (non-conforming and traceable
batches), every normalised row as one compressed blob per sheet, and the same rows already
rendered as 汇总.xlsx sheet XML and compressed (addin.infra.sheetxml, addin.infra.zippack). The parent
decides which file stands for each city (duplicates, late, missing) and keeps the blobs and
pieces in a temporary spool file, never all rows as objects: activity frames are built on
demand and the writer lays the chosen files' pieces end to end, so memory stays small and the
end of a run is not minutes of single-core work for thousands of returns. Inputs are read once
into memory and hashed; they are never opened for writing.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import pickle
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from addin.infra.batch import DEFAULT_FILE_TIMEOUT, DEFAULT_WORKER_MB, collect, run_parallel, unique_names
from addin.core.findings import ERROR, WARNING, Finding
from addin.consolidate.figures import CITY_KEYS, MONEY_KEYS, city_figures, info_rows
from addin.consolidate.model import (JUDGMENT, STAT_COLUMNS, CityStatus, Consolidated, Submission,
                                     SubmissionStatus)
from addin.campaign.settings import Campaign, City
from addin.infra.sheetxml import Deflated, RowXml
from addin.infra.paths import oserror_cause
from addin.infra.zippack import Piece, Spool, compress, decompress, deflate
from workbook_templates.contract import Contract, load_contract
from workbook_templates.package import Limits


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
    blobs: dict[str, bytes] = field(default_factory=dict)        # sheet key -> compressed pickle of the row tuples
    counts: dict[str, int] = field(default_factory=dict)         # sheet key -> rows
    stats: dict[str, Any] = field(default_factory=dict)          # this file's statistics (STAT_COLUMNS keys)
    bad_blob: bytes = b""                                        # the same, of spot-check rows judged or stated 不合格
    batch_digests: bytes = b""                                   # per spot-check row: 8-byte digest of its batch key
    xml: dict[str, Piece] = field(default_factory=dict)          # sheet key -> the rows as 汇总.xlsx XML, deflated
    seconds: float = 0.0
    spool: Spool | None = field(default=None, repr=False, compare=False)   # where blobs and xml went (parent)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)        # sheet key -> blob (offset, size) in spool

    def rows(self, key: str) -> list[tuple]:
        if key in self.spans:
            blob = self.spool.read(*self.spans[key])
        else:
            blob = self.blobs.get(key)
        return pickle.loads(decompress(blob)) if blob else []

    def stash(self, spool: Spool) -> "FileResult":
        """Move the row blobs and XML pieces to ``spool`` (the parent's memory stays small)."""
        for key, blob in self.blobs.items():
            self.spans[key] = (spool.put(blob), len(blob))
        self.blobs = {}
        self.xml = {key: spool.keep(p) for key, p in self.xml.items()}
        self.spool = spool
        return self

    @property
    def spot_bad(self) -> list[tuple]:
        return pickle.loads(decompress(self.bad_blob)) if self.bad_blob else []

    def rows_using(self, digests: set[bytes]) -> list[int]:
        """Positions of the spot-check rows whose batch key has a _key_digest in ``digests``."""
        h = self.batch_digests
        return [i // 8 for i in range(0, len(h), 8) if h[i:i + 8] in digests]


def _columns(contract: Contract, key: str) -> list[str]:
    cols = [c.key for c in contract.sheet(key).columns]
    if key == "spotcheck":
        cols += list(JUDGMENT)
    return cols + ["source_row"]


def read_one(job: tuple) -> FileResult:
    """read_path for a (path, campaign[, limits]) tuple."""
    return read_path(*job)


def read_path(path_s: str, campaign: Campaign, limits: Limits | None = None,
              names: Mapping[str, str] | None = None) -> FileResult:
    """Worker: read, hash and validate the returned file at ``path_s``. ``names`` maps a path to
    the name it is shown by (its path under the folder it was found in, so 甲/报表.xlsx and
    乙/报表.xlsx stay apart in findings, sources and every source_file); default the file name."""
    from addin.checks.validate import read_error_finding, validate_returned
    from workbook_templates.package import DEFAULT_LIMITS, PackageError, check_size
    from workbook_templates.reader import ReadError, read_workbook

    limits = limits or DEFAULT_LIMITS
    path = Path(path_s)
    name = shown_name(path_s, names)
    start = time.perf_counter()
    contract = load_contract()
    try:
        st = path.stat()
        mtime = st.st_mtime
        check_size(st.st_size, limits)          # before reading: a huge file is never loaded
        data = path.read_bytes()
    except OSError as exc:
        f = Finding(code="unreadable-file", file=name, message=f"无法打开文件：{oserror_cause(exc, reading=True)}")
        return FileResult(path_s, name, "", 0.0, [f], False)
    except PackageError as err:
        return FileResult(path_s, name, "", mtime, [Finding(code=err.code, file=name, message=err.message)],
                          False)
    digest = hashlib.sha256(data).hexdigest()
    try:
        wb = read_workbook(path, contract, campaign_id=campaign.id, data=data, limits=limits)
    except ReadError as err:
        return FileResult(path_s, name, digest, mtime, _named([read_error_finding(err)], path.name, name), False,
                          seconds=time.perf_counter() - start)
    except Exception as exc:  # a bug in one file must not stop the batch
        f = Finding(code="unreadable-file", file=name, message=f"读取时出错（{type(exc).__name__}：{exc}）")
        return FileResult(path_s, name, digest, mtime, [f], False)
    v = validate_returned(wb, campaign, contract)
    rows = {key: _row_tuples(_columns(contract, key)[:-1], records, wb.sheets[key].rows)
            for key, records in v.records.items()}
    spot = _Spot(_columns(contract, "spotcheck"))
    city = city_of(campaign, wb.meta, v.info)
    return FileResult(
        path_s, name, digest, mtime, _named(v.findings, path.name, name), True, meta=dict(wb.meta), info=v.info,
        xml=_render(city, name, rows) if city else {},
        blobs={k: _pack(r) for k, r in rows.items() if r},
        counts={k: len(r) for k, r in rows.items()},
        stats=file_stats(contract, rows),
        bad_blob=_pack([r for r in rows.get("spotcheck", []) if spot.is_bad(r)]),
        batch_digests=b"".join(_key_digest(spot.batch_key(r)) for r in rows.get("spotcheck", [])),
        seconds=time.perf_counter() - start,
    )


def _named(findings: list[Finding], file_name: str, name: str) -> list[Finding]:
    """The findings with the bare file name the reader gave them replaced by the name shown."""
    if name == file_name:
        return findings
    return [dataclasses.replace(f, file=name) if f.file in (file_name, "") else f for f in findings]


def _row_tuples(cols: list[str], records: list, raw_rows: list) -> list[tuple]:
    """Each record's values in ``cols`` order, then its row number. A value the validator could
    not use (None) keeps what the city typed, as text."""
    raw_by_row = {r.row: r.values for r in raw_rows}
    at = {c: i for i, c in enumerate(cols)}
    out = []
    for rec in records:
        get = rec.values.get
        vals = [get(c) for c in cols]
        for c, x in raw_by_row[rec.row].items():
            i = at.get(c)
            if i is not None and vals[i] is None:
                vals[i] = str(x)
        vals.append(rec.row)
        out.append(tuple(vals))
    return out


def city_of(campaign: Campaign, meta: Mapping[str, Any], info: Mapping[str, Any]) -> City | None:
    """The city a return belongs to (:meth:`Campaign.city_of_return` on its metadata and 基本信息)."""
    return campaign.city_of_return(meta.get("city_code"), info.get("city"))


def _render(city: City, file_name: str, rows: dict[str, list[tuple]]) -> dict[str, Piece]:
    """Each sheet's rows as they appear in 汇总.xlsx (city, city code, values, source file and row),
    rendered as position-independent sheet XML and deflated: one piece per sheet."""
    xml = RowXml()                                   # one per file: caches this return's strings only
    head = "<row>" + xml.cells((city.name, city.code))
    source = xml.cell(file_name) + "<c><v>"
    out = {}
    for key, records in rows.items():
        if records:
            parts: list[str] = []                    # the whole sheet in one list, joined once
            add = parts.append
            for r in records:
                add(head)
                xml.add_cells(parts, r[:-1])
                add(source)
                add(str(r[-1]))
                add("</v></c></row>")
            out[key] = deflate("".join(parts).encode("utf-8"))
    return out


def _pack(rows: list[tuple]) -> bytes:
    return compress(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)) if rows else b""


_NO_KEY = bytes(8)


def _key_digest(key: str) -> bytes:
    """8 bytes standing for a batch key in the parent (thousands of files' key strings would cost
    ~100 MB); zeros for no key."""
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest() if key else _NO_KEY


class _Spot:
    """Reads a spot-check row (a tuple in the order of ``cols``) by column position."""

    def __init__(self, cols: list[str]):
        self.j, self.s, self.m, self.b = (cols.index(k) for k in ("judgment", "stated", "manufacturer", "batch"))
        self.norm = _Norm()

    def is_bad(self, row: tuple) -> bool:
        """Judged 不合格, or stated 不合格 by the city."""
        return row[self.j] == "不合格" or row[self.s] == "不合格"

    def batch_key(self, row: tuple) -> str:
        """'MANUFACTURER|BATCH' (half-width, no spaces, upper case), or '' when either is missing."""
        return self.key(row[self.m], row[self.b])

    def key(self, manufacturer: Any, batch: Any) -> str:
        m = self.norm(manufacturer)
        if not m:
            return ""
        b = self.norm(batch)
        return f"{m}|{b}" if b else ""


class _Norm:
    """_norm_key, remembering its answers: the same few firms and batches recur on many rows."""

    def __init__(self):
        self._memo: dict[Any, str] = {}

    def __call__(self, x: Any) -> str:
        try:
            out = self._memo.get(x)
        except TypeError:                     # unhashable
            return _norm_key(x)
        if out is None:
            out = self._memo[x] = _norm_key(x)
        return out


def file_stats(contract: Contract, rows: dict[str, list[tuple]]) -> dict[str, Any]:
    """One return's statistics (the ledger's per-city figures), computed where the rows are (in the worker)."""
    at = {key: {name: i for i, name in enumerate(_columns(contract, key))} for key in rows}

    def column(key: str, name: str) -> list[Any]:
        i = at.get(key, {}).get(name)
        return [] if i is None else [r[i] for r in rows.get(key, [])]

    return city_figures(column, lambda key: len(rows.get(key, [])))


def identity_conflict(campaign: Campaign, meta: Mapping[str, Any], info: Mapping[str, Any]) -> str | None:
    """What 基本信息 names as the city when it contradicts the city of the hidden metadata, else
    None: another campaign city (its name), or a name that is no campaign city at all (杭州市, as
    typed, marked 不在本次活动的城市名单中). A blank 基本信息 city is no contradiction (the metadata
    decides; the validator reports the blank). Such a return is never chosen for either city."""
    by_meta = campaign.city_by_code(str(meta.get("city_code") or ""))
    named = str(info.get("city") or "").strip()
    if by_meta is None or not named:
        return None
    by_name = campaign.city_by_name(named)
    if by_name is None:
        return f"{named}（不在本次活动的城市名单中）"
    return by_name.name if by_name.code != by_meta.code else None


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
            subs.append(Submission(r.name, "", "", None, _mtime(r), r.sha256, "", status=SubmissionStatus.UNREADABLE,
                                   errors=sum(f.severity == ERROR for f in r.findings), note=r.findings[0].message))
            continue
        code = r.meta.get("city_code") or ""
        city = city_of(campaign, r.meta, r.info)
        if city is None:
            extra.append(Finding(code="city-mismatch", file=r.name, sheet="基本信息",
                                 message="无法确定该表属于哪个城市（城市代码和城市名称都不在本次活动的城市名单中）"))
            subs.append(Submission(r.name, "", code, _as_date(r.info.get("fill_date")), _mtime(r), r.sha256,
                                   r.meta.get("schema_version", ""), status="城市不明"))
            continue
        other = identity_conflict(campaign, r.meta, r.info)
        if other is not None:
            # the file names two cities: it never displaces a consistent return; a person decides
            extra.append(Finding(code="identity-conflict", file=r.name, sheet="基本信息",
                                 message=f"身份冲突：本表下发时属于{city.name}（隐藏标识 {code}），基本信息中填写的城市却是"
                                         f"{other}；未采用，请核实该文件来自哪个城市后改正城市或重新报送"))
            subs.append(Submission(r.name, city.name, city.code, _as_date(r.info.get("fill_date")), _mtime(r), r.sha256,
                                   r.meta.get("schema_version", ""), rows=dict(r.counts),
                                   errors=sum(f.severity == ERROR for f in r.findings),
                                   warnings=sum(f.severity == WARNING for f in r.findings),
                                   status=SubmissionStatus.IDENTITY_CONFLICT,
                                   note=f"隐藏标识为{city.name}，基本信息填写为{other}，待人工核实"))
            continue
        by_city.setdefault(city.code, []).append(r)
    chosen: dict[str, FileResult] = {}
    deadline = campaign.report_deadline
    for code, files in by_city.items():
        city = campaign.city_by_code(code)
        # 填报日期 decides which return is newer only when no return of the city has an implausible one
        # (Campaign.plausible): a typed 2032 must not beat a later correction; then file times decide
        if not any(_implausible_fill(campaign, r) for r in files):
            files.sort(key=lambda r: (_as_date(r.info.get("fill_date")) or dt.date.min, r.mtime, r.name), reverse=True)
        else:
            files.sort(key=lambda r: (r.mtime, r.name), reverse=True)
        chosen[code] = files[0]
        for i, r in enumerate(files):
            fill = _as_date(r.info.get("fill_date"))
            if _implausible_fill(campaign, r):   # an implausible date does not make a return late either
                late = _mtime(r).date() > deadline
            else:
                late = bool((fill and fill > deadline) or (fill is None and _mtime(r).date() > deadline))
            sub = Submission(r.name, city.name, code, fill, _mtime(r), r.sha256, r.meta.get("schema_version", ""),
                             rows=dict(r.counts),
                             errors=sum(f.severity == ERROR for f in r.findings),
                             warnings=sum(f.severity == WARNING for f in r.findings),
                             status=SubmissionStatus.USED if i == 0 else SubmissionStatus.DUPLICATE, late=late)
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
    conflicted = {s.city_code: s.file for s in subs if s.status == SubmissionStatus.IDENTITY_CONFLICT}
    for city in campaign.cities:
        if city.code not in chosen:
            pending = f"（另有身份冲突的文件 {conflicted[city.code]} 待核实）" if city.code in conflicted else ""
            extra.append(Finding(code="missing-city", message=f"{city.name}未报送{pending}", basis=campaign.doc_number))
    return chosen, subs, extra


def _implausible_fill(campaign: Campaign, r: FileResult) -> bool:
    """Whether the return's 填报日期 is filled in but implausible for this campaign (2032 for 2022)."""
    fill = _as_date(r.info.get("fill_date"))
    return fill is not None and not campaign.plausible(fill)


def _mtime(r: FileResult) -> dt.datetime:
    return dt.datetime.fromtimestamp(r.mtime).replace(microsecond=0)


class ActivityFrames(Mapping):
    """Activity sheet key -> DataFrame of every used return's rows, built when first asked for.

    The writer does not use it: it streams rows with ``iter_rows`` straight from the blobs.
    """

    def __init__(self, contract: Contract, campaign: Campaign, chosen: dict[str, FileResult]):
        self.contract = contract
        self.order = [(campaign.city_by_code(code), chosen[code]) for code in sorted(chosen)]
        self._cache: dict[str, pd.DataFrame] = {}

    def columns(self, key: str) -> list[str]:
        cols = _columns(self.contract, key)
        return ["city", "city_code", *cols[:-1], "source_file", "source_row"]

    def iter_rows(self, key: str) -> Iterator[tuple]:
        for city, r in self.order:
            for values in r.rows(key):
                yield (city.name, city.code, *values[:-1], r.name, values[-1])

    def deflated(self, key: str) -> Deflated:
        """The sheet's rows for 汇总.xlsx as the workers rendered them, in city order."""
        used = [r for _, r in self.order if key in r.xml]
        spools = {id(r.spool): r.spool for r in used if r.spool is not None}
        if len(spools) > 1:
            raise ValueError("results from more than one spool")
        return Deflated([r.xml[key] for r in used], sum(r.counts.get(key, 0) for r in used),
                        next(iter(spools.values()), None))

    def __getitem__(self, key: str) -> pd.DataFrame:
        if key not in self._cache:
            self.contract.sheet(key)  # KeyError for an unknown sheet
            self._cache[key] = pd.DataFrame.from_records(list(self.iter_rows(key)), columns=self.columns(key))
        return self._cache[key]

    def __iter__(self):
        return iter(s.key for s in self.contract.table_sheets)

    def __len__(self) -> int:
        return len(self.contract.table_sheets)


def _stats(campaign: Campaign, chosen: dict[str, FileResult], subs: list[Submission]) -> pd.DataFrame:
    used = {s.city_code: s for s in subs if s.status == SubmissionStatus.USED}
    rows = []
    for city in campaign.cities:
        sub = used.get(city.code)
        row: dict[str, Any] = {"city": city.name, "city_code": city.code}
        row["status"] = CityStatus.MISSING if sub is None else (CityStatus.LATE if sub.late else CityStatus.SUBMITTED)
        row["fill_date"] = sub.fill_date if sub else None
        per_file = chosen[city.code].stats if sub else {}
        for key in STAT_COLUMNS:
            if key not in row and key not in ("spot_pass_rate", "errors", "warnings"):
                row[key] = per_file.get(key, 0)
        judged = row["spot_pass"] + row["spot_fail"]
        row["spot_pass_rate"] = row["spot_pass"] / judged if judged else None
        row["errors"] = sub.errors if sub else 0
        row["warnings"] = sub.warnings if sub else 0
        rows.append(row)
    stats = pd.DataFrame(rows, columns=list(STAT_COLUMNS))
    ints = [k for k in CITY_KEYS if k not in MONEY_KEYS] + ["errors", "warnings"]
    stats[ints] = stats[ints].astype("int64")
    for k in MONEY_KEYS:
        stats[k] = stats[k].astype("float64").round(2)   # money: to the fen
    return stats


def _norm_key(x: Any) -> str:
    from addin.core.normalize import to_halfwidth

    if x is None or x is pd.NA or x != x:       # None, NA, NaN, NaT
        return ""
    return "".join(to_halfwidth(str(x)).split()).upper()


def _nonconforming(spot: pd.DataFrame) -> pd.DataFrame:
    bad = spot[(spot["judgment"] == "不合格") | ((spot["stated"] == "不合格") & ~spot["judgment"].isin(["合格", "需复检", "不合格"]))]
    return bad.reset_index(drop=True)


def _batch_trace(sites: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """批次追溯: the sites (spot-check rows) of each non-conforming batch, batch by batch in key
    order and in their own order within a batch; ``keys`` is each site's batch key."""
    cols = ["manufacturer", "batch", "city", "project", "contractor", "item", "grade", "spec",
            "judgment", "batch_selfcheck", "source_file", "source_row"]
    if not keys:
        return pd.DataFrame(columns=["trace_key", "role", *cols])
    order = sorted(range(len(keys)), key=keys.__getitem__)            # stable: site order kept within a key
    out = sites.iloc[order][cols].reset_index(drop=True)
    out.insert(0, "role", ["不合格批次" if j == "不合格" else "同批次使用" for j in out["judgment"]])
    out.insert(0, "trace_key", [keys[i] for i in order])
    return out


def consolidate_results(results: list[FileResult], campaign: Campaign, contract: Contract | None = None) -> Consolidated:
    contract = contract or load_contract()
    chosen, subs, extra = _choose(campaign, results)
    frames = ActivityFrames(contract, campaign, chosen)
    stats = _stats(campaign, chosen, subs)
    used_names = {r.name for r in chosen.values()}
    findings = [f for r in results for f in r.findings if r.name in used_names or not r.readable] + extra
    findings_df = pd.DataFrame([f.as_dict() for f in findings],
                               columns=["code", "message", "file", "sheet", "cell", "column", "basis", "value", "severity", "name"])
    spot_cols = frames.columns("spotcheck")
    bad = _nonconforming(pd.DataFrame.from_records(
        [(city.name, city.code, *v[:-1], r.name, v[-1]) for city, r in frames.order for v in r.spot_bad],
        columns=spot_cols))
    # batch trace: only files that used a non-conforming batch are unpacked, and only their matching rows kept
    full = _Spot(spot_cols)
    bad_keys = set(map(full.key, bad["manufacturer"].to_numpy(dtype=object), bad["batch"].to_numpy(dtype=object))) - {""}
    bad_digests = {_key_digest(k) for k in bad_keys}
    raw = _Spot(_columns(contract, "spotcheck"))
    sites, keys = [], []
    for city, r in frames.order:
        using = r.rows_using(bad_digests)
        if using:
            rows = r.rows("spotcheck")
            for v in (rows[i] for i in using):
                key = raw.batch_key(v)
                if key in bad_keys:
                    sites.append((city.name, city.code, *v[:-1], r.name, v[-1]))
                    keys.append(key)
    trace = _batch_trace(pd.DataFrame.from_records(sites, columns=spot_cols), keys)
    subs.sort(key=lambda s: (s.city_code or "999999", s.status != SubmissionStatus.USED, s.file))
    return Consolidated(
        campaign=campaign, frames=frames, stats=stats, findings=findings_df, submissions=subs,
        missing_cities=[c.name for c in campaign.cities if c.code not in chosen],
        late_cities=[s.city for s in subs if s.status == SubmissionStatus.USED and s.late],
        duplicate_files=[s.file for s in subs if s.status == SubmissionStatus.DUPLICATE],
        nonconforming=bad, batch_trace=trace,
        info=info_rows(campaign, [(code, CityStatus.LATE if next((s.late for s in subs if s.city_code == code
                                                                      and s.status == SubmissionStatus.USED), False)
                                   else CityStatus.SUBMITTED, r.name, r.info) for code, r in chosen.items()]),
    )


_HASH_FAILED_MAX = 16 * 1024 * 1024     # bytes: hash a failed file in the parent only up to this size


def shown_name(path_s: str, names: Mapping[str, str] | None) -> str:
    """The name a return is shown by: from ``names`` (path -> name with sub-folders), else the file name."""
    return (names or {}).get(str(path_s)) or Path(path_s).name


def failed_file_result(path_s: str, kind: str, detail: str, names: Mapping[str, str] | None = None) -> FileResult:
    """The FileResult for a file whose worker failed (run_parallel's on_failure for :func:`read_one`)."""
    path = Path(path_s)
    name = shown_name(path_s, names)
    digest, mtime = "", 0.0
    try:
        st = path.stat()
        mtime = st.st_mtime
        # the hash for the provenance sheet when cheap; not after a timeout (the read itself may be what hangs)
        if kind != "timeout" and st.st_size <= _HASH_FAILED_MAX:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        pass
    return FileResult(path_s, name, digest, mtime, [failure_finding(name, kind, detail)], False)


def failure_finding(name: str, kind: str, detail: str) -> Finding:
    """The finding for a file that run_parallel could not process: timeout, crash/memory or error."""
    if kind == "timeout":
        return Finding(code="read-timeout", file=name,
                       message=f"读取超过 {detail} 秒仍未完成，已跳过该文件（可能是异常庞大或损坏的工作簿）；请检查后重新保存再报送")
    if kind in ("crash", "memory"):
        return Finding(code="read-crashed", file=name,
                       message=f"读取该文件时处理进程异常退出（{detail}），可能内存超限或文件损坏，已跳过")
    return Finding(code="unreadable-file", file=name, message=f"读取时出错（{detail}）")


def consolidate_files(paths: list[str | Path], campaign: Campaign, jobs: int | None = None,
                      progress: "bool | Callable[[int, int], None] | None" = None, *, timeout: float | None = DEFAULT_FILE_TIMEOUT,
                      memory_mb: int | None = DEFAULT_WORKER_MB, limits: Limits | None = None,
                      names: Mapping[str | Path, str] | None = None) -> Consolidated:
    """Read, validate and consolidate ``paths``; ``limits`` guard each file before parsing.
    ``names``: path -> the name shown for it (addin.infra.batch.Collection.names: the path under
    the folder it was found in); without it, the file name — unless two paths share a file name,
    when each is shown by its path below their common folder (issue 17 class 5)."""
    paths = [str(p) for p in paths]
    shown = display_names(paths, names)
    # the campaign, limits and names go to each worker once (with the function), not with every
    # file: a campaign of thousands of cities pickled per file made the parent block on its pipes
    reader = functools.partial(read_path, campaign=campaign, limits=limits, names=shown)
    spool = Spool()
    results = [r.stash(spool) for r in run_parallel(reader, paths, jobs=jobs, label="汇总",
                                                    progress=progress, timeout=timeout,
                                                    on_failure=functools.partial(failed_file_result, names=shown),
                                                    memory_mb=memory_mb)]
    return consolidate_results(results, campaign)


def display_names(paths: list[str], names: Mapping[str | Path, str] | None = None) -> dict[str, str]:
    """path -> the name shown: ``names`` where given, otherwise the file name; a name two paths
    share becomes each one's path below their common folder (addin.infra.batch.unique_names)."""
    given = {str(k): v for k, v in (names or {}).items()}
    return unique_names({p: given.get(p) or Path(p).name for p in paths})


def consolidate_dir(directory: str | Path, campaign: Campaign, jobs: int | None = None,
                    progress: "bool | Callable[[int, int], None] | None" = None, *, timeout: float | None = DEFAULT_FILE_TIMEOUT,
                    memory_mb: int | None = DEFAULT_WORKER_MB, limits: Limits | None = None) -> Consolidated:
    found = collect([directory])
    return consolidate_files(found.files, campaign, jobs=jobs, progress=progress, timeout=timeout, memory_mb=memory_mb,
                             limits=limits, names=found.names)


from addin.consolidate.summary_xlsx import load_consolidated, write_consolidated  # noqa: E402,F401
