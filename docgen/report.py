"""The activity report (报告): the province's to its superior, or a city's to the province.

It follows the notice: the eight activities 一–八 in order, then how the four 工作要求 were
met. Every figure is a value of the figures ledger (addin.consolidate.figures.Ledger): this
module only formats them, and no sentence claims an action that no city recorded. The
province's report ends with 统计口径说明, the 口径 of every figure it printed. Who it goes to
and who signs it come from the campaign settings ([report]).
"""
from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import pandas as pd

from addin.consolidate.figures import Ledger, region_word
from addin.consolidate.model import CityStatus
from addin.core.privacy import scrub_published
from docgen._data import (
    as_date, clean_basis, fmt_int, fmt_money, fmt_pct, for_publication, is_yes, join_names, num, rate,
    sort_by_city, text,
)
from docgen.official import OfficialDocument, chinese_date
from docgen.report_activities import ActivitySections, breakdown

__all__ = ["build_province_report", "build_city_report", "report_title", "region_word"]


def report_title(c, city: str | None = None) -> str:
    camp = c.campaign
    if city:
        return f"关于{city}{camp.year}年房屋市政工程“质量月”活动开展情况的报告"
    return f"关于{camp.year}年{region_word(camp)}房屋市政工程“质量月”活动开展情况的报告"


def _value_text(v, f) -> str:
    """A ledger value as the 统计口径说明 table shows it."""
    if f.key == "spot_pass_rate":
        return fmt_pct(v)
    if f.key == "reward_roster":
        return f"{v.total:.2f}元"
    if f.key == "reward_total":
        return f"{fmt_money(v)}元"
    if f.key in ("quiz_weak_categories", "quiz_weak_clauses"):       # a citation may hold "、": clauses by "；"
        return ("；" if f.key == "quiz_weak_clauses" else "、").join(f"{name}（{fmt_pct(r)}）" for name, r, _, _ in v)
    if isinstance(v, list):
        if v and isinstance(v[0], tuple):
            return "、".join(f"{k}{n}" for k, n in v)
        return f"{len(v)}{f.unit}"
    if isinstance(v, float) and math.isnan(v):
        return "—"
    return f"{fmt_int(v)}{f.unit}"


class _Report(ActivitySections):
    def __init__(self, c, city: str | None, doc: OfficialDocument, tmpdir: Path, quiz=None):
        self.c, self.city, self.doc, self.tmp = c, city, doc, tmpdir
        self.camp = c.campaign
        self.L = Ledger(c, city)
        if quiz is not None:              # the item analysis of the contest's marking (Weakest)
            self.L.add_quiz_analysis(quiz)
        self.region = "我市" if city else region_word(self.camp)
        self.actors = "我市" if city else "各地"

    # -- helpers -------------------------------------------------------------------------
    def n(self, key: str) -> str:
        return fmt_int(self.L[key])

    def money(self, key: str) -> str:
        return fmt_money(self.L[key])

    @property
    def pass_rate(self) -> float:
        return self.L["spot_pass_rate"]

    def city_info(self) -> dict:
        info = self.L.info()
        return info.iloc[0].to_dict() if self.city and not info.empty else {}

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
        cities, reported = self.n("cities"), self.n("cities_reported")     # read in the order printed
        late = f"（其中逾期报送{self.n('cities_late')}个）" if self.L["cities_late"] else ""
        d.paragraph(
            f"根据{notice}部署，{period}，{self.region}各级住房城乡建设主管部门围绕“{camp.theme}”主题，"
            f"组织开展了房屋市政工程“质量月”活动。截至{chinese_date(as_of)}，{self.region}{cities}个设区市中"
            f"已有{reported}个市报送活动开展情况{late}，{self.n('cities_missing')}个市未报送。"
            "现将有关情况报告如下："
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
        """活动开展情况: one method per activity of the notice, (一) to (八), in its order."""
        self.doc.heading1("活动开展情况")
        self.act_publicity()
        self.act_tours()
        self.act_manual()
        self.act_videos_quiz()
        self.act_spot_checks()
        self.act_exposure()
        self.act_complaints()
        self.act_appraisal()

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
        tot = ["合计", f"{self.n('cities_reported')}个市报送"]
        for k in keys:
            tot.append(fmt_pct(self.pass_rate) if k is None else self.n(k))
        rows.append(tot)
        widths = [16, 15] + [12.5] * 10
        d.table(headers, rows, widths_mm=widths, font_size_pt=9, total_row=True)

    def nonconforming(self, number: str):
        d, c, L = self.doc, self.c, self.L
        d.heading1("不合格项处理和立案查处情况")
        nc = L.nc
        if nc.empty:
            d.paragraph(f"{self.actors}监督抽测未发现经复核判定为不合格的项目。")
            return
        t = (f"经按标准复核，{self.actors}抽测不合格{self.n('nc_items')}项次，涉及工程{self.n('nc_projects')}个、"
             f"施工单位{self.n('nc_contractors')}家。")
        status = L["nc_by_status"]
        if status:
            t += f"截至报送时，{breakdown(status, '项次')}。"
        if L["nc_no_notice"]:
            t += f"尚有{self.n('nc_no_notice')}项次未填报整改通知书编号，需督促补正。"
        d.paragraph(t)

        # by 检测项目, with the basis cited
        groups = []
        for item, g in nc.groupby(nc["item"].map(text), sort=True):
            basis = join_names(dict.fromkeys(clean_basis(b) for b in g["basis"])) if "basis" in g else ""
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

        sp = L.frame("spotcheck")
        cases = sp[sp["case_filed"].map(is_yes)] if "case_filed" in sp else sp.iloc[0:0]
        if len(cases):
            items = []
            for (proj, contr), g in cases.groupby([cases["project"].map(text), cases["contractor"].map(text)], sort=True):
                what = join_names(dict.fromkeys(text(x) for x in g["item"]))
                items.append(f"{proj}（{contr}，{what}）")
            d.paragraph(f"对存在违法违规行为的，{self.actors}已立案查处{self.n('cases_filed')}起，涉及：{'；'.join(items)}。")
        else:
            d.paragraph(f"{self.actors}本次抽测未立案查处。")
        d.paragraph(f"全部不合格项目清单见附件{number}。" if number else "全部不合格项目清单见附件。")

    def reporting(self):
        d, c, camp = self.doc, self.c, self.camp
        d.heading1("各市报送情况")
        deadline = chinese_date(camp.report_deadline)
        st = c.stats.set_index("city") if "city" in c.stats.columns else pd.DataFrame()
        late_parts = []
        for name in c.late_cities:
            day = as_date(st.loc[name, "fill_date"]) if name in st.index and "fill_date" in st.columns else None
            late_parts.append(f"{name}（{day.month}月{day.day}日报送）" if day else name)
        on_time = self.L["cities_reported"] - self.L["cities_late"]
        t = f"按照通知要求，各市应于{deadline}前报送活动开展情况。{on_time}个市按时报送"
        t += f"；{self.n('cities_late')}个市逾期报送：{'、'.join(late_parts)}" if c.late_cities else "，无逾期报送"
        t += (f"；{self.n('cities_missing')}个市未报送：{'、'.join(c.missing_cities)}。" if c.missing_cities
              else "，各市均已报送。")
        d.paragraph(t)

    def requirements(self):
        """How the four 工作要求 were met, with the figures that bear on each."""
        d, L, camp = self.doc, self.L, self.camp
        d.heading1("落实工作要求情况")
        d.heading2("高度重视，加强领导")
        if self.city:
            info = self.city_info()
            L["plans_made"], L["complaint_officers"]
            if text(info.get("plan_status")) == "已制定":
                doc_no = text(info.get("plan_doc"))
                t = f"我局制定了“质量月”活动工作方案{f'（{doc_no}）' if doc_no else '（未填报文号）'}"
            else:
                t = "本市报送表填报未制定“质量月”活动工作方案" if info else "本市报送表未填报工作方案制定情况"
            t += "，并明确了质量投诉处理专人。" if text(info.get("complaint_officer")) else "；未填报质量投诉处理专人。"
            d.paragraph(t)
        else:
            docs = "、".join(f"{city}{no}" for city, no in L.plan_docs)
            t = f"已报送的{self.n('cities_reported')}个市中，{self.n('plans_made')}个市制定了“质量月”活动工作方案"
            if L["plans_with_doc"]:
                t += f"，其中{self.n('plans_with_doc')}个市填报了方案文号（{docs}）"
            t += f"；{self.n('complaint_officers')}个市明确了质量投诉处理专人。"
            d.paragraph(t)
        d.heading2("积极动员，广泛参与")
        d.paragraph(f"宣传宣讲、示范观摩和知识竞赛共计参与{self.n('people_total')}人次；{self.n('manual_compiled')}家施工、"
                    f"监理企业编制了企业工程质量安全手册，企业报送微视频作品{self.n('videos')}件。")
        d.heading2("防范疫情，严格管理")
        online, quiz_online = L["publicity_online"], L["quiz_online"]
        if online or quiz_online:
            parts = ([f"通过官方网站、微信公众号、短视频等线上渠道开展宣传{self.n('publicity_online')}场"] if online else []) + \
                    ([f"线上参加知识竞赛{self.n('quiz_online')}人次"] if quiz_online else [])
            d.paragraph(f"{self.actors}采取线上线下相结合的方式开展活动，其中{'，'.join(parts)}。")
        else:
            d.paragraph(f"{self.actors}报送的活动均为线下开展，未填报线上宣传或线上竞赛。")
        d.heading2("加强总结，及时报送")
        if self.city:
            info = self.city_info()
            unit = text(info.get("unit")) or "我局"
            d.paragraph(f"本市活动信息由{unit}收集、整理，汇总形成本报告及活动数据报送{camp.authority_short}。")
        else:
            on_time = L["cities_reported"] - L["cities_late"]
            d.paragraph(f"{on_time}个市在{chinese_date(camp.report_deadline)}前按时报送活动开展情况，"
                        f"{self.n('cities_late')}个市逾期报送，{self.n('cities_missing')}个市未报送（详见第五部分）。")

    def quiz_analysis(self):
        """The weakest categories and clauses of the contest's marking, when the marks were given."""
        L = self.L
        if L.value("quiz_papers_marked") is None:
            return
        cats, clauses = L["quiz_weak_categories"], L["quiz_weak_clauses"]
        if not L["quiz_papers_marked"] or not cats:
            return

        def listed(groups, sep: str = "、") -> str:
            return sep.join(f"{name}（正确率{fmt_pct(r)}，{q}题）" for name, r, q, _ in groups)

        if self.city:                     # the city's participants only (their categories; clauses are the region's)
            t = (f"全区知识竞赛阅卷中，我市参赛人员答卷{self.n('quiz_papers_marked')}份。经逐题分析，"
                 f"我市参赛人员正确率最低的知识分类为{listed(cats)}。")
        else:
            t = (f"知识竞赛阅卷{self.n('quiz_papers_marked')}份。经逐题分析，正确率最低的知识分类为{listed(cats)}。")
        # one citation may name several clauses joined by "、" (GB 50204-2015 第E.0.4条、第E.0.5条): "；" between them
        t += f"正确率最低的条文依次为：{listed(clauses, '；')}。" if clauses else ""
        t += "上述内容是从业人员掌握较薄弱的部分，可作为今后宣传培训的重点。"
        self.doc.paragraph(t)

    def next_steps(self):
        d = self.doc
        d.heading1("下一步工作")
        d.paragraph("一是督促责任单位按期完成不合格项整改，对逾期未整改的依法依规处理；二是追溯不合格建筑材料源头，"
                    "督促使用同批次产品的工地开展自查自纠；三是总结推广示范观摩和质量安全手册应用经验，"
                    f"持续开展工程质量常见问题防治，推动{self.region}工程质量水平稳步提升。")

    def basis_appendix(self, label: str):
        """统计口径说明: every figure this report printed, its value and its 口径."""
        d = self.doc
        d.attachment_page(label, "统计口径说明")
        d.paragraph("本报告的数值均由汇总表按下列口径计算（各市数值见汇总表“概况”工作表）。有校验错误的记录行仍计入"
                    "记录数，其中无法使用的填写值不计入合计和分类；校验问题见汇总表“校验问题”工作表。")
        rows = []
        for i, f in enumerate(self.L.figures_used(), 1):
            rows.append([i, f.name, _value_text(self.L.value(f.key), f), f.basis])
        d.table(["序号", "指标", "本报告数值", "统计口径"], rows, widths_mm=[10, 38, 28, 80], font_size_pt=9)

    def appendix(self, label: str):
        """附件: every non-conforming item, with the basis and the notice number."""
        d, c = self.doc, self.c
        nc = self.L.nc
        d.attachment_page(label, ("各市" if not self.city else f"{self.city}") + "监督抽测不合格项目清单")
        rows = []
        for i, (_, r) in enumerate(sort_by_city(nc, c, "project", "contractor", "item").iterrows(), 1):
            rows.append([i, text(r.get("city")), text(r.get("project")), text(r.get("contractor")), text(r.get("item")),
                         clean_basis(r.get("basis")), text(r.get("notice_no")) or "未填报",
                         "是" if is_yes(r.get("case_filed")) else "否"])
        headers = ["序号", "城市", "工程名称", "施工单位", "检测项目", "判定依据", "整改通知书编号", "立案"]
        d.table(headers, rows, widths_mm=[8, 13, 30, 28, 19, 26, 24, 8], font_size_pt=9)


def _build(c, city: str | None, path, *, date: dt.date, recipient: str | None,
           authority: str, doc_number: str | None, fonts: dict | None, contact: dict,
           letterhead: bool = False, quiz=None) -> Path:
    doc = OfficialDocument(c.campaign, fonts)
    c = for_publication(c)          # every field through the one scrubber (the 版记 contact is the sender's own)
    with tempfile.TemporaryDirectory(prefix="qm-report-") as tmp:
        rep = _Report(c, city, doc, Path(tmp), quiz)
        if not city:            # the province's report: 版头 (GB/T 9704 7.2) and 版记 (7.4)
            doc.masthead(authority, doc_number, letterhead=letterhead, printed=date)
        elif doc_number:
            doc.doc_number(doc_number)
        doc.title(report_title(c, city))
        if recipient:
            doc.recipient(recipient)
        rep.opening(date)
        rep.overview()
        rep.activities()
        if city:
            rep.nonconforming("")
        else:
            rep.city_table()
            rep.nonconforming("1")
            rep.reporting()
        rep.requirements()
        rep.next_steps()
        doc.paragraph("特此报告。")
        has_nc = not rep.L.nc.empty
        names = []
        if has_nc:
            names.append(("各市" if not city else city) + "监督抽测不合格项目清单")
        if not city:
            names.append("统计口径说明")
        if names:
            doc.attachments(names)
        doc.signature(authority, date)
        if contact.get("name") or contact.get("phone"):
            parts = [f"联系人：{contact['name']}"] if contact.get("name") else []
            if contact.get("phone"):
                parts.append(f"联系电话：{contact['phone']}")
            doc.note("，".join(parts))
        n = 0
        if has_nc:
            n += 1
            rep.appendix(f"附件{n}" if len(names) > 1 else "附件")
        if not city:
            n += 1
            rep.basis_appendix(f"附件{n}" if len(names) > 1 else "附件")
        return doc.save(path)


def build_province_report(c, path, *, date: dt.date | None = None, recipient: str | None = None,
                          doc_number: str | None = None, fonts: dict | None = None,
                          letterhead: bool = False, quiz_marks=None) -> Path:
    """全区报告 (to the authority's superior). 主送机关, 发文机关 and 发文字号 come from the campaign
    settings ([report] recipient, issuer, doc_number); ``recipient`` and ``doc_number`` override them.
    ``quiz_marks``: the knowledge contest's marking output (qm quiz mark), or what read_weakest read
    from it: the report then names the categories and clauses with the lowest correct rates
    (without it, no such paragraph)."""
    from addin.contest.analysis import Weakest, read_weakest

    camp = c.campaign
    quiz = quiz_marks if isinstance(quiz_marks, Weakest) else (
        read_weakest(quiz_marks, camp.quiz_rules.paper.weakest_n) if quiz_marks else None)
    recipient = recipient if recipient is not None else (getattr(camp, "report_recipient", "") or None)
    doc_number = doc_number if doc_number is not None else (getattr(camp, "report_doc_number", "") or None)
    issuer = getattr(camp, "report_issuer", "") or camp.authority
    return _build(c, None, path, date=date or dt.date.today(), recipient=recipient, authority=issuer,
                  doc_number=doc_number, fonts=fonts, contact=dict(camp.contact), letterhead=letterhead,
                  quiz=quiz)


def build_city_report(c, city_name: str, path, *, date: dt.date | None = None,
                      doc_number: str | None = None, fonts: dict | None = None, quiz_marks=None) -> Path:
    """One city's report to the campaign authority, signed by the 填报单位 its return names (else the
    city's 住房和城乡建设局) and dated ``date`` (default: the return's 填报日期) — the one date it carries.
    ``quiz_marks``: the contest's marking output, or what read_weakest(…, city=…) read from it: the
    report then names the categories the city's participants answered worst."""
    city = c.campaign.city_by_name(city_name)
    name = city.name if city else city_name
    info = getattr(c, "info", None)
    row = {}
    if info is not None and not info.empty and "city" in info.columns:
        match = info[info["city"] == name]
        row = match.iloc[0].to_dict() if not match.empty else {}
    if date is None:
        st = c.stats[c.stats["city"] == name] if "city" in c.stats.columns else c.stats.iloc[0:0]
        date = as_date(row.get("fill_date")) or (as_date(st.iloc[0].get("fill_date")) if not st.empty else None) \
            or dt.date.today()
    unit = scrub_published(row.get("unit")) or f"{name}住房和城乡建设局"       # the one scrubber, as every field
    # the 附注 contact is the sending office's own (GB/T 9704 7.3.6), printed as the return gives it
    contact = {"name": text(row.get("contact")), "phone": text(row.get("phone"))}
    from addin.contest.analysis import Weakest, read_weakest

    quiz = quiz_marks if isinstance(quiz_marks, Weakest) else (
        read_weakest(quiz_marks, c.campaign.quiz_rules.paper.weakest_n, city=name) if quiz_marks else None)
    return _build(c, name, path, date=date, recipient=c.campaign.authority, authority=unit,
                  doc_number=doc_number, fonts=fonts, contact=contact, quiz=quiz)
