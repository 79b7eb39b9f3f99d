"""Packages from pieces deflated elsewhere: valid zips, true CRCs, ZIP64 only when needed."""
from __future__ import annotations

import io
import os
import zipfile
import zlib

import pytest

import addin.infra.zippack as zp


@pytest.mark.parametrize("a,b", [(b"", b""), (b"abc", b""), (b"", b"defg"), (b"abc", b"defg"),
                                 (os.urandom(5000), os.urandom(3 * (1 << 20) + 11))])
def test_crc32_combine_equals_crc_of_the_concatenation(a, b):
    assert zp.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


PARTS = [os.urandom(1000) + b"<row>" * 5000, b"", "城市<c/>".encode() * 100000, os.urandom((1 << 20) + 7)]


def _package(monkeypatch, limit: int | None = None, spool: bool = False) -> bytes:
    if limit is not None:
        monkeypatch.setattr(zp, "ZIP64_LIMIT", limit)
    buf = io.BytesIO()
    w = zp.PackageWriter(buf)
    pieces = [zp.deflate(p) for p in PARTS]
    where = None
    if spool:
        where = zp.Spool()
        pieces = [where.keep(p) for p in pieces]
        assert all(p.data is None for p in pieces)
    w.add("xl/worksheets/sheet1.xml", pieces, (2022, 10, 10, 12, 0, 0), spool=where)
    w.add_bytes("docProps/中文.xml", b"x" * 10)
    w.add("empty.xml", [])
    w.close()
    return buf.getvalue()


@pytest.mark.parametrize("spool", [False, True])
@pytest.mark.parametrize("deflater", ["isal", "zlib"])
def test_pieces_make_one_member(monkeypatch, spool, deflater):
    if deflater == "zlib":          # the fallback where python-isal has no wheel
        monkeypatch.setattr(zp, "_deflater", zlib)
        monkeypatch.setattr(zp, "SMALL", 6)
    else:
        assert zp._deflater.__name__.startswith("isal")
    zf = zipfile.ZipFile(io.BytesIO(_package(monkeypatch, spool=spool)))
    assert zf.testzip() is None
    assert zf.read("xl/worksheets/sheet1.xml") == b"".join(PARTS)
    assert zf.read("docProps/中文.xml") == b"x" * 10 and zf.read("empty.xml") == b""
    info = zf.getinfo("xl/worksheets/sheet1.xml")
    assert info.date_time == (2022, 10, 10, 12, 0, 0) and info.compress_type == zipfile.ZIP_DEFLATED
    assert b"\x01\x00\x10\x00" not in zf.fp.getvalue()[:64]       # no ZIP64 extra field in a small package


def test_zip64_fields_when_sizes_and_offsets_need_them(monkeypatch):
    data = _package(monkeypatch, limit=10)          # every size and offset "needs" ZIP64 now
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert zf.testzip() is None
    assert zf.read("xl/worksheets/sheet1.xml") == b"".join(PARTS)
    assert zf.getinfo("xl/worksheets/sheet1.xml").file_size == sum(map(len, PARTS))


def test_chunks_become_pieces_of_the_asked_size():
    pieces = list(zp.deflate_chunks(["ab" * 300] * 9, piece_bytes=1000))
    assert [p.size for p in pieces] == [1200, 1200, 1200, 1200, 600]
    stream = b"".join(p.data for p in pieces) + zp.END_BLOCK
    assert zlib.decompress(stream, -15) == b"ab" * 2700
