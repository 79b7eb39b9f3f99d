"""`qm check`: validate returned workbooks, print findings per file, write results and annotated copies."""
from __future__ import annotations

import functools
import sys
from collections import Counter
from pathlib import Path

from addin.core.findings import ERROR, INFO, REFUSED, WARNING, Finding, count_by_severity, sort_key

UNREADABLE = REFUSED


def check_path(path: Path, campaign, limits=None) -> tuple[Path, list[Finding]]:
    """Worker: validate the file at ``path`` -> (path, findings)."""
    from addin.checks.validate import validate_workbook

    try:
        return path, validate_workbook(path, campaign, limits=limits)
    except Exception as exc:  # a bug must not stop the batch: report the file and go on
        return path, [Finding(code="unreadable-file", file=path.name,
                              message=f"读取或校验时出错（{type(exc).__name__}：{exc}），请将此文件反馈给技术支持")]


def check_failed(path: Path, kind: str, detail: str) -> tuple[Path, list[Finding]]:
    """run_parallel's on_failure for :func:`check_path`: the file's worker timed out, crashed or raised."""
    from addin.consolidate.run import failure_finding

    path = Path(path)
    return path, [failure_finding(path.name, kind, detail)]


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * max(0, w - _width(s))


def print_findings(path: Path | str, findings: list[Finding], out=None, limit: int = 200) -> None:
    """``path``: the file, or the name to show (with its sub-folders)."""
    out = out or sys.stdout
    name = path if isinstance(path, str) else path.name
    counts = count_by_severity(findings)
    if not findings:
        print(f"✔ {name}：未发现问题", file=out)
        return
    if any(f.code in UNREADABLE for f in findings):
        f = findings[0]
        print(f"✘ {name}：{f.message}", file=out)
        return
    print(f"▶ {name}：错误 {counts[ERROR]} 个，警告 {counts[WARNING]} 个，提示 {counts[INFO]} 个", file=out)
    print("  " + _pad("位置", 22) + _pad("级别", 6) + "说明", file=out)
    for f in sorted(findings, key=sort_key)[:limit]:
        where = f"{f.sheet}!{f.cell}" if f.cell else (f.sheet or "—")
        basis = f"［{f.basis}］" if f.basis else ""
        print("  " + _pad(where, 22) + _pad(f.severity, 6) + f.message + basis, file=out)
    if len(findings) > limit:
        print(f"  ……另有 {len(findings) - limit} 条，完整清单请用 --xlsx 输出", file=out)


def cmd_check(args) -> int:
    from dataclasses import replace

    from addin.checks.annotate import write_findings_xlsx
    from addin.cli.common import campaign_from_args, limit
    from addin.infra.batch import collect_verbose, run_parallel
    from addin.infra.paths import Output, guard

    campaign = campaign_from_args(args)
    found = collect_verbose(args.paths, getattr(args, "verbose", False))
    files = found.files
    # before any work: no output may be an input or replace a folder or a file of another kind
    guard([*args.paths, *files],
          [Output(Path(args.xlsx), "校验结果工作簿", (".xlsx",), kind="校验结果") if args.xlsx else None,
           Output(Path(args.annotate), "标注副本目录", folder=True) if args.annotate else None])
    if not files:
        print("错误：没有找到要校验的 Excel 文件", file=sys.stderr)
        return 2
    checker = functools.partial(check_path, campaign=campaign, limits=limits_from(args))   # sent once per worker
    results = list(run_parallel(checker, files, jobs=args.jobs,
                                label="校验", progress=None if not args.quiet else False,
                                timeout=limit(args.timeout), on_failure=check_failed,
                                memory_mb=limit(args.worker_mb)))
    # a return in a sub-folder is named with its sub-folder, so that two of the same name stay apart
    results = [(p, [replace(f, file=found.name(p)) if f.file == Path(p).name else f for f in fs])
               for p, fs in results]
    all_findings: list[Finding] = []
    unreadable = bool(found.problems)        # a named path that is not there or cannot be read
    for path, findings in results:
        if not args.quiet:
            print_findings(found.name(path), findings)
        all_findings.extend(findings)
        unreadable |= any(f.code in UNREADABLE for f in findings)
    counts = count_by_severity(all_findings)
    by_code = Counter(f.name for f in all_findings)
    print()
    refused = sum(1 for _, fs in results if any(f.code in REFUSED for f in fs))
    problems = sum(1 for _, fs in results if not any(f.code in REFUSED for f in fs)
                   and any(f.severity in (ERROR, WARNING) for f in fs))
    print(batch_summary(len(files), refused, problems))
    print(f"问题合计：错误 {counts[ERROR]} 个，警告 {counts[WARNING]} 个，提示 {counts[INFO]} 个")
    if by_code:
        print("问题类型：" + "，".join(f"{k} {v}" for k, v in by_code.most_common()))
    if args.xlsx:
        out = write_findings_xlsx(all_findings, Path(args.xlsx), {found.name(p): p for p in files})
        print(f"校验结果已写入：{out}")
    if args.annotate:
        out_dir = Path(args.annotate)
        inputs = {p.resolve() for p in files}
        written = 0
        created: list[Path] = []            # removed again if a write fails (disk full, stick pulled)
        try:
            written = _annotate_all(results, found, out_dir, inputs, created)
        except BaseException:
            for p in created:
                p.unlink(missing_ok=True)
            raise
        print(f"已在 {out_dir} 写入 {written} 个标注副本（原文件未改动）")
    if unreadable:
        return 2
    return 1 if counts[ERROR] else 0


def _annotate_all(results, found, out_dir: Path, inputs: set[Path], created: list[Path]) -> int:
    """Annotated copies of the files with findings, sub-folders kept; the paths it creates go
    into ``created``. A file openpyxl cannot read is reported and skipped; a write fault raises."""
    from addin.checks.annotate import annotate_copy, annotated_name

    written = 0
    for path, findings in results:
        if findings and not any(f.code in UNREADABLE for f in findings):
            sub = out_dir / Path(found.name(path)).parent        # sub-folders kept
            target = sub / annotated_name(path)
            if target.resolve() in inputs:
                print(f"✘ {found.name(path)}：标注副本会覆盖输入文件 {target}，未写入", file=sys.stderr)
                continue
            existed = target.exists()
            try:
                annotate_copy(path, findings, sub)
                written += 1
                if not existed:
                    created.append(target)
            except ValueError as exc:    # this file only (openpyxl cannot read it); a write fault stops
                print(f"✘ {found.name(path)}：无法写标注副本（{exc}）", file=sys.stderr)
    return written


def register(sub) -> None:
    p = sub.add_parser(
        "check", help="校验报送的工作簿",
        description="校验各市报送的工作簿：格式、必填项、可选值、日期、代码校验位，并按国家标准复核抽测判定。"
                    "退出码：0 无错误，1 有错误，2 有文件无法读取或用法错误。",
    )
    p.add_argument("paths", nargs="+", metavar="路径", help="工作簿文件或目录（目录及其子目录下的 .xlsx 全部校验）")
    p.add_argument("--xlsx", metavar="输出文件", help="把全部问题写入“校验结果”工作簿（含指向单元格的链接）")
    p.add_argument("--annotate", metavar="目录", help="在该目录写入标注副本：问题单元格标色并加批注，原文件不改动")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="并行进程数（默认按 CPU 核数）")
    add_limit_options(p)
    p.add_argument("-q", "--quiet", action="store_true", help="只输出汇总行")
    p.add_argument("-v", "--verbose", action="store_true", help="同时列出忽略的系统文件（._ 开头、.DS_Store、~$ 锁定文件等）")
    p.set_defaults(func=cmd_check)


def batch_summary(total: int, refused: int, with_problems: int) -> str:
    """The closing line of a batch: files read, refused, and read with errors or warnings."""
    read = total - refused
    return (f"共 {total} 个文件：读取 {read} 个，拒收 {refused} 个；读取的文件中 {with_problems} 个有错误或警告，"
            f"{read - with_problems} 个未发现问题")


def limits_from(args):
    """The pre-parse guards from --max-file-mb (workbook_templates.package.Limits)."""
    from dataclasses import replace

    from workbook_templates.package import DEFAULT_LIMITS

    mb = getattr(args, "max_file_mb", None)
    return replace(DEFAULT_LIMITS, max_file_mb=mb) if mb else DEFAULT_LIMITS


def add_limit_options(p) -> None:
    """--timeout, --worker-mb and --max-file-mb (and --rules), shared by `qm check` and `qm consolidate`."""
    from addin.cli.common import add_rules_option
    from addin.infra.batch import DEFAULT_FILE_TIMEOUT, DEFAULT_WORKER_MB
    from workbook_templates.package import DEFAULT_LIMITS

    add_rules_option(p)
    p.add_argument("--max-file-mb", type=float, default=DEFAULT_LIMITS.max_file_mb, metavar="MB",
                   help=f"单个文件的大小上限（MB），超过的文件不读入、记为“文件过大”（默认 {DEFAULT_LIMITS.max_file_mb:g}）")

    p.add_argument("--timeout", type=float, default=DEFAULT_FILE_TIMEOUT, metavar="秒",
                   help=f"单个文件的读取时限（秒），超时的文件记为“读取超时”并跳过（默认 {DEFAULT_FILE_TIMEOUT}；0 表示不限）")
    p.add_argument("--worker-mb", type=int, default=DEFAULT_WORKER_MB, metavar="MB",
                   help=f"每个读取进程的内存上限（MB），超限的文件记为“读取进程异常退出”并跳过（默认 {DEFAULT_WORKER_MB}；0 表示不限）")
