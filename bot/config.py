"""Settings, read from the environment only. Secrets are held as SecretStr so they never print."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

# (name, default, meaning): the README's settings table is checked against this list by a test.
SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("CONTENT_DIR", "(shipped content)", "Directory of moderators' YAML content to load instead of the shipped copy."),
    ("LOG_LEVEL", "INFO", "Logging level: DEBUG, INFO, WARNING or ERROR."),
    ("SLACK_BOT_TOKEN", "(unset)", "Slack bot token (`xoxb-...`); when set, `rolecall run` starts the Slack adapter."),
    ("SLACK_APP_TOKEN", "(unset)", "Slack app-level token (`xapp-...`) for Socket Mode, the default connection."),
    ("SLACK_SIGNING_SECRET", "(unset)", "Slack signing secret, needed for HTTP mode (`--slack-mode http`)."),
    ("SLACK_COMMAND", "/rolecall", "The slash command to answer, as declared in the Slack app."),
    ("SLACK_MODERATORS", "(none)", "Comma-separated Slack user ids allowed to run `admin` commands."),
    ("SLACK_API_URL", "https://slack.com/api/", "Slack Web API base URL (GovSlack, tests); must end with `/api/`."),
    (
        "DISCORD_TOKEN",
        "(unset)",
        "Discord bot token. The Discord adapter is not built yet: `rolecall run` refuses to start with it set.",
    ),
)
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SLACK_COMMAND = re.compile(r"^/[a-z0-9_-]{1,31}$")
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


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
class Settings:
    """Everything the process is configured with."""

    content_dir: Path | None = None
    log_level: str = "INFO"
    slack: SlackSettings | None = None
    discord_token: SecretStr | None = None

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
        slack = _slack(env, problems)
        if problems:
            raise SettingsError("\n".join(problems))
        return cls(content_dir, log_level, slack, _secret(env, "DISCORD_TOKEN"))

    @property
    def platforms(self) -> list[str]:
        """Platforms whose token is set."""
        return [name for name, on in (("slack", self.slack), ("discord", self.discord_token)) if on]


def _slack(env: Mapping[str, str], problems: list[str]) -> SlackSettings | None:
    bot_token = _secret(env, "SLACK_BOT_TOKEN")
    app_token = _secret(env, "SLACK_APP_TOKEN")
    signing_secret = _secret(env, "SLACK_SIGNING_SECRET")
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


def _secret(env: Mapping[str, str], name: str) -> SecretStr | None:
    value = env.get(name, "").strip()
    return SecretStr(value) if value else None
