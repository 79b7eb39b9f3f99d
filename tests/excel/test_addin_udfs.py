"""The QM_* worksheet functions: plain calls, errors as Chinese text, and xlwings' decorator metadata."""
from __future__ import annotations

import datetime as dt
import inspect
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from addin.excel import udfs
from addin.rules.judge import judge

ROOT = Path(__file__).resolve().parents[2]


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# -- plain calls ------------------------------------------------------------------------
def test_judge_pass_fail_and_basis():
    assert udfs.QM_JUDGE("钢筋下屈服强度", "HRB400E", "432、445、428", "16") == "合格（GB/T 1499.2-2018 表6）"
    assert udfs.QM_JUDGE("钢筋下屈服强度", "HRB400E", "380、445、428", "16").startswith("不合格（GB/T 1499.2-2018")
    plate = "118、109、126、108、122、107、120、135、125、131"
    j = judge("板厚", None, plate, design=120)
    assert udfs.QM_JUDGE("板厚", None, plate, None, 120) == f"{j.result}（{j.basis}）"
    assert udfs.QM_JUDGE_MESSAGE("板厚", None, plate, None, 120) == j.message


def test_judge_takes_a_range_of_cells_with_blanks():
    # a column of cells arrives as a nested list; blank cells are skipped
    column = [[432.0], [445.0], [None], [428.0]]
    assert udfs.QM_JUDGE("钢筋下屈服强度", "HRB400E", column, 16.0) == udfs.QM_JUDGE(
        "钢筋下屈服强度", "HRB400E", "432、445、428", "16")
    assert "380" in udfs.QM_JUDGE_MESSAGE("钢筋下屈服强度", "HRB400E", [[380.0, 445.0, None]], 16.0)


def test_judge_no_rule_and_no_data_are_readable():
    assert udfs.QM_JUDGE("不存在的项目", None, "1") == "无规则"
    assert "请人工判定" in udfs.QM_JUDGE_MESSAGE("不存在的项目", None, "1")
    assert udfs.QM_JUDGE("钢筋下屈服强度", "HRB400E", None, "16").startswith("数据不足")
    assert "未填写实测值" in udfs.QM_JUDGE_MESSAGE("钢筋下屈服强度", "HRB400E", None, "16")


def test_codes():
    assert udfs.QM_CREDIT_CODE_CHECK("914403001922038216") == "统一社会信用代码校验通过"
    assert "校验位应为 6" in udfs.QM_CREDIT_CODE_CHECK("914403001922038217")
    assert udfs.QM_CREDIT_CODE_CHECK("９１４４０３００１９２２０３８２１６") == "统一社会信用代码校验通过"
    assert udfs.QM_ID_CHECK("11010519491231002X") == "身份证号码校验通过"
    assert "校验位" in udfs.QM_ID_CHECK("110105194912310021")


def test_date_and_number():
    assert udfs.QM_DATE("2022年9月15日") == dt.datetime(2022, 9, 15)
    assert udfs.QM_DATE("9.15") == dt.datetime(2022, 9, 15)          # year from the campaign
    assert udfs.QM_DATE("9.15", 2023) == dt.datetime(2023, 9, 15)
    assert udfs.QM_DATE("不是日期") == "错误：“不是日期”无法识别为日期"
    assert udfs.QM_DATE(None) == "错误：日期为空"
    assert udfs.QM_NUMBER("400MPa") == 400.0
    assert udfs.QM_NUMBER("３９８") == 398.0
    assert udfs.QM_NUMBER("400-500") == "错误：“400-500”无法识别为一个数值"


def test_trimmed_mean_and_weighted_total():
    assert udfs.QM_TRIMMED_MEAN([[90.0, 85.0, 88.0, 92.0, 70.0]]) == pytest.approx((90 + 85 + 88) / 3)
    assert udfs.QM_TRIMMED_MEAN([90, 80]) == 85.0                        # fewer than 5: plain mean
    assert udfs.QM_TRIMMED_MEAN([[90], [None], [80], [70]], 3) == 80.0   # blanks skipped, trimmed at 3
    assert udfs.QM_TRIMMED_MEAN([]) == "错误：评分为空"
    assert udfs.QM_TRIMMED_MEAN(["优", 1, 2, 3, 4]).startswith("错误：第 1 个评分")
    assert udfs.QM_WEIGHTED_TOTAL([90, 80, 70, 60], [0.3, 0.3, 0.2, 0.2]) == pytest.approx(77.0)
    assert udfs.QM_WEIGHTED_TOTAL([[90, 80]], [[0.3], [0.3]]) == "错误：权重之和应为 1，实为 0.6"
    assert "超出范围" in udfs.QM_WEIGHTED_TOTAL([120, 80], [0.5, 0.5], [100, 100])


def test_reward_from_campaign_settings(campaign):
    extra = campaign.rewards["extra_by_level"]
    assert udfs.QM_REWARD("较大") == float(extra["较大"])
    assert udfs.QM_REWARD("较大", "否") == 0.0
    text = udfs.QM_REWARD("重大", "是", None, True)
    assert f"额外奖励 {extra['重大']:g} 元" in text and "随机红包" in text and "奖励名单" in text
    assert udfs.QM_REWARD("一般", "否", None, True) == "非实名投诉，不发放奖励"
    assert udfs.QM_REWARD("一般", "是", "不属实") == 0.0
    assert udfs.QM_REWARD(None, "是", "核查中", True).startswith("核查中，额外奖励待核查结果；1.00～20.00 元随机红包")
    assert udfs.QM_REWARD("一般", "是", "部分属实") == float(extra["一般"])
    assert udfs.QM_REWARD("一般", "是", "待定").startswith("错误：核查结果应为")
    assert udfs.QM_REWARD("特大").startswith("错误：问题等级“特大”不在活动设置中")
    assert udfs.QM_REWARD("一般", "也许") == "错误：是否实名应填“是”或“否”，填写的是“也许”"


def test_unexpected_exception_becomes_chinese_text(monkeypatch):
    import addin.rules.judge

    def boom(*a, **k):
        raise RuntimeError("kaput")

    monkeypatch.setattr(addin.rules.judge, "judge", boom)
    out = udfs.QM_JUDGE("板厚", None, "1")
    assert out == "错误：计算出错（RuntimeError：kaput）"
    assert "Traceback" not in out


def test_every_udf_is_wrapped_and_keeps_its_signature():
    for f in udfs.UDFS:
        assert f.__wrapped__ is not None
        assert inspect.signature(f) == inspect.signature(f.__wrapped__)
        assert _has_chinese(f.__doc__)


# -- xlwings' decorator metadata --------------------------------------------------------
# On Linux xw.func/xw.arg are no-ops; with XLWINGS_ON_SERVER=true they are xlwings' own
# decorators (the Office.js custom-function flavour, same metadata as the COM one), so the
# metadata is read in a subprocess.
_DUMP = textwrap.dedent("""
    import json
    import addin.excel.udfs as u
    from xlwings.pro.udfs_officejs import custom_functions_meta
    out = {"funcs": {}, "meta": custom_functions_meta(u)}
    for f in u.UDFS:
        x = f.__xlfunc__
        out["funcs"][f.__name__] = {"name": x["name"], "doc": x["ret"]["doc"], "namespace": x["namespace"],
                                    "args": [{"name": a["name"], "doc": a["doc"], "optional": "optional" in a}
                                             for a in x["args"]]}
    print(json.dumps(out, ensure_ascii=False))
""")


@pytest.fixture(scope="module")
def xlmeta():
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    run = subprocess.run([sys.executable, "-c", _DUMP], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_metadata_names_args_and_chinese_docs(xlmeta):
    assert set(xlmeta["funcs"]) == {f.__name__ for f in udfs.UDFS}
    for f in udfs.UDFS:
        meta = xlmeta["funcs"][f.__name__]
        assert meta["name"] == f.__name__
        params = inspect.signature(f).parameters
        assert [a["name"] for a in meta["args"]] == list(params)
        for a in meta["args"]:
            assert _has_chinese(a["doc"]), (f.__name__, a)
            assert not a["doc"].startswith("Positional argument"), (f.__name__, a)
            assert a["optional"] == (params[a["name"]].default is not inspect.Parameter.empty)
        assert _has_chinese(meta["doc"]) and len(meta["doc"]) <= 255   # Excel's description limit


def test_metadata_of_judge(xlmeta):
    args = {a["name"]: a["doc"] for a in xlmeta["funcs"]["QM_JUDGE"]["args"]}
    assert list(args) == ["item", "grade", "values", "spec", "design"]
    assert "检测项目" in args["item"] and "实测值" in args["values"] and "设计值" in args["design"]
    assert "合格" in xlmeta["funcs"]["QM_JUDGE"]["doc"] and "依据" in xlmeta["funcs"]["QM_JUDGE"]["doc"]


def test_office_js_function_metadata(xlmeta):
    funcs = {f["name"]: f for f in xlmeta["meta"]["functions"]}
    # Office.js runtimes put the declared namespace before the name: =QM.QM_JUDGE(...)
    assert udfs.NAMESPACE == "QM"
    assert set(funcs) == {f"{udfs.NAMESPACE}.{f.__name__}" for f in udfs.UDFS}
    assert {m["namespace"] for m in xlmeta["funcs"].values()} == {udfs.NAMESPACE}
    funcs = {name.split(".", 1)[1]: f for name, f in funcs.items()}
    reward = funcs["QM_REWARD"]
    assert "随机红包" in reward["description"]
    assert [p["name"] for p in reward["parameters"]] == ["level", "real_name", "verified", "as_text"]
    assert all(_has_chinese(p["description"]) for p in reward["parameters"])
    assert [p.get("optional", False) for p in funcs["QM_TRIMMED_MEAN"]["parameters"]] == [False, True]


def test_reward_agrees_with_the_reward_roster(tmp_path):
    """QM_REWARD's extra reward is the one the reward roster (docgen.rewards) pays."""
    rewards = pytest.importorskip("docgen.rewards")
    fixtures = pytest.importorskip("tests.docgen_fixtures")
    c = fixtures.build_consolidated(tmp_path, photos=False)
    _, roster = rewards.compute_roster(c)
    assert roster
    for row in roster:
        level = row["level"] or None
        if row["real_name"] and row["verified"] in ("属实", "部分属实") and level is None:
            continue   # the roster leaves it open (额外奖励待定); the cell says 问题等级为空
        got = udfs.QM_REWARD(level, "是" if row["real_name"] else "否", row["verified"] or None)
        assert got == row["extra"], row


def test_classic_declarations_keep_the_category():
    """Under xlwings' classic (COM) decorators, the ones Import Functions reads, every function
    is in the 质量月 category; the namespace is the Office.js runtimes' setting only."""
    from addin.excel import xlam

    with xlam._xlwings_udfs() as classic:
        module = xlam._decorated_udf_module(classic)
    for f in udfs.UDFS:
        meta = getattr(module, f.__name__).__xlfunc__
        assert meta["category"] == udfs.CATEGORY == "质量月"
        assert "namespace" not in meta and meta["name"] == f.__name__
