"""A crash while the platform holds the tip's post: kill -9, restart, exactly one post per channel.

Real bot processes against the loopback fakes. The fake accepts the post at once (it is in the channel) but holds
its answer, so the bot dies before it could record the message id: the window the ledger alone cannot close.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bot_process import bot_env, clean_env, posts, start_bot
from fakes.discord_api import CHANNEL_ID, FakeDiscord
from fakes.slack_api import FakeSlack
from test_tips import slack_poster

from bot.discord.poster import MAX_NONCE, tip_nonce
from content.library import Library
from handlers import Handlers
from scheduler.service import TipService
from scheduler.store import Store
from scheduler.timing import Schedule

NOW = "2026-06-01T11:00:00+00:00"  # Monday, two hours after the 09:00 slot of 2026-W23
OTHER_CHANNEL = "100000000000000044"


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


def ledger(db: str) -> list[tuple[str, str, str | None]]:
    store = Store.open(db)
    try:
        return sorted((d.destination, d.state, d.message_id) for d in store.deliveries("2026-W23"))
    finally:
        store.close()


async def crash_while_held(env: dict[str, str], cwd: Path, posted: int, count) -> None:  # type: ignore[no-untyped-def]
    """Start a bot, wait until ``posted`` posts reached the fake (which holds its answers), then SIGKILL it."""
    bot = await start_bot(env, cwd)
    for _ in range(600):
        if count() >= posted:
            break
        await asyncio.sleep(0.05)
    assert count() == posted, "the bot never posted"
    bot.process.kill()
    assert await bot.process.wait() == -9


async def restart(env: dict[str, str], cwd: Path) -> None:
    bot = await start_bot(env, cwd)
    try:
        await bot.wait_ready()  # ready only after the start-up sweep (and its recovery) ran
    finally:
        assert await bot.stop() == 0


async def test_slack_kill_9_while_slack_holds_the_post_then_restart_posts_once(fake: FakeSlack, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'tips.db'}"
    fake.hold_posts = asyncio.Event()
    await crash_while_held(bot_env(fake, db, NOW), tmp_path, 2, lambda: len(posts(fake)))
    fake.hold_posts.set()
    fake.hold_posts = None
    original = {channel: [m["ts"] for m in messages] for channel, messages in fake.history.items()}
    assert sorted(original) == ["CTIPS1", "CTIPS2"]
    await restart(bot_env(fake, db, "2026-06-01T11:01:00+00:00"), tmp_path)
    assert sorted(channel for channel, _ in posts(fake)) == ["CTIPS1", "CTIPS2"]  # nothing posted twice
    assert {channel: [m["ts"] for m in messages] for channel, messages in fake.history.items()} == original
    (ts1,), (ts2,) = original["CTIPS1"], original["CTIPS2"]
    assert ledger(db) == [("slack:CTIPS1", "sent", ts1), ("slack:CTIPS2", "sent", ts2)]  # the original messages
    metadata = fake.accepted("chat.postMessage")[0]["metadata"]
    assert metadata["event_type"] == "rolecall_tip" and metadata["event_payload"]["week"] == "2026-W23"
    history_reads = fake.accepted("conversations.history")
    assert history_reads and all(str(r["include_all_metadata"]).lower() in ("1", "true") for r in history_reads)


async def test_discord_kill_9_while_discord_holds_the_post_then_restart_posts_once(
    discord_fake: FakeDiscord, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'tips.db'}"

    def env(now: str) -> dict[str, str]:
        return clean_env(
            DISCORD_TOKEN="discord-crash-test",
            DISCORD_API_URL=discord_fake.api_url,
            DISCORD_GATEWAY_URL=discord_fake.gateway_url,
            TIP_DISCORD_CHANNELS=f"{CHANNEL_ID},{OTHER_CHANNEL}",
            TIP_SCHEDULE="0 9 * * mon",
            DATABASE_URL=db,
            ROLECALL_TEST_NOW=now,
        )

    discord_fake.hold_messages = asyncio.Event()
    await crash_while_held(env(NOW), tmp_path, 2, lambda: len(discord_fake.messages))
    discord_fake.hold_messages.set()
    discord_fake.hold_messages = None
    original = {m["response"]["channel_id"]: m["response"]["id"] for m in discord_fake.messages}
    await restart(env("2026-06-01T11:01:00+00:00"), tmp_path)
    assert sorted(m["response"]["channel_id"] for m in discord_fake.messages) == sorted([CHANNEL_ID, OTHER_CHANNEL])
    assert ledger(db) == sorted(
        [
            (f"discord:{CHANNEL_ID}", "sent", original[CHANNEL_ID]),
            (f"discord:{OTHER_CHANNEL}", "sent", original[OTHER_CHANNEL]),
        ]
    )
    first = discord_fake.messages[0]["request"]
    assert first["enforce_nonce"] is True and len(first["nonce"]) <= MAX_NONCE
    assert first["embeds"][0]["footer"]["text"].endswith("RoleCall weekly tip 2026-W23")


# -- history unreadable: one warning naming what is missing, then today's behaviour ----------------------------


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def test_slack_without_history_scope_warns_once_naming_it_and_re_sends(
    fake: FakeSlack, library: Library, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'tips.db'}")
    now = datetime(2026, 6, 1, 11, tzinfo=UTC)
    schedule = Schedule("0 9 * * mon", "UTC")
    # A claim left by another replica whose lease ran out: recovery must look at the history first.
    store.claim("slack:CTIPS", "2026-W23", "x", "otherhost:1", now - timedelta(minutes=10), timedelta(minutes=3))
    fake.history_error = "missing_scope"
    tips = TipService(
        store, Handlers(library), schedule, ["slack:CTIPS"], {"slack": slack_poster(fake)}, clock=Clock(now)
    )
    caplog.set_level(logging.WARNING, logger="rolecall.tips")
    assert await tips.sweep() == [("slack:CTIPS", "2026-W23", "sent")]
    warnings = [r.getMessage() for r in caplog.records if "history" in r.getMessage()]
    assert len(warnings) == 1 and "channels:history" in warnings[0] and "groups:history" in warnings[0]
    assert len(fake.accepted("chat.postMessage")) == 1
    store.close()


def test_discord_nonce_is_deterministic_and_short() -> None:
    a = tip_nonce("2026-W23", f"discord:{CHANNEL_ID}")
    assert a == tip_nonce("2026-W23", f"discord:{CHANNEL_ID}") and len(a) <= MAX_NONCE
    assert a != tip_nonce("2026-W24", f"discord:{CHANNEL_ID}") and a != tip_nonce("2026-W23", "discord:1")
