"""Is this file what a document command needs? One check, shared by `qm report | notices |
exposure | rewards` and the ribbon buttons.

Why: given a city's return instead of 汇总.xlsx, the document commands used to read nothing and
write a report of zeros ("宣传宣讲活动0场") with exit 0. A document is built only from a 汇总.xlsx
written by `qm consolidate` for the campaign in use (its hidden _meta sheet says so), or — for
a city's own report — from a city return of this campaign. The bytes go through the same
package checks as a returned workbook (size, decompression bombs, XML entities: see
workbook_templates/package.py) before any parser sees them. Anything else stops with a Chinese
message that names the file and says what it seems to be.
"""
from __future__ import annotations

import io
from pathlib import Path

import python_calamine

from addin.core.errors import QmValueError
from workbook_templates.contract import META_SHEET as RETURN_META_SHEET
from workbook_templates.contract import load_contract
from workbook_templates.package import DEFAULT_LIMITS, Limits, PackageError, check_size, open_package

MAKE_SUMMARY = "请先用 qm consolidate（或“汇总目录”按钮）汇总各市报送文件，再用生成的 汇总.xlsx"


class WrongInput(QmValueError):
    """The file given to a document command is not the kind of workbook it needs."""


def _read(path: Path, what: str, limits: Limits) -> bytes:
    if not path.is_file():
        raise WrongInput(f"找不到{what}“{path}”", file=path)
    try:
        check_size(path.stat().st_size, limits)
        data = path.read_bytes()
        package = open_package(data, path.suffix, limits)
    except OSError as exc:
        from addin.infra.paths import oserror_cause

        raise WrongInput(f"无法打开“{path.name}”：{oserror_cause(exc, reading=True)}", file=path) from None
    except PackageError as err:
        raise WrongInput(f"“{path.name}”不能作为{what}：{err.message}", file=path) from None
    if package.kind not in ("xlsx", "xlsm"):
        raise WrongInput(f"“{path.name}”不是{what}（文件格式为 {package.kind}）。{MAKE_SUMMARY}", file=path)
    return package.data


def _meta(wb, sheet: str) -> dict[str, str]:
    if sheet not in wb.sheet_names:
        return {}
    try:
        rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception:
        return {}
    return {str(r[0]): str(r[1]) for r in rows if r and len(r) > 1 and r[0]}


def _what_is(wb, name: str) -> str:
    """What a workbook that is not a 汇总.xlsx seems to be, in words."""
    meta = _meta(wb, RETURN_META_SHEET)
    if meta.get("template_id") == load_contract().template_id:
        city = meta.get("city_name") or "某市"
        return f"“{name}”是{city}的填报表（报送文件），不是汇总表"
    if "校验结果" in wb.sheet_names or "问题清单" in wb.sheet_names:
        return f"“{name}”是校验结果（qm check 的输出），不是汇总表"
    return f"“{name}”不是 qm consolidate 生成的汇总表（缺少汇总表标识）"


def check_summary(path: str | Path, campaign, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of ``path`` if it is a 汇总.xlsx written by `qm consolidate` for ``campaign``;
    WrongInput (Chinese, naming the file) otherwise."""
    from addin.consolidate.summary_xlsx import META_SHEET, SUMMARY_KIND

    path = Path(path)
    data = _read(path, "汇总表（qm consolidate 生成的 汇总.xlsx）", limits)
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:
        raise WrongInput(f"“{path.name}”已损坏，无法读取（{type(exc).__name__}）", file=path) from None
    meta = _meta(wb, META_SHEET)
    if meta.get("kind") != SUMMARY_KIND:
        raise WrongInput(f"{_what_is(wb, path.name)}。{MAKE_SUMMARY}", file=path)
    if meta.get("campaign_id") != campaign.id:
        raise WrongInput(f"汇总表“{path.name}”属于其他活动（{meta.get('campaign_id') or '未知'}），"
                         f"不是本次活动（{campaign.id}）的汇总表；请用本次活动的设置重新汇总", file=path)
    return data


def open_summary(path: str | Path, campaign, limits: Limits = DEFAULT_LIMITS):
    """The Consolidated campaign read from a checked 汇总.xlsx (see check_summary)."""
    from addin.consolidate.summary_xlsx import load_consolidated

    data = check_summary(path, campaign, limits)
    try:
        return load_consolidated(io.BytesIO(data), campaign)
    except Exception as exc:
        raise WrongInput(f"汇总表“{Path(path).name}”无法读取（{type(exc).__name__}），请重新汇总", file=path) from None


def check_city_return(path: str | Path, campaign, limits: Limits = DEFAULT_LIMITS) -> None:
    """None if ``path`` is a city return of ``campaign`` (the standard workbook, readable); WrongInput
    naming the file otherwise (a 汇总.xlsx, 校验结果.xlsx, another campaign's return, an empty file, …)."""
    from addin.consolidate.summary_xlsx import META_SHEET, SUMMARY_KIND
    from workbook_templates.reader import ReadError, read_workbook

    path = Path(path)
    what = "本市填报工作簿（本次活动下发的标准填报表）"
    data = _read(path, what, limits)
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:
        raise WrongInput(f"“{path.name}”已损坏，无法读取（{type(exc).__name__}）", file=path) from None
    if _meta(wb, META_SHEET).get("kind") == SUMMARY_KIND:
        raise WrongInput(f"“{path.name}”是汇总表，不是本市填报工作簿；生成全区报告请不加 --city", file=path)
    try:
        read_workbook(path, campaign_id=campaign.id, data=data, limits=limits)
    except ReadError as err:
        hint = ("这是校验结果（qm check 的输出），不是填报表" if err.code == "template-mismatch"
                and ("校验结果" in wb.sheet_names or "问题清单" in wb.sheet_names) else "")
        raise WrongInput(f"“{path.name}”不能作为{what}：{hint or err.message}", file=path) from None
