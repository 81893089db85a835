"""Clicks on Slack: next-step buttons, the moment menu and 👍/👎, through the real bolt app and the HTTP route.

Only Slack's network edge is a loopback fake: the answers are read where Slack would receive them (the
response_url, chat.postMessage).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from fakes.slack_api import FakeSlack, actions_payload, signed_headers
from pydantic import SecretStr
from test_slack import all_text, command, post, slack_settings, texts

from bot.ratelimit import USER_ANSWERS_PER_WINDOW as USER_LIMIT
from bot.runtime import RunOptions, Runtime
from bot.slack import render
from content.library import Library
from handlers import Handlers, navigation
from handlers.reply import Action, Menu, Reply, Section

UNAVAILABLE = "That answer is no longer available"
THANKS = "Thanks for the feedback"
PUBLIC_TS = "1700000900.000900"  # a bot answer in the channel: a mention's answer, a public slash answer, the tip


@dataclass
class Bot:
    """The running app, its handlers (to compare answers and record votes) and its HTTP address."""

    base: str
    handlers: Handlers
    votes: list[tuple[str, str, str]] = field(default_factory=list)


@pytest.fixture
async def bot(fake: FakeSlack, library: Library) -> AsyncIterator[Bot]:
    handlers = Handlers(library)
    runtime = Runtime(slack_settings(fake), handlers, RunOptions("http", "127.0.0.1", 0))
    await runtime.start()
    running = Bot(f"http://127.0.0.1:{runtime.port}", handlers)
    # The query log and metrics subscribe here too (built elsewhere); this test only needs to see the votes arrive.
    handlers.voters.append(lambda asker, answer, vote: running.votes.append((asker.platform, answer, vote)))
    yield running
    await runtime.stop()


def pressed(element: dict[str, Any], option: int = 0) -> dict[str, Any]:
    """The action Slack sends when a member presses a rendered button or picks option ``option`` of a select."""
    action = {**element, "block_id": "b1", "action_ts": "1.3"}
    if element["type"] == "static_select":
        action["selected_option"] = element["options"][option]
        del action["options"]
    return action


def public_message(thread_ts: str | None = None) -> dict[str, Any]:
    """The ``message`` of a block_actions payload for a bot answer everyone in the channel sees."""
    message = {"type": "message", "ts": PUBLIC_TS, "user": "UBOT", "bot_id": "BBOT", "text": "...", "blocks": []}
    return message if thread_ts is None else {**message, "thread_ts": thread_ts}


async def click(fake: FakeSlack, base: str, action: Any, on: dict[str, Any] | None = None, **changes: Any) -> None:
    """Send one click as Slack does (signed, form-encoded ``payload``) and check the ack: an empty 200, at once.

    ``on`` is the public message clicked; without it the answer was ephemeral (Slack then sends no message).
    ``changes`` replace top-level payload fields, as a tampered or odd payload would.
    """
    payload = actions_payload(fake, [action] if isinstance(action, dict) else action)
    if on is not None:
        payload["container"] = {"type": "message", "message_ts": on["ts"], "channel_id": "C0001", "is_ephemeral": False}
        payload["message"] = on
    payload.update(changes)
    body = urlencode({"payload": json.dumps(payload)})
    started = asyncio.get_running_loop().time()
    status, _, text = await post(base, body, signed_headers(body))
    assert (status, text) == (200, "")
    assert asyncio.get_running_loop().time() - started < 1.0  # the ack never waits for the answer (Slack allows 3 s)


async def responses(fake: FakeSlack, count: int = 1) -> list[dict[str, Any]]:
    """What reached the response_url: wait for ``count``, then a little longer for any that should not come."""
    for _ in range(500):
        if len(fake.responses) >= count:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    return fake.responses


async def settle(fake: FakeSlack, method: str, count: int) -> list[dict[str, Any]]:
    """Web API calls to ``method``: wait for ``count``, then a little longer for any that should not come."""
    await fake.wait_for(method, count)
    await asyncio.sleep(0.1)
    return fake.accepted(method)


def blocks_of(posted: dict[str, Any]) -> list[dict[str, Any]]:
    return json.loads(posted["blocks"]) if isinstance(posted["blocks"], str) else posted["blocks"]


def header(blocks: list[dict[str, Any]]) -> str:
    return blocks[0]["text"]["text"]


def elements(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def button(blocks: list[dict[str, Any]], label_start: str) -> dict[str, Any]:
    return next(e for e in elements(blocks) if e["type"] == "button" and e["text"]["text"].startswith(label_start))


# -- ephemeral answers: the next answer takes the clicked one's place ---------------------------------------------


async def test_a_vs_button_replaces_the_role_answer_with_the_boundary(fake: FakeSlack, bot: Bot) -> None:
    answer = await command(bot.base, "ds")
    assert answer["response_type"] == "ephemeral" and header(answer["blocks"]) == "Data scientist"
    vs = button(answer["blocks"], "vs ")
    expected = bot.handlers.click(vs["value"])
    assert expected.kind == "boundary"
    await click(fake, bot.base, pressed(vs))
    (replaced,) = await responses(fake)
    assert replaced["replace_original"] is True and "response_type" not in replaced
    assert header(replaced["blocks"]) == expected.title
    # The new answer has its own next steps (the two roles) and can still be shared: by its id.
    share = button(replaced["blocks"], "Share in channel")
    assert share["action_id"] == render.SHARE_ACTION and share["value"] == vs["value"]
    assert {e["value"] for e in elements(replaced["blocks"]) if e["action_id"].startswith("rc:role:")}
    assert not fake.accepted("chat.postMessage")


async def test_a_did_you_mean_button_gives_that_answer(fake: FakeSlack, bot: Bot) -> None:
    answer = await command(bot.base, "mle vs cdo")
    offers = [e for e in elements(answer["blocks"]) if e["action_id"].startswith("rc:")]
    assert offers and "(ask: " not in all_text(answer["blocks"])  # offered as buttons, not as text to type
    await click(fake, bot.base, pressed(offers[0]))
    (replaced,) = await responses(fake)
    assert replaced["replace_original"] is True
    assert header(replaced["blocks"]) == bot.handlers.click(offers[0]["value"]).title


async def test_choosing_a_moment_in_an_episodes_menu_gives_the_moment(fake: FakeSlack, bot: Bot) -> None:
    answer = await command(bot.base, "ben wilson")
    (menu,) = [e for e in elements(answer["blocks"]) if e["type"] == "static_select"]
    assert menu["action_id"] == render.MENU_ACTION and len(menu["options"]) > 1
    chosen = menu["options"][1]["value"]
    expected = bot.handlers.click(chosen)
    assert expected.kind == "moment"
    await click(fake, bot.base, pressed(menu, option=1))
    (replaced,) = await responses(fake)
    assert replaced["replace_original"] is True and header(replaced["blocks"]) == expected.title


async def test_sharing_an_answer_reached_by_a_click_shares_that_answer(fake: FakeSlack, bot: Bot) -> None:
    answer = await command(bot.base, "mle")
    await click(fake, bot.base, pressed(button(answer["blocks"], "vs ")))
    (replaced,) = await responses(fake)
    await click(fake, bot.base, pressed(button(replaced["blocks"], "Share in channel")))
    _, shared, deleted = await responses(fake, 3)
    assert shared["response_type"] == "in_channel" and header(shared["blocks"]) == header(replaced["blocks"])
    assert deleted["delete_original"] is True


@pytest.mark.parametrize("value", ["rc:up:role:data-scientist", "rc:down:boundary:ds-vs-mle", "rc:role:deleted-role"])
async def test_a_share_button_carrying_a_vote_or_a_stale_id_shares_nothing(
    fake: FakeSlack, bot: Bot, value: str
) -> None:
    share = {"type": "button", "action_id": render.SHARE_ACTION, "value": value, "block_id": "b1", "action_ts": "1"}
    await click(fake, bot.base, share)
    (refused,) = await responses(fake)
    assert refused == {"response_type": "ephemeral", "replace_original": False, "text": "That answer cannot be shared."}
    assert bot.votes == []  # sharing is not voting, whatever the value says


# -- public answers: the next answer goes in the thread, for everyone ---------------------------------------------


@pytest.mark.parametrize(
    ("thread_ts", "expected_thread"),
    [(None, PUBLIC_TS), ("1700000000.000001", "1700000000.000001")],
    ids=["starts-a-thread", "in-its-thread"],
)
async def test_a_click_on_a_public_answer_posts_in_its_thread_and_pings_nobody(
    fake: FakeSlack, bot: Bot, thread_ts: str | None, expected_thread: str
) -> None:
    shown = render.message(bot.handlers.handle("mle"))["blocks"]  # what the mention's answer carried
    vs = button(shown, "vs ")
    await click(fake, bot.base, pressed(vs), on=public_message(thread_ts))
    (posted,) = await settle(fake, "chat.postMessage", 1)
    assert posted["channel"] == "C0001" and posted["thread_ts"] == expected_thread
    assert header(blocks_of(posted)) == bot.handlers.click(vs["value"]).title
    assert "link_names" not in posted and "parse" not in posted
    assert posted["unfurl_links"] in (False, "0", "false")
    for text in texts({"text": posted["text"], "blocks": blocks_of(posted)}):
        for start in range(len(text)):
            if text[start] == "<":
                assert text[start + 1 :].startswith("http"), text  # only our own links: no mention, no ping
    assert render.SHARE_ACTION not in all_text(blocks_of(posted))  # already public
    assert fake.responses == []  # the clicked answer stays as everyone saw it


async def test_a_click_in_a_channel_the_bot_is_not_in_answers_through_the_response_url(
    fake: FakeSlack, bot: Bot
) -> None:
    # `/rolecall public` in a private channel: the answer went out through the response_url, not as a bot member.
    fake.failures["chat.postMessage"].append((200, {}, {"ok": False, "error": "channel_not_found"}))
    vs = button(render.message(bot.handlers.handle("mle"))["blocks"], "vs ")
    await click(fake, bot.base, pressed(vs), on=public_message())
    (posted,) = await responses(fake)
    assert posted["response_type"] == "in_channel" and posted["replace_original"] is False
    assert posted["thread_ts"] == PUBLIC_TS and header(posted["blocks"]) == bot.handlers.click(vs["value"]).title


async def test_a_click_on_the_bots_dm_answer_answers_in_the_dm(fake: FakeSlack, bot: Bot) -> None:
    vs = button(render.message(bot.handlers.handle("mle"))["blocks"], "vs ")
    await click(fake, bot.base, pressed(vs), on=public_message(), channel={"id": "D0001", "name": "directmessage"})
    (posted,) = await settle(fake, "chat.postMessage", 1)
    assert posted["channel"] == "D0001" and "thread_ts" not in posted  # as a DM question is answered


async def test_clicks_on_public_answers_keep_to_the_rate_limit(fake: FakeSlack, bot: Bot) -> None:
    vs = button(render.message(bot.handlers.handle("mle"))["blocks"], "vs ")
    for _ in range(USER_LIMIT + 2):
        await click(fake, bot.base, pressed(vs), on=public_message())
    assert len(await settle(fake, "chat.postMessage", USER_LIMIT)) == USER_LIMIT
    notices = await responses(fake)
    assert len(notices) == 1  # one notice for the first click over the limit, none for the next
    assert notices[0]["response_type"] == "ephemeral" and "wait a minute" in notices[0]["text"]
    assert notices[0]["replace_original"] is False


# -- feedback -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("vote", ["up", "down"])
@pytest.mark.parametrize("public", [False, True], ids=["ephemeral", "public"])
async def test_a_vote_thanks_the_member_alone_and_tells_the_voters(
    fake: FakeSlack, bot: Bot, vote: str, public: bool
) -> None:
    answer = await command(bot.base, "de vs mle")
    emoji = navigation.VOTES[vote]  # type: ignore[index]
    pressed_vote = pressed(button(answer["blocks"], emoji))
    await click(fake, bot.base, pressed_vote, on=public_message() if public else None)
    (thanks,) = await responses(fake)
    assert thanks["response_type"] == "ephemeral" and thanks["replace_original"] is False
    assert thanks["text"].startswith(THANKS)
    rated = bot.handlers.handle("de vs mle").rated
    assert bot.votes == [("slack", rated, vote)]
    assert not fake.accepted("chat.postMessage")  # a vote posts nothing in the channel


# -- stale, tampered and malformed clicks ---------------------------------------------------------------------


def tampered(value: Any, action_id: str = "rc:role:data-scientist") -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "block_id": "b1",
        "value": value,
        "text": {"type": "plain_text", "text": "vs Data scientist"},
        "action_ts": "1.3",
    }


@pytest.mark.parametrize(
    "action",
    [
        tampered("rc:role:../../etc"),
        tampered("rc:role:deleted-role"),
        tampered("rc:moment:ml-production@99:99"),
        tampered("rc:up:role:deleted-role"),
        tampered("rc:role:" + "a" * 492),
        tampered("x" * 500),
        {"type": "button", "action_id": "rc:role:deleted-role", "block_id": "b1", "action_ts": "1.3"},  # no value
        {"type": "static_select", "action_id": render.MENU_ACTION, "block_id": "b1", "action_ts": "1.3"},
        {"type": "static_select", "action_id": render.MENU_ACTION, "block_id": "b1", "selected_option": 7},
        {
            "type": "static_select",
            "action_id": render.MENU_ACTION,
            "selected_option": {"value": ["rc:role:data-scientist"]},
        },
    ],
    ids=[
        "path",
        "deleted-role",
        "no-such-moment",
        "vote-on-deleted",
        "500-chars-id",
        "500-chars",
        "no-value",
        "select-without-option",
        "odd-option",
        "list-option-value",
    ],
)
async def test_a_stale_or_tampered_id_gets_a_short_notice_and_the_bot_keeps_answering(
    fake: FakeSlack, bot: Bot, action: dict[str, Any]
) -> None:
    await click(fake, bot.base, action)
    (notice,) = await responses(fake)
    assert notice == {"response_type": "ephemeral", "replace_original": False, "text": notice["text"]}
    assert notice["text"].startswith(UNAVAILABLE) and len(notice["text"]) < 200
    assert bot.votes == [] and not fake.accepted("chat.postMessage")
    assert header((await command(bot.base, "mle"))["blocks"]) == "Machine learning engineer"


@pytest.mark.parametrize(
    ("changes", "notice"),
    [
        ({"message": "not an object", "container": {"is_ephemeral": False}}, True),
        ({"message": {"ts": 17}, "container": {"is_ephemeral": False}}, True),  # public, but no usable ts
        ({"user": "U111", "container": None, "channel": None, "message": {"ts": PUBLIC_TS}}, True),  # whose? where?
        ({"container": "odd", "channel": "C0001", "message": {"ts": PUBLIC_TS}}, True),
        ({"response_url": None}, False),  # nowhere to answer: nothing, silently
        ({"response_url": None, "container": None, "message": None, "user": None}, False),
    ],
    ids=["message-string", "ts-number", "user-string", "channel-string", "no-response-url", "all-missing"],
)
async def test_odd_payload_fields_never_raise_nor_replace_a_public_answer(
    fake: FakeSlack, bot: Bot, changes: dict[str, Any], notice: bool
) -> None:
    vs = button(render.message(bot.handlers.handle("mle"))["blocks"], "vs ")
    await click(fake, bot.base, pressed(vs), **changes)
    answered = await responses(fake)
    assert not fake.accepted("chat.postMessage")  # never a public post without knowing where
    if notice:
        (said,) = answered
        assert said["response_type"] == "ephemeral" and said["replace_original"] is False
        assert said["text"].startswith(UNAVAILABLE)
    else:
        assert answered == []
    assert header((await command(bot.base, "mle"))["blocks"]) == "Machine learning engineer"


async def test_a_payload_without_actions_gets_nothing_and_the_bot_keeps_answering(fake: FakeSlack, bot: Bot) -> None:
    for actions in ([], None):
        payload = {k: v for k, v in actions_payload(fake, actions).items() if actions is not None or k != "actions"}
        body = urlencode({"payload": json.dumps(payload)})
        status, _, _ = await post(bot.base, body, signed_headers(body))
        assert status == 400  # refused by the route before bolt: nothing was acked, so Slack shows its own error
    assert await responses(fake, 0) == [] and not fake.calls[1:]  # only auth.test
    assert header((await command(bot.base, "mle"))["blocks"]) == "Machine learning engineer"


# -- socket mode ----------------------------------------------------------------------------------------------


async def test_socket_mode_acks_a_click_and_answers_in_place(fake: FakeSlack, library: Library) -> None:
    settings = slack_settings(fake, app_token=SecretStr("xapp-test-token"))
    handlers = Handlers(library)
    runtime = Runtime(settings, handlers, RunOptions("socket"))
    await runtime.start()
    try:
        vs = button(render.message(handlers.handle("mle"))["blocks"], "vs ")
        envelope = {"envelope_id": "env-3", "type": "interactive", "payload": actions_payload(fake, [pressed(vs)])}
        await fake.to_socket.put(envelope)
        ack = await asyncio.wait_for(fake.from_socket.get(), timeout=5)
        (replaced,) = await responses(fake)
    finally:
        await runtime.stop()
    assert ack == {"envelope_id": "env-3"}  # a plain ack: nothing in it
    assert replaced["replace_original"] is True and header(replaced["blocks"]) == handlers.click(vs["value"]).title


# -- rendering ------------------------------------------------------------------------------------------------


def test_controls_keep_to_slacks_limits_and_their_order() -> None:
    long_label = "A next step whose label goes on and on well past the seventy-five characters a button shows"
    actions = tuple(Action(f"{long_label} {n}", navigation.target("role", f"role-{n}")) for n in range(40))
    junk = (Action("Duplicate", actions[0].target), Action("Not an id", "drop table"))
    options = tuple(Action(f"{n}:00 {long_label}", navigation.target("moment", f"huge@{n}:00")) for n in range(150))
    reply = Reply(
        "role",
        "Title",
        (Section(text="Body."),),
        actions=(*actions, *junk),
        menu=Menu("Jump to a moment", options),
        rated="role:role-0",
    )
    next_steps, menu, votes, share = [b for b in render.reply_blocks(reply, "q") if b["type"] == "actions"]
    buttons = next_steps["elements"]
    assert [b["value"] for b in buttons] == [a.target for a in actions[: render.MAX_ACTIONS_ELEMENTS]]
    assert all(b["action_id"] == b["value"] for b in buttons)
    assert all(len(b["text"]["text"]) <= render.MAX_BUTTON_TEXT for b in buttons)
    assert buttons[0]["text"]["text"] == "A next step whose label goes on and on well past the seventy-five…"
    (select,) = menu["elements"]
    assert [o["value"] for o in select["options"]] == [o.target for o in options[: render.MAX_SELECT_OPTIONS]]
    assert all(len(o["text"]["text"]) <= render.MAX_OPTION_TEXT for o in select["options"])
    assert [b["action_id"] for b in votes["elements"]] == ["rc:up:role:role-0", "rc:down:role:role-0"]
    assert share["elements"][0]["action_id"] == render.SHARE_ACTION


def test_the_home_tab_has_nothing_to_click_but_its_text(library: Library) -> None:
    handlers = Handlers(library)
    view = render.home_view([handlers.help(), handlers.roles(), handlers.tip()])
    assert all(b["type"] != "actions" for b in view["blocks"])  # a click there has no response_url to answer


async def test_votes_reach_the_query_log_the_report_and_metrics_without_the_voter(fake: FakeSlack, bot: Bot) -> None:
    """The whole path: 👎 pressed in Slack -> answer_feedback -> `admin misses` -> /metrics; one vote per member."""
    answer = await command(bot.base, "de vs mle")
    down = pressed(button(answer["blocks"], navigation.VOTES["down"]))
    for user in ("U111", "U111", "U222"):  # U111's second press counts once
        await click(fake, bot.base, down, user={"id": user, "username": "member", "team_id": "T0001"})
    await responses(fake, 3)
    assert [r["text"].split("\n")[0] for r in fake.responses] == [THANKS, "Already counted", THANKS]
    report = await command(bot.base, "admin misses", user_id="UMOD")
    rated = bot.handlers.handle("de vs mle").rated
    assert f"2× 👎, 0× 👍: {rated}" in all_text(report)
    async with aiohttp.ClientSession(trust_env=False) as session, session.get(f"{bot.base}/metrics") as response:
        metrics = await response.text()
    assert 'rolecall_feedback_total{platform="slack",vote="down"} 2.0' in metrics
    assert "U111" not in metrics and "U222" not in all_text(report)
