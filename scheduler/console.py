"""The console as a tip destination, for local runs: the tip is printed where the operator is typing."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TextIO

from handlers.reply import Reply


class ConsolePoster:
    """Prints the tip; its message id is the time it was printed."""

    platform = "console"

    def __init__(self, out: TextIO | None = None) -> None:
        self._out = out

    async def post(self, channel: str, reply: Reply, week: str | None = None, destination: str | None = None) -> str:
        """Print the tip (a terminal has no history to mark or search)."""
        out = self._out or sys.stdout
        out.write(f"\n[weekly tip]\n{reply.plain_text()}\n\n")
        out.flush()
        return f"console-{datetime.now(UTC):%Y%m%dT%H%M%S}"
