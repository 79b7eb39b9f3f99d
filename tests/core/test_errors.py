"""One error type (addin.core.errors.QmError): faces show its message; anything else is a bug
that `qm` logs to a file instead of printing a traceback."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from addin.campaign.settings import SettingsError
from addin.checks.annotate import annotate_copy
from addin.cli import main as cli_main
from addin.consolidate.summary_xlsx import TooManyRows
from addin.contest.scoring import ScoringError
from addin.contest.workbook import ScoringReadError
from addin.core.errors import QmError, QmValueError
from addin.excel.buttons import UserError, _friendly
from addin.excel.udfs import CellError, _cell_safe
from addin.excel.xlam import BuildError
from addin.rules.judge import RuleError
from workbook_templates.package import PackageError
from workbook_templates.reader import ReadError


@pytest.mark.parametrize("cls", [SettingsError, TooManyRows, ScoringError, ScoringReadError, UserError,
                                 CellError, BuildError, RuleError, PackageError, ReadError])
def test_every_user_facing_error_is_a_qm_error(cls):
    assert issubclass(cls, QmError)


def test_location_names_file_sheet_and_cell():
    err = QmError("数值超出范围", file="/x/南宁市.xlsx", sheet="监督抽测", cell="F7")
    assert str(err) == "数值超出范围"
    assert err.location() == "南宁市.xlsx / 监督抽测 / F7"
    assert QmError("无位置").location() == ""


def test_cli_shows_a_qm_error_and_exits_2(monkeypatch, capsys):
    def boom(args):
        raise QmValueError("活动设置文件不存在：甲.toml")
    monkeypatch.setattr(cli_main, "cmd_template", boom)
    assert cli_main.main(["template", "--all", "-o", "x"]) == 2
    err = capsys.readouterr().err
    assert "活动设置文件不存在：甲.toml" in err and "Traceback" not in err


def test_cli_logs_a_bug_instead_of_printing_a_traceback(monkeypatch, capsys):
    def bug(args):
        return {}["no such key"]
    monkeypatch.setattr(cli_main, "cmd_template", bug)
    assert cli_main.main(["template", "--all", "-o", "x"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "KeyError" not in err
    log = Path(re.search(r"已写入 (\S+\.log)", err).group(1))
    try:
        text = log.read_text("utf-8")
        assert "Traceback" in text and "KeyError: 'no such key'" in text and "template --all" in text
    finally:
        log.unlink()


def test_button_and_udf_show_qm_errors_by_type_not_by_language():
    assert _friendly(QmError("请先选择回收目录")) == "请先选择回收目录"
    # a Chinese message on a non-QmError is still a bug, not a user message
    assert _friendly(AttributeError("属性")).startswith("出现意外错误（AttributeError")

    @_cell_safe
    def f(kind):
        raise (CellError("单元格为空") if kind else ValueError("内部"))
    assert f(True) == "错误：单元格为空"
    assert f(False).startswith("错误：计算出错（ValueError")


def test_annotate_refusal_is_a_qm_error(tmp_path):
    src = tmp_path / "a.xlsx"
    src.write_bytes(b"not a zip")
    with pytest.raises(QmError) as info:
        annotate_copy(src, [], tmp_path / "out")
    assert info.value.file == src
