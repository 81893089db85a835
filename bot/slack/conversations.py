"""Mentions, threads and DMs on Slack: which events to answer, each event once, and not too often.

Slack re-delivers an event it did not see acknowledged within 3 seconds (``X-Slack-Retry-Num``), with the same
``event_id``; bolt does not deduplicate, so ``EventDedupe`` does, in the database when there is one so that replicas
agree. ``bot.ratelimit`` keeps one member (or one busy channel) from making the bot flood a channel.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from scheduler.store import Store

log = logging.getLogger("rolecall.slack")

DEDUPE_TTL = timedelta(minutes=10)  # Slack's retries come within minutes (1 s, 1 min, 5 min)

# Message subtypes are edits, deletions, joins, bot posts and the like: none of them is a question.
ANSWERED_SUBTYPES: frozenset[str] = frozenset()

ADMIN_REFUSAL = "Admin commands are never answered in public: use the slash command, `/rolecall admin ...`."
# What a member over a limit is told, once per window (see bot.ratelimit).
RATE_NOTICE = "You're asking faster than I answer in here: please wait a minute before the next question."
CHANNEL_RATE_NOTICE = "This channel is asking faster than I answer: please wait a minute before the next question."
NOTICES = {"user": RATE_NOTICE, "channel": CHANNEL_RATE_NOTICE}


def question(text: str, bot_user_id: str | None) -> str:
    """The text after the mention: ``<@UBOT> mle vs ds`` -> ``mle vs ds`` (also ``<@UBOT|rolecall>``)."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    return " ".join(text.split())


def is_question(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """A member's own new message: not a bot, not ourselves, not an edit or any other subtype."""
    if event.get("bot_id") or event.get("bot_profile"):
        return False
    if event.get("subtype") is not None and event.get("subtype") not in ANSWERED_SUBTYPES:
        return False
    user = event.get("user")
    return bool(user) and user != bot_user_id


class EventDedupe:
    """One answer per ``event_id``: in the store when there is one (all replicas), else in this process's memory.

    When the store cannot be reached, the memory answers instead: better an answer that might repeat on another
    replica than no answer at all.
    """

    def __init__(self, store: Store | None, ttl: timedelta = DEDUPE_TTL) -> None:
        self._store = store
        self._ttl = ttl
        self._seen: dict[str, float] = {}

    def _first_in_memory(self, event_id: str) -> bool:
        now = time.monotonic()
        for old in [key for key, at in self._seen.items() if now - at > self._ttl.total_seconds()]:
            del self._seen[old]
        if event_id in self._seen:
            return False
        self._seen[event_id] = now
        return True

    async def first(self, event_id: str) -> bool:
        """True the first time ``event_id`` arrives; False for every re-delivery."""
        if self._store is None:
            return self._first_in_memory(event_id)
        try:
            # The store is synchronous (SQLAlchemy Core): keep the event loop free while it answers.
            first = await asyncio.to_thread(
                self._store.first_delivery, f"slack:{event_id}", datetime.now(UTC), self._ttl
            )
        except Exception as exc:  # an unreachable database must not silence the bot
            log.warning("event dedupe: the store failed (%s); deduplicating in memory", type(exc).__name__)
            return self._first_in_memory(event_id)
        if not first:
            # Another delivery (here or on a replica) holds it. Memory is left alone: marking it here could make
            # the holder's own memory check, still to come, fail too, and then nobody would answer.
            return False
        # Also remember it here, so a store that fails later still knows what this process answered.
        return self._first_in_memory(event_id)
