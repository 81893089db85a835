"""Build the tip service from settings: the store, the schedule, the destinations and their posters."""

from __future__ import annotations

from datetime import timedelta

from bot.config import Settings
from handlers import Handlers
from scheduler.service import Poster, TipService
from scheduler.store import Store
from scheduler.timing import Schedule


class StoreUnavailable(Exception):
    """The database could not be opened; the message names it without its password."""


def destinations(settings: Settings, console: bool) -> list[str]:
    """'slack:C123', 'discord:456' and, in local runs, 'console'."""
    tips = settings.tips
    found = [f"slack:{c}" for c in tips.slack_channels] + [f"discord:{c}" for c in tips.discord_channels]
    return [*found, "console"] if console else found


def open_store(settings: Settings) -> Store:
    """Open DATABASE_URL and create or upgrade the schema, or raise StoreUnavailable with one clear line."""
    try:
        return Store.open(settings.database_url)
    except Exception as exc:  # driver errors differ per database; all become one line
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise StoreUnavailable(f"DATABASE_URL {settings.database_label}: cannot open the database ({reason})") from exc


def build_tips(
    settings: Settings, handlers: Handlers, posters: dict[str, Poster], console: bool, store: Store | None = None
) -> TipService:
    """The tip service, attached to the handlers so 'tip' and the admin commands use its stored rotation."""
    tips = settings.tips
    service = TipService(
        store or open_store(settings),
        handlers,
        Schedule(tips.schedule, tips.timezone),
        destinations(settings, console),
        posters,
        catchup=timedelta(hours=tips.catchup_hours) if tips.catchup_hours is not None else None,
    )
    handlers.attach_tips(service)
    return service
