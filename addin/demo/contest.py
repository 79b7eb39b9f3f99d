"""Demo judging for `qm demo-run`: fill a scoring workbook as an organising committee would.

Seven judges from different cities score every entry they may score (a judge never scores an
entry from their own city), deterministically from a seed. (How gaps, 回避 and out-of-range
scores are reported is shown by the scoring tests, not by the demo, so the demo's award list is final.)
"""
from __future__ import annotations

import random
from pathlib import Path

from openpyxl import load_workbook

from addin.infra.atomic import atomic_path
from addin.campaign.settings import Campaign

JUDGE_NAMES = ("覃评一", "黄评二", "韦评三", "陆评四", "蒙评五", "莫评六", "梁评七")


def fill_demo_scores(template: Path, out: Path, campaign: Campaign, seed: int = 2022) -> Path:
    rng = random.Random(seed)
    wb = load_workbook(template)
    cities = [c.name for c in campaign.cities]
    judges = [(name, cities[(i * 2) % len(cities)]) for i, name in enumerate(JUDGE_NAMES)]
    for r, (name, city) in enumerate(judges, 2):
        wb["评委"].cell(r, 1, name)
        wb["评委"].cell(r, 2, f"{city}建设工程质量安全监督站")
        wb["评委"].cell(r, 3, city)
    entries = [(row[0].value, row[3].value) for row in wb["作品"].iter_rows(min_row=2) if row[0].value]
    n_criteria = len(campaign.contest.get("criteria", []))
    ws = wb["评分"]
    r = 2
    quality = {eid: rng.uniform(68, 92) for eid, _ in entries}
    for name, city in judges:
        for eid, ecity in entries:
            if ecity == city:
                continue   # 回避: the committee does not hand a judge their own city's entries
            ws.cell(r, 1, name)
            ws.cell(r, 2, eid)
            for c in range(n_criteria):
                ws.cell(r, 3 + c, max(0, min(100, round(quality[eid] + rng.gauss(0, 5)))))
            r += 1
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out
