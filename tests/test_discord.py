"""The Discord adapter through the real discord.py client; only Discord's REST API and gateway are loopback fakes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import discord_settings, start, write_huge_episode
from fakes.discord_api import (
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    MANAGE_GUILD,
    MOD_ROLE_ID,
    THREAD_ID,
    FakeDiscord,
    command_interaction,
    member,
    message_event,
)

from bot.config import Settings
from bot.discord import render
from bot.discord.app import mention_text
from bot.ratelimit import CHANNEL_ANSWERS_PER_WINDOW, USER_ANSWERS_PER_WINDOW
from bot.runtime import RunOptions, Runtime
from content.library import Library
from handlers import Handlers
from handlers.reply import Citation, Reply, Section
from scheduler.settings import TipSettings


async def ask(fake: FakeDiscord, subcommand: str, **options: Any) -> dict[str, Any]:
    member_payload = options.pop("member_payload", None)
    name = options.pop("command", "rolecall")
    before = len(fake.callbacks)
    await fake.interaction(command_interaction(subcommand, options, name=name, member_payload=member_payload))
    return (await fake.wait_callbacks(before + 1))[before]


def assert_embed_limits(embed: dict[str, Any]) -> None:
    assert len(embed.get("title", "")) <= render.MAX_TITLE
    assert len(embed.get("description", "") or "") <= render.MAX_DESCRIPTION
    fields = embed.get("fields", [])
    assert len(fields) <= render.MAX_FIELDS
    assert all(len(f["name"]) <= render.MAX_FIELD_NAME and len(f["value"]) <= render.MAX_FIELD_VALUE for f in fields)
    total = len(embed.get("title", "")) + len(embed.get("description", "") or "")
    total += sum(len(f["name"]) + len(f["value"]) for f in fields) + len((embed.get("footer") or {}).get("text", ""))
    assert total <= render.MAX_EMBED_TOTAL


async def test_role_answer_is_an_ephemeral_embed_that_pings_nobody(
    fake_discord: FakeDiscord, discord_bot: Runtime
) -> None:
    callback = await ask(fake_discord, "role", name="mle")
    assert callback["type"] == 4
    data = callback["data"]
    assert data["flags"] == 64
    assert data["allowed_mentions"] == {"parse": []}
    (embed,) = data["embeds"]
    assert embed["title"] == "Machine learning engineer"
    names = [f["name"] for f in embed["fields"]]
    assert {"Responsibilities", "Skills", "Boundaries", "Sources"} <= set(names)
    sources = next(f["value"] for f in embed["fields"] if f["name"] == "Sources")
    assert sources.startswith("[17:04](https://www.youtube.com/watch?v=UukjwSIAnpw&t=1024s) Data Team Roles Explained")
    assert_embed_limits(embed)


@pytest.mark.parametrize(
    ("subcommand", "options", "title"),
    [
        ("boundary", {"a": "data-scientist", "b": "mle"}, "Machine learning engineer vs Data scientist"),
        ("episode", {"name": "ml-production"}, "Practical Machine Learning Engineering for Production"),
        ("search", {"query": "sql before deep learning"}, "SQL or statistics before deep learning"),
        ("roles", {}, "Roles"),
        ("help", {}, "RoleCall: data and ML roles, with sources"),
        ("search", {"query": "best volcano in naples"}, "No answer for “best volcano in naples”"),
    ],
)
async def test_every_subcommand(
    fake_discord: FakeDiscord, discord_bot: Runtime, subcommand: str, options: dict, title: str
) -> None:
    callback = await ask(fake_discord, subcommand, **options)
    assert callback["data"]["embeds"][0]["title"] == title


async def test_tip_and_public(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    callback = await ask(fake_discord, "tip", public=True)
    assert callback["data"]["embeds"][0]["title"].startswith("Tip of the week (")
    assert not callback["data"].get("flags")


async def test_mention_injection_never_pings(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    callback = await ask(fake_discord, "search", query="@everyone <@100000000000000010> @here")
    data = callback["data"]
    assert data["allowed_mentions"] == {"parse": []}
    title = data["embeds"][0]["title"]
    assert "@everyone" not in title and "@here" not in title  # escaped with a zero-width space as well


async def test_autocomplete_offers_exact_then_prefix_then_fuzzy(
    fake_discord: FakeDiscord, discord_bot: Runtime
) -> None:
    before = len(fake_discord.callbacks)
    await fake_discord.interaction(command_interaction("role", {"name": "ml"}, interaction_type=4, focused="name"))
    callback = (await fake_discord.wait_callbacks(before + 1))[before]
    assert callback["type"] == 8
    choices = callback["data"]["choices"]
    assert 1 <= len(choices) <= render.MAX_CHOICES
    assert choices[0] == {"name": "Machine learning engineer", "value": "machine-learning-engineer"}
    before = len(fake_discord.callbacks)
    await fake_discord.interaction(command_interaction("role", {"name": ""}, interaction_type=4, focused="name"))
    offered = (await fake_discord.wait_callbacks(before + 1))[before]["data"]["choices"]
    roles = discord_bot.handlers.library.content.roles
    assert len(offered) == min(len(roles), render.MAX_CHOICES)  # an empty box offers roles, as many as fit
    assert {c["value"] for c in offered} <= set(roles)


async def test_admin_commands_check_the_moderator_at_run_time(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    refused = await ask(fake_discord, "content", command="rolecall-admin")
    assert refused["data"]["embeds"][0]["title"] == "Only moderators can use admin commands"
    assert refused["data"]["flags"] == 64
    by_role = await ask(
        fake_discord,
        "content",
        command="rolecall-admin",
        member_payload=member("100000000000000011", roles=(MOD_ROLE_ID,)),
    )
    assert by_role["data"]["embeds"][0]["title"] == "Content"
    by_permission = await ask(
        fake_discord,
        "content",
        command="rolecall-admin",
        member_payload=member("100000000000000012", permissions=MANAGE_GUILD),
    )
    assert by_permission["data"]["embeds"][0]["title"] == "Content"


async def test_commands_sync_once_to_the_guild_and_the_admin_group_is_hidden(
    fake_discord: FakeDiscord, discord_bot: Runtime
) -> None:
    assert [scope for scope, _ in fake_discord.command_puts] == [f"guild:{GUILD_ID}", "global"]
    guild_commands = fake_discord.command_puts[0][1]
    assert fake_discord.command_puts[1][1] == []  # never registered both globally and in the guild
    by_name = {c["name"]: c for c in guild_commands}
    assert set(by_name) == {"rolecall", "rolecall-admin"}
    assert int(by_name["rolecall-admin"]["default_member_permissions"]) == MANAGE_GUILD
    subcommands = {o["name"] for o in by_name["rolecall"]["options"]}
    assert subcommands == {"role", "boundary", "roles", "episode", "search", "tip", "help"}


def _walk_options(options: list[dict[str, Any]], path: str) -> list[tuple[str, str]]:
    found = []
    for option in options:
        where = f"{path} {option['name']}"
        found.append((where, option["description"]))
        found += _walk_options(option.get("options", []), where)
    return found


async def test_every_synced_command_and_option_has_a_real_description(
    fake_discord: FakeDiscord, discord_bot: Runtime
) -> None:
    # discord.py fills a missing description with "…", which is what Discord then shows under the option.
    described = []
    for command in fake_discord.command_puts[0][1]:
        described.append((command["name"], command["description"]))
        described += _walk_options(command.get("options", []), command["name"])
    assert any(where == "rolecall tip public" for where, _ in described)
    for where, description in described:
        assert description != "…" and 1 <= len(description) <= 100, where


async def test_a_reconnect_does_not_sync_again(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    puts = len(fake_discord.command_puts)
    await fake_discord.drop_connection()
    for _ in range(500):
        if fake_discord.resumes or fake_discord.identifies > 1:
            break
        await asyncio.sleep(0.01)
    assert fake_discord.resumes == 1
    assert (await ask(fake_discord, "role", name="ds"))["data"]["embeds"][0]["title"] == "Data scientist"
    assert len(fake_discord.command_puts) == puts


async def test_a_restart_with_unchanged_commands_does_not_sync(
    fake_discord: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    first = await start(fake_discord, tmp_path, library)
    await first.stop()
    second = await start(fake_discord, tmp_path, library)
    await second.stop()
    assert len(fake_discord.command_puts) == 2  # the first start's guild sync and global clear only


async def test_oversized_content_stays_within_embed_limits(
    fake_discord: FakeDiscord, tmp_path: Path, content_dir: Path
) -> None:
    write_huge_episode(content_dir, 300, topic="Topic words " * 7, title_repeats=40)
    runtime = await start(fake_discord, tmp_path, Library.load(content_dir))
    try:
        callback = await ask(fake_discord, "episode", name="huge")
    finally:
        await runtime.stop()
    embed = callback["data"]["embeds"][0]
    assert_embed_limits(embed)
    # 300 moments: the citations that do not fit are dropped whole and counted.
    lines = [line for f in embed["fields"] if f["name"].startswith("Sources") for line in f["value"].split("\n")]
    assert lines[-1] == f"… and {300 - (len(lines) - 1)} more"


def test_trim_cuts_on_a_word_boundary() -> None:
    assert render.trim("Design pipelines end to end", 20) == "Design pipelines…"
    assert render.trim("z" * 30, 10) == "z" * 9 + "…"  # one word longer than the limit has to be cut


def test_trim_never_cuts_inside_a_link() -> None:
    assert render.trim("see [44:23](https://example.org/watch?v=x&t=60s) now", 30) == "see…"


def test_citations_that_do_not_fit_are_dropped_whole_with_a_count() -> None:
    url = "https://example.org/watch?v=x&t=60s"
    citations = [Citation(f"Episode {n} " + "word " * 30, "Guest", "1:00", 60, url) for n in range(200)]
    citations.append(Citation("Long link", "Guest", "1:00", 60, "https://example.org/?" + "q" * 1100))
    reply = Reply("role", "Title", (Section("Skills", items=("SQL",)),), tuple(citations))
    embed = render.reply_embed(reply)
    assert len(embed) <= render.MAX_EMBED_TOTAL and len(embed.fields) <= render.MAX_FIELDS
    lines = [line for f in embed.fields if f.name.startswith("Sources") for line in (f.value or "").split("\n")]
    links = lines[:-1]
    assert links and all(line.startswith(f"[1:00]({url}) Episode ") for line in links)
    assert lines[-1] == f"… and {201 - len(links)} more"
    assert embed.footer.text is None  # nothing but citations was left out


def test_sections_that_do_not_fit_are_dropped_with_a_note() -> None:
    sections = tuple(Section(f"Part {n}", "word " * 200) for n in range(30))
    reply = Reply("role", "Title", sections, (Citation("E", "G", "1:00", 60, "https://e.org"),))
    embed = render.reply_embed(reply)
    assert len(embed) <= render.MAX_EMBED_TOTAL and len(embed.fields) <= render.MAX_FIELDS
    assert embed.footer.text == render.SHORTENED
    assert embed.fields[-1].name == "Sources" and embed.fields[-1].value == "[1:00](https://e.org) E, G"


async def test_channel_post_survives_one_429(fake_discord: FakeDiscord, discord_bot: Runtime, library: Library) -> None:
    fake_discord.failures.append(
        (
            429,
            {"Via": "1.1 google", "Retry-After": "0.2", "X-RateLimit-Scope": "user"},
            {"message": "You are being rate limited.", "retry_after": 0.2, "global": False},
        )
    )
    reply = Handlers(library).handle("sql before deep learning")
    message_id = await discord_bot.posters["discord"].post(CHANNEL_ID, reply)
    assert fake_discord.message_attempts == 2 and len(fake_discord.messages) == 1
    sent = fake_discord.messages[0]
    assert message_id == sent["response"]["id"]
    assert sent["request"]["allowed_mentions"] == {"parse": []}
    assert sent["request"]["embeds"][0]["title"] == "SQL or statistics before deep learning"


async def test_discord_sync_command(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    from bot_process import clean_env, run_cli

    env = clean_env(
        DISCORD_TOKEN="discord-SECRET-token",
        DISCORD_API_URL=fake_discord.api_url,
        DISCORD_GATEWAY_URL=fake_discord.gateway_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    code, out, err = await run_cli(env, tmp_path, "discord", "sync", "--guild", GUILD_ID)
    assert code == 0, err
    assert out.strip() == f"Synced 2 commands to server {GUILD_ID}."
    assert [scope for scope, _ in fake_discord.command_puts] == [f"guild:{GUILD_ID}", "global"]
    assert "discord-SECRET-token" not in out + err
    code, out, err = await run_cli(clean_env(), tmp_path, "discord", "sync")
    assert code == 2 and err.strip() == "rolecall: DISCORD_TOKEN is not set"
    fake_discord.reject_login = True  # a revoked token
    code, out, err = await run_cli(env, tmp_path, "discord", "sync")
    assert code == 2 and "DISCORD_TOKEN: Discord rejected the token" in err and "Traceback" not in err


async def test_weekly_tip_is_posted_to_a_discord_channel(
    fake_discord: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    settings = discord_settings(fake_discord, tmp_path)
    # Every minute: the week's first slot is Monday 00:00, always past, so start-up catch-up posts it.
    tips = TipSettings(schedule="* * * * *", discord_channels=(CHANNEL_ID,))
    settings = Settings(discord=settings.discord, database_url=settings.database_url, tips=tips)
    runtime = Runtime(settings, Handlers(library), RunOptions())
    await runtime.start()
    try:
        status = runtime.handlers.handle("admin status").plain_text()
    finally:
        await runtime.stop()
    (message,) = fake_discord.messages
    assert message["request"]["embeds"][0]["title"].startswith("Tip of the week (")
    assert message["request"]["allowed_mentions"] == {"parse": []}
    assert f"discord:{CHANNEL_ID}: sent" in status


@pytest.mark.parametrize("where", ["reject_login", "reject_identify"])
async def test_a_rejected_token_stops_naming_discord_token(
    fake_discord: FakeDiscord, tmp_path: Path, where: str
) -> None:
    """A 401 at login, or the gateway closing with 4004 (authentication failed): permanent, so the bot stops."""
    from bot_process import clean_env, run_cli

    setattr(fake_discord, where, True)
    env = clean_env(
        DISCORD_TOKEN="discord-SECRET-token",
        DISCORD_API_URL=fake_discord.api_url,
        DISCORD_GATEWAY_URL=fake_discord.gateway_url,
    )
    code, _, stderr = await run_cli(env, tmp_path, "run", timeout=30)
    assert code == 2, stderr
    problems = [line for line in stderr.strip().splitlines() if " INFO " not in line]
    assert len(problems) == 1 and "DISCORD_TOKEN" in problems[0], stderr
    assert "Traceback" not in stderr and "discord-SECRET-token" not in stderr


# -- mentions, threads and DMs ------------------------------------------------------------------------------------


async def say(fake: FakeDiscord, payload: dict[str, Any]) -> dict[str, Any]:
    """Dispatch a MESSAGE_CREATE and return the one message RoleCall posts in answer (request and response)."""
    before = len(fake.messages)
    await fake.message_create(payload)
    return (await fake.wait_messages(before + 1))[before]


async def settle(fake: FakeDiscord, sentinel: dict[str, Any]) -> list[dict[str, Any]]:
    """Send ``sentinel`` (a message that is answered) and return every message posted up to its answer."""
    await fake.message_create(sentinel)
    for _ in range(500):
        answered = [(m["request"].get("message_reference") or {}).get("message_id") for m in fake.messages]
        if sentinel["id"] in map(str, answered):
            await asyncio.sleep(0.1)  # anything still in flight from earlier events lands too
            return fake.messages
        await asyncio.sleep(0.01)
    raise AssertionError("the sentinel message was never answered")


def test_mention_text_strips_only_our_mentions() -> None:
    assert mention_text(f"<@{BOT_ID}> mle vs ds", int(BOT_ID)) == "mle vs ds"
    assert mention_text(f"is <@!{BOT_ID}> here? <@123>", int(BOT_ID)) == "is   here? <@123>"
    assert mention_text(f"<@{BOT_ID}>", int(BOT_ID)) == ""


async def test_a_mention_gets_a_reply_that_references_it_and_pings_nobody(
    fake_discord: FakeDiscord, discord_bot: Runtime
) -> None:
    event = message_event(f"<@{BOT_ID}> mle")
    posted = await say(fake_discord, event)
    body = posted["request"]
    assert posted["response"]["channel_id"] == CHANNEL_ID
    assert str(body["message_reference"]["message_id"]) == event["id"]
    assert body["allowed_mentions"] == {"parse": []}
    assert body["embeds"][0]["title"] == "Machine learning engineer"
    assert_embed_limits(body["embeds"][0])


async def test_a_mention_in_a_thread_is_answered_in_that_thread(
    fake_discord: FakeDiscord, discord_bot: Runtime
) -> None:
    event = message_event(f"<@!{BOT_ID}> isn't this more mle than data scientist?", channel_id=THREAD_ID)
    posted = await say(fake_discord, event)
    assert posted["response"]["channel_id"] == THREAD_ID
    assert str(posted["request"]["message_reference"]["message_id"]) == event["id"]
    assert posted["request"]["embeds"][0]["title"] == "Machine learning engineer vs Data scientist"


async def test_a_dm_gets_a_reply(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    event = message_event("data scientist", dm=True)
    assert "guild_id" not in event
    posted = await say(fake_discord, event)
    assert posted["response"]["channel_id"] == DM_CHANNEL_ID
    assert str(posted["request"]["message_reference"]["message_id"]) == event["id"]
    assert posted["request"]["allowed_mentions"] == {"parse": []}
    assert posted["request"]["embeds"][0]["title"] == "Data scientist"


async def test_bots_our_own_messages_and_unaddressed_messages_get_no_reply(
    fake_discord: FakeDiscord, discord_bot: Runtime
) -> None:
    ignored = [
        message_event(f"<@{BOT_ID}> mle", author_id="100000000000000030", bot=True),  # another bot
        message_event(f"<@{BOT_ID}> mle", author_id=BOT_ID),  # ourselves
        message_event("mle", author_id=BOT_ID, dm=True),  # our own DM
        message_event("mle vs ds, anyone?"),  # a channel message that does not mention us
        message_event("@everyone mle", mention_everyone=True),  # @everyone is not a mention of the bot
    ]
    for event in ignored:
        await fake_discord.message_create(event)
    sentinel = message_event(f"<@{BOT_ID}> tip")
    posted = await settle(fake_discord, sentinel)
    assert [str(m["request"]["message_reference"]["message_id"]) for m in posted] == [sentinel["id"]]


async def test_everyone_in_a_mention_never_pings(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    event = message_event(f"<@{BOT_ID}> @everyone <@100000000000000011> @here", mention_everyone=True)
    body = (await say(fake_discord, event))["request"]
    assert body["allowed_mentions"] == {"parse": []}  # no users, roles, everyone, nor the replied-to author
    title = body["embeds"][0]["title"]
    assert "@everyone" not in title and "@here" not in title


async def test_admin_by_mention_or_dm_is_refused_in_public(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    for event in (message_event(f"<@{BOT_ID}> admin content"), message_event("admin status", dm=True)):
        (embed,) = (await say(fake_discord, event))["request"]["embeds"]
        assert embed["title"] == "Admin commands are not answered here"
        assert "/rolecall-admin" in embed["description"] + json.dumps(embed.get("fields", []))


async def test_the_per_user_rate_limit_holds(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    client = discord_bot.discord
    now = [1000.0]
    client.limits.clock = lambda: now[0]
    for _ in range(USER_ANSWERS_PER_WINDOW + 3):
        await fake_discord.message_create(message_event(f"<@{BOT_ID}> mle"))
    posted = await settle(fake_discord, message_event(f"<@{BOT_ID}> tip", author_id="100000000000000031"))
    titles = [m["request"]["embeds"][0]["title"] for m in posted[:-1]]
    assert titles.count("Machine learning engineer") == USER_ANSWERS_PER_WINDOW
    assert titles.count("Too many questions at once") == 1  # one notice, then silence
    assert len(titles) == USER_ANSWERS_PER_WINDOW + 1
    now[0] += 61  # a minute later the member is answered again
    assert (await say(fake_discord, message_event(f"<@{BOT_ID}> mle")))["request"]["embeds"][0]["title"] == (
        "Machine learning engineer"
    )
    # A DM over the limit gets the one short notice too.
    for _ in range(USER_ANSWERS_PER_WINDOW):
        await say(fake_discord, message_event("mle", author_id="100000000000000032", dm=True))
    notice = await say(fake_discord, message_event("mle", author_id="100000000000000032", dm=True))
    assert notice["request"]["embeds"][0]["title"] == "Too many questions at once"


async def test_the_per_channel_rate_limit_holds(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    users = [f"1000000000000001{n:02d}" for n in range(CHANNEL_ANSWERS_PER_WINDOW)]
    for user in users:  # each member well under their own limit, the channel at its limit
        await fake_discord.message_create(message_event(f"<@{BOT_ID}> mle", author_id=user))
    late = "100000000000000199"
    for _ in range(2):
        await fake_discord.message_create(message_event(f"<@{BOT_ID}> mle", author_id=late))
    elsewhere = message_event(f"<@{BOT_ID}> tip", author_id=late, channel_id=THREAD_ID)
    posted = await settle(fake_discord, elsewhere)
    in_channel = [m for m in posted if m["response"]["channel_id"] == CHANNEL_ID]
    titles = [m["request"]["embeds"][0]["title"] for m in in_channel]
    assert titles.count("Machine learning engineer") == CHANNEL_ANSWERS_PER_WINDOW
    assert titles.count("Too many questions at once") == 1
    assert len(titles) == CHANNEL_ANSWERS_PER_WINDOW + 1


async def test_the_client_does_not_request_the_message_content_intent(
    fake_discord: FakeDiscord, discord_bot: Runtime
) -> None:
    intents = fake_discord.identify_payloads[-1]["intents"]
    assert not intents & (1 << 15)  # MESSAGE_CONTENT (privileged)
    assert intents & (1 << 0) and intents & (1 << 9) and intents & (1 << 12)  # GUILDS, GUILD_MESSAGES, DM_MESSAGES
    assert not intents & (1 << 1) and not intents & (1 << 8)  # nor the other privileged ones (members, presences)
