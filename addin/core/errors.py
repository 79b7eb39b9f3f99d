"""One base class for every error meant for a person.

A ``QmError`` carries a Chinese message that can be shown as it is, and optionally the file,
sheet and cell it is about. Each face shows it in its own way (``qm``: the message and exit code
2; a ribbon button: a message box; a worksheet function: the cell text). Any other exception is
a bug: ``qm`` writes its traceback to a log file and prints one Chinese line naming that file.

Faces decide "is this for the user?" by ``isinstance(exc, QmError)``, never by looking at the
message text.
"""
from __future__ import annotations

from pathlib import Path


class QmError(Exception):
    """An error a person can act on: a Chinese message, optionally located (file, sheet, cell)."""

    def __init__(self, message: str, *, file: str | Path | None = None, sheet: str | None = None,
                 cell: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = Path(file) if file is not None else None
        self.sheet = sheet
        self.cell = cell

    def __str__(self) -> str:
        return self.message

    def location(self) -> str:
        """``文件名 / 工作表 / 单元格`` for the parts that are known ('' when none is)."""
        parts = [p for p in (self.file.name if self.file else None, self.sheet, self.cell) if p]
        return " / ".join(parts)


class QmValueError(QmError, ValueError):
    """A :class:`QmError` about a value that cannot be used; still a ``ValueError`` for callers
    that validate input that way."""


class SettingsError(QmValueError):
    """A campaign settings file (or one of its tables) that cannot be used; the message names the
    file or table."""
