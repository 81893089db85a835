"""Per-user and per-channel limits on conversational answers (mentions and DMs), so one member can't flood a channel.

One rule for both platforms. Kept in memory, per process: each replica limits what it answers itself, which bounds
a flood to replicas x limit (the Discord adapter runs in exactly one process, so there it is the whole count).
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Literal

WINDOW_SECONDS = 60.0
USER_ANSWERS_PER_WINDOW = 5  # one member, across channels and DMs: enough for a conversation, too few to flood
CHANNEL_ANSWERS_PER_WINDOW = 20  # one channel (or DM), all members together
MAX_TRACKED = 10_000  # users and channels kept in memory before quiet ones are dropped

Over = Literal["user", "channel"]


class ConversationLimits:
    """Sliding one-minute windows per user and per channel, with one notice per user or channel per window."""

    def __init__(
        self,
        per_user: int = USER_ANSWERS_PER_WINDOW,
        per_channel: int = CHANNEL_ANSWERS_PER_WINDOW,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits: dict[Over, int] = {"user": per_user, "channel": per_channel}
        self._window = window
        self.clock = clock  # public: tests move time forward
        self._answers: dict[str, deque[float]] = defaultdict(deque)
        self._noticed: dict[str, float] = {}

    def check(self, user: str, channel: str) -> tuple[bool, Over | None]:
        """(allowed, notice): an allowed answer is counted; a refusal names the limit the first time, else None.

        Refused requests are not counted: a member who keeps asking is not locked out past the window."""
        now = self.clock()
        keys: dict[Over, str] = {"user": f"user:{user}", "channel": f"channel:{channel}"}
        for kind, key in keys.items():
            answers = self._answers[key]
            while answers and now - answers[0] >= self._window:
                answers.popleft()
            if len(answers) >= self._limits[kind]:
                # One notice per key until the window frees a slot: more would be its own flood.
                if now - self._noticed.get(key, -self._window) < self._window:
                    return False, None
                self._noticed[key] = now
                return False, kind
        for key in keys.values():
            self._answers[key].append(now)
        if len(self._answers) > MAX_TRACKED:
            # Members and channels that went quiet leave empty windows behind: drop them, keep memory bounded.
            for key in [key for key, times in self._answers.items() if not times or now - times[-1] >= self._window]:
                del self._answers[key]
                self._noticed.pop(key, None)
        return True, None
