"""addin/infra/names.py: generated file names fit ext4 (255 UTF-8 bytes) and NTFS (255 UTF-16 units)."""
from __future__ import annotations

import re

from addin.infra.names import fit_name, utf16_len, utf8_len


def test_short_names_unchanged_but_cleaned():
    assert fit_name("南宁市_项目", ".docx") == "南宁市_项目.docx"
    assert fit_name('a/b:c*?"<>|', ".docx") == "a_b_c_.docx"
    assert fit_name("CON", ".txt") == "_CON.txt"
    assert fit_name("", ".docx") == "文件.docx"


def test_cjk_names_cut_by_bytes_with_a_stable_suffix():
    stem = "工" * 100                                   # 300 bytes in UTF-8, 100 UTF-16 units
    a = fit_name(stem, ".docx")
    assert utf8_len(a) <= 255 and utf16_len(a) <= 255
    assert re.fullmatch(r"工+～[0-9a-f]{8}\.docx", a)
    assert fit_name(stem, ".docx") == a                                      # stable
    b = fit_name("工" * 99 + "程", ".docx")                                  # same beginning, other name
    assert b != a and b[:80] == a[:80]
    assert utf8_len(a) > 240                                                 # not cut more than needed


def test_utf16_limit_with_characters_outside_the_bmp():
    stem = "𠀀" * 140                                  # 4 bytes / 2 UTF-16 units each: 560 bytes, 280 units
    name = fit_name(stem, ".docx")
    assert utf8_len(name) <= 255 and utf16_len(name) <= 255
    ascii_name = fit_name("a" * 300, ".docx", max_bytes=10_000, max_utf16=255)
    assert utf16_len(ascii_name) == 255 or utf16_len(ascii_name) <= 255


def test_lone_surrogates_do_not_crash():
    name = fit_name("a\ud800b" * 200, ".docx")
    assert utf8_len(name) <= 255 and "\ud800" not in name
