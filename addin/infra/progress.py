"""A small progress bar on stderr for batch runs (silent when stderr is not a terminal unless forced),
or a callback ``f(done, total)`` for a face that shows progress its own way (the ribbon's status bar)."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, label: str = "处理", enabled=None, stream=None):
        self.callback = enabled if callable(enabled) else None
        if self.callback:
            enabled = False
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = (self.stream.isatty() and total > 1) if enabled is None else enabled
        self.done = 0
        self.start = time.perf_counter()
        self._last = 0.0

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.callback:
            self.callback(self.done, self.total)
        now = time.perf_counter()
        if self.enabled and (now - self._last > 0.1 or self.done >= self.total):
            self._last = now
            width = 30
            frac = self.done / self.total if self.total else 1
            bar = "█" * int(frac * width) + "░" * (width - int(frac * width))
            rate = self.done / (now - self.start) if now > self.start else 0
            self.stream.write(f"\r{self.label} {bar} {self.done}/{self.total}  {rate:.0f} 个/秒")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
