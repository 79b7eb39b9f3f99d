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
from decimal import Decimal
from pathlib import Path

from addin.consolidate.figures import Ledger, default_seed, roster_rows, roster_totals  # noqa: F401  (default_seed: re-exported)
from docgen._data import fmt_money, for_publication, frame
from docgen.official import OfficialDocument


def compute_roster(c, seed: int | None = None) -> tuple[int, list[dict]]:
    """(seed, rows): one row per complaint, in roster order, with the amounts drawn (the figures
    ledger's definition: addin.consolidate.figures.roster_rows)."""
    return roster_rows(c.campaign, frame(c, "complaints"), seed)


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
    seed, rows = compute_roster(for_publication(c), seed)   # every field through the one scrubber
    rules = camp.reward_rules
    unit = rules.currency
    lo, hi = float(rules.random_min), float(rules.random_max)
    levels = "、".join(f"{k}{fmt_money(v).removesuffix('.00')}{unit}" for k, v in rules.extra_by_level.items())
    tot = roster_totals(seed, rows)
    sum_env, sum_extra, sum_all = tot.envelope_total, tot.extra_total, tot.total
    # what the cities recorded as paid: the ledger's rewards_paid / reward_total (sheet 概况), the
    # figures the reports print
    ledger = Ledger(c)
    n_paid, reported = ledger["rewards_paid"], Decimal(f"{ledger['reward_total']:.2f}")

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
        f"本名册共列投诉{tot.complaints}件，其中实名投诉{tot.envelopes}件。按上述规则核算：随机红包{tot.envelopes}笔，"
        f"合计{sum_env:.2f}{unit}；额外奖励{tot.extras}笔，合计{sum_extra:.2f}{unit}；应发总计{sum_all:.2f}{unit}。"
        f"各市填报已发放奖励{n_paid}件，合计{reported:.2f}{unit}（非实名投诉填报的奖励不计入），"
        + (f"与核算应发总计相差{abs(sum_all - reported):.2f}{unit}，需核对后补发或说明。" if sum_all != reported
           else "与核算应发总计一致。")
        + "投诉人姓名、电话已作脱敏处理。"
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
