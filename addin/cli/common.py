"""What every `qm` command needs from its arguments: the campaign and the resource limits."""
from __future__ import annotations

from addin.campaign.settings import Campaign, load_campaign


def campaign_from_args(args) -> Campaign:
    """The campaign named by ``--campaign`` (the packaged default when absent)."""
    return load_campaign(getattr(args, "campaign", None))


def limit(value: float | None) -> float | None:
    """A --timeout / --worker-mb value: 0 or less means no limit."""
    return value if value is not None and value > 0 else None
