"""The weekly tip service: choose the period's tip once, deliver it exactly once per destination, catch up.

Delivery protocol per (destination, period): claim a ledger row (a primary key, so one claimer wins), send, then
mark it sent with the platform's message id or failed with the error. A crash after the claim leaves a 'claimed'
row that recovery re-sends, after looking in the channel's history for the marked post (a crash after the platform
accepted it and before the ledger recorded it); found, it is recorded as sent instead (README: "The weekly tip").
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from content.schema import Moment
from handlers import Handlers
from handlers.admin import unreachable
from handlers.reply import Reply, Section
from handlers.tip import pick_for_week, tip_reply
from scheduler.store import Choice, Delivery, Store
from scheduler.timing import Period, Schedule

log = logging.getLogger("rolecall.tips")

LOOKBACK_PERIODS = 8  # how far back a restart looks for periods to record as missed
DEFAULT_RETRY_DELAYS = (2.0, 10.0, 30.0)  # seconds between attempts; a platform's Retry-After wins when larger
DEFAULT_LEASE = timedelta(minutes=3)  # longer than all attempts of one send together


class Poster(Protocol):
    """What an adapter offers the scheduler: post a neutral reply to a channel, return the message id.

    ``week`` and ``destination`` identify a tip: the poster marks the message with them (Slack message metadata,
    a Discord nonce and embed footer) so that ``find`` (optional) can look for it in the channel's history.
    """

    async def post(
        self, channel: str, reply: Reply, week: str | None = None, destination: str | None = None
    ) -> str: ...


class HistoryUnavailable(Exception):
    """A poster could not read a channel's history; the message names the scope or permission it needs."""


def owner_id() -> str:
    """This process, as a claim owner: host and pid, so a restart on the same host can tell its dead predecessor."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_is_dead(owner: str | None) -> bool:
    if not owner or ":" not in owner:
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def describe(exc: BaseException) -> str:
    """A short, single-line error for the ledger and status: the platform's error code when it gives one."""
    response = getattr(exc, "response", None)
    code = response.get("error") if response is not None and isinstance(getattr(response, "data", None), dict) else None
    if isinstance(code, str):
        return f"{type(exc).__name__}: {code}"
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else 'no details'}"[:500]


def retry_after(exc: BaseException) -> float | None:
    """A platform's requested wait, if the error carries one (slack-sdk and discord.py both expose it)."""
    value = getattr(exc, "retry_after", None)
    if isinstance(value, int | float):
        return float(value)
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class TipService:
    """Implements handlers.desks.TipDesk; the jobs in scheduler.jobs call ``sweep``."""

    def __init__(
        self,
        store: Store,
        handlers: Handlers,
        schedule: Schedule,
        destinations: Sequence[str],
        posters: dict[str, Poster],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        catchup: timedelta | None = None,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        lease: timedelta = DEFAULT_LEASE,
        owner: str | None = None,
    ) -> None:
        self.store = store
        self.handlers = handlers
        self.schedule = schedule
        self.destinations = list(destinations)
        self.posters = posters
        self.clock = clock
        self.catchup = catchup
        self.retry_delays = tuple(retry_delays)
        self.lease = lease
        self.owner = owner or owner_id()
        self._first_seen: dict[str, datetime] = {}
        self._known: dict[str, str] = {}
        self._history_warned: set[str] = set()  # period label -> moment key, as last read from the store
        self._tasks: set[asyncio.Task] = set()

    # -- choosing ------------------------------------------------------------------------------------------

    def order(self) -> list[str]:
        """The rotation order: a stable shuffle, so consecutive tips come from different episodes."""
        keys = self.handlers.library.content.moments
        return sorted(keys, key=lambda key: hashlib.sha256(key.encode()).hexdigest())

    def tip_for(self, period: Period) -> tuple[Moment, Choice]:
        """The period's tip: chosen once, stored, the same for every destination and replica."""
        moments = self.handlers.library.content.moments
        for _ in range(3):
            choice = self.store.choose(period.label, self.order(), self.clock())
            if choice.moment_key in moments:
                self._known[period.label] = choice.moment_key
                return moments[choice.moment_key], choice
            # The stored moment was removed from the content: choose again unless it already went out somewhere.
            if any(d.state == "sent" for d in self.store.deliveries(period.label)):
                break
            self.store.replace_choice(period.label)
            self._known.pop(period.label, None)
        raise LookupError(f"the tip for {period.label} ({choice.moment_key}) is no longer in the content")

    def reply_for(self, period: Period) -> Reply:
        moment, _ = self.tip_for(period)
        return tip_reply(self.handlers.library, moment, period.label)

    def tip_reply(self) -> Reply:
        """This period's tip (TipDesk), for members: from memory, so it never waits on the database.

        The stored choice is remembered per period and refreshed by every sweep (and by local skips and pins), so
        a choice changed on another replica shows here within one sweep. Before anything is remembered it is read
        once; if the database is down then, members get the content's own stable pick for the week.
        """
        period = self.schedule.period(self.clock())
        key = self._known.get(period.label)
        moments = self.handlers.library.content.moments
        if key is not None and key in moments:
            return tip_reply(self.handlers.library, moments[key], period.label)
        try:
            return self.reply_for(period)
        except SQLAlchemyError:
            return tip_reply(self.handlers.library, pick_for_week(self.handlers.library, period.start), period.label)

    def refresh(self) -> None:
        """Remember the current period's stored choice (sweeps call this; it reads the database)."""
        period = self.schedule.period(self.clock())
        self._known.pop(period.label, None)
        self.tip_for(period)

    def upcoming(self, now: datetime) -> Period:
        """The period whose tip goes out next: this one until it has been delivered anywhere, then the next."""
        period = self.schedule.period(now)
        if any(d.state == "sent" for d in self.store.deliveries(period.label)):
            return self.schedule.next_period(period)
        return period

    # -- delivering ----------------------------------------------------------------------------------------

    def _window_end(self, period: Period, slot: datetime) -> datetime:
        if self.catchup is None:
            return period.end
        return min(period.end, slot + self.catchup)

    def _registered(self, destination: str, now: datetime) -> datetime:
        if destination not in self._first_seen:
            self._first_seen[destination] = self.store.register(destination, now)
        return self._first_seen[destination]

    async def sweep(self) -> list[tuple[str, str, str]]:
        """Recover stale claims, deliver every due tip, record missed ones. Returns (destination, period, state)."""
        now = self.clock()
        jobs = []
        for row in self.store.claimed():
            if row.destination not in self.destinations:
                continue
            dead = _owner_is_dead(row.owner)
            if (dead or (row.lease_until is not None and row.lease_until < now)) and self.store.take_over(
                row.destination,
                row.period,
                self.owner,
                now,
                self.lease,
                ["claimed"],
                dead_owner=row.owner if dead else None,
            ):
                log.warning("recovering %s for %s, claimed by %s", row.period, row.destination, row.owner)
                jobs.append(self._send(row.destination, self.schedule.period_of(row.period), recovering=True))
        current = self.schedule.period(now)
        for destination in self.destinations:
            first_seen = self._registered(destination, now)
            period = current
            for _ in range(LOOKBACK_PERIODS):
                slot = self.schedule.slot(period)
                if slot is not None and slot <= now and self.store.delivery(destination, period.label) is None:
                    if now < self._window_end(period, slot):
                        if self.store.claim(
                            destination, period.label, self.tip_for(period)[1].moment_key, self.owner, now, self.lease
                        ):
                            jobs.append(self._send(destination, period))
                    elif slot >= first_seen and self.store.record_missed(destination, period.label, now):
                        log.warning("tip for %s missed at %s: recorded", period.label, destination)
                period = self.schedule.previous_period(period)
                if period.end <= first_seen:
                    break
        return list(await asyncio.gather(*jobs))

    async def _find(self, poster: Poster, channel: str, week: str, destination: str) -> str | None:
        """The id of this week's tip already in the channel, or None (also when history cannot be read)."""
        find = getattr(poster, "find", None)
        if find is None:
            return None
        try:
            return await find(channel, week, destination)
        except HistoryUnavailable as exc:
            if destination not in self._history_warned:  # one warning per destination, not one per sweep
                self._history_warned.add(destination)
                log.warning("%s; re-sending the tip to %s may post it twice", exc, destination)
            return None

    async def _send(self, destination: str, period: Period, recovering: bool = False) -> tuple[str, str, str]:
        """Send a claimed delivery with retries; one destination's failures never delay another's (gathered).

        ``recovering``: the claim was taken over from a process that died or whose lease ran out, so the
        channel's history is checked for the tip before posting it again.
        """
        platform, _, channel = destination.partition(":")
        poster = self.posters.get(platform)
        if poster is None:
            return self._failed(destination, period, "no poster for this platform is running")
        try:
            reply = self.reply_for(period)
        except LookupError as exc:
            return self._failed(destination, period, str(exc))
        error = ""
        for attempt in range(len(self.retry_delays) + 1):
            if recovering or attempt > 0:
                # A crashed process, or a failed attempt, may have had its post accepted all the same: look first.
                found = await self._find(poster, channel, period.label, destination)
                if found is not None:
                    self.store.finish(destination, period.label, self.owner, self.clock(), message_id=found)
                    log.warning(
                        "tip %s was already in %s as %s: recorded, not posted again", period.label, destination, found
                    )
                    return destination, period.label, "sent"
            self.store.attempt(destination, period.label, self.clock())
            try:
                message_id = await poster.post(channel, reply, week=period.label, destination=destination)
            except Exception as exc:  # platform errors vary; each is recorded, none crashes the scheduler
                error = describe(exc)
                if attempt == len(self.retry_delays):
                    break
                delay = max(self.retry_delays[attempt], retry_after(exc) or 0.0)
                log.warning("tip to %s failed (%s); retrying in %.0fs", destination, error, delay)
                await asyncio.sleep(delay)
                continue
            self.store.finish(destination, period.label, self.owner, self.clock(), message_id=message_id)
            log.info("tip %s posted to %s as %s", period.label, destination, message_id)
            return destination, period.label, "sent"
        return self._failed(destination, period, error)

    def _failed(self, destination: str, period: Period, error: str) -> tuple[str, str, str]:
        self.store.finish(destination, period.label, self.owner, self.clock(), error=error)
        log.error("tip %s to %s failed: %s", period.label, destination, error)
        return destination, period.label, "failed"

    async def post_now(self) -> list[tuple[str, str, str]]:
        """Deliver this period's tip now wherever it is not delivered yet (failed and missed ones included)."""
        now = self.clock()
        period = self.schedule.period(now)
        jobs = []
        for destination in self.destinations:
            row = self.store.delivery(destination, period.label)
            if row is None:
                taken = self.store.claim(
                    destination, period.label, self.tip_for(period)[1].moment_key, self.owner, now, self.lease
                )
            else:
                taken = self.store.take_over(
                    destination, period.label, self.owner, now, self.lease, ["failed", "missed"]
                )
            if taken:
                jobs.append(self._send(destination, period))
        return list(await asyncio.gather(*jobs))

    # -- moderators (TipDesk) ------------------------------------------------------------------------------

    def admin_tip(self, args: str) -> Reply:
        """'preview', 'post-now', 'skip' or 'pin <moment>'; one line when the database is unreachable."""
        try:
            return self._admin_tip(args)
        except SQLAlchemyError:
            return unreachable()

    def _admin_tip(self, args: str) -> Reply:
        verb, _, rest = args.strip().partition(" ")
        verb = verb.lower()
        now = self.clock()
        if verb == "post-now":
            return self._start_post_now()
        if verb == "skip":
            period = self.upcoming(now)
            _, choice = self.tip_for(period)
            self.store.skip(choice, now)
            self._known.pop(period.label, None)
            moment, _ = self.tip_for(period)
            return Reply(
                "admin",
                f"Skipped for {period.label}",
                (Section(text=f"Skipped {choice.moment_key}. Next up: {moment.key} ({moment.topic})."),),
            )
        if verb == "pin":
            hit = self.handlers.library.resolver.resolve(rest).hit if rest else None
            if hit is None or hit.kind != "moment":
                text = "Name a moment, for example: admin tip pin ml-production@44:23"
                return Reply("admin", "Which moment?", (Section(text=text),))
            period = self.upcoming(now)
            self.store.pin(hit.id, now)
            if not self.store.deliveries(period.label):
                self.store.replace_choice(period.label)  # nothing delivered yet: the pin takes this period
                self._known.pop(period.label, None)
            return Reply("admin", f"Pinned {hit.id}", (Section(text=f"It goes out as the next tip: {hit.label}."),))
        if verb in ("", "preview"):
            period = self.upcoming(now)
            reply = self.reply_for(period)
            slot = self.schedule.slot(period)
            when = slot.strftime("%a %Y-%m-%d %H:%M %Z") if slot else "no slot in that week"
            where = ", ".join(self.destinations) or "no destinations configured"
            note = Section("Preview", f"Posts for {period.label} at {when} to: {where}.")
            return Reply(reply.kind, reply.title, (note, *reply.sections), reply.citations, ref=reply.ref)
        return Reply("admin", "Tip commands", (Section(items=("preview", "post-now", "skip", "pin <moment>")),))

    def _start_post_now(self) -> Reply:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self._post_now_reply(asyncio.run(self.post_now()))
        if not self.destinations:
            return self._post_now_reply([])
        task = loop.create_task(self.post_now())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return Reply("admin", "Posting now", (Section(text="See `admin status` for the result."),))

    def _post_now_reply(self, results: list[tuple[str, str, str]]) -> Reply:
        """Title by what happened: "Posted" only when something was."""
        if not self.destinations:
            text = "No tip destinations here: set TIP_SLACK_CHANNELS or TIP_DISCORD_CHANNELS."
            return Reply("admin", "Nothing posted", (Section(text=text),))
        if not results:
            return Reply("admin", "Nothing posted", (Section(text="This week's tip is already delivered everywhere."),))
        sent = sum(state == "sent" for _, _, state in results)
        title = "Posted" if sent == len(results) else f"Posted to {sent} of {len(results)}"
        return Reply("admin", title, (Section(items=tuple(f"{d}: {state}" for d, _, state in results)),))

    def admin_status(self) -> Reply:
        """Next slot per destination, and the latest deliveries with their state (TipDesk)."""
        try:
            return self._admin_status()
        except SQLAlchemyError:
            return unreachable()

    def _admin_status(self) -> Reply:
        now = self.clock()
        period = self.schedule.period(now)
        slot = self.schedule.next_slot(now)
        upcoming = self.upcoming(now)
        next_tip = self.tip_for(upcoming)[0]
        when = f"next slot {slot:%a %Y-%m-%d %H:%M %Z}" if slot else "no slot"
        lines = [f"{destination}: {when}" for destination in self.destinations]
        recent = [self._describe(row) for row in self.store.deliveries(limit=20)]
        sections = (
            Section(
                text=f"This week is {period.label}. Next tip ({upcoming.label}): {next_tip.key}: {next_tip.topic}."
            ),
            Section("Destinations", items=tuple(lines) or ("none configured",)),
            Section("Latest deliveries", items=tuple(recent) or ("none yet",)),
        )
        return Reply("admin", "Weekly tip status", sections)

    @staticmethod
    def _describe(row: Delivery) -> str:
        detail = row.message_id if row.state == "sent" else (row.error or row.owner or "")
        return f"{row.period} {row.destination}: {row.state} ({row.moment_key or '-'}) {detail}".rstrip()
