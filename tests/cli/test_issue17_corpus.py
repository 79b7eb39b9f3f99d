"""Issue 17 acceptance: a second red-team corpus of classes 1, 2, 3, 4, 6, 9 and 10, run through
the real ``qm`` (a subprocess per case, as a user runs it).

The cases are new ones (different commands, files and faults from test_issue17_outputs.py,
test_issue17_inputs.py and test_issue17_matrix.py). Every case asserts: the exit code, a Chinese
message naming the file where one is due, no ``Traceback`` (and no crash log) in stdout or stderr,
its inputs byte-identical (SHA-256 before and after), and no partial output or temporary file
(``.~*`` from addin.infra.atomic) anywhere. The inputs are built once for the module from the
demo generator's returns (tests/hygiene_files.py builds the hostile ones at the package level,
never with the code under test); the cases run three at a time to keep the module under ~60 s.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.hostile import rewrite_zip, sheet_member
from tests.hygiene_files import with_active_content, with_stray_cell

QM = [sys.executable, "-m", "addin.cli.main"]
ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
OLE = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def cjk_long(n_bytes: int, unit: str = "南宁市住房和城乡建设局工程质量安全监督站") -> str:
    out = ""
    while len((out + unit).encode()) <= n_bytes:
        out += unit
    return out


# -- building the inputs ------------------------------------------------------------------------------
def _all_sheets(data: bytes, change) -> bytes:
    from workbook_templates.reader import SheetXml

    for title in SheetXml(data).members():
        data = change(data, title)
    return data


def _huge_dimension(data: bytes, title: str) -> bytes:
    member = sheet_member(data, title)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read(member)
    xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml, count=1)
    return rewrite_zip(data, {member: xml})


def _empty_styled_rows(data: bytes, title: str, n: int = 100_000) -> bytes:
    member = sheet_member(data, title)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read(member)
    last = max([int(v) for v in re.findall(rb'<row [^>]*?r="(\d+)"', xml)] or [0])
    rows = b"".join(b'<row r="%d" s="1" customFormat="1" ht="15"/>' % r for r in range(last + 1, last + 1 + n))
    xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:T%d"/>' % (last + n), xml, count=1)
    return rewrite_zip(data, {member: xml.replace(b"</sheetData>", rows + b"</sheetData>")})


def _campaign_variant(path: Path, old: str, new: str) -> Path:
    from importlib import resources

    text = resources.files("addin.campaign").joinpath("data", "campaign_gx2022.toml").read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def _fill(disk: Path, leave: int = 6000) -> None:
    st = os.statvfs(disk)
    (disk / ".filler").write_bytes(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))


@pytest.fixture(scope="module")
def w(tmp_path_factory, demo_manifest):
    """The corpus: good inputs, their hostile variants, and disks that are full or read-only."""
    from addin.cli.main import main

    t0 = time.perf_counter()
    root = tmp_path_factory.mktemp("corpus")
    demo = Path(demo_manifest.out_dir)
    by_city = {f["city"]: demo / f["name"] for f in demo_manifest.files if f["used"]}
    ret = root / "回收"
    ret.mkdir()
    for city in ("南宁市", "北海市"):           # 北海市 (seed 2022) has open non-conforming items: notices
        shutil.copy2(by_city[city], ret / by_city[city].name)
    for photo in demo.iterdir():
        if photo.suffix in (".jpg", ".png") and photo.name.startswith(("南宁-", "北海-")):
            shutil.copy2(photo, ret / photo.name)
    summary = root / "汇总.xlsx"
    assert main(["consolidate", str(ret), "-q", "-o", str(summary)]) == 0
    scoring = root / "评分.xlsx"
    assert main(["template", "--scoring", "--source", str(summary), "-o", str(scoring)]) == 0
    findings = root / "校验结果.xlsx"
    assert main(["check", str(ret), "-q", "--xlsx", str(findings)]) in (0, 1)
    nanning, beihai = ret / by_city["南宁市"].name, ret / by_city["北海市"].name
    one = nanning.read_bytes()
    summ = summary.read_bytes()

    bad = root / "坏"
    bad.mkdir()
    import docx
    import openpyxl

    d = docx.Document()
    d.add_paragraph("一份 Word 文档")
    d.save(bad / "改名的文档.xlsx")
    (bad / "空文件.xlsx").write_bytes(b"")
    (bad / "表格.csv").write_text("城市,工程\n南宁市,某工程\n", encoding="utf-8")
    from msoffcrypto.format.ooxml import OOXMLFile

    for name, plain in (("加密.xlsx", one), ("加密汇总.xlsx", summ)):   # password-protected: a CDFV2 container
        enc = io.BytesIO()
        OOXMLFile(io.BytesIO(plain)).encrypt("Gx2022!", enc)
        (bad / name).write_bytes(enc.getvalue())
    (bad / "老格式.xls").write_bytes(OLE + b"\1" * 1528)                   # BIFF in OLE
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("说明.txt", "不是表格")
    (bad / "压缩包.xlsx").write_bytes(buf.getvalue())
    other = openpyxl.Workbook()
    other.active["A1"] = "别的软件生成的表"
    other.save(bad / "别的工具.xlsx")

    stray = root / "远单元格"
    stray.mkdir()
    (stray / "每张表XFD1048576.xlsx").write_bytes(_all_sheets(one, lambda d_, t: with_stray_cell(d_, t, "XFD1048576", "误")))
    (stray / "每张表大范围.xlsx").write_bytes(_all_sheets(one, _huge_dimension))
    (stray / "十万空行.xlsx").write_bytes(_empty_styled_rows(one, "质量投诉"))
    meta_stray = root / "元数据远单元格"
    meta_stray.mkdir()
    (meta_stray / beihai.name).write_bytes(with_stray_cell(beihai.read_bytes(), "_meta", "XFD1048576", "误"))
    (root / "汇总_远单元格.xlsx").write_bytes(_all_sheets(summ, lambda d_, t: with_stray_cell(d_, t, "XFD1048576", "误")))
    (root / "汇总_大范围.xlsx").write_bytes(_all_sheets(summ, _huge_dimension))
    (root / "汇总_十万空行.xlsx").write_bytes(_empty_styled_rows(_empty_styled_rows(summ, "概况"), "监督抽测"))
    (root / "评分_远单元格.xlsx").write_bytes(_all_sheets(scoring.read_bytes(),
                                                      lambda d_, t: with_stray_cell(d_, t, "XFD1048576", "误")))

    active = {}
    for title in ("基本信息", "质量投诉", "监督抽测"):
        folder = root / f"活动内容_{title}"
        folder.mkdir()
        (folder / beihai.name).write_bytes(with_active_content(beihai.read_bytes(), title))
        active[title] = folder / beihai.name

    # class 3: a return whose file name takes 250 of ext4's 255 bytes, and a city of 90 CJK characters
    longdir = root / "长名"
    longdir.mkdir()
    stem = "2022年质量月活动填报表_北海市_" + cjk_long(230)
    long_return = longdir / f"{stem}.xlsx"
    shutil.copy2(beihai, long_return)
    assert len(long_return.name.encode()) <= 255
    long_city = "崇左市" + "凭祥市宁明县龙州县大新县天等县扶绥县江州区" * 4 + "市"
    long_campaign = _campaign_variant(root / "长城市名.toml", 'name = "崇左市"', f'name = "{long_city}"')

    # class 10: broken campaign files
    camp = root / "设置"
    camp.mkdir()
    (camp / "非UTF8.toml").write_bytes(b"\xff\xfe\x00id = 1")
    _campaign_variant(camp / "年份是文字.toml", "year = 2022", 'year = "二〇二二"')
    _campaign_variant(camp / "联系人不是表.toml", "[contact]", 'contact = "黎浩"\n[contact_old]')
    _campaign_variant(camp / "城市不是列表.toml", "# Another province", 'cities = 5\n# Another province')
    (camp / "半截.toml").write_text('id = "x"\nyear = 2022\n[contact\n', encoding="utf-8")

    # class 1: links to inputs
    (root / "硬链接.xlsx").hardlink_to(nanning)
    (root / "软链接.xlsx").symlink_to(summary)

    # class 2: full and read-only disks, a folder where a file is meant, a file where a folder is meant
    disks = {}
    if os.geteuid() == 0:
        for name in ("满1", "满2", "满3", "满4", "满5", "满6"):
            if _mount_tmpfs(root / name, "size=64k"):
                _fill(root / name)
                disks[name] = root / name
        if _mount_tmpfs(root / "只读", "size=64k,ro"):
            disks["只读"] = root / "只读"
    (root / "是文件夹.docx").mkdir()
    (root / "普通文件").write_text("x", encoding="utf-8")

    many = root / "大批"             # long enough a batch to be interrupted half way
    many.mkdir()
    for k in range(8):
        for city, f in by_city.items():
            shutil.copy2(f, many / f"{k}_{f.name}")

    print(f"corpus built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    world = dict(root=root, many=many, ret=ret, summary=summary, scoring=scoring, findings=findings, nanning=nanning,
                 beihai=beihai, bad=bad, stray=stray, meta_stray=meta_stray, active=active, long_return=long_return,
                 long_city=long_city, long_campaign=long_campaign, camp=camp, disks=disks)
    yield world
    for disk in disks.values():
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


# -- the cases ---------------------------------------------------------------------------------------
@dataclass
class Case:
    id: str
    argv: list[str]
    codes: tuple[int, ...] = (2,)
    names: tuple[str, ...] = ()              # each must appear in stderr (file names, causes)
    inputs: tuple[str, ...] = ()             # world keys or paths whose bytes must not change
    absent: tuple[str, ...] = ()             # paths that must not exist afterwards (no partial output)
    cwd: str | None = None
    pipe_head: bool = False                  # `qm … | head -1`
    interrupt_after: float | None = None     # SIGINT to the process group after so many seconds
    needs: str | None = None                 # a disk from w["disks"]
    then: object = None                      # extra check: callable(world, result)
    before: object = None                    # set-up right before the run: callable(world)


@dataclass
class Result:
    code: int
    out: str
    err: str
    hashes_before: dict = field(default_factory=dict)
    hashes_after: dict = field(default_factory=dict)
    seconds: float = 0.0


def P(w, spec: str) -> str:
    """``{key}`` and ``{key}/rest`` in a case's argument: a path from the corpus."""
    def repl(m):
        value = w[m.group(1)]
        return str(value)
    return re.sub(r"\{(\w+)\}", repl, spec)


def _active_clean(path: Path) -> list[str]:
    """What in an output workbook could reach outside it (empty when clean)."""
    bad = []
    with zipfile.ZipFile(path) as zf:
        for n in zf.namelist():
            if re.search(r"externalLink|vbaProject|embeddings/|oleObject|activeX", n):
                bad.append(n)
            if n.endswith((".xml", ".rels")):
                x = zf.read(n)
                if re.search(rb'Target="(?:file:|\\\\)', x) or b"203.0.113.5" in x:
                    bad.append(f"{n}: link outside")
                if re.search(rb"<f>[^<]*(?:\||\[\d+\])", x):
                    bad.append(f"{n}: DDE or external formula")
    return bad


def cases(w) -> list[Case]:
    r, d = w["root"], w["disks"]
    out = r / "出"
    long_city_bytes = len(w["long_city"].encode())
    cs: list[Case] = []

    # class 1: an output may destroy an input (or a file of another kind)
    cs += [
        Case("1-check-xlsx-over-summary", ["check", "{ret}", "-q", "--xlsx", "{summary}"],
             names=("汇总.xlsx", "汇总表"), inputs=("ret", "summary")),
        Case("1-consolidate-over-scoring", ["consolidate", "{ret}", "-q", "-o", "{scoring}"],
             names=("评分.xlsx", "评分工作簿"), inputs=("ret", "scoring")),
        Case("1-consolidate-over-findings", ["consolidate", "{ret}", "-q", "-o", "{findings}"],
             names=("校验结果.xlsx",), inputs=("ret", "findings")),
        Case("1-template-over-filled-returns", ["template", "--all", "-o", "{ret}"],
             names=("填报表",), inputs=("ret",)),
        Case("1-demo-over-real-returns", ["demo", "{ret}"], names=("填报表", "回收"), inputs=("ret",)),
        Case("1-hard-link-of-a-return", ["check", "{ret}", "-q", "--xlsx", str(r / "硬链接.xlsx")],
             names=("硬链接.xlsx",), inputs=("ret",)),
        Case("1-symlink-to-the-summary", ["track", "{summary}", "-o", str(r / "软链接.xlsx")],
             names=("软链接.xlsx", "输入"), inputs=("summary",)),
        Case("1-score-onto-itself-other-spelling", ["score", "{scoring}", "-o", str(r / "出" / ".." / "评分.xlsx")],
             names=("评分.xlsx",), inputs=("scoring",)),
        Case("1-scoring-template-onto-its-source", ["template", "--scoring", "--source", "{summary}", "-o", "{summary}"],
             names=("汇总.xlsx",), inputs=("summary",)),
        Case("1-blank-template-twice-is-fine", ["template", "--city", "南宁市", "-o", str(out / "模板")], codes=(0,),
             before=lambda w_: subprocess.run([*QM, "template", "--city", "南宁市", "-o", str(out / "模板")],
                                             capture_output=True, env=ENV, cwd=ROOT, check=True)),
    ]

    # class 2: file-system faults
    cs += [
        Case("2-full-disk-notices", ["notices", "{summary}", "-o", str(r / "满1" / "通知")], needs="满1",
             names=("满1", "磁盘空间不足"), inputs=("summary",), absent=(str(r / "满1" / "通知"),)),
        Case("2-full-disk-track", ["track", "{summary}", "-o", str(r / "满2" / "跟踪.xlsx")], needs="满2",
             names=("跟踪.xlsx", "磁盘空间不足"), inputs=("summary",), absent=(str(r / "满2" / "跟踪.xlsx"),)),
        Case("2-full-disk-remind", ["remind", "{ret}", "-o", str(r / "满3" / "催报"), "--as-of", "2022-10-12"],
             needs="满3", names=("满3", "磁盘空间不足"), inputs=("ret",), absent=(str(r / "满3" / "催报"),)),
        Case("2-full-disk-lite", ["addin", "lite", "-o", str(r / "满4" / "lite")], needs="满4",
             names=("满4", "磁盘空间不足"), absent=(str(r / "满4" / "lite"),)),
        Case("2-full-disk-letters", ["track", "{summary}", "-o", str(out / "督办跟踪.xlsx"), "--as-of", "2022-12-30",
                                     "--letters", str(r / "满5" / "督办")], needs="满5",
             names=("满5", "磁盘空间不足"), inputs=("summary",),
             absent=(str(r / "满5" / "督办"), str(out / "督办跟踪.xlsx"))),
        Case("2-full-disk-template", ["template", "--city", "南宁市", "--city", "北海市", "-o", str(r / "满6" / "模板")],
             needs="满6", names=("满6", "磁盘空间不足"), absent=(str(r / "满6" / "模板"),)),
        Case("2-read-only-score", ["score", "{scoring}", "-o", str(r / "只读" / "计分.xlsx")], needs="只读",
             names=("只读", "计分.xlsx"), inputs=("scoring",)),
        Case("2-destination-is-a-folder", ["rewards", "{summary}", "-o", str(r / "是文件夹.docx")],
             names=("是文件夹.docx", "文件夹"), inputs=("summary",)),
        Case("2-file-where-a-folder-is-meant", ["track", "{summary}", "-o", str(out / "t.xlsx"),
                                                "--letters", str(r / "普通文件")],
             names=("普通文件",), inputs=("summary",), absent=(str(out / "t.xlsx"),)),
        Case("2-path-through-a-file", ["exposure", "{summary}", "--draft", "-o", str(r / "汇总.xlsx" / "曝光.docx")],
             names=("汇总.xlsx", "不是文件夹"), inputs=("summary",)),
        Case("2-path-through-a-return", ["check", "{ret}", "-q", "--annotate", "{nanning}/标注"],
             names=("不是文件夹",), inputs=("ret",)),
    ]

    # class 3: names too long
    def annotated_fits(w_, res):
        made = list((out / "长名标注").glob("*.xlsx"))
        assert made, res.err
        assert all(len(p.name.encode()) <= 255 for p in made)

    def long_city_template(w_, res):
        made = sorted((out / "长城市").glob("*.xlsx"))
        assert len(made) == 2 and all(len(p.name.encode()) <= 255 for p in made)
        assert any("崇左市凭祥市" in p.name and "～" in p.name for p in made)   # cut with a stable tag

    def numbered_copy_fits(w_, res):
        made = [p.name for p in (out / "长名通知").iterdir()]
        assert any("已编号" in n or "～" in n for n in made if n.endswith(".xlsx") and "登记表" not in n), made
        assert all(len(n.encode()) <= 255 for n in made)

    def letters_fit(w_, res):
        made = [p.name for p in (out / "长城市催报").iterdir()]
        assert made and all(len(n.encode()) <= 255 for n in made)

    cs += [
        Case("3-annotated-copy-of-a-long-named-return", ["check", "{long_return}", "-q", "--annotate", str(out / "长名标注")],
             codes=(0, 1), inputs=("long_return",), then=annotated_fits),
        Case("3-template-for-a-long-city-name", ["--campaign", "{long_campaign}", "template", "--city", "451400",
                                                 "--city", "南宁市", "-o", str(out / "长城市")],
             codes=(0,), then=long_city_template),
        Case("3-numbered-copy-of-a-long-named-return", ["notices", "{long_return}", "-o", str(out / "长名通知"),
                                                        "--date", "2022-10-14"],
             codes=(0,), inputs=("long_return",), then=numbered_copy_fits),
        Case("3-reminders-for-a-long-city-name", ["--campaign", "{long_campaign}", "remind", "{ret}",
                                                  "-o", str(out / "长城市催报"), "--as-of", "2022-10-12"],
             codes=(0,), inputs=("ret",), then=letters_fit),
        Case("3-output-path-beyond-4096-bytes", ["report", "{summary}", "-o",
                                                 str(r / "/".join(["很深的目录" * 10] * 30) / "报告.docx")],
             names=("路径过长",), inputs=("summary",), absent=(str(r / ("很深的目录" * 10)),)),
        Case("3-output-name-of-260-bytes", ["rewards", "{summary}", "-o", str(out / ("很" * 90 + ".docx"))],
             names=("过长", "字节"), inputs=("summary",)),
    ]
    assert long_city_bytes > 255

    # class 4: the wrong kind of input, for every reading command
    b = w["bad"]
    cs += [
        Case("4-notices-empty-file", ["notices", str(b / "空文件.xlsx"), "-o", str(out / "n4")],
             names=("空文件.xlsx",), absent=(str(out / "n4"),)),
        Case("4-track-renamed-docx", ["track", str(b / "改名的文档.xlsx"), "-o", str(out / "t4.xlsx")],
             names=("改名的文档.xlsx",), absent=(str(out / "t4.xlsx"),)),
        Case("4-rewards-csv", ["rewards", str(b / "表格.csv"), "-o", str(out / "w4.docx")],
             names=("表格.csv",), absent=(str(out / "w4.docx"),)),
        Case("4-city-report-encrypted", ["report", "--city", str(b / "加密.xlsx"), "-o", str(out / "r4.docx")],
             names=("加密.xlsx", "密码"), absent=(str(out / "r4.docx"),)),
        Case("4-report-encrypted-summary", ["report", str(b / "加密汇总.xlsx"), "-o", str(out / "r4e.docx")],
             names=("加密汇总.xlsx", "密码"), absent=(str(out / "r4e.docx"),)),
        Case("4-exposure-xls", ["exposure", str(b / "老格式.xls"), "-o", str(out / "e4.docx")],
             names=("老格式.xls",), absent=(str(out / "e4.docx"),)),
        Case("4-score-plain-zip", ["score", str(b / "压缩包.xlsx"), "-o", str(out / "s4.xlsx")],
             names=("压缩包.xlsx",), absent=(str(out / "s4.xlsx"),)),
        Case("4-scoring-source-of-another-tool", ["template", "--scoring", "--source", str(b / "别的工具.xlsx"),
                                                  "-o", str(out / "sc4.xlsx")],
             names=("别的工具.xlsx",), absent=(str(out / "sc4.xlsx"),)),
        Case("4-city-report-given-the-summary", ["report", "--city", "{summary}", "-o", str(out / "r4b.docx")],
             names=("汇总.xlsx", "汇总表"), inputs=("summary",), absent=(str(out / "r4b.docx"),)),
        Case("4-notices-given-findings", ["notices", "{findings}", "-o", str(out / "n4b")],
             names=("校验结果.xlsx",), inputs=("findings",), absent=(str(out / "n4b"),)),
        Case("4-rewards-given-a-return", ["rewards", "{nanning}", "-o", str(out / "w4b.docx")],
             names=("填报表",), inputs=("nanning",), absent=(str(out / "w4b.docx"),)),
        Case("4-report-given-the-scoring-workbook", ["report", "{scoring}", "-o", str(out / "r4c.docx")],
             names=("评分.xlsx",), inputs=("scoring",), absent=(str(out / "r4c.docx"),)),
        Case("4-check-a-folder-of-wrong-kinds", ["check", "{bad}"],
             names=("空文件.xlsx", "加密.xlsx", "改名的文档.xlsx", "压缩包.xlsx"), inputs=("bad",)),
    ]

    # class 6: stray cells, huge dimensions, 100k empty styled rows: read by the cells really there
    cs += [
        Case("6-check-stray-in-every-sheet", ["check", "{stray}", "-q"], codes=(0, 1), inputs=("stray",),
             then=lambda w_, res: _read_all(res, 3)),
        Case("6-consolidate-stray-and-dimensions", ["consolidate", "{stray}", "-q", "-o", str(out / "s6.xlsx")],
             codes=(0, 1, 2), inputs=("stray",), then=lambda w_, res: _read_all(res, 3)),
        Case("6-notices-stray-in-meta", ["notices", "{meta_stray}/" + w["beihai"].name, "-o", str(out / "n6"),
                                         "--date", "2022-10-14"], codes=(0,), inputs=("meta_stray",)),
        Case("6-report-summary-stray", ["report", str(r / "汇总_远单元格.xlsx"), "-o", str(out / "r6.docx")],
             codes=(0,)),
        Case("6-track-summary-stray", ["track", str(r / "汇总_远单元格.xlsx"), "-o", str(out / "t6.xlsx")], codes=(0,)),
        Case("6-rewards-summary-dimension", ["rewards", str(r / "汇总_大范围.xlsx"), "-o", str(out / "w6.docx")],
             codes=(0,)),
        Case("6-exposure-summary-empty-rows", ["exposure", str(r / "汇总_十万空行.xlsx"), "--draft",
                                               "-o", str(out / "e6.docx")], codes=(0,)),
        Case("6-score-stray", ["score", str(r / "评分_远单元格.xlsx"), "-o", str(out / "计分6.xlsx")], codes=(0, 1)),
    ]

    # class 9: no active content from a return in any output that copies from it
    def clean(*paths):
        def check(w_, res):
            for p in paths:
                files = [Path(p)] if str(p).endswith(".xlsx") else sorted(Path(p).glob("*.xlsx"))
                assert files, f"no output in {p}: {res.err}"
                for f in files:
                    assert _active_clean(f) == [], (f.name, _active_clean(f))
        return check

    a = w["active"]
    cs += [
        Case("9-annotated-copy-active-in-basic-info", ["check", str(a["基本信息"].parent), "-q",
                                                       "--annotate", str(out / "标注9a")],
             codes=(0, 1), then=clean(out / "标注9a")),
        Case("9-annotated-copy-active-in-complaints", ["check", str(a["质量投诉"].parent), "-q",
                                                       "--annotate", str(out / "标注9b")],
             codes=(0, 1), then=clean(out / "标注9b")),
        Case("9-numbered-copy-of-a-return", ["notices", str(a["监督抽测"]), "-o", str(out / "通知9"),
                                             "--date", "2022-10-14"], codes=(0,), then=clean(out / "通知9")),
        Case("9-summary-and-tracking-from-returns", ["track", str(a["基本信息"].parent), "-o", str(out / "跟踪9.xlsx")],
             codes=(0,), then=clean(out / "跟踪9.xlsx")),
        Case("9-summary-from-returns", ["consolidate", str(a["质量投诉"].parent), "-q", "-o", str(out / "汇总9.xlsx")],
             codes=(0, 1), then=clean(out / "汇总9.xlsx")),
    ]

    # class 10: rough edges
    c = w["camp"]
    cs += [
        Case("10-no-arguments", [], names=("用法",)),
        Case("10-unknown-subcommand", ["汇总"], names=("无效的选择",)),
        Case("10-campaign-not-utf8", ["--campaign", str(c / "非UTF8.toml"), "check", "{ret}"], names=("非UTF8.toml",)),
        Case("10-campaign-year-as-text", ["--campaign", str(c / "年份是文字.toml"), "report", "{summary}",
                                          "-o", str(out / "r10.docx")], names=("年份是文字.toml", "year"),
             absent=(str(out / "r10.docx"),)),
        Case("10-campaign-table-as-text", ["--campaign", str(c / "联系人不是表.toml"), "template", "--all",
                                           "-o", str(out / "t10")], names=("联系人不是表.toml", "contact"),
             absent=(str(out / "t10"),)),
        Case("10-campaign-cities-as-number", ["--campaign", str(c / "城市不是列表.toml"), "remind", "{ret}",
                                              "-o", str(out / "rem10")], names=("城市不是列表.toml",),
             absent=(str(out / "rem10"),)),
        Case("10-campaign-broken-toml", ["--campaign", str(c / "半截.toml"), "score", "{scoring}"],
             names=("半截.toml", "TOML")),
        Case("10-campaign-is-a-workbook", ["--campaign", "{summary}", "track", "{summary}", "-o", str(out / "t10b.xlsx")],
             names=("汇总.xlsx",), inputs=("summary",), absent=(str(out / "t10b.xlsx"),)),
        Case("10-sigint-mid-batch", ["consolidate", "{many}", "--jobs", "1", "-o", str(out / "中断" / "汇总.xlsx")],
             codes=(130,), names=("中断",), inputs=("many",), absent=(str(out / "中断"),), interrupt_after=3.0),
        Case("10-sigint-mid-check-annotate", ["check", "{many}", "--jobs", "1", "--annotate", str(out / "中断标注"),
                                              "--xlsx", str(out / "中断校验.xlsx")],
             codes=(130,), names=("中断",), inputs=("many",), absent=(str(out / "中断标注"), str(out / "中断校验.xlsx")),
             interrupt_after=3.0),
        Case("10-sigint-templates", ["template", "--all", "-o", str(out / "中断模板")], codes=(130,), names=("中断",),
             absent=(str(out / "中断模板"),), interrupt_after=3.0),
    ]
    for i, argv in enumerate((["check", "{ret}", "-v"], ["consolidate", "{ret}", "-o", str(out / "h.xlsx")],
                              ["remind", "{ret}", "-o", str(out / "h-remind"), "--as-of", "2022-10-12"],
                              ["report", "{summary}", "-o", str(out / "h-report.docx")],
                              ["--help"], ["check", str(w["bad"])])):
        cs.append(Case(f"10-head-1-{i}-{argv[0].strip('-')}", argv, codes=(0, 1, 2, 141), pipe_head=True))
    return cs


def _read_all(res: Result, n: int) -> None:
    assert f"读取 {n} 个，拒收 0 个" in res.out + res.err, res.out + res.err
    assert "memory allocation" not in res.err


def _paths(w, keys) -> list[Path]:
    out = []
    for k in keys:
        p = Path(w[k]) if k in w else Path(P(w, k))
        out += sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
    return out


def _run(w, case: Case) -> Result:
    if case.needs and case.needs not in w["disks"]:
        return Result(-1, "", "skipped: no tmpfs")
    if case.before:
        case.before(w)
    started = time.perf_counter()
    ins = _paths(w, case.inputs)
    before = {str(p): sha(p) for p in ins}
    argv = [*QM, *[P(w, a) for a in case.argv]]
    if case.pipe_head:
        cmd = " ".join(subprocess.list2cmdline([a]) if False else _q(a) for a in argv)
        proc = subprocess.run(["bash", "-c", f"{cmd} | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}"],
                              capture_output=True, text=True, env=ENV, cwd=case.cwd or ROOT, timeout=300)
        res = Result(proc.returncode, proc.stdout, proc.stderr)
    elif case.interrupt_after is not None:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                                cwd=case.cwd or ROOT, start_new_session=True)
        time.sleep(case.interrupt_after)
        os.killpg(proc.pid, signal.SIGINT)          # Ctrl-C reaches the whole foreground group
        o, e = proc.communicate(timeout=120)
        res = Result(proc.returncode, o, e)
    else:
        proc = subprocess.run(argv, capture_output=True, text=True, env=ENV, cwd=case.cwd or ROOT, timeout=300)
        res = Result(proc.returncode, proc.stdout, proc.stderr)
    res.seconds = time.perf_counter() - started
    res.hashes_before = before
    res.hashes_after = {str(p): sha(p) if p.exists() else None for p in ins}
    return res


def _q(a: str) -> str:
    return "'" + a.replace("'", "'\\''") + "'"


@pytest.fixture(scope="module")
def results(w):
    all_cases = cases(w)
    ordered = [c for c in all_cases if c.interrupt_after is None] + [c for c in all_cases if c.interrupt_after]
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {c.id: pool.submit(_run, w, c) for c in ordered if c.interrupt_after is None}
        done = {k: f.result() for k, f in futures.items()}
    for c in ordered:                      # the interrupted runs alone: their timing must not depend on load
        if c.interrupt_after is not None:
            done[c.id] = _run(w, c)
    if os.environ.get("QM_CORPUS_TIMES"):
        for c in sorted(all_cases, key=lambda c: -done[c.id].seconds):
            print(f"{done[c.id].seconds:6.1f} s  {c.id}", file=sys.stderr)
    return {c.id: (c, done[c.id]) for c in all_cases}


def _case_ids() -> list[str]:
    class _Stub(dict):
        def __missing__(self, key):
            return Path("/stub") / key
    stub = _Stub(root=Path("/stub"), disks={}, active={"基本信息": Path("/s/a"), "质量投诉": Path("/s/b"),
                                                       "监督抽测": Path("/s/c")},
                 beihai=Path("/s/北海.xlsx"), long_city="崇左市" + "凭" * 100, bad=Path("/stub/bad"),
                 ret=Path("/stub/ret"), many=Path("/stub/many"), camp=Path("/stub/camp"), stray=Path("/stub/stray"))
    return [c.id for c in cases(stub)]


@pytest.mark.parametrize("case_id", _case_ids())
def test_corpus_case(results, case_id):
    case, res = results[case_id]
    if res.code == -1:
        pytest.skip(res.err)
    text = res.out + res.err
    assert "Traceback" not in text, text
    assert "程序内部出错" not in text, text         # a crash log means an untranslated exception
    assert "Exception ignored" not in text, text
    assert res.code in case.codes, (case.argv, res.code, text[-2000:])
    for name in case.names:
        assert name in text, (name, text[-2000:])
    if res.code == 2 and case.names:
        assert re.search(r"[\u4e00-\u9fff]", text), text      # the message is Chinese
    assert res.hashes_after == res.hashes_before, "an input was changed"
    for p in case.absent:
        assert not Path(p).exists(), f"partial output left: {p}"
    if case.then:
        case.then(None, res)


def test_no_temporary_files_anywhere(results, w):
    left = [p for p in Path(w["root"]).rglob("*") if p.name.startswith(".~") or p.suffix == ".tmp"]
    assert left == []
    for name, disk in w["disks"].items():
        if name.startswith("满"):
            assert sorted(p.name for p in disk.iterdir()) == [".filler"], (name, list(disk.iterdir()))


# -- class 2: permission denied on read (root reads everything: the fault is injected) -----------------
@pytest.mark.parametrize("argv", [
    ["report", "{summary}", "-o", "{out}/r.docx"],
    ["rewards", "{summary}", "-o", "{out}/w.docx"],
    ["score", "{scoring}", "-o", "{out}/s.xlsx"],
    ["--campaign", "{toml}", "check", "{summary}"],
    ["report", "--city", "{nanning}", "-o", "{out}/c.docx"],
], ids=["report", "rewards", "score", "campaign", "city-report"])
def test_permission_denied_on_read_is_chinese(w, tmp_path, monkeypatch, capsys, argv):
    import pathlib

    from addin.cli.main import main

    toml = _campaign_variant(tmp_path / "设置.toml", "year = 2022", "year = 2022")
    paths = {"summary": str(w["summary"]), "scoring": str(w["scoring"]), "nanning": str(w["nanning"]),
             "toml": str(toml), "out": str(tmp_path / "出")}
    argv = [a.format(**paths) for a in argv]
    locked = {argv[1] if argv[0] != "report" or argv[1] != "--city" else argv[2]}
    if argv[0] == "--campaign":
        locked = {argv[1]}
    before = {p: sha(Path(p)) for p in locked}
    real_bytes, real_text = pathlib.Path.read_bytes, pathlib.Path.read_text

    def deny(self, *a, **k):
        if str(self) in locked:
            raise PermissionError(13, "Permission denied", str(self))
        return (real_bytes if not a and not k else real_text)(self, *a, **k)

    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: deny(self))
    monkeypatch.setattr(pathlib.Path, "read_text", lambda self, *a, **k: deny(self, *a or ("utf-8",), **k))
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    monkeypatch.undo()
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "程序内部出错" not in err, err
    assert code == 2, (argv, out, err)
    assert Path(next(iter(locked))).name in err and "Permission denied" not in err, err
    assert "没有读取权限" in err, err
    assert {p: sha(Path(p)) for p in locked} == before
    assert not (tmp_path / "出").exists()


def test_score_twice_keeps_results_and_never_invents_a_final_list(w, tmp_path):
    """Class 10: `qm score` run twice on the same (unscored) workbook: the same exit code and the
    same results both times; only the list marked 仅供核对 is written, never 获奖名单.docx."""
    out = tmp_path / "计分结果.xlsx"
    runs = [subprocess.run([*QM, "score", str(w["scoring"]), "-o", str(out)], capture_output=True, text=True,
                           env=ENV, cwd=ROOT, timeout=300) for _ in range(2)]
    for r in runs:
        assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr, r.stderr
    assert runs[0].stderr == runs[1].stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "获奖名单.docx" not in names and any("仅供核对" in n for n in names), names
