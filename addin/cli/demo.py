"""`qm demo`: write realistic filled returns (with planted mistakes) and their manifest into a folder."""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

_ROLE_ZH = {
    "normal": "按时报送",
    "late": "逾期报送",
    "duplicate-old": "重复报送（先报，不采用）",
    "duplicate-new": "重复报送（后报，采用）",
}


def cmd_demo(args) -> int:
    from addin.cli.common import campaign_from_args
    from addin.demo.generator import MANIFEST_NAME, generate_demo
    from addin.core.findings import CODES

    from addin.infra.paths import Output, guard

    campaign = campaign_from_args(args)
    out = Path(args.directory)
    from addin.usecases import previous_demo_file

    # returns already in the folder are never replaced by demo data, unless an earlier demo wrote them
    existing = tuple(sorted(out.glob("*.xls[xm]"))) if out.is_dir() else ()
    guard([], [Output(out, "演示数据目录", folder=True, files=existing, replaceable=previous_demo_file)])
    start = time.perf_counter()
    try:
        manifest = generate_demo(out, campaign, seed=args.seed)
    except ValueError as exc:           # QmValueError included: exit 2 whatever the type
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    took = time.perf_counter() - start

    print(f"已在 {out} 生成{campaign.year}年质量月活动演示数据（随机种子 {manifest.seed}，用时 {took:.1f} 秒）：")
    for f in manifest.files:
        size = f.get("size", 0) / 1024
        print(f"  {f['name']}  {f['city']}  填报日期 {f['fill_date']}  {_ROLE_ZH.get(f['role'], f['role'])}  {size:.0f} KB")
    print(f"  照片 {len(manifest.photos)} 张；标准答案：{out / MANIFEST_NAME}")
    written = {f["name"] for f in manifest.files}
    others = sorted(p.name for p in out.glob("*.xlsx") if p.name not in written and not p.name.startswith((".~", "~$")))
    if others:
        print(f"  注意：目录中还有 {len(others)} 个不是本次生成的 Excel 文件（如 {others[0]}），"
              "校验或汇总该目录时会一并读取，建议使用空目录", file=sys.stderr)

    print("\n故意安排的情况：")
    print(f"  未报送：{manifest.missing_city}（没有文件）")
    print(f"  逾期报送：{manifest.late_city}（填报日期和文件修改时间晚于 {campaign.report_deadline:%Y-%m-%d}）")
    dup = [f for f in manifest.files if f["city"] == manifest.duplicate_city]
    if dup:
        names = "；".join(f"{f['name']}（{f['fill_date']}）" for f in dup)
        print(f"  重复报送：{manifest.duplicate_city}，{names}，应采用后报的一份")
    trace = manifest.batch_trace
    if trace.get("sites"):
        where = "、".join(dict.fromkeys(s["city"] for s in trace["sites"] if s["city"] != trace["source_city"]))
        print(f"  同批次追溯：{trace['manufacturer']} 批号 {trace['batch']}（{trace['grade']} Φ{trace['spec']}）"
              f"在{trace['source_city']}抽测不合格，{where}的工地也使用了该批次")
    for m in manifest.missing_photos:
        print(f"  缺少照片：{m['photo']}（{m['file']} {m['sheet']}!{m['cell']} 引用，未放入文件夹）")
    if manifest.messy_cells:
        shown = "、".join(f"“{c['value']}”" for c in manifest.messy_cells)
        print(f"  写法不规范但有效、校验不应报错的单元格：{shown}")

    print(f"\n有错的城市：{'、'.join(manifest.planted_cities)}；校验应报告以下 {len(manifest.expected_findings)} 个问题：")
    for f in manifest.expected_findings:
        name = CODES[f["code"]][1]
        print(f"  {f['city']}  {f['sheet']}!{f['cell']}  {name}（{f['code']}）：{f['note']}")
    counts = Counter(f["code"] for f in manifest.expected_batch_findings)
    if counts:
        print("汇总时还应报告：" + "，".join(f"{CODES[c][1]} {n} 个" for c, n in counts.items()))
    print(f"\n下一步：qm check {out}    或    qm consolidate {out}")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "demo", help="生成演示用的各市填报表",
        description="按活动设置生成各市“已填报”的演示工作簿（内容仿真，单位和人员均为虚构），"
                    "其中故意安排了未报送、逾期、重复报送和若干填报错误，并写出标准答案 manifest.json。",
    )
    p.add_argument("directory", metavar="目录", help="输出目录（不存在时自动创建）")
    p.add_argument("--seed", type=int, default=2022, metavar="N", help="随机种子（默认 2022；相同种子生成相同内容）")
    p.set_defaults(func=cmd_demo)
