"""What handlers need from the tip scheduler, as a protocol: handlers never import the scheduler."""

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
