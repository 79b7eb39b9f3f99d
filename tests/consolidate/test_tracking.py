"""跟踪督导: the state of an item computed from hand-made rows at dates around each boundary
(issue day, deadline day, the day after, reply, review), and old-version returns still read."""
from __future__ import annotations

import datetime as dt

import pytest

from addin.consolidate.tracking import FollowUp, TrackState, track_state

D = dt.date
ISSUED, DEADLINE = D(2022, 9, 10), D(2022, 9, 20)
NOTICE = dict(notice_no="南建质改〔2022〕001号", notice_date=ISSUED, deadline=DEADLINE)


def state(as_of: dt.date, **kw):
    t = track_state(FollowUp(**{**NOTICE, **kw}), as_of, review_days=7)
    return t.state, t.days_overdue


@pytest.mark.parametrize("as_of, expected", [
    (D(2022, 9, 9), (TrackState.NOT_ISSUED, None)),          # the day before the notice was issued
    (D(2022, 9, 10), (TrackState.OPEN, None)),               # the issue day
    (D(2022, 9, 20), (TrackState.OPEN, None)),               # the deadline day is not overdue
    (D(2022, 9, 21), (TrackState.OVERDUE, 1)),               # the day after
    (D(2022, 10, 20), (TrackState.OVERDUE, 30)),
])
def test_no_reply_around_the_deadline(as_of, expected):
    assert state(as_of) == expected


def test_without_notice_number_or_date_the_item_is_not_issued():
    assert state(D(2022, 10, 1), notice_no="")[0] == TrackState.NOT_ISSUED
    assert state(D(2022, 10, 1), notice_date=None)[0] == TrackState.NOT_ISSUED


@pytest.mark.parametrize("reply, as_of, expected", [
    (D(2022, 9, 19), D(2022, 9, 18), (TrackState.OPEN, None)),             # reply not yet received
    (D(2022, 9, 19), D(2022, 9, 19), (TrackState.AWAITING_REVIEW, None)),  # the reply day
    (D(2022, 9, 22), D(2022, 9, 21), (TrackState.OVERDUE, 1)),             # a late reply, the day before it
    (D(2022, 9, 22), D(2022, 9, 22), (TrackState.AWAITING_REVIEW, None)),
])
def test_reply(reply, as_of, expected):
    assert state(as_of, reply_date=reply) == expected


@pytest.mark.parametrize("result, as_of, expected", [
    ("合格", D(2022, 9, 24), (TrackState.AWAITING_REVIEW, None)),   # review dated 25th: not yet
    ("合格", D(2022, 9, 25), (TrackState.CLOSED, None)),
    ("不合格", D(2022, 9, 25), (TrackState.REVIEW_FAILED, 5)),      # 5 days past the deadline
    ("未复查", D(2022, 9, 25), (TrackState.AWAITING_REVIEW, None)),
])
def test_review(result, as_of, expected):
    assert state(as_of, reply_date=D(2022, 9, 18), review_date=D(2022, 9, 25), review_result=result) == expected


def test_failed_review_before_the_deadline_is_not_overdue():
    assert state(D(2022, 9, 20), reply_date=D(2022, 9, 15), review_date=D(2022, 9, 18),
                 review_result="不合格") == (TrackState.REVIEW_FAILED, None)


def test_case_filed_takes_over_unless_the_review_passed():
    assert state(D(2022, 9, 15), case_filed=True, case_no="桂建罚〔2022〕3号") == (TrackState.CASE_FILED, None)
    assert state(D(2022, 9, 30), case_filed=True, case_no="X")[0] == TrackState.CASE_FILED
    assert state(D(2022, 9, 30), case_filed=True, reply_date=D(2022, 9, 18), review_date=D(2022, 9, 25),
                 review_result="合格")[0] == TrackState.CLOSED
    t = track_state(FollowUp(**NOTICE, case_filed=True), D(2022, 9, 30))
    assert "立案编号" in t.note


def test_typed_status_stands_in_for_missing_dates():
    """A 1.0 return has no reply or review columns: its 整改状态 is what the city said."""
    t = track_state(FollowUp(**NOTICE, status="已整改"), D(2022, 9, 30))
    assert t.state == TrackState.AWAITING_REVIEW and "整改状态" in t.note
    t = track_state(FollowUp(**NOTICE, status="已复查合格"), D(2022, 9, 30))
    assert t.state == TrackState.CLOSED and "整改状态" in t.note
    assert state(D(2022, 9, 30), status="整改中") == (TrackState.OVERDUE, 10)


def test_missing_deadline_is_never_called_overdue_silently():
    t = track_state(FollowUp(notice_no="X", notice_date=ISSUED), D(2023, 1, 1))
    assert t.state == TrackState.OPEN and "未填写整改期限" in t.note


def test_review_due_and_supervision_boundary(campaign):
    """An item replied on the 18th is due for review by the 25th (review_days = 7): a 督办通知
    names it from the 26th, not on the 25th."""
    import pandas as pd

    from addin.consolidate.model import Consolidated
    from addin.consolidate.tracking import plan_tracking

    row = {"city": campaign.cities[0].name, "city_code": campaign.cities[0].code, "project": "甲工程",
           "item": "钢筋下屈服强度", "judgment": "不合格", **NOTICE, "reply_date": D(2022, 9, 18)}
    c = Consolidated(campaign, {}, pd.DataFrame(columns=["city", "city_code", "status"]), pd.DataFrame(), [], [], [], [],
                     pd.DataFrame([row]), pd.DataFrame())
    assert campaign.tracking_rules.review_days == 7
    for day, named in ((D(2022, 9, 25), 0), (D(2022, 9, 26), 1)):
        t = plan_tracking(c, day)
        assert t.items[0].state == TrackState.AWAITING_REVIEW
        assert len(t.needing_supervision(campaign.cities[0].name)) == named


# -- returns of the previous schema version ---------------------------------------------------
def test_previous_version_return_is_read_with_one_hint(tmp_path, campaign, contract):
    """A return built by the 1.0 template (the contract without what 1.1 added) gives exactly one
    schema-version finding, no missing-column or missing-sheet, and the new columns read as empty."""
    from addin.checks.validate import validate_returned
    from workbook_templates.builder import build_workbook
    from workbook_templates.reader import read_workbook

    old = contract.as_of("1.0")
    assert old.schema_version == "1.0" and "batchcheck" not in [s.key for s in old.sheets]
    assert "review_result" not in [c.key for c in old.sheet("spotcheck").columns]
    city = campaign.cities[0]
    wb = build_workbook(campaign, city, old)
    info = wb["基本信息"]
    values = {"填报单位": f"{city.name}住房和城乡建设局", "联系人": "张三", "联系电话": "0771-5551234",
              "填报日期": D(2022, 10, 8), "工作方案制定情况": "已制定", "投诉处理专人": "李四", "投诉处理专人电话": "0771-5554321"}
    for r in range(1, info.max_row + 1):
        if info.cell(r, 1).value in values:
            info.cell(r, 2, values[info.cell(r, 1).value])
    ws = wb["监督抽测"]
    header = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
    assert "复查结论" not in header and "回执日期" not in header
    row = {"工程名称": "甲工程", "工程地点": "青秀区", "建设单位": "甲建设公司", "施工单位": "乙建筑公司",
           "施工单位统一社会信用代码": "914403001922038216", "抽测日期": D(2022, 9, 8), "抽测类别": "建筑材料",
           "检测项目": "钢筋下屈服强度", "牌号或强度等级": "HRB400E", "规格": "16", "实测值": "380、385、390",
           "判定": "不合格", "整改通知书编号": "南建质改〔2022〕001号", "通知下发日期": D(2022, 9, 9),
           "整改期限": D(2022, 9, 19), "整改状态": "整改中"}
    for r in (2, 3):
        for title, v in row.items():
            ws.cell(r, header[title], v)
        row = {**row, "工程名称": "丙工程", "整改通知书编号": "南建质改〔2022〕002号"}
    path = tmp_path / "旧版.xlsx"
    wb.save(path)
    read = read_workbook(path, contract, campaign_id=campaign.id)
    v = validate_returned(read, campaign, contract)
    codes = [f.code for f in v.findings]
    assert codes.count("schema-version") == 1
    assert not {"missing-column", "missing-sheet"} & set(codes), codes
    [hint] = [f for f in v.findings if f.code == "schema-version"]
    assert "复查结论" in hint.message and "同批次自查" in hint.message and "1.0" in hint.message
    spot = v.records["spotcheck"]
    assert len(spot) == 2 and all(r.values.get("review_result") is None for r in spot)
    assert v.records["batchcheck"] == []


# -- the demo: tracking counts equal what the generator set -----------------------------------
def test_demo_tracking_counts_equal_the_manifest(tmp_path, demo_manifest, campaign):
    from openpyxl import load_workbook

    from addin.usecases import track_items

    truth = demo_manifest.tracking
    as_of = D.fromisoformat(truth["as_of"])
    run = track_items(demo_manifest.out_dir, campaign, tmp_path / "跟踪督导.xlsx", as_of=as_of,
                      letters=tmp_path / "督办", jobs=1)
    t = run.tracking
    assert {k: v for k, v in t.counts().items() if v} == truth["counts"]
    for city, by in truth["by_city"].items():
        assert {k: v for k, v in next(c for c in t.cities if c.city == city).counts.items() if v} == by, city
    assert sorted(p.stem.split("_", 1)[1] for p in run.letters) == sorted(truth["supervision_cities"])
    [traced] = [i for i in t.items if i.sites]
    assert traced.city == truth["traced"]["source_city"]
    assert (len(traced.sites), traced.sites_done) == (truth["traced"]["sites"], truth["traced"]["sites_done"])
    assert [s.city for s in traced.sites if not s.done] == [truth["traced"]["pending_city"]]
    # the workbook says the same: one summary row per city, the total row, one detail row per item
    wb = load_workbook(run.output)
    ws = wb["各市汇总"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert len(rows) == len(campaign.cities) + 1
    for state, n in truth["counts"].items():
        assert sum(rows[c.name][state] or 0 for c in campaign.cities) == n
    assert wb["跟踪明细"].max_row - 1 == sum(truth["counts"].values())
    assert wb["各市汇总"]._charts and wb["跟踪明细"].conditional_formatting


# -- 催报: before and after the deadline, from hand-made submissions ----------------------------
def _consolidated_with(campaign, subs):
    import pandas as pd

    from addin.consolidate.model import CityStatus, Consolidated

    used = {s.city_code: s for s in subs}
    stats = pd.DataFrame([{"city": c.name, "city_code": c.code,
                           "status": (CityStatus.LATE if used[c.code].late else CityStatus.SUBMITTED)
                           if c.code in used else CityStatus.MISSING} for c in campaign.cities])
    return Consolidated(campaign, {}, stats, pd.DataFrame(), subs, [], [], [], pd.DataFrame(), pd.DataFrame())


def test_reminders_before_and_after_the_deadline(campaign):
    from addin.consolidate.model import Submission
    from addin.consolidate.reminders import plan_reminders

    deadline = campaign.report_deadline
    a, b, c = campaign.cities[:3]
    subs = [Submission("a.xlsx", a.name, a.code, deadline - dt.timedelta(days=2), None, "", "1.1", errors=3),
            Submission("b.xlsx", b.name, b.code, deadline + dt.timedelta(days=4), None, "", "1.1", late=True),
            Submission("c.xlsx", c.name, c.code, deadline - dt.timedelta(days=1), None, "", "1.1")]
    con = _consolidated_with(campaign, subs)
    before = {r.city: r for r in plan_reminders(con, deadline - dt.timedelta(days=3), {a.code: ("张三", "0771-1")})}
    assert c.name not in before                                  # returned, no error: nothing to chase
    assert (before[a.name].kind, before[a.name].errors, before[a.name].contact) == ("需更正", 3, "张三")
    missing = [x for x in campaign.cities[3:]]
    assert all(before[x.name].kind == "未报送" and before[x.name].days_left == 3 for x in missing)
    on_the_day = plan_reminders(con, deadline)
    assert {r.kind for r in on_the_day if r.city == missing[0].name} == {"未报送"}   # the deadline day is not late
    after = {r.city: r for r in plan_reminders(con, deadline + dt.timedelta(days=5))}
    assert (after[b.name].kind, after[b.name].days_late) == ("逾期报送", 4)        # by its fill date
    assert all(after[x.name].kind == "逾期未报送" and after[x.name].days_late == 5 for x in missing)
    assert after[a.name].kind == "需更正" and after[a.name].days_late == 0
