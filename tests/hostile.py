"""Test helper for hostile and broken returns: a batch of good returns plus the bad one.

Every hostile-input test builds its bad file by code, drops it into a folder beside two clean
demo returns, runs the real consolidation, and asserts two things: the exact finding code for
the bad file, and that the batch went on (the two good cities are consolidated).
"""
from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from addin.consolidate.model import Consolidated


def clean_files(manifest) -> list[str]:
    """Names of used demo returns without planted mistakes (two of them)."""
    planted = set(manifest.planted_cities)
    special = {manifest.late_city, manifest.duplicate_city, manifest.missing_city}
    names = [f["name"] for f in manifest.files
             if f["used"] and f["city"] not in planted and f["city"] not in special]
    return sorted(names)[:2]


def city_of(manifest, name: str) -> str:
    return next(f["city"] for f in manifest.files if f["name"] == name)


def a_clean_return(manifest) -> Path:
    """Path of one clean demo return (read-only: copy before changing it)."""
    return Path(manifest.out_dir) / clean_files(manifest)[0]


def rewrite_zip(data: bytes, change: dict[str, bytes | None] | None = None,
                add: dict[str, bytes] | None = None, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The package ``data`` with members replaced (None deletes) and added."""
    change = change or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zi, zipfile.ZipFile(out, "w", compression) as zo:
        for info in zi.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    zo.writestr(info.filename, change[info.filename])
                continue
            zo.writestr(info.filename, zi.read(info))
        for name, body in (add or {}).items():
            zo.writestr(name, body)
    return out.getvalue()


def sheet_member(data: bytes, title: str) -> str:
    """The package path of the worksheet called ``title`` (the reader's own workbook.xml lookup)."""
    from workbook_templates.reader import SheetXml

    members = SheetXml(data).members()
    assert title in members, f"no sheet {title}"
    return members[title]


@dataclass
class BatchRun:
    consolidated: Consolidated
    codes: dict[str, set[str]]          # file name -> finding codes
    good_cities: list[str]

    def messages(self, name: str) -> list[str]:
        f = self.consolidated.findings
        return list(f[f["file"] == name]["message"]) if len(f) else []


def run_batch(tmp_path: Path, manifest, campaign, hostile: dict[str, bytes], jobs: int = 1,
              **kwargs) -> BatchRun:
    """Consolidate two clean demo returns plus the ``hostile`` files (name -> bytes).

    Asserts the inputs are byte-for-byte unchanged afterwards and that both good cities are in
    the consolidation; returns the finding codes by file for the caller's own assertions.
    """
    from addin.consolidate.run import consolidate_files

    folder = tmp_path / "returns"
    folder.mkdir(exist_ok=True)
    good = clean_files(manifest)
    for name in good:
        shutil.copy2(Path(manifest.out_dir) / name, folder / name)
    for name, body in hostile.items():
        (folder / name).write_bytes(body)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    files = sorted(folder.iterdir())
    c = consolidate_files(files, campaign, jobs=jobs, progress=False, **kwargs)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert after == before, "an input file was changed or a file was added to the input folder"
    codes: dict[str, set[str]] = {}
    if len(c.findings):
        for file, code in zip(c.findings["file"], c.findings["code"]):
            codes.setdefault(file, set()).add(code)
    cities = [city_of(manifest, n) for n in good]
    used = {s.city for s in c.submissions if s.status == "采用"}
    for city in cities:
        assert city in used, f"good city {city} was not consolidated (used: {sorted(used)})"
        assert city not in c.missing_cities
    return BatchRun(c, codes, cities)
