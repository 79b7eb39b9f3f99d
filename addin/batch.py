"""Finding the returned files in the paths a user gives, and working through them in parallel."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

from addin.progress import Progress

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ett", ".xlt", ".xltx"}
T = TypeVar("T")


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Files named directly, and Excel-like files under directories (recursively, sorted).

    Returns (files, problems); a problem is a Chinese line for a path that does not exist.
    Lock files (~$x.xlsx) and our own temporary files (.~x.xlsx) are skipped.
    """
    files: list[Path] = []
    problems: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in EXCEL_SUFFIXES
                and not f.name.startswith(("~$", ".~"))
            )
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            problems.append(f"{p}：文件或目录不存在")
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


def collect_or_complain(paths: Iterable[str | Path], none_found: str) -> list[Path] | None:
    """collect_files, printing each problem to stderr; None (and ``none_found``) when nothing is left."""
    import sys

    files, problems = collect_files(paths)
    for p in problems:
        print(f"✘ {p}", file=sys.stderr)
    if not files:
        print(f"错误：{none_found}", file=sys.stderr)
        return None
    return files


def default_jobs() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def run_parallel(fn: Callable[..., T], items: list, jobs: int | None = None, label: str = "处理",
                 progress: bool | None = None, chunksize: int = 4) -> Iterator[T]:
    """fn over items in worker processes (in order), with a progress bar; jobs=1 runs inline."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    bar = Progress(len(items), label, enabled=progress)
    try:
        if jobs == 1 or len(items) < 4:
            for item in items:
                yield fn(item)
                bar.advance()
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for result in pool.map(fn, items, chunksize=max(1, min(chunksize, len(items) // (jobs * 4) or 1))):
                    yield result
                    bar.advance()
    finally:
        bar.close()
