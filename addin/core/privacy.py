"""Masking personal data in anything published or circulated (FACTS.md §7).

Practice followed (no single binding national format exists): names keep the surname
(张* / 欧阳**), phones keep the first 3 and last 4 digits (landlines: area code + last 4),
ID numbers keep the first 6 and last 4, addresses keep the place down to the district,
township or street and drop house numbers, compounds, villages and rooms.

Every function is total: any input (None, NaN, numbers, odd objects) gives a string, never
an exception. None gives ''.
"""
from __future__ import annotations

import math
import re

__all__ = ["mask_name", "mask_phone", "mask_id", "mask_address", "scrub_text", "scrub_published", "COMPOUND_SURNAMES"]

COMPOUND_SURNAMES = frozenset("""
欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 独孤 南宫 西门
百里 呼延 端木 申屠 太史 公羊 澹台 闻人 万俟 赫连 拓跋 司空 濮阳 淳于 单于 仲孙 东郭 梁丘
左丘 第五 谷梁 宰父 羊舌 微生 公冶 乐正 漆雕 壤驷 公良 夹谷 巫马 段干 东门 归海 鲜于 闾丘
亓官 司寇 子车 颛孙 公西 公户 公仪 公乘 叔孙 太叔 申叔 即墨 达奚 褚师 相里 梁丘 哥舒
""".split())

_SEPARATORS = re.compile(r"([、，,；;/／]+|\s+)")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    try:
        return str(value).strip()
    except Exception:  # a hostile __str__
        return ""


def _each(text: str, fn) -> str:
    """Apply ``fn`` to every item of a list written with 、，,；; or spaces, keeping the separators."""
    parts = _SEPARATORS.split(text)
    return "".join(p if (i % 2 or not p) else fn(p) for i, p in enumerate(parts))


# -- names ---------------------------------------------------------------------------------
def _mask_one_name(name: str) -> str:
    if len(name) <= 1:
        return name
    if "·" in name or "•" in name:                       # 买买提·吐尔逊: keep the first character only
        return name[0] + "".join(ch if ch in "·•" else "*" for ch in name[1:])
    if re.fullmatch(r"[A-Za-z][A-Za-z .'-]*", name):     # Latin names: first letter
        return name[0] + "".join(" " if ch == " " else "*" for ch in name[1:])
    keep = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:keep] + "*" * (len(name) - keep)


_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# a name typed with spaces between its characters (蒙　桂, 欧阳 娜娜, 张 三 丰): no Chinese name is
# one character, so a lone character (or a compound surname) followed by a space belongs to the next
_SPACED_NAME = re.compile(
    rf"(?<![{_CJK}])((?:{'|'.join(sorted(COMPOUND_SURNAMES))}|[{_CJK}]))[ \t\u3000\u00a0]+(?=[{_CJK}])")


def _join_spaced_names(text: str) -> str:
    prev = None
    while prev != text:
        prev, text = text, _SPACED_NAME.sub(r"\1", text)
    return text


def mask_name(value: object) -> str:
    """张三 -> 张*, 张三丰 -> 张**, 欧阳娜娜 -> 欧阳**; several names separated by 、 are masked each;
    a name typed with spaces (蒙　桂 with a full-width space, 张 三 丰) is one name: 蒙*, 张**."""
    try:
        text = _join_spaced_names(_text(value))
        return _each(text, _mask_one_name) if text else ""
    except Exception:
        return ""


# -- phones --------------------------------------------------------------------------------
_PHONE_CHARS = re.compile(r"[\d\s\-－—–()（）+＋]+")


def _mask_one_phone(raw: str) -> str:
    if re.fullmatch(r"[\d\-]*\*+\d{4}", raw):          # already masked (138****1234, 0771-***0119)
        return raw
    digits = re.sub(r"\D", "", raw.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    if not digits:
        return "*" * len(raw) if raw else ""
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):                 # mobile
        return f"{digits[:3]}****{digits[-4:]}"
    if digits.startswith("0") and len(digits) >= 10:                 # landline with area code
        main = re.split(r"[^\d]*(?:转|ext\.?|-)\s*\d{1,5}$", raw)[0]   # drop an extension
        area_len = 3 if digits[1] in "12" else 4                     # 010, 02x; else 0xxx
        local = re.sub(r"\D", "", main)[area_len:] or digits[area_len:]
        if len(local) < 5:
            local = digits[area_len:]
        return f"{digits[:area_len]}-{'*' * (len(local) - 4)}{local[-4:]}"
    if len(digits) >= 7:                                             # local number, 400/800 …
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits)


def mask_phone(value: object) -> str:
    """13812345678 -> 138****5678; 0771-2260119 -> 0771-***0119; several phones masked each."""
    try:
        text = _text(value)
        if not text:
            return ""
        parts = re.split(r"([、，,；;/／]+)", text)
        return "".join(p if i % 2 else (_mask_one_phone(p.strip()) if p.strip() else p) for i, p in enumerate(parts))
    except Exception:
        return ""


# -- ID numbers ----------------------------------------------------------------------------
def mask_id(value: object) -> str:
    """110105194912310021 -> 110105********0021 (first 6 + 8 '*' + last 4); 15-digit: 6 + 5 '*' + 4."""
    try:
        text = _text(value)
        s = re.sub(r"[\s\-]", "", text).upper().translate(str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX"))
        if not s:
            return ""
        if len(s) >= 11:
            return s[:6] + "*" * (len(s) - 10) + s[-4:]
        return "*" * len(s)
    except Exception:
        return ""


# -- addresses -----------------------------------------------------------------------------
_ADMIN = re.compile(
    r"[^\d\s号栋幢单元室楼层组屯村]{0,12}?"
    r"(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|州|盟|地区|县|区|旗|街道办事处|街道|镇|乡|苏木)"
)
_ROAD = re.compile(r"[^\d\s号栋幢单元室楼层组屯村]{1,10}?(?:大道|大街|路|街|巷|胡同|弄|道)")
_STOP_IN_ADMIN = ("小区", "社区", "园区", "校区", "片区", "厂区", "景区", "村", "屯", "组")
_LOWER = re.compile(r"(村|屯|组|社区|小区|花园|公寓|大厦|广场|家园|苑|\d|号|栋|幢|单元|室)")


def mask_address(value: object) -> str:
    """Keep the address down to the district/township/street (and the road name), drop house
    numbers, compounds, villages and rooms:
    南宁市青秀区民族大道100号3栋501 -> 南宁市青秀区民族大道."""
    try:
        text = re.sub(r"\s+", "", _text(value))
        if not text:
            return ""
        pos, kept = 0, ""
        while True:
            m = _ADMIN.match(text, pos)
            if not m or m.end() == pos:
                break
            unit = m.group(0)
            if any(unit.endswith(s) for s in _STOP_IN_ADMIN):
                break
            kept += unit
            pos = m.end()
        m = _ROAD.match(text, pos)
        if m and not _LOWER.search(m.group(0)):
            kept += m.group(0)
        # nothing recognised (a village, a compound, a house number): publish nothing
        return kept
    except Exception:
        return ""


# -- free text -----------------------------------------------------------------------------
# Common surnames (about 90% of the population); a role word followed by one of these and one
# or two more characters is taken for a person's name (erring on the side of masking a
# character too many: 业主王明反映 -> 业主王**映).
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
    "景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_ROLE_NAME = re.compile(
    r"(负责人|项目经理|技术负责人|总监理工程师|总监|监理工程师|监理员|施工员|质检员|安全员|业主|投诉人|举报人|"
    r"联系人|产权人|户主|房主|法定代表人|法人代表|鉴定人|经办人|当事人)([:：]?)"
    r"((?:" + "|".join(sorted(COMPOUND_SURNAMES)) + r")[\u4e00-\u9fff]{1,2}|[\u4e00-\u9fff]{2,3})"
)


def _mask_role_name(m: re.Match) -> str:
    name = m.group(3)
    if name[:2] in COMPOUND_SURNAMES or name[0] in _SURNAMES:
        return m.group(1) + m.group(2) + _mask_one_name(name)
    return m.group(0)

_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)0\d{2,3}[-－—\s]?\d{7,8}(?!\d)")


def scrub_text(value: object) -> str:
    """Free text (a problem description, a remark) with ID numbers and phone numbers masked, and
    names masked where a role word introduces them (项目经理李明 -> 项目经理李*)."""
    try:
        text = _text(value)
        text = _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)), text)
        text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
        text = _LANDLINE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
        return _ROLE_NAME.sub(_mask_role_name, text)
    except Exception:
        return ""


# -- everything published ---------------------------------------------------------------------
# Full-width digits, letters and the punctuation of numbers, folded before looking for numbers.
_FOLD = str.maketrans("０１２３４５６７８９Ｘｘ－＋", "0123456789Xx-+")
_SEP = r"[ \t\u00a0\u3000\-–—.·]?"
# ID numbers, also typed in groups (450102 19900101 1237)
_ID_LOOSE = re.compile(rf"(?<![0-9A-Za-z])\d{{6}}{_SEP}\d{{4}}{_SEP}?\d{{4}}{_SEP}\d{{3}}[\dXx](?![0-9A-Za-z])"
                       rf"|(?<![0-9A-Za-z])\d{{17}}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{{15}}(?!\d)")
# mobiles: 138 7777 1234, 138-7777-1234, +86 13877771234, (+86)138…
_MOBILE_LOOSE = re.compile(rf"(?<!\d)(?:[(（]?\+?86[)）]?{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)")
# landlines with an area code: 0771-2260119, (0771)2260119, 0771 226 0119, 010-12345678 转 123
_LANDLINE_LOOSE = re.compile(rf"(?<!\d)[(（]?0\d{{2,3}}[)）]?{_SEP}\d{{3,4}}{_SEP}?\d{{4}}(?:\s*(?:转|ext\.?|-)\s*\d{{1,5}})?(?!\d)")
# a number after a contact word, whatever its form (电话：2260119, 手机 138 7777 1234)
_CONTACT_NUMBER = re.compile(r"((?:联系)?(?:电话|手机|座机|微信|电话号码|手机号|联系方式|tel|TEL|Tel|phone|Phone)"
                             r"(?:号码)?\s*[:：]?\s*)([+(（]?\d[\d \u3000\-()（）]{4,}\d)")
_ID_WORD = re.compile(r"((?:身份证|身份证号|身份证号码|证件号|证件号码)\s*[:：]?\s*)([0-9Xx][0-9Xx \-]{9,}[0-9Xx])")
# -- names in free text -----------------------------------------------------------------------
# Words for a private person (or a person on a project) that introduce a name, longest first so
# 个人自建 wins over 个人. An optional 姓名/名字 and a colon may follow (举报人姓名：…).
_ROLES = sorted("""个人自建 个人建房 自建房 自建 个人 业主 户主 房主 屋主 姓名 本人 村民 居民 住户 租户 委托人 申请人
建设人 投资人 出资人 负责人 项目经理 技术负责人 总监理工程师 总监 监理工程师 监理员 施工员 质检员 安全员
投诉人 举报人 反映人 来电人 联系人 产权人 法定代表人 法人代表 鉴定人 经办人 当事人""".split(), key=len, reverse=True)
_ROLE_INTRO = re.compile(r"(?:" + "|".join(_ROLES) + r")(?:姓名|名字)?[ \t\u3000\u00a0]*(?:[:：]|为|是|系)?[ \t\u3000\u00a0]*")
_WS = " \t\u3000\u00a0"
_IS_CJK = re.compile(rf"[{_CJK}]")
# What follows a name (业主王明|反映, 联系人陈明|电话): the name ends before these, so the next
# word is never taken for the third character of the name.
_AFTER_NAME = tuple(sorted("""反映 反应 电话 手机 联系 身份 投诉 举报 来电 来信 来访 表示 认为 提出 发现 指出 要求 诉称
称 说 讲 的 在 于 等 及 和 与 对 向 因 已 未 家 住 先生 女士 同志 师傅 夫妇 一家 本人 其 并 也 均 到 曾 又 是 为 被
签字 签名 确认 同意 现场 房屋 户 座机 微信 证件""".split(), key=len, reverse=True))
# What follows a role word and is not a name (业主单位, 房主房屋, 个人安全防护, 负责人签字).
_NOT_A_NAME = tuple("""单位 方面 代表 委托 名称 签字 签名 确认 同意 信息 电话 意见 情况 房屋 安全 原因 防护 财产 所有 名义
姓名 身份 联系 大会 委员 岗位 证书 资格 资料 材料 承诺 责任 任务 职责 到场 在场 不在 严重 高度 全部 全程 全面 全体
金额 方案 万元 成立 曾经 常驻 常年 明确 明显 管理 时间 应当 应该 文件 任职 齐全 向其 于是 和解 包括 连续 简历
车辆 路面 石材 解释 关于 程序 董事 经理 师傅 否""".split())
# A name directly followed by one of these is part of an organisation's name (负责人黄河建设公司).
_ORG = re.compile(r"公司|集团|有限|单位|中心|分局|管理局|监督站|工作站|设计院|研究院|事务所|工程队|施工队|项目部|合作社|"
                  r"协会|委员会|办公室|建筑|建设|建工|工程|监理|勘察|设计|房地产|置业|开发|实业|物业")


def _scan_name(text: str, pos: int) -> tuple[int, str] | None:
    """The person's name starting at ``pos`` (end, name without spaces), or None: a surname
    (compound or common) and one or two more characters (compound: up to four in all), the
    characters possibly separated by spaces (蒙　桂, 黎 明 辉); the name stops before a word
    that follows names (反映, 电话 …) and never takes a third character across a space
    unless that character stands alone (张 三 丰)."""
    if text[pos:pos + 2] in COMPOUND_SURNAMES and pos + 2 < len(text):
        chars, i, most = [text[pos:pos + 2]], pos + 2, 4
    elif pos < len(text) and text[pos] in _SURNAMES:
        chars, i, most = [text[pos]], pos + 1, 3
    else:
        return None
    least = len(chars[0]) + 1
    spaced = False
    while sum(map(len, chars)) < most:
        j = i
        while j < len(text) and text[j] in _WS and j - i < 3:
            j += 1
        if j >= len(text) or not _IS_CJK.match(text[j]):
            break
        n = sum(map(len, chars))
        crossed = j > i
        if n >= least:
            if text.startswith(_AFTER_NAME, j):
                break
            if crossed != spaced:                  # 陈明 施工单位: a space ends an unspaced name;
                break                              # 梁 柱板: a spaced name goes on spaced or not at all
            if crossed and j + 1 < len(text) and _IS_CJK.match(text[j + 1]):
                break                              # 陈　明 施工: only a lone character joins
        spaced = spaced or (crossed and chars[-1] not in COMPOUND_SURNAMES)   # 欧阳 娜娜 is not spaced
        chars.append(text[j])
        i = j + 1
    name = "".join(chars)
    if len(name) < least:
        return None
    rest = text[i:i + 8]
    if not rest.startswith(_AFTER_NAME) and _ORG.search((name + re.split(r"[^{0}]".format(_CJK), rest)[0])[:8]):
        return None
    return i, name


def _mask_names_after_roles(text: str) -> str:
    out, pos = [], 0
    for m in _ROLE_INTRO.finditer(text):
        if m.start() < pos:
            continue
        start = m.end()
        if text.startswith(_NOT_A_NAME, start):
            continue
        if m.group(0).rstrip(_WS + ":：") == "个人" and not re.search("[:：]", m.group(0)):
            continue                               # 个人 alone is too common a word: only 个人：韦小宝
        found = _scan_name(text, start)
        if not found:
            continue
        end, name = found
        out.append(text[pos:start])
        out.append(_mask_one_name(name))
        pos = end
    out.append(text[pos:])
    return "".join(out)


# a surname standing alone (not inside a word) followed by a space and more characters: a name
# typed with spaces anywhere in free text (经核实，蒙　桂家中墙体开裂)
_SPACED_START = re.compile(rf"(?<![{_CJK}])(?=(?:{'|'.join(sorted(COMPOUND_SURNAMES))}|[{_CJK}])[{_WS}]+[{_CJK}])")


# Single characters that name building parts and materials: a role-less spaced "name" made of them
# is a list typed with spaces (梁 柱 板, 钢 筋) in a construction text, not a person.
_BUILDING_PARTS = frozenset("梁柱板墙砖砌浆筋钢砼混凝土管线窗门楼层顶底基桩梯台缝洞孔瓦沙砂石灰")


def _mask_spaced_names(text: str) -> str:
    out, pos = [], 0
    for m in _SPACED_START.finditer(text):
        if m.start() < pos:
            continue
        found = _scan_name(text, m.start())
        if not found:
            continue
        end, name = found
        if not any(ch in _WS for ch in text[m.start():end]):
            continue
        if end < len(text) and _IS_CJK.match(text[end]) and not text.startswith(_AFTER_NAME, end):
            continue                               # 梁 柱板: not a name's end
        if any(ch in _BUILDING_PARTS for ch in name[1:]):
            continue                               # 梁 柱 板, 墙 砖: a list of building parts, not 梁**
        out.append(text[pos:m.start()])
        out.append(_mask_one_name(name))
        pos = end
    out.append(text[pos:])
    return "".join(out)


_NOT_A_PERSON = re.compile(r"施工|项目|值班|办公|服务|咨询|热线|应急|现场|联系|总机|前台|站$|部$|股$|室$")
_NAME_BEFORE_CONTACT = re.compile(
    rf"(?<![{_CJK}])((?:" + "|".join(sorted(COMPOUND_SURNAMES)) + rf"|[{_CJK}])(?:[{_WS}]?[{_CJK}]){{1,2}})"
    r"(?=\s*[，,、;；:：(（]?\s*(?:电话|手机|联系电话|身份证|\d{11}|1[3-9]\d))")


def _name_before_contact(m: re.Match) -> str:
    name = re.sub(rf"[{_WS}]", "", m.group(1))
    if _ORG.search(name) or _NOT_A_PERSON.search(name):
        return m.group(0)                          # 项目部电话, 施工方电话, 值班电话
    if name[:2] in COMPOUND_SURNAMES or name[0] in _SURNAMES:
        return _mask_one_name(name)
    return m.group(0)


def scrub_published(value: object, *, name: bool = False, public_name: bool = False) -> str:
    """Any field on its way into a published document, with personal data masked wherever it is.

    Phone numbers (mobile and landline, half- or full-width digits, with spaces, dashes or
    brackets, with or without +86), ID numbers (also in groups), names introduced by a private
    person's role (个人自建：韦小宝 -> 个人自建：韦**) or followed by a phone or ID number, and names
    typed with spaces (蒙　桂). With ``name=True`` the whole value is a person's name (or a list
    of them) and is masked as one. With ``public_name=True`` the value is a name published on
    purpose (an award winner): numbers are masked, names are kept. Total: any input gives a string; an unexpected failure gives
    '' (nothing published) rather than the raw text.
    """
    try:
        text = _text(value)
        if not text:
            return ""
        if name:
            return mask_name(text)
        text = text.translate(_FOLD)
        text = _ID_WORD.sub(lambda m: m.group(1) + mask_id(m.group(2)), text)
        text = _ID_LOOSE.sub(lambda m: mask_id(m.group(0)), text)
        text = _MOBILE_LOOSE.sub(lambda m: _mask_one_phone(m.group(0)), text)
        text = _LANDLINE_LOOSE.sub(lambda m: _mask_one_phone(m.group(0)), text)
        text = _CONTACT_NUMBER.sub(lambda m: m.group(1) + _mask_one_phone(m.group(2)), text)
        if public_name:
            return text
        if _looks_like_spaced_name(text):          # 蒙　桂: a whole value that is a spaced name
            joined = _join_spaced_names(text.strip())
            if joined[:2] in COMPOUND_SURNAMES or joined[0] in _SURNAMES:
                return _mask_one_name(joined)
        text = _mask_names_after_roles(text)
        text = _NAME_BEFORE_CONTACT.sub(_name_before_contact, text)
        return _mask_spaced_names(text)
    except Exception:
        return ""


def _looks_like_spaced_name(text: str) -> bool:
    """A short value that is only CJK characters and spaces, each run one or two characters (蒙　桂)."""
    runs = re.split(r"[ \t\u3000\u00a0]+", text.strip())
    return 1 < len(runs) <= 4 and all(re.fullmatch(rf"[{_CJK}]{{1,2}}", r) for r in runs) and len(runs[0]) == 1 \
        or (len(runs) == 2 and runs[0] in COMPOUND_SURNAMES)
