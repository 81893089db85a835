"""Replicas on one real PostgreSQL server: one post per destination and slot, one answer per Slack event."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import aiohttp
import pytest
from bot_process import bot_env, posts, start_bot
from fakes.slack_api import SIGNING_SECRET, FakeSlack, event_body, mention_event, signed_headers
from pydantic import SecretStr

from bot.config import Settings, SlackSettings
from bot.runtime import RunOptions, Runtime
from content.library import Library
from handlers import Handlers
from scheduler.store import engine_for, metadata


@pytest.fixture
def pg_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must provide TEST_DATABASE_URL (.ci/run starts PostgreSQL and sets it)")
        pytest.skip("PostgreSQL replica tests need TEST_DATABASE_URL; `bash .ci/postgres.sh` starts one and prints it")
    engine = engine_for(url)
    with engine.begin() as conn:  # a fresh schema: the replicas also race to create it
        metadata.drop_all(conn)
    engine.dispose()
    return url


async def wait_for_posts(fake: FakeSlack, count: int, seconds: float) -> None:
    for _ in range(int(seconds / 0.1)):
        if len(posts(fake)) >= count:
            return
        await asyncio.sleep(0.1)


async def test_two_replicas_firing_the_same_slot_post_once_per_channel(
    fake: FakeSlack, pg_url: str, tmp_path: Path
) -> None:
    # Both start a few seconds before Monday 09:00, so both APScheduler jobs fire the same slot.
    env = bot_env(fake, pg_url, "2026-06-01T08:59:48+00:00")
    bots = [await start_bot(env, tmp_path), await start_bot(env, tmp_path)]
    try:
        await asyncio.gather(*(bot.wait_ready() for bot in bots))
        assert posts(fake) == []  # before the slot
        await wait_for_posts(fake, 2, 20)
        await asyncio.sleep(2)  # room for a duplicate to show up
    finally:
        codes = [await bot.stop() for bot in bots]
    assert codes == [0, 0]
    delivered = posts(fake)
    assert sorted(channel for channel, _ in delivered) == ["CTIPS1", "CTIPS2"], delivered
    assert delivered[0][1] == delivered[1][1]


async def test_two_replicas_starting_together_after_the_slot_catch_up_once(
    fake: FakeSlack, pg_url: str, tmp_path: Path
) -> None:
    env = bot_env(fake, pg_url, "2026-06-01T10:00:00+00:00")
    bots = await asyncio.gather(start_bot(env, tmp_path), start_bot(env, tmp_path))
    try:
        await asyncio.gather(*(bot.wait_ready() for bot in bots))
        await asyncio.sleep(1)
    finally:
        codes = [await bot.stop() for bot in bots]
    assert codes == [0, 0]
    assert sorted(channel for channel, _ in posts(fake)) == ["CTIPS1", "CTIPS2"]


async def test_two_replicas_given_the_same_slack_event_answer_it_once(
    fake: FakeSlack, pg_url: str, library: Library
) -> None:
    # Slack re-delivers an event it saw acknowledged late; the re-delivery may land on another replica at once.
    slack = SlackSettings(
        bot_token=SecretStr("xoxb-test-token"), signing_secret=SecretStr(SIGNING_SECRET), api_url=fake.api_url
    )
    replicas = [
        Runtime(Settings(slack=slack, database_url=pg_url), Handlers(library), RunOptions("http", "127.0.0.1", 0))
        for _ in range(2)
    ]
    for replica in replicas:
        await replica.start()
    try:
        body = event_body(mention_event("<@UBOT> mle"), "EvPgReplicas")

        async def deliver(replica: Runtime, retry: str) -> int:
            headers = {**signed_headers(body), "Content-Type": "application/json", "X-Slack-Retry-Num": retry}
            async with (
                aiohttp.ClientSession(trust_env=False) as session,
                session.post(f"http://127.0.0.1:{replica.port}/slack/events", data=body, headers=headers) as response,
            ):
                return response.status

        assert await asyncio.gather(deliver(replicas[0], "0"), deliver(replicas[1], "1")) == [200, 200]
        await fake.wait_for("chat.postMessage")
        await asyncio.sleep(0.5)  # room for a duplicate to show up
    finally:
        for replica in replicas:
            await replica.stop()
    assert len(fake.accepted("chat.postMessage")) == 1
