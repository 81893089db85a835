"""Settings, read from the environment only. Secrets are held as SecretStr so they never print."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from scheduler.settings import DEFAULT_SCHEDULE, DEFAULT_TIMEZONE, TipSettings

# (name, default, meaning): the README's settings table is checked against this list by a test.
SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("CONTENT_DIR", "(shipped content)", "Directory of moderators' YAML content to load instead of the shipped copy."),
    ("LOG_LEVEL", "INFO", "Logging level: DEBUG, INFO, WARNING or ERROR."),
    ("LOG_FORMAT", "text", "`text` for readable lines, `json` for one JSON object per line."),
    ("CONTENT_WATCH", "off", "`on`: reload the content when its files change (validated first, like `admin reload`)."),
    ("QUERY_LOG_DAYS", "90", "How many days the query log (the moderators' misses report) keeps queries."),
    ("SLACK_BOT_TOKEN", "(unset)", "Slack bot token (`xoxb-...`); when set, `rolecall run` starts the Slack adapter."),
    ("SLACK_APP_TOKEN", "(unset)", "Slack app-level token (`xapp-...`) for Socket Mode, the default connection."),
    ("SLACK_SIGNING_SECRET", "(unset)", "Slack signing secret, needed for HTTP mode (`--slack-mode http`)."),
    ("SLACK_COMMAND", "/rolecall", "The slash command to answer, as declared in the Slack app."),
    ("SLACK_MODERATORS", "(none)", "Comma-separated Slack user ids allowed to run `admin` commands."),
    ("SLACK_API_URL", "https://slack.com/api/", "Slack Web API base URL (GovSlack, tests); must end with `/api/`."),
    (
        "DATABASE_URL",
        "sqlite:///data/rolecall.db",
        "Where tip rotation and deliveries are stored: a SQLite file (relative to the working directory) or "
        "`postgresql://user:pass@host/db`.",
    ),
    (
        "TIP_SCHEDULE",
        DEFAULT_SCHEDULE,
        "When the weekly tip is posted: a 5-field crontab expression (first slot per week).",
    ),
    (
        "TIP_TIMEZONE",
        DEFAULT_TIMEZONE,
        "IANA time zone of TIP_SCHEDULE and of the week boundaries, for example Europe/Berlin.",
    ),
    ("TIP_SLACK_CHANNELS", "(none)", "Comma-separated Slack channel ids that get the weekly tip."),
    ("TIP_DISCORD_CHANNELS", "(none)", "Comma-separated Discord channel ids that get the weekly tip."),
    (
        "TIP_CATCHUP_HOURS",
        "(until the week ends)",
        "How long after a missed slot a restarted bot still posts it; after that it is recorded as missed.",
    ),
    ("DISCORD_TOKEN", "(unset)", "Discord bot token; when set, `rolecall run` starts the Discord adapter."),
    ("DISCORD_GUILD_ID", "(unset)", "Server id to sync commands to at start-up, only when their definitions changed."),
    (
        "DISCORD_MODERATOR_ROLE_IDS",
        "(none)",
        "Comma-separated role ids allowed `/rolecall-admin` besides Manage Server.",
    ),
    (
        "DISCORD_API_URL",
        "https://discord.com/api/v10",
        "Discord REST base URL including the version (compatible servers, tests).",
    ),
    ("DISCORD_GATEWAY_URL", "wss://gateway.discord.gg/", "Discord gateway URL (compatible servers, tests)."),
)
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SLACK_COMMAND = re.compile(r"^/[a-z0-9_-]{1,31}$")
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///data/rolecall.db"
DEFAULT_DISCORD_API_URL = "https://discord.com/api/v10"
DEFAULT_DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
_SNOWFLAKE = re.compile(r"^[0-9]{15,21}$")
_CHANNEL = re.compile(r"^[A-Za-z0-9]{1,40}$")


class SettingsError(Exception):
    """One or more settings are invalid; the message has one line per problem and never a secret."""


@dataclass(frozen=True)
class SlackSettings:
    """What the Slack adapter needs. ``app_token`` selects Socket Mode; ``signing_secret`` allows HTTP mode."""

    bot_token: SecretStr
    app_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    command: str = "/rolecall"
    moderators: frozenset[str] = field(default_factory=frozenset)
    api_url: str = DEFAULT_SLACK_API_URL

    @property
    def default_mode(self) -> str:
        """Socket Mode when an app token is set (no public URL needed), else HTTP."""
        return "socket" if self.app_token else "http"


@dataclass(frozen=True)
class DiscordSettings:
    """What the Discord adapter needs."""

    token: SecretStr
    guild_id: int | None = None
    moderator_role_ids: frozenset[int] = field(default_factory=frozenset)
    api_url: str = DEFAULT_DISCORD_API_URL
    gateway_url: str = DEFAULT_DISCORD_GATEWAY_URL


@dataclass(frozen=True)
class Settings:
    """Everything the process is configured with."""

    content_dir: Path | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    content_watch: bool = False
    query_log_days: int = 90
    slack: SlackSettings | None = None
    discord: DiscordSettings | None = None
    database_url: str = DEFAULT_DATABASE_URL
    tips: TipSettings = field(default_factory=TipSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate settings; raise SettingsError listing every problem."""
        env = os.environ if env is None else env
        problems: list[str] = []
        content_dir = Path(env["CONTENT_DIR"]) if env.get("CONTENT_DIR", "").strip() else None
        if content_dir is not None and not content_dir.is_dir():
            problems.append(f"CONTENT_DIR: {content_dir} is not a directory")
        log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if log_level not in _LOG_LEVELS:
            problems.append(f"LOG_LEVEL: '{log_level}' is not one of {', '.join(_LOG_LEVELS)}")
        log_format = env.get("LOG_FORMAT", "").strip().lower() or "text"
        if log_format not in ("text", "json"):
            problems.append(f"LOG_FORMAT: '{log_format[:20]}' is not text or json")
        watch = env.get("CONTENT_WATCH", "").strip().lower() or "off"
        if watch not in ("on", "off", "true", "false", "1", "0"):
            problems.append(f"CONTENT_WATCH: '{watch[:20]}' is not on or off")
        content_watch = watch in ("on", "true", "1")
        days_text = env.get("QUERY_LOG_DAYS", "").strip() or "90"
        query_log_days = int(days_text) if days_text.isdigit() and 1 <= int(days_text) <= 3650 else 90
        if str(query_log_days) != days_text:
            problems.append(f"QUERY_LOG_DAYS: '{days_text[:20]}' is not a number of days from 1 to 3650")
        slack = _slack(env, problems)
        database_url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
        try:
            make_url(database_url)
        except ArgumentError:
            problems.append("DATABASE_URL: not a database URL (sqlite:///path or postgresql://user:pass@host/db)")
        tips = _tips(env, problems)
        if problems:
            raise SettingsError("\n".join(problems))
        discord = _discord(env, problems)
        # Tip channels on a platform the bot will not connect to would be silently never posted to.
        for name, channels, platform, token in (
            ("TIP_SLACK_CHANNELS", tips.slack_channels, slack, "SLACK_BOT_TOKEN"),
            ("TIP_DISCORD_CHANNELS", tips.discord_channels, discord, "DISCORD_TOKEN"),
        ):
            if channels and platform is None:
                problems.append(f"{name} is set but {token} is not: no tip can be posted there")
        if problems:
            raise SettingsError("\n".join(problems))
        return cls(
            content_dir, log_level, log_format, content_watch, query_log_days, slack, discord, database_url, tips
        )

    @property
    def platforms(self) -> list[str]:
        """Platforms whose token is set."""
        return [name for name, on in (("slack", self.slack), ("discord", self.discord)) if on]


def _slack(env: Mapping[str, str], problems: list[str]) -> SlackSettings | None:
    bot_token = _secret(env, "SLACK_BOT_TOKEN")
    app_token = _secret(env, "SLACK_APP_TOKEN")
    signing_secret = _secret(env, "SLACK_SIGNING_SECRET")
    # Only the prefix is ever shown, never the token.
    if bot_token is not None and bot_token.get_secret_value().startswith("xapp-"):
        problems.append("SLACK_BOT_TOKEN: holds an app-level token (xapp-...): it belongs in SLACK_APP_TOKEN")
    if app_token is not None and app_token.get_secret_value().startswith(("xoxb-", "xoxp-")):
        problems.append("SLACK_APP_TOKEN: holds a bot or user token (xox...-): it belongs in SLACK_BOT_TOKEN")
    if bot_token is None:
        for name, value in (("SLACK_APP_TOKEN", app_token), ("SLACK_SIGNING_SECRET", signing_secret)):
            if value is not None:
                problems.append(f"{name} is set but SLACK_BOT_TOKEN is not")
        return None
    if app_token is None and signing_secret is None:
        problems.append(
            "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is"
        )
    command = env.get("SLACK_COMMAND", "/rolecall").strip() or "/rolecall"
    if not _SLACK_COMMAND.match(command):
        problems.append(f"SLACK_COMMAND: '{command[:40]}' is not a slash command like /rolecall")
    moderators = frozenset(m.strip() for m in env.get("SLACK_MODERATORS", "").split(",") if m.strip())
    for moderator in sorted(moderators):
        if not _SLACK_USER.match(moderator):
            problems.append(f"SLACK_MODERATORS: '{moderator[:40]}' is not a Slack user id like U012AB3CD")
    api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_SLACK_API_URL
    if not api_url.endswith("/"):
        api_url += "/"
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.path.endswith("/api/"):
        problems.append("SLACK_API_URL: must be an http(s) URL ending with /api/, like https://slack.com/api/")
    return SlackSettings(bot_token, app_token, signing_secret, command, moderators, api_url)


def _discord(env: Mapping[str, str], problems: list[str]) -> DiscordSettings | None:
    token = _secret(env, "DISCORD_TOKEN")
    guild_text = env.get("DISCORD_GUILD_ID", "").strip()
    guild_id = None
    if guild_text:
        if _SNOWFLAKE.match(guild_text):
            guild_id = int(guild_text)
        else:
            problems.append(f"DISCORD_GUILD_ID: '{guild_text[:40]}' is not a Discord server id")
    roles = set()
    for role in (r.strip() for r in env.get("DISCORD_MODERATOR_ROLE_IDS", "").split(",") if r.strip()):
        if _SNOWFLAKE.match(role):
            roles.add(int(role))
        else:
            problems.append(f"DISCORD_MODERATOR_ROLE_IDS: '{role[:40]}' is not a Discord role id")
    urls = {}
    for name, default, schemes in (
        ("DISCORD_API_URL", DEFAULT_DISCORD_API_URL, ("http", "https")),
        ("DISCORD_GATEWAY_URL", DEFAULT_DISCORD_GATEWAY_URL, ("ws", "wss")),
    ):
        urls[name] = env.get(name, "").strip() or default
        parts = urlsplit(urls[name])
        if parts.scheme not in schemes or not parts.netloc:
            problems.append(f"{name}: must be a {'/'.join(schemes)} URL")
    if token is None:
        return None
    return DiscordSettings(token, guild_id, frozenset(roles), urls["DISCORD_API_URL"], urls["DISCORD_GATEWAY_URL"])


def _tips(env: Mapping[str, str], problems: list[str]) -> TipSettings:
    from scheduler.timing import Schedule  # the one place that parses crontab and zones

    schedule = env.get("TIP_SCHEDULE", "").strip() or DEFAULT_SCHEDULE
    timezone = env.get("TIP_TIMEZONE", "").strip() or DEFAULT_TIMEZONE
    try:
        Schedule(schedule, DEFAULT_TIMEZONE)
    except ValueError as exc:
        problems.append(f"TIP_SCHEDULE: '{schedule[:60]}' is not a 5-field crontab expression ({exc})")
    try:
        Schedule(DEFAULT_SCHEDULE, timezone)
    except (ValueError, KeyError):
        problems.append(f"TIP_TIMEZONE: '{timezone[:60]}' is not an IANA time zone like Europe/Berlin")
    channels = {}
    for name in ("TIP_SLACK_CHANNELS", "TIP_DISCORD_CHANNELS"):
        channels[name] = tuple(dict.fromkeys(c.strip() for c in env.get(name, "").split(",") if c.strip()))
        pattern, example = (_CHANNEL, "C012AB3CD") if name == "TIP_SLACK_CHANNELS" else (_SNOWFLAKE, "a number")
        for channel in channels[name]:
            if not pattern.match(channel):
                problems.append(f"{name}: '{channel[:40]}' is not a channel id ({example}, not a name)")
    hours_text = env.get("TIP_CATCHUP_HOURS", "").strip()
    hours = None
    if hours_text:
        try:
            hours = float(hours_text)
            if not 0 <= hours <= 168:
                raise ValueError
        except ValueError:
            problems.append(f"TIP_CATCHUP_HOURS: '{hours_text[:20]}' is not a number of hours from 0 to 168")
    return TipSettings(schedule, timezone, channels["TIP_SLACK_CHANNELS"], channels["TIP_DISCORD_CHANNELS"], hours)


def _secret(env: Mapping[str, str], name: str) -> SecretStr | None:
    value = env.get(name, "").strip()
    return SecretStr(value) if value else None
