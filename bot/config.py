"""Settings, read from the environment only. Secrets are held as SecretStr so they never print."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

# (name, default, meaning): the README's settings table is checked against this list by a test.
SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("CONTENT_DIR", "(shipped content)", "Directory of moderators' YAML content to load instead of the shipped copy."),
    ("LOG_LEVEL", "INFO", "Logging level: DEBUG, INFO, WARNING or ERROR."),
    ("SLACK_BOT_TOKEN", "(unset)", "Slack bot token; when set, `rolecall run` starts the Slack adapter."),
    ("DISCORD_TOKEN", "(unset)", "Discord bot token; when set, `rolecall run` starts the Discord adapter."),
)
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingsError(Exception):
    """One or more settings are invalid; the message has one line per problem and never a secret."""


@dataclass(frozen=True)
class Settings:
    """Everything the process is configured with."""

    content_dir: Path | None = None
    log_level: str = "INFO"
    slack_bot_token: SecretStr | None = None
    discord_token: SecretStr | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate settings; raise SettingsError listing every problem."""
        env = os.environ if env is None else env
        problems = []
        content_dir = Path(env["CONTENT_DIR"]) if env.get("CONTENT_DIR", "").strip() else None
        if content_dir is not None and not content_dir.is_dir():
            problems.append(f"CONTENT_DIR: {content_dir} is not a directory")
        log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if log_level not in _LOG_LEVELS:
            problems.append(f"LOG_LEVEL: '{log_level}' is not one of {', '.join(_LOG_LEVELS)}")
        if problems:
            raise SettingsError("\n".join(problems))
        return cls(content_dir, log_level, _secret(env, "SLACK_BOT_TOKEN"), _secret(env, "DISCORD_TOKEN"))

    @property
    def platforms(self) -> list[str]:
        """Platforms whose token is set."""
        return [name for name, token in (("slack", self.slack_bot_token), ("discord", self.discord_token)) if token]


def _secret(env: Mapping[str, str], name: str) -> SecretStr | None:
    value = env.get(name, "").strip()
    return SecretStr(value) if value else None
