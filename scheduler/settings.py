"""The weekly tip's own settings: when, where, and how long a missed slot may still be caught up.

The scheduler takes these and a database URL, never the process's whole configuration; ``bot.config`` reads them
from the environment (the one place that does) and hands them over.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url

DEFAULT_SCHEDULE = "0 9 * * mon"
DEFAULT_TIMEZONE = "UTC"


@dataclass(frozen=True)
class TipSettings:
    """The weekly tip: when, where, and how long a missed slot may still be caught up."""

    schedule: str = DEFAULT_SCHEDULE
    timezone: str = DEFAULT_TIMEZONE
    slack_channels: tuple[str, ...] = ()
    discord_channels: tuple[str, ...] = ()
    catchup_hours: float | None = None

    def destinations(self, console: bool) -> list[str]:
        """'slack:C123', 'discord:456' and, in local runs, 'console'."""
        found = [f"slack:{c}" for c in self.slack_channels] + [f"discord:{c}" for c in self.discord_channels]
        return [*found, "console"] if console else found


def database_label(url: str) -> str:
    """A database URL with any password hidden, for logs and errors."""
    return make_url(url).render_as_string(hide_password=True)
