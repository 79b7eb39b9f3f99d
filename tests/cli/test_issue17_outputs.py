"""Issue 17, classes 1, 2, 4 and 10: outputs never destroy inputs, file-system faults end in one
Chinese line (exit 2) with no partial or temporary file, and rough edges of the command line.

Every case asserts the exit code, a Chinese message naming the path, no traceback, inputs
byte-identical (SHA-256) and no temporary file left.
"""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from addin.cli.main import main
from tests.hygiene_files import sha, tree_hashes

QM = [sys.executable, "-m", "addin.cli.main"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:       # argparse
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "程序内部出错" not in err, err        # a crash log means an untranslated exception
    return code, out, err


def temporaries(folder: Path) -> list[Path]:
    return [p for p in Path(folder).rglob(".~*")]


@pytest.fixture
def returns(tmp_path, demo_manifest) -> Path:
    """Three demo returns in a folder of their own (copies: tests may try to damage them)."""
    folder = tmp_path / "回收"
    folder.mkdir()
    for f in sorted(Path(demo_manifest.out_dir).glob("*.xlsx"))[:3]:
        shutil.copy2(f, folder / f.name)
    return folder


@pytest.fixture(scope="module")
def summary(tmp_path_factory, demo_manifest) -> Path:
    out = tmp_path_factory.mktemp("summary") / "汇总.xlsx"
    assert main(["consolidate", str(demo_manifest.out_dir), "-o", str(out), "-q"]) == 0
    return out


# -- class 1: an output never destroys an input -------------------------------------------------
def test_check_xlsx_onto_a_return_is_refused(capsys, returns):
    target = sorted(returns.glob("*.xlsx"))[0]
    before = tree_hashes(returns)
    code, out, err = run(capsys, "check", str(returns), "-q", "--xlsx", str(target))
    assert code == 2 and target.name in err and "输入文件" in err
    assert tree_hashes(returns) == before and not temporaries(returns)
    assert "共" not in out          # refused before any work


def test_consolidate_onto_a_return_or_the_folder_is_refused(capsys, returns, tmp_path):
    before = tree_hashes(returns)
    target = sorted(returns.glob("*.xlsx"))[1]
    code, _, err = run(capsys, "consolidate", str(returns), "-q", "-o", str(target))
    assert code == 2 and target.name in err
    code, _, err = run(capsys, "consolidate", str(returns), "-q", "-o", str(returns))
    assert code == 2 and "输入目录" in err and str(returns) in err
    # a return that is not among the inputs is not replaced by a summary either
    elsewhere = tmp_path / "别处" / "南宁.xlsx"
    elsewhere.parent.mkdir()
    shutil.copy2(target, elsewhere)
    code, _, err = run(capsys, "consolidate", str(target), "-q", "-o", str(elsewhere))
    assert code == 2 and "填报表" in err and sha(elsewhere) == sha(target)
    assert tree_hashes(returns) == before


@pytest.mark.parametrize("command", ["report", "exposure", "rewards"])
def test_document_onto_the_summary_or_another_kind_is_refused(capsys, summary, tmp_path, command):
    pytest.importorskip("docgen")
    before = sha(summary)
    code, _, err = run(capsys, command, str(summary), "-o", str(summary))
    assert code == 2 and summary.name in err
    other = tmp_path / "台账.xlsx"
    shutil.copy2(summary, other)
    code, _, err = run(capsys, command, str(summary), "-o", str(other))
    assert code == 2 and "台账.xlsx" in err and ".docx" in err
    assert sha(summary) == before and sha(other) == before


def test_annotate_inside_the_returns_is_allowed_and_never_read_back(capsys, demo_manifest, tmp_path):
    folder = tmp_path / "回收"
    shutil.copytree(demo_manifest.out_dir, folder, ignore=shutil.ignore_patterns("*.json", "*.jpg", "*.png"))
    before = tree_hashes(folder)
    code, out, _ = run(capsys, "check", str(folder), "-q", "--annotate", str(folder / "标注"),
                       "--xlsx", str(folder / "校验结果.xlsx"))
    assert code == 1 and "标注副本" in out
    assert {k: v for k, v in tree_hashes(folder).items() if k in before} == before
    n = len(list(folder.glob("*.xlsx")))
    code, out, err = run(capsys, "check", str(folder), "-q")
    assert f"共 {n - 1} 个文件" in out            # 校验结果.xlsx is ours: skipped
    assert "校验结果.xlsx：是本程序生成的校验结果" in err and "标注副本，不是填报表" in err


def test_score_and_template_outputs(capsys, tmp_path, demo_manifest, summary):
    src = tmp_path / "评分.xlsx"
    assert main(["template", "--scoring", "--source", str(summary), "-o", str(src)]) == 0
    capsys.readouterr()
    before = sha(src)
    code, _, err = run(capsys, "score", str(src), "-o", str(src))
    assert code == 2 and "评分.xlsx" in err
    code, _, err = run(capsys, "score", str(src), "-o", str(tmp_path / "结果.docx"))
    assert code == 2 and "结果.docx" in err and ".xlsx" in err
    assert sha(src) == before
    doc = tmp_path / "通知.docx"
    doc.write_bytes(b"PK\x03\x04 a word file")
    code, _, err = run(capsys, "template", "--scoring", "-o", str(doc))
    assert code == 2 and "通知.docx" in err and doc.read_bytes() == b"PK\x03\x04 a word file"


# -- class 2: file-system faults ------------------------------------------------------------------
def test_template_all_onto_a_file(capsys, tmp_path):
    x = tmp_path / "x.txt"
    x.write_text("keep")
    code, out, err = run(capsys, "template", "--all", "-o", str(x))
    assert code == 2 and "x.txt" in err and "文件夹" in err
    assert "BatchItemFailed" not in err and "Campaign(" not in err and x.read_text() == "keep"
    code, _, err = run(capsys, "template", "--all", "-o", str(x / "sub"))
    assert code == 2 and "x.txt" in err and "不是文件夹" in err


def test_output_is_a_directory(capsys, returns, tmp_path):
    d = tmp_path / "汇总.xlsx"
    d.mkdir()
    code, _, err = run(capsys, "consolidate", str(returns), "-q", "-o", str(d))
    assert code == 2 and "汇总.xlsx" in err and "文件夹" in err and not any(d.iterdir())
    code, _, err = run(capsys, "check", str(returns), "-q", "--xlsx", str(d))
    assert code == 2 and "汇总.xlsx" in err


@pytest.mark.parametrize("fault", [errno.ENOSPC, errno.EROFS, errno.EIO, errno.EACCES])
def test_fault_while_writing_is_one_chinese_line(capsys, returns, tmp_path, monkeypatch, fault):
    """The disk fills up (or the stick is pulled) while the summary is written."""
    import addin.infra.atomic as atomic

    real = os.replace

    def failing(src, dst, *a, **k):
        if str(dst).endswith("汇总.xlsx"):
            raise OSError(fault, os.strerror(fault), str(src))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(atomic.os, "replace", failing)
    out_dir = tmp_path / "out"
    before = tree_hashes(returns)
    code, _, err = run(capsys, "consolidate", str(returns), "-q", "-o", str(out_dir / "汇总.xlsx"))
    cause = {errno.ENOSPC: "磁盘空间不足", errno.EROFS: "只读", errno.EIO: "读写出错", errno.EACCES: "没有写入权限"}[fault]
    assert code == 2 and "汇总.xlsx" in err and cause in err
    assert "No space" not in err and "Read-only" not in err      # no English cause
    assert not out_dir.exists()              # no partial output, no temporary file, not even the folder it made
    assert tree_hashes(returns) == before


def _mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    return r.returncode == 0


@pytest.fixture
def tiny_disk(tmp_path):
    mnt = tmp_path / "u盘"
    if not _mount_tmpfs(mnt, "size=64k"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


@pytest.fixture
def read_only_disk(tmp_path):
    mnt = tmp_path / "只读"
    if not _mount_tmpfs(mnt, "size=64k,ro"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_full_disk_for_real(capsys, returns, tiny_disk):
    before = tree_hashes(returns)
    code, _, err = run(capsys, "consolidate", str(returns), "-q", "-o", str(tiny_disk / "汇总.xlsx"))
    assert code == 2 and "汇总.xlsx" in err and "磁盘空间不足" in err
    assert not list(tiny_disk.iterdir())
    code, _, err = run(capsys, "template", "--all", "-o", str(tiny_disk / "模板"))
    assert code == 2 and "磁盘空间不足" in err
    assert not [p for p in tiny_disk.rglob("*") if p.is_file() and p.name.startswith(".~")]
    assert tree_hashes(returns) == before


def test_read_only_disk_for_real(capsys, returns, read_only_disk):
    for argv in (["consolidate", str(returns), "-q", "-o", str(read_only_disk / "汇总.xlsx")],
                 ["check", str(returns), "-q", "--annotate", str(read_only_disk / "标注")],
                 ["demo", str(read_only_disk / "演示")],
                 ["addin", "build", "-o", str(read_only_disk / "质量月.xlam")]):
        code, _, err = run(capsys, *argv)
        assert code == 2 and str(read_only_disk) in err and "只读" in err, (argv, err)


# -- class 4: the wrong kind of input ----------------------------------------------------------------
def test_check_of_things_that_are_not_workbooks(capsys, tmp_path):
    (tmp_path / "readme.txt").write_text("请查收各市报表\n", encoding="utf-8")
    (tmp_path / "说明.pdf").write_bytes(b"%PDF-1.4\n")
    for name, what in (("readme.txt", "纯文本文件"), ("说明.pdf", "PDF")):
        code, out, _ = run(capsys, "check", str(tmp_path / name))
        assert code == 2 and name in out and what in out and "扩展名被改成了" not in out
        assert "不是 Excel 工作簿" in out


def test_consolidate_or_check_given_our_own_output(capsys, summary):
    for cmd in (["check", str(summary)], ["consolidate", str(summary), "-o", str(summary.parent / "再汇总.xlsx")]):
        code, _, err = run(capsys, *cmd)
        assert code == 2 and "汇总.xlsx" in err and "本程序生成的汇总表" in err


def test_score_given_a_return_or_a_summary(capsys, demo_manifest, summary, tmp_path):
    ret = sorted(Path(demo_manifest.out_dir).glob("*.xlsx"))[0]
    code, _, err = run(capsys, "score", str(ret), "-o", str(tmp_path / "r.xlsx"))
    assert code == 2 and ret.name in err
    code, _, err = run(capsys, "score", str(summary), "-o", str(tmp_path / "r.xlsx"))
    assert code == 2 and "汇总.xlsx" in err and "不是评分工作簿" in err
    assert not (tmp_path / "r.xlsx").exists()


# -- class 10: rough edges --------------------------------------------------------------------------
def test_broken_pipe_is_quiet(demo_manifest):
    r = subprocess.run(" ".join([*QM, "check", str(demo_manifest.out_dir), "--jobs", "1"]) + " | head -3",
                       shell=True, capture_output=True, text=True, timeout=300)
    assert len(r.stdout.splitlines()) == 3
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr and "Exception ignored" not in r.stderr


def test_missing_campaign_file_in_chinese(capsys, tmp_path):
    code, _, err = run(capsys, "--campaign", "/nonexistent.toml", "check", str(tmp_path))
    assert code == 2 and "/nonexistent.toml" in err and "不存在" in err and "No such file" not in err
    code, _, err = run(capsys, "--campaign", str(tmp_path), "demo", str(tmp_path / "d"))
    assert code == 2 and "文件夹" in err


def test_demo_with_three_cities_exits_2(capsys, tmp_path):
    from importlib import resources

    text = resources.files("addin.campaign").joinpath("data", "campaign_gx2022.toml").read_text("utf-8")
    head, *cities = text.split("[[cities]]")
    rest = ""
    last = cities[-1]
    i = last.find("\n[")
    if i >= 0 and not last[i:].startswith("\n[[cities"):
        rest, cities[-1] = last[i:], last[:i]
    toml = tmp_path / "三市.toml"
    toml.write_text(head + "".join("[[cities]]" + c for c in cities[:3]) + rest, encoding="utf-8")
    code, _, err = run(capsys, "--campaign", str(toml), "demo", str(tmp_path / "演示"))
    assert code == 2 and "8 个城市" in err
    code, _, err = run(capsys, "--campaign", str(toml), "demo-run", str(tmp_path / "全程"))
    assert code == 2


def test_second_score_with_errors_keeps_the_final_award_list(capsys, tmp_path, summary):
    pytest.importorskip("docgen.award_list")
    from addin.campaign.settings import load_campaign
    from addin.demo.contest import fill_demo_scores

    camp = load_campaign()
    assert main(["template", "--scoring", "--source", str(summary), "-o", str(tmp_path / "评分表.xlsx")]) == 0
    filled = fill_demo_scores(tmp_path / "评分表.xlsx", tmp_path / "已评.xlsx", camp)
    code, _, _ = run(capsys, "score", str(filled), "-o", str(tmp_path / "计分结果.xlsx"), "--date", "2022-10-20")
    final = tmp_path / "获奖名单.docx"
    if code == 1:
        pytest.skip("the demo scores already have errors")
    assert code == 0 and final.is_file()
    kept = sha(final)
    # a judge's score is wiped: the result is a draft
    from openpyxl import load_workbook

    wb = load_workbook(filled)
    ws = wb["评分"]
    row = next(r for r in ws.iter_rows(min_row=2) if isinstance(r[4].value, (int, float)))
    row[4].value = None
    wb.save(tmp_path / "已评2.xlsx")
    code, out, _ = run(capsys, "score", str(tmp_path / "已评2.xlsx"), "-o", str(tmp_path / "计分结果.xlsx"),
                       "--date", "2022-10-20")
    assert code == 1 and sha(final) == kept
    assert (tmp_path / "获奖名单（仅供核对）.docx").is_file() and "仅供核对" in out


def test_full_disk_while_annotating_leaves_no_copy(capsys, demo_manifest, tiny_disk):
    """Annotated copies (about 250 KB each) do not fit on a 64 KB disk: none is left behind."""
    r = subprocess.run([*QM, "check", str(demo_manifest.out_dir), "-q", "--jobs", "1", "--annotate",
                        str(tiny_disk / "标注")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "磁盘空间不足" in r.stderr and "标注" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout and "Exception ignored" not in r.stderr
    assert not [p for p in tiny_disk.rglob("*") if p.is_file()]


def test_a_filled_scoring_workbook_is_never_replaced_by_a_blank_one(tmp_path, capsys):
    """Class 1: `qm template --scoring` may write its blank workbook again (also one carrying the
    source's entries and quiz scores), but never over one in which the judges have typed (the same
    kind of output, yet the judges' work)."""
    from openpyxl import load_workbook

    from addin.contest.workbook import JUDGES, scoring_filename
    from addin.campaign.settings import load_campaign

    book = tmp_path / "评分.xlsx"
    assert run(capsys, "template", "--scoring", "-o", str(book))[0] == 0
    assert run(capsys, "template", "--scoring", "-o", str(book))[0] == 0       # blank: written again
    wb = load_workbook(book)
    wb[JUDGES]["A2"] = "张评委"
    wb.save(book)
    folder = tmp_path / "下发"
    folder.mkdir()
    shutil.copy2(book, folder / scoring_filename(load_campaign()))
    before = tree_hashes(tmp_path)
    for target in (book, folder):
        code, out, err = run(capsys, "template", "--scoring", "-o", str(target))
        assert code == 2 and "评委已经填写" in err and "评分" in err and "Traceback" not in out + err
    assert tree_hashes(tmp_path) == before
