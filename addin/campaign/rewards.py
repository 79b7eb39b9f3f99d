"""The complaint-reward rule (notice, activity 七), typed and stated once.

"对在投诉处理系统实名登记投诉信息的随机发放微信红包奖励，对确认属实的投诉事由，依据问题大小给予
额外奖励": every real-name complaint gets a random red envelope (drawn for the roster, between
``random_min`` and ``random_max``); a real-name complaint verified 属实 or 部分属实 gets the extra
reward of its problem level. ``decide`` is that rule for one complaint; the reward roster
(docgen.rewards) and the ``QM_REWARD`` worksheet function both call it, so they cannot disagree.

Defaults (a campaign without a ``[rewards]`` table): no envelope range and no levels, i.e. nothing
is paid until the campaign says how much; they live in the dataclass fields only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Mapping

from addin.core.errors import SettingsError

VERIFIED = ("属实", "部分属实")          # outcomes that earn the extra reward
PENDING = "核查中"
NOT_VERIFIED = "不属实"
OUTCOMES = (*VERIFIED, NOT_VERIFIED, PENDING)   # the 核查结果 vocabulary the rule knows


def cents(x: Any) -> Decimal:
    """An amount rounded half-up to the fen."""
    return Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RewardRules:
    random_min: Decimal = Decimal("0.00")
    random_max: Decimal = Decimal("0.00")
    currency: str = "元"
    extra_by_level: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def levels(self) -> tuple[str, ...]:
        return tuple(self.extra_by_level)


@dataclass(frozen=True)
class Decision:
    """What one complaint earns under the rule (the random envelope is drawn elsewhere)."""
    envelope: bool          # a random red envelope is due (real-name complaint)
    extra: Decimal          # the extra reward by level (0 when none is due or it is pending)
    note: str = ""          # why nothing or not yet ("" when the decision is complete)
    pending: bool = False   # the extra reward waits for the verification or the level


def reward_rules(table: Mapping[str, Any] | RewardRules) -> RewardRules:
    """The ``[rewards]`` table of a campaign, checked; SettingsError (Chinese) when unusable."""
    if isinstance(table, RewardRules):
        return table
    base = RewardRules()

    def money(value: Any, key: str) -> Decimal:
        try:
            amount = cents(value)
        except (InvalidOperation, ValueError, TypeError):
            raise SettingsError(f"活动设置 [rewards]：{key} 应为金额，实为“{value}”") from None
        if amount < 0:
            raise SettingsError(f"活动设置 [rewards]：{key} 不能为负")
        return amount

    lo = money(table.get("random_min", base.random_min), "random_min")
    hi = money(table.get("random_max", base.random_max), "random_max")
    if hi < lo:
        raise SettingsError("活动设置 [rewards]：random_max 不能小于 random_min")
    levels = {str(k): money(v, f"extra_by_level.{k}") for k, v in (table.get("extra_by_level") or {}).items()}
    return RewardRules(lo, hi, str(table.get("currency", base.currency)), levels)


def decide(rules: RewardRules, real_name: bool, verified: str | None, level: str | None) -> Decision:
    """The reward one complaint earns: ``verified`` is its 核查结果, ``level`` its problem level."""
    if not real_name:
        return Decision(False, Decimal("0.00"), "非实名，不发放")
    if verified in VERIFIED:
        if level in rules.extra_by_level:
            return Decision(True, rules.extra_by_level[level])
        return Decision(True, Decimal("0.00"), "未定问题等级，暂不计额外奖励", pending=True)
    if verified == PENDING:
        return Decision(True, Decimal("0.00"), "核查中，暂不计额外奖励", pending=True)
    return Decision(True, Decimal("0.00"))
