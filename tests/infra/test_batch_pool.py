"""The supervised pool behind batch reads: per-item time limit, crash recovery, memory limit, clean shutdown.

Workers really hang, exit, segfault, raise and run out of memory here; every test checks that
the batch still finishes, in input order, and that no worker process is left behind.
"""
from __future__ import annotations

import faulthandler
import functools
import multiprocessing
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from addin.infra.batch import DEFAULT_WORKER_MB, BatchItemFailed, run_parallel
from addin.cli.main import main
from addin.cli.check import check_failed
from addin.consolidate.run import consolidate_files, consolidate_results, failed_file_result, read_path
from tests.hostile import city_of, clean_files

HANG, EXIT, SEGV, RAISE, ALLOC, SELF_SIGINT = -1, -2, -3, -4, -5, -6


# -- worker functions (module level: picklable, and what a fork child runs)
def misbehave(x: int):
    """x * x for ordinary items; the negative ones misbehave in the worker."""
    if x == HANG:
        while True:
            time.sleep(3600)
    if x == EXIT:
        os._exit(3)
    if x == SEGV:
        faulthandler.disable()      # pytest's faulthandler would print a traceback dump from the worker
        os.kill(os.getpid(), signal.SIGSEGV)
        time.sleep(10)
    if x == RAISE:
        raise ValueError("坏数据")
    if x == ALLOC:
        return len(bytearray(4 * 1024 ** 3))
    if x == SELF_SIGINT:        # what a worker gets on Ctrl-C in the terminal (the whole process group)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
        return "survived"
    return x * x


def slow_square(x: int) -> int:
    time.sleep(0.002 * (20 - x % 20))     # later items finish first within each round
    return x * x


def whose_pid(_x) -> int:
    return os.getpid()


def failed(item, kind: str, detail: str) -> tuple:
    return ("failed", item, kind, detail)


def _children() -> set[int]:
    """Live or zombie processes whose parent is this one (from /proc)."""
    me, out = os.getpid(), set()
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == me:
            out.add(int(d.name))
    return out


@pytest.fixture
def no_leftovers():
    """Asserts that the test leaves no child process behind (not even a zombie)."""
    before = _children()
    yield
    assert _children() - before == set()
    assert multiprocessing.active_children() == []


pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def test_results_come_in_input_order(no_leftovers):
    items = list(range(60))
    out = list(run_parallel(slow_square, items, jobs=3, progress=False))
    assert out == [x * x for x in items]


def test_inline_only_for_one_job_without_limits(no_leftovers):
    assert set(run_parallel(whose_pid, [1, 2, 3], jobs=1, progress=False)) == {os.getpid()}
    assert os.getpid() not in set(run_parallel(whose_pid, [1, 2, 3], jobs=1, timeout=30, progress=False))
    assert os.getpid() not in set(run_parallel(whose_pid, [1, 2], jobs=1, memory_mb=DEFAULT_WORKER_MB, progress=False))
    assert list(run_parallel(whose_pid, [], jobs=2, timeout=1)) == []


def test_timeout_kills_the_hung_worker_and_the_batch_goes_on(no_leftovers):
    items = [1, 2, HANG, 3, 4, 5, 6, 7]
    start = time.monotonic()
    out = list(run_parallel(misbehave, items, jobs=2, timeout=1.0, on_failure=failed, progress=False))
    elapsed = time.monotonic() - start
    assert out == [1, 4, ("failed", HANG, "timeout", "1"), 9, 16, 25, 36, 49]
    assert elapsed < 8


def test_a_hang_never_hangs_the_batch_even_with_one_job(no_leftovers):
    start = time.monotonic()
    out = list(run_parallel(misbehave, [HANG, 2, HANG, 3], jobs=1, timeout=0.5, on_failure=failed, progress=False))
    assert out == [("failed", HANG, "timeout", "0.5"), 4, ("failed", HANG, "timeout", "0.5"), 9]
    assert time.monotonic() - start < 8


def test_dead_workers_are_replaced(no_leftovers):
    items = [1, EXIT, 2, SEGV, 3, EXIT, 4]
    out = list(run_parallel(misbehave, items, jobs=2, timeout=30, on_failure=failed, progress=False))
    assert out == [1, ("failed", EXIT, "crash", "退出码 3"), 4, ("failed", SEGV, "crash", "信号 SIGSEGV"),
                   9, ("failed", EXIT, "crash", "退出码 3"), 16]


def test_exceptions_in_fn_become_errors(no_leftovers):
    out = list(run_parallel(misbehave, [1, RAISE, 2], jobs=2, on_failure=failed, progress=False))
    assert out == [1, ("failed", RAISE, "error", "ValueError: 坏数据"), 4]


def test_memory_limit(no_leftovers):
    out = list(run_parallel(misbehave, [1, ALLOC, 2, ALLOC, 3], jobs=2, memory_mb=512,
                            on_failure=failed, progress=False))
    assert out[0::2] == [1, 4, 9]
    for r in out[1::2]:
        assert r[:3] == ("failed", ALLOC, "memory") and "512 MB" in r[3]


def test_without_on_failure_a_failure_raises(no_leftovers):
    with pytest.raises(RuntimeError, match="ValueError"):
        list(run_parallel(misbehave, [1, 2, RAISE, 3], jobs=2, progress=False))
    with pytest.raises(BatchItemFailed) as info:
        list(run_parallel(misbehave, [HANG, 1], jobs=2, timeout=0.5, progress=False))
    assert info.value.kind == "timeout"
    with pytest.raises(BatchItemFailed) as info:
        list(run_parallel(misbehave, [1, SEGV], jobs=1, timeout=30, progress=False))
    assert info.value.kind == "crash"


def test_closing_the_generator_stops_busy_workers(no_leftovers):
    gen = run_parallel(misbehave, [1, HANG, HANG, 2], jobs=3, progress=False)    # no time limit
    start = time.monotonic()
    assert next(gen) == 1
    gen.close()
    assert time.monotonic() - start < 8


@pytest.fixture
def python_ctrl_c():
    """Python's own Ctrl-C handler, also when the tests run as a background job: a shell starts
    those with SIGINT ignored, and Python then installs no handler (the signal would be lost)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_workers_ignore_ctrl_c_and_the_parent_stops_promptly(no_leftovers, python_ctrl_c):
    assert list(run_parallel(misbehave, [SELF_SIGINT, 2], jobs=2, progress=False)) == ["survived", 4]
    # at the main thread, as Ctrl-C reaches a one-thread qm: sent to the process, the signal may
    # land on the timer's own thread, and the main thread's wait would not be interrupted
    timer = threading.Timer(0.5, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT))
    start = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            list(run_parallel(misbehave, [HANG, HANG, 1], jobs=2, timeout=20, progress=False))
    finally:
        timer.cancel()
    assert time.monotonic() - start < 8


# -- end to end: real returns through consolidation
def read_or_misbehave(path, campaign):
    """read_path, except that 挂起.xlsx hangs and 崩溃.xlsx segfaults (test-only stand-ins for hostile files)."""
    name = Path(path).name
    if name == "挂起.xlsx":
        while True:
            time.sleep(3600)
    if name == "崩溃.xlsx":
        faulthandler.disable()
        os.kill(os.getpid(), signal.SIGSEGV)
    return read_path(path, campaign)


def _returns(tmp_path, demo_manifest, extra: dict[str, bytes]) -> tuple[list[Path], list[str]]:
    folder = tmp_path / "returns"
    folder.mkdir()
    good = clean_files(demo_manifest)
    for name in good:
        shutil.copy2(Path(demo_manifest.out_dir) / name, folder / name)
    for name, body in extra.items():
        (folder / name).write_bytes(body)
    return sorted(folder.iterdir()), [city_of(demo_manifest, n) for n in good]


def _codes(c) -> dict[str, set[str]]:
    codes: dict[str, set[str]] = {}
    for file, code in zip(c.findings["file"], c.findings["code"]):
        codes.setdefault(file, set()).add(code)
    return codes


def test_consolidation_skips_a_hanging_and_a_crashing_file(tmp_path, demo_manifest, campaign, no_leftovers):
    good_bytes = (Path(demo_manifest.out_dir) / clean_files(demo_manifest)[0]).read_bytes()
    files, cities = _returns(tmp_path, demo_manifest, {"挂起.xlsx": good_bytes, "崩溃.xlsx": good_bytes,
                                                       "坏文件.xlsx": b"garbage"})
    start = time.monotonic()
    results = list(run_parallel(functools.partial(read_or_misbehave, campaign=campaign), [str(p) for p in files], jobs=2, timeout=5, on_failure=failed_file_result,
                                memory_mb=DEFAULT_WORKER_MB, progress=False))
    assert time.monotonic() - start < 20
    assert [r.name for r in results] == [p.name for p in files]
    c = consolidate_results(results, campaign)
    codes = _codes(c)
    assert codes["挂起.xlsx"] == {"read-timeout"}
    assert codes["崩溃.xlsx"] == {"read-crashed"}
    assert codes["坏文件.xlsx"] == {"unreadable-file"}         # refused by the reader itself, as before
    msg = c.findings[c.findings["file"] == "挂起.xlsx"]["message"].iloc[0]
    assert msg.startswith("读取超过 5 秒仍未完成")
    assert "SIGSEGV" in c.findings[c.findings["file"] == "崩溃.xlsx"]["message"].iloc[0]
    subs = {s.file: s for s in c.submissions}
    assert subs["挂起.xlsx"].status == subs["崩溃.xlsx"].status == "无法读取"
    assert subs["挂起.xlsx"].sha256 == ""                       # not read again after a timeout
    assert len(subs["崩溃.xlsx"].sha256) == 64
    used = {s.city for s in c.submissions if s.status == "采用"}
    assert set(cities) <= used


def test_consolidate_files_uses_the_supervised_pool(tmp_path, demo_manifest, campaign, no_leftovers):
    files, cities = _returns(tmp_path, demo_manifest, {"坏文件.xlsx": b"garbage"})
    for jobs in (1, 2):
        c = consolidate_files(files, campaign, jobs=jobs, progress=False)     # default timeout and memory limit
        assert _codes(c)["坏文件.xlsx"] == {"unreadable-file"}
        assert set(cities) <= {s.city for s in c.submissions if s.status == "采用"}


def test_check_failure_findings():
    p = Path("/x/某市.xlsx")
    assert check_failed(p, "timeout", "120")[1][0].code == "read-timeout"
    assert check_failed(p, "crash", "信号 SIGKILL")[1][0].code == "read-crashed"
    assert check_failed(p, "memory", "内存超过上限 2048 MB")[1][0].code == "read-crashed"
    path, [f] = check_failed(p, "error", "ValueError: x")
    assert path == p and f.code == "unreadable-file" and f.file == "某市.xlsx" and "ValueError: x" in f.message


def test_cli_limit_options(tmp_path, demo_manifest, campaign, capsys, no_leftovers):
    files, _ = _returns(tmp_path, demo_manifest, {})
    assert main(["check", "--timeout", "60", "--worker-mb", "1024", "-q", *map(str, files)]) in (0, 1)
    out = tmp_path / "汇总.xlsx"
    assert main(["consolidate", "--timeout", "60", "-q", "-o", str(out), *map(str, files)]) == 0
    assert out.exists()
    assert "读取超时" in _help(["check", "--help"]) and "读取超时" in _help(["consolidate", "--help"])
    capsys.readouterr()


def _help(argv: list[str]) -> str:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), pytest.raises(SystemExit):
        main(argv)
    return buf.getvalue()
