"""Campaign settings: which campaign, which cities, which deadlines.

Settings are data (TOML). The packaged default is Guangxi 2022; another province or
year is a TOML file passed with ``qm --campaign FILE``. Nothing here is campaign-specific.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from addin.core.errors import SettingsError  # noqa: F401  (imported from here by callers)

DEFAULT_RESOURCE = "campaign_gx2022.toml"


@dataclass(frozen=True)
class City:
    name: str
    code: str
    contact: str = ""     # the city's contact for this campaign (催报名单), from [[cities]] contact
    phone: str = ""       # and their phone, from [[cities]] phone


# -- rectification notices (整改通知书): who issues them ---------------------------------
# The notice (activity 五) has each city issue its own 整改通知书 to the responsible units, so
# a notice is issued in the city's name with the city's 机关代字, never the province's.
DEFAULT_RECTIFICATION_DAYS = 15


@dataclass(frozen=True)
class NoticeAuthority:
    """The authority that issues a city's 整改通知书 and its number prefix (机关代字)."""
    city: str            # city name as in [[cities]]
    authority: str       # 发文机关, e.g. 南宁市住房和城乡建设局
    prefix: str          # 机关代字 of the notice number, e.g. 南建质改 -> 南建质改〔2022〕7号


@dataclass(frozen=True)
class Campaign:
    id: str
    year: int
    province: str
    province_code: str
    authority: str
    authority_short: str
    doc_number: str
    notice_title: str
    notice_date: dt.date
    theme: str
    activity_start: dt.date
    activity_end: dt.date
    report_deadline: dt.date
    recipient: str
    notice_prefix: str
    contact: dict[str, str]
    cities: tuple[City, ...]
    rewards: dict[str, Any] = field(default_factory=dict)
    contest: dict[str, Any] = field(default_factory=dict)
    knowledge: dict[str, Any] = field(default_factory=dict)
    fonts: dict[str, str] = field(default_factory=dict)
    # [notices]: issuing authority and prefix per city; default rectification period (days)
    notice_authorities: tuple[NoticeAuthority, ...] = ()
    rectification_days: int = DEFAULT_RECTIFICATION_DAYS
    tracking: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    raw_hash: str = ""
    rule_files: tuple[str, ...] = ()    # extra rule catalogs (absolute paths), after the packaged one
    # -- the activity report (qm report): TOML table [report] ------------------------------------
    report_recipient: str = ""      # 主送机关 of the province's report ([report] recipient)
    report_issuer: str = ""         # 发文机关 signing it ([report] issuer; default: authority)
    report_doc_number: str = ""     # its 发文字号 ([report] doc_number; empty: none printed, --doc-number gives one)
    region_word: str = ""           # 全区 / 全省 / 全市 ([report] region_word; default: from the province's name)

    def city_by_name(self, name: str) -> City | None:
        name = (name or "").strip()
        for c in self.cities:
            if c.name == name or c.name.rstrip("市") == name.rstrip("市"):
                return c
        return None

    @functools.cached_property
    def contest_rules(self):
        """The micro-video rules (``[contest]``), typed and checked; SettingsError when unusable."""
        from addin.campaign.contest import contest_rules

        return contest_rules(self.contest)

    @functools.cached_property
    def quiz_rules(self):
        """The knowledge-contest rules (``[knowledge]``), typed and checked."""
        from addin.campaign.contest import quiz_rules

        return quiz_rules(self.knowledge)

    @functools.cached_property
    def tracking_rules(self):
        """The follow-up rules (``[tracking]``: review, 督办 and 催报 periods), typed and checked."""
        from addin.campaign.tracking import tracking_rules

        return tracking_rules(self.tracking)

    @functools.cached_property
    def reward_rules(self):
        """The complaint-reward rules (``[rewards]``), typed and checked."""
        from addin.campaign.rewards import reward_rules

        return reward_rules(self.rewards)

    def city_of_return(self, code: Any, named: Any) -> City | None:
        """The city a return belongs to: by the code in its hidden metadata, else by the city its
        基本信息 names. The one place that decides it (consolidation, the ribbon, `qm report --city`)."""
        return self.city_by_code(str(code or "")) or self.city_by_name(str(named or ""))

    def city_by_code(self, code: str) -> City | None:
        return self._by_code.get(str(code or "").strip())

    @functools.cached_property
    def _by_code(self) -> dict[str, City]:
        """Code -> city (a national campaign has thousands; the first of a repeated code wins)."""
        out: dict[str, City] = {}
        for c in self.cities:
            out.setdefault(c.code, c)
        return out

    def notice_authority(self, city: str) -> NoticeAuthority | None:
        """The city's issuing authority and 机关代字 from [notices.cities] (None: not configured)."""
        name = (city or "").strip()
        for a in self.notice_authorities:
            if a.city == name or a.city.rstrip("市") == name.rstrip("市"):
                return a
        return None

    def in_window(self, day: dt.date) -> bool:
        return self.activity_start <= day <= self.activity_end

    # A date in a return more than this far before the activity or after the report deadline is a
    # typing error (2032 for 2022), not a date: it is reported as an error and never decides anything.
    PLAUSIBLE_MARGIN = dt.timedelta(days=366)

    def plausible(self, day: dt.date) -> bool:
        """Whether ``day`` can belong to this campaign's return (within a year of its dates)."""
        return (self.activity_start - self.PLAUSIBLE_MARGIN <= day
                <= self.report_deadline + self.PLAUSIBLE_MARGIN)


_REQUIRED = (
    "id", "year", "province", "province_code", "authority", "doc_number", "theme",
    "activity_start", "activity_end", "report_deadline", "cities",
)


def _as_date(data: dict, key: str, where: str) -> dt.date:
    value = data[key]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise SettingsError(f"活动设置文件 {where}：{key} 应为日期（如 2022-09-01），实为“{value}”") from None


_TEXT_KEYS = ("id", "province", "authority", "authority_short", "doc_number", "notice_title", "theme",
              "recipient", "notice_prefix")
_TABLE_KEYS = ("contact", "rewards", "contest", "knowledge", "fonts", "tracking", "notices", "report")


def _check_types(data: dict, where: str) -> None:
    """Each top-level setting of the type the program uses, said in Chinese (a TOML that parses
    but says ``year = "二〇二二"`` or ``cities = 5`` must not end in a traceback)."""
    def wrong(key: str, want: str) -> SettingsError:
        return SettingsError(f"活动设置文件 {where}：{key} 应为{want}，实为“{data[key]}”")

    for key in _TEXT_KEYS:
        if key in data and not isinstance(data[key], str):
            raise wrong(key, "文字（加英文引号）")
    if "province_code" in data and (isinstance(data["province_code"], bool)
                                    or not isinstance(data["province_code"], (str, int))):
        raise wrong("province_code", "6 位行政区划代码")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise wrong("year", "年份（如 2022，不加引号）")
    for key in _TABLE_KEYS:
        if key in data and not isinstance(data[key], dict):
            raise wrong(key, f"表（[{key}]）")
    cities = data.get("cities")
    if not isinstance(cities, list) or not cities or not all(isinstance(c, dict) for c in cities):
        raise SettingsError(f"活动设置文件 {where}：cities 应为城市列表（每个城市一段 [[cities]]，含 name 和 code）")


# The keys the program reads, per table; a key outside them would silently do nothing (a misspelt
# ``[rewards] random_mx`` keeps the default), so it is refused by name. Tables whose keys are read by
# the typed rules ([contest], [knowledge], [fonts]) are checked there.
_KNOWN_KEYS: dict[str, frozenset[str]] = {
    "": frozenset(_REQUIRED + _TEXT_KEYS + _TABLE_KEYS + ("notice_date", "rules")),
    "rewards": frozenset(("random_min", "random_max", "currency", "extra_by_level")),
    "report": frozenset(("recipient", "issuer", "doc_number", "region_word")),
    "contact": frozenset(("department", "name", "phone")),
    "notices": frozenset(("cities", "rectification_days")),
}


def _check_known_keys(data: dict, where: str) -> None:
    import difflib

    for table, known in _KNOWN_KEYS.items():
        values = data if not table else data.get(table, {})
        unknown = sorted(k for k in values if k not in known) if isinstance(values, dict) else []
        if unknown:
            key = unknown[0]
            near = difflib.get_close_matches(key, sorted(known), n=1)
            label = f"[{table}] " if table else ""
            raise SettingsError(f"活动设置文件 {where}：不认识的设置项 {label}{'、'.join(unknown)}"
                                + (f"（是否应为 {near[0]}？）" if near else "")
                                + "；拼错的设置项不会生效，请改正或删除")


def parse_campaign(text: str, where: str = "<内置>") -> Campaign:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"活动设置文件 {where} 不是有效的 TOML：{exc}") from None
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise SettingsError(f"活动设置文件 {where} 缺少必填项：{'、'.join(missing)}")
    _check_types(data, where)
    _check_known_keys(data, where)
    cities = []
    for i, c in enumerate(data["cities"], 1):
        if not c.get("name") or not str(c.get("code", "")).isdigit() or len(str(c["code"])) != 6:
            raise SettingsError(f"活动设置文件 {where}：第 {i} 个城市须有名称和 6 位行政区划代码（GB/T 2260）")
        cities.append(City(str(c["name"]), str(c["code"]), str(c.get("contact", "")).strip(),
                           str(c.get("phone", "")).strip()))
    if len({c.code for c in cities}) != len(cities):
        raise SettingsError(f"活动设置文件 {where}：城市代码有重复")
    start = _as_date(data, "activity_start", where)
    end = _as_date(data, "activity_end", where)
    if end < start:
        raise SettingsError(f"活动设置文件 {where}：活动结束日期早于开始日期")
    authorities, days = _notices(data.get("notices", {}), {c.name for c in cities}, where)
    return Campaign(
        id=str(data["id"]),
        year=int(data["year"]),
        province=data["province"],
        province_code=str(data["province_code"]),
        authority=data["authority"],
        authority_short=data.get("authority_short", data["authority"]),
        doc_number=data["doc_number"],
        notice_title=data.get("notice_title", ""),
        notice_date=_as_date(data, "notice_date", where) if "notice_date" in data else start,
        theme=data["theme"],
        activity_start=start,
        activity_end=end,
        report_deadline=_as_date(data, "report_deadline", where),
        recipient=data.get("recipient", ""),
        notice_prefix=data.get("notice_prefix", "整改"),
        contact=dict(data.get("contact", {})),
        cities=tuple(cities),
        rewards=dict(data.get("rewards", {})),
        contest=dict(data.get("contest", {})),
        knowledge=dict(data.get("knowledge", {})),
        fonts=dict(data.get("fonts", {})),
        notice_authorities=authorities,
        rectification_days=days,
        tracking=dict(data.get("tracking", {})),
        source=where,
        raw_hash=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        rule_files=_rule_files(data, where),
        **_report_settings(data, where),
    )


def _rule_files(data: dict, where: str) -> tuple[str, ...]:
    """``rules = ["file.toml", …]``: extra rule files, relative to the campaign file's folder."""
    names = data.get("rules", [])
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise SettingsError(f"活动设置文件 {where}：rules 应为规则文件名的列表")
    base = Path(where).parent if Path(where).is_file() else Path.cwd()
    out = []
    for name in names:
        path = (base / name).resolve()
        if not path.exists():
            raise SettingsError(f"活动设置文件 {where}：找不到规则文件 {path}")
        out.append(str(path))
    return tuple(out)


def with_rule_files(campaign: Campaign, paths) -> Campaign:
    """``campaign`` judging also by the rule files (or folders) ``paths`` (``--rules``), checked to exist."""
    extra = []
    for name in paths or ():
        path = Path(name).resolve()
        if not path.exists():
            raise SettingsError(f"找不到规则文件 {name}")
        extra.append(str(path))
    return dataclasses.replace(campaign, rule_files=campaign.rule_files + tuple(extra)) if extra else campaign


def _notices(block: Any, city_names: set[str], where: str) -> tuple[tuple[NoticeAuthority, ...], int]:
    """[notices]: rectification_days (a positive integer) and [notices.cities] "城市" = { authority, prefix }."""
    if not isinstance(block, dict):
        raise SettingsError(f"活动设置文件 {where}：[notices] 应为表")
    days = block.get("rectification_days", DEFAULT_RECTIFICATION_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise SettingsError(f"活动设置文件 {where}：notices.rectification_days 应为 1～365 的整数（天），实为“{days}”")
    out = []
    for city, v in (block.get("cities") or {}).items():
        if city not in city_names:
            continue        # a campaign copied from another one with other cities: unused, not an error
        if not isinstance(v, dict) or not str(v.get("authority", "")).strip() or not str(v.get("prefix", "")).strip():
            raise SettingsError(f"活动设置文件 {where}：[notices.cities] “{city}”须有 authority（签发机关）和 prefix（机关代字）")
        prefix = str(v["prefix"]).strip()
        if any(ch in prefix for ch in "〔〕[]［］()（） \t"):
            raise SettingsError(f"活动设置文件 {where}：[notices.cities] “{city}”的机关代字“{prefix}”不应含括号或空格")
        out.append(NoticeAuthority(city, str(v["authority"]).strip(), prefix))
    return tuple(out), days


_REGION_WORDS = ("全区", "全省", "全市")


def _report_settings(data: dict, where: str) -> dict[str, str]:
    """The [report] table: who the province's report goes to and comes from."""
    rep = data.get("report", {})
    if not isinstance(rep, dict):
        raise SettingsError(f"活动设置文件 {where}：report 应为表（[report]）")
    out = {}
    for key, field_name in (("recipient", "report_recipient"), ("issuer", "report_issuer"),
                            ("doc_number", "report_doc_number"), ("region_word", "region_word")):
        value = rep.get(key, "")
        if not isinstance(value, str):
            raise SettingsError(f"活动设置文件 {where}：[report] {key} 应为文字，实为“{value}”")
        out[field_name] = value.strip()
    if out["region_word"] and out["region_word"] not in _REGION_WORDS:
        raise SettingsError(f"活动设置文件 {where}：[report] region_word 应为{'、'.join(_REGION_WORDS)}之一，"
                            f"实为“{out['region_word']}”")
    return out


def load_campaign(path: str | Path | None = None) -> Campaign:
    """The campaign from ``path`` (TOML) or the packaged default."""
    if path is None:
        text = resources.files("addin.campaign").joinpath("data", DEFAULT_RESOURCE).read_text("utf-8")
        return parse_campaign(text, DEFAULT_RESOURCE)
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except OSError as exc:
        from addin.infra.paths import oserror_cause

        raise SettingsError(f"无法读取活动设置文件 {p}：{oserror_cause(exc, reading=True)}") from None
    except UnicodeDecodeError:
        raise SettingsError(f"活动设置文件 {p} 不是 UTF-8 编码的文本文件（TOML），请用记事本等另存为 UTF-8") from None
    return parse_campaign(text, str(p))
