"""Issue 17 class 8, the acceptance corpus: personal data typed the ways people type it (names with
and without spaces, half- and full-width; after 投诉人/举报人/业主/户主/联系人/负责人/经办人 or
alone; mobiles and landlines with 0771-/（0771）/+86/spaces/full-width digits; 18-digit IDs with X
or x and 15-digit IDs) mixed into free text, each with the masked text written out by hand from
the masking practice in FACTS.md §7 (names keep the surname, mobiles the first 3 and last 4
digits, landlines the area code and last 4, IDs the first 6 and last 4) — and ordinary words
(projects, companies, places, standards) that must come out unchanged."""
from __future__ import annotations

import pytest

from addin.core.privacy import scrub_published

# (typed, published) — every expected string written by hand
CORPUS = [
    # names after a role, spaced with half- or full-width spaces
    ("联系人 陈　明 电话13877771234", "联系人 陈* 电话138****1234"),
    ("联系人陈明电话13877771234", "联系人陈*电话138****1234"),
    ("业主蒙　桂反映三楼卫生间渗漏", "业主蒙*反映三楼卫生间渗漏"),
    ("业主王明反映墙体开裂", "业主王*反映墙体开裂"),
    ("投诉人：黄 华，手机 139 7712 3456", "投诉人：黄*，手机 139****3456"),
    ("举报人欧阳 娜娜称楼板开裂", "举报人欧阳**称楼板开裂"),
    ("举报人欧阳娜娜称楼板开裂", "举报人欧阳**称楼板开裂"),
    ("举报人姓名：黎 明 辉", "举报人姓名：黎**"),
    ("户主覃志强，身份证45010219900101123X", "户主覃**，身份证450102********123X"),
    ("户主 覃　强 家中外墙渗水", "户主 覃* 家中外墙渗水"),
    ("负责人：刘伟 0771-2260119", "负责人：刘* 0771-***0119"),
    ("项目负责人张建国现场签字确认", "项目负责人张**现场签字确认"),
    ("经办人 李 娟", "经办人 李*"),
    ("经办人李娟已回访", "经办人李*已回访"),
    ("业主韦小宝（电话：（0771）5551234）", "业主韦**（电话：0771-***1234）"),
    ("联系人：陈明（13877771234）", "联系人：陈*（138****1234）"),
    ("投诉人蒙桂，联系电话0771 226 0119", "投诉人蒙*，联系电话0771-***0119"),
    ("投诉人陈明和李华共同反映", "投诉人陈*和李华共同反映"),
    ("个人自建：韦小宝，电话13877771234", "个人自建：韦**，电话138****1234"),
    ("个人：覃　文", "个人：覃*"),
    ("联系人 司马　光 13977712345", "联系人 司马* 139****2345"),
    ("负责人为张三", "负责人为张*"),
    ("负责人系欧阳娜娜", "负责人系欧阳**"),
    ("项目经理黄永强未到岗", "项目经理黄**未到岗"),
    ("总监理工程师覃海涛、安全员林小红均未到场", "总监理工程师覃**、安全员林**均未到场"),
    ("投诉人：欧阳娜娜（手机：+86 139-7712-3456）", "投诉人：欧阳**（手机：139****3456）"),
    # role-less names: spaced, or followed by a phone or ID number
    ("经核实，蒙　桂家中墙体开裂", "经核实，蒙*家中墙体开裂"),
    ("蒙　桂 反映屋面漏水", "蒙* 反映屋面漏水"),
    ("陈　明 13877771234", "陈* 138****1234"),
    ("黄华 电话 2260119", "黄* 电话 ***0119"),
    ("韦小宝，13877771234", "韦**，138****1234"),
    ("张 三 丰", "张**"),
    # phones alone in text
    ("回访电话：+86 138 7777 1234", "回访电话：138****1234"),
    ("联系电话：＋８６１３８７７７７１２３４", "联系电话：138****1234"),
    ("手机１３８７７７７１２３４已接通", "手机138****1234已接通"),
    ("请拨打138-7777-1234", "请拨打138****1234"),
    ("监理站座机（0771）2260119", "监理站座机0771-***0119"),
    ("座机０７７１－２２６０１１９", "座机0771-***0119"),
    ("值班电话010-12345678", "值班电话010-****5678"),
    ("项目部电话0772 2834567，夜间13607712345", "项目部电话0772-***4567，夜间136****2345"),
    ("+8613977712345", "139****2345"),
    # ID numbers
    ("身份证号 450102900101123", "身份证号 450102*****1123"),
    ("身份证：45010219900101123x", "身份证：450102********123X"),
    ("证件号码：450102 19900101 1237", "证件号码：450102********1237"),
    ("身份证 ４５０１０２１９９００１０１１２３７", "身份证 450102********1237"),
    ("户主身份证450102199001011237，已登记", "户主身份证450102********1237，已登记"),
    # everything in one remark
    ("业主蒙　桂（身份证450102199001011237，手机13877771234）反映三楼楼板开裂，"
     "施工单位广西建工集团负责人刘伟0771-2260119到场",
     "业主蒙*（身份证450102********1237，手机138****1234）反映三楼楼板开裂，"
     "施工单位广西建工集团负责人刘*0771-***0119到场"),
]

ORDINARY = [
    "抽查部位：梁 柱 板",                    # building parts typed with spaces, not a name 梁**
    "二层 梁 板 钢 筋 保护层偏薄",
    "广西建工集团第一建筑工程有限责任公司",
    "南宁市青秀区民族大道100号",
    "GB 50204-2015 第5.5.1条",
    "GB/T 50107-2010",
    "JGJ 18-2012",
    "桂建管〔2022〕21号",
    "业主单位：南宁市城市建设投资有限公司",
    "负责人签字处空白",
    "房主房屋受损情况待核实",
    "个人安全防护不到位",
    "个人防护用品未佩戴",
    "负责人：黄河建设公司",
    "联系人：广西建工集团",
    "钢筋保护层厚度不足 5mm，共 12 处",
    "主体结构 混凝土强度 不足",
    "C30 混凝土 回弹",
    "A 栋 3 层",
    "2022-09-15",
    "柳州市鱼峰区",
    "梧州市长洲区某安置房项目 2# 楼",
    "HRB400E Φ25 批号 2209-0158",
    "施工员证书过期",
    "质检员未到岗",
    "安全员严重不足",
    "负责人是否到岗",
    "负责人管理不到位",
    "项目经理部设在现场",
    "监理员旁站记录缺失",
]


@pytest.mark.parametrize("typed, published", CORPUS)
def test_corpus_is_masked_as_written(typed, published):
    assert scrub_published(typed) == published


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_are_not_masked(text):
    assert scrub_published(text) == text


def test_corpus_is_large_enough_and_idempotent():
    assert len(CORPUS) >= 40
    for _, published in CORPUS:                      # a published text scrubbed again is unchanged
        assert scrub_published(published) == published
