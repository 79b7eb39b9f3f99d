"""The cross-field declarations (contract.toml [[checks]]) and their two interpreters, without a client.

The agreement of the two engines on a grid of cases is tests/workbook_templates/test_crossfield_soffice.py; here: a
typo in a declaration is an error at load time, and each operator means what the vocabulary says.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
import tomllib
from importlib import resources

import pytest

from addin.core import normalize as nz
from addin.core.findings import CODES
from workbook_templates import crossfield as cf
from workbook_templates.contract import _build


def _data():
    return tomllib.loads(resources.files("workbook_templates").joinpath("contract.toml").read_text("utf-8"))


def test_every_declared_check_is_registered_and_targets_a_column(contract):
    assert len(contract.checks) >= 8
    for chk in contract.checks:
        assert chk.code in CODES
        assert contract.sheet(chk.sheet).column(chk.target)
        assert chk.label and chk.message


@pytest.mark.parametrize("broken, error", [
    (lambda c: c.update(code="no-such-code"), "not registered"),
    (lambda c: c.update(target="no_such_column"), "unknown target"),
    (lambda c: c.update(when={"eq": ["stated", "不合格品"]}), "not in the choice list"),
    (lambda c: c.update(when={"eq": ["statd", "不合格"]}), "unknown column"),
    (lambda c: c.update(when={"like": ["stated", "不合格"]}), "unknown operator"),
    (lambda c: c.update(when={"blank": "notice_no", "filled": "deadline"}), "exactly one operator"),
])
def test_a_typo_in_a_declaration_is_an_error(broken, error):
    data = copy.deepcopy(_data())
    broken(data["checks"][0])
    with pytest.raises(ValueError, match=error):
        _build(data)


def test_the_checks_are_part_of_the_contract_hash(contract):
    data = copy.deepcopy(_data())
    data["checks"][0]["message"] += "。"
    assert _build(data).hash != contract.hash


def _ops(raw, values=None):
    return cf.Operands(raw, values if values is not None else dict(raw), nz.parse_number)


def test_python_operators():
    d1, d2 = dt.date(2022, 9, 1), dt.date(2022, 9, 5)
    row = _ops({"a": "属实", "n": "18.8元", "d1": d1, "d2": d2}, {"a": "属实", "n": 18.8, "d1": d1, "d2": d2})
    assert cf.holds({"blank": "x"}, row) and not cf.holds({"filled": "x"}, row)
    assert cf.holds({"in": ["a", ["属实", "部分属实"]]}, row) and cf.holds({"ne": ["x", "是"]}, row)
    assert cf.holds({"gt": ["n", 0]}, row) and not cf.holds({"gt": ["n", 18.8]}, row)
    assert cf.holds({"before": ["d1", "d2"]}, row) and not cf.holds({"before": ["d2", "d1"]}, row)
    assert not cf.holds({"before": ["d1", "x"]}, row)          # a blank is never a date
    assert cf.holds({"all": [{"filled": "a"}, {"any": [{"blank": "a"}, {"eq": ["a", "属实"]}]}]}, row)
    assert not cf.holds({"eq": ["@judgment", "不合格"]}, row)
    assert cf.holds({"eq": ["@judgment", "不合格"]}, _ops({}, {"judgment": "不合格"}))


def test_workbook_formulas_work_inside_sumproduct(contract):
    """No IF/IFERROR (not element-wise inside SUMPRODUCT in Excel 2010) and no newer functions."""
    for chk in contract.checks:
        text = cf.excel(chk.when, lambda k: f"$A$2:$A$501")
        used = set(re.findall(r"([A-Z][A-Z0-9.]*)\(", text))
        assert used <= {"LEN", "TRIM", "SUBSTITUTE", "ISNUMBER"}, (chk.code, used)
    # a derived key the workbook has no column for is never claimed by it
    assert cf.excel({"eq": ["@judgment", "不合格"]}, lambda k: None) == "FALSE"
    assert "$AA2" in cf.excel({"eq": ["@judgment", "不合格"]}, lambda k: "$AA2")
