"""A realistic consolidated campaign in memory, for the document tests.

Five cities (the first five of the packaged Guangxi campaign): 南宁、柳州 and 梧州 reported on
time, 桂林 late (12 October), 北海 did not report. The per-city statistics are computed here
from the frames, independently of the code under test, and the tests look for them in the
documents.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import struct
import zlib
from pathlib import Path

import pandas as pd

from addin.core.idcodes import id_check_char, uscc_check_char
from addin.consolidate.model import Consolidated, Submission
from addin.campaign.settings import load_campaign

D = dt.date
REPORTED = {"南宁市": D(2022, 10, 8), "柳州市": D(2022, 10, 9), "桂林市": D(2022, 10, 12), "梧州市": D(2022, 10, 10)}
MISSING = ["北海市"]
LATE = ["桂林市"]


def uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


def idno(body17: str) -> str:
    return body17 + id_check_char(body17)


def png_bytes(w: int = 40, h: int = 30, rgb=(200, 60, 60)) -> bytes:
    """A tiny valid PNG (no PIL needed)."""
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


C1 = ("广西五象建设工程有限公司", uscc("91450100MA5K3XR1"[:17].ljust(17, "0")))
C2 = ("广西青秀建筑工程有限公司", uscc("91450103198765432"))
C3 = ("柳州市柳建建设集团有限公司", uscc("91450200123456789"))
C4 = ("桂林漓江建设有限公司", uscc("91450300234567890"))
C5 = ("梧州市鸳江建筑工程有限公司", uscc("91450400345678901"))
C6 = ("广西西江安装工程有限公司", uscc("91450400456789012"))
B1 = ("南宁五象新区建设投资有限公司", uscc("91450100567890123"))
S1 = ("广西正泽工程监理有限公司", uscc("91450100678901234"))


def _campaign():
    camp = load_campaign()
    return dataclasses.replace(camp, cities=camp.cities[:5])


def _prov(city: str, code: str, src: Path, row: int) -> dict:
    return {"city": city, "city_code": code, "source_file": str(src), "source_row": row}


def build_consolidated(tmp_dir: Path | None = None, photos: bool = True) -> Consolidated:
    """The fixture. With ``tmp_dir``, the returned workbooks' folder is tmp_dir/回收 and the
    exposure photos a1.png and a2.png exist beside 南宁's workbook (c1.jpg of 柳州 does not)."""
    camp = _campaign()
    codes = {c.name: c.code for c in camp.cities}
    base = Path(tmp_dir) / "回收" if tmp_dir else Path("回收")
    src = {name: base / f"{name}_质量月填报表.xlsx" for name in REPORTED}
    if tmp_dir:
        base.mkdir(parents=True, exist_ok=True)
        for p in src.values():
            p.write_bytes(b"")
        if photos:
            (base / "a1.png").write_bytes(png_bytes(rgb=(200, 60, 60)))
            (base / "a2.png").write_bytes(png_bytes(rgb=(60, 60, 200)))

    def rows(city: str, items: list[dict]) -> list[dict]:
        return [{**r, **_prov(city, codes[city], src[city], 5 + i)} for i, r in enumerate(items)]

    publicity = pd.DataFrame(
        rows("南宁市", [
            dict(date=D(2022, 9, 5), form="专题讲座", title="质量月启动暨工程质量专题讲座", channel="现场", participants=320, items=5, link=None, remark=None),
            dict(date=D(2022, 9, 12), form="线上宣传", title="质量月系列微信推送", channel="微信公众号", participants=1500, items=12, link="https://example.gov.cn/a", remark=None),
            dict(date=D(2022, 9, 20), form="悬挂标语", title="工地悬挂质量月标语", channel="现场", participants=None, items=30, link=None, remark=None),
        ])
        + rows("柳州市", [
            dict(date=D(2022, 9, 8), form="学习培训", title="质量安全手册学习培训", channel="现场", participants=180, items=2, link=None, remark=None),
            dict(date=D(2022, 9, 15), form="宣传资料", title="印发质量宣传资料", channel="官方网站", participants=0, items=8, link=None, remark=None),
        ])
        + rows("桂林市", [
            dict(date=D(2022, 9, 10), form="咨询活动", title="质量咨询进工地", channel="现场", participants=260, items=4, link=None, remark=None),
        ])
        + rows("梧州市", [
            dict(date=D(2022, 9, 9), form="专题讲座", title="工程质量法规讲座", channel="现场", participants=150, items=3, link=None, remark=None),
            dict(date=D(2022, 9, 21), form="线上宣传", title="质量月短视频展播", channel="短视频", participants=900, items=6, link=None, remark=None),
        ])
    )
    tours = pd.DataFrame(
        rows("南宁市", [
            dict(date=D(2022, 9, 14), project="南宁市五象新区某安置房项目", organiser="南宁市住房和城乡建设局", participants=200, methods="铝模施工工艺、附着式升降脚手架", remark=None),
            dict(date=D(2022, 9, 22), project="南宁轨道交通某站", organiser="南宁市建设工程质量安全监督站", participants=150, methods="BIM 技术应用", remark=None),
        ])
        + rows("柳州市", [dict(date=D(2022, 9, 19), project="柳州市某学校项目", organiser="柳州市住房和城乡建设局", participants=120, methods=None, remark=None)])
        + rows("桂林市", [dict(date=D(2022, 9, 23), project="桂林市某医院项目", organiser="桂林市住房和城乡建设局", participants=90, methods="装配式建筑", remark=None)])
    )
    manual = pd.DataFrame(
        rows("南宁市", [
            dict(kind="示范企业", name=C1[0], credit_code=C1[1], compiled="是", in_inspection="是", date=D(2022, 9, 6), remark=None),
            dict(kind="示范项目", name="南宁市五象新区某安置房项目", credit_code=None, compiled="否", in_inspection="是", date=None, remark=None),
            dict(kind="企业手册（施工）", name=C2[0], credit_code=C2[1], compiled="是", in_inspection="否", date=None, remark=None),
        ])
        + rows("柳州市", [dict(kind="企业手册（监理）", name="柳州市建设监理有限公司", credit_code=None, compiled="是", in_inspection="是", date=None, remark=None)])
        + rows("桂林市", [dict(kind="示范项目", name="桂林市某医院项目", credit_code=None, compiled="否", in_inspection="是", date=None, remark=None)])
    )
    videos = pd.DataFrame(
        rows("南宁市", [
            dict(title="匠心筑质量", unit=C1[0], author="陈明", duration=180, phone="13977112345", file_name="匠心筑质量.mp4", remark=None),
            dict(title="一根钢筋的旅程", unit=C2[0], author="欧阳娜娜", duration=240, phone="13877154321", file_name="钢筋.mp4", remark=None),
        ])
        + rows("柳州市", [dict(title="质量在我心", unit=C3[0], author="黄丽", duration=300, phone="18977298765", file_name="质量在我心.mp4", remark=None)])
        + rows("梧州市", [dict(title="守护每一方", unit=C5[0], author="李强", duration=150, phone="15977411111", file_name="守护.mp4", remark=None)])
    )
    quiz = pd.DataFrame(
        rows("南宁市", [
            dict(participant="刘洋", unit=C1[0], online=92, offline=88, time_used=600, remark=None),
            dict(participant="周杰", unit=C2[0], online=85, offline=None, time_used=720, remark=None),
            dict(participant="吴敏", unit=B1[0], online=None, offline=90, time_used=None, remark=None),
        ])
        + rows("柳州市", [
            dict(participant="郑雪", unit=C3[0], online=78, offline=80, time_used=800, remark=None),
            dict(participant="孙浩", unit=C3[0], online=88, offline=None, time_used=650, remark=None),
        ])
        + rows("桂林市", [dict(participant="马丽", unit=C4[0], online=95, offline=None, time_used=500, remark=None)])
        + rows("梧州市", [
            dict(participant="胡军", unit=C5[0], online=None, offline=76, time_used=None, remark=None),
            dict(participant="林芳", unit=C6[0], online=81, offline=83, time_used=900, remark=None),
        ])
    )

    def spot(project, location, contractor, item, measured, judgment, basis, message, *, category="实体质量",
             grade=None, spec=None, design=None, stated=None, notice_no=None, notice_date=None, deadline=None,
             status=None, case_filed="否", manufacturer=None, batch=None, builder=B1, supervisor=S1, day=D(2022, 9, 15)):
        return dict(
            project=project, location=location, builder=builder[0], builder_code=builder[1],
            contractor=contractor[0], contractor_code=contractor[1], supervisor=supervisor[0], supervisor_code=supervisor[1],
            date=day, category=category, item=item, grade=grade, spec=spec, design=design, measured=measured,
            stated=stated or judgment, notice_no=notice_no, notice_date=notice_date, deadline=deadline, status=status,
            case_filed=case_filed, manufacturer=manufacturer, batch=batch, batch_selfcheck=None, remark=None,
            judgment=judgment, basis=basis, judgment_message=message,
        )

    PA = ("南宁市五象新区某安置房项目1#楼", "南宁市良庆区五象大道东段")
    PB = ("南宁市青秀区某商业综合体", "南宁市青秀区民族大道")
    PC = ("柳州市某学校教学楼", "柳州市城中区文昌路")
    PD = ("柳州市某住宅小区3#楼", "柳州市鱼峰区柳石路")
    PE = ("桂林市某医院门诊楼", "桂林市七星区施家园路")
    PF = ("梧州市某保障性住房项目", "梧州市万秀区西江二路")
    PG = ("梧州市某商住楼", "梧州市长洲区新兴二路")
    spotcheck = pd.DataFrame(
        rows("南宁市", [
            spot(*PA, C1, "钢筋下屈服强度", "385、402、398", "不合格", "GB/T 1499.2-2018 表6",
                 "下屈服强度实测最小值 385 MPa，低于 HRB400E 的标准值 400 MPa（1/3 个试样不合格）",
                 category="建筑材料", grade="HRB400E", spec="16", notice_no="南建质整改〔2022〕5号",
                 notice_date=D(2022, 9, 16), deadline=D(2022, 9, 30), status="整改中", case_filed="是",
                 manufacturer="广西某钢铁有限公司", batch="B22-0915"),
            spot(*PA, C1, "板保护层厚度", "15、22、24、9、16、17", "不合格", "GB 50204-2015 E.0.4、E.0.5",
                 "板保护层厚度设计值 15 mm，实测 6 点，合格 3 点，合格点率 50.0%，低于 80%",
                 design=15, notice_no="南建质整改〔2022〕5号", notice_date=D(2022, 9, 16), deadline=D(2022, 9, 30)),
            spot(*PA, C1, "梁保护层厚度", "25、27、30、24", "合格", "GB 50204-2015 E.0.4、E.0.5", "合格", design=25),
            spot(*PB, C2, "板厚", "120、118、123", "合格", "GB 50204-2015 表8.3.2、F.0.4", "合格", design=120),
        ])
        + rows("柳州市", [
            spot(*PC, C3, "板厚", "112、118、125、109", "不合格", "GB 50204-2015 表8.3.2、F.0.4",
                 "板厚设计值 120 mm，实测 4 处，合格 2 处（允许偏差 10/-5 mm），合格率 50.0%，低于 70%",
                 design=120, notice_no="柳建质〔2022〕12号", notice_date=D(2022, 9, 20), day=D(2022, 9, 19)),
            spot(*PC, C3, "钢筋最大力总延伸率", "10.5、11.0、9.8", "合格", "GB/T 1499.2-2018 表6", "合格",
                 category="建筑材料", grade="HRB400E", spec="20"),
            spot(*PD, C3, "板保护层厚度", "15、16、18、21、14、13、16、24、15、16", "需复检", "GB 50204-2015 E.0.4、E.0.5",
                 "合格点率 85.0%，在 80%～90% 之间，应再抽取相同数量构件检验", design=15),
        ])
        + rows("桂林市", [
            spot(*PE, C4, "电线导体电阻", "7.30、7.35", "合格", "GB/T 3956-2008 表2", "合格", category="建筑材料", spec="2.5"),
            spot(*PE, C4, "墙厚", "200、203、198", "合格", "GB 50204-2015 表8.3.2、F.0.4", "合格", design=200),
        ])
        + rows("梧州市", [
            spot(*PF, C5, "钢筋重量偏差", "-7.2", "不合格", "GB/T 1499.2-2018 6.6",
                 "重量偏差实测 -7.2%，超出 Φ12 允许偏差 ±6.0%", category="建筑材料", grade="HRB400E", spec="12",
                 notice_no="梧建质〔2022〕3号", notice_date=D(2022, 9, 22), deadline=D(2022, 10, 20), case_filed="是",
                 manufacturer="广西某钢铁有限公司", batch="B22-0915", day=D(2022, 9, 21)),
            spot(*PF, C6, "板厚", "100、93、108、92", "不合格", "GB 50204-2015 表8.3.2、F.0.4",
                 "板厚设计值 100 mm，实测 4 处，合格 2 处（允许偏差 10/-5 mm），合格率 50.0%，低于 70%",
                 design=100, notice_no="梧建质〔2022〕4号", notice_date=D(2022, 9, 22), day=D(2022, 9, 21)),
            spot(*PG, C5, "层高", "2995、3004、3008", "合格", "GB 50204-2015 表8.3.2、F.0.4", "合格", design=3000),
        ])
    )
    exposure = pd.DataFrame(
        rows("南宁市", [dict(project=PA[0], location=PA[1], builder=B1[0], contractor=C1[0], supervisor=S1[0],
                            problem="现浇板钢筋保护层厚度不足，局部钢筋外露",
                            standard="《混凝土结构工程施工质量验收规范》GB 50204-2015", clause="8.3.2",
                            photos="a1.png、a2.png", date=D(2022, 9, 26), url=None)])
        + rows("柳州市", [dict(project=PC[0], location=PC[1], builder="柳州市教育投资有限公司", contractor=C3[0], supervisor=None,
                            problem="楼板厚度偏差超出允许范围",
                            standard="《混凝土结构工程施工质量验收规范》GB 50204-2015", clause="表8.3.2",
                            photos="c1.jpg", date=D(2022, 9, 27), url=None)])
        + rows("梧州市", [dict(project=PF[0], location=PF[1], builder="梧州市保障房建设有限公司", contractor=C5[0], supervisor=S1[0],
                            problem="使用重量偏差不合格钢筋，现场负责人张伟（13812345678）未组织退场",
                            standard="《钢筋混凝土用钢 第2部分：热轧带肋钢筋》GB/T 1499.2-2018", clause="6.6",
                            photos="", date=D(2022, 9, 28), url=None)])
    )
    complaints = pd.DataFrame(
        rows("南宁市", [
            dict(no="NN-2022-001", date=D(2022, 9, 3), real_name="是", complainant="张三", phone="13812345678",
                 id_number=idno("45010319900101123"), project=PA[0], type="渗漏", verified="属实", level="一般", reward=60, closed=D(2022, 9, 20)),
            dict(no="NN-2022-002", date=D(2022, 9, 6), real_name="否", complainant=None, phone=None, id_number=None,
                 project=PB[0], type="装饰装修", verified="不属实", level=None, reward=None, closed=D(2022, 9, 18)),
            dict(no="NN-2022-003", date=D(2022, 9, 9), real_name="是", complainant="欧阳娜娜", phone="0771-5551234",
                 id_number=idno("45010219851212232"), project=PB[0], type="主体结构", verified="部分属实", level="较大", reward=215.5, closed=D(2022, 9, 28)),
        ])
        + rows("柳州市", [
            dict(no="LZ-2022-001", date=D(2022, 9, 12), real_name="是", complainant="李四", phone="13907721234",
                 id_number=idno("45020219920303345"), project=PD[0], type="给排水", verified="核查中", level=None, reward=None, closed=None),
            dict(no="LZ-2022-002", date=D(2022, 9, 14), real_name="是", complainant="王五", phone="18677256789",
                 id_number=idno("45020319880808456"), project=PC[0], type="主体结构", verified="属实", level="重大", reward=510, closed=D(2022, 9, 29)),
        ])
        + rows("桂林市", [
            dict(no="GL-2022-001", date=D(2022, 9, 18), real_name="否", complainant=None, phone=None, id_number=None,
                 project=PE[0], type="电气", verified="属实", level="一般", reward=None, closed=D(2022, 9, 30)),
        ])
        + rows("梧州市", [
            dict(no="WZ-2022-001", date=D(2022, 9, 20), real_name="是", complainant="赵六", phone="15977467890",
                 id_number=idno("45040319790909567"), project=PG[0], type="节能保温", verified="不属实", level=None, reward=8.8, closed=D(2022, 9, 27)),
        ])
    )
    appraisal = pd.DataFrame(
        rows("南宁市", [
            dict(address="南宁市武鸣区双桥镇平福村那良屯18号", owner="韦大山", agency="广西某房屋安全鉴定有限公司", agency_code=None,
                 agency_qual="具备", appraiser_qual="具备", date=D(2022, 9, 10), grade="A级", measure="无需处理", procedure_ok="是",
                 supervision="符合要求", bad_record="否", remark=None),
            dict(address="南宁市西乡塘区大学东路100号5栋", owner="黄小梅", agency="广西某房屋安全鉴定有限公司", agency_code=None,
                 agency_qual="具备", appraiser_qual="具备", date=D(2022, 9, 12), grade="C级", measure="处理使用", procedure_ok="是",
                 supervision="存在问题已整改", bad_record="否", remark=None),
        ])
        + rows("柳州市", [
            dict(address="柳州市柳南区航银路8号", owner="蒙志刚", agency="柳州某检测咨询有限公司", agency_code=None,
                 agency_qual="不具备", appraiser_qual="不具备", date=D(2022, 9, 16), grade="D级", measure="停止使用", procedure_ok="否",
                 supervision="存在问题未整改", bad_record="是", remark=None),
        ])
        + rows("桂林市", [
            dict(address="桂林市秀峰区中山中路66号", owner="唐红", agency="桂林某工程检测有限公司", agency_code=None,
                 agency_qual="具备", appraiser_qual="具备", date=D(2022, 9, 20), grade="B级", measure="观察使用", procedure_ok="是",
                 supervision="符合要求", bad_record="否", remark=None),
        ])
        + rows("梧州市", [
            dict(address="梧州市万秀区大东上路22号", owner="梁伟", agency="梧州某建筑检测有限公司", agency_code=None,
                 agency_qual="具备", appraiser_qual="具备", date=D(2022, 9, 24), grade="A级", measure=None, procedure_ok="是",
                 supervision="未督导", bad_record="否", remark=None),
        ])
    )
    frames = dict(publicity=publicity, tours=tours, manual=manual, videos=videos, quiz=quiz, spotcheck=spotcheck,
                  exposure=exposure, complaints=complaints, appraisal=appraisal)
    from workbook_templates.contract import load_contract

    for sheet in load_contract().table_sheets:     # sheets these documents do not read (同批次自查): empty
        frames.setdefault(sheet.key, pd.DataFrame(columns=["city", "city_code", *(c.key for c in sheet.columns),
                                                           "source_file", "source_row"]))

    stats = pd.DataFrame([_city_stats(city, frames, camp) for city in camp.cities])
    nonconforming = spotcheck[spotcheck["judgment"] == "不合格"].reset_index(drop=True)
    bad_batches = nonconforming.dropna(subset=["batch"])[["manufacturer", "batch"]].drop_duplicates()
    batch_trace = spotcheck.merge(bad_batches, on=["manufacturer", "batch"])[
        ["manufacturer", "batch", "city", "city_code", "project", "contractor", "item", "judgment"]]
    submissions = [
        Submission(file=str(src[name]), city=name, city_code=codes[name], fill_date=day,
                   mtime=dt.datetime.combine(day, dt.time(9)), sha256="0" * 64, template_version="1.0",
                   late=name in LATE, status="采用")
        for name, day in REPORTED.items()
    ]
    return Consolidated(
        campaign=camp, frames=frames, stats=stats,
        findings=pd.DataFrame(columns=["code", "severity", "message", "file", "sheet", "cell", "column", "basis", "value"]),
        submissions=submissions, missing_cities=list(MISSING), late_cities=list(LATE), duplicate_files=[],
        nonconforming=nonconforming, batch_trace=batch_trace,
        info=pd.DataFrame([
            {"city": ci.name, "city_code": ci.code, "status": ("未报送" if ci.name not in REPORTED else
                                                              "逾期报送" if ci.name in LATE else "已报送"),
             "unit": f"{ci.name}住房和城乡建设局" if ci.name in REPORTED else None,
             "fill_date": REPORTED.get(ci.name),
             "plan_status": {"南宁市": "已制定", "柳州市": "已制定", "桂林市": "未制定", "梧州市": "已制定"}.get(ci.name),
             "plan_doc": {"南宁市": "南建质〔2022〕12号", "柳州市": None, "梧州市": "梧建质〔2022〕8号"}.get(ci.name),
             "complaint_officer": {"南宁市": "覃明", "柳州市": "韦芳", "梧州市": "陈刚"}.get(ci.name)}
            for ci in camp.cities]),
    )


def _city_stats(city, frames: dict[str, pd.DataFrame], camp) -> dict:
    row: dict = {"city": city.name, "city_code": city.code}
    if city.name not in REPORTED:
        row.update(status="未报送", fill_date=None)
        return row          # every figure NaN, as for a city that sent nothing
    f = {k: v[v["city"] == city.name] for k, v in frames.items()}
    sp = f["spotcheck"]
    passed, failed = int((sp["judgment"] == "合格").sum()), int((sp["judgment"] == "不合格").sum())
    cp = f["complaints"]
    ap = f["appraisal"]
    row.update(
        status="逾期报送" if city.name in LATE else "已报送",
        fill_date=REPORTED[city.name],
        publicity_events=len(f["publicity"]),
        publicity_participants=int(f["publicity"]["participants"].fillna(0).sum()),
        publicity_items=int(f["publicity"]["items"].fillna(0).sum()),
        tours_events=len(f["tours"]),
        tours_participants=int(f["tours"]["participants"].fillna(0).sum()),
        manual_demo=int(f["manual"]["kind"].isin(["示范企业", "示范项目"]).sum()),
        manual_firms=int(f["manual"]["kind"].isin(["企业手册（施工）", "企业手册（监理）"]).sum()),
        manual_compiled=int((f["manual"]["kind"].isin(["企业手册（施工）", "企业手册（监理）"])
                             & (f["manual"]["compiled"] == "是")).sum()),
        publicity_online=int(f["publicity"]["channel"].isin(["官方网站", "微信公众号", "短视频"]).sum()),
        manual_in_inspection=int((f["manual"]["in_inspection"] == "是").sum()),
        videos=len(f["videos"]),
        quiz_participants=len(f["quiz"]),
        spot_projects=sp["project"].nunique(),
        spot_items=len(sp),
        spot_pass=passed,
        spot_fail=failed,
        spot_recheck=int((sp["judgment"] == "需复检").sum()),
        spot_unjudged=int((~sp["judgment"].isin(["合格", "不合格", "需复检"])).sum()),
        spot_pass_rate=passed / (passed + failed) if passed + failed else float("nan"),
        notices=sp.loc[sp["judgment"] == "不合格", "notice_no"].dropna().nunique(),
        cases_filed=len(sp.loc[sp["case_filed"] == "是", ["project", "contractor"]].drop_duplicates()),
        exposures=f["exposure"]["project"].nunique(),
        exposure_items=len(f["exposure"]),
        exposure_cited=int((f["exposure"]["standard"].fillna("").ne("") & f["exposure"]["clause"].fillna("").ne("")).sum()),
        complaints=len(cp),
        complaints_real=int((cp["real_name"] == "是").sum()),
        complaints_verified=int(cp["verified"].isin(["属实", "部分属实"]).sum()),
        complaints_pending=int((cp["verified"] == "核查中").sum()),
        rewards_paid=int(((cp["reward"].fillna(0) > 0) & (cp["real_name"] == "是")).sum()),
        reward_total=float(cp.loc[cp["real_name"] == "是", "reward"].fillna(0).sum()),
        appraisals=len(ap),
        appraisal_a=int((ap["grade"] == "A级").sum()),
        appraisal_b=int((ap["grade"] == "B级").sum()),
        appraisal_c=int((ap["grade"] == "C级").sum()),
        appraisal_d=int((ap["grade"] == "D级").sum()),
        appraisal_cd_handled=int((ap["grade"].isin(["C级", "D级"]) & ~ap["measure"].fillna("无需处理").eq("无需处理")).sum()),
        appraisal_unqualified=int(((ap["agency_qual"] == "不具备") | (ap["appraiser_qual"] == "不具备")).sum()),
        agencies=ap["agency"].nunique(),
        bad_records=int((ap["bad_record"] == "是").sum()),
        errors=0,
        warnings=1 if city.name in LATE else 0,
    )
    return row


# -- reading produced documents back ------------------------------------------------------
def docx_part(path, name: str = "word/document.xml") -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def docx_parts(path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.namelist()


def docx_text(path) -> str:
    """All text of the body (paragraphs and table cells, in order), one paragraph a line,
    without the zero-width spaces added for line breaking."""
    from docx import Document
    from docx.oxml.ns import qn

    body = Document(str(path)).element.body
    lines = []
    for p in body.iter(qn("w:p")):
        lines.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return "\n".join(lines).replace("\u200b", "")


def row_texts(row) -> list[str]:
    """A python-docx table row's cell texts, without zero-width spaces."""
    return [c.text.replace("\u200b", "") for c in row.cells]
