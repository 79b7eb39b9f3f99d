"""Issue 17: every `qm` subcommand against a matrix of bad paths; no traceback anywhere.

The commands are listed from the parser itself, so a new command (or a new input or output
option) is covered without touching this file: a positional or option is an input or an output by
its ``dest`` (INPUTS / OUTPUTS below); an unknown one gets the bad paths too and must at least
end without a traceback.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from addin.cli.main import _load_registrars, build_parser, main
from addin.infra.marker import own_output_kind

INPUTS = {"paths", "file", "summary", "source", "photos", "folder",
          "sheets", "key", "bank", "participants", "online", "scoring", "quiz_marks"}
OUTPUTS = {"output", "xlsx", "annotate", "directory", "letters"}
FOLDER_OUTPUTS = {("check", "annotate"), ("notices", "output"), ("template", "output"), ("demo", "directory"),
                  ("demo-run", "directory"), ("addin lite", "output"), ("track", "letters"), ("remind", "output"),
                  ("quiz paper", "output")}
# outputs that take an existing folder and write their default file name inside it
FOLDER_OK = {("score", "output"), ("addin build", "output"), ("template", "output"), ("notices", "output"),
             ("addin lite", "output"), ("track", "letters"), ("remind", "output"),
             ("check", "annotate"), ("demo", "directory"), ("demo-run", "directory"), ("quiz paper", "output")}
# inputs the command needs one of, though argparse cannot say so (qm quiz mark: answer sheets or --online)
ONE_OF_REQUIRED = {("quiz mark", "sheets")}


def leaf_commands() -> dict[str, argparse.ArgumentParser]:
    _load_registrars()
    out: dict[str, argparse.ArgumentParser] = {}

    def walk(parser, prefix: str) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            out[prefix.strip()] = parser
            return
        for action in subs:
            for name, child in action.choices.items():
                walk(child, f"{prefix} {name}")
    walk(build_parser(), "")
    return out


COMMANDS = leaf_commands()


def slots(parser) -> list[tuple[str, str | None, bool]]:
    """(dest, option string or None for a positional, required) of every path-like argument."""
    out = []
    for a in parser._actions:
        if isinstance(a, (argparse._HelpAction, argparse._StoreTrueAction, argparse._SubParsersAction)):
            continue
        if a.dest in INPUTS | OUTPUTS or (not a.option_strings and a.dest not in ("command",)):
            opt = a.option_strings[-1] if a.option_strings else None
            out.append((a.dest, opt, a.required or not a.option_strings and a.nargs not in ("?", "*")))
    return out


def test_every_command_is_covered():
    assert {"template", "check", "consolidate", "score", "demo", "demo-run", "addin build", "addin install",
            "report", "notices", "exposure", "rewards"} <= set(COMMANDS)
    for name, parser in COMMANDS.items():
        for dest, opt, _ in slots(parser):
            assert dest in INPUTS | OUTPUTS, f"qm {name}: argument {dest} is neither input nor output here"


@pytest.fixture(scope="module")
def world(tmp_path_factory, demo_manifest):
    """Valid inputs for every kind of input slot, and the bad paths."""
    root = tmp_path_factory.mktemp("matrix")
    returns = root / "回收"
    returns.mkdir()
    for f in sorted(Path(demo_manifest.out_dir).glob("*.xlsx"))[:2]:
        shutil.copy2(f, returns / f.name)
    summary = root / "汇总.xlsx"
    assert main(["consolidate", str(returns), "-q", "-o", str(summary)]) == 0
    scoring = root / "评分.xlsx"
    assert main(["template", "--scoring", "--source", str(summary), "-o", str(scoring)]) == 0
    other = root / "别的.docx"
    other.write_bytes(b"PK\x03\x04 a word document")
    text = root / "说明.txt"
    text.write_text("readme", encoding="utf-8")
    empty_dir = root / "空目录"
    empty_dir.mkdir()
    a_file = root / "普通文件"
    a_file.write_text("x")
    paper = root / "试卷"
    assert main(["quiz", "paper", "--n", "10", "-o", str(paper)]) == 0
    bank = root / "题库.xlsx"
    assert main(["template", "--quiz-bank", "-o", str(bank)]) == 0
    online = root / "线上导出.csv"
    online.write_text("姓名,单位,城市,1,2\n张三,某公司,南宁市,A,B\n", encoding="utf-8")
    ro = root / "只读盘"
    ro.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", str(ro)], capture_output=True).returncode == 0
    yield {
        "root": root, "returns": returns, "summary": summary, "scoring": scoring, "other": other, "text": text,
        "empty_dir": empty_dir, "a_file": a_file, "ro": ro if mounted else None,
        "paper": paper, "sheet": paper / "答题卡.xlsx", "bank": bank, "online": online,
        "long": root / ("很长的名字" * 20 + ".xlsx"),
    }
    if mounted:
        subprocess.run(["umount", "-l", str(ro)], capture_output=True)


def valid_input(name: str, dest: str, w) -> str:
    if dest == "paths":
        return str(w["returns"])
    if dest == "file":
        return str(w["scoring"])
    if dest in ("summary", "source"):
        return str(w["summary"])
    if dest == "photos":
        return str(w["returns"])
    if dest in ("sheets", "key", "bank", "online"):
        return str(w[{"sheets": "sheet", "key": "paper"}.get(dest, dest)])
    if dest == "participants":
        return str(w["summary"])
    if dest == "scoring":
        return str(w["scoring"])
    return str(w["returns"])


def fresh_output(name: str, dest: str, w, tag: str) -> str:
    base = w["root"] / "out" / f"{name.replace(' ', '-')}-{dest}-{tag}"
    if (name, dest) in FOLDER_OUTPUTS:
        return str(base)
    suffix = {"addin build": ".xlam", "check": ".xlsx", "consolidate": ".xlsx", "score": ".xlsx",
              "track": ".xlsx", "quiz mark": ".xlsx"}.get(name, ".docx")
    if name == "template":
        suffix = ""
    return str(base) + suffix


def argv_for(name: str, parser, w, bad_dest: str | None = None, bad: str | None = None, tag: str = "") -> list[str]:
    argv = name.split()
    for dest, opt, required in slots(parser):
        if dest == bad_dest:
            value = bad
        elif dest in OUTPUTS:
            if not required and dest not in ("output",):
                continue
            value = fresh_output(name, dest, w, tag)
        elif dest in INPUTS:
            if not required and (name, dest) not in ONE_OF_REQUIRED:
                continue
            value = valid_input(name, dest, w)
        else:
            value = bad if bad is not None else str(w["a_file"])
        argv += [value] if opt is None else [opt, value]
    return argv


DOC_COMMANDS = {"report", "notices", "exposure", "rewards"}


def run(capsys, argv: list[str], case: str = "") -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    text = out + err
    assert "Traceback" not in text, (argv, text)
    if "程序内部出错" in err and argv[0] in DOC_COMMANDS and case in ("in-other-kind", "in-text"):
        # class 4 for the document commands (checking what 汇总.xlsx is) belongs to another change
        pytest.xfail("issue 17 class 4 for the document commands: not checked here yet")
    assert "程序内部出错" not in err, (argv, err)
    return code, text


def hashes(w) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for key in ("returns", "summary", "scoring", "other", "text", "paper", "bank", "online")
            for p in ([w[key]] if w[key].is_file() else sorted(w[key].rglob("*"))) if p.is_file()}


BAD_INPUTS = ["missing", "directory", "other-kind", "text", "too-long", "fifo"]


@pytest.mark.parametrize("name", sorted(COMMANDS))
@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_paths(capsys, world, name, case, tmp_path):
    parser = COMMANDS[name]
    inputs = [d for d, _, _ in slots(parser) if d in INPUTS]
    if not inputs:
        pytest.skip(f"qm {name} reads no file")
    fifo = tmp_path / "管道.xlsx"
    if case == "fifo":
        os.mkfifo(fifo)
    bad = {"missing": str(world["root"] / "没有这个文件.xlsx"), "directory": str(world["empty_dir"]),
           "other-kind": str(world["other"]), "text": str(world["text"]), "too-long": str(world["long"]),
           "fifo": str(fifo)}[case]
    before = hashes(world)
    for dest in inputs:
        if dest == "photos" and case == "directory":
            continue            # an empty photo folder is a valid one
        if name == "remind" and case == "directory":
            continue            # an empty returns folder is valid for reminders: no city has returned yet
        argv = argv_for(name, parser, world, dest, bad, tag=f"in-{case}")
        code, text = run(capsys, argv, f"in-{case}")
        shown = Path(bad).name if case != "too-long" else "很长的名字"
        if name == "addin install" and code == 2 and "Windows" in text:
            continue        # refused for the platform before the file: still exit 2, no traceback
        assert code == 2, (argv, code, text)
        assert shown in text or (case == "directory" and "没有找到" in text), (argv, text)
    assert hashes(world) == before


BAD_OUTPUTS = ["directory", "other-kind", "input-itself", "too-long", "read-only", "under-a-file"]


@pytest.mark.parametrize("name", sorted(COMMANDS))
@pytest.mark.parametrize("case", BAD_OUTPUTS)
def test_bad_output_paths(capsys, world, name, case):
    parser = COMMANDS[name]
    outputs = [d for d, _, _ in slots(parser) if d in OUTPUTS]
    if not outputs:
        pytest.skip(f"qm {name} writes no file")
    if case == "read-only" and world["ro"] is None:
        pytest.skip("no read-only tmpfs here (needs root)")
    inputs = [d for d, _, req in slots(parser) if d in INPUTS and req]
    before = hashes(world)
    for dest in outputs:
        folder = (name, dest) in FOLDER_OUTPUTS
        if case == "input-itself":
            if not inputs:
                continue
            bad = valid_input(name, inputs[0], world)
        else:
            bad = {"directory": str(world["empty_dir"]),
                   "other-kind": str(world["text"] if folder or name in ("check", "consolidate", "score", "addin build", "quiz mark")
                                     else world["summary"]),
                   "too-long": str(world["root"] / ("很长的名字" * 20 + ("" if folder else ".docx"))),
                   "read-only": str((world["ro"] or world["root"]) / ("输出" if folder else "输出.docx")),
                   "under-a-file": str(world["a_file"] / ("输出" if folder else "输出.docx"))}[case]
            if case in ("too-long", "read-only", "under-a-file") and not folder:
                bad = bad[:-5] + {"addin build": ".xlam", "check": ".xlsx", "consolidate": ".xlsx",
                                  "score": ".xlsx", "quiz mark": ".xlsx"}.get(name, ".docx")
        argv = argv_for(name, parser, world, dest, bad, tag=f"out-{case}")
        code, text = run(capsys, argv)
        if case == "directory" and (name, dest) in FOLDER_OK:
            assert code in (0, 1, 2), (argv, text)
            continue
        if case == "input-itself" and folder and Path(bad).is_dir():
            assert code in (0, 1), (argv, text)        # writing beside the returns is allowed (marked outputs)
            added = [p for p in Path(bad).rglob("*") if p.is_file() and str(p) not in before]
            assert added and all(own_output_kind(p) for p in added if p.suffix == ".xlsx")
            for p in added:
                p.unlink()
            continue
        assert code == 2, (argv, code, text)
        key = {"too-long": "很长的名字", "under-a-file": "普通文件", "read-only": "只读"}.get(case, Path(bad).name)
        assert key in text, (argv, text)
    assert hashes(world) == before
    leftovers = [p for p in world["root"].rglob(".~*")]
    assert not leftovers
