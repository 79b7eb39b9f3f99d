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
# a name introduced by a word for a private person, or followed by a contact word or ID number
_PRIVATE_NAME = re.compile(
    r"((?:个人自建|个人建房|自建房|自建|个人|业主|户主|房主|屋主|姓名|本人|村民|居民|委托人|申请人|建设人|投资人|出资人|"
    r"负责人|项目经理|技术负责人|总监理工程师|总监|监理工程师|监理员|施工员|质检员|安全员|投诉人|举报人|联系人|产权人|"
    r"法定代表人|法人代表|鉴定人|经办人|当事人)\s*[:：]?\s*)"
    r"((?:" + "|".join(sorted(COMPOUND_SURNAMES)) + r")[\u4e00-\u9fff]{1,2}|[\u4e00-\u9fff]{2,3})"
    r"(?![\u4e00-\u9fff]*(?:公司|集团|单位|中心|局|站|队|院|所|厂|部|社|委|办|处|协会|合作社))")
_NAME_BEFORE_CONTACT = re.compile(
    r"(?<![\u4e00-\u9fff])((?:" + "|".join(sorted(COMPOUND_SURNAMES)) + r")[\u4e00-\u9fff]{1,2}|[\u4e00-\u9fff]{2,3})"
    r"(?=\s*[，,、;；:：(（]?\s*(?:电话|手机|联系电话|身份证|\d{11}|1[3-9]\d))")


def _name_if_person(m: re.Match, group: int = 1, keep_before: bool = False) -> str:
    name = m.group(group)
    if name[:2] in COMPOUND_SURNAMES or name[0] in _SURNAMES:
        masked = _mask_one_name(name)
        return (m.group(1) + masked) if keep_before else masked
    return m.group(0)


def scrub_published(value: object, *, name: bool = False) -> str:
    """Any field on its way into a published document, with personal data masked wherever it is.

    Phone numbers (mobile and landline, half- or full-width digits, with spaces, dashes or
    brackets, with or without +86), ID numbers (also in groups), names introduced by a private
    person's role (个人自建：韦小宝 -> 个人自建：韦**) or followed by a phone or ID number, and names
    typed with spaces (蒙　桂). With ``name=True`` the whole value is a person's name (or a list
    of them) and is masked as one. Total: any input gives a string; an unexpected failure gives
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
        if _looks_like_spaced_name(text):          # 蒙　桂: a whole value that is a spaced name
            joined = _join_spaced_names(text.strip())
            if joined[:2] in COMPOUND_SURNAMES or joined[0] in _SURNAMES:
                return _mask_one_name(joined)
        text = _PRIVATE_NAME.sub(lambda m: _name_if_person(m, 2, keep_before=True), text)
        text = _NAME_BEFORE_CONTACT.sub(lambda m: _name_if_person(m, 1), text)
        return text
    except Exception:
        return ""


def _looks_like_spaced_name(text: str) -> bool:
    """A short value that is only CJK characters and spaces, each run one or two characters (蒙　桂)."""
    runs = re.split(r"[ \t\u3000\u00a0]+", text.strip())
    return 1 < len(runs) <= 4 and all(re.fullmatch(rf"[{_CJK}]{{1,2}}", r) for r in runs) and len(runs[0]) == 1 \
        or (len(runs) == 2 and runs[0] in COMPOUND_SURNAMES)
