"""Per-user and per-channel limits on conversational answers (mentions and DMs), so one member can't flood a channel.

In memory, per process: the Discord adapter runs in exactly one process (one gateway connection), so a count kept
here is the whole count.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable
from enum import Enum

WINDOW_SECONDS = 60.0
USER_ANSWERS_PER_WINDOW = 5  # one member: enough for a conversation, too few to flood
CHANNEL_ANSWERS_PER_WINDOW = 20  # one channel (or DM), all members together


class Verdict(Enum):
    """What to do with one request."""

    ANSWER = "answer"
    NOTICE = "notice"  # over a limit: one short notice, the first time in a window for this user
    DROP = "drop"  # over a limit and already told: say nothing


class ConversationLimits:
    """Sliding one-minute windows per user and per channel, plus at most one notice per user per window."""

    def __init__(
        self,
        per_user: int = USER_ANSWERS_PER_WINDOW,
        per_channel: int = CHANNEL_ANSWERS_PER_WINDOW,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_user = per_user
        self.per_channel = per_channel
        self.window = window
        self.clock = clock
        self._users: dict[str, deque[float]] = defaultdict(deque)
        self._channels: dict[str, deque[float]] = defaultdict(deque)
        self._noticed: dict[str, float] = {}

    def _prune(self, stamps: deque[float], now: float) -> deque[float]:
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        return stamps

    def check(self, user: str, channel: str) -> Verdict:
        """Count an answer for ``user`` in ``channel`` if both are under their limit; else say whether to notice."""
        now = self.clock()
        if len(self._users) > 1024:  # many members in one window: clear the idle ones
            self._forget(now)
        users, channels = self._prune(self._users[user], now), self._prune(self._channels[channel], now)
        if len(users) < self.per_user and len(channels) < self.per_channel:
            users.append(now)
            channels.append(now)
            return Verdict.ANSWER
        # Refused requests are not counted: a member who keeps asking is not locked out past the window.
        last = self._noticed.get(user)
        if last is not None and now - last < self.window:
            return Verdict.DROP
        self._noticed[user] = now
        return Verdict.NOTICE

    def _forget(self, now: float) -> None:
        """Drop idle keys so memory stays bounded by recent activity."""
        for table in (self._users, self._channels):
            for key in [k for k, stamps in table.items() if not self._prune(stamps, now)]:
                del table[key]
        for key in [k for k, at in self._noticed.items() if now - at >= self.window]:
            del self._noticed[key]
