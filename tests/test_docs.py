"""The README stays honest (like datasette's test_docs.py): every `qm` subcommand is in its command
table, every finding code in the registries is documented, and every documented code exists."""
from __future__ import annotations

import re
from pathlib import Path

from addin.cli.main import _load_registrars, build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


def subcommands() -> list[str]:
    _load_registrars()
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(action.choices)


def test_every_subcommand_is_in_the_command_table():
    table = section("qm 命令")
    listed = set(re.findall(r"`qm ([a-z][a-z-]*)", table))
    assert subcommands() and [c for c in subcommands() if c not in listed] == []
    assert sorted(listed - set(subcommands())) == []


def registered_codes() -> set[str]:
    from addin.contest.quizbank import QUIZ_CODES
    from addin.contest.scoring import SCORING_CODES
    from addin.core.findings import CODES

    return set(CODES) | set(SCORING_CODES) | set(QUIZ_CODES)


def documented_codes() -> set[str]:
    return set(re.findall(r"\| `([a-z]+(?:-[a-z]+)+)` \|", section("问题代码")))


def test_every_finding_code_is_documented():
    assert sorted(registered_codes() - documented_codes()) == []


def test_every_documented_code_exists():
    assert sorted(documented_codes() - registered_codes()) == []
    # codes cited elsewhere in the README (e.g. 异常文件的处理) exist too
    cited = set(re.findall(r"`([a-z]+(?:-[a-z]+)+)`", README))
    commands = set(subcommands())
    assert sorted(c for c in cited - registered_codes() - commands if not c.startswith(("make", "qm"))) == []
