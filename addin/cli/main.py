"""`qm`: the command-line face of 质量月助手. It adapts arguments and output; the work is elsewhere."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from addin.cli.common import campaign_from_args
from addin.core.errors import QmError

_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "expected one argument": "需要一个参数值",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "必须提供参数 %s 之一",
}


def _zh(text: str) -> str:
    return _ARGPARSE_ZH.get(text, text)


argparse._ = _zh  # argparse looks its messages up through this name at run time


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # exit code 2 = bad usage
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")


# -- qm template ------------------------------------------------------------------
def cmd_template(args) -> int:
    from workbook_templates.builder import workbook_filename, write_templates

    from addin.infra.paths import Output, guard

    camp = campaign_from_args(args)
    out = Path(args.output)
    if args.source and not args.scoring:
        raise QmError(f"--source（作品来源汇总表“{args.source}”）只用于 --scoring（生成评分工作簿）")
    if args.all:
        cities = list(camp.cities)
    elif args.city:
        cities = []
        for name in args.city:
            city = camp.city_by_name(name) or camp.city_by_code(name)
            if not city:
                print(f"错误：活动设置中没有城市“{name}”。可选：{'、'.join(c.name for c in camp.cities)}", file=sys.stderr)
                return 2
            cities.append(city)
    else:
        cities = []
    if args.quiz_bank:
        from addin.contest.quizbank import bank_filename, write_bank

        as_file = out.suffix.lower() == ".xlsx"
        guard([], [Output(out, "题库工作簿", (".xlsx",)) if as_file else Output(out, "输出目录", folder=True),
                   None if as_file else Output(out / bank_filename(camp), "题库工作簿", (".xlsx",))])
        path = write_bank(out if as_file else out / bank_filename(camp), camp)
        print(f"已生成知识竞赛题库：{path}")
        return 0
    if args.scoring:
        from addin.contest.workbook import scoring_filename
        from addin.usecases import is_blank_scoring

        as_file = out.suffix.lower() == ".xlsx"      # a filled scoring workbook is never replaced by a blank one
        target = out if as_file else out / scoring_filename(camp)
        guard([args.source] if args.source else [],
              [None if as_file else Output(out, "输出目录", folder=True),
               Output(target, "评分工作簿", (".xlsx",), kind="评分工作簿", replaceable=is_blank_scoring)])
    else:
        from addin.usecases import is_blank_return

        # a filled return already in the folder is never replaced by a blank template
        targets = tuple(out / workbook_filename(camp, c) for c in [*cities, *([None] if args.generic or not cities else [])])
        guard([], [Output(out, "输出目录", folder=True, files=targets, replaceable=is_blank_return)])
    if args.scoring:
        from addin.contest.workbook import write_scoring_template

        path = write_scoring_template(camp, out, source=args.source)
        print(f"已生成评分工作簿：{path}")
        return 0
    start = time.perf_counter()
    paths = _all_or_nothing(lambda: write_templates(camp, out, cities, generic=args.generic or not cities),
                            [out / workbook_filename(camp, c) for c in [*cities, None]])
    for p in paths:
        print(f"已生成：{p}")
    print(f"共 {len(paths)} 个工作簿，用时 {time.perf_counter() - start:.1f} 秒")
    return 0


def _all_or_nothing(write, targets: list[Path]):
    """Run ``write`` (several files); if it fails, remove the files it created and every temporary
    file left by its killed workers, so a failed run leaves the folder as it was (old files stay)."""
    from addin.infra.atomic import remove_stale_temporaries

    existed = {t for t in targets if t.exists()}
    try:
        return write()
    except BaseException:
        for t in targets:
            remove_stale_temporaries(t)
            if t not in existed:
                t.unlink(missing_ok=True)
        raise


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="qm",
        description="质量月助手：生成标准填报工作簿，校验、汇总各市报送的工作簿，生成公文。",
        epilog="示例：qm template --all -o 下发模板；qm check 回收/；qm consolidate 回收/ -o 汇总.xlsx",
    )
    p.add_argument("--campaign", metavar="文件", help="活动设置文件（TOML），默认使用内置的广西2022年设置")
    sub = p.add_subparsers(dest="command", metavar="<命令>", title="命令（qm <命令> --help 查看各命令的说明）", parser_class=_Parser)

    t = sub.add_parser("template", help="生成标准填报工作簿", description="按填报规范生成各市的标准填报工作簿。")
    g = t.add_mutually_exclusive_group()
    g.add_argument("--city", action="append", metavar="城市", help="只生成指定城市（名称或行政区划代码，可重复）")
    g.add_argument("--all", action="store_true", help="生成全部城市")
    t.add_argument("--generic", action="store_true", help="同时生成通用空白表（城市由填报人选择）")
    t.add_argument("--scoring", action="store_true", help="生成微视频评比和知识竞赛的评分工作簿")
    t.add_argument("--quiz-bank", action="store_true", help="生成知识竞赛题库工作簿（含内置题库，可增删改）")
    t.add_argument("--source", metavar="汇总表", help="评分工作簿的作品来源（qm consolidate 生成的汇总表）")
    t.add_argument("-o", "--output", metavar="目录", default=".", help="输出目录（默认当前目录）")
    t.set_defaults(func=cmd_template)

    for register in _REGISTRARS:
        register(sub)
    return p


# Other modules add their subcommands here (check, consolidate, demo, report, ...).
_REGISTRARS: list = []


def _load_registrars() -> None:
    import importlib

    if _REGISTRARS:
        return

    for name in ("addin.cli.check", "addin.cli.consolidate", "addin.cli.demo", "addin.cli.docs",
                 "addin.cli.score", "addin.cli.addin_cmd", "addin.cli.pipeline", "addin.cli.track",
                 "addin.cli.quiz"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        _REGISTRARS.append(module.register)


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:         # `qm check … | head -3`: the reader has gone; stop quietly
        _silence_stdout()
        return 141


def _main(argv: list[str] | None = None) -> int:
    _load_registrars()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from addin.infra.atomic import transaction, wrapped_oserror

    try:
        with transaction():     # a command that fails leaves no partial output behind
            return int(args.func(args) or 0)
    except QmError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断（Ctrl-C）：本次未完成的输出已删除，输入文件未改动", file=sys.stderr)
        return 130
    except BrokenPipeError:
        raise
    except Exception as exc:
        inner = wrapped_oserror(exc)    # a file-system fault no output layer translated, maybe inside a library's error
        if inner is not None:
            print(f"错误：{_oserror_text(inner)}", file=sys.stderr)
            return 2
        # a bug: the traceback goes to a log file, never to the terminal
        log = write_crash_log(argv)
        print(f"错误：程序内部出错，未能完成。详细信息已写入 {log}，请将该文件反馈给技术支持。", file=sys.stderr)
        return 2


def _oserror_text(exc: OSError) -> str:
    """“无法完成：“path”：cause” naming the file concerned, or the command's output when the
    system did not say which file."""
    from addin.infra.atomic import quiet_zip_cleanup
    from addin.infra.journal import current_outputs
    from addin.infra.paths import oserror_cause

    quiet_zip_cleanup()
    if exc.filename:
        return f"无法完成：“{exc.filename}”：{oserror_cause(exc)}"
    outs = current_outputs()
    if outs:
        return f"无法写入“{outs[0]}”：{oserror_cause(exc)}"
    return f"无法完成：{oserror_cause(exc)}"


def _silence_stdout() -> None:
    """Point stdout at the null device so that the interpreter's last flush does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def write_crash_log(argv: list[str] | None) -> Path:
    """The current exception's traceback, with the command line, in a new file under the
    system's temporary folder; returns its path."""
    import tempfile
    import traceback

    stamp = time.strftime("%Y%m%d-%H%M%S")
    fd, name = tempfile.mkstemp(prefix=f"qm-错误-{stamp}-", suffix=".log")
    with open(fd, "w", encoding="utf-8") as fh:
        fh.write("qm " + " ".join(sys.argv[1:] if argv is None else argv) + "\n\n")
        fh.write(traceback.format_exc())
    return Path(name)


if __name__ == "__main__":
    sys.exit(main())
