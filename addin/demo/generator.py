"""演示数据：按活动设置生成各市“已填报”的质量月填报表，并附一份标准答案（manifest.json）。

用法
----
    qm demo 演示目录 [--seed 2022]

或在 Python 中调用 ``generate_demo(out_dir, campaign, seed=2022)``。同一个 seed 生成的每个
单元格都相同（工作簿属性、压缩包内时间戳和文件修改时间也固定），因此“逾期报送”等结论可以复现。

生成的内容
----------
- 每个城市一份用官方模板（``build_workbook``）填写的工作簿，内容贴近实际：南宁市青秀区某某
  花园3#楼这样的工程名称，带正确校验位的统一社会信用代码（91 + 本市行政区划代码 + 9 位主体
  标识码 + 校验码），宣传宣讲、观摩交流、质量安全手册、微视频、知识竞赛、质量投诉、自建房
  安全鉴定、典型问题曝光等记录。单位、人员、工程、网址均为虚构。
- 监督抽测每市 20～60 行，覆盖规则库中的全部检测项目；实测值围绕标准限值生成，约有百分之几
  不合格（保护层厚度、截面尺寸等另有少量“需复检”）。每行的“判定”由生成器先定，再按规则库
  TOML 中的限值构造实测值，并与限值留出余量（``addin/demo/spotcheck.py``，不调用 ``judge()``，
  因此标准答案可以用来检验 ``judge()``）；不合格行都有整改通知书编号、下发日期、整改期限
  （不早于下发日期）和整改状态；建筑材料行都有生产厂家和批号。有一个不合格的“厂家 + 批号”同时出现在另外两个城市的工地（用于同批次
  追溯，见 manifest 的 ``batch_trace``）。
- 质量投诉：实名或匿名；核查属实的有问题等级；奖励只发给实名投诉（随机红包 + 按等级的额外
  奖励）；办结日期不早于受理日期。自建房鉴定：按 JGJ 125-2016 评 A～D 级，C/D 级都有处理措施，
  不具备资质或资格的都认定了不良行为记录。
- 典型问题曝光写明违反的规范名称和条文；照片（小的 JPEG/PNG 占位图）放在工作簿旁边，
  其中故意少放一张（manifest 的 ``missing_photos``）。
- 几处“写法不规范但有效”的单元格，校验时不应报问题（manifest 的 ``messy_cells``）：实测值用
  全角数字（如“４３５、４４２”），日期写成文本“2022年9月15日”，实测值带单位“420MPa”，
  是否栏写成带空格的“是 ”。

故意安排的情况（以默认的广西 14 市为例；其他活动按城市顺序同样安排）
----------------------------------------------------------------------
- 未报送：最后一个城市（崇左市）没有文件。
- 重复报送：第 2 个城市（柳州市）报了两次，先报的“…_柳州市.xlsx”（填报日期 10 月 6 日），
  后报的“…_柳州市（更正版）.xlsx”（10 月 9 日，行数更多）。应采用后报的一份。
- 逾期报送：倒数第 3 个城市（河池市）填报日期和文件修改时间都在报送截止日期之后。
- 有错的城市（桂林、梧州、北海、玉林），每处错误对应校验器应报的问题（代码、文件、工作表、
  单元格），全部列在 manifest 的 ``expected_findings``：
    桂林市：日期“9月31日”（type-error）、活动名称未填（missing-required）、形式“座谈会”
            （not-in-choices）、微视频时长 900 秒（out-of-range）、观摩日期 10 月 12 日
            （date-outside-campaign）。
    梧州市：信用代码校验位错（invalid-credit-code）、身份证号校验位错（invalid-id-number）、
            知识竞赛重复行（duplicate-row，报在后一行的 A 列）、属实投诉未定等级
            （complaint-verified-without-level）、匿名投诉发奖励（complaint-reward-without-real-name）、
            办结早于受理（complaint-closed-before-received）。
    北海市：填“合格”而复核不合格且未下发整改通知（judgment-mismatch + nonconforming-without-notice），
            规则库外的检测项目（not-in-choices + judgment-no-rule，同一单元格），不合格未填整改通知书
            编号（nonconforming-without-notice），整改期限早于下发日期（deadline-before-issue）。
    玉林市：C 级未填处理措施、D 级填“无需处理”（appraisal-no-measure），无资质机构未认定不良行为
            （appraisal-unqualified-no-record）。
  其余单元格都应校验通过。批次层面的问题（逾期、重复、未报送）列在 ``expected_batch_findings``。

标准答案（manifest.json 的 ``counts``）
--------------------------------------
按每个城市应采用的那份文件，由生成器自己的记录计算（不读回文件），键名与
``addin.consolidate.model.STAT_COLUMNS`` 一致；口径见 manifest 的 ``definitions``。
"""
from __future__ import annotations

import base64
import dataclasses
import functools
from addin.core.errors import QmValueError
import datetime as dt
import hashlib
import io
import json
import os
import random
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from addin.infra.atomic import atomic_path
from addin.core.idcodes import id_check_char, uscc_check_char
from addin.core.findings import CODES, ERROR, WARNING
from addin.core.normalize import clean_text, parse_numbers, parse_yes_no
from addin.campaign.settings import Campaign, City
from workbook_templates.builder import build_workbook, workbook_filename
from workbook_templates.contract import Contract, load_contract
from addin.demo.spotcheck import can_target, evaluate, is_material, load_rules, plan_row, rule_items

__all__ = ["DemoManifest", "CityReturn", "generate_demo", "generate_city", "build_city_workbook",
           "save_deterministic", "VERDICTS"]

VERDICTS = ("合格", "不合格", "需复检")
MANIFEST_NAME = "manifest.json"

# ----------------------------------------------------------------- place names
# Districts (GB/T 2260) of the 14 Guangxi cities; a city not listed gets generic districts.
_DISTRICTS: dict[str, tuple[tuple[str, str], ...]] = {
    "450100": (("青秀区", "450103"), ("兴宁区", "450102"), ("江南区", "450105"), ("西乡塘区", "450107"),
               ("良庆区", "450108"), ("邕宁区", "450109"), ("武鸣区", "450110")),
    "450200": (("城中区", "450202"), ("鱼峰区", "450203"), ("柳南区", "450204"), ("柳北区", "450205"),
               ("柳江区", "450206")),
    "450300": (("秀峰区", "450302"), ("叠彩区", "450303"), ("象山区", "450304"), ("七星区", "450305"),
               ("雁山区", "450311"), ("临桂区", "450312")),
    "450400": (("万秀区", "450403"), ("长洲区", "450405"), ("龙圩区", "450406"), ("岑溪市", "450481")),
    "450500": (("海城区", "450502"), ("银海区", "450503"), ("铁山港区", "450512"), ("合浦县", "450521")),
    "450600": (("港口区", "450602"), ("防城区", "450603"), ("东兴市", "450681")),
    "450700": (("钦南区", "450702"), ("钦北区", "450703"), ("灵山县", "450721")),
    "450800": (("港北区", "450802"), ("港南区", "450803"), ("覃塘区", "450804"), ("桂平市", "450881")),
    "450900": (("玉州区", "450902"), ("福绵区", "450903"), ("北流市", "450981")),
    "451000": (("右江区", "451002"), ("田阳区", "451003"), ("靖西市", "451081")),
    "451100": (("八步区", "451102"), ("平桂区", "451103"), ("钟山县", "451122")),
    "451200": (("金城江区", "451202"), ("宜州区", "451203"), ("南丹县", "451221")),
    "451300": (("兴宾区", "451302"), ("象州县", "451322"), ("合山市", "451381")),
    "451400": (("江州区", "451402"), ("扶绥县", "451421"), ("凭祥市", "451481")),
}
_PHONE_AREA = {"450100": "0771", "450200": "0772", "450300": "0773", "450400": "0774", "450500": "0779",
               "450600": "0770", "450700": "0777", "450800": "0775", "450900": "0775", "451000": "0776",
               "451100": "0774", "451200": "0778", "451300": "0772", "451400": "0771"}
_ROADS = ("民族大道", "五象大道", "凤岭北路", "建设路", "人民路", "新华路", "环城路", "滨江路", "解放路",
          "朝阳路", "中山路", "学院路", "工业大道", "东环大道", "西环路", "迎宾大道", "江滨路", "长堤路",
          "桂雅路", "北湖路", "园湖路", "龙腾路", "金湖路", "金凯路")
_ESTATE = ("翠湖", "锦绣", "阳光", "金桂", "滨江", "山水", "书香", "御景", "悦澜", "鼎盛", "荔园", "凤岭",
           "江韵", "桂语", "云栖", "龙湖", "东方", "和园", "蓝湾", "橡树", "棠樾", "天悦", "溪岸", "紫荆")
_ESTATE_SUFFIX = ("花园", "苑", "府", "小区", "新城", "雅居", "华庭", "公馆")
_FIRM_WORD = ("华鼎", "桂诚", "恒泰", "宏源", "建邦", "安居", "瑞丰", "八桂", "邕江", "中泰", "嘉信",
              "锦程", "利达", "信达", "正和", "永盛", "联发", "金鹏", "远洋", "德润", "盛通", "汇源",
              "鸿业", "通达", "华盛", "铭宇", "启航", "博远", "润桂", "泰和")
_SURNAMES = "李黄韦陈梁刘覃莫蒙罗张王杨林周吴农陆蓝廖谢邓何唐蒋苏潘卢甘欧"
_GIVEN = "伟芳勇军杰强磊洋艳敏静丽娟涛明超华平刚桂兰春秋海燕玲婷宇鹏浩凯斌飞霞峰俊波晓志建文国红庆荣宁彬琳颖"

_REBAR_MAKERS = ("广西八桂钢铁有限公司", "防城港海港钢铁有限公司", "贵港鑫源钢铁有限公司",
                 "柳州华宏特钢有限公司", "广西盛桂钢铁集团有限公司")
_WIRE_MAKERS = ("广西桂缆电线电缆有限公司", "南宁邕达电线电缆有限公司", "柳州华通电缆有限公司",
                "梧州金鑫电线有限公司")

_METHODS_WORK = ("铝模板施工工艺", "全钢附着式升降脚手架", "BIM 技术深化设计", "装配式叠合板安装",
                 "卫生间沉箱二次防水", "砌体工程样板引路", "外墙窗台一次成型", "楼板厚度控制工具",
                 "混凝土养护喷淋系统", "钢筋数控加工", "智慧工地监控平台", "高精度砌块薄灰砌筑")

# (problem, standard, clause): standard names and clauses as they are cited in exposure notices.
_EXPOSURES = (
    ("框架梁纵向受力钢筋保护层厚度实测合格点率低于 80%，且有偏差超过允许偏差的 1.5 倍",
     "《混凝土结构工程施工质量验收规范》GB 50204-2015", "E.0.5"),
    ("梁柱节点核心区箍筋漏放，受力钢筋数量不符合设计要求",
     "《混凝土结构工程施工质量验收规范》GB 50204-2015", "5.5.1"),
    ("剪力墙根部混凝土出现蜂窝、露筋等严重缺陷，未经处理即进入下道工序",
     "《混凝土结构工程施工质量验收规范》GB 50204-2015", "8.2.1"),
    ("进场钢筋未按规定抽取试件作屈服强度、抗拉强度、伸长率和重量偏差检验即投入使用",
     "《混凝土结构工程施工质量验收规范》GB 50204-2015", "5.2.1"),
    ("抗震框架使用的 HRB400E 钢筋最大力总延伸率实测值低于 9%",
     "《混凝土结构工程施工质量验收规范》GB 50204-2015", "5.2.3"),
    ("砖砌体转角处未同时砌筑，临时间断处未按规定留置斜槎",
     "《砌体结构工程施工质量验收规范》GB 50203-2011", "5.2.3"),
    ("同一验收批砌筑砂浆试块强度平均值低于设计强度等级值的 1.10 倍",
     "《砌体结构工程施工质量验收规范》GB 50203-2011", "4.0.12"),
    ("现浇楼板混凝土回弹强度推定值低于设计强度等级",
     "《混凝土结构工程施工质量验收规范》GB 50204-2015", "7.4.1"),
)

# Titles of the standards the rule catalog cites, for the exposure list.
_STANDARD_TITLES = {
    "GB/T 1499.2-2018": "《钢筋混凝土用钢 第2部分：热轧带肋钢筋》",
    "GB/T 1499.1-2017": "《钢筋混凝土用钢 第1部分：热轧光圆钢筋》",
    "GB 1499.2-2024": "《钢筋混凝土用钢 第2部分：热轧带肋钢筋》",
    "GB 1499.1-2024": "《钢筋混凝土用钢 第1部分：热轧光圆钢筋》",
    "GB 50204-2015": "《混凝土结构工程施工质量验收规范》",
    "JGJ/T 23-2011": "《回弹法检测混凝土抗压强度技术规程》",
    "GB/T 3956-2008": "《电缆的导体》",
    "GB 50203-2011": "《砌体结构工程施工质量验收规范》",
}

_PUBLICITY = {
    "专题讲座": ("“质量月”工程质量法律法规专题讲座", "《建设工程质量管理条例》宣贯讲座",
               "住宅工程质量常见问题防治专题讲座", "“{theme}”主题宣讲"),
    "学习培训": ("工程质量安全手册实施细则学习培训", "《混凝土结构工程施工质量验收规范》培训",
               "质量员岗位能力提升培训", "建筑节能工程质量验收培训"),
    "宣传资料": ("印发“质量月”活动宣传手册", "发放工程质量投诉指南宣传单", "编印质量常见问题防治图册"),
    "悬挂标语": ("在建工地悬挂“质量月”主题宣传标语", "施工现场设置“质量月”宣传栏"),
    "咨询活动": ("“质量月”质量咨询进社区", "工程质量投诉处理现场咨询", "住宅工程质量分户验收咨询日"),
    "线上宣传": ("“质量月”活动专题报道", "“{theme}”主题宣传", "质量投诉渠道和奖励办法公告",
               "工程质量常见问题防治系列短视频"),
    "其他": ("“质量月”活动启动仪式", "“质量月”主题征文活动", "工程质量开放日"),
}
_ONLINE = ("官方网站", "微信公众号", "短视频", "广告屏")
_VIDEO_TITLES = ("匠心筑品质", "一根钢筋的旅程", "质量就在细节里", "守护每一方混凝土", "样板引路看得见",
                 "手册进工地", "我的质量员日记", "从图纸到精品", "安居的底气", "质量月里话质量",
                 "保护层的秘密", "一块砖的坚守")
_COMPLAINT_REMARKS = ("外墙渗水", "卫生间楼板渗漏", "墙面空鼓开裂", "地下室渗水", "楼板裂缝",
                      "外墙保温层脱落", "水管爆裂", "配电箱接线不规范", "小区道路沉降")
_TOWNS = ("街道", "镇")
_VILLAGE = ("村", "社区")

# A tiny grey JPEG, used when Pillow is not installed.
_FALLBACK_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1R"
    "V19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2P/wAARCAAMABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAA"
    "AgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6"
    "Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXG"
    "x8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREA"
    "AgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5"
    "OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPE"
    "xcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwC3RRRQB//Z"
)

# Default table sizes (min, max rows) for a demo return; the benchmark passes bigger ones.
DEFAULT_SIZES: dict[str, tuple[int, int]] = {
    "publicity": (8, 22), "tours": (3, 8), "manual": (8, 18), "videos": (3, 9), "quiz": (30, 90),
    "spotcheck": (20, 60), "exposure": (2, 4), "complaints": (6, 24), "appraisal": (6, 24),
}


# ----------------------------------------------------------------- small helpers
def _short(city: City) -> str:
    name = city.name
    for suffix in ("市", "地区", "州", "盟"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _districts(city: City) -> tuple[tuple[str, str], ...]:
    known = _DISTRICTS.get(city.code)
    if known:
        return known
    base = city.code[:4]
    return (("城东区", base + "02"), ("城西区", base + "03"), ("新区", base + "05"))


def _uscc(name: str, area: str, seed: int) -> str:
    """A valid 统一社会信用代码 for a (fictional) company, stable for its name and the seed."""
    rng = random.Random(f"uscc:{seed}:{name}")
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "MA5" + "".join(rng.choice(chars) for _ in range(6))
    first = "91" + area + body
    return first + uscc_check_char(first)


def _bad_check(code: str, charset: str) -> str:
    """The same code with a wrong (but legal) check character."""
    last = code[-1]
    i = charset.index(last) if last in charset else 0
    return code[:-1] + charset[(i + 7) % len(charset)]


def _zip_fixed(data: bytes, when: dt.datetime) -> bytes:
    """Re-pack an xlsx with fixed entry timestamps and a fixed dcterms:modified (byte-reproducible)."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def save_deterministic(wb, path: str | Path, when: dt.datetime) -> Path:
    """Save ``wb`` atomically; the bytes depend only on its content and ``when``; mtime = ``when``."""
    path = Path(path)
    wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    data = _zip_fixed(buf.getvalue(), when)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    ts = when.timestamp()
    os.utime(path, (ts, ts))
    return path


def _png(width: int, height: int, rgb: tuple[int, int, int], stripe: tuple[int, int, int]) -> bytes:
    raw = bytearray()
    for y in range(height):
        raw.append(0)
        for x in range(width):
            raw.extend(stripe if (x // 16 + y // 16) % 5 == 0 else rgb)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def _photo_bytes(name: str, seed: int) -> bytes:
    rng = random.Random(f"photo:{seed}:{name}")
    base = (rng.randint(90, 200), rng.randint(90, 200), rng.randint(90, 200))
    mark = (rng.randint(0, 80), rng.randint(0, 80), rng.randint(0, 80))
    if name.lower().endswith(".png"):
        return _png(96, 72, base, mark)
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        return _FALLBACK_JPEG
    img = Image.new("RGB", (320, 240), base)
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randint(0, 280), rng.randint(0, 200)
        draw.rectangle((x, y, x + rng.randint(20, 120), y + rng.randint(10, 60)), outline=mark, width=3)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=60)
    return buf.getvalue()


# ----------------------------------------------------------------- the model of one return
@dataclass
class CityReturn:
    """One filled return, as the generator built it (rows are dicts by contract column key).

    Keys starting with ``_`` are the generator's own notes and are not written:
    ``_expect`` = [(finding code, column key)]; spot checks: ``_verdict`` = the verdict the row was built
    for (never asked of the judge), ``_rule`` = the catalog rule id it was built by, ``_message`` = why.
    """
    city: City
    info: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    photos: list[str] = field(default_factory=list)          # photo files to create
    missing_photos: list[str] = field(default_factory=list)  # referenced, deliberately not created
    messy: list[tuple[str, int, str]] = field(default_factory=list)  # (sheet key, row index, column key)
    gen: Any = field(default=None, repr=False, compare=False)        # the generator, to plant more rows


class _ActivityRows:
    """Row generators of _CityGen for the activities other than the spot checks: publicity, tours,
    manual, videos, quiz, exposure, complaints, appraisal (uses the base's people, firms and dates)."""

    def publicity(self) -> list[dict[str, Any]]:
        rng = self.rng
        out = []
        forms = list(_PUBLICITY)
        for i in range(self.rows("publicity")):
            form = forms[i % len(forms)] if i < len(forms) else rng.choice(forms)
            title = rng.choice(_PUBLICITY[form]).format(theme=self.campaign.theme)
            online = form == "线上宣传"
            channel = rng.choice(_ONLINE) if online else ("报刊" if form == "其他" and rng.random() < 0.3 else "现场")
            row = {"date": self.day(), "form": form, "title": f"{self.short}{title}" if rng.random() < 0.5 else title,
                   "channel": channel}
            if not online:
                row["participants"] = rng.randint(30, 400)
            if online or channel == "官方网站":
                row["items"] = rng.randint(1, 30)
                row["link"] = self._link(channel, row["date"])
            if rng.random() < 0.15:
                row["remark"] = rng.choice(("联合市总工会开展", "覆盖在建项目 {} 个".format(rng.randint(5, 60)),
                                            "县区同步开展"))
            out.append(row)
        out.sort(key=lambda r: r["date"])
        return out

    def _link(self, channel: str, day: dt.date) -> str:
        rng = self.rng
        if channel == "微信公众号":
            chars = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789_-"
            return "https://mp.weixin.qq.com/s/" + "".join(rng.choice(chars) for _ in range(22))
        if channel == "短视频":
            return f"https://www.douyin.com/video/{rng.randint(10 ** 18, 10 ** 19 - 1)}"
        return f"http://zjt.gxzf.gov.cn/xwdt/sxdt/t{day:%Y%m%d}_{rng.randint(1000000, 9999999)}.shtml"

    def tours(self) -> list[dict[str, Any]]:
        rng = self.rng
        out = []
        for _ in range(self.rows("tours")):
            p = rng.choice(self.projects)
            organiser = rng.choice((f"{self.city.name}住房和城乡建设局", f"{self.city.name}建设工程质量安全监督站",
                                    p["contractor"]))
            row = {"date": self.day(5), "project": p["project"] + "质量标准化示范观摩",
                   "organiser": organiser, "participants": rng.randint(40, 320),
                   "methods": "、".join(rng.sample(_METHODS_WORK, rng.randint(2, 4)))}
            if rng.random() < 0.2:
                row["remark"] = "线上同步直播"
            out.append(row)
        out.sort(key=lambda r: r["date"])
        return out

    def manual(self) -> list[dict[str, Any]]:
        rng = self.rng
        out = []
        kinds = ("示范企业", "示范项目", "企业手册（施工）", "企业手册（监理）")
        seen: set[str] = set()
        for i in range(self.rows("manual")):
            kind = kinds[i % 4] if i < 4 else rng.choices(kinds, (2, 2, 4, 2))[0]
            if kind == "示范项目":
                name = rng.choice(self.projects)["project"]
                code = None
            else:
                name, code = self._firm("supervisor" if kind == "企业手册（监理）" else "contractor")
            if (kind, name) in seen:
                continue
            seen.add((kind, name))
            row = {"kind": kind, "name": name, "credit_code": code,
                   "compiled": "是" if kind != "企业手册（施工）" or rng.random() < 0.85 else "否",
                   "in_inspection": "是" if rng.random() < 0.9 else "否"}
            if rng.random() < 0.7:
                row["date"] = self.day()
            if row["compiled"] == "否":
                row["remark"] = "正在编制，预计年底前完成"
            out.append(row)
        return out

    def videos(self) -> list[dict[str, Any]]:
        rng = self.rng
        out = []
        titles = rng.sample(_VIDEO_TITLES, min(len(_VIDEO_TITLES), self.sizes["videos"][1]))
        for i in range(self.rows("videos")):
            firm = rng.choice(self.firms)[0]
            title = titles[i % len(titles)] + ("" if i < len(titles) else f"（{i + 1}）")
            out.append({"title": f"《{title}》", "unit": firm, "author": self.person(),
                        "duration": rng.randint(60, 480), "phone": self.mobile(),
                        "file_name": f"{self.short}-微视频-{i + 1:02d}.mp4"})
        return out

    def quiz(self) -> list[dict[str, Any]]:
        rng = self.rng
        out = []
        for _ in range(self.rows("quiz")):
            row = {"participant": self.person(unique=True), "unit": rng.choice(self.firms)[0],
                   "online": float(rng.randint(55, 100)), "offline": float(rng.randint(50, 100)),
                   "time_used": rng.randint(600, 3600)}
            if rng.random() < 0.2:
                row["online"] = round(row["online"] - 0.5, 1)
            out.append(row)
        return out

    def exposure(self, spots: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rng = self.rng
        out = []
        failing = [r for r in spots if r.get("_verdict") == "不合格"]
        for i in range(self.rows("exposure")):
            src = failing[i] if i < len(failing) else None
            p = src or rng.choice(self.projects)
            problem, standard, clause = rng.choice(_EXPOSURES)
            if src:
                rule = self.rule(src.get("_rule"))
                if rule is not None:
                    standard = _STANDARD_TITLES.get(rule.standard, "") + rule.standard
                    clause = rule.clause
                    problem = f"监督抽测“{src['item']}”不合格：{src['_message']}"
            photos = [f"{self.short}-曝光{i + 1:02d}-{j}.{rng.choice(('jpg', 'jpg', 'png'))}"
                      for j in range(1, rng.randint(1, 3) + 1)]
            day = max(self.day(10), src["date"]) if src else self.day(10)
            day = min(day, self.campaign.activity_end)
            out.append({"project": p["project"], "location": p["location"], "builder": p["builder"],
                        "contractor": p["contractor"], "supervisor": p["supervisor"], "problem": problem,
                        "standard": standard, "clause": clause, "photos": "、".join(photos), "date": day,
                        "url": f"http://zjt.gxzf.gov.cn/zwgk/zlaq/t{day:%Y%m%d}_{rng.randint(1000000, 9999999)}.shtml"})
        out.sort(key=lambda r: r["date"])
        return out

    def complaints(self) -> list[dict[str, Any]]:
        out = [self.complaint(day) for day in sorted(self.day() for _ in range(self.rows("complaints")))]
        self.number_complaints(out)
        return out

    def number_complaints(self, rows: list[dict[str, Any]]) -> None:
        for i, row in enumerate(rows, 1):
            row["no"] = f"{self.abbr}ZLTS{self.year}{self.city.code[2:4]}{i:04d}"

    def complaint(self, day: dt.date, real: bool | None = None, verified: str | None = None) -> dict[str, Any]:
        rng = self.rng
        rewards = self.campaign.reward_rules      # the campaign's amounts (settings, not the rule)
        rmin, rmax = float(rewards.random_min), float(rewards.random_max)
        extra = {level: float(v) for level, v in rewards.extra_by_level.items()}
        real = rng.random() < 0.7 if real is None else real
        verified = verified or rng.choices(("属实", "部分属实", "不属实", "核查中"), (4, 2, 3, 1))[0]
        project = rng.choice(self.projects)["project"] if rng.random() < 0.6 else \
            f"{self.city.name}{self.district()[0]}{rng.choice(_ESTATE)}{rng.choice(_ESTATE_SUFFIX)}"
        row = {"no": "", "date": day, "real_name": "是" if real else "否", "project": project,
               "type": rng.choice(("主体结构", "渗漏", "渗漏", "装饰装修", "给排水", "电气", "节能保温",
                                   "市政设施", "其他")),
               "verified": verified}
        if real:
            row.update(complainant=self.person(), phone=self.mobile(), id_number=self.id_number())
        if verified in ("属实", "部分属实"):
            levels = tuple(extra) or ("一般",)
            row["level"] = rng.choices(levels, (6, 3, 1, 1, 1, 1)[: len(levels)])[0]
        if real:
            amount = round(rng.uniform(rmin, rmax), 2)
            if row.get("level"):
                amount = round(amount + float(extra.get(row["level"], 0)), 2)
            row["reward"] = amount
        if verified != "核查中":
            row["closed"] = day + dt.timedelta(days=rng.randint(1, 20))
        return row

    def appraisal(self) -> list[dict[str, Any]]:
        rng = self.rng
        self.agencies = [self._firm("agency") for _ in range(rng.randint(2, 4))]
        self.unqualified = self.agencies[-1][0] if rng.random() < 0.4 else None
        out = [self.appraisal_row() for _ in range(self.rows("appraisal"))]
        out.sort(key=lambda r: r["date"])
        return out

    def appraisal_row(self, grade: str | None = None, qualified: bool | None = None) -> dict[str, Any]:
        rng = self.rng
        choices = self.agencies if qualified is None else \
            [a for a in self.agencies if (a[0] != self.unqualified) == qualified] or self.agencies
        agency, code = rng.choice(choices)
        dname = self.district()[0]
        grade = grade or rng.choices(("A级", "B级", "C级", "D级"), (40, 35, 18, 7))[0]
        measure = {"A级": "无需处理", "B级": rng.choice(("无需处理", "观察使用")),
                   "C级": rng.choice(("观察使用", "处理使用", "处理使用", "停止使用")),
                   "D级": rng.choice(("停止使用", "整体拆除"))}[grade]
        bad_agency = agency == self.unqualified
        bad_person = not bad_agency and qualified is None and rng.random() < 0.05
        row = {"address": f"{self.city.name}{dname}{rng.choice(_ESTATE)}{rng.choice(_VILLAGE)}"
                          f"{rng.randint(1, 30)}组{rng.randint(1, 99)}号",
               "owner": self.person(), "agency": agency, "agency_code": code,
               "agency_qual": "不具备" if bad_agency else "具备",
               "appraiser_qual": "不具备" if bad_person else "具备",
               "date": self.campaign.activity_start - dt.timedelta(days=20) + dt.timedelta(days=rng.randint(0, 49)),
               "grade": grade, "measure": measure,
               "procedure_ok": "否" if (bad_agency or bad_person) and rng.random() < 0.5 else "是",
               "supervision": rng.choices(("符合要求", "存在问题已整改", "存在问题未整改", "未督导"), (6, 2, 1, 2))[0],
               "bad_record": "是" if (bad_agency or bad_person) else "否"}
        if bad_agency or bad_person:
            row["supervision"] = "存在问题未整改"
            row["remark"] = "不具备房屋安全鉴定资格，已认定不良行为记录并责令重新鉴定"
        elif grade == "D级":
            row["remark"] = "已书面告知产权人，落实人员撤离"
        return row


class _SpotRows:
    """Row generators of _CityGen for the spot checks (监督抽测): rows aimed at a verdict, the traced
    batch, the judge's verdict, the notices for non-conforming rows."""

    def spotcheck(self, trace: dict[str, Any] | None = None, trace_role: str | None = None) -> list[dict[str, Any]]:
        rng = self.rng
        # items with a confirmed rule on the campaign's first day (a successor edition whose limits are
        # not confirmed gives 需人工判定: such items are not generated)
        items = [i for i in self.items if self.can(i, "合格")]
        n = max(self.rows("spotcheck"), len(items))
        seq = list(items)
        rng.shuffle(seq)
        seq += [rng.choice(items) for _ in range(n - len(seq))]
        # a few per cent non-conforming; some 需复检 where the rule has a re-sampling band
        n_fail = max(1, round(n * rng.uniform(0.02, 0.07)))
        fails = set(rng.sample(range(n), n_fail))
        targets = []
        for i, item in enumerate(seq):
            if i in fails and self.can(item, "不合格"):
                targets.append("不合格")
            elif self.can(item, "需复检") and rng.random() < 0.06:
                targets.append("需复检")
            else:
                targets.append("合格")
        rows = [self.spot_row(item, target) for item, target in zip(seq, targets)]
        if trace and trace_role:
            rows.append(self.trace_row(trace, trace_role))
        # group into site visits: a project and a date for a few consecutive rows
        rng.shuffle(rows)
        out = []
        i = 0
        while i < len(rows):
            size = rng.randint(2, 6)
            p = rng.choice(self.projects)
            day = self.day(1, 26)
            for r in rows[i:i + size]:
                proj = r.pop("_trace_project", None) or p
                r.update({k: proj[k] for k in ("project", "location", "builder", "builder_code", "contractor",
                                                "contractor_code", "supervisor", "supervisor_code")})
                r["date"] = day
                out.append(r)
            i += size
        out.sort(key=lambda r: r["date"])
        for r in out:
            self.finish_spot(r)
        return out

    def spot_row(self, item: str, target: str, case: tuple | None = None) -> dict[str, Any]:
        """A row of ``item`` aimed at ``target``: the generator's verdict, values built for it from the
        catalog's limits (addin.demo.spotcheck; the judge is never asked)."""
        rng = self.rng
        plan = plan_row(self.rules, item, target, self.campaign.activity_start, self.value_rng, case)
        sep = rng.choice(("、", "、", "、", "，", ", "))
        return {"category": "建筑材料" if is_material(item) else "实体质量", "item": item,
                "grade": plan.grade, "spec": plan.spec, "design": plan.design, "measured": sep.join(plan.values),
                "_verdict": plan.verdict, "_rule": plan.rule.id, "_message": plan.detail}

    def trace_row(self, trace: dict[str, Any], role: str) -> dict[str, Any]:
        target = "不合格" if role == "source" else "合格"
        item = trace["item"] if role == "source" else trace["user_item"]
        row = self.spot_row(item, target, (trace["grade"], trace["spec"], None))
        row.update(manufacturer=trace["manufacturer"], batch=trace["batch"], _trace=True,
                   _trace_project=self.rng.choice(self.projects))
        if role == "source":
            row["batch_selfcheck"] = f"已通报{'、'.join(trace['user_cities'])}，督促使用同批次钢筋的工地自查自纠"
        else:
            row["batch_selfcheck"] = f"接{trace['source_city']}通报，同批次钢筋已暂停使用并送检"
        return row

    def can(self, item: str, target: str) -> bool:
        return can_target(self.rules, item, self.campaign.activity_start, target)

    def rule(self, rule_id: str | None):
        return next((r for r in self.rules if r.id == rule_id), None)

    def finish_spot(self, r: dict[str, Any]) -> None:
        """Stated verdict = the row's target; materials get maker and batch; non-conforming rows a notice."""
        rng = self.rng
        result = r["_verdict"]
        r["stated"] = result
        if r["category"] == "建筑材料" and not r.get("manufacturer"):
            day = r["date"]
            if "钢筋" in r["item"]:
                r["manufacturer"] = rng.choice(_REBAR_MAKERS)
                r["batch"] = f"{day:%y}{rng.choice('ABCD')}{day:%m}-{rng.randint(1, 9999):04d}"
            elif "砂浆" in r["item"]:
                r["manufacturer"] = f"{self.city.name}{rng.choice(_FIRM_WORD)}预拌砂浆有限公司"
                r["batch"] = f"SJ{day:%y%m%d}{rng.randint(1, 99):02d}"
            else:
                r["manufacturer"] = rng.choice(_WIRE_MAKERS)
                r["batch"] = f"{day:%y%m%d}-{rng.randint(1, 30):02d}"
        if result == "不合格":
            self.add_notice(r)
            if r["category"] == "建筑材料" and not r.get("batch_selfcheck"):
                r["batch_selfcheck"] = rng.choice(("已督促使用同批次产品的工地自查，未发现问题",
                                                   f"同批次产品涉及 {rng.randint(1, 4)} 个工地，已全部退场",
                                                   "已通知生产厂家召回同批次产品"))
        elif result == "需复检":
            r["remark"] = "合格点率在复检区间，已按规范要求抽取同数量构件复检"

    def add_notice(self, r: dict[str, Any]) -> None:
        rng = self.rng
        self.notice_seq += 1
        issued = r["date"] + dt.timedelta(days=rng.randint(0, 3))
        r["notice_no"] = f"{self.abbr}建质改〔{self.year}〕{self.notice_seq:03d}号"
        r["notice_date"] = issued
        r["deadline"] = issued + dt.timedelta(days=rng.choice((7, 10, 15, 20, 30)))
        r["status"] = rng.choices(("整改中", "已整改", "已复查合格", "未整改"), (4, 3, 3, 1))[0]
        r["case_filed"] = "是" if rng.random() < 0.3 else "否"
        if r["category"] == "建筑材料":
            r["remark"] = "已责令同批次产品退场"
        else:
            r["remark"] = "已责令返工处理"


@functools.lru_cache(maxsize=1)
def _catalog():
    """The packaged rule catalog as data (read by addin.demo.spotcheck, not by the judge)."""
    return load_rules()


class _CityGen(_ActivityRows, _SpotRows):
    """One city's return: the shared sources (dates, people, firms, projects) and 基本信息; the rows
    of each activity come from the mixins above."""
    def __init__(self, campaign: Campaign, city: City, seed: int, sizes: dict[str, tuple[int, int]],
                 variant: str = ""):
        self.campaign = campaign
        self.city = city
        self.seed = seed
        self.sizes = sizes
        self.rng = random.Random(f"demo:{seed}:{campaign.id}:{city.code}{variant}")
        # measured values have their own stream: how they are constructed does not move other rows
        self.value_rng = random.Random(f"demo-values:{seed}:{campaign.id}:{city.code}{variant}")
        self.short = _short(city)
        self.abbr = self.short[0]
        self.districts = _districts(city)
        self.area = _PHONE_AREA.get(city.code, "0" + city.code[:3])
        self.rules = _catalog()
        self.items = rule_items(self.rules)
        self.used_people: set[str] = set()
        self.notice_seq = 0
        self.year = campaign.year
        self.projects = [self._project() for _ in range(self.rng.randint(6, 10))]
        self.firms = [self._firm("contractor") for _ in range(6)] + [self._firm("supervisor") for _ in range(3)]

    # -- atoms ------------------------------------------------------------------
    def day(self, lo: int = 1, hi: int | None = None) -> dt.date:
        start, end = self.campaign.activity_start, self.campaign.activity_end
        span = (end - start).days
        a = min(lo - 1, span)
        b = span if hi is None else min(hi - 1, span)
        return start + dt.timedelta(days=self.rng.randint(a, b))

    def person(self, unique: bool = False) -> str:
        rng = self.rng
        for _ in range(200):
            name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
            if not unique or name not in self.used_people:
                self.used_people.add(name)
                return name
        raise RuntimeError("ran out of names")

    def mobile(self) -> str:
        return "1" + self.rng.choice("3578") + "".join(str(self.rng.randint(0, 9)) for _ in range(9))

    def landline(self) -> str:
        return f"{self.area}-{self.rng.randint(2, 8)}{self.rng.randint(0, 999999):06d}"

    def id_number(self) -> str:
        rng = self.rng
        area = rng.choice(self.districts)[1]
        birth = dt.date(1958, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 42))
        first = f"{area}{birth:%Y%m%d}{rng.randint(1, 999):03d}"
        return first + id_check_char(first)

    def district(self) -> tuple[str, str]:
        return self.rng.choice(self.districts)

    def firm_code(self, name: str, area: str) -> str:
        return _uscc(name, area, self.seed)

    def _firm(self, kind: str) -> tuple[str, str]:
        rng = self.rng
        word = rng.choice(_FIRM_WORD)
        if kind == "contractor":
            if rng.random() < 0.5:
                name, area = f"广西{word}建设集团有限公司", "450100"
            else:
                name, area = f"{self.city.name}{word}建筑工程有限公司", self.district()[1]
        elif kind == "supervisor":
            if rng.random() < 0.5:
                name, area = f"广西{word}工程监理有限公司", "450100"
            else:
                name, area = f"{self.city.name}{word}工程咨询有限公司", self.district()[1]
        elif kind == "agency":
            if rng.random() < 0.5:
                name, area = f"{self.city.name}{word}房屋安全鉴定有限公司", self.district()[1]
            else:
                name, area = f"广西{word}建设工程质量检测有限公司", "450100"
        else:
            name, area = f"{self.city.name}{word}房地产开发有限公司", self.district()[1]
        return name, self.firm_code(name, area)

    def _project(self) -> dict[str, Any]:
        rng = self.rng
        dname, dcode = self.district()
        road = f"{rng.choice(_ROADS)}{rng.randint(1, 199)}号"
        kind = rng.random()
        if kind < 0.6:
            est = rng.choice(_ESTATE) + rng.choice(_ESTATE_SUFFIX)
            name = f"{self.city.name}{dname}{est}{rng.randint(1, 18)}#楼"
            builder = f"{self.city.name}{rng.choice(_FIRM_WORD)}房地产开发有限公司"
        elif kind < 0.75:
            name = f"{self.city.name}{dname}第{rng.randint(2, 40)}中学综合楼工程"
            builder = f"{self.city.name}{dname}城市建设发展有限公司"
        elif kind < 0.87:
            name = f"{self.city.name}{dname}保障性住房项目（{'一二三'[rng.randint(0, 2)]}期）{rng.randint(1, 9)}#楼"
            builder = f"{self.city.name}城市建设投资集团有限公司"
        else:
            name = f"{self.city.name}{dname}{rng.choice(_FIRM_WORD)}产业园标准厂房{rng.randint(1, 12)}#"
            builder = f"{self.city.name}{rng.choice(_FIRM_WORD)}产业投资有限公司"
        contractor = self._firm("contractor")
        supervisor = self._firm("supervisor")
        return {
            "project": name, "location": f"{self.city.name}{dname}{road}",
            "builder": builder, "builder_code": self.firm_code(builder, dcode),
            "contractor": contractor[0], "contractor_code": contractor[1],
            "supervisor": supervisor[0], "supervisor_code": supervisor[1],
        }

    def rows(self, key: str) -> int:
        lo, hi = self.sizes[key]
        return self.rng.randint(lo, hi)

    # -- sheets ------------------------------------------------------------------
    def info(self, fill_date: dt.date) -> dict[str, Any]:
        return {
            "unit": f"{self.city.name}住房和城乡建设局",
            "contact": self.person(),
            "phone": self.landline(),
            "fill_date": fill_date,
            "plan_status": "已制定",
            "plan_doc": f"{self.abbr}建质〔{self.year}〕{self.rng.randint(5, 60)}号",
            "complaint_officer": self.person(),
            "complaint_officer_phone": self.mobile(),
        }




















def _trace_spec(seed: int, campaign: Campaign) -> dict[str, Any]:
    rng = random.Random(f"trace:{seed}:{campaign.id}")
    return {"manufacturer": rng.choice(_REBAR_MAKERS), "item": "钢筋下屈服强度", "user_item": "钢筋抗拉强度",
            "grade": "HRB400E", "spec": str(rng.choice((16, 18, 20, 22, 25))),
            "batch": f"{campaign.year % 100:02d}B08-{rng.randint(1000, 9999)}"}


def generate_city(campaign: Campaign, city: City, seed: int = 2022, fill_date: dt.date | None = None,
                  sizes: dict[str, tuple[int, int]] | None = None, trace: dict[str, Any] | None = None,
                  trace_role: str | None = None, variant: str = "") -> CityReturn:
    """A clean, realistic return for one city (no planted mistakes)."""
    gen = _CityGen(campaign, city, seed, {**DEFAULT_SIZES, **(sizes or {})}, variant)
    fill = fill_date or campaign.report_deadline - dt.timedelta(days=gen.rng.randint(1, 6))
    info = gen.info(fill)
    rows: dict[str, list[dict[str, Any]]] = {
        "publicity": gen.publicity(), "tours": gen.tours(), "manual": gen.manual(), "videos": gen.videos(),
        "quiz": gen.quiz(),
    }
    rows["spotcheck"] = gen.spotcheck(trace, trace_role)
    rows["exposure"] = gen.exposure(rows["spotcheck"])
    rows["complaints"] = gen.complaints()
    rows["appraisal"] = gen.appraisal()
    ret = CityReturn(city, info, rows, gen=gen)
    for r in rows["exposure"]:
        ret.photos.extend(clean_text(p) for p in str(r["photos"]).split("、"))
    return ret


def _write(wb, contract: Contract, ret: CityReturn) -> None:
    form = next(s for s in contract.sheets if s.kind == "form")
    ws = wb[form.title]
    row_of = {ws.cell(r, 1).value: r for r in range(2, len(form.columns) + 2)}
    for col in form.columns:
        if col.key in ("city", "city_code"):
            continue
        v = ret.info.get(col.key)
        if v is not None:
            ws.cell(row_of[col.title], 2, v)
    for sheet in contract.table_sheets:
        ws = wb[sheet.title]
        rows = ret.rows.get(sheet.key, [])
        if len(rows) > sheet.rows:
            raise ValueError(f"{sheet.title}: {len(rows)} rows exceed the template's {sheet.rows}")
        for i, rec in enumerate(rows):
            r = i + 2
            for c, col in enumerate(sheet.columns, 1):
                v = rec.get(col.key)
                if v is not None and v != "":
                    ws.cell(r, c, v)


def build_city_workbook(campaign: Campaign, ret: CityReturn, contract: Contract | None = None):
    """The official workbook for ``ret.city`` filled with ``ret``'s rows (an openpyxl Workbook)."""
    wb = build_workbook(campaign, ret.city, contract)
    _write(wb, contract or load_contract(), ret)
    wb.properties.lastModifiedBy = str(ret.info.get("contact") or "")
    return wb


# ----------------------------------------------------------------- planting
class _Planter:
    """Plants mistakes into a clean return; each plant records the finding(s) it must produce."""

    def __init__(self, ret: CityReturn):
        self.ret = ret
        self.gen: _CityGen = ret.gen
        self.rng = random.Random(f"plant:{self.gen.seed}:{ret.city.code}")

    def pick(self, key: str, pred=lambda r: True, make=None) -> dict[str, Any]:
        """A random unplanted row satisfying ``pred``; without one, ``make()`` a new row and insert it."""
        rows = [r for r in self.ret.rows[key] if not r.get("_expect") and pred(r)]
        if rows:
            return self.rng.choice(rows)
        if make is None:
            raise RuntimeError(f"no row to plant in {key}")
        row = make()
        table = self.ret.rows[key]
        if isinstance(row.get("date"), dt.date):
            pos = next((i for i, r in enumerate(table) if isinstance(r.get("date"), dt.date)
                        and r["date"] > row["date"]), len(table))
        else:
            pos = self.rng.randint(0, len(table))
        table.insert(pos, row)
        return row

    def expect(self, row: dict[str, Any], code: str, col: str, note: str) -> None:
        row.setdefault("_expect", []).append((code, col, note))

    def insert(self, key: str, row: dict[str, Any], after: dict[str, Any] | None = None) -> None:
        rows = self.ret.rows[key]
        if after is not None:
            pos = rows.index(after) + 1 + self.rng.randint(0, min(2, len(rows) - rows.index(after) - 1))
        else:
            pos = self.rng.randint(1, len(rows))
        rows.insert(pos, row)

    # -- 桂林-style: cell format mistakes ------------------------------------------
    def formats(self) -> None:
        r = self.pick("publicity")
        r["date"] = f"{self.gen.campaign.activity_start.month}月31日"
        self.expect(r, "type-error", "date", "日期写成不存在的“9月31日”")
        r = self.pick("publicity")
        r["title"] = None
        self.expect(r, "missing-required", "title", "活动名称或主题未填")
        r = self.pick("publicity")
        r["form"] = "座谈会"
        self.expect(r, "not-in-choices", "form", "形式“座谈会”不在下拉列表中")
        r = self.pick("videos")
        r["duration"] = 900
        self.expect(r, "out-of-range", "duration", "微视频时长 900 秒，超过 600 秒上限")
        r = self.pick("tours")
        r["date"] = self.gen.campaign.activity_end + dt.timedelta(days=12)
        self.expect(r, "date-outside-campaign", "date", "观摩日期在活动期间之后")

    # -- 梧州-style: codes, duplicate, complaints ------------------------------------
    def codes_and_complaints(self) -> None:
        r = self.pick("manual", lambda r: bool(r.get("credit_code")))
        r["credit_code"] = _bad_check(r["credit_code"], "0123456789ABCDEFGHJKLMNPQRTUWXY")
        self.expect(r, "invalid-credit-code", "credit_code", "统一社会信用代码校验位错误")
        gen = self.gen
        r = self.pick("complaints", lambda r: bool(r.get("id_number")),
                      lambda: gen.complaint(gen.day(), real=True, verified="不属实"))
        r["id_number"] = _bad_check(r["id_number"], "0123456789")
        self.expect(r, "invalid-id-number", "id_number", "投诉人身份证号校验位错误")
        src = self.pick("quiz")
        copy = {k: v for k, v in src.items() if not k.startswith("_")}
        self.expect(copy, "duplicate-row", "participant", "与前面某行完全相同的重复行（报在后一行的 A 列）")
        self.insert("quiz", copy, after=src)
        r = self.pick("complaints", lambda r: r.get("verified") in ("属实", "部分属实") and r.get("real_name") == "是",
                      lambda: gen.complaint(gen.day(), real=True, verified="属实"))
        extra = {level: float(v) for level, v in self.gen.campaign.reward_rules.extra_by_level.items()}
        if r.get("reward") is not None and r.get("level"):
            r["reward"] = round(r["reward"] - float(extra.get(r["level"], 0)), 2)
        r["level"] = None
        self.expect(r, "complaint-verified-without-level", "level", "核查属实但未填问题等级")
        r = self.pick("complaints", lambda r: r.get("real_name") == "否",
                      lambda: gen.complaint(gen.day(), real=False, verified="不属实"))
        r["reward"] = 18.8
        self.expect(r, "complaint-reward-without-real-name", "reward", "匿名投诉发放了奖励")
        r = self.pick("complaints", lambda r: r.get("closed") is not None,
                      lambda: gen.complaint(gen.day(), verified="不属实"))
        r["closed"] = r["date"] - dt.timedelta(days=3)
        self.expect(r, "complaint-closed-before-received", "closed", "办结日期早于受理日期")
        gen.number_complaints(self.ret.rows["complaints"])

    # -- 北海-style: spot-check judgments and notices --------------------------------
    def spotchecks(self) -> None:
        gen = self.gen
        rows = self.ret.rows["spotcheck"]

        def new_fail(item: str) -> dict[str, Any]:
            base = self.rng.choice(rows)
            r = gen.spot_row(item, "不合格")
            if r["_verdict"] != "不合格":
                raise RuntimeError(f"planted row for {item} did not fail")
            r.update({k: base[k] for k in ("project", "location", "builder", "builder_code", "contractor",
                                            "contractor_code", "supervisor", "supervisor_code", "date")})
            gen.finish_spot(r)
            self.insert("spotcheck", r, after=base)
            return r

        # stated 合格, computed 不合格, no notice: a mismatch and a missing notice
        failing = [i for i in gen.items if gen.can(i, "不合格")]   # items that can fail on the campaign's day
        r = new_fail("钢筋最大力总延伸率" if "钢筋最大力总延伸率" in failing else failing[0])
        for k in ("notice_no", "notice_date", "deadline", "status", "case_filed", "remark", "batch_selfcheck"):
            r[k] = None
        r["stated"] = "合格"
        self.expect(r, "judgment-mismatch", "stated", "填写“合格”，复核为“不合格”")
        self.expect(r, "nonconforming-without-notice", "notice_no", "复核不合格而未下发整改通知书")
        # an item outside the catalog
        base = self.rng.choice(rows)
        r = {k: base[k] for k in ("project", "location", "builder", "builder_code", "contractor",
                                   "contractor_code", "supervisor", "supervisor_code", "date")}
        r.update(category="建筑材料", item="钢筋机械连接接头抗拉强度", grade="HRB400E", spec="25",
                 measured="585、592、578", stated="合格", manufacturer="广西锐固连接件有限公司",
                 batch=f"JT{r['date']:%y%m%d}-03", _verdict="无规则")
        self.expect(r, "not-in-choices", "item", "检测项目不在下拉列表（规则库）中")
        self.expect(r, "judgment-no-rule", "item", "规则库中没有该检测项目的判定规则")
        self.insert("spotcheck", r, after=base)
        # stated and computed 不合格, no notice number
        r = new_fail(self.rng.choice([i for i in ("板保护层厚度", "砌筑砂浆强度", "电线导体电阻") if i in failing]
                                     or failing))
        for k in ("notice_no", "notice_date", "deadline"):
            r[k] = None
        r["status"] = "未整改"
        self.expect(r, "nonconforming-without-notice", "notice_no", "不合格项未填整改通知书编号")
        # deadline before the notice date
        r = new_fail(self.rng.choice([i for i in ("梁保护层厚度", "钢筋重量偏差", "混凝土抗压强度（回弹）")
                                      if i in failing] or failing))
        r["deadline"] = r["notice_date"] - dt.timedelta(days=5)
        self.expect(r, "deadline-before-issue", "deadline", "整改期限早于通知下发日期")

    # -- 玉林-style: appraisals ----------------------------------------------------------
    def appraisals(self) -> None:
        gen = self.gen
        ok = lambda r: r["grade"] in ("A级", "B级") and r["bad_record"] == "否"  # noqa: E731
        r = self.pick("appraisal", ok, lambda: gen.appraisal_row("A级", qualified=True))
        r.update(grade="C级", measure=None)
        self.expect(r, "appraisal-no-measure", "measure", "C级（局部危房）未填处理措施")
        r = self.pick("appraisal", ok, lambda: gen.appraisal_row("B级", qualified=True))
        r.update(grade="D级", measure="无需处理", remark=None)
        self.expect(r, "appraisal-no-measure", "measure", "D级（整幢危房）处理措施填“无需处理”")
        r = self.pick("appraisal", lambda r: r["bad_record"] == "否", lambda: gen.appraisal_row("A级", qualified=True))
        r.update(agency_qual="不具备", bad_record="否", remark="鉴定机构未取得相应资质")
        self.expect(r, "appraisal-unqualified-no-record", "bad_record", "无资质机构出具鉴定，未认定不良行为记录")


def _messy(ret: CityReturn) -> None:
    """Valid but untidy spellings that must not produce findings (recorded in ret.messy)."""
    gen: _CityGen = ret.gen

    def mpa_rule(r: dict[str, Any]) -> bool:
        rule = gen.rule(r.get("_rule"))
        return rule is not None and rule.method == "min_each" and rule.unit == "MPa"

    rows = ret.rows["spotcheck"]
    mpa = [r for r in rows if r["_verdict"] == "合格" and not r.get("_expect") and mpa_rule(r)]
    if len(mpa) >= 2:
        full, unit = mpa[0], mpa[1]
        full["measured"] = _fullwidth(full["measured"])                      # '６１７、６０５'
        top = max(parse_numbers(unit["measured"]) or [0])
        unit["measured"] = f"{top:g}MPa"                                     # '460MPa'
        # the one value left is one of the row's, each clear of the limit: the verdict stands
        verdict, clear, _ = evaluate(gen.rule(unit["_rule"]), unit.get("grade"), unit.get("spec"),
                                     unit.get("design"), [f"{top:g}"])
        if (verdict, clear) != (unit["_verdict"], True):
            raise RuntimeError("messy value changed the verdict")
        for r in (full, unit):
            ret.messy.append(("spotcheck", rows.index(r), "measured"))
    pub = [r for r in ret.rows["publicity"] if not r.get("_expect") and isinstance(r["date"], dt.date)]
    if pub:
        r = pub[len(pub) // 2]
        r["date"] = f"{r['date'].year}年{r['date'].month}月{r['date'].day}日"  # a date typed as text
        ret.messy.append(("publicity", ret.rows["publicity"].index(r), "date"))
    man = [r for r in ret.rows["manual"] if r.get("compiled") == "是" and not r.get("_expect")]
    if man:
        man[0]["compiled"] = "是 "                                           # trailing space
        ret.messy.append(("manual", ret.rows["manual"].index(man[0]), "compiled"))


def _fullwidth(text: str) -> str:
    """ASCII digits and '.' to their full-width forms (the opposite of normalize.to_halfwidth)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c == "." else c for c in text)


# ----------------------------------------------------------------- ground truth
STAT_DEFINITIONS = {
    "status": "已报送 / 逾期报送（填报日期晚于报送截止日期）/ 未报送",
    "publicity_events": "宣传宣讲表的行数（含有错的行）",
    "publicity_participants": "宣传宣讲“参与人数”之和（空白按 0）",
    "publicity_items": "宣传宣讲“发布信息条数”之和",
    "tours_events": "观摩交流表的行数", "tours_participants": "观摩交流“参加人数”之和",
    "manual_rows": "质量安全手册表的行数",
    "manual_demo": "类别为示范企业或示范项目的行数",
    "manual_firms": "类别为企业手册（施工）或企业手册（监理）的行数",
    "manual_compiled": "类别为企业手册（施工/监理）且“已编制企业手册”为是的行数（“是 ”也算是）",
    "publicity_online": "宣传渠道为官方网站、微信公众号或短视频的行数（广告屏不算线上）",
    "manual_in_inspection": "“纳入检查”为是的行数",
    "videos": "微视频作品表的行数",
    "quiz_participants": "知识竞赛表的行数（重复行也计入）",
    "spot_projects": "监督抽测中不同工程名称的个数", "spot_items": "监督抽测表的行数",
    "spot_pass": "按规则库限值构造为合格的行数（复核应为合格）",
    "spot_fail": "按规则库限值构造为不合格的行数（即不合格项，复核应为不合格）",
    "spot_recheck": "按规则库限值构造为需复检的行数（复核应为需复检）",
    "spot_unjudged": "复核无法判定（不是合格、不合格、需复检，如规则库外的检测项目）的行数",
    "spot_pass_rate": "spot_pass / (spot_pass + spot_fail)",
    "notices": "不同的整改通知书编号个数",
    "cases_filed": "“立案查处”为是的行中不同（工程名称, 施工单位）的个数",
    "exposures": "典型问题曝光表中不同工程名称的个数", "exposure_items": "典型问题曝光表的行数",
    "exposure_cited": "违反的规范名称和具体条文都填写的曝光行数",
    "complaints": "质量投诉表的行数", "complaints_real": "实名投诉的行数",
    "complaints_verified": "核查结果为属实或部分属实的行数", "complaints_pending": "核查结果为核查中的行数",
    "rewards_paid": "实名且奖励金额大于 0 的行数（匿名投诉填的奖励不算）",
    "reward_total": "上述各行奖励金额之和（元，两位小数）",
    "appraisal_cd_handled": "C级、D级中处理措施已填且不是“无需处理”的行数",
    "appraisal_unqualified": "鉴定机构资质或鉴定人员资格为“不具备”的行数",
    "appraisals": "自建房安全鉴定表的行数", "appraisal_a": "A级行数", "appraisal_b": "B级行数",
    "appraisal_c": "C级行数", "appraisal_d": "D级行数", "agencies": "不同鉴定机构名称的个数",
    "bad_records": "“认定不良行为记录”为是的行数",
    "errors": "该文件 expected_findings 中严重程度为“错误”的条数",
    "warnings": "该文件 expected_findings 中严重程度为“警告”的条数",
}


def _yes(v: Any) -> bool:
    return parse_yes_no(v) is True


def _num(v: Any) -> float:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0


def _counts(ret: CityReturn, status: str, findings: list[dict[str, Any]]) -> dict[str, Any]:
    r = ret.rows
    spot = r["spotcheck"]
    res = [s.get("_verdict") for s in spot]
    npass, nfail, nre = res.count("合格"), res.count("不合格"), res.count("需复检")
    grades = [a.get("grade") for a in r["appraisal"]]
    sev = [CODES[f["code"]][0] for f in findings]
    paid = [_num(x.get("reward")) for x in r["complaints"] if x.get("real_name") == "是" and _num(x.get("reward")) > 0]
    return {
        "city": ret.city.name, "city_code": ret.city.code, "status": status,
        "fill_date": ret.info["fill_date"].isoformat(),
        "publicity_events": len(r["publicity"]),
        "publicity_participants": int(sum(_num(x.get("participants")) for x in r["publicity"])),
        "publicity_items": int(sum(_num(x.get("items")) for x in r["publicity"])),
        "tours_events": len(r["tours"]),
        "tours_participants": int(sum(_num(x.get("participants")) for x in r["tours"])),
        "manual_rows": len(r["manual"]),
        "manual_demo": sum(1 for x in r["manual"] if x.get("kind") in ("示范企业", "示范项目")),
        "manual_firms": sum(1 for x in r["manual"] if x.get("kind") in ("企业手册（施工）", "企业手册（监理）")),
        "manual_compiled": sum(1 for x in r["manual"] if x.get("kind") in ("企业手册（施工）", "企业手册（监理）")
                               and _yes(x.get("compiled"))),
        "publicity_online": sum(1 for x in r["publicity"] if x.get("channel") in ("官方网站", "微信公众号", "短视频")),
        "manual_in_inspection": sum(1 for x in r["manual"] if _yes(x.get("in_inspection"))),
        "videos": len(r["videos"]),
        "quiz_participants": len(r["quiz"]),
        "spot_projects": len({x["project"] for x in spot}),
        "spot_items": len(spot), "spot_pass": npass, "spot_fail": nfail, "spot_recheck": nre,
        "spot_unjudged": len(spot) - npass - nfail - nre,
        "spot_pass_rate": round(npass / (npass + nfail), 6) if npass + nfail else None,
        "notices": len({x["notice_no"] for x in spot if x.get("notice_no")}),
        "cases_filed": len({(x["project"], x["contractor"]) for x in spot if _yes(x.get("case_filed"))}),
        "exposures": len({x["project"] for x in r["exposure"]}),
        "exposure_items": len(r["exposure"]),
        "exposure_cited": sum(1 for x in r["exposure"] if x.get("standard") and x.get("clause")),
        "complaints": len(r["complaints"]),
        "complaints_real": sum(1 for x in r["complaints"] if x.get("real_name") == "是"),
        "complaints_verified": sum(1 for x in r["complaints"] if x.get("verified") in ("属实", "部分属实")),
        "complaints_pending": sum(1 for x in r["complaints"] if x.get("verified") == "核查中"),
        "rewards_paid": len(paid),
        "reward_total": round(sum(paid), 2),
        "appraisals": len(r["appraisal"]),
        "appraisal_a": grades.count("A级"), "appraisal_b": grades.count("B级"),
        "appraisal_c": grades.count("C级"), "appraisal_d": grades.count("D级"),
        "agencies": len({x["agency"] for x in r["appraisal"]}),
        "appraisal_cd_handled": sum(1 for x in r["appraisal"] if x.get("grade") in ("C级", "D级")
                                    and x.get("measure") not in (None, "", "无需处理")),
        "appraisal_unqualified": sum(1 for x in r["appraisal"]
                                     if "不具备" in (x.get("agency_qual"), x.get("appraiser_qual"))),
        "bad_records": sum(1 for x in r["appraisal"] if _yes(x.get("bad_record"))),
        "errors": sev.count(ERROR), "warnings": sev.count(WARNING),
    }


def _empty_counts(city: City) -> dict[str, Any]:
    out: dict[str, Any] = {k: 0 for k in STAT_DEFINITIONS if k != "status"}
    out.update(city=city.name, city_code=city.code, status="未报送", fill_date=None, spot_pass_rate=None)
    return out


# ----------------------------------------------------------------- manifest
@dataclass
class DemoManifest:
    """What generate_demo() wrote and what a correct pipeline must find in it (also manifest.json)."""
    out_dir: str
    seed: int
    campaign_id: str
    files: list[dict[str, Any]]                 # name, city, city_code, role, used, fill_date, mtime, sha256
    missing_city: str
    late_city: str
    duplicate_city: str
    expected_findings: list[dict[str, Any]]     # code, file, sheet, cell (+ column, severity, note)
    expected_batch_findings: list[dict[str, Any]]  # code, city, file: late / duplicate / missing city
    counts: dict[str, dict[str, Any]]           # city name -> STAT_COLUMNS-style ground truth (used file)
    definitions: dict[str, str] = field(default_factory=dict)
    planted_cities: list[str] = field(default_factory=list)
    messy_cells: list[dict[str, Any]] = field(default_factory=list)
    batch_trace: dict[str, Any] = field(default_factory=dict)
    photos: list[str] = field(default_factory=list)
    missing_photos: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)   # province-wide figures the documents must print
    tracking: dict[str, Any] = field(default_factory=dict)   # the follow-up states the generator set (issue 18)
    # every spot-check row of every file used: file, sheet, row (Excel), item, the verdict its values
    # were built for (无规则 for the planted item outside the catalog) and the rule they were built by
    spot_verdicts: list[dict[str, Any]] = field(default_factory=list)

    def used_files(self) -> dict[str, str]:
        """City name -> the file that should be used for it."""
        return {f["city"]: f["name"] for f in self.files if f["used"]}

    def findings_for(self, file: str) -> list[dict[str, Any]]:
        return [f for f in self.expected_findings if f["file"] == file]

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def write(self, path: str | Path | None = None) -> Path:
        target = Path(path) if path else Path(self.out_dir) / MANIFEST_NAME
        text = json.dumps(self.as_dict(), ensure_ascii=False, indent=2)
        with atomic_path(target) as tmp:
            tmp.write_text(text + "\n", encoding="utf-8")
        return target

    @classmethod
    def load(cls, path: str | Path) -> "DemoManifest":
        p = Path(path)
        if p.is_dir():
            p = p / MANIFEST_NAME
        return cls(**json.loads(p.read_text(encoding="utf-8")))


def _roles(n: int) -> dict[str, int]:
    """City index of each planted situation (Guangxi: see the module docstring)."""
    if n < 8:
        raise QmValueError("演示数据至少需要 8 个城市（未报送、逾期、重复报送和 4 个有错城市各占一个）")
    prefer = [("missing", n - 1), ("late", n - 3), ("duplicate", 1), ("formats", 2), ("codes", 3),
              ("spot", 4), ("appraisal", n - 6)]
    taken: dict[str, int] = {}
    used: set[int] = set()
    for role, i in prefer:
        while i in used:
            i = (i + 1) % n
        taken[role] = i
        used.add(i)
    # clean-only roles: prefer cities without planted mistakes, then planted ones, then late/duplicate
    planted = [taken[r] for r in ("formats", "codes", "spot", "appraisal")]
    clean = [i for i in range(n) if i not in used]
    order = clean + planted + [taken["late"], taken["duplicate"]]

    def pick(prefer: int, avoid: set[int]) -> int:
        if prefer in clean and prefer not in avoid:
            return prefer
        return next(i for i in order if i not in avoid)

    trace: set[int] = set()
    for role, prefer_i in (("trace_source", n - 8), ("trace_user1", n - 9), ("trace_user2", n - 7)):
        taken[role] = pick(prefer_i, trace)  # three different cities
        trace.add(taken[role])
    taken["messy"] = pick(0, set())
    taken["photo_missing"] = pick(n - 5, {taken["messy"]} if len(clean) > 1 else set())
    return taken


def _at(dtime: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(dtime, dt.time(hour, minute))


def generate_demo(out_dir: str | Path, campaign: Campaign, seed: int = 2022) -> DemoManifest:
    """Write realistic filled returns for ``campaign``'s cities into ``out_dir`` (see the module docstring)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    contract = load_contract()
    cities = list(campaign.cities)
    roles = _roles(len(cities))
    role_of: dict[int, list[str]] = {}
    for role, i in roles.items():
        role_of.setdefault(i, []).append(role)
    trace = _trace_spec(seed, campaign) | {
        "source_city": cities[roles["trace_source"]].name,
        "user_cities": [cities[roles["trace_user1"]].name, cities[roles["trace_user2"]].name]}
    deadline = campaign.report_deadline
    files: list[dict[str, Any]] = []
    expected: list[dict[str, Any]] = []
    batch_expected: list[dict[str, Any]] = []
    counts: dict[str, dict[str, Any]] = {}
    messy_cells: list[dict[str, Any]] = []
    photos_written: list[str] = []
    missing_photos: list[dict[str, Any]] = []
    trace_sites: list[dict[str, Any]] = []
    spot_verdicts: list[dict[str, Any]] = []
    planted_cities: list[str] = []
    used_returns: list[CityReturn] = []
    track_expected: dict[str, dict[str, int]] = {}
    filed: list[str] = []            # the one follow-up left as 已立案 (the first case-filed item met)

    for i, city in enumerate(cities):
        mine = role_of.get(i, [])
        if "missing" in mine:
            counts[city.name] = _empty_counts(city)
            batch_expected.append({"code": "missing-city", "city": city.name, "file": ""})
            continue
        fill = _fill_date(campaign, city, seed, mine)
        ret = _prepare_return(campaign, city, seed, fill, mine, trace, contract, filed, planted_cities,
                              track_expected)

        name = _emit_city(out, campaign, contract, city, ret, fill, mine, files, batch_expected)
        found = _expected(contract, ret, name)
        expected.extend(found)
        used_returns.append(ret)
        status = "逾期报送" if fill > deadline else "已报送"
        counts[city.name] = _counts(ret, status, found)
        _record_outputs(out, contract, city, name, fill, ret, seed, messy_cells, photos_written, missing_photos,
                        trace_sites, spot_verdicts)

    manifest = DemoManifest(
        out_dir=str(out), seed=seed, campaign_id=campaign.id, files=files,
        missing_city=cities[roles["missing"]].name, late_city=cities[roles["late"]].name,
        duplicate_city=cities[roles["duplicate"]].name, expected_findings=expected,
        expected_batch_findings=batch_expected, counts=counts, definitions=STAT_DEFINITIONS,
        planted_cities=planted_cities, messy_cells=messy_cells, spot_verdicts=spot_verdicts,
        batch_trace={"manufacturer": trace["manufacturer"], "batch": trace["batch"], "grade": trace["grade"],
                     "spec": trace["spec"], "source_city": trace["source_city"], "sites": trace_sites},
        photos=sorted(photos_written), missing_photos=missing_photos,
        figures=_province_figures(campaign, counts, used_returns, trace, trace_sites),
        tracking=_tracking_truth(track_expected, trace, cities, roles),
    )
    manifest.write()
    return manifest


def _emit_city(out: Path, campaign: Campaign, contract, city: City, ret: CityReturn, fill: dt.date, mine: list[str],
               files: list[dict[str, Any]], batch_expected: list[dict[str, Any]]) -> str:
    """Write the city's return (and, for the duplicate role, its earlier version first) with the
    modification times the roles need; record each file in ``files``. Returns the name of the file used."""
    def emit(r: CityReturn, name: str, role: str, used: bool, when: dt.datetime) -> None:
        wb = build_city_workbook(campaign, r, contract)
        path = save_deterministic(wb, out / name, when)
        files.append({"name": name, "city": city.name, "city_code": city.code, "role": role, "used": used,
                      "fill_date": r.info["fill_date"].isoformat(), "mtime": when.isoformat(),
                      "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                      "size": path.stat().st_size})

    base_name = workbook_filename(campaign, city)
    if "duplicate" in mine:
        old = _earlier_version(ret, fill - dt.timedelta(days=3))
        emit(old, base_name, "duplicate-old", False, _at(old.info["fill_date"], 17, 40))
        name = base_name.replace(".xlsx", "（更正版）.xlsx")
        emit(ret, name, "duplicate-new", True, _at(fill, 10, 20))
        batch_expected.append({"code": "duplicate-submission", "city": city.name, "file": base_name,
                               "note": f"应采用后报的“{name}”"})
    elif "late" in mine:
        name = base_name
        emit(ret, name, "late", True, _at(fill, 9, 35))
        batch_expected.append({"code": "late-submission", "city": city.name, "file": name})
    else:
        name = base_name
        emit(ret, name, "normal", True, _at(fill, 16, 5))
    return name


def _fill_date(campaign: Campaign, city: City, seed: int, mine: list[str]) -> dt.date:
    """When the city filled its return: after the deadline for the late one, the day before for the duplicate."""
    deadline = campaign.report_deadline
    rng = random.Random(f"dates:{seed}:{campaign.id}:{city.code}")
    if "late" in mine:
        fill = deadline + dt.timedelta(days=2)
    elif "duplicate" in mine:
        fill = deadline - dt.timedelta(days=1)
    else:
        fill = deadline - dt.timedelta(days=rng.randint(1, 6))
    return fill


def _prepare_return(campaign: Campaign, city: City, seed: int, fill: dt.date, mine: list[str], trace: dict[str, Any],
                    contract, filed: list[str], planted_cities: list[str],
                    track_expected: dict[str, dict[str, int]]) -> CityReturn:
    """One city's return with its roles applied: planted mistakes, messy cells, missing photos,
    follow-up states and batch self-checks (``planted_cities``, ``track_expected``, ``filed`` grow)."""
    trace_role = ("source" if "trace_source" in mine else
                  "user" if ("trace_user1" in mine or "trace_user2" in mine) else None)
    ret = generate_city(campaign, city, seed, fill, trace=trace, trace_role=trace_role)
    planter = _Planter(ret)
    for role, action in (("formats", planter.formats), ("codes", planter.codes_and_complaints),
                         ("spot", planter.spotchecks), ("appraisal", planter.appraisals)):
        if role in mine:
            action()
            planted_cities.append(city.name)
    if "messy" in mine:
        _messy(ret)
    if "photo_missing" in mine and ret.rows["exposure"]:
        first = ret.rows["exposure"][0]
        names = str(first["photos"]).split("、")
        if len(names) < 2:
            names.append(names[0].rsplit("-", 1)[0] + "-2.jpg")
            first["photos"] = "、".join(names)
        ret.missing_photos = [names[-1]]
    ret.photos = [p for r in ret.rows["exposure"] for p in str(r["photos"]).split("、")
                  if p not in ret.missing_photos]
    track_expected[city.name] = _follow_up(ret, TRACK_AS_OF, filed, seed)
    _batch_selfchecks(ret, trace, mine)
    _check_clean_duplicates(contract, ret)
    return ret


def _record_outputs(out: Path, contract, city: City, name: str, fill: dt.date, ret: CityReturn, seed: int,
                    messy_cells: list, photos_written: list, missing_photos: list, trace_sites: list,
                    spot_verdicts: list) -> None:
    """What the manifest says about one written return: its messy cells, the photos written beside it
    (and the ones left out), the sites of the traced batch."""
    for sheet_key, idx, col in ret.messy:
        sheet = contract.sheet(sheet_key)
        messy_cells.append({"file": name, "sheet": sheet.title, "cell": _cell(sheet, col, idx),
                            "value": ret.rows[sheet_key][idx][col]})
    for p in ret.photos:
        (out / p).write_bytes(_photo_bytes(p, seed))
        os.utime(out / p, (_at(fill, 15, 0).timestamp(),) * 2)
        photos_written.append(p)
    exp_sheet = contract.sheet("exposure")
    for idx, r in enumerate(ret.rows["exposure"]):
        for p in ret.missing_photos:
            if p in str(r["photos"]).split("、"):
                missing_photos.append({"file": name, "sheet": exp_sheet.title,
                                       "cell": _cell(exp_sheet, "photos", idx), "photo": p})
    spot_sheet = contract.sheet("spotcheck")
    for idx, r in enumerate(ret.rows["spotcheck"]):
        spot_verdicts.append({"file": name, "sheet": spot_sheet.title, "row": idx + 2, "item": r["item"],
                              "verdict": r["_verdict"], "rule": r.get("_rule")})
        if r.get("_trace"):
            trace_sites.append({"city": city.name, "file": name, "project": r["project"],
                                "cell": _cell(spot_sheet, "batch", idx), "item": r["item"],
                                "judgment": r["_verdict"]})


def _province_figures(campaign: Campaign, counts: dict[str, dict[str, Any]], used: list[CityReturn],
                      trace: dict[str, Any], trace_sites: list[dict[str, Any]]) -> dict[str, Any]:
    """The province-wide figures, from the generator's own records (never from the code it checks):
    sums of the per-city counts, what the cities' 基本信息 say, the planted batch and the other sites
    that used it, and the reward roster redrawn from its published rule."""
    reported = [c for c in counts.values() if c["status"] != "未报送"]
    skip = {"city", "city_code", "status", "fill_date", "spot_pass_rate", "errors", "warnings", "manual_rows"}
    out: dict[str, Any] = {k: (round(sum(c[k] for c in reported), 2) if k == "reward_total" else sum(c[k] for c in reported))
                           for k in reported[0] if k not in skip}
    npass, nfail = out["spot_pass"], out["spot_fail"]
    out["spot_pass_rate"] = round(npass / (npass + nfail), 6)
    out["cities"] = len(campaign.cities)
    out["cities_reported"] = len(reported)
    out["cities_late"] = sum(1 for c in reported if c["status"] == "逾期报送")
    out["cities_missing"] = len(campaign.cities) - len(reported)
    out["plans_made"] = sum(1 for r in used if r.info.get("plan_status") == "已制定")
    out["plan_docs"] = {r.city.name: r.info["plan_doc"] for r in used if r.info.get("plan_doc")}
    out["complaint_officers"] = sum(1 for r in used if r.info.get("complaint_officer"))
    failing = {(s["city"], s["project"]) for s in trace_sites if s["judgment"] == "不合格"}
    others = {(s["city"], s["project"]) for s in trace_sites} - failing
    out["trace"] = {"manufacturer": trace["manufacturer"], "batch": trace["batch"],
                    "failed_in": sorted({c for c, _ in failing}), "used_in": sorted({c for c, _ in others}),
                    "other_sites": len(others), "other_projects": sorted(p for _, p in others)}
    # the roster: a random envelope per real-name complaint in (city code, number) order, seeded by
    # the first 8 hex digits of sha256(campaign id); an extra reward by level for verified ones
    rules = campaign.rewards or {}
    lo, hi = sorted((float(rules.get("random_min", 0)), float(rules.get("random_max", 0))))
    extra = {str(k): Decimal(str(v)) for k, v in (rules.get("extra_by_level") or {}).items()}
    rng = random.Random(int(hashlib.sha256(campaign.id.encode("utf-8")).hexdigest()[:8], 16))
    env, ext, n_env, n_ext = Decimal(0), Decimal(0), 0, 0
    for r in sorted(used, key=lambda r: r.city.code):
        for row in sorted(r.rows["complaints"], key=lambda x: x["no"]):
            if row.get("real_name") != "是":
                continue
            env += Decimal(str(rng.uniform(lo, hi))).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
            n_env += 1
            if row.get("verified") in ("属实", "部分属实") and row.get("level") in extra:
                ext += extra[row["level"]]
                n_ext += 1
    out["reward_roster"] = {"envelopes": n_env, "envelope_total": f"{env:.2f}", "extras": n_ext,
                            "extra_total": f"{ext:.2f}", "total": f"{env + ext:.2f}"}
    return out


def _cell(sheet, key: str, index: int) -> str:
    col = [c.key for c in sheet.columns].index(key) + 1
    return f"{get_column_letter(col)}{index + 2}"


def _expected(contract: Contract, ret: CityReturn, file: str) -> list[dict[str, Any]]:
    out = []
    for sheet in contract.table_sheets:
        for idx, r in enumerate(ret.rows.get(sheet.key, [])):
            for code, key, note in r.get("_expect", []):
                col = sheet.column(key)
                out.append({"code": code, "file": file, "sheet": sheet.title, "cell": _cell(sheet, key, idx),
                            "column": col.title, "severity": CODES[code][0], "city": ret.city.name,
                            "note": note})
    return out


def _signature(sheet, row: dict[str, Any]) -> tuple:
    def show(v: Any) -> str:
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return "" if v is None else str(v).strip()

    return tuple(show(row.get(c.key)) for c in sheet.columns)


def _check_clean_duplicates(contract: Contract, ret: CityReturn) -> None:
    """Accidental exact duplicates would be unplanned findings: make them impossible."""
    for sheet in contract.table_sheets:
        seen: set[tuple] = set()
        for r in ret.rows.get(sheet.key, []):
            sig = _signature(sheet, r)
            planted = any(code == "duplicate-row" for code, _, _ in r.get("_expect", []))
            if sig in seen and not planted:
                raise RuntimeError(f"accidental duplicate row in {ret.city.name} {sheet.title}")
            seen.add(sig)


def _earlier_version(ret: CityReturn, fill: dt.date) -> CityReturn:
    """The first draft a city sent before its corrected return: fewer rows, an earlier date."""
    rows = {k: [dict(r) for r in v] for k, v in ret.rows.items()}
    for key in ("quiz", "complaints", "appraisal", "publicity"):
        keep = max(1, len(rows[key]) * 2 // 3)
        rows[key] = rows[key][:keep]
    info = dict(ret.info, fill_date=fill)
    return CityReturn(ret.city, info, rows, photos=list(ret.photos))


# ----------------------------------------------------------------- the follow-up loop (issue 18)
TRACK_AS_OF = dt.date(2022, 10, 20)     # the date the demo's tracking is stated for (after the deadline)
_TRACK_CYCLE = ("复查合格", "逾期未整改", "已整改待复查", "已下发未到期", "复查不合格", "复查合格")


def _follow_up(ret: CityReturn, as_of: dt.date, filed: list[str], seed: int) -> dict[str, int]:
    """Give every non-conforming item of ``ret`` a follow-up chosen here (receipt, reply, review,
    case) and return the state each was given, by name: the ground truth for `qm track`, decided
    by the generator and never computed by the tracking code. Planted rows keep their notice
    fields (their findings depend on them); only the first case-filed item met stays 已立案,
    the other case-filed items are closed by a passed review."""
    rng = random.Random(f"track:{seed}:{ret.city.code}")
    out: dict[str, int] = {}
    k = rng.randrange(len(_TRACK_CYCLE))
    for r in ret.rows["spotcheck"]:
        if r.get("_verdict") != "不合格":
            continue
        issued = r.get("notice_date")
        if not r.get("notice_no") or not isinstance(issued, dt.date):
            state = "未下发"
        else:
            r["receipt_date"] = issued + dt.timedelta(days=1)
            planted = bool(r.get("_expect"))
            if r.get("case_filed") == "是":
                state = "已立案" if not filed else "复查合格"
                if not filed:
                    filed.append(ret.city.name)
                    r["case_no"] = f"{ret.gen.abbr}建罚〔{ret.gen.year}〕{rng.randint(1, 30):03d}号"
            elif planted:
                if not isinstance(r.get("deadline"), dt.date) or r["deadline"] >= as_of:
                    raise RuntimeError("a planted non-conforming row needs a deadline before the tracking date")
                state = "逾期未整改"
            else:
                state = _TRACK_CYCLE[k % len(_TRACK_CYCLE)]
                k += 1
            if state in ("复查合格", "复查不合格", "已整改待复查"):
                r["reply_date"] = issued + dt.timedelta(days=3)
                r["review_result"] = "未复查" if state == "已整改待复查" else state[2:]
                if state != "已整改待复查":
                    r["review_date"] = issued + dt.timedelta(days=6)
            r["status"] = {"复查合格": "已复查合格", "已整改待复查": "已整改"}.get(state, "整改中")
            if state == "逾期未整改" and not planted and r["deadline"] >= as_of:
                r["deadline"] = issued + dt.timedelta(days=7)
            elif state == "已下发未到期":
                r["deadline"] = as_of + dt.timedelta(days=5)
        out[state] = out.get(state, 0) + 1
    return out


def _batch_selfchecks(ret: CityReturn, trace: dict[str, Any], roles: list[str]) -> None:
    """同批次自查 rows of the traced batch: the source city's own other site found and fixed a
    problem; the first user city's site checked itself, the second's has not yet."""
    gen = ret.gen
    rows = ret.rows.setdefault("batchcheck", [])
    base = {"manufacturer": trace["manufacturer"], "batch": trace["batch"]}
    if "trace_source" in roles:
        src = next(r for r in ret.rows["spotcheck"] if r.get("_trace"))
        other = next(p for p in gen.projects if p["project"] != src["project"])
        rows.append({**base, "notice_no": src.get("notice_no"), "project": other["project"],
                     "contractor": other["contractor"], "selfcheck_date": src["date"] + dt.timedelta(days=5),
                     "selfcheck_result": "发现问题已处理", "remark": "同批次钢筋已退场并复检"})
    for role, done in (("trace_user1", True), ("trace_user2", False)):
        if role in roles:
            site = next(r for r in ret.rows["spotcheck"] if r.get("_trace"))
            row = {**base, "project": site["project"], "contractor": site["contractor"],
                   "selfcheck_result": "未发现问题" if done else "未自查"}
            if done:
                row["selfcheck_date"] = site["date"] + dt.timedelta(days=4)
            rows.append(row)


def _tracking_truth(states: dict[str, dict[str, int]], trace: dict[str, Any], cities: list[City],
                    roles: dict[str, int]) -> dict[str, Any]:
    total: dict[str, int] = {}
    for by in states.values():
        for k, v in by.items():
            total[k] = total.get(k, 0) + v
    act = ("逾期未整改", "复查不合格", "已整改待复查")     # every 已整改待复查 here was replied > 7 days before
    return {"as_of": TRACK_AS_OF.isoformat(), "counts": total, "by_city": states,
            "supervision_cities": [c for c, by in states.items() if any(by.get(s) for s in act)],
            "traced": {"source_city": trace["source_city"], "sites": 3, "sites_done": 2,
                       "pending_city": cities[roles["trace_user2"]].name}}
