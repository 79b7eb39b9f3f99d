"""Properties of the scoring: bounds, order independence, rounding once."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings, strategies as st

from addin.contest.scoring import Entry, Judge, round_half_up, score_videos, trimmed_mean
from addin.campaign.settings import load_campaign

CAMPAIGN = load_campaign()
CRITERIA = [c["name"] for c in CAMPAIGN.contest["criteria"]]
CITIES = [c.name for c in CAMPAIGN.cities]

# a score as judges type it: 0..100 with at most two decimals
score = st.integers(0, 10000).map(lambda n: n / 100)
judge_scores = st.lists(st.tuples(score, score, score, score), min_size=1, max_size=9)


def _judges(n):
    # cities other than the entries' 南宁市, so nobody recuses
    return [Judge(f"评委{i:02d}", "", CITIES[1 + i % (len(CITIES) - 1)]) for i in range(n)]


def _score_one(rows, order):
    judges = _judges(len(rows))
    grid = {}
    for i in order:
        for name, v in zip(CRITERIA, rows[i]):
            grid[(judges[i].name, "V1", name)] = v
    listed = [judges[i] for i in order]
    return score_videos([Entry("V1", "t", "u", "南宁市")], listed, grid, CAMPAIGN.contest).entry("V1")


@settings(max_examples=200, deadline=None)
@given(judge_scores, st.randoms(use_true_random=False))
def test_final_lies_between_counted_totals_and_ignores_judge_order(rows, rnd):
    order = list(range(len(rows)))
    e = _score_one(rows, order)
    counted = [s.exact for s in e.scores.values() if s.status == "counted"]
    assert e.counted == len(counted) == (len(rows) - 2 if len(rows) >= 5 else len(rows))
    lo, hi = min(counted), max(counted)
    assert lo <= e.exact <= hi                                        # the unrounded mean
    assert round_half_up(lo) <= Decimal(e.final_text) <= round_half_up(hi)   # and the published score
    # an independent oracle: exact decimals, trim, round half up once
    weights = [Fraction(str(c["weight"])) for c in CAMPAIGN.contest["criteria"]]
    totals = sorted(sum(Fraction(str(v)) * w for v, w in zip(row, weights)) for row in rows)
    kept = totals[1:-1] if len(totals) >= 5 else totals
    assert Decimal(e.final_text) == round_half_up(sum(kept) / len(kept))
    rnd.shuffle(order)
    again = _score_one(rows, order)
    assert again.final_text == e.final_text and again.exact == e.exact
    dropped = lambda x: {j: s.status for j, s in x.scores.items() if s.status.startswith("dropped")}  # noqa: E731
    assert dropped(again) == dropped(e)                              # the same judges are struck out


@settings(max_examples=200, deadline=None)
@given(st.lists(score, min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_trimmed_mean_bounds_and_order(values, rnd):
    r = trimmed_mean(values)
    exact = [Fraction(Decimal(repr(v))) for v in values]
    assert min(exact) <= r.exact <= max(exact)
    if len(values) >= 5:
        assert len(r.counted) == len(values) - 2
        assert min(r.counted) <= r.mean <= max(r.counted)
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert trimmed_mean(shuffled).exact == r.exact


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(score, score, score, score), min_size=5, max_size=5), min_size=2, max_size=8),
       st.randoms(use_true_random=False))
def test_ranks_and_awards_ignore_entry_and_judge_order(per_entry, rnd):
    judges = _judges(5)
    entries = [Entry(f"V{i:02d}", "t", "u", "南宁市") for i in range(len(per_entry))]
    grid = {(j.name, e.id, name): v
            for e, rows in zip(entries, per_entry) for j, row in zip(judges, rows) for name, v in zip(CRITERIA, row)}
    first = score_videos(entries, judges, grid, CAMPAIGN.contest)
    e2, j2 = list(entries), list(judges)
    rnd.shuffle(e2)
    rnd.shuffle(j2)
    second = score_videos(e2, j2, dict(reversed(list(grid.items()))), CAMPAIGN.contest)
    view = lambda r: {x.entry.id: (x.rank, x.final_text, x.award) for x in r.entries}  # noqa: E731
    assert view(first) == view(second)
    ranks = sorted(x.rank for x in first.entries)
    assert ranks[0] == 1 and all(r <= i + 1 for i, r in enumerate(ranks))   # competition ranking
