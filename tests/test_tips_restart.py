"""Restarts in separate processes on one SQLite file: nothing is lost silently and nothing is posted twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot_process import ask, bot_env, posts, start_bot
from fakes.slack_api import FakeSlack


async def run_once(fake: FakeSlack, db: str, now: str, cwd: Path, **extra: str) -> int:
    bot = await start_bot(bot_env(fake, db, now, **extra), cwd)
    try:
        await bot.wait_ready()
    finally:
        code = await bot.stop()
    return code


async def test_down_over_the_slot_then_restarted_inside_the_window_posts_once(fake: FakeSlack, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'tips.db'}"
    assert await run_once(fake, db, "2026-06-01T08:00:00+00:00", tmp_path) == 0  # up before the slot, then down
    assert posts(fake) == []
    assert await run_once(fake, db, "2026-06-01T11:00:00+00:00", tmp_path) == 0  # back after it: catch up
    assert await run_once(fake, db, "2026-06-01T12:00:00+00:00", tmp_path) == 0  # again: nothing new
    delivered = posts(fake)
    assert sorted(channel for channel, _ in delivered) == ["CTIPS1", "CTIPS2"]
    assert delivered[0][1] == delivered[1][1] and delivered[0][1].startswith("Tip of the week (2026-W23): ")


async def test_restarted_after_the_window_is_recorded_as_missed(fake: FakeSlack, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'tips.db'}"
    assert await run_once(fake, db, "2026-06-01T08:00:00+00:00", tmp_path, TIP_CATCHUP_HOURS="2") == 0
    assert await run_once(fake, db, "2026-06-01T12:00:00+00:00", tmp_path, TIP_CATCHUP_HOURS="2") == 0
    assert posts(fake) == []
    status = await ask(
        bot_env(fake, db, "2026-06-01T12:05:00+00:00", TIP_CATCHUP_HOURS="2"), tmp_path, "admin", "status"
    )
    assert "2026-W23 slack:CTIPS1: missed" in status and "2026-W23 slack:CTIPS2: missed" in status


async def test_killed_between_claim_and_send_is_recovered_without_a_duplicate(fake: FakeSlack, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'tips.db'}"
    env = bot_env(fake, db, "2026-06-01T11:00:00+00:00", ROLECALL_TEST_KILL_AFTER_CLAIM="1")
    crashed = await start_bot(env, tmp_path)
    # It dies by itself: SIGKILL right after its first claim committed, before anything was sent.
    assert await asyncio.wait_for(crashed.process.wait(), timeout=30) == -9
    assert posts(fake) == []
    assert await run_once(fake, db, "2026-06-01T11:05:00+00:00", tmp_path) == 0
    assert await run_once(fake, db, "2026-06-01T11:10:00+00:00", tmp_path) == 0
    assert sorted(channel for channel, _ in posts(fake)) == ["CTIPS1", "CTIPS2"]
