"""Demo contestants for `qm demo-run`: answer the knowledge contest's paper as people would.

Each participant has an ability; a question's chance of a right answer falls with its difficulty
and with its category (混凝土 and 房屋安全鉴定 are made harder, 公文与程序 easier), so the item
analysis has something to find. Wrong answers favour one "attractive" wrong option per question;
multiple choice is often answered with only part of the right letters; a few answers are left
blank and one is an invalid letter. The offline answers go into the answer sheet (per the variant
dealt to each row), the online ones (everyone on the A paper, as an online platform would import it)
into a 问卷星-style CSV. The key is read here with openpyxl, not with the marking code.
"""
from __future__ import annotations

import csv
import itertools
import math
import random
from pathlib import Path

from openpyxl import load_workbook

from addin.infra.atomic import atomic_path

CATEGORY_EASE = {"混凝土": -1.2, "房屋安全鉴定": -0.8, "砌体": -0.4, "结构尺寸": -0.2, "钢筋": 0.0,
                 "电线电缆": 0.1, "法律法规": 0.3, "公文与程序": 0.6}
DIFFICULTY_EASE = {"易": 0.9, "中": 0.0, "难": -0.9}


def _key(path: Path) -> dict[str, list[dict]]:
    wb = load_workbook(path, read_only=True)
    out = {}
    for ws in wb.worksheets:
        if not ws.title.endswith("卷"):
            continue
        rows = list(ws.iter_rows(values_only=True))
        head = list(rows[0])
        out[ws.title[:-1]] = [dict(zip(head, r)) for r in rows[1:] if r[0] is not None]
    return out


def _answer(rng: random.Random, item: dict, ability: float, lure: random.Random) -> str:
    letters = "ABCDEF"[:int(item["选项数"])]
    right = str(item["答案"])
    ease = 1.2 + ability + CATEGORY_EASE.get(item["分类"], 0) + DIFFICULTY_EASE.get(item["难度"], 0)
    if rng.random() < 0.02:
        return ""
    if rng.random() < 1 / (1 + math.exp(-ease)):
        return right
    wrong = [x for x in letters if x not in right]
    if item["题型"] == "多选":
        if len(right) > 1 and rng.random() < 0.5:
            return "".join(sorted(rng.sample(right, len(right) - 1)))
        combos = [c for k in range(1, len(letters) + 1) for c in itertools.combinations(letters, k)
                  if "".join(c) != right]
        return "".join(rng.choice(combos))
    attractive = lure.choice(wrong)
    return attractive if rng.random() < 0.6 else rng.choice(wrong)


def simulate_answers(paper_dir: Path, sheet_out: Path, online_out: Path, seed: int = 2022) -> tuple[Path, Path]:
    key = _key(paper_dir / "答案.xlsx")
    wb = load_workbook(paper_dir / "答题卡.xlsx")
    ws = wb["答题卡"]
    head = {c.value: c.column for c in ws[1]}
    n = len(key["A"])
    people = []
    rng = random.Random(seed)
    invalid_done = False
    for r in range(2, ws.max_row + 1):
        name = ws.cell(r, head["姓名"]).value
        if not name:
            continue
        unit, city, variant = (ws.cell(r, head[t]).value for t in ("单位", "城市", "试卷"))
        ability = random.Random(f"{seed}:{name}:{unit}").gauss(0, 0.8)
        people.append((name, unit, city, ability))
        for pos, item in enumerate(key[variant], 1):
            a = _answer(rng, item, ability, random.Random(f"lure:{variant}:{pos}"))
            if not invalid_done and a and item["题型"] == "单选" and rng.random() < 0.01:
                a, invalid_done = "E", True          # a slip of the pen: not an option
            ws.cell(r, head[pos] if pos in head else head[str(pos)], a or None)
    with atomic_path(sheet_out) as tmp:
        wb.save(tmp)
    titles = [f"{i}、{str(item['题干'])[:18]}" for i, item in enumerate(key["A"], 1)]
    with atomic_path(online_out) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["序号", "提交答卷时间", "所用时间", "姓名", "所在单位", "所在城市", *titles])
            for i, (name, unit, city, ability) in enumerate(people, 1):
                prng = random.Random(f"online:{seed}:{name}")
                answers = [_answer(prng, item, ability + 0.2, random.Random(f"lure:A:{pos}"))
                           for pos, item in enumerate(key["A"], 1)]
                spent = prng.randint(900, 2700)
                w.writerow([i, f"2022/9/{20 + i % 8} {9 + i % 9}:{i % 60:02d}", f"{spent // 60}分{spent % 60}秒",
                            name, unit, city, *["┋".join(a) if len(a) > 1 else a for a in answers]])
    assert n == len(titles)
    return sheet_out, online_out
