"""投诉奖励名册 (notice, activity 七): a random red envelope for every real-name complaint, plus an
extra reward by problem level for real-name complaints verified 属实 or 部分属实.

The envelopes are drawn with ``random.Random(seed)`` (Mersenne Twister; the document says so in
Chinese) in the roster's order (city code,
complaint number, source row), uniformly between rewards.random_min and random_max, rounded
to the fen. The seed is printed in the document so anyone can redraw and check the amounts;
by default it is the first 8 hex digits of sha256(campaign.id). Names and phones are masked.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import Decimal
from pathlib import Path

from addin.campaign.rewards import cents, decide
from addin.core.privacy import mask_name, mask_phone
from docgen._data import fmt_money, frame, is_yes, num, sort_by_city, text
from docgen.official import OfficialDocument


def default_seed(campaign) -> int:
    return int(hashlib.sha256(str(campaign.id).encode("utf-8")).hexdigest()[:8], 16)


def compute_roster(c, seed: int | None = None) -> tuple[int, list[dict]]:
    """(seed, rows): one row per complaint, in roster order, with the amounts drawn."""
    camp = c.campaign
    seed = default_seed(camp) if seed is None else int(seed)
    rules = camp.reward_rules
    lo, hi = float(rules.random_min), float(rules.random_max)
    df = frame(c, "complaints", ["no", "real_name", "complainant", "phone", "verified", "level", "reward",
                                 "city", "city_code", "source_row"])
    rng = random.Random(seed)
    rows = []
    for i, (_, r) in enumerate(sort_by_city(df, c, "no", "source_row").iterrows(), 1):
        real = is_yes(r.get("real_name"))
        verified, level = text(r.get("verified")), text(r.get("level"))
        decision = decide(rules, real, verified, level)
        envelope = cents(rng.uniform(lo, hi)) if decision.envelope else Decimal("0.00")
        extra, note = decision.extra, decision.note
        rows.append({
            "seq": i,
            "city": text(r.get("city")),
            "city_code": text(r.get("city_code")),
            "no": text(r.get("no")),
            "complainant": mask_name(r.get("complainant")) if real else "匿名",
            "phone": mask_phone(r.get("phone")),
            "real_name": real,
            "verified": verified,
            "level": level,
            "random": float(envelope),
            "extra": float(extra),
            "total": float(envelope + extra),
            "reported": num(r.get("reward")),
            "note": note,
        })
    return seed, rows


def build_reward_roster(c, out_path, seed: int | None = None, *, date: dt.date | None = None,
                        fonts: dict | None = None, draft: bool = False) -> tuple[Path, list[dict]]:
    """The roster (.docx) and its rows (list of dicts: seq, city, no, complainant, phone,
    real_name, verified, level, random, extra, total, reported, note).

    The roster is published: an error-level finding on the 投诉 sheet stops it
    (NotPublishable) unless ``draft``, which writes it with 草稿 on every page."""
    from docgen.exposure import NotPublishable, error_findings

    camp = c.campaign
    problems = error_findings(c, "complaints")
    if problems and not draft:
        shown = "；".join(problems[:8]) + (f"；等{len(problems)}处" if len(problems) > 8 else "")
        raise NotPublishable(f"投诉奖励名册用于公开发布，投诉记录中有错误未处理：{shown}。"
                             "请修正后重新汇总，或加 --draft 生成每页标注“草稿”的核对稿")
    seed, rows = compute_roster(c, seed)
    rules = camp.reward_rules
    unit = rules.currency
    lo, hi = float(rules.random_min), float(rules.random_max)
    levels = "、".join(f"{k}{fmt_money(v).removesuffix('.00')}{unit}" for k, v in rules.extra_by_level.items())
    envelopes = [r for r in rows if r["real_name"]]
    extras = [r for r in rows if r["extra"] > 0]
    sum_env = sum(Decimal(str(r["random"])) for r in rows)
    sum_extra = sum(Decimal(str(r["extra"])) for r in rows)
    sum_all = sum_env + sum_extra
    reported = sum(Decimal(str(r["reported"])) for r in rows)

    doc = OfficialDocument(camp, fonts, draft=draft)
    doc.title(f"{camp.year}年“质量月”工程质量投诉奖励名册")
    notice = f"《{camp.notice_title}》（{camp.doc_number}）" if camp.notice_title else f"（{camp.doc_number}）"
    doc.paragraph(
        f"根据{notice}第（七）项，对在投诉处理系统实名登记投诉信息的随机发放微信红包奖励，对确认属实的投诉事由，"
        f"依据问题大小给予额外奖励。随机红包金额在{lo:.2f}～{hi:.2f}{unit}之间，由程序以随机种子{seed}"
        f"按本名册顺序对实名投诉逐笔抽取（梅森旋转伪随机数算法，在上述区间内均匀抽取，四舍五入到分），"
        f"以同一随机种子按同一顺序重新抽取即得相同金额，可据此复核；"
        f"额外奖励按核查属实（含部分属实）的问题等级确定：{levels or '未设置'}。"
    )
    doc.paragraph(
        f"本名册共列投诉{len(rows)}件，其中实名投诉{len(envelopes)}件。发放随机红包{len(envelopes)}笔，"
        f"合计{sum_env:.2f}{unit}；额外奖励{len(extras)}笔，合计{sum_extra:.2f}{unit}；奖励总计{sum_all:.2f}{unit}。"
        f"各市填报的奖励金额合计{reported:.2f}{unit}，仅供核对。投诉人姓名、电话已作脱敏处理。"
    )
    table_rows = [
        [r["seq"], r["city"], r["no"], r["complainant"], r["phone"] or "—",
         "／".join(x for x in (r["verified"], r["level"]) if x) or "—",
         fmt_money(r["random"]), fmt_money(r["extra"]), fmt_money(r["total"]), r["note"]]
        for r in rows
    ]
    table_rows.append(["合计", "", "", "", "", "", f"{sum_env:.2f}", f"{sum_extra:.2f}", f"{sum_all:.2f}", ""])
    doc.table(["序号", "城市", "投诉编号", "投诉人", "联系电话", "核查结果／问题等级", "随机红包（元）",
               "额外奖励（元）", "合计（元）", "备注"],
              table_rows, widths_mm=[7, 12, 29, 10, 20, 14, 14, 16, 16, 18], font_size_pt=9, total_row=True)
    doc.signature(camp.authority, date or dt.date.today())
    return doc.save(out_path), rows
