"""Excel worksheet functions (xlwings UDFs): one cell in, one value out.

Each function is a thin face over the same core the ``qm`` command and the buttons use
(:mod:`addin.rules.judge`, :mod:`addin.core.idcodes`, :mod:`addin.core.normalize`, :mod:`addin.contest.scoring`,
the campaign settings). It adapts the cell input (ranges become lists, empty cells are
skipped) and the output; it holds no rule of its own.

A UDF never shows a traceback in a cell: every function is wrapped by :func:`_cell_safe`,
which turns any exception into a readable Chinese text ``错误：……``.

Descriptions and argument docs are Chinese because Excel shows them in the function wizard.
Arguments carry no type annotations on purpose: xlwings reads an annotation as a converter.

Each ``@xw.func`` declares both settings xlwings 0.37 knows: ``category`` (classic xlwings only)
and ``namespace`` (xlwings Lite and Server only); each runtime ignores the other's.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
from typing import Any, Callable, Iterable

import xlwings as xw

from addin.core.errors import QmError, QmValueError

CATEGORY = "质量月"      # classic Excel: the function wizard's category (Application.MacroOptions)
NAMESPACE = "QM"         # Office.js runtimes (xlwings Lite / Server): the formula prefix, =QM.QM_JUDGE(...)
ERROR_PREFIX = "错误："

__all__ = [
    "QM_JUDGE", "QM_JUDGE_MESSAGE", "QM_CREDIT_CODE_CHECK", "QM_ID_CHECK", "QM_DATE",
    "QM_NUMBER", "QM_TRIMMED_MEAN", "QM_WEIGHTED_TOTAL", "QM_REWARD", "UDFS",
]


class CellError(QmValueError):
    """Input a UDF cannot use; the message (Chinese) is shown in the cell."""


def _cell_safe(func: Callable) -> Callable:
    """Return ``错误：<message>`` instead of raising; keeps the signature and docstring for xlwings."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception as exc:  # a cell must show a message, never a traceback
            text = str(exc).strip() or type(exc).__name__
            if not isinstance(exc, QmError):
                text = f"计算出错（{type(exc).__name__}：{text}）"
            return text if text.startswith(ERROR_PREFIX) else ERROR_PREFIX + text

    return wrapper


# -- input adapters ----------------------------------------------------------------
def _flatten(value: Any) -> list[Any]:
    """A cell, a row, a column or a 2-D range as one flat list, empty cells dropped."""
    if isinstance(value, (list, tuple)):
        out: list[Any] = []
        for item in value:
            out.extend(_flatten(item))
        return out
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    return [value]


def _cell_text(value: Any) -> Any:
    """A multi-cell argument given where one cell is expected: join the non-empty cells."""
    if isinstance(value, (list, tuple)):
        items = _flatten(value)
        if not items:
            return None
        return items[0] if len(items) == 1 else "、".join(str(x) for x in items)
    return value


def _numbers(value: Any, what: str) -> list[Any]:
    items = _flatten(value)
    if not items:
        raise CellError(f"{what}为空")
    return items


@functools.lru_cache(maxsize=4)
def _campaign(path: str | None):
    from addin.campaign.settings import load_campaign

    return load_campaign(path or None)


def campaign():
    """The campaign settings UDFs use: ``QM_CAMPAIGN`` (a TOML file) if set, else the packaged default."""
    return _campaign(os.environ.get("QM_CAMPAIGN") or None)


# -- spot-check judgments ----------------------------------------------------------
def _judgment(item, grade, values, spec, design):
    """Judge as ``qm check`` does for the same campaign: the editions in force on its activity start
    and its extra rule files (a 2025 workbook must not cite the 2018 text a checker would not)."""
    from addin.rules.catalogs import campaign_rules
    from addin.rules.judge import judge

    if isinstance(values, (list, tuple)):  # a range of cells: one value per cell, blanks skipped
        values = _flatten(values) or None
    c = campaign()
    return judge(_cell_text(item), _cell_text(grade), values, spec=_cell_text(spec), design=_cell_text(design),
                 on=c.activity_start, rules=campaign_rules(c.rule_files))


@xw.func(category=CATEGORY, namespace=NAMESPACE)
@xw.arg("item", doc="检测项目，如：钢筋下屈服强度、板厚、混凝土回弹强度（与“监督抽测”表的下拉选项相同）")
@xw.arg("grade", doc="牌号或强度等级，如 HRB400E、C30；无则留空")
@xw.arg("values", doc="实测值：一个单元格内用顿号或逗号分隔（如 402、398、415），或选择一行/一列单元格")
@xw.arg("spec", doc="规格：钢筋公称直径（mm）或电线截面（mm²）；无则留空")
@xw.arg("design", doc="设计值（mm），用于保护层厚度、截面尺寸、板厚等；无则留空")
@_cell_safe
def QM_JUDGE(item, grade, values, spec=None, design=None):
    """按国家标准判定一条抽测记录：返回“合格”“不合格”或“需复检”及判定依据，如“不合格（GB/T 1499.2-2018 表6）”。规则库中没有的项目返回“无规则”，数据缺失返回“数据不足”。"""
    j = _judgment(item, grade, values, spec, design)
    return f"{j.result}（{j.basis}）" if j.basis else j.result


@xw.func(category=CATEGORY, namespace=NAMESPACE)
@xw.arg("item", doc="检测项目，如：钢筋下屈服强度、板厚")
@xw.arg("grade", doc="牌号或强度等级，如 HRB400E、C30；无则留空")
@xw.arg("values", doc="实测值：一个单元格内用顿号或逗号分隔，或选择一行/一列单元格")
@xw.arg("spec", doc="规格：钢筋公称直径（mm）或电线截面（mm²）；无则留空")
@xw.arg("design", doc="设计值（mm）；无则留空")
@_cell_safe
def QM_JUDGE_MESSAGE(item, grade, values, spec=None, design=None):
    """返回判定说明：列出实测值、标准限值和不合格的原因（与 QM_JUDGE 的判定相同）。"""
    j = _judgment(item, grade, values, spec, design)
    return j.message or j.result


# -- codes -------------------------------------------------------------------------
@xw.func(category=CATEGORY, namespace=NAMESPACE)
@xw.arg("code", doc="18 位统一社会信用代码（全角、空格和连字符会自动处理）")
@_cell_safe
def QM_CREDIT_CODE_CHECK(code):
    """校验统一社会信用代码（GB 32100-2015）：通过时返回“统一社会信用代码校验通过”，否则说明哪一位有误、校验位应为什么。"""
    from addin.core.idcodes import check_credit_code

    return check_credit_code(_cell_text(code)).message


@xw.func(category=CATEGORY, namespace=NAMESPACE)
@xw.arg("idno", doc="18 位公民身份号码")
@_cell_safe
def QM_ID_CHECK(idno):
    """校验公民身份号码（GB 11643-1999）：检查位数、出生日期和校验位，返回校验结果说明。"""
    from addin.core.idcodes import check_id_number

    return check_id_number(_cell_text(idno)).message


# -- normalisation -----------------------------------------------------------------
@xw.func(category=CATEGORY, namespace=NAMESPACE)
@xw.arg("value", doc="要识别的日期，如 2022年9月15日、9.15、2022/9/15、二〇二二年九月十五日")
@xw.arg("default_year", doc="只写了月、日时使用的年份；留空则使用活动设置中的年份")
@_cell_safe
def QM_DATE(value, default_year=None):
    """把各种写法的日期统一为标准日期（请把单元格设置为日期格式）。无法识别时返回错误说明。"""
    from addin.core.normalize import parse_date

    year = int(default_year) if default_year not in (None, "") else campaign().year
    day = parse_date(_cell_text(value), default_year=year)
    if day is None:
        raise CellError(f"“{_cell_text(value)}”无法识别为日期" if _cell_text(value) is not None else "日期为空")
    return dt.datetime.combine(day, dt.time())


@xw.func(category=CATEGORY, namespace=NAMESPACE)
@xw.arg("value", doc="带单位或全角字符的数值，如 400MPa、３９８、1,234.5、16mm")
@_cell_safe
def QM_NUMBER(value):
    """从文字中取出一个数值（去掉单位、全角转半角、去掉千分位）。含有两个不同数值或没有数值时返回错误说明。"""
    from addin.core.normalize import parse_number

    text = _cell_text(value)
    x = parse_number(text)
    if x is None:
        raise CellError(f"“{text}”无法识别为一个数值" if text is not None else "数值为空")
    return x


# -- contest scoring ---------------------------------------------------------------
@xw.func(category=CATEGORY, namespace=NAMESPACE)
@xw.arg("scores", doc="各评委对同一作品的得分（选择一行或一列单元格，空白单元格不计）")
@xw.arg("min_judges", doc="去掉一个最高分和一个最低分所需的最少评委数；留空则使用活动设置（默认 5）")
@_cell_safe
def QM_TRIMMED_MEAN(scores, min_judges=None):
    """微视频评比的平均分：评委人数达到设定人数时去掉一个最高分和一个最低分后取平均，否则取全部评分的平均。"""
    from addin.contest.scoring import trimmed_mean

    if min_judges in (None, ""):
        min_judges = campaign().contest_rules.trim_min_judges
    return trimmed_mean(_numbers(scores, "评分"), int(min_judges)).mean


@xw.func(category=CATEGORY, namespace=NAMESPACE)
@xw.arg("scores", doc="一位评委对一个作品各项指标的得分（一行或一列）")
@xw.arg("weights", doc="各项指标的权重（与得分一一对应，合计为 1）")
@xw.arg("maxima", doc="各项指标的满分（可选，填写后检查得分是否超出满分）")
@_cell_safe
def QM_WEIGHTED_TOTAL(scores, weights, maxima=None):
    """一位评委对一个作品的加权得分：各项得分 × 权重之和（权重合计应为 1）。"""
    from addin.contest.scoring import weighted_total

    caps = _flatten(maxima) or None
    return weighted_total(_numbers(scores, "得分"), _numbers(weights, "权重"), caps)


# -- complaint rewards ---------------------------------------------------------------
@xw.func(category=CATEGORY, namespace=NAMESPACE)
@xw.arg("level", doc="核查属实的问题等级：一般、较大或重大（按活动设置）")
@xw.arg("real_name", doc="是否实名投诉：是/否；留空按“是”处理")
@xw.arg("verified", doc="核查结果：属实、部分属实、不属实或核查中；留空按“属实”处理")
@xw.arg("as_text", doc="TRUE：返回文字说明（含随机红包范围）；留空或 FALSE：返回额外奖励金额")
@_cell_safe
def QM_REWARD(level, real_name=None, verified=None, as_text=False):
    """按活动设置返回投诉奖励中按问题等级确定的额外奖励金额（元）。随机红包部分不在单元格中计算，在奖励名单中统一抽取；非实名或核查不属实的投诉没有额外奖励。"""
    from addin.campaign.rewards import OUTCOMES, VERIFIED, decide
    from addin.core.normalize import clean_text, parse_yes_no

    rules = campaign().reward_rules
    named = True if _cell_text(real_name) in (None, "") else parse_yes_no(_cell_text(real_name))
    if named is None:
        raise CellError(f"是否实名应填“是”或“否”，填写的是“{_cell_text(real_name)}”")
    checked = clean_text(_cell_text(verified)) or VERIFIED[0]
    if checked not in OUTCOMES:
        raise CellError(f"核查结果应为{'、'.join(OUTCOMES[:-1])}或{OUTCOMES[-1]}，填写的是“{checked}”")
    key = clean_text(_cell_text(level))
    if key is None and checked in VERIFIED:
        raise CellError("问题等级为空")
    if key is not None and key not in rules.extra_by_level:
        raise CellError(f"问题等级“{key}”不在活动设置中（可选：{'、'.join(rules.levels) or '无'}）")
    decision = decide(rules, bool(named), checked, key)
    amount = float(decision.extra)
    if not as_text:
        return amount
    if not named:
        return "非实名投诉，不发放奖励"
    unit = rules.currency
    envelope = (f"{rules.random_min:.2f}～{rules.random_max:.2f} {unit}随机红包，在奖励名单中统一抽取"
                if rules.random_max > 0 else "")
    if checked not in VERIFIED:
        why = "核查中，额外奖励待核查结果" if decision.pending else "核查不属实，无额外奖励"
        return f"{why}；{envelope}" if envelope else why
    extra = f"额外奖励 {amount:g} {unit}"
    return f"{extra}；另有 {envelope}" if envelope else extra


UDFS: tuple[Callable, ...] = (
    QM_JUDGE, QM_JUDGE_MESSAGE, QM_CREDIT_CODE_CHECK, QM_ID_CHECK, QM_DATE,
    QM_NUMBER, QM_TRIMMED_MEAN, QM_WEIGHTED_TOTAL, QM_REWARD,
)


def names() -> Iterable[str]:
    return [f.__name__ for f in UDFS]
