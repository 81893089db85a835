"""Clickable next steps and 👍/👎 on Discord, through the real discord.py client and the loopback fake Discord.

A click arrives over the gateway as a MESSAGE_COMPONENT interaction (type 3) carrying the clicked message; RoleCall
answers at the callback route: UPDATE_MESSAGE (7) on a private answer, an ephemeral message (4, flags 64) otherwise.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from conftest import start
from fakes.discord_api import (
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    FakeDiscord,
    bot_message,
    component_interaction,
    message_event,
)
from test_discord import ask, say
from test_render_every_answer import every_answer

from bot.discord import render
from bot.discord.components import MENU_ID, reply_view
from bot.runtime import Runtime
from content.library import Library
from handlers import Handlers, navigation
from handlers.asker import Asker
from handlers.reply import Action, Menu, Reply, Section

EPHEMERAL = 64
UNAVAILABLE = "That answer is no longer available"
THANKS = "Thanks for the feedback"


async def answered(fake: FakeDiscord, subcommand: str, **options: Any) -> dict[str, Any]:
    """Run a slash command and return the message its answer created, as Discord stores it."""
    before = len(fake.callbacks)
    await ask(fake, subcommand, **options)
    message = fake.responses[before]
    assert message is not None
    return message


async def click(
    fake: FakeDiscord, message: dict[str, Any], custom_id: str, values: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Click a component of ``message``; return the callback body and the message it created or updated."""
    before = len(fake.callbacks)
    await fake.interaction(component_interaction(message, custom_id, values=values))
    await fake.wait_callbacks(before + 1)
    return fake.callbacks[before], fake.responses[before]


def buttons(components: list[dict[str, Any]]) -> dict[str, str]:
    """label (or emoji) -> custom_id of every button in a message's components."""
    found = {}
    for row in components:
        for item in row["components"]:
            if item["type"] == 2:
                found[item.get("label") or item["emoji"]["name"]] = item["custom_id"]
    return found


def title(callback: dict[str, Any]) -> str:
    return callback["data"]["embeds"][0]["title"]


def fabricated(*custom_ids: str, flags: int = 0, select_value: str | None = None) -> dict[str, Any]:
    """A RoleCall message whose buttons (and select) carry the given ids: stale content, or a tampered client."""
    row = [{"type": 2, "style": 2, "label": f"button {n}", "custom_id": cid} for n, cid in enumerate(custom_ids)]
    components = [{"type": 1, "components": row}]
    if select_value is not None:
        option = {"label": "A moment", "value": select_value}
        components.append({"type": 1, "components": [{"type": 3, "custom_id": MENU_ID, "options": [option]}]})
    embed = {"title": "An old answer", "type": "rich"}
    return bot_message(
        CHANNEL_ID, {"embeds": [embed], "components": components, "flags": flags}, 0, "600000000000000001"
    )


async def test_a_slash_answer_carries_next_step_and_feedback_buttons(
    fake_discord: FakeDiscord, discord_bot: Runtime
) -> None:
    callback = await ask(fake_discord, "role", name="mle")
    components = callback["data"]["components"]
    assert components and all(row["type"] == 1 for row in components)
    found = buttons(components)
    assert all(navigation.parse(custom_id) is not None for custom_id in found.values())
    assert found["vs Data scientist"] == "rc:boundary:mle-vs-data-scientist"
    assert any(label.startswith("vs ") for label in list(found)[:3])  # boundaries come first
    # The feedback row is the last row: 👍 and 👎 on this answer.
    assert buttons([components[-1]]) == {
        "👍": "rc:up:role:machine-learning-engineer",
        "👎": "rc:down:role:machine-learning-engineer",
    }
    assert callback["data"]["allowed_mentions"] == {"parse": []}


async def test_clicking_a_boundary_on_a_private_answer_replaces_it(
    fake_discord: FakeDiscord, discord_bot: Runtime
) -> None:
    message = await answered(fake_discord, "role", name="mle")
    assert message["flags"] == EPHEMERAL
    callback, updated = await click(fake_discord, message, buttons(message["components"])["vs Data scientist"])
    assert callback["type"] == 7  # UPDATE_MESSAGE: the member's own answer, edited in place
    assert title(callback) == "Machine learning engineer vs Data scientist"
    assert callback["data"]["allowed_mentions"] == {"parse": []}
    assert updated is not None and updated["id"] == message["id"]
    # The boundary's own next steps replace the role's: both roles, and feedback on the boundary.
    found = buttons(callback["data"]["components"])
    assert found["Data scientist"] == "rc:role:data-scientist"
    assert found["👍"] == "rc:up:boundary:mle-vs-data-scientist"
    # Clicking on, through the updated message, keeps working.
    back, _ = await click(fake_discord, updated, found["Data scientist"])
    assert back["type"] == 7 and title(back) == "Data scientist"


async def test_choosing_a_moment_in_an_episode_menu(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    message = await answered(fake_discord, "episode", name="ml-production")
    selects = [item for row in message["components"] for item in row["components"] if item["type"] == 3]
    (menu,) = selects
    assert menu["custom_id"] == MENU_ID
    option = next(o for o in menu["options"] if o["value"] == "rc:moment:ml-production@44:23")
    callback, _ = await click(fake_discord, message, MENU_ID, values=[option["value"]])
    assert callback["type"] == 7
    moment = discord_bot.handlers.library.content.moments["ml-production@44:23"]
    assert title(callback) == moment.topic
    assert buttons(callback["data"]["components"])[f"Episode: {moment.episode.title}"] == "rc:episode:ml-production"


async def test_a_click_on_a_shared_message_answers_the_clicker_alone(
    fake_discord: FakeDiscord, discord_bot: Runtime
) -> None:
    public = await answered(fake_discord, "role", name="mle", public=True)
    assert not public["flags"] & EPHEMERAL
    mention = (await say(fake_discord, message_event(f"<@{BOT_ID}> data scientist")))["response"]
    for message, label, answer in (
        (public, "vs Data scientist", "Machine learning engineer vs Data scientist"),
        (mention, "vs Machine learning engineer", "Machine learning engineer vs Data scientist"),
    ):
        callback, created = await click(fake_discord, message, buttons(message["components"])[label])
        assert callback["type"] == 4 and callback["data"]["flags"] == EPHEMERAL
        assert title(callback) == answer
        assert callback["data"]["allowed_mentions"] == {"parse": []}
        assert created is not None and created["id"] != message["id"]
        assert buttons(callback["data"]["components"])  # the private answer has its own next steps
    assert all(c["type"] != 7 for c in fake_discord.callbacks)  # the shared messages were never edited


async def test_buttons_keep_working_after_a_restart(
    fake_discord: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    first = await start(fake_discord, tmp_path, library)
    try:
        private = await answered(fake_discord, "role", name="mle")
        await first.posters["discord"].post(CHANNEL_ID, Handlers(library).tip(), week="2026-W48")  # type: ignore[attr-defined]
    finally:
        await first.stop()
    tip = fake_discord.messages[-1]["response"]
    assert tip["components"], "the weekly tip goes out with its buttons"

    second = await start(fake_discord, tmp_path, library)  # a new process: a new client, nothing remembered
    try:
        assert second.discord is not first.discord
        callback, _ = await click(fake_discord, private, buttons(private["components"])["vs Data scientist"])
        assert callback["type"] == 7 and title(callback) == "Machine learning engineer vs Data scientist"
        episode = next(cid for label, cid in buttons(tip["components"]).items() if label.startswith("Episode: "))
        callback, _ = await click(fake_discord, tip, episode)
        assert callback["type"] == 4 and callback["data"]["flags"] == EPHEMERAL
        assert title(callback) == library.content.episodes[episode.removeprefix("rc:episode:")].title
    finally:
        await second.stop()


@pytest.mark.parametrize("flags", [0, EPHEMERAL])
async def test_stale_or_tampered_ids_are_no_longer_available(
    fake_discord: FakeDiscord, discord_bot: Runtime, flags: int, caplog: pytest.LogCaptureFixture
) -> None:
    tampered = [
        "rc:role:deleted-role",  # content removed since the button was sent
        "rc:moment:x@99:99",  # well-formed, names nothing
        "rc:role:data-scientist@1:00",  # the template's shape, but only a moment carries a timestamp
        "rc:role:" + "a" * 120,  # longer than any custom_id Discord allows
        "not-a-rolecall-id",  # no RoleCall template matches at all
    ]
    message = fabricated(*tampered, flags=flags, select_value="rc:moment:ml-production@99:00")
    with caplog.at_level(logging.WARNING):
        for custom_id in tampered:
            callback, _ = await click(fake_discord, message, custom_id)
            assert callback["type"] == 4 and callback["data"]["flags"] == EPHEMERAL, custom_id
            assert title(callback) == UNAVAILABLE
            assert "components" not in callback["data"] or not callback["data"]["components"]
        callback, _ = await click(fake_discord, message, MENU_ID, values=["rc:moment:ml-production@99:00"])
        assert title(callback) == UNAVAILABLE and callback["data"]["flags"] == EPHEMERAL
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    assert all(c["type"] != 7 for c in fake_discord.callbacks)  # the clicked message stays as it was
    assert title(await ask(fake_discord, "role", name="ds")) == "Data scientist"  # and the bot keeps answering


async def test_votes_thank_the_member_and_tell_the_voters(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    votes: list[tuple[Asker, str, str]] = []
    discord_bot.handlers.voters.append(lambda asker, answer_id, vote: votes.append((asker, answer_id, vote)))
    message = await answered(fake_discord, "boundary", a="mle", b="data-scientist")
    found = buttons(message["components"])
    for emoji, shown in (("👍", THANKS), ("👎", "Already counted")):
        callback, _ = await click(fake_discord, message, found[emoji])
        assert callback["type"] == 4 and callback["data"]["flags"] == EPHEMERAL  # the answer itself stays
        assert title(callback) == shown  # one vote per member and answer
    assert [(asker.platform, answer_id, vote) for asker, answer_id, vote in votes] == [
        ("discord", "boundary:mle-vs-data-scientist", "up")
    ]


async def test_did_you_mean_offers_are_buttons(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    callback = await ask(fake_discord, "search", query="mle vs cdo")
    reply = discord_bot.handlers.handle("mle vs cdo")
    assert reply.kind == "no_match" and reply.suggestions
    found = buttons(callback["data"]["components"])
    assert list(found.values()) == [s.target for s in reply.suggestions]
    assert "(ask:" not in json.dumps(callback["data"]["embeds"])
    assert "(ask:" in reply.plain_text()  # the console keeps the text


# -- within Discord's component limits ---------------------------------------------------------------------------


def component_problems(payload: list[dict[str, Any]]) -> list[str]:
    """What Discord would reject in a message's components (Message Components reference)."""
    problems = []
    if len(payload) > render.MAX_ROWS:
        problems.append(f"{len(payload)} rows")
    ids = []
    for row in payload:
        items = row["components"]
        selects = [i for i in items if i["type"] == 3]
        if selects and len(items) > 1:
            problems.append("a select shares its row")
        if len(items) > render.MAX_ROW_BUTTONS:
            problems.append(f"{len(items)} buttons in a row")
        for item in items:
            ids.append(item["custom_id"])
            if len(item["custom_id"]) > render.MAX_CUSTOM_ID:
                problems.append(f"custom_id {item['custom_id']!r}")
            if len(item.get("label") or "") > render.MAX_BUTTON_LABEL:
                problems.append(f"label {item['label']!r}")
            if item["type"] == 2 and not (item.get("label") or item.get("emoji")):
                problems.append("a button with neither label nor emoji")
            options = item.get("options", [])
            if item["type"] == 3 and not 1 <= len(options) <= render.MAX_SELECT_OPTIONS:
                problems.append(f"{len(options)} options")
            if len(item.get("placeholder") or "") > render.MAX_PLACEHOLDER:
                problems.append("placeholder too long")
            for option in options:
                if len(option["label"]) > render.MAX_OPTION_LABEL or len(option["value"]) > render.MAX_OPTION_VALUE:
                    problems.append(f"option {option['value']!r}")
            values = [o["value"] for o in options]
            if len(set(values)) != len(values):
                problems.append("duplicate option values")
    if len(set(ids)) != len(ids):
        problems.append("duplicate custom_ids")
    return problems


def test_every_answer_fits_discord_component_limits(library: Library) -> None:
    problems = []
    for reply in every_answer(library):
        view = reply_view(reply)
        if view is None:
            assert not (reply.actions or reply.menu or reply.rated), reply.title
            continue
        payload = view.to_components()
        json.dumps(payload)  # serializes as sent
        found = component_problems(payload)
        clicked = [i.get("custom_id") for row in payload for i in row["components"] if i["type"] == 2]
        clicked += [o["value"] for row in payload for i in row["components"] for o in i.get("options", [])]
        found += [f"{cid!r} does not parse" for cid in clicked if navigation.parse(cid) is None]
        if reply.rated and buttons([payload[-1]]) != {
            e: navigation.vote_id(reply.rated, v) for v, e in navigation.VOTES.items()
        }:
            found.append("the feedback row is not last")
        problems += [f"{reply.kind} {reply.ref or reply.title}: {p}" for p in found]
    assert not problems, "\n".join(problems[:20])


def test_too_many_next_steps_keep_the_first_and_the_feedback_row() -> None:
    long_label = "Where the platform team stops and the product engineers start owning " * 3
    actions = tuple(Action(f"{n} {long_label}", f"rc:role:role-{n}") for n in range(30))
    options = tuple(Action(f"{n}:00 {long_label}", f"rc:moment:ep@{n}:00") for n in range(40))
    reply = Reply("role", "T", (Section(text="x"),), actions=actions, menu=Menu("Pick", options), rated="role:r")
    payload = reply_view(reply).to_components()  # type: ignore[union-attr]
    assert not component_problems(payload)
    assert [row["components"][0]["type"] for row in payload] == [2, 2, 2, 3, 2]  # 3 rows of steps, menu, feedback
    kept = [item["custom_id"] for row in payload[:3] for item in row["components"]]
    assert kept == [f"rc:role:role-{n}" for n in range(15)]  # in order, the rest dropped
    menu = payload[3]["components"][0]
    assert [o["value"] for o in menu["options"]] == [f"rc:moment:ep@{n}:00" for n in range(25)]
    label = payload[0]["components"][0]["label"]
    assert label.endswith("…") and len(label) <= render.MAX_BUTTON_LABEL
    assert long_label.startswith(label[:-1].removeprefix("0 ").rstrip())  # cut on a word boundary
    assert len(menu["options"][0]["label"]) <= render.MAX_OPTION_LABEL
    assert buttons([payload[4]]) == {"👍": "rc:up:role:r", "👎": "rc:down:role:r"}


def test_unanswerable_ids_never_become_buttons() -> None:
    actions = (
        Action("ok", "rc:role:a"),
        Action("again", "rc:role:a"),  # Discord rejects a message with duplicate custom_ids
        Action("bad", "https://example.org"),
        Action("long", "rc:role:" + "a" * 120),
    )
    reply = Reply("no_match", "T", actions=actions)
    payload = reply_view(reply).to_components()  # type: ignore[union-attr]
    assert [item["custom_id"] for row in payload for item in row["components"]] == ["rc:role:a"]
    assert reply_view(Reply("list", "Roles")) is None


async def test_a_click_in_a_dm_answers_the_clicker(fake_discord: FakeDiscord, discord_bot: Runtime) -> None:
    """In a DM Discord sends the clicker as ``user`` (no ``member``, no guild); votes still count once per member."""
    votes: list[str] = []
    discord_bot.handlers.voters.append(lambda _asker, _answer, vote: votes.append(vote))
    reply = (await say(fake_discord, message_event("data scientist", dm=True)))["response"]
    found = buttons(reply["components"])

    async def dm_click(custom_id: str) -> dict[str, Any]:
        payload = component_interaction(reply, custom_id)
        user = payload.pop("member")["user"]
        del payload["guild_id"]
        payload.update(user=user, context=1, channel={"id": DM_CHANNEL_ID, "type": 1}, channel_id=DM_CHANNEL_ID)
        before = len(fake_discord.callbacks)
        await fake_discord.interaction(payload)
        await fake_discord.wait_callbacks(before + 1)
        return fake_discord.callbacks[before]

    answer = await dm_click(found["vs Machine learning engineer"])
    assert answer["type"] == 4 and title(answer) == "Machine learning engineer vs Data scientist"
    assert [title(await dm_click(found["👎"])) for _ in range(2)] == [THANKS, "Already counted"]
    assert votes == ["down"]
