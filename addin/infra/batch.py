"""Finding the returned files in the paths a user gives, and working through them in parallel.

:func:`run_parallel` runs a function over items in a small supervised process pool: each
worker gets one item at a time over its own pipe, and the parent watches result pipes and
process sentinels with a deadline per item. A worker that hangs (inside native code, say) is
killed at the deadline, one that dies (segfault, abort, out-of-memory kill) is replaced, and
the item it held gets a failure result instead of breaking the whole batch.
"""
from __future__ import annotations

import math
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait as _wait
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

from addin.infra.paths import oserror_cause
from addin.infra.progress import Progress
from addin.core.errors import QmError

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ett", ".xlt", ".xltx", ".xlsb", ".ods"}
T = TypeVar("T")

# Defaults for batch reads of returned workbooks (qm check / qm consolidate).
DEFAULT_FILE_TIMEOUT = 120      # seconds one file may take to read and validate
DEFAULT_WORKER_MB = 2048        # memory a worker process may take on top of what it starts with, in MB


# Files that copying, syncing and unpacking leave beside the returns: never returns themselves.
JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db", ".localized", "icon\r"}
JUNK_DIRS = {"__macosx", ".trashes", ".spotlight-v100", ".fseventsd", "$recycle.bin", "system volume information",
             ".temporaryitems", ".git"}


def junk_reason(path: Path) -> str | None:
    """Why ``path`` is junk to be skipped quietly (a Chinese phrase), or None."""
    name = path.name
    low = name.lower()
    if name.startswith("._"):
        return "macOS 拷贝时生成的附属文件（._ 开头）"
    if low in JUNK_NAMES:
        return "系统生成的文件"
    if name.startswith("~$"):
        return "Excel/WPS 打开文件时生成的锁定文件（~$ 开头）"
    if name.startswith(".~"):
        return "本程序写入时的临时文件"
    if any(part.lower() in JUNK_DIRS for part in path.parts[:-1]):
        return "系统生成的文件夹中的文件"
    return None


def _hidden_folder(rel: Path) -> str | None:
    """Why a file under a hidden folder (.git, .Trash, any folder whose name starts with a dot)
    of the folder being read is skipped, or None."""
    if any(part.startswith(".") and part not in (".", "..") for part in rel.parts[:-1]):
        return "隐藏文件夹（名称以 . 开头）中的文件"
    return None


def _broken_link(path: Path) -> str:
    """What is wrong with a symbolic link that leads to no file (in Chinese)."""
    import errno

    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "是循环的符号链接（指向自身或互相指向）"
        if exc.errno == errno.ENOENT:
            return "是失效的符号链接（指向的文件不存在）"
        return f"是无法打开的符号链接（{exc.strerror or exc}）"
    return "是符号链接，指向的不是普通文件"


@dataclass
class Collection:
    """What :func:`collect` found: files to read, problems (named paths that cannot be read),
    notes (files skipped on purpose, with the reason) and quietly skipped junk."""
    files: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    junk: list[str] = field(default_factory=list)
    names: dict[Path, str] = field(default_factory=dict)     # file -> name shown (with sub-folders)

    def name(self, path: Path) -> str:
        return self.names.get(Path(path), Path(path).name)


def collect(paths: Iterable[str | Path]) -> Collection:
    """Files named directly, and Excel-like files under folders (recursively, sorted).

    Sub-folders are read. Junk (._*, .DS_Store, Thumbs.db, desktop.ini, ~$ lock files, our own
    temporary files, anything under __MACOSX or a hidden folder such as .git) is skipped quietly;
    broken or looping symbolic links in a folder are skipped with a note (an empty file is read
    and refused: a copy that did not finish is a city's return someone must chase); workbooks this program wrote
    (marked, see addin.infra.marker) are skipped with a note when found in a folder and are a
    problem when named directly; a named path that is not a regular file or folder (FIFO,
    socket, device) is a problem that says what it is. ``names`` keeps each file's path
    relative to the folder it was found in, so two returns of the same name in two sub-folders
    stay apart in output names and links.
    """
    from addin.infra.marker import own_output_kind
    from addin.infra.paths import describe_missing, special_kind

    out = Collection()
    found: list[tuple[Path, str]] = []
    for p in map(Path, paths):
        if p.is_dir():
            try:
                entries = sorted(p.rglob("*"))
            except OSError as exc:
                out.problems.append(f"{p}：无法读取文件夹（{oserror_cause(exc, reading=True)}）")
                continue
            for f in entries:
                if f.suffix.lower() not in EXCEL_SUFFIXES:
                    continue
                rel = f.relative_to(p)
                why = junk_reason(rel) or _hidden_folder(rel)
                if why:
                    out.junk.append(f"{f}：{why}")
                    continue
                if not f.is_file():
                    kind = special_kind(f)
                    if kind:
                        out.notes.append(f"{f}：是{kind}，不是普通文件，已跳过")
                    elif f.is_symlink():
                        out.notes.append(f"{f}：{_broken_link(f)}，已跳过")
                    continue
                kind = own_output_kind(f)
                if kind:
                    out.notes.append(f"{f}：是本程序生成的{kind}，不是填报表，已跳过"
                                     "（如为修改后重新报送的文件，请删除文档属性“类别”中的“质量月助手输出”）")
                    continue
                found.append((f, rel.as_posix()))
        elif p.is_file():
            why = junk_reason(p)
            if why:
                out.junk.append(f"{p}：{why}")
                continue
            kind = own_output_kind(p)
            if kind:
                out.problems.append(f"{p}：是本程序生成的{kind}，不是填报表")
                continue
            found.append((p, p.name))
        else:
            out.problems.append(f"{p}：{describe_missing(p)}")
    seen: set[Path] = set()
    for f, name in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            out.files.append(f)
            out.names[f] = name
    out.names = unique_names(out.names)
    return out


def unique_names(names: dict) -> dict:
    """``names`` (path -> name shown) with every name that two paths share replaced by the path
    below their common folder (第一批/报表.xlsx, 第二批/报表.xlsx: two folders named on the
    command line, each with a 报表.xlsx at its top), so no two inputs are ever shown, linked or
    annotated under the same name."""
    groups: dict[str, list] = {}
    for p, n in names.items():
        groups.setdefault(n, []).append(p)
    out = dict(names)
    for n, group in groups.items():
        if len(group) < 2:
            continue
        full = [Path(os.path.abspath(p)) for p in group]
        try:
            root = Path(os.path.commonpath([str(f.parent) for f in full]))
            shown = [f.relative_to(root).as_posix() for f in full]
        except ValueError:                       # different drives: the full path
            shown = [str(f) for f in full]
        out.update(zip(group, shown))
    return out


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """(files, problems) of :func:`collect`."""
    c = collect(paths)
    return c.files, c.problems


def collect_or_complain(paths: Iterable[str | Path], none_found: str, verbose: bool = False) -> list[Path] | None:
    """collect_files, printing each problem to stderr; None (and ``none_found``) when nothing is left."""
    c = collect_verbose(paths, verbose)
    if not c.files:
        print(f"错误：{none_found}", file=sys.stderr)
        return None
    return c.files


def collect_verbose(paths: Iterable[str | Path], verbose: bool = False) -> Collection:
    """:func:`collect`, printing problems and notes to stderr (and the junk with ``verbose``)."""
    c = collect(paths)
    for p in c.problems:
        print(f"✘ {p}", file=sys.stderr)
    for n in c.notes:
        print(f"  跳过：{n}", file=sys.stderr)
    if verbose:
        for j in c.junk:
            print(f"  忽略：{j}", file=sys.stderr)
    elif c.junk:
        pass        # quietly: --verbose lists them
    return c


def default_jobs() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class BatchItemFailed(RuntimeError):
    """An item of :func:`run_parallel` failed (error, memory, timeout or crash) and no on_failure was given."""

    def __init__(self, item: Any, kind: str, detail: str):
        shown = repr(item)
        shown = shown if len(shown) <= 120 else shown[:117] + "..."     # never a whole campaign object
        super().__init__(f"处理 {shown} 失败（{kind}）：{detail}")
        self.item, self.kind, self.detail = item, kind, detail


def run_parallel(fn: Callable[[Any], T], items: Iterable, jobs: int | None = None, label: str = "处理",
                 progress: "bool | Callable[[int, int], None] | None" = None, *,
                 timeout: float | None = None,
                 on_failure: Callable[[Any, str, str], T] | None = None,
                 memory_mb: int | None = None) -> Iterator[T]:
    """fn over items in supervised worker processes; results in input order, with a progress bar.

    ``timeout`` is seconds per item (None: no limit); ``memory_mb`` limits how much memory
    (address space) each worker may take beyond what it starts with. An item whose worker
    fails gives ``on_failure(item, kind, detail)`` instead of a result, with kind one of:

    - ``"error"``: fn raised; detail ``"ExcType: message"``;
    - ``"memory"``: fn ran out of memory (MemoryError, e.g. under ``memory_mb``);
    - ``"timeout"``: the item took longer than ``timeout``; the worker was killed; detail is the limit in seconds;
    - ``"crash"``: the worker died holding the item (segfault, abort, killed); detail says how.

    Without ``on_failure`` a failure raises :class:`BatchItemFailed` (a RuntimeError). The batch
    goes on after a failure with a fresh worker. Items run inline (no subprocess) only when
    ``jobs == 1`` with neither ``timeout`` nor ``memory_mb``; there fn's own exceptions propagate
    unless ``on_failure`` is given. Items go one by one (at most two queued per worker), so
    each has its own deadline. Keep items small (a path): what every item shares (the campaign,
    limits) belongs in ``fn`` (functools.partial), which reaches each worker once; a large item
    is pickled per item and the parent waits on a busy worker's pipe to hand it over.
    """
    items = list(items)
    jobs = default_jobs() if jobs is None else max(1, jobs)
    bar = Progress(len(items), label, enabled=progress)
    try:
        if not items or (jobs == 1 and timeout is None and memory_mb is None):
            for item in items:
                yield _run_inline(fn, item, on_failure, memory_mb)
                bar.advance()
        else:
            yield from _Pool(fn, items, min(jobs, len(items)), bar, timeout, on_failure, memory_mb).run()
    finally:
        bar.close()


def _run_inline(fn: Callable, item: Any, on_failure: Callable | None, memory_mb: int | None) -> Any:
    if on_failure is None:
        return fn(item)
    try:
        return fn(item)
    except MemoryError as exc:
        return on_failure(item, "memory", _memory_detail(memory_mb, exc))
    except QmError as exc:
        return on_failure(item, "error", str(exc))
    except Exception as exc:
        return on_failure(item, "error", f"{type(exc).__name__}: {exc}")


def _memory_detail(memory_mb: int | None, exc: BaseException) -> str:
    return f"内存超过上限 {memory_mb} MB" if memory_mb else f"内存不足（{type(exc).__name__}）"


def _exit_detail(exitcode: int | None) -> str:
    """How a worker ended, in words for a finding: '信号 SIGSEGV' or '退出码 3'."""
    if exitcode is None:
        return "原因不明"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        return f"信号 {name}"
    return f"退出码 {exitcode}"


def _limit_memory(memory_mb: int | None) -> None:
    """Let this process map at most memory_mb more address space than it has now (RLIMIT_AS).

    RLIMIT_AS is practical here: a worker that has imported pandas, numpy, python_calamine and
    openpyxl and read a return maps only ~230 MB of address space (no big virtual reservations),
    so the limit is close to real memory use. The limit is on top of what the worker starts with
    because a forked worker inherits the parent's mappings (shared, copy-on-write), and a large
    parent must not leave its workers no room at all. Python allocations past the limit raise
    MemoryError; native (Rust) allocations abort the worker, which the parent reports as a crash.
    A no-op where ``resource`` is missing (Windows).
    """
    if not memory_mb:
        return
    try:
        import resource
    except ImportError:
        return
    limit = int(memory_mb) * 1024 * 1024 + _address_space()
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):   # e.g. a platform that does not support RLIMIT_AS
        pass


def _address_space() -> int:
    """Bytes of address space this process maps now (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _worker_main(conn, fn: Callable, memory_mb: int | None, inherited: list) -> None:
    """A worker: receive (index, item), send (index, status, payload) until None or EOF.

    status is "ok" (payload: fn's result), "error" or "memory" (payload: detail). After a
    MemoryError the worker reports and exits, so the next item gets a fresh process.
    """
    for c in inherited:     # fork: the parent's ends of this worker's and its siblings' pipes
        try:
            c.close()
        except OSError:
            pass
    # Ctrl-C reaches the whole process group: the parent handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _limit_memory(memory_mb)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, item = msg
        try:
            out = (index, "ok", fn(item))
        except MemoryError as exc:
            out = (index, "memory", _memory_detail(memory_mb, exc))
        except QmError as exc:           # for the user: its Chinese message reaches the parent as it is
            out = (index, "qm", str(exc))
        except BaseException as exc:     # SystemExit too: report it, keep the worker
            out = (index, "error", f"{type(exc).__name__}: {exc}")
        try:
            try:
                conn.send(out)
            except MemoryError as exc:
                out = (index, "memory", _memory_detail(memory_mb, exc))
                conn.send(out)
            except OSError:
                raise
            except Exception as exc:    # the result could not be pickled: nothing was written yet
                conn.send((index, "error", f"{type(exc).__name__}: {exc}"))
        except OSError:                 # the parent is gone
            return
        if out[1] == "memory":
            return


class _Worker:
    __slots__ = ("process", "conn", "queue", "deadline")

    def __init__(self, process, conn):
        self.process = process
        self.conn = conn
        self.queue: deque[int] = deque()    # items sent, in order; the first is the one running
        self.deadline = math.inf            # for the running item


class _Pool:
    """One run of :func:`run_parallel` in worker processes (see there).

    Each worker holds at most ``DEPTH`` items: the one it is running and one waiting in its
    pipe, so it never idles while the parent is busy (on two cores the parent competes with the
    workers for CPU). The deadline belongs to the running item only: a waiting item's clock
    starts when the result before it arrives, and when a worker is killed or dies the items
    waiting behind the failed one go back to the queue untouched.
    """

    DEPTH = 2

    def __init__(self, fn, items, n_workers, bar, timeout, on_failure, memory_mb):
        import multiprocessing as mp

        # fork on Linux: cheap to start and inherits the parent's imports; elsewhere the default (spawn).
        self.ctx = mp.get_context("fork") if sys.platform.startswith("linux") else mp.get_context()
        self.fn, self.items, self.n_workers, self.bar = fn, items, n_workers, bar
        self.timeout, self.on_failure, self.memory_mb = timeout, on_failure, memory_mb
        self.workers: list[_Worker] = []
        self.pending: deque[int] = deque(range(len(items)))
        self.done: dict[int, Any] = {}
        self.lost_idle = 0      # workers found dead before they got an item

    def run(self) -> Iterator[Any]:
        n = len(self.items)
        next_out = 0
        try:
            while next_out < n:
                self._dispatch()
                while next_out in self.done:
                    yield self.done.pop(next_out)
                    next_out += 1
                if next_out < n:
                    self._collect()
        finally:
            self._shutdown()

    # -- handing out items
    def _start(self) -> _Worker:
        parent_end, child_end = self.ctx.Pipe(duplex=True)
        # a forked child also gets copies of the parent's pipe ends (its own and its siblings'); it
        # closes them, so that it sees EOF (and exits) when the parent goes away, whatever the way
        inherited = [parent_end, *(w.conn for w in self.workers)] if self.ctx.get_start_method() == "fork" else []
        p = self.ctx.Process(target=_worker_main, args=(child_end, self.fn, self.memory_mb, inherited),
                             name="qm-worker", daemon=True)
        p.start()
        child_end.close()       # only the worker holds its end, so its death reads as EOF here
        w = _Worker(p, parent_end)
        self.workers.append(w)
        return w

    def _dispatch(self) -> None:
        while self.pending:
            w = min(self.workers, key=lambda w: len(w.queue), default=None)
            if (w is None or w.queue) and len(self.workers) < self.n_workers:
                w = self._start()
            elif w is None or len(w.queue) >= self.DEPTH:
                return
            i = self.pending.popleft()
            try:
                w.conn.send((i, self.items[i]))
            except OSError:             # the worker is gone; this item goes back
                self.pending.appendleft(i)
                if w.queue:                 # it died on the item it was running
                    self._crashed(w)
                else:
                    self._retire(w, requeue=True)
                    self.lost_idle += 1
                    if self.lost_idle > 2 * self.n_workers + 5:
                        raise QmError("处理进程反复意外退出，无法继续") from None
                continue
            except Exception as exc:    # the item cannot be pickled; nothing was written
                self._fail(i, "error", f"{type(exc).__name__}: {exc}")
                continue
            if not w.queue:
                w.deadline = self._deadline()
            w.queue.append(i)

    def _deadline(self) -> float:
        return time.monotonic() + self.timeout if self.timeout is not None else math.inf

    # -- waiting for results, deaths and deadlines
    def _collect(self) -> None:
        busy = [w for w in self.workers if w.queue]
        if not busy:
            return
        first = min(w.deadline for w in busy)
        wait_s = None if first == math.inf else max(0.0, first - time.monotonic())
        ready = _wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=wait_s)
        for w in busy:
            has_data = w.conn in ready
            died = w.process.sentinel in ready
            if has_data or died:
                # everything it sent before it died counts; EOF then shows as a crash in _receive
                while w in self.workers and w.queue and (has_data or w.conn.poll()):
                    has_data = False
                    self._receive(w)
                if died and w in self.workers and w.queue:
                    self._crashed(w)
            elif time.monotonic() >= w.deadline:
                i = w.queue.popleft()
                self._retire(w, requeue=True)
                self._fail(i, "timeout", f"{self.timeout:g}")

    def _receive(self, w: _Worker) -> None:
        try:
            _, status, payload = w.conn.recv()
        except (EOFError, OSError):         # died while (or before) sending
            self._crashed(w)
            return
        except Exception as exc:            # the result could not be unpickled here; the stream is intact
            status, payload = "error", f"{type(exc).__name__}: {exc}"
        i = w.queue.popleft()
        w.deadline = self._deadline() if w.queue else math.inf
        if status == "ok":
            self.done[i] = payload
            self.bar.advance()
            return
        if status == "memory":              # the worker exits after a MemoryError
            self._retire(w, requeue=True)
        self._fail(i, status, payload)

    def _crashed(self, w: _Worker) -> None:
        i = w.queue.popleft()
        w.process.join(1)
        code = w.process.exitcode
        self._retire(w, requeue=True)
        self._fail(i, "crash", _exit_detail(code))

    def _fail(self, i: int, kind: str, detail: str) -> None:
        if kind == "qm":                 # a QmError in the worker: raised here as one, or an "error"
            if self.on_failure is None:
                raise QmError(detail)
            kind = "error"
        if self.on_failure is None:
            raise BatchItemFailed(self.items[i], kind, detail)
        self.done[i] = self.on_failure(self.items[i], kind, detail)
        self.bar.advance()

    # -- stopping workers
    def _retire(self, w: _Worker, requeue: bool) -> None:
        """Kill w; the items still in its queue (not started, or started but not failed) go back first."""
        self.workers.remove(w)
        if requeue:
            self.pending.extendleft(reversed(w.queue))
        w.queue.clear()
        self._stop([w], kill=True)

    def _shutdown(self) -> None:
        workers, self.workers = self.workers, []
        self._stop([w for w in workers if w.queue], kill=True)
        self._stop([w for w in workers if not w.queue], kill=False)

    @staticmethod
    def _stop(workers: list[_Worker], kill: bool) -> None:
        """Stop and reap workers: ask idle ones to exit (kill=False) or SIGKILL them; never hang."""
        for w in workers:
            if kill:
                w.process.kill()
            else:
                try:
                    w.conn.send(None)
                except (OSError, ValueError):
                    w.process.kill()
        end = time.monotonic() + (1.0 if kill else 2.0)
        for w in workers:
            w.process.join(max(0.0, end - time.monotonic()))
            if w.process.exitcode is None:      # stuck: no more waiting
                w.process.kill()
                w.process.join(1.0)
            w.conn.close()
            try:
                w.process.close()
            except ValueError:      # still running after SIGKILL (uninterruptible); the OS will reap it
                pass
