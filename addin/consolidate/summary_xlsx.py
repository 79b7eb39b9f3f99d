"""The consolidated campaign as a workbook (汇总.xlsx), and back.

Written with XlsxWriter (fast, native charts). Text that came from a city is always
written as a string cell, so '=1+1' or '@SUM(...)' stays text and never becomes a formula.
Every sheet that holds city text (the activity sheets, 不合格清单, 批次追溯, 校验问题 with the
typed values, 来源 with the file names) is streamed by addin.infra.sheetxml; XlsxWriter writes only
headers and 概况, and its cells go through ``_Writer.cell`` (safe characters and length, and
never XlsxWriter's unescaped rich-string path). No wall-clock time is written, so running twice
gives the same content.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import python_calamine
import xlsxwriter

from addin.infra.atomic import atomic_path
from addin.infra.marker import category
from addin.infra.celltext import cell_text
from addin.infra.sheetxml import DATE_STYLE, DATETIME_STYLE, fill_sheets
from addin.consolidate.model import (INFO_COLUMNS, JUDGMENT, PROVENANCE, STAT_COLUMNS, CityStatus, Consolidated,
                                     Submission)
from addin.campaign.settings import Campaign
from addin.consolidate.figures import CITY_FIGURES, MONEY_KEYS
from workbook_templates.contract import load_contract
from addin.core.errors import QmValueError

NONCONFORMING_SHEET = "不合格清单"
TRACE_SHEET = "批次追溯"
FINDINGS_SHEET = "校验问题"
SOURCES_SHEET = "来源"
SUMMARY_SHEET = "概况"
INFO_SHEET = "基本信息"
BASIS_SHEET = "统计口径"
CHART_SHEET = "图表"
# A hidden sheet that says what this workbook is: the document commands accept only a 汇总.xlsx
# written here, for the campaign they run under (see check_summary).
META_SHEET = "_meta"
SUMMARY_KIND = "qm-consolidated"
SUMMARY_SCHEMA = "2"

FINDING_COLUMNS = {"file": "文件", "sheet": "工作表", "cell": "单元格", "column": "列", "severity": "严重程度",
                   "name": "问题类型", "code": "代码", "message": "说明", "basis": "依据", "value": "填写值"}
SOURCE_COLUMNS = {"file": "文件名", "city": "城市", "city_code": "行政区划代码", "status": "处理", "late": "逾期",
                  "fill_date": "填报日期", "mtime": "文件修改时间", "sha256": "SHA-256", "template_version": "模板版本",
                  "rows": "行数", "errors": "错误数", "warnings": "警告数", "note": "说明"}
TRACE_COLUMNS = {"trace_key": "追溯批次", "role": "类别", "manufacturer": "生产厂家", "batch": "批号", "city": "城市",
                 "project": "工程名称", "contractor": "施工单位", "item": "检测项目", "grade": "牌号或强度等级",
                 "spec": "规格", "judgment": "复核判定", "batch_selfcheck": "同批次工地自查情况",
                 "source_file": "来源文件", "source_row": "来源行号"}


def _titles(key: str) -> dict[str, str]:
    sheet = load_contract().sheet(key)
    titles = {"city": PROVENANCE["city"], "city_code": PROVENANCE["city_code"]}
    titles.update({c.key: c.title for c in sheet.columns})
    if key == "spotcheck":
        titles.update(JUDGMENT)
    titles.update({"source_file": PROVENANCE["source_file"], "source_row": PROVENANCE["source_row"]})
    return titles


class _Writer:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        # dates first: rows rendered before this workbook exists (in the workers) use these styles
        self.date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        if (self.date._get_xf_index(), self.datetime._get_xf_index()) != (DATE_STYLE, DATETIME_STYLE):
            raise RuntimeError("XlsxWriter 的单元格格式编号与预期不符（日期格式），请检查 XlsxWriter 版本")
        self.head = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "text_wrap": True,
                                   "valign": "vcenter", "align": "center", "border": 1})
        self.pct = wb.add_format({"num_format": "0.0%"})
        self.bad = wb.add_format({"bg_color": "#F8CBAD"})
        self.plain = wb.add_format()
        self.sheets = 0

    def cell(self, ws, r: int, c: int, v: Any, fmt=None) -> None:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
            return
        if isinstance(v, str):
            self.text(ws, r, c, v, fmt)
        elif isinstance(v, bool):
            ws.write_string(r, c, "是" if v else "否", fmt)
        elif isinstance(v, dt.datetime):
            ws.write_datetime(r, c, v, fmt or (self.datetime if (v.hour or v.minute) else self.date))
        elif isinstance(v, dt.date):
            ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), fmt or self.date)
        elif isinstance(v, (int, float)):
            ws.write_number(r, c, v, fmt)
        elif hasattr(v, "item"):                 # numpy scalars
            self.cell(ws, r, c, v.item(), fmt)
        else:
            self.text(ws, r, c, str(v), fmt)

    def text(self, ws, r: int, c: int, v: str, fmt=None) -> None:
        """A string cell, never a formula, whatever ``v`` starts with."""
        v = cell_text(v)
        if v.startswith("<r>") and v.endswith("</r>"):
            # XlsxWriter (constant_memory) copies such a string into the sheet XML unescaped, as
            # if it were its own rich-text run: written as a two-run rich string it is escaped
            ws.write_rich_string(r, c, v[:1], self.plain, v[1:], *([fmt] if fmt else []))
        else:
            ws.write_string(r, c, v, fmt)

    def table(self, name: str, titles: dict[str, str], rows, widths: dict[str, float] | None = None,
              formats: dict[str, Any] | None = None, default_width: float | None = None,
              pages_wide: int = 1, header_height: float = 30):
        """A sheet with a styled header and ``rows``: a DataFrame, a list of dicts, or an iterable of
        tuples in the order of ``titles``. Rows are written in order (constant-memory mode)."""
        ws = self.wb.add_worksheet(name)
        self.sheets += 1
        ws.part = f"xl/worksheets/sheet{self.sheets}.xml"   # XlsxWriter names parts in creation order
        keys = list(titles)
        for c, k in enumerate(keys):
            ws.write_string(0, c, titles[k], self.head)
            width = default_width or min(40, max(8, len(titles[k]) * 2 + 2))
            ws.set_column(c, c, (widths or {}).get(k, width))
        if isinstance(rows, pd.DataFrame):
            rows = _records(rows, keys)
        elif isinstance(rows, list) and rows and isinstance(rows[0], dict):
            rows = (tuple(d.get(k) for k in keys) for d in rows)
        fmts = [(formats or {}).get(k) for k in keys]
        n = 0
        for n, rec in enumerate(rows, 1):
            for c, v in enumerate(rec):
                self.cell(ws, n, c, v, fmts[c])
        ws.freeze_panes(1, 1)
        ws.set_row(0, header_height)
        ws.autofilter(0, 0, max(1, n), len(keys) - 1)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(pages_wide, 0)
        ws.repeat_rows(0)
        ws.repeat_columns(0)
        return ws, n


EXCEL_ROWS = 1_048_576      # rows in an Excel worksheet, the header row included


class TooManyRows(QmValueError):
    """A sheet of 汇总.xlsx would hold more rows than Excel allows (the message is in Chinese)."""


def _check_rows(c: Consolidated, contract) -> None:
    """Refuse before writing anything when a sheet would exceed Excel's rows: a workbook Excel
    cannot open whole is worse than none."""
    deflated = getattr(c.frames, "deflated", None)
    counts = {s.title: (deflated(s.key).count if deflated else len(c.frames[s.key])) for s in contract.table_sheets}
    counts |= {NONCONFORMING_SHEET: len(c.nonconforming), TRACE_SHEET: len(c.batch_trace),
               FINDINGS_SHEET: len(c.findings)}
    over = [f"“{name}”{n:,} 行" for name, n in counts.items() if n > EXCEL_ROWS - 1]
    if over:
        raise TooManyRows(f"汇总表{'、'.join(over)}，超过 Excel 工作表上限 {EXCEL_ROWS - 1:,} 行（不含表头），"
                          "写成一个工作簿 Excel 无法完整打开：请分批汇总（例如把报送文件按地区分成几个目录分别汇总）")


def write_consolidated(c: Consolidated, path: str | Path) -> Path:
    """汇总.xlsx at ``path`` (atomically); TooManyRows before anything is written when a sheet
    would exceed Excel's rows."""
    path = Path(path)
    contract = load_contract()
    _check_rows(c, contract)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False, "constant_memory": True})
        fixed = dt.datetime.combine(c.campaign.report_deadline, dt.time(12, 0))
        wb.set_properties({"title": f"{c.campaign.year}年质量月活动汇总", "author": c.campaign.authority, "created": fixed,
                           "category": category("汇总表")})   # never read as a return (addin.infra.marker)
        w = _Writer(wb)
        stats = c.stats
        ws, n = w.table(SUMMARY_SHEET, STAT_COLUMNS, stats, widths={"city": 9, "city_code": 8, "status": 9, "fill_date": 11},
                        formats={"spot_pass_rate": w.pct}, default_width=8, pages_wide=2, header_height=58)
        ws.conditional_format(1, list(STAT_COLUMNS).index("status"), n, list(STAT_COLUMNS).index("status"),
                              {"type": "text", "criteria": "not containing", "value": CityStatus.SUBMITTED, "format": w.bad})
        total_row = n + 1
        ws.write_string(total_row, 0, "合计", w.head)
        totals = c.totals()
        for col, key in enumerate(STAT_COLUMNS):
            if key in totals and key not in ("city_code",):
                val = totals[key]
                if key == "spot_pass_rate":
                    if not math.isnan(val):
                        ws.write_number(total_row, col, val, w.pct)
                else:
                    ws.write_number(total_row, col, val)
        info = c.info if c.info is not None and not c.info.empty else pd.DataFrame(columns=list(INFO_COLUMNS))
        w.table(INFO_SHEET, INFO_COLUMNS, info, widths={"city": 9, "city_code": 8, "status": 9, "unit": 26,
                                                         "fill_date": 11, "plan_doc": 20, "source_file": 34})
        fills = {}
        for sheet in contract.table_sheets:
            # header only now; the rows are streamed into the sheet's XML after XlsxWriter closes
            titles = _titles(sheet.key)
            widths = {col.key: col.width for col in sheet.columns} | {"source_file": 34, "city": 9, "basis": 26, "judgment_message": 50}
            ws, _ = w.table(sheet.title, titles, [], widths=widths)
            deflated = getattr(c.frames, "deflated", None)   # consolidate_*: rendered by the workers
            fills[ws.part] = (deflated(sheet.key) if deflated else
                              _records(c.frames[sheet.key], titles))
        for name, titles, frame in ((NONCONFORMING_SHEET, _titles("spotcheck"), c.nonconforming),
                                    (TRACE_SHEET, TRACE_COLUMNS, c.batch_trace)):
            ws, _ = w.table(name, titles, [], widths={"basis": 26, "judgment_message": 50, "source_file": 34})
            fills[ws.part] = _records(frame, titles)
        # the typed values, the messages quoting them and the file names are city text: streamed too
        findings = c.findings.sort_values(["file", "sheet", "cell"], kind="stable") if not c.findings.empty else c.findings
        ws, _ = w.table(FINDINGS_SHEET, FINDING_COLUMNS, [], widths={"message": 70, "file": 34})
        fills[ws.part] = _records(findings, FINDING_COLUMNS)
        ws, _ = w.table(SOURCES_SHEET, SOURCE_COLUMNS, [], widths={"file": 36, "sha256": 66, "note": 40})
        sources = (_source_row(s) for s in c.submissions)
        fills[ws.part] = (tuple(row[k] for k in SOURCE_COLUMNS) for row in sources)
        w.table(BASIS_SHEET, {"name": "指标（概况列名）", "unit": "单位", "basis": "统计口径"},
                [(f.name, f.unit, f.basis) for f in CITY_FIGURES], widths={"name": 26, "unit": 8, "basis": 100})
        _charts(wb, c, n)
        meta = wb.add_worksheet(META_SHEET)
        for r, (k, v) in enumerate((("kind", SUMMARY_KIND), ("schema", SUMMARY_SCHEMA), ("campaign_id", c.campaign.id),
                                    ("campaign_hash", c.campaign.raw_hash))):
            meta.write_string(r, 0, k)
            meta.write_string(r, 1, v)
        meta.hide()
        wb.close()
        fill_sheets(Path(tmp), fills)
    return path


def _records(frame: pd.DataFrame, keys) -> Iterator[tuple]:
    """The rows of ``frame`` as tuples of Python values in ``keys`` order, None where missing.

    Through one object array: DataFrame.itertuples reads extension-array columns (pandas' string
    columns) element by element, which cost seconds for the tens of thousands of rows of a
    national 不合格清单.
    """
    return map(tuple, frame.reindex(columns=list(keys)).to_numpy(dtype=object, na_value=None))


def _source_row(s: Submission) -> dict:
    return {"file": s.file, "city": s.city, "city_code": s.city_code, "status": s.status, "late": "是" if s.late else "否",
            "fill_date": s.fill_date, "mtime": s.mtime, "sha256": s.sha256, "template_version": s.template_version,
            "rows": sum(s.rows.values()), "errors": s.errors, "warnings": s.warnings, "note": s.note}


def _charts(wb, c: Consolidated, n: int) -> None:
    ws = wb.add_worksheet(CHART_SHEET)
    keys = list(STAT_COLUMNS)
    col = keys.index
    name_ref = [SUMMARY_SHEET, 1, 0, n, 0]
    rate = wb.add_chart({"type": "column"})
    rate.add_series({"name": "抽测合格率", "categories": name_ref,
                     "values": [SUMMARY_SHEET, 1, col("spot_pass_rate"), n, col("spot_pass_rate")],
                     "data_labels": {"value": True, "num_format": "0%"}, "fill": {"color": "#2E75B6"}})
    rate.set_title({"name": "各市监督抽测合格率（按国家标准复核）"})
    rate.set_y_axis({"num_format": "0%", "min": 0, "max": 1, "major_gridlines": {"visible": True}})
    rate.set_legend({"none": True})
    rate.set_size({"width": 900, "height": 380})
    ws.insert_chart("A1", rate)
    acts = wb.add_chart({"type": "column", "subtype": "stacked"})
    for key in ("publicity_events", "tours_events", "spot_items", "exposures", "complaints", "appraisals"):
        acts.add_series({"name": STAT_COLUMNS[key], "categories": name_ref,
                         "values": [SUMMARY_SHEET, 1, col(key), n, col(key)]})
    acts.set_title({"name": "各市活动开展情况（场次、项次、件数）"})
    acts.set_size({"width": 900, "height": 420})
    acts.set_legend({"position": "bottom"})
    ws.insert_chart("A21", acts)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)


# -- reading 汇总.xlsx back -------------------------------------------------------------
def _read_sheet(wb, name: str, titles: dict[str, str]) -> pd.DataFrame:
    if name not in wb.sheet_names:
        return pd.DataFrame(columns=list(titles))
    data = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    if not data:
        return pd.DataFrame(columns=list(titles))
    by_title = {v: k for k, v in titles.items()}
    header = [by_title.get(str(h), str(h)) for h in data[0]]
    rows = [[None if v == "" else v for v in r] for r in data[1:]]
    frame = pd.DataFrame(rows, columns=header)
    for k in titles:
        if k not in frame.columns:
            frame[k] = None
    return frame[list(titles)]


def load_consolidated(path: str | Path, campaign: Campaign) -> Consolidated:
    """Read 汇总.xlsx (written by write_consolidated; a path or a binary file object) back into a
    Consolidated. Documents read it through addin.consolidate.inputs.open_summary, which checks first."""
    contract = load_contract()
    wb = (python_calamine.CalamineWorkbook.from_filelike(path) if hasattr(path, "read")
          else python_calamine.CalamineWorkbook.from_path(str(path)))
    stats = _read_sheet(wb, SUMMARY_SHEET, STAT_COLUMNS)
    stats = stats[stats["city"] != "合计"].dropna(subset=["city_code"]).reset_index(drop=True)
    stats["city_code"] = stats["city_code"].astype(str)
    for k in STAT_COLUMNS:
        if k not in ("city", "city_code", "status", "fill_date", "spot_pass_rate"):
            stats[k] = pd.to_numeric(stats[k], errors="coerce").fillna(0)
            if k not in MONEY_KEYS:
                stats[k] = stats[k].astype("int64")
    stats["spot_pass_rate"] = pd.to_numeric(stats["spot_pass_rate"], errors="coerce")
    frames = {s.key: _read_sheet(wb, s.title, _titles(s.key)) for s in contract.table_sheets}
    for f in frames.values():
        f["city_code"] = f["city_code"].astype(str)
    sources = _read_sheet(wb, SOURCES_SHEET, SOURCE_COLUMNS)
    subs = []
    for rec in sources.to_dict("records"):
        subs.append(Submission(file=rec["file"], city=rec["city"] or "", city_code=str(rec["city_code"] or ""),
                               fill_date=rec["fill_date"], mtime=rec["mtime"], sha256=rec["sha256"] or "",
                               template_version=str(rec["template_version"] or ""),
                               errors=int(rec["errors"] or 0), warnings=int(rec["warnings"] or 0),
                               status=rec["status"] or "", late=rec["late"] == "是", note=rec["note"] or ""))
    return Consolidated(
        campaign=campaign, frames=frames, stats=stats,
        findings=_read_sheet(wb, FINDINGS_SHEET, FINDING_COLUMNS),
        submissions=subs,
        missing_cities=list(stats.loc[stats["status"] == CityStatus.MISSING, "city"]),
        late_cities=list(stats.loc[stats["status"] == CityStatus.LATE, "city"]),
        duplicate_files=[s.file for s in subs if s.status.startswith("重复")],
        nonconforming=_read_sheet(wb, NONCONFORMING_SHEET, _titles("spotcheck")),
        batch_trace=_read_sheet(wb, TRACE_SHEET, TRACE_COLUMNS),
        info=_read_sheet(wb, INFO_SHEET, INFO_COLUMNS),
    )
