"""A run interrupted half way leaves no half-written output, and the next run succeeds."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from addin.infra.atomic import atomic_path, remove_stale_temporaries


def test_failure_inside_the_write_leaves_nothing(tmp_path):
    target = tmp_path / "汇总.xlsx"
    target.write_bytes(b"old complete file")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("power cut")
    assert target.read_bytes() == b"old complete file"
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]


KILLED_WRITER = r"""
import sys, time
from addin.infra.atomic import atomic_path
with atomic_path(sys.argv[1]) as tmp:
    tmp.write_bytes(b"half-written")
    print("writing", flush=True)
    time.sleep(60)
"""


def test_killed_writer_leaves_only_a_locked_temporary_that_the_next_run_removes(tmp_path):
    target = tmp_path / "汇总.xlsx"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    leftovers = list(tmp_path.glob(".~*"))
    assert len(leftovers) == 1
    assert remove_stale_temporaries(target) == []          # still being written: not touched
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert not target.exists() and leftovers[0].exists()
    with atomic_path(target) as tmp:                        # the next run
        tmp.write_bytes(b"complete")
    assert target.read_bytes() == b"complete"
    assert list(tmp_path.glob(".~*")) == []


def _qm(*args: str) -> list[str]:
    exe = shutil.which("qm", path=os.path.dirname(sys.executable)) or shutil.which("qm")
    return [exe, *args] if exe else [sys.executable, "-m", "addin.cli.main", *args]


def test_consolidate_killed_while_writing_then_rerun(tmp_path, demo_dir, campaign):
    """SIGKILL `qm consolidate` as soon as its output's temporary file appears; rerun; compare."""
    out = tmp_path / "out" / "汇总.xlsx"
    for attempt in range(3):
        proc = subprocess.Popen(_qm("consolidate", str(demo_dir), "-o", str(out), "--jobs", "1", "-q"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seen = False
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if out.parent.is_dir() and any(out.parent.glob(".~*")):
                proc.send_signal(signal.SIGKILL)
                seen = True
                break
            time.sleep(0.002)
        proc.wait(30)
        if seen:
            break
        shutil.rmtree(out.parent, ignore_errors=True)       # finished before we caught it: try again
    assert seen, "never caught the writer in the act"
    assert not out.exists(), "a killed run left an output file"
    done = subprocess.run(_qm("consolidate", str(demo_dir), "-o", str(out), "-q"), capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    assert out.exists() and list(out.parent.glob(".~*")) == []
    from addin.consolidate.summary_xlsx import load_consolidated

    assert len(load_consolidated(out, campaign).stats) == len(campaign.cities)
