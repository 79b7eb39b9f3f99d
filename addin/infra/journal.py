"""What the running command has created, so that a failed run can remove it (addin.infra.atomic.transaction).

The path guard (addin.infra.paths.guard) records each declared output before any work, and
atomic_path records each file it writes: a file that did not exist, and the topmost folder of an
output path that did not exist. Nothing is recorded outside a transaction (library use, tests).
Kept apart from atomic.py so that the guard can record without importing the writer.
"""
from __future__ import annotations

import os
from pathlib import Path

_journal: list[tuple[str, Path]] | None = None      # ("file" | "dir" | "out", path) of the current command
_last_outputs: list[Path] = []


def begin() -> list[tuple[str, Path]] | None:
    """Start a record (inside another one, e.g. `qm demo-run` running each step): returns the outer."""
    global _journal
    outer, _journal = _journal, []
    return outer


def end(outer: list[tuple[str, Path]] | None = None) -> list[tuple[str, Path]]:
    """Close the record and go back to ``outer``; returns the entries (the declared outputs stay
    known for messages)."""
    global _journal, _last_outputs
    entries, _journal = _journal or [], outer
    _last_outputs = [p for kind, p in entries if kind == "out"]
    return entries


def note_new_path(path: str | Path, folder: bool) -> None:
    """Record, before a command writes ``path``, what of it does not exist yet."""
    if _journal is None:
        return
    _journal.append(("out", Path(path)))
    p = Path(os.path.abspath(path))
    folder_part = p if folder else p.parent
    top = None
    while not folder_part.exists() and folder_part != folder_part.parent:
        top = folder_part
        folder_part = folder_part.parent
    if top is not None and ("dir", top) not in _journal:
        _journal.append(("dir", top))
    if not folder and not p.exists() and ("file", p) not in _journal:
        _journal.append(("file", p))


def current_outputs() -> list[Path]:
    """The outputs the running (or last) command declared to the path guard."""
    if _journal is None:
        return list(_last_outputs)
    return [p for kind, p in _journal if kind == "out"]
