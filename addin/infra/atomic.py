"""Atomic output: write to a temporary file beside the target, then rename over it.

A run that is killed half way (power cut, Ctrl-C twice, SIGKILL) never leaves a half-written
target: only its hidden temporary file ``.~<name>.<random><suffix>``. While a run writes, it
holds an exclusive lock on that temporary file; the next run that writes the same target removes
every such file nobody holds a lock on, so leftovers of dead runs disappear and a concurrent
run's file is never touched.

A command that fails half way (disk full after three of five notices, Ctrl-C) leaves nothing
behind either: :func:`transaction` (wrapped around every ``qm`` command) records each output file
that did not exist before and each output folder the run created (from the path guard,
addin.infra.paths.guard, and from :func:`atomic_path`), and removes them if the command ends
with an exception. Files that existed before are replaced only by complete new versions.
"""
from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import Iterator

from addin.core.errors import QmError
from addin.infra import journal

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no cleanup of leftovers, writing still atomic
    fcntl = None


@contextlib.contextmanager
def transaction() -> Iterator[None]:
    """Remove every output file and folder the enclosed work created if it ends with an exception
    (what was created is recorded in addin.infra.journal by the path guard and atomic_path)."""
    outer = journal.begin()
    try:
        yield
    except BrokenPipeError:     # `qm … | head`: the reader has gone, the files are what they are
        journal.end(outer)
        raise
    except BaseException:
        rollback(journal.end(outer))
        raise
    journal.end(outer)


def rollback(entries: list[tuple[str, Path]]) -> None:
    import shutil

    for kind, path in reversed(entries):
        try:
            if kind == "file":
                remove_stale_temporaries(path)
                if path.is_file() or path.is_symlink():
                    path.unlink()
            elif kind == "dir" and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


def wrapped_oserror(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc``: itself, its argument (xlsxwriter's FileCreateError(e)) or its cause."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError):
            return exc
        inner = next((a for a in getattr(exc, "args", ()) if isinstance(a, OSError)), None)
        if inner is not None:
            return inner
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


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

    A reader never sees a half-written file, and a failure leaves the old file untouched. A
    file-system fault (disk full, read-only medium, the target is a folder …) becomes a QmError
    naming ``target`` and the cause in Chinese, after the temporary file is removed.
    """
    target = Path(target)
    journal.note_new_path(target, folder=False)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target)
        fd, tmp = tempfile.mkstemp(prefix=_prefix(target), suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise _write_error(exc, target, None) from None
    _lock(fd)                            # held until we are done: marks the file as in use
    tmp_path = Path(tmp)
    try:
        try:
            yield tmp_path
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_path, 0o666 & ~umask)
            if target.is_dir():          # os.replace would say "Is a directory" in English
                raise IsADirectoryError(errno.EISDIR, "Is a directory", str(target))
            os.replace(tmp_path, target)
        except OSError as exc:
            quiet_zip_cleanup()
            raise _write_error(exc, target, tmp_path) from None
        except Exception as exc:            # a writer's own error around an OSError (xlsxwriter's FileCreateError)
            inner = wrapped_oserror(exc)
            if inner is None:
                raise
            quiet_zip_cleanup()
            raise _write_error(inner, target, tmp_path) from None
    finally:
        tmp_path.unlink(missing_ok=True)
        os.close(fd)


def quiet_zip_cleanup() -> None:
    """After a failed write, the writer's abandoned ZipFile tries to finish the file when it is
    collected and fails again (disk still full); Python would print that as "Exception ignored …
    Traceback" on the user's terminal. The fault is already reported: that second report is dropped."""
    import sys

    hook = sys.unraisablehook
    if getattr(hook, "_qm_quiet", False):
        return

    def quiet(unraisable):
        obj = getattr(unraisable, "object", None)
        if isinstance(unraisable.exc_value, (OSError, ValueError)) and "ZipFile" in getattr(obj, "__qualname__", ""):
            return
        hook(unraisable)

    quiet._qm_quiet = True
    sys.unraisablehook = quiet


def _write_error(exc: OSError, target: Path, tmp: Path | None) -> QmError:
    """One translation of a file-system fault while writing ``target`` into a Chinese QmError.

    The message names the user's path (never our temporary file) and the cause; an OSError about
    some other file (a photo being embedded, say) names that file too.
    """
    from addin.infra.paths import describe_oserror, oserror_cause

    other = exc.filename
    if other and Path(str(other)) not in (target, tmp, target.parent) and tmp is not None:
        return QmError(f"无法写入“{target}”：读取“{other}”时出错（{oserror_cause(exc)}）", file=target)
    return describe_oserror(exc, target)
