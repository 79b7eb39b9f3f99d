"""Which rule catalog a campaign judges by: the packaged rules, then the campaign's extra rule files.

A campaign may list extra rule files (``rules = ["本省补充规则.toml"]`` in its TOML, relative to the
TOML file) and ``qm check`` / ``qm consolidate`` add more with ``--rules FILE``; both end up in
``Campaign.rule_files``. An extra rule with an existing ``id`` replaces the packaged one in place,
a new id adds a rule (see :func:`addin.rules.judge.load_catalog`). The catalog is loaded once per
process (each worker loads it once) and the judge is given it only when there are extra files,
so the packaged fast path stays as it is.
"""
from __future__ import annotations

from functools import lru_cache

from addin.rules.judge import Rule, load_catalog


@lru_cache(maxsize=8)
def campaign_rules(rule_files: tuple[str, ...]) -> tuple[Rule, ...] | None:
    """The catalog for a campaign's extra rule files; None (the packaged catalog) when there are none.
    Raises RuleError (Chinese, naming the file) for a missing or broken file."""
    return tuple(load_catalog(*rule_files)) if rule_files else None
