"""Atomic output: write to a temporary file beside the target, then rename over it.

A run that is killed half way (power cut, Ctrl-C twice, SIGKILL) never leaves a half-written
target: only its hidden temporary file ``.~<name>.<random><suffix>``. While a run writes, it
holds an exclusive lock on that temporary file; the next run that writes the same target removes
every such file nobody holds a lock on, so leftovers of dead runs disappear and a concurrent
run's file is never touched.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no cleanup of leftovers, writing still atomic
    fcntl = None


def _prefix(target: Path) -> str:
    return ".~" + target.stem[:40] + "."


def _lock(fd: int) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def remove_stale_temporaries(target: str | Path) -> list[Path]:
    """Delete temporary files of ``target`` left by runs that died; returns what was removed."""
    target = Path(target)
    removed: list[Path] = []
    if fcntl is None or not target.parent.is_dir():
        return removed
    for p in target.parent.glob(_prefix(target).replace("[", "[[]") + "*" + target.suffix):
        try:
            fd = os.open(p, os.O_RDONLY)
        except OSError:
            continue
        try:
            if _lock(fd):               # nobody is writing it: a dead run's leftover
                p.unlink(missing_ok=True)
                removed.append(p)
        finally:
            os.close(fd)
    return removed


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``target``.

    A reader never sees a half-written file, and a failure leaves the old file untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    fd, tmp = tempfile.mkstemp(prefix=_prefix(target), suffix=target.suffix, dir=target.parent)
    _lock(fd)                            # held until we are done: marks the file as in use
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)
        os.close(fd)
