"""Masking personal data (addin/core/privacy.py, FACTS.md §7)."""
from __future__ import annotations

import math

import pytest

from addin.core.privacy import mask_address, mask_id, mask_name, mask_phone, scrub_text


@pytest.mark.parametrize("raw, masked", [
    ("张三", "张*"),
    ("张三丰", "张**"),
    ("欧阳娜娜", "欧阳**"),
    ("司马光", "司马*"),
    ("司马", "司*"),            # two characters: a single-character surname
    ("诸葛亮", "诸葛*"),
    (" 李四 ", "李*"),
    ("买买提·吐尔逊", "买**·***"),
    ("张三、李四", "张*、李*"),
    ("张", "张"),
])
def test_mask_name(raw, masked):
    assert mask_name(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("13812345678", "138****5678"),
    ("+86 138-1234-5678", "138****5678"),
    (13812345678, "138****5678"),
    ("0771-2260119", "0771-***0119"),
    ("07712260119", "0771-***0119"),
    ("010-12345678", "010-****5678"),
    ("0771-2260119转801", "0771-***0119"),
    ("2260119", "***0119"),
    ("13812345678、0771-2260119", "138****5678、0771-***0119"),
])
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("11010519491231002X", "110105********002X"),
    ("110105 19491231 002x", "110105********002X"),
    ("110105491231002", "110105*****1002"),
])
def test_mask_id(raw, masked):
    assert mask_id(raw) == masked
    assert len(mask_id(raw)) == len(raw.replace(" ", ""))


@pytest.mark.parametrize("raw, masked", [
    ("广西壮族自治区南宁市青秀区民族大道100号3栋2单元501", "广西壮族自治区南宁市青秀区民族大道"),
    ("南宁市武鸣区双桥镇平福村那良屯18号", "南宁市武鸣区双桥镇"),
    ("柳州市城中区公园街道解放北路5号", "柳州市城中区公园街道解放北路"),
    ("南宁市青秀区金湖路东方曼哈顿小区3栋", "南宁市青秀区金湖路"),
    ("南宁市兴宁区朝阳路28号之一", "南宁市兴宁区朝阳路"),
    ("那良屯18号", ""),
])
def test_mask_address(raw, masked):
    assert mask_address(raw) == masked


@pytest.mark.parametrize("fn", [mask_name, mask_phone, mask_id, mask_address, scrub_text])
@pytest.mark.parametrize("value", [None, "", float("nan"), math.inf, 0, [], object(), b"\xff", "   "])
def test_never_raises(fn, value):
    out = fn(value)
    assert isinstance(out, str)
    if value is None:
        assert out == ""


def test_hostile_str_does_not_raise():
    class Bad:
        def __str__(self):
            raise RuntimeError("boom")

    for fn in (mask_name, mask_phone, mask_id, mask_address, scrub_text):
        assert fn(Bad()) == ""


def test_scrub_text_masks_phones_ids_and_named_people():
    text = "现场负责人张伟（13812345678）未组织退场，业主身份证11010519491231002X，电话0771-2260119"
    out = scrub_text(text)
    assert "13812345678" not in out and "138****5678" in out
    assert "11010519491231002X" not in out and "110105********002X" in out
    assert "2260119" not in out and "0771-***0119" in out
    assert "张伟" not in out and "负责人张*" in out
    # role words followed by something that is not a name are left alone
    assert scrub_text("项目经理未到岗，负责人不在现场。") == "项目经理未到岗，负责人不在现场。"
