"""`qm addin build` / `qm addin install`: the 质量月 Excel add-in (.xlam); `qm addin lite`: the
xlwings Lite edition (main.py, requirements.txt and the pure-Python wheel, addin/lite)."""
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
            done = install(source, args.python or sys.executable)
    except (BuildError, OSError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已安装加载项：{done.addin}")
    if done.config:
        print(f"已写入 Python 路径和工作表函数模块（UDF Modules = addin.udfs）：{done.config}"
              f"（{args.python or sys.executable}）")
    if done.applescript:
        print(f"已复制 xlwings 的 AppleScript（macOS 上运行 Python 需要）：{done.applescript}")
    print("请重新启动 Excel，功能区将出现“质量月”选项卡。如提示宏已禁用，请在信任中心启用该加载项。")
    return 0


def cmd_lite(args) -> int:
    from addin.lite.package import write_lite

    from addin.infra.paths import Output, guard

    out = Path(args.output)
    guard([], [Output(out, "xlwings Lite 版输出文件夹", folder=True)])    # before any work
    done = write_lite(out, args.wheel_url)        # a file-system fault: QmError naming the path
    print(f"已生成 xlwings Lite 版：{out}")
    print(f"  {done.main.name}：放入填报工作簿的 xlwings Lite 编辑器（main.py 标签页）")
    print(f"  {done.requirements.name}：放入 requirements.txt 标签页")
    print(f"  {done.wheel.name}：质量月助手程序包（纯 Python）" +
          ("" if args.wheel_url else "；请发布到网站后用 --wheel-url 写入地址，或由填报人员在 xlwings Lite 中导入"))
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "addin", help="生成或安装 Excel 加载项（质量月选项卡）",
        description="生成 Excel 加载项 质量月.xlam（功能区“质量月”选项卡：校验本表、生成本市报告、生成整改通知书、"
                    "汇总目录、生成全区报告、曝光清单、奖励名册、竞赛计分），或安装到 Excel 的启动文件夹（XLSTART）；"
                    "或生成无需安装 Python 的 xlwings Lite 版。",
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
    lite = actions.add_parser(
        "lite", help="生成 xlwings Lite 版（填报电脑无需安装 Python）",
        description="写出 xlwings Lite 版所需文件：main.py（工作表函数 =QM.QM_JUDGE 等和“校验本表”脚本）、"
                    "requirements.txt 和本项目的纯 Python 程序包（.whl）。由自治区嵌入下发的填报表，或单独发给各市。")
    lite.add_argument("-o", "--output", metavar="目录", required=True, help="输出文件夹")
    lite.add_argument("--wheel-url", metavar="地址",
                      help="程序包（.whl）发布后的完整网址，写入 requirements.txt（不填则由填报人员在 xlwings Lite 中导入该文件）")
    lite.set_defaults(func=cmd_lite)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
