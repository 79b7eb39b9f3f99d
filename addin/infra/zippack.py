"""Writing a zip package from pieces that were deflated elsewhere (in the worker processes).

A member's deflate stream may be cut into pieces compressed independently: each piece is a raw
deflate stream flushed with Z_SYNC_FLUSH (it ends on a byte boundary with no final block), so
pieces laid end to end, followed by one empty final block, are one valid deflate stream. The
member's CRC-32 is combined from the pieces' CRCs without their data (:func:`crc32_combine`).
This lets each worker compress the rows it renders for 汇总.xlsx while the parent only copies
bytes: consolidation does not end with minutes of single-core compression.

:class:`PackageWriter` writes members whose sizes and CRC are known before their data, so
every local header is written once with true values; ZIP64 fields are used only for a member
or an offset that needs them (over 4 GiB).
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Iterable

try:        # python-isal: the same deflate format, about five times faster at level 1; CRC-32 ten times
    from isal import isal_zlib as _deflater
    SMALL = 3                   # its highest level, for small members
except ImportError:             # pragma: no cover - a platform without its wheels
    _deflater = zlib
    SMALL = 6
_crc32 = _deflater.crc32
FAST = 1
END_BLOCK = b"\x03\x00"          # an empty final block (fixed Huffman): ends a stream of pieces
ZIP64_LIMIT = 0xFFFFFFFF         # sizes and offsets at or above this need ZIP64 fields
_FULL = 0xFFFFFFFF               # a 32-bit field that says "see the ZIP64 extra field"
_ZEROS = memoryview(bytes(1 << 20))


@dataclass(frozen=True)
class Piece:
    """A raw-deflate fragment that ends on a byte boundary and is not final.

    ``data`` holds the compressed bytes, or is None when they were moved to a :class:`Spool`
    at ``offset``.
    """
    crc: int
    size: int            # uncompressed bytes
    csize: int           # compressed bytes
    data: bytes | None = None
    offset: int = -1

    def bytes(self, spool: "Spool | None" = None) -> bytes:
        if self.data is not None:
            return self.data
        if spool is None:
            raise ValueError("piece data is in a spool")
        return spool.read(self.offset, self.csize)


def deflate(data: bytes, level: int = FAST) -> Piece:
    """``data`` as one piece."""
    co = _deflater.compressobj(level, zlib.DEFLATED, -15)
    out = co.compress(data) + co.flush(_deflater.Z_SYNC_FLUSH)
    return Piece(_crc32(data), len(data), len(out), out)


def compress(data: bytes) -> bytes:
    """zlib-format compression at the fastest level (for blobs that only this program reads back)."""
    return _deflater.compress(data, FAST)


def decompress(data: bytes) -> bytes:
    """The inverse of :func:`compress`."""
    return _deflater.decompress(data)


def deflate_chunks(chunks: Iterable[str], level: int = FAST, piece_bytes: int = 1 << 20) -> Iterable[Piece]:
    """Text chunks (UTF-8 encoded here) as pieces of about ``piece_bytes`` uncompressed bytes."""
    buf: list[bytes] = []
    n = 0
    for chunk in chunks:
        b = chunk.encode("utf-8")
        buf.append(b)
        n += len(b)
        if n >= piece_bytes:
            yield deflate(b"".join(buf), level)
            buf.clear()
            n = 0
    if buf:
        yield deflate(b"".join(buf), level)


def _shift(crc: int, n: int) -> int:
    """The CRC register ``crc`` advanced over ``n`` zero bytes, without the pre/post conditioning.

    zlib's crc32 is affine in its start value: crc32(zeros(n), c) ^ crc32(zeros(n), 0) is the
    linear part applied to ``c``, which is exactly what a concatenation needs.
    """
    a, b = crc, 0
    while n:
        k = min(n, len(_ZEROS))
        a = _crc32(_ZEROS[:k], a)
        b = _crc32(_ZEROS[:k], b)
        n -= k
    return a ^ b


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """crc32(A + B) from crc32(A), crc32(B) and len(B) (as zlib's crc32_combine)."""
    return _shift(crc1, len2) ^ crc2


class Spool:
    """An unnamed temporary file holding piece data (and other bytes) until the package is written,
    so that thousands of returns do not sit in the parent's memory."""

    def __init__(self, directory: str | None = None):
        import tempfile

        self._fh = tempfile.TemporaryFile(prefix="qm-spool-", dir=directory)
        self._end = 0

    def put(self, data: bytes) -> int:
        """Append ``data``; returns its offset."""
        offset = self._end
        self._fh.seek(offset)
        self._fh.write(data)
        self._end += len(data)
        return offset

    def read(self, offset: int, size: int) -> bytes:
        self._fh.seek(offset)
        data = self._fh.read(size)
        if len(data) != size:
            raise OSError("临时文件读取不完整")
        return data

    def keep(self, piece: Piece) -> Piece:
        """``piece`` with its data moved here."""
        if piece.data is None:
            return piece
        return Piece(piece.crc, piece.size, piece.csize, None, self.put(piece.data))

    def close(self) -> None:
        self._fh.close()


class PackageWriter:
    """Deflated members written one after another to a binary file, then the central directory."""

    def __init__(self, fh: BinaryIO):
        self._fh = fh
        self._entries: list[tuple[bytes, tuple, int, int, int, int]] = []

    def add_bytes(self, name: str, data: bytes, date_time: tuple = (1980, 1, 1, 0, 0, 0), level: int = SMALL) -> None:
        self.add(name, [deflate(data, level)], date_time)

    def add(self, name: str, pieces: list[Piece], date_time: tuple = (1980, 1, 1, 0, 0, 0),
            spool: Spool | None = None) -> None:
        """A member made of ``pieces`` in order (their data inline or in ``spool``)."""
        crc, size, csize = 0, 0, len(END_BLOCK)
        for p in pieces:
            crc = crc32_combine(crc, p.crc, p.size)
            size += p.size
            csize += p.csize
        raw_name = name.encode("utf-8")
        offset = self._fh.tell()
        dostime, dosdate = _dos(date_time)
        big = size >= ZIP64_LIMIT or csize >= ZIP64_LIMIT
        extra = struct.pack("<HHQQ", 1, 16, size, csize) if big else b""
        flags = 0x800 if not name.isascii() else 0
        self._fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if big else 20, flags, 8, dostime, dosdate,
                                   crc, _FULL if big else csize, _FULL if big else size,
                                   len(raw_name), len(extra)) + raw_name + extra)
        for p in pieces:
            self._fh.write(p.bytes(spool))
        self._fh.write(END_BLOCK)
        self._entries.append((raw_name, date_time, crc, size, csize, offset))

    def close(self) -> None:
        """Write the central directory (and the ZIP64 end records when needed)."""
        fh = self._fh
        start = fh.tell()
        for raw_name, date_time, crc, size, csize, offset in self._entries:
            dostime, dosdate = _dos(date_time)
            fields = [v for v in (size, csize, offset) if v >= ZIP64_LIMIT]
            extra = struct.pack("<HH" + "Q" * len(fields), 1, 8 * len(fields), *fields) if fields else b""
            flags = 0x800 if not raw_name.isascii() else 0
            fh.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45 if fields else 20, 45 if fields else 20,
                                 flags, 8, dostime, dosdate, crc,
                                 _FULL if csize >= ZIP64_LIMIT else csize,
                                 _FULL if size >= ZIP64_LIMIT else size,
                                 len(raw_name), len(extra), 0, 0, 0, 0,
                                 _FULL if offset >= ZIP64_LIMIT else offset) + raw_name + extra)
        end = fh.tell()
        count, cd_size = len(self._entries), end - start
        if start >= ZIP64_LIMIT or count >= 0xFFFF or cd_size >= ZIP64_LIMIT:
            fh.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, cd_size, start))
            fh.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
            fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                                 min(cd_size, _FULL), min(start, _FULL), 0))
        else:
            fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, cd_size, start, 0))
        fh.flush()


def _dos(date_time: tuple) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d
