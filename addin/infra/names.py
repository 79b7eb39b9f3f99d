"""Generated file names that every file system accepts, shortened by what the file system counts.

A project name of 66 characters plus a contractor name made ``qm notices`` crash with
"File name too long" half way through a run. The limits are not characters: ext4 allows 255
**bytes** per name (a CJK character is 3 bytes in UTF-8, so about 85 of them), NTFS 255 UTF-16
code units (a CJK character is 1, a character outside the BMP 2). A name is therefore cut at a
character boundary until both its UTF-8 length and its UTF-16 length fit, and a cut name gets a
short suffix derived from the *full* name, so the same input gives the same file name on every
run and two long names that share their beginning do not collide.

Every command that builds a file name from user data (project, unit, city names) should use
:func:`fit_name`.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_NAME_BYTES = 255        # ext4, XFS, btrfs: bytes of one path component (UTF-8)
MAX_NAME_UTF16 = 255        # NTFS, exFAT: UTF-16 code units of one path component
# Room left for our own temporary names beside the target (atomic.py: ".~" + stem[:40] + random):
# those use at most 40 characters of the stem, so no extra room is needed here.
SUFFIX_SEP = "～"

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def utf8_len(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _fits(s: str, max_bytes: int, max_utf16: int) -> bool:
    return utf8_len(s) <= max_bytes and utf16_len(s) <= max_utf16


def stable_tag(text: str, n: int = 8) -> str:
    """A short, stable tag of ``text`` (hex of SHA-256): the same text always gives the same tag."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:n]


def clean_component(name: str) -> str:
    """``name`` without characters Windows or POSIX refuse in a file name: / \\ : * ? " < > |,
    control characters and lone surrogates become "_"; no trailing dot or space; not a
    reserved device name; never empty."""
    s = unicodedata.normalize("NFC", name or "")
    s = "".join("_" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in s)
    s = _UNSAFE.sub("_", s)
    s = re.sub(r"_+", "_", s).strip().rstrip(". ")
    if s.split(".")[0].upper() in _RESERVED:
        s = "_" + s
    return s or "文件"


def fit_name(stem: str, ext: str = "", *, max_bytes: int = MAX_NAME_BYTES,
             max_utf16: int = MAX_NAME_UTF16, tag_len: int = 8) -> str:
    """A file name ``<stem><ext>`` that fits ``max_bytes`` UTF-8 bytes and ``max_utf16`` UTF-16
    units, with unsafe characters replaced (:func:`clean_component`).

    A name that fits is returned unchanged (apart from the cleaning). A name that does not is
    cut at a character boundary and ends in ``～`` plus a tag of the full cleaned stem, so it is
    the same on every run and differs from any other cut name with the same beginning.
    ``ext`` (e.g. ".docx") is always kept whole.
    """
    ext = ext if not ext or ext.startswith(".") else "." + ext
    full = clean_component(stem)
    if _fits(full + ext, max_bytes, max_utf16):
        return full + ext
    tail = SUFFIX_SEP + stable_tag(full, tag_len) + ext
    if not _fits(tail, max_bytes, max_utf16):
        raise ValueError("文件名长度上限过小，无法容纳扩展名和识别后缀")
    # longest prefix (by characters) such that prefix + tail fits both limits
    budget_b = max_bytes - utf8_len(tail)
    budget_u = max_utf16 - utf16_len(tail)
    used_b = used_u = 0
    cut = 0
    for ch in full:
        b, u = utf8_len(ch), utf16_len(ch)
        if used_b + b > budget_b or used_u + u > budget_u:
            break
        used_b += b
        used_u += u
        cut += 1
    head = full[:cut].rstrip(". _") or "文件"
    return head + tail


__all__ = ["fit_name", "clean_component", "stable_tag", "utf8_len", "utf16_len",
           "MAX_NAME_BYTES", "MAX_NAME_UTF16"]
