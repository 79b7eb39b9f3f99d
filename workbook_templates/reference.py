"""The 参考判定 column of the spot-check sheet: a limits table generated from the rule catalog
(on the hidden 字典 sheet) and the native formula that applies it to one row.

Split out of builder.py (issue 14).
"""
from __future__ import annotations

import datetime as dt

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname

from workbook_templates.contract import DICT_SHEET, Sheet
from workbook_templates.style import FONT

ANY_GRADE = "（任意）"
_MAX_VALUES = 20   # measured values one 参考判定 formula reads; more are left to the tool
# items whose limit depends on more than item, grade and spec: left to the tool
_REFERENCE_EXCLUDED = {"电线导体电阻": "导体电阻限值随导体种类（型号）而定"}
REFERENCE_HELP = ("按“判定”规则库中单一限值的项目（钢筋强度、最大力总延伸率、强屈比、超屈比、重量偏差等），"
                  "由实测值和牌号、规格自动给出参考判定，供填写“判定”时对照；"
                  "断后伸长率（按直径折减）、电线导体电阻（随导体种类而定）、保护层厚度、回弹强度、砂浆强度等"
                  "显示“由工具判定”，以质量月助手复核为准。实测值含单位、全角数字或超过 20 个时也显示“由工具判定”。")


def reference_limits(on: dt.date | None = None) -> list[tuple]:
    """Rows of the 参考判定 limits table, generated from the rule catalog (addin.rules.judge).

    Only rules a formula can apply exactly as the judge does: every value within a minimum and/or
    maximum chosen by item, grade and a spec band — no spec-dependent reduction, no other inputs —
    in force on ``on`` (the campaign's start: the edition the judge uses) and confirmed (a rule
    whose limits are unconfirmed gives 需人工判定, which a formula must not turn into a verdict).
    """
    from addin.rules.judge import catalog

    rows = []
    for rule in catalog():
        if not rule.in_force(on) or rule.unconfirmed:
            continue
        if rule.method not in ("min_each", "max_each", "range_each") or rule.spec_adjust:
            continue
        if rule.item in _REFERENCE_EXCLUDED or rule.band.spec_over is not None:
            continue
        lo_band = float(rule.band.spec_min) if rule.band.spec_min is not None else -1e9
        hi_band = float(rule.band.spec_max) if rule.band.spec_max is not None else 1e9
        for grade in (rule.grades or (None,)):
            lo = rule.limit("min", grade) if rule.method != "max_each" else None
            hi = rule.limit("max", grade) if rule.method != "min_each" else None
            if (rule.method != "max_each" and lo is None) or (rule.method != "min_each" and hi is None):
                continue
            rows.append((rule.item, grade or ANY_GRADE, lo_band, hi_band,
                         float(lo) if lo is not None else -1e9, float(hi) if hi is not None else 1e9, rule.basis))
    return rows


class ReferenceJudgment:
    """Mixin of the workbook builder: needs ``self.campaign``; sets ``self.limit_ranges``."""

    def _limits_table(self, ws, first: int) -> None:
        """The single-limit rules of the catalog, for the 参考判定 formulas: item, grade, spec band, limits."""
        heads = ("判定项目", "牌号", "规格下限", "规格上限", "下限", "上限", "依据")
        for i, h in enumerate(heads):
            ws.cell(1, first + i, h).font = Font(name=FONT, bold=True)
        rows = reference_limits(self.campaign.activity_start)
        for r, row in enumerate(rows, 2):
            for i, v in enumerate(row):
                ws.cell(r, first + i, v)
        last = max(2, len(rows) + 1)
        self.limit_ranges = {h: f"{quote_sheetname(DICT_SHEET)}!${get_column_letter(first + i)}$2:${get_column_letter(first + i)}${last}"
                             for i, h in enumerate(heads)}

    def _reference_formula(self, sheet: Sheet, r: int) -> str:
        """参考判定 of row r: 合格/不合格 from the limits table when every value can be read, else 由工具判定."""
        L = {c.key: get_column_letter(i) for i, c in enumerate(sheet.columns, 1)}
        item, grade, spec, measured = (f"{L[k]}{r}" for k in ("item", "grade", "spec", "measured"))
        lim = self.limit_ranges
        g = f'UPPER(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(TRIM({grade})," ",""),"-",""),"_",""),"·",""))'
        d = f"IFERROR(--TRIM({spec}),-1)"
        crit = f'{lim["判定项目"]},TRIM({item}),{lim["规格下限"]},"<="&{d},{lim["规格上限"]},">="&{d}'

        def pick(fn: str, col: str) -> str:
            pre = f"{lim[col]}," if col else ""
            return (f'({fn}({pre}{crit},{lim["牌号"]},{g})+{fn}({pre}{crit},{lim["牌号"]},"{ANY_GRADE}"))')

        norm = f"TRIM({measured})"
        for sep in ("，", ",", "；", ";", "/", " "):
            norm = f'SUBSTITUTE({norm},"{sep}","、")'
        strip = norm
        for ch in "0123456789.-、":
            strip = f'SUBSTITUTE({strip},"{ch}","")'
        minus = f'(LEN({norm})-LEN(SUBSTITUTE({norm},"-","")))'
        minus_lead = f'(LEN("、"&{norm})-LEN(SUBSTITUTE("、"&{norm},"、-","")))/2'
        seps = f'(LEN({norm})-LEN(SUBSTITUTE({norm},"、","")))'
        parts = "{" + ",".join(str(k * 99 + 1) for k in range(_MAX_VALUES)) + "}"
        part = f'TRIM(MID(SUBSTITUTE({norm},"、",REPT(" ",99)),{parts},99))'
        n_text = f"SUMPRODUCT(--(LEN({part})>0))"
        n_num = f"SUMPRODUCT(--ISNUMBER(--{part}))"
        lo, hi = pick("SUMIFS", "下限"), pick("SUMIFS", "上限")
        fails = f"SUMPRODUCT(--ISNUMBER(1/(((--{part})<{lo})+((--{part})>{hi}))))"
        unreadable = (f"OR(LEN({strip})>0,{minus}<>{minus_lead},{seps}>={_MAX_VALUES},{n_num}<>{n_text},{n_num}=0)")
        return (f'=IF(OR(LEN(TRIM({item}))=0,LEN(TRIM({measured}))=0),"",'
                f'IF({pick("COUNTIFS", "")}<>1,"由工具判定",IF({unreadable},"由工具判定",'
                f'IF({fails}>0,"不合格","合格"))))')
