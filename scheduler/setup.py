"""Build the tip service from its own settings: the store, the schedule, the destinations and their posters."""

from __future__ import annotations

from datetime import timedelta

from handlers import Handlers
from scheduler.service import Poster, TipService
from scheduler.settings import TipSettings, database_label
from scheduler.store import Store
from scheduler.timing import Schedule


class StoreUnavailable(Exception):
    """The database could not be opened; the message names it without its password."""


def open_store(database_url: str) -> Store:
    """Open DATABASE_URL and create or upgrade the schema, or raise StoreUnavailable with one clear line."""
    try:
        return Store.open(database_url)
    except Exception as exc:  # driver errors differ per database; all become one line
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        label = database_label(database_url)
        raise StoreUnavailable(f"DATABASE_URL {label}: cannot open the database ({reason})") from exc


def build_tips(
    tips: TipSettings, store: Store, handlers: Handlers, posters: dict[str, Poster], console: bool
) -> TipService:
    """The tip service, attached to the handlers so 'tip' and the admin commands use its stored rotation."""
    service = TipService(
        store,
        handlers,
        Schedule(tips.schedule, tips.timezone),
        tips.destinations(console),
        posters,
        catchup=timedelta(hours=tips.catchup_hours) if tips.catchup_hours is not None else None,
    )
    handlers.attach_tips(service)
    return service
