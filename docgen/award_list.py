"""获奖名单: the notice publishing the micro-video awards and the knowledge-contest results.

Built on :class:`docgen.official.OfficialDocument` (GB/T 9704-2012): a short notice with the
results as attachments (附件1 the award-winning videos by award, 附件2 the city ranking and the
top individuals of the knowledge contest).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from addin.contest.scoring import QuizResult, VideoResult
from addin.core.privacy import scrub_published
from docgen.official import OfficialDocument


def _pub(value, *, public_name: bool = False) -> str:
    """Every field of the published list through the one scrubber (issue 17 class 8); winners'
    names are published on purpose, so only the numbers typed with them are masked."""
    return scrub_published(value, public_name=public_name)


def award_list_title(campaign) -> str:
    # two lines of at most 20 characters (2号 on a 156 mm line), the longer one below
    return f"{campaign.authority_short}关于公布{campaign.year}年\n“质量月”微视频评比和知识竞赛结果的通知"


def build_award_list(campaign, video: VideoResult, quiz: QuizResult, date: dt.date,
                     draft: bool = False) -> OfficialDocument:
    doc = OfficialDocument(campaign, draft=draft)      # draft: 草稿 on every page
    year = campaign.year
    doc.title(award_list_title(campaign))
    if campaign.recipient:
        doc.recipient(campaign.recipient)
    tiers = [name for name, _ in (video.rules.award_thresholds or video.rules.award_quota)]
    counts = "、".join(f"{name}{video.award_counts.get(name, 0)}件" for name in tiers)
    ranked = sum(1 for e in video.entries if e.rank is not None)
    people = sum(1 for p in quiz.individuals if p.rank is not None)
    doc.paragraph(
        f"根据《{campaign.notice_title}》（{campaign.doc_number}）安排，我厅组织开展了{year}年“质量月”"
        f"微视频评比和质量知识竞赛。微视频评比共有 {ranked} 件作品参与评分排名，经评委评审、计分复核，"
        f"评出{counts}；质量知识竞赛有 {people} 人取得有效成绩。现将结果予以公布。")
    doc.paragraph("希望获奖单位和个人珍惜荣誉、再接再厉。各地要做好优秀作品的宣传展播，"
                  "进一步弘扬质量文化，营造全社会关注工程质量的良好氛围。")
    names = [f"{year}年“质量月”微视频评比获奖名单", f"{year}年“质量月”质量知识竞赛成绩"]
    doc.attachments(names)
    doc.signature(campaign.authority, date)
    if draft:
        doc.note("本名单所据计分数据尚有错误未处理，仅供核对，不得印发")

    doc.attachment_page("附件1", names[0])
    for tier in tiers:
        winners = [e for e in video.entries if e.award == tier]
        doc.heading1(f"{tier}（{len(winners)}件）")
        if winners:
            doc.table(["序号", "作品名称", "报送单位", "作者", "得分"],
                      [[i, _pub(e.entry.title), _pub(e.entry.unit), _pub(e.entry.author, public_name=True), e.final_text]
                       for i, e in enumerate(winners, 1)],
                      widths_mm=[12, 52, 50, 22, 20])
        else:
            doc.paragraph("无。")
    doc.paragraph("注：得分为去掉一个最高分和一个最低分后的平均分（有效评分不足"
                  f"{video.rules.trim_min_judges}个的取全部有效评分的平均），保留{video.rules.decimals}位小数；同一奖项内按名次排列。")

    doc.attachment_page("附件2", names[1])
    n = quiz.rules.city_top_n
    doc.heading1("各市成绩排名")
    doc.table(["名次", "城市", "参赛人数", f"前{n}名平均分"],
              [[c.rank if c.rank is not None else "—", c.city, c.participants, c.final_text or "—"] for c in quiz.cities],
              widths_mm=[18, 40, 36, 40])
    top = quiz.rules.publish_top_n
    if top > 0:
        best = [p for p in quiz.individuals if p.rank is not None and p.rank <= top]
        doc.heading1(f"个人成绩前{top}名")
        if best:
            doc.table(["名次", "姓名", "所在单位", "城市", "总成绩"],
                      [[p.rank, _pub(p.participant.name, public_name=True), _pub(p.participant.unit),
                        _pub(p.participant.city), p.final_text] for p in best],
                      widths_mm=[16, 22, 70, 22, 24])
        else:
            doc.paragraph("无。")
    doc.paragraph("注：" + quiz.rules.summary())
    return doc


def write_award_list(campaign, video: VideoResult, quiz: QuizResult, path: str | Path,
                     date: dt.date | None = None, draft: bool = False) -> Path:
    """Write 获奖名单.docx atomically; return its path."""
    return build_award_list(campaign, video, quiz, date or dt.date.today(), draft).save(path)
