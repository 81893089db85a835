"""The weekly tip with a controlled clock: rotation, exactly-once delivery, catch-up, pin/skip, faults."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import remove_moment
from fakes.slack_api import FakeSlack
from pydantic import SecretStr

from bot.config import SlackSettings
from bot.slack.app import web_client
from bot.slack.poster import SlackPoster
from content.library import Library
from handlers import Handlers
from handlers.asker import Asker
from scheduler.console import ConsolePoster
from scheduler.service import TipService
from scheduler.store import Store
from scheduler.timing import Schedule


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def slack_poster(fake: FakeSlack) -> SlackPoster:
    settings = SlackSettings(SecretStr("xoxb-test"), signing_secret=SecretStr("s"), api_url=fake.api_url)
    return SlackPoster(web_client(settings))


def service(
    tmp_path: Path,
    library: Library,
    posters: dict,
    destinations: list[str],
    clock: Clock,
    schedule: Schedule | None = None,
    **kwargs,
) -> TipService:
    handlers = Handlers(library, clock=clock)
    tips = TipService(
        Store.open(f"sqlite:///{tmp_path / 'tips.db'}"),
        handlers,
        schedule or Schedule("0 9 * * mon", "UTC"),
        destinations,
        posters,
        clock=clock,
        retry_delays=(0.01, 0.01),
        **kwargs,
    )
    handlers.attach_tips(tips)
    return tips


def posted_moments(fake: FakeSlack, channel: str) -> list[str]:
    return [m["blocks"][0]["text"]["text"] for m in fake.accepted("chat.postMessage") if m["channel"] == channel]


@pytest.mark.parametrize("crontab", ["30 2 * * sun", "0 9 * * mon"])
async def test_sixty_five_weeks_across_both_dst_changes_post_exactly_once(
    tmp_path: Path, library: Library, fake: FakeSlack, crontab: str
) -> None:
    """Europe/Berlin: 02:30 on Sunday does not exist in March and happens twice in October."""
    schedule = Schedule(crontab, "Europe/Berlin")
    clock = Clock(datetime(2026, 1, 5, tzinfo=UTC))
    console_out = io.StringIO()
    tips = service(
        tmp_path,
        library,
        {"slack": slack_poster(fake), "console": ConsolePoster(console_out)},
        ["slack:CTIPS", "console"],
        clock,
        schedule,
    )
    weeks = 65
    end = clock.now + timedelta(weeks=weeks)
    fire, checks = None, []
    while True:  # every time APScheduler's trigger would fire (twice in the October overlap), plus hourly sweeps
        fire = schedule.trigger.get_next_fire_time(fire, (fire or clock.now) + timedelta(seconds=1))
        if fire >= end:
            break
        checks.append(fire)
    checks += [clock.now + timedelta(hours=h) for h in range(0, weeks * 7 * 24, 7)]
    for moment in sorted(checks):
        clock.now = moment
        await tips.sweep()
    deliveries = tips.store.deliveries(limit=1000)
    per_destination = Counter(d.destination for d in deliveries if d.state == "sent")
    assert per_destination == {"slack:CTIPS": weeks, "console": weeks}
    assert Counter((d.destination, d.period) for d in deliveries).most_common(1)[0][1] == 1
    titles = posted_moments(fake, "CTIPS")
    assert len(titles) == weeks
    keys = [c.moment_key for c in tips.store.history()]
    moments = len(library.content.moments)
    cycle_one, cycle_two = keys[:moments], keys[moments : 2 * moments]
    assert len(set(cycle_one)) == len(cycle_one)  # no repeat until every moment has been posted
    assert len(set(cycle_two)) == len(cycle_two)  # and the next cycle starts fresh
    assert console_out.getvalue().count("[weekly tip]") == weeks
    # Every destination got the same tip in the same week.
    by_period = {}
    for d in deliveries:
        by_period.setdefault(d.period, set()).add(d.moment_key)
    assert all(len(keys) == 1 for keys in by_period.values())


async def test_rotation_survives_content_edits(tmp_path: Path, content_dir: Path, fake: FakeSlack) -> None:
    clock = Clock(datetime(2026, 6, 1, 10, tzinfo=UTC))  # a Monday after the slot
    first = Library.load(content_dir)
    tips = service(tmp_path, first, {"console": ConsolePoster(io.StringIO())}, ["console"], clock)
    await tips.sweep()
    posted = tips.store.history()[0].moment_key
    # Remove the next moment in line and add a new one, then keep going for a full rotation.
    # (an uncited one: removing a cited moment is a content error that `content check` reports)
    upcoming = next(k for k in tips.order() if k != posted and not first.content.cited_by(k))
    remove_moment(content_dir, upcoming)
    episode_id = upcoming.split("@")[0]
    path = content_dir / "episodes" / f"{episode_id}.yaml"
    path.write_text(
        path.read_text() + '  - at: "59:59"\n    topic: A new moment\n    summary: Added later.\n    keywords: [new]\n'
    )
    edited = Library.load(content_dir)
    tips.handlers._library = lambda: edited
    for week in range(1, len(edited.content.moments) + 1):
        clock.now = datetime(2026, 6, 1, 10, tzinfo=UTC) + timedelta(weeks=week)
        await tips.sweep()
    keys = [c.moment_key for c in tips.store.history()]
    assert upcoming not in keys
    assert f"{episode_id}@59:59" in keys
    cycle_one = keys[: len(edited.content.moments)]
    assert len(cycle_one) == len(set(cycle_one))


async def test_pin_and_skip(tmp_path: Path, library: Library) -> None:
    clock = Clock(datetime(2026, 6, 1, 8, tzinfo=UTC))  # Monday before the slot
    out = io.StringIO()
    tips = service(tmp_path, library, {"console": ConsolePoster(out)}, ["console"], clock)
    handlers = tips.handlers
    moderator = Asker("slack", moderator=True)
    first = tips.tip_for(tips.schedule.period(clock.now))[0].key
    skipped = handlers.handle("admin tip skip", moderator)
    assert skipped.title == "Skipped for 2026-W23" and first in skipped.plain_text()
    second = tips.tip_for(tips.schedule.period(clock.now))[0].key
    assert second != first
    pinned = handlers.handle("admin tip pin ben wilson 44:23", moderator)
    assert pinned.title == "Pinned ml-production@44:23"
    preview = handlers.handle("admin tip preview", moderator)
    assert preview.kind == "tip" and preview.ref == "ml-production@44:23"
    assert preview.sections[0].text.startswith("Posts for 2026-W23 at Mon 2026-06-01 09:00 UTC to: console")
    clock.now = datetime(2026, 6, 1, 9, 1, tzinfo=UTC)
    await tips.sweep()
    assert "SQL or statistics before deep learning" in out.getvalue()
    assert handlers.handle("tip").ref == "ml-production@44:23"  # members see the same tip
    # The skipped moment does not come back in this rotation.
    for week in range(1, len(library.content.moments)):
        clock.now = datetime(2026, 6, 1, 9, 1, tzinfo=UTC) + timedelta(weeks=week)
        await tips.sweep()
    keys = [c.moment_key for c in tips.store.history()]
    assert first not in keys[: len(library.content.moments) - 1]
    assert handlers.handle("admin tip pin volcano", moderator).title == "Which moment?"
    assert handlers.handle("admin tip", Asker("slack")).kind == "refused"


async def test_429_with_retry_after_then_success_posts_once(tmp_path: Path, library: Library, fake: FakeSlack) -> None:
    fake.failures["chat.postMessage"].append((429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}))
    clock = Clock(datetime(2026, 6, 1, 9, 30, tzinfo=UTC))
    tips = service(tmp_path, library, {"slack": slack_poster(fake)}, ["slack:CTIPS"], clock)
    assert await tips.sweep() == [("slack:CTIPS", "2026-W23", "sent")]
    assert [c.status for c in fake.calls if c.method == "chat.postMessage"] == [429, 200]
    row = tips.store.delivery("slack:CTIPS", "2026-W23")
    assert row.state == "sent" and row.message_id == "1700000000.000001"


async def test_a_failing_destination_does_not_block_the_others(
    tmp_path: Path, library: Library, fake: FakeSlack
) -> None:
    for _ in range(3):  # every attempt of the first delivery fails
        fake.failures["chat.postMessage"].append((200, {}, {"ok": False, "error": "channel_not_found"}))
    clock = Clock(datetime(2026, 6, 1, 9, 30, tzinfo=UTC))
    out = io.StringIO()
    tips = service(
        tmp_path,
        library,
        {"slack": slack_poster(fake), "console": ConsolePoster(out)},
        ["slack:CGONE", "console"],
        clock,
    )
    results = sorted(await tips.sweep())
    assert results == [("console", "2026-W23", "sent"), ("slack:CGONE", "2026-W23", "failed")]
    failed = tips.store.delivery("slack:CGONE", "2026-W23")
    assert failed.attempts == 3 and failed.error == "SlackApiError: channel_not_found"
    status = tips.handlers.handle("admin status", Asker("slack", moderator=True)).plain_text()
    assert "2026-W23 slack:CGONE: failed" in status and "channel_not_found" in status
    assert "2026-W23 console: sent" in status
    # A later sweep does not silently retry or duplicate; post-now retries the failed one on purpose.
    assert await tips.sweep() == []
    assert await tips.post_now() == [("slack:CGONE", "2026-W23", "sent")]
    assert out.getvalue().count("[weekly tip]") == 1


async def test_catchup_window_and_missed_weeks_are_recorded(tmp_path: Path, library: Library) -> None:
    clock = Clock(datetime(2026, 6, 1, 8, tzinfo=UTC))
    out = io.StringIO()
    tips = service(tmp_path, library, {"console": ConsolePoster(out)}, ["console"], clock, catchup=timedelta(hours=2))
    await tips.sweep()  # first seen before the slot: nothing due yet
    clock.now = datetime(2026, 6, 1, 10, 30, tzinfo=UTC)  # within two hours of 09:00
    assert await tips.sweep() == [("console", "2026-W23", "sent")]
    clock.now = datetime(2026, 6, 8, 12, 0, tzinfo=UTC)  # down over the next slot and past its window
    assert await tips.sweep() == []
    assert tips.store.delivery("console", "2026-W24").state == "missed"
    clock.now = datetime(2026, 6, 29, 9, 5, tzinfo=UTC)  # back three weeks later: W25 and W26 missed, W27 due
    assert await tips.sweep() == [("console", "2026-W27", "sent")]
    states = {d.period: d.state for d in tips.store.deliveries()}
    assert states == {
        "2026-W23": "sent",
        "2026-W24": "missed",
        "2026-W25": "missed",
        "2026-W26": "missed",
        "2026-W27": "sent",
    }
    assert "2026-W25 console: missed" in tips.admin_status().plain_text()


async def test_weeks_before_a_destination_existed_are_not_missed(tmp_path: Path, library: Library) -> None:
    clock = Clock(datetime(2026, 6, 3, 12, tzinfo=UTC))  # Wednesday: this week's slot passed before we existed
    tips = service(tmp_path, library, {"console": ConsolePoster(io.StringIO())}, ["console"], clock)
    assert await tips.sweep() == [("console", "2026-W23", "sent")]  # caught up: the week is still open
    assert [d.period for d in tips.store.deliveries()] == ["2026-W23"]


async def test_stale_claim_of_another_replica_is_taken_over_after_its_lease(tmp_path: Path, library: Library) -> None:
    clock = Clock(datetime(2026, 6, 1, 9, 30, tzinfo=UTC))
    out = io.StringIO()
    tips = service(tmp_path, library, {"console": ConsolePoster(out)}, ["console"], clock)
    assert tips.store.claim("console", "2026-W23", "x@1:00", "elsewhere:1", clock.now, timedelta(minutes=3))
    assert await tips.sweep() == []  # the other replica may still be sending
    clock.now += timedelta(minutes=4)
    assert await tips.sweep() == [("console", "2026-W23", "sent")]
    assert out.getvalue().count("[weekly tip]") == 1


async def test_real_apscheduler_fires_the_slot(tmp_path: Path, library: Library) -> None:
    """The AsyncIOScheduler job, with the wall clock moved by time-machine (monotonic time is left alone)."""
    import asyncio

    import time_machine

    from scheduler.jobs import TipScheduler

    out = io.StringIO()
    with time_machine.travel(datetime(2026, 6, 1, 8, 59, 58, tzinfo=UTC), tick=True):
        tips = service(tmp_path, library, {"console": ConsolePoster(out)}, ["console"], Clock(datetime.now(UTC)))
        tips.clock = lambda: datetime.now(UTC)
        jobs = TipScheduler(tips)
        await jobs.start()
        try:
            assert out.getvalue() == ""  # before the slot: nothing to catch up
            for _ in range(100):
                await asyncio.sleep(0.05)
                if "[weekly tip]" in out.getvalue():
                    break
        finally:
            jobs.stop()
    assert out.getvalue().count("[weekly tip]") == 1
    assert tips.store.delivery("console", "2026-W23").state == "sent"


def test_fire_times_always_move_forward_through_the_dst_fold() -> None:
    """agronholm/apscheduler#1021: the plain CronTrigger returns 02:30+01:00 forever after the repeated hour."""
    schedule = Schedule("30 2 * * sun", "Europe/Berlin")
    fire = schedule.trigger.get_next_fire_time(None, datetime(2026, 10, 24, tzinfo=UTC))
    seen = []
    for _ in range(4):
        seen.append(fire.astimezone(UTC).isoformat())
        fire = schedule.trigger.get_next_fire_time(fire, fire)
    assert seen == [
        "2026-10-25T00:30:00+00:00",
        "2026-10-25T01:30:00+00:00",
        "2026-11-01T01:30:00+00:00",
        "2026-11-08T01:30:00+00:00",
    ]


def test_a_week_label_names_its_period_however_old() -> None:
    """Recovering an old claim must post for that week, never for the current one."""
    schedule = Schedule("0 9 * * mon", "Europe/Berlin")
    for now in (
        datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2026, 3, 29, 12, tzinfo=UTC),
        datetime(2026, 12, 31, tzinfo=UTC),
    ):
        period = schedule.period(now)
        assert schedule.period_of(period.label) == period
    assert schedule.period_of("2020-W53").label == "2020-W53"


def test_post_now_is_titled_by_what_it_posted(tmp_path: Path, library: Library) -> None:
    """Called outside an event loop (as `rolecall ask`): "Posted" only when something was posted."""
    clock = Clock(datetime(2026, 6, 1, 10, tzinfo=UTC))
    nowhere = service(tmp_path, library, {}, [], clock)
    assert nowhere.admin_tip("post-now").title == "Nothing posted"
    out = io.StringIO()
    console = service(tmp_path / "c", library, {"console": ConsolePoster(out)}, ["console"], clock)
    assert console.admin_tip("post-now").title == "Posted"
    again = console.admin_tip("post-now")
    assert again.title == "Nothing posted" and "already delivered" in again.plain_text()
    assert out.getvalue().count("[weekly tip]") == 1
