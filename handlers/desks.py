"""What handlers need from the rest of the process, as protocols: handlers never import the scheduler or the bot."""

from __future__ import annotations

from typing import Protocol

from handlers.reply import Reply


class TipDesk(Protocol):
    """Implemented by scheduler.service.TipService."""

    def tip_reply(self) -> Reply:
        """This period's tip, as members and channels see it."""
        ...

    def admin_tip(self, args: str) -> Reply:
        """'preview', 'post-now', 'skip' or 'pin <moment>'."""
        ...

    def admin_status(self) -> Reply:
        """Next slot per destination and the latest deliveries with their state."""
        ...


class ReloadDesk(Protocol):
    """Implemented by operations.reload.ContentReloader."""

    def reload(self, who: str) -> Reply:
        """Load and validate the content again; swap it in only if it is valid."""
        ...


class MissDesk(Protocol):
    """Implemented by operations.querylog.QueryLog."""

    def misses_reply(self, days: int, limit: int) -> Reply:
        """The most frequent unanswered or low-confidence queries."""
        ...
