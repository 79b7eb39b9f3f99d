"""活动开展情况 of the activity report: one method per activity of the notice, (一) to (八), with the
spot-check chart and the batch trace. Split out of report.py (issue 14) so that a paragraph added
to one activity touches one short method.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from addin.consolidate.model import CityStatus
from docgen._data import FAIL, PASS, fmt_int, fmt_pct, join_names, num, rate, sort_by_city, text
from docgen.charts import pass_rate_chart


def breakdown(pairs, unit: str) -> str:
    return "、".join(f"{k}{v}{unit}" for k, v in pairs)


class ActivitySections:
    """Mixin of the report: needs ``self.doc``, ``self.L`` (the figures ledger), ``self.c``, ``self.camp``,
    ``self.city``, ``self.actors``, ``self.tmp``, ``self.n``/``self.money``/``self.pass_rate``/``self.city_info``."""

    def act_publicity(self):
        """(一) publicity."""
        d = self.doc
        L = self.L
        d.heading2("开展工程建设质量主题宣讲")
        t = (f"{self.actors}围绕活动主题，以工程质量法律法规、技术标准为主要内容，开展质量宣传宣讲活动"
             f"{self.n('publicity_events')}场，参与{self.n('publicity_participants')}人次，发布宣传信息"
             f"{self.n('publicity_items')}条。")
        forms = L["publicity_by_form"]
        if forms:
            t += f"按形式分，{breakdown(forms, '场')}"
            if L["publicity_form_invalid"]:
                t += f"，另有{self.n('publicity_form_invalid')}场所填形式不在规定选项内（校验列为错误），计入总场次、未计入分类"
            t += "。"
        if L["publicity_online"]:
            t += f"其中通过官方网站、微信公众号、短视频等线上渠道开展宣传{self.n('publicity_online')}场。"
        d.paragraph(t)

    def act_tours(self):
        """(二) tours."""
        d = self.doc
        L = self.L
        d.heading2("树立行业标杆，引领工程质量标准化建设")
        items = L["tour_methods"]
        t = (f"{self.actors}组织开展工程质量标准化示范观摩活动{self.n('tours_events')}场，参加"
             f"{self.n('tours_participants')}人次")
        t += f"，推广{'、'.join(items)}等工艺工法{len(items)}项。" if items else "。"
        d.paragraph(t)

    def act_manual(self):
        """(三) manual."""
        d = self.doc
        d.heading2("进一步推广工程质量安全手册")
        t = f"{self.actors}形成工程质量安全手册示范企业和项目{self.n('manual_demo')}个"
        t += (f"，督促{self.n('manual_firms')}家施工、监理企业编制企业工程质量安全手册，其中已编制"
              f"{self.n('manual_compiled')}家；将手册学习贯彻纳入检查{self.n('manual_in_inspection')}个（家）。")
        d.paragraph(t)

    def act_videos_quiz(self):
        """(四) videos and quiz."""
        d = self.doc
        d.heading2("组织开展“微视频”评比和知识竞赛")
        d.paragraph(f"{self.actors}组织施工、监理企业报送微视频作品{self.n('videos')}件，组织"
                    f"{self.n('quiz_participants')}人参加工程质量知识竞赛，其中参加线上竞赛{self.n('quiz_online')}人次、"
                    f"线下竞赛{self.n('quiz_offline')}人次。")
        self.quiz_analysis()

    def act_spot_checks(self):
        """(五) spot checks."""
        d = self.doc
        L = self.L
        d.heading2("加强质量监督抽测")
        t = (f"{self.actors}以工程实体质量和主要建筑材料为重点，监督抽测工程{self.n('spot_projects')}个、"
             f"{self.n('spot_items')}项次。经按标准复核，合格{self.n('spot_pass')}项次，不合格{self.n('spot_fail')}项次，"
             f"需复检{self.n('spot_recheck')}项次")
        if L["spot_unjudged"]:
            t += f"，无法按规则库复核{self.n('spot_unjudged')}项次（已列入校验问题）"
        t += (f"，抽测合格率{fmt_pct(self.pass_rate)}（合格项次÷（合格项次＋不合格项次））。对不合格的结构和产品"
              f"下发整改通知书{self.n('notices')}份，立案查处{self.n('cases_filed')}起，具体见本报告第"
              f"{'四' if not self.city else '三'}部分。")
        d.paragraph(t)
        self.chart()
        self.batch_trace()

    def act_exposure(self):
        """(六) exposure."""
        d = self.doc
        L = self.L
        d.heading2("曝光典型问题工程")
        t = (f"{self.actors}在{self.camp.authority}网站曝光典型问题工程{self.n('exposures')}个、"
             f"质量问题{self.n('exposure_items')}条")
        if not self.city and "exposures" in self.c.stats.columns:
            by_city = [(text(r["city"]), fmt_int(r["exposures"])) for _, r in sort_by_city(self.c.stats, self.c).iterrows()
                       if num(r.get("exposures"))]
            if by_city:
                t += f"（按工程计，{breakdown(by_city, '个')}）"
        if L["exposure_items"]:
            t += f"，其中{self.n('exposure_cited')}条注明了所违反规范的名称及具体条文"
        d.paragraph(t + "。")

    def act_complaints(self):
        """(七) complaints."""
        d = self.doc
        L = self.L
        d.heading2("完善质量投诉处理机制")
        if self.city:
            officer = bool(text(self.city_info().get("complaint_officer")))
            t = "我局已明确投诉处理专人，" if officer else "本市报送表未填报投诉处理专人，"
            self.L["complaint_officers"]
        else:
            t = f"{self.n('cities_reported')}个报送市中{self.n('complaint_officers')}个明确了投诉处理专人。{self.actors}"
        t += (f"受理工程质量投诉{self.n('complaints')}件，其中实名投诉{self.n('complaints_real')}件；"
              f"经核查属实（含部分属实）{self.n('complaints_verified')}件，尚在核查{self.n('complaints_pending')}件。"
              f"填报已发放投诉奖励{self.n('rewards_paid')}件，金额{self.money('reward_total')}元")
        if not self.city:
            r = L["reward_roster"]
            diff = r.total - Decimal(str(L["reward_total"]))
            t += (f"；按奖励规则核算（见投诉奖励名册），应发随机红包{r.envelopes}笔、额外奖励{r.extras}笔，"
                  f"合计{r.total:.2f}元")
            t += f"，与填报已发放金额相差{abs(diff):.2f}元，需核对后补发或说明。" if diff else "，与填报已发放金额一致。"
        else:
            t += "。"
        d.paragraph(t)

    def act_appraisal(self):
        """(八) appraisal."""
        d = self.doc
        d.heading2("加强自建房屋安全鉴定管理")
        d.paragraph(
            f"{self.actors}组织引导自建房屋产权人开展房屋安全鉴定{self.n('appraisals')}栋，其中A级"
            f"{self.n('appraisal_a')}栋、B级{self.n('appraisal_b')}栋、C级{self.n('appraisal_c')}栋、D级"
            f"{self.n('appraisal_d')}栋，C级、D级房屋已采取处理措施{self.n('appraisal_cd_handled')}栋；涉及鉴定机构"
            f"{self.n('agencies')}家，发现机构资质或人员资格不符合要求的鉴定{self.n('appraisal_unqualified')}栋，"
            f"认定不良行为记录{self.n('bad_records')}条。"
        )

    def batch_trace(self):
        """The non-conforming material batches and the other sites that used them, named."""
        L = self.L
        if not L["trace_batches"]:
            return
        t = (f"对不合格建筑材料追溯产品源头，涉及生产厂家{self.n('trace_makers')}家、批次{self.n('trace_batches')}个。")
        shared = [b for b in L.batches if b.used_at]
        if not shared:
            t += "各不合格批次均未发现在其他抽测工地使用。"
        else:
            L["trace_shared_batches"], L["trace_other_sites"]
            parts = []
            for b in shared:
                failed = join_names(dict.fromkeys(city for city, _ in b.failed_at))
                used = "、".join(proj if proj.startswith(city) else f"{city}{proj}" for city, proj in b.used_at)
                parts.append(f"{b.manufacturer}生产的批号{b.batch}产品在{failed}抽测不合格，同批次产品还用于{used}"
                             f"（{len(b.used_at)}个工地）")
            others = len({s for b in shared for s in b.used_at})
            t += (f"其中{len(shared)}个批次在不合格工地以外还有使用，涉及其他工地{others}个：{'；'.join(parts)}。"
                  "已将同批次使用情况列入汇总表“批次追溯”，由所在市督促开展自查自纠。")
        self.doc.paragraph(t)

    def chart(self):
        """Pass rate by city (province) or by 检测项目 (city)."""
        if self.city:
            sp = self.L.frame("spotcheck")
            if sp.empty or "item" not in sp.columns:
                return
            labels, rates = [], []
            for item, g in sp.groupby(sp["item"].map(text), sort=True):
                j = g["judgment"].map(text) if "judgment" in g else pd.Series(dtype=str)
                labels.append(item)
                rates.append(rate(float((j == PASS).sum()), float((j == FAIL).sum())))
            title = f"{self.city}监督抽测合格率（按检测项目）"
            notes = None
        else:
            st = self.c.stats
            labels, rates, notes = [], [], []
            for _, r in sort_by_city(st, self.c).iterrows():
                labels.append(text(r.get("city")).removesuffix("市") or text(r.get("city")))
                rates.append(rate(num(r.get("spot_pass")), num(r.get("spot_fail"))))
                notes.append(CityStatus.MISSING if text(r.get("status")) == CityStatus.MISSING else "无数据")
            title = "各市监督抽测合格率"
        if not labels:
            return
        png = pass_rate_chart(labels, rates, self.tmp / "pass_rate.png", title, notes=notes)
        self.doc.image(png, width_mm=150, caption=f"图1 {title}")

