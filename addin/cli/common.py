"""What every `qm` command needs from its arguments: the campaign and the resource limits."""
from __future__ import annotations

from addin.campaign.settings import Campaign, load_campaign, with_rule_files


def campaign_from_args(args) -> Campaign:
    """The campaign named by ``--campaign`` (the packaged default when absent), judging also by
    the rule files of ``--rules`` on the commands that judge."""
    path = getattr(args, "campaign", None)
    if path is not None:
        from addin.infra.paths import check_input

        check_input(path, "活动设置文件")          # says what is wrong with the path, in Chinese
    return with_rule_files(load_campaign(path), getattr(args, "rules", None))


def add_rules_option(p) -> None:
    """--rules FILE (repeatable) on the commands that judge spot-checks."""
    p.add_argument("--rules", action="append", metavar="规则文件",
                   help="补充或覆盖判定规则的 TOML 文件或目录（可多次指定；同 id 的规则替换内置规则，新 id 追加）")


def limit(value: float | None) -> float | None:
    """A --timeout / --worker-mb value: 0 or less means no limit."""
    return value if value is not None and value > 0 else None
