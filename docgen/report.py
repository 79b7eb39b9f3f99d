"""The activity report (报告): the province's to its superior, or a city's to the province.

It follows the notice: the eight activities 一–八 in order, then how the four 工作要求 were
met. Every figure is computed from the consolidated data (``c.stats``, ``c.frames``,
``c.totals()``, ``c.nonconforming``); no number is typed into the text.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd

from addin.campaign.rewards import PENDING
from addin.consolidate.model import CityStatus
from docgen._data import (
    FAIL, PASS, as_date, count_yes, fmt_int, fmt_money, fmt_pct, frame, is_missing,
    is_yes, join_names, num, rate, sort_by_city, text,
)
from docgen.charts import pass_rate_chart
from docgen.official import OfficialDocument, chinese_date

ONLINE_CHANNELS = ("官方网站", "微信公众号", "短视频", "广告屏")
NUMERIC_STATS = (
    "publicity_events", "publicity_participants", "publicity_items", "tours_events", "tours_participants",
    "manual_demo", "manual_compiled", "manual_in_inspection", "videos", "quiz_participants",
    "spot_projects", "spot_items", "spot_pass", "spot_fail", "spot_recheck", "notices", "cases_filed",
    "exposures", "complaints", "complaints_verified", "rewards_paid", "reward_total", "appraisals",
    "appraisal_a", "appraisal_b", "appraisal_c", "appraisal_d", "agencies", "bad_records",
)


def region_word(province: str) -> str:
    """全区 for an autonomous region, 全省 for a province, 全市 for a municipality."""
    if province.endswith("自治区"):
        return "全区"
    if province.endswith("市"):
        return "全市"
    return "全省"


def report_title(c, city: str | None = None) -> str:
    camp = c.campaign
    if city:
        return f"关于{city}{camp.year}年房屋市政工程“质量月”活动开展情况的报告"
    return f"关于{camp.year}年{region_word(camp.province)}房屋市政工程“质量月”活动开展情况的报告"


def _city_frames(c, city: str | None) -> dict[str, pd.DataFrame]:
    keys = set((c.frames or {}).keys()) | {"publicity", "tours", "manual", "videos", "quiz", "spotcheck",
                                            "exposure", "complaints", "appraisal"}
    out = {}
    for k in keys:
        df = frame(c, k)
        if city and not df.empty and "city" in df.columns:
            df = df[df["city"] == city]
        out[k] = df
    return out


def _figures(c, city: str | None) -> dict[str, float]:
    """Key figures: the campaign totals, or one city's row of c.stats."""
    if city is None:
        t = c.totals()
        return {k: num(t.get(k)) for k in NUMERIC_STATS}
    row = c.stats[c.stats["city"] == city]
    if row.empty:
        return {k: 0.0 for k in NUMERIC_STATS}
    r = row.iloc[0]
    return {k: num(r.get(k)) for k in NUMERIC_STATS}


def _counts(series: pd.Series, order: tuple[str, ...] | None = None) -> list[tuple[str, int]]:
    cnt = Counter(text(v) for v in series if text(v))
    keys = [k for k in (order or ()) if k in cnt] + sorted(k for k in cnt if not order or k not in order)
    return [(k, cnt[k]) for k in keys]


def _breakdown(pairs: list[tuple[str, int]], unit: str) -> str:
    return "、".join(f"{k}{v}{unit}" for k, v in pairs)


class _Report:
    def __init__(self, c, city: str | None, doc: OfficialDocument, tmpdir: Path):
        self.c, self.city, self.doc, self.tmp = c, city, doc, tmpdir
        self.camp = c.campaign
        self.f = _figures(c, city)
        self.fr = _city_frames(c, city)
        self.region = "我市" if city else region_word(self.camp.province)
        self.actors = "我市" if city else "各地"

    # -- helpers -------------------------------------------------------------------------
    def n(self, key: str) -> str:
        return fmt_int(self.f.get(key, 0))

    @property
    def pass_rate(self) -> float:
        return rate(self.f["spot_pass"], self.f["spot_fail"])

    # -- sections ------------------------------------------------------------------------
    def opening(self, as_of: dt.date):
        camp, d = self.camp, self.doc
        s, e = camp.activity_start, camp.activity_end
        notice = f"《{camp.notice_title}》（{camp.doc_number}）" if camp.notice_title else f"{camp.authority}通知（{camp.doc_number}）"
        period = f"{s.month}月{s.day}日至{e.month}月{e.day}日"
        if self.city:
            d.paragraph(f"根据{notice}要求，{period}，我局围绕“{camp.theme}”主题，在全市组织开展了房屋市政工程"
                        "“质量月”活动。现将活动开展情况报告如下：")
            return
        n_all = len(camp.cities)
        n_missing = len(self.c.missing_cities)
        n_late = len(self.c.late_cities)
        n_reported = n_all - n_missing
        late = f"（其中逾期报送{n_late}个）" if n_late else ""
        d.paragraph(
            f"根据{notice}部署，{period}，{self.region}各级住房城乡建设主管部门围绕“{camp.theme}”主题，"
            f"组织开展了房屋市政工程“质量月”活动。截至{chinese_date(as_of)}，{self.region}{n_all}个设区市中"
            f"已有{n_reported}个市报送活动开展情况{late}，{n_missing}个市未报送。现将有关情况报告如下："
        )

    def overview(self):
        d = self.doc
        d.heading1("总体情况")
        d.paragraph(
            f"“质量月”活动期间，{self.region}共开展质量宣传宣讲活动{self.n('publicity_events')}场，"
            f"组织工程质量标准化示范观摩{self.n('tours_events')}场，监督抽测工程{self.n('spot_projects')}个、"
            f"{self.n('spot_items')}项次，抽测合格率{fmt_pct(self.pass_rate)}，下发整改通知书{self.n('notices')}份，"
            f"立案查处{self.n('cases_filed')}起，曝光典型问题工程{self.n('exposures')}个，受理工程质量投诉"
            f"{self.n('complaints')}件，开展自建房屋安全鉴定{self.n('appraisals')}栋。"
        )

    def activities(self):
        d, fr = self.doc, self.fr
        d.heading1("活动开展情况")

        # (一) publicity
        d.heading2("开展工程建设质量主题宣讲")
        pub = fr["publicity"]
        forms = _counts(pub["form"], ("专题讲座", "学习培训", "宣传资料", "悬挂标语", "咨询活动", "线上宣传", "其他")) if "form" in pub else []
        channels = _counts(pub["channel"], ("官方网站", "微信公众号", "短视频", "广告屏", "报刊", "现场", "其他")) if "channel" in pub else []
        text_ = (f"{self.actors}围绕活动主题，以工程质量法律法规、技术标准为主要内容，开展质量宣传宣讲活动"
                 f"{self.n('publicity_events')}场，参与{self.n('publicity_participants')}人次，发布宣传信息"
                 f"{self.n('publicity_items')}条。")
        if forms:
            text_ += f"按形式分，{_breakdown(forms, '场')}；"
        if channels:
            text_ += f"按渠道分，{_breakdown(channels, '场')}。"
        d.paragraph(text_.rstrip("；") + ("" if text_.endswith("。") else "。"))

        # (二) tours
        d.heading2("树立行业标杆，引领工程质量标准化建设")
        tours = fr["tours"]
        methods = [m for m in (tours["methods"] if "methods" in tours else []) if text(m)]
        items = sorted({x.strip() for m in methods for x in text(m).replace("，", "、").replace(",", "、").split("、") if x.strip()})
        t = (f"{self.actors}组织开展工程质量标准化示范观摩活动{self.n('tours_events')}场，参加"
             f"{self.n('tours_participants')}人次")
        t += f"，推广{'、'.join(items)}等工艺工法{len(items)}项。" if items else "。"
        d.paragraph(t)

        # (三) manual
        d.heading2("进一步推广工程质量安全手册")
        man = fr["manual"]
        kinds = _counts(man["kind"], ("示范企业", "示范项目", "企业手册（施工）", "企业手册（监理）")) if "kind" in man else []
        demo = [(k, v) for k, v in kinds if k in ("示范企业", "示范项目")]
        t = f"{self.actors}形成工程质量安全手册示范企业和项目{self.n('manual_demo')}个"
        if demo:
            t += f"（{_breakdown(demo, '个')}）"
        t += (f"，督促{self.n('manual_compiled')}家施工、监理企业编制企业工程质量安全手册，"
              f"将手册学习贯彻纳入检查{self.n('manual_in_inspection')}个（家）。")
        d.paragraph(t)

        # (四) videos and quiz
        d.heading2("组织开展“微视频”评比和知识竞赛")
        quiz = fr["quiz"]
        online = int(sum(not is_missing(v) for v in quiz["online"])) if "online" in quiz else 0
        offline = int(sum(not is_missing(v) for v in quiz["offline"])) if "offline" in quiz else 0
        d.paragraph(f"{self.actors}组织施工、监理企业报送微视频作品{self.n('videos')}件，组织"
                    f"{self.n('quiz_participants')}人参加工程质量知识竞赛，其中参加线上竞赛{online}人次、"
                    f"线下竞赛{offline}人次。")

        # (五) spot checks
        d.heading2("加强质量监督抽测")
        d.paragraph(
            f"{self.actors}以工程实体质量和主要建筑材料为重点，监督抽测工程{self.n('spot_projects')}个、"
            f"{self.n('spot_items')}项次。经按标准复核，合格{self.n('spot_pass')}项次，不合格{self.n('spot_fail')}项次，"
            f"需复检{self.n('spot_recheck')}项次，抽测合格率{fmt_pct(self.pass_rate)}（合格项次÷（合格项次＋不合格项次），"
            f"需复检项次不计入）。对不合格的结构和产品下发整改通知书{self.n('notices')}份，立案查处"
            f"{self.n('cases_filed')}起，具体见本报告第{'四' if not self.city else '三'}部分。"
        )
        self.chart()
        trace = getattr(self.c, "batch_trace", None)
        if trace is not None and not trace.empty and {"manufacturer", "batch"} <= set(trace.columns):
            if self.city and "city" in trace.columns:
                trace = trace[trace["city"] == self.city]
            if not trace.empty:
                batches = trace[["manufacturer", "batch"]].drop_duplicates()
                sites = trace[["project"]].drop_duplicates() if "project" in trace.columns else trace
                d.paragraph(f"对不合格建筑材料追溯产品源头，涉及生产厂家{batches['manufacturer'].nunique()}家、"
                            f"批次{len(batches)}个，使用同批次产品的工地{len(sites)}个，已督促开展自查自纠。")

        # (六) exposure
        d.heading2("曝光典型问题工程")
        exp = fr["exposure"]
        t = f"{self.actors}在{self.camp.authority}网站曝光典型问题工程{self.n('exposures')}个"
        if not self.city and not exp.empty and "city" in exp.columns:
            by_city = _counts(sort_by_city(exp, self.c)["city"], tuple(ci.name for ci in self.camp.cities))
            t += f"（{_breakdown(by_city, '个')}）"
        with_photo = int(sum(bool(text(p)) for p in exp["photos"])) if "photos" in exp else 0
        t += f"，其中附照片的{with_photo}个，均注明所违反规范的名称及具体条文。" if len(exp) else "。"
        d.paragraph(t)

        # (七) complaints
        d.heading2("完善质量投诉处理机制")
        cp = fr["complaints"]
        real = count_yes(cp, "real_name")
        pending = int(sum(text(v) == PENDING for v in cp["verified"])) if "verified" in cp else 0
        d.paragraph(
            f"{self.actors}明确专人负责质量投诉处理，受理工程质量投诉{self.n('complaints')}件，其中实名投诉{real}件；"
            f"经核查属实（含部分属实）{self.n('complaints_verified')}件，尚在核查{pending}件；发放投诉奖励"
            f"{self.n('rewards_paid')}件，金额{fmt_money(self.f['reward_total'])}元。"
        )

        # (八) appraisal
        d.heading2("加强自建房屋安全鉴定管理")
        ap = fr["appraisal"]
        handled = 0
        if not ap.empty and {"grade", "measure"} <= set(ap.columns):
            cd = ap[ap["grade"].map(text).isin(["C级", "D级"])]
            handled = int(sum(text(m) not in ("", "无需处理") for m in cd["measure"]))
        unqualified = 0
        if not ap.empty:
            unq = pd.Series(False, index=ap.index)
            for col in ("agency_qual", "appraiser_qual"):
                if col in ap.columns:
                    unq |= ap[col].map(text) == "不具备"
            unqualified = int(unq.sum())
        d.paragraph(
            f"{self.actors}组织引导自建房屋产权人开展房屋安全鉴定{self.n('appraisals')}栋，其中A级"
            f"{self.n('appraisal_a')}栋、B级{self.n('appraisal_b')}栋、C级{self.n('appraisal_c')}栋、D级"
            f"{self.n('appraisal_d')}栋，C级、D级房屋已采取处理措施{handled}栋；涉及鉴定机构{self.n('agencies')}家，"
            f"发现机构资质或人员资格不符合要求的鉴定{unqualified}栋，认定不良行为记录{self.n('bad_records')}条。"
        )

    def chart(self):
        """Pass rate by city (province) or by 检测项目 (city)."""
        if self.city:
            sp = self.fr["spotcheck"]
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

    def city_table(self):
        d, c = self.doc, self.c
        d.heading1("各市活动开展情况")
        st = sort_by_city(c.stats, c)
        d.paragraph("各市主要数据见下表（抽测合格率按复核判定计算）。")
        headers = ["城市", "报送情况", "宣传活动（场次）", "观摩活动（场次）", "抽测项次", "不合格项次", "抽测合格率",
                   "整改通知书（份）", "立案查处（起）", "曝光工程（个）", "受理投诉（件）", "安全鉴定（栋）"]
        keys = ["publicity_events", "tours_events", "spot_items", "spot_fail", None, "notices", "cases_filed",
                "exposures", "complaints", "appraisals"]
        rows = []
        for _, r in st.iterrows():
            missing = text(r.get("status")) == CityStatus.MISSING
            row = [text(r.get("city")), text(r.get("status")) or "—"]
            for k in keys:
                if missing:
                    row.append("—")
                elif k is None:
                    row.append(fmt_pct(rate(num(r.get("spot_pass")), num(r.get("spot_fail")))))
                else:
                    row.append(fmt_int(r.get(k)))
            rows.append(row)
        tot = ["合计", f"{len(c.campaign.cities) - len(c.missing_cities)}个市报送"]
        for k in keys:
            tot.append(fmt_pct(self.pass_rate) if k is None else self.n(k))
        rows.append(tot)
        widths = [16, 15] + [12.5] * 10
        d.table(headers, rows, widths_mm=widths, font_size_pt=9, total_row=True)

    def nonconforming(self, number: str):
        d, c = self.doc, self.c
        d.heading1("不合格项处理和立案查处情况")
        nc = c.nonconforming if c.nonconforming is not None else pd.DataFrame()
        if self.city and not nc.empty and "city" in nc.columns:
            nc = nc[nc["city"] == self.city]
        if nc.empty:
            d.paragraph(f"{self.actors}监督抽测未发现经复核判定为不合格的项目。")
            return
        projects = nc["project"].map(text).nunique() if "project" in nc else 0
        contractors = nc["contractor"].map(text).nunique() if "contractor" in nc else 0
        no_notice = int(sum(not text(v) for v in nc["notice_no"])) if "notice_no" in nc else len(nc)
        status = _counts(nc["status"], ("已复查合格", "已整改", "整改中", "未整改")) if "status" in nc else []
        unreported = int(sum(not text(v) for v in nc["status"])) if "status" in nc else len(nc)
        t = f"经按标准复核，{self.actors}抽测不合格{len(nc)}项次，涉及工程{projects}个、施工单位{contractors}家。"
        if status:
            t += f"截至报送时，{_breakdown(status, '项次')}"
            t += f"，未填报整改状态{unreported}项次。" if unreported else "。"
        if no_notice:
            t += f"尚有{no_notice}项次未填报整改通知书编号，需督促补正。"
        d.paragraph(t)

        # by 检测项目, with the basis cited
        groups = []
        for item, g in nc.groupby(nc["item"].map(text), sort=True):
            basis = join_names(dict.fromkeys(text(b) for b in g["basis"])) if "basis" in g else ""
            cities = join_names(dict.fromkeys(text(x) for x in sort_by_city(g, c)["city"])) if "city" in g else ""
            groups.append([item or "（未填）", len(g), g["project"].map(text).nunique(), cities, basis])
        groups.sort(key=lambda r: (-r[1], r[0]))
        headers = ["检测项目", "不合格项次", "涉及工程（个）", "涉及城市", "判定依据（标准及条文）"]
        widths = [28, 17, 18, 35, 58]
        if self.city:
            headers = headers[:3] + headers[4:]
            groups = [g[:3] + g[4:] for g in groups]
            widths = [40, 24, 26, 66]
        d.paragraph("不合格项按检测项目统计如下：")
        d.table(headers, groups, widths_mm=widths, font_size_pt=10.5)

        sp = self.fr["spotcheck"]
        cases = sp[sp["case_filed"].map(is_yes)] if "case_filed" in sp else sp.iloc[0:0]
        if len(cases):
            items = []
            for (proj, contr), g in cases.groupby([cases["project"].map(text), cases["contractor"].map(text)], sort=True):
                what = join_names(dict.fromkeys(text(x) for x in g["item"]))
                items.append(f"{proj}（{contr}，{what}）")
            d.paragraph(f"对存在违法违规行为的，{self.actors}已立案查处{self.n('cases_filed')}起，涉及：{'；'.join(items)}。")
        else:
            d.paragraph(f"{self.actors}本次抽测未立案查处。")
        d.paragraph(f"全部不合格项目清单见附件{number}。")

    def reporting(self):
        d, c, camp = self.doc, self.c, self.camp
        d.heading1("各市报送情况")
        deadline = chinese_date(camp.report_deadline)
        st = c.stats.set_index("city") if "city" in c.stats.columns else pd.DataFrame()
        late_parts = []
        for name in c.late_cities:
            day = as_date(st.loc[name, "fill_date"]) if name in st.index and "fill_date" in st.columns else None
            late_parts.append(f"{name}（{day.month}月{day.day}日报送）" if day else name)
        on_time = len(camp.cities) - len(c.missing_cities) - len(c.late_cities)
        t = f"按照通知要求，各市应于{deadline}前报送活动开展情况。{on_time}个市按时报送"
        t += f"；{len(c.late_cities)}个市逾期报送：{'、'.join(late_parts)}" if c.late_cities else "，无逾期报送"
        t += f"；{len(c.missing_cities)}个市未报送：{'、'.join(c.missing_cities)}。" if c.missing_cities else "，各市均已报送。"
        if c.missing_cities or c.late_cities:
            t += "我厅已督促相关市尽快补报，并将报送情况纳入年度工作评价。" if not self.city else ""
        d.paragraph(t)

    def requirements(self):
        """How the four 工作要求 were met, with the figures that bear on each."""
        d, f, fr, camp = self.doc, self.f, self.fr, self.camp
        d.heading1("落实工作要求情况")
        d.heading2("高度重视，加强领导")
        info = frame(self.c, "info")
        if self.city and not info.empty and "city" in info.columns:
            info = info[info["city"] == self.city]
        if not info.empty and "plan_status" in info.columns:
            made = int(sum(text(v) == "已制定" for v in info["plan_status"]))
            d.paragraph(f"报送的{len(info)}个（市）填报单位中，{made}个制定了“质量月”活动工作方案，细化了责任分工。")
        else:
            d.paragraph(f"{self.actors}结合本地实际部署开展“质量月”活动，明确专人负责活动信息的收集、整理和报送。")
        d.heading2("积极动员，广泛参与")
        people = f["publicity_participants"] + f["tours_participants"] + f["quiz_participants"]
        d.paragraph(f"宣传宣讲、示范观摩和知识竞赛共计参与{fmt_int(people)}人次，{self.n('manual_compiled')}家企业编制了企业"
                    f"工程质量安全手册，报送微视频作品{self.n('videos')}件，企业参与质量提升的积极性进一步增强。")
        d.heading2("防范疫情，严格管理")
        pub, quiz = fr["publicity"], fr["quiz"]
        online_pub = 0
        if not pub.empty:
            ch = pub["channel"].map(text) if "channel" in pub else pd.Series("", index=pub.index)
            fm = pub["form"].map(text) if "form" in pub else pd.Series("", index=pub.index)
            online_pub = int((ch.isin(ONLINE_CHANNELS) | (fm == "线上宣传")).sum())
        online_quiz = int(sum(not is_missing(v) for v in quiz["online"])) if "online" in quiz else 0
        d.paragraph(f"{self.actors}落实常态化疫情防控要求，采取线上线下相结合的方式开展活动，其中通过网站、微信公众号、"
                    f"短视频等线上渠道开展宣传{online_pub}场，线上参加知识竞赛{online_quiz}人次。")
        d.heading2("加强总结，及时报送")
        if self.city:
            row = self.c.stats[self.c.stats["city"] == self.city]
            day = as_date(row.iloc[0].get("fill_date")) if not row.empty else None
            when = f"于{chinese_date(day)}" if day else ""
            d.paragraph(f"我局指定专人负责辖区内（含所辖县、市、区）活动信息的收集、整理和报送，{when}汇总形成本报告"
                        f"及活动数据报送{camp.authority_short}。")
        else:
            on_time = len(camp.cities) - len(self.c.missing_cities) - len(self.c.late_cities)
            d.paragraph(f"{on_time}个市在{chinese_date(camp.report_deadline)}前按时报送活动开展情况，"
                        f"{len(self.c.late_cities)}个市逾期报送，{len(self.c.missing_cities)}个市未报送（详见第五部分）。")

    def next_steps(self):
        d = self.doc
        d.heading1("下一步工作")
        d.paragraph("一是督促责任单位按期完成不合格项整改，对逾期未整改的依法依规处理；二是追溯不合格建筑材料源头，"
                    "督促使用同批次产品的工地开展自查自纠；三是总结推广示范观摩和质量安全手册应用经验，"
                    f"持续开展工程质量常见问题防治，推动{self.region}工程质量水平稳步提升。")

    def appendix(self, label: str):
        """附件: every non-conforming item, with the basis and the notice number."""
        d, c = self.doc, self.c
        nc = c.nonconforming if c.nonconforming is not None else pd.DataFrame()
        if self.city and not nc.empty and "city" in nc.columns:
            nc = nc[nc["city"] == self.city]
        d.attachment_page(label, ("各市" if not self.city else f"{self.city}") + "监督抽测不合格项目清单")
        rows = []
        for i, (_, r) in enumerate(sort_by_city(nc, c, "project", "contractor", "item").iterrows(), 1):
            rows.append([i, text(r.get("city")), text(r.get("project")), text(r.get("contractor")), text(r.get("item")),
                         text(r.get("basis")), text(r.get("notice_no")) or "未填报", "是" if is_yes(r.get("case_filed")) else "否"])
        headers = ["序号", "城市", "工程名称", "施工单位", "检测项目", "判定依据", "整改通知书编号", "立案"]
        d.table(headers, rows, widths_mm=[8, 13, 30, 28, 19, 26, 24, 8], font_size_pt=9)


def _build(c, city: str | None, path, *, date: dt.date | None, recipient: str | None,
           authority: str, doc_number: str | None, fonts: dict | None) -> Path:
    as_of = date or dt.date.today()
    doc = OfficialDocument(c.campaign, fonts)
    with tempfile.TemporaryDirectory(prefix="qm-report-") as tmp:
        rep = _Report(c, city, doc, Path(tmp))
        if doc_number:
            doc.doc_number(doc_number)
        doc.title(report_title(c, city))
        if recipient:
            doc.recipient(recipient)
        rep.opening(as_of)
        rep.overview()
        rep.activities()
        if city:
            rep.nonconforming("")
        else:
            rep.city_table()
            rep.nonconforming("")
            rep.reporting()
        rep.requirements()
        rep.next_steps()
        doc.paragraph("特此报告。")
        has_nc = c.nonconforming is not None and not c.nonconforming.empty and (
            not city or (c.nonconforming["city"] == city).any())
        if has_nc:
            doc.attachments([("各市" if not city else city) + "监督抽测不合格项目清单"])
        doc.signature(authority, as_of)
        contact = c.campaign.contact if not city else {}
        if contact.get("name") or contact.get("phone"):
            parts = [f"联系人：{contact['name']}"] if contact.get("name") else []
            if contact.get("phone"):
                parts.append(f"联系电话：{contact['phone']}")
            doc.note("，".join(parts))
        if has_nc:
            rep.appendix("附件")
        return doc.save(path)


def build_province_report(c, path, *, date: dt.date | None = None, recipient: str | None = None,
                          doc_number: str | None = None, fonts: dict | None = None) -> Path:
    """全区报告 (to the authority's superior). ``recipient`` defaults to the campaign's
    ``report_recipient`` setting if it has one; without either the 主送 line is omitted."""
    recipient = recipient if recipient is not None else getattr(c.campaign, "report_recipient", "") or None
    return _build(c, None, path, date=date, recipient=recipient, authority=c.campaign.authority,
                  doc_number=doc_number, fonts=fonts)


def build_city_report(c, city_name: str, path, *, date: dt.date | None = None,
                      doc_number: str | None = None, fonts: dict | None = None) -> Path:
    """One city's report to the campaign authority (due by the report deadline), signed by
    the city's 住房和城乡建设局."""
    city = c.campaign.city_by_name(city_name)
    name = city.name if city else city_name
    return _build(c, name, path, date=date, recipient=c.campaign.authority,
                  authority=f"{name}住房和城乡建设局", doc_number=doc_number, fonts=fonts)
