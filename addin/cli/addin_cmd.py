"""`qm addin build` / `qm addin install`: the 质量月 Excel add-in (.xlam)."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def cmd_build(args) -> int:
    from addin.excel.xlam import ADDIN_NAME, BuildError, build_xlam
    from addin.infra.paths import Output, guard

    target = Path(args.output or ADDIN_NAME)
    if target.is_dir():
        target = target / ADDIN_NAME
    guard([], [Output(target, "加载项文件", (".xlam",))])
    try:
        out = build_xlam(target)
    except BuildError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已生成加载项：{out}")
    print("安装：qm addin install（Windows 或 macOS 上的 Excel）；或在 Excel 中“文件 → 选项 → 加载项 → 转到 → 浏览”选择该文件。")
    return 0


def cmd_install(args) -> int:
    from addin.excel.xlam import ADDIN_NAME, BuildError, build_xlam, install, startup_folder

    if args.file:
        from addin.infra.paths import check_input

        check_input(args.file, "加载项文件")
    if startup_folder() is None:
        print("错误：安装加载项需要 Windows 或 macOS 上的 Microsoft Excel，本机不是这两种系统。"
              "可用 qm addin build 生成 质量月.xlam，复制到装有 Excel 的电脑上安装。", file=sys.stderr)
        return 2
    try:
        with tempfile.TemporaryDirectory(prefix="qm-addin-") as tmp:
            source = Path(args.file) if args.file else build_xlam(Path(tmp) / ADDIN_NAME)
            if not source.is_file():
                print(f"错误：加载项文件不存在：{source}", file=sys.stderr)
                return 2
            target, config = install(source, args.python or sys.executable)
    except (BuildError, OSError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已安装加载项：{target}")
    if config:
        print(f"已写入 Python 路径：{config}（{args.python or sys.executable}）")
    print("请重新启动 Excel，功能区将出现“质量月”选项卡。如提示宏已禁用，请在信任中心启用该加载项。")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "addin", help="生成或安装 Excel 加载项（质量月选项卡）",
        description="生成 Excel 加载项 质量月.xlam（功能区“质量月”选项卡：校验本表、生成本市报告、汇总目录、"
                    "生成全区报告、生成整改通知书、竞赛计分），或安装到 Excel 的启动文件夹（XLSTART）。",
    )
    actions = p.add_subparsers(dest="addin_command", metavar="操作", title="操作")
    b = actions.add_parser("build", help="生成 质量月.xlam", description="不需要 Excel：由 macros/ 中的功能区和 VBA 源码生成加载项。")
    b.add_argument("-o", "--output", metavar="文件", default="质量月.xlam", help="输出的加载项文件（默认 质量月.xlam）")
    b.set_defaults(func=cmd_build)
    i = actions.add_parser("install", help="安装到 Excel 启动文件夹（Windows/macOS）",
                           description="生成加载项并复制到 Excel 的启动文件夹（XLSTART），同时把当前 Python 的路径写入加载项的用户设置文件。")
    i.add_argument("--file", metavar="文件", help="安装已生成的加载项文件（默认现场生成）")
    i.add_argument("--python", metavar="路径", help="Excel 调用的 Python 解释器（默认当前 Python）")
    i.set_defaults(func=cmd_install)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
