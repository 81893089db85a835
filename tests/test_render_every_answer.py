"""Every answer the shipped content can produce, rendered for Slack and Discord, stays within each platform's limits.

Slack's blocks are rebuilt as slack_sdk Block Kit models and validated; Discord's embeds are measured with discord.py's
``len(embed)``. Every link must be whole, and every cut must fall on a word boundary.
"""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest
from conftest import FIXED_NOW
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block

from bot.discord import render as discord_render
from bot.slack import render as slack_render
from content.library import Library
from content.search import Hit
from handlers import Handlers, navigation
from handlers.reply import Reply, Section
from handlers.tip import tip_reply, week_of

# Slack's documented per-block limits (Block Kit reference) that slack_sdk's validators do not all check.
SLACK_BUTTON_TEXT = 75
SLACK_ACTION_ID = 255
SLACK_ACTIONS_ELEMENTS = 25
SLACK_BUTTON_VALUE = 2000
SLACK_OPTION_TEXT = 75
SLACK_OPTION_VALUE = 150
SLACK_SELECT_OPTIONS = 100
# Discord's documented embed limit for the author name (the renderer sets none).
DISCORD_AUTHOR = 256

SLACK_LINK = re.compile(r"<https?://[^<>|\s]+\|[^<>]+>")
DISCORD_LINK = re.compile(r"\[[^\[\]]+\]\(https?://[^()\s]+\)")
MORE = re.compile(r"^… and (\d+) more$")


def every_answer(library: Library) -> list[Reply]:
    """One reply per role, boundary, episode and moment, the lists, help, no-matches, the tip and every tip moment."""
    handlers = Handlers(library, clock=lambda: FIXED_NOW)
    content = library.content
    replies = [handlers.answer(Hit("role", id_, 100.0, id_)) for id_ in content.roles]
    replies += [handlers.answer(Hit("boundary", id_, 100.0, id_)) for id_ in content.boundaries]
    replies += [handlers.answer(Hit("episode", id_, 100.0, id_)) for id_ in content.episodes]
    replies += [handlers.answer(Hit("moment", key, 100.0, key)) for key in content.moments]
    replies += [handlers.handle(text) for text in ("roles", "episodes", "help", "tip")]
    replies += [handlers.handle("mle vs cdo"), handlers.handle("zebra " * 100)]
    replies += [tip_reply(library, moment, week_of(FIXED_NOW)) for moment in content.moments.values()]
    return replies


@pytest.fixture(scope="module")
def answers(library: Library) -> list[Reply]:
    replies = every_answer(library)
    content = library.content
    kinds = {reply.kind for reply in replies}
    assert {"role", "boundary", "episode", "moment", "list", "help", "tip", "no_match"} <= kinds
    assert any(reply.kind == "no_match" and reply.suggestions for reply in replies)
    assert (
        len(replies)
        == len(content.roles) + len(content.boundaries) + len(content.episodes) + 2 * len(content.moments) + 6
    )
    return replies


def vocabulary(reply: Reply, escape: bool) -> set[str]:
    """The whole words of an answer and its next steps, for checking that a cut ended on one."""
    text = reply.plain_text() + "\n" + "\n".join(f"{s.label} (ask: {s.query})" for s in reply.suggestions)
    options = reply.menu.options if reply.menu else ()
    text += "\n" + "\n".join(a.label for a in (*reply.actions, *options))
    if escape:
        text = slack_render.escape(text)
    return set(text.split())


def cut_mid_word(text: str, words: set[str]) -> bool:
    """True if ``text`` was shortened (ends with an ellipsis) right after part of a word."""
    if not text.endswith("…") or MORE.match(text) or text in (slack_render.SHORTENED, discord_render.SHORTENED):
        return False
    head = text[:-1].split()
    return bool(head) and head[-1].strip("*") not in words and head[-1] not in words


def links_left_over(text: str, link: re.Pattern[str], opener: str) -> bool:
    """True if any link markup in ``text`` is not a whole link."""
    return opener in link.sub("", text)


def shown_and_dropped(lines: list[str], link: re.Pattern[str]) -> tuple[int, int]:
    """How many citation lines a rendering shows, and how many its '… and N more' says it left out."""
    shown = sum(1 for line in lines if link.match(line))
    dropped = sum(int(m.group(1)) for m in map(MORE.match, lines) if m)
    return shown, dropped


# -- Slack ----------------------------------------------------------------------------------------------------


def text_objects(node: Any) -> list[dict[str, Any]]:
    """Every Block Kit text object in a payload."""
    if isinstance(node, list):
        return [found for value in node for found in text_objects(value)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("type") in ("mrkdwn", "plain_text") else []
    return own + [found for value in node.values() for found in text_objects(value)]


def validate_models(model: Any) -> None:
    """validate_json() on a Block Kit model and on every model inside it (elements, text objects)."""
    if isinstance(model, JsonObject):
        model.validate_json()
        for value in vars(model).values():
            validate_models(value)
    elif isinstance(model, (list, tuple)):
        for value in model:
            validate_models(value)


def actions_problems(block: dict[str, Any]) -> list[str]:
    """Slack's limits on an actions block's buttons and selects, and that every click is one RoleCall answers."""
    problems = []
    elements = block["elements"]
    if not 1 <= len(elements) <= SLACK_ACTIONS_ELEMENTS:
        problems.append(f"actions block with {len(elements)} elements")
    action_ids = [e["action_id"] for e in elements]
    if len(set(action_ids)) != len(action_ids):
        problems.append("action_id repeated within a block")
    for element in elements:
        if len(element["action_id"]) > SLACK_ACTION_ID:
            problems.append("action_id too long")
        if element["type"] == "button":
            if not 1 <= len(element["text"]["text"]) <= SLACK_BUTTON_TEXT:
                problems.append(f"button text of {len(element['text']['text'])} characters")
            if len(element["value"]) > SLACK_BUTTON_VALUE:
                problems.append("button value too long")
            # A next-step or vote button sends its id as both action_id and value; the share button sends a query.
            if element["action_id"] != slack_render.SHARE_ACTION and (
                navigation.parse(element["value"]) is None or element["value"] != element["action_id"]
            ):
                problems.append(f"button {element['action_id']!r} sends an id RoleCall cannot answer")
        elif element["type"] == "static_select":
            options = element["options"]
            if element["action_id"] != slack_render.MENU_ACTION:
                problems.append(f"a select with action_id {element['action_id']!r}")
            if not 1 <= len(options) <= SLACK_SELECT_OPTIONS:
                problems.append(f"select with {len(options)} options")
            values = [o["value"] for o in options]
            if len(set(values)) != len(values):
                problems.append("option value repeated")
            for option in options:
                if not 1 <= len(option["text"]["text"]) <= SLACK_OPTION_TEXT:
                    problems.append(f"option text of {len(option['text']['text'])} characters")
                if len(option["value"]) > SLACK_OPTION_VALUE or navigation.parse(option["value"]) is None:
                    problems.append(f"option value {option['value'][:40]!r}")
        else:
            problems.append(f"unexpected {element['type']} element")
    return problems


def slack_problems(reply: Reply, blocks: list[dict[str, Any]], fallback: str, max_blocks: int) -> list[str]:
    problems = []
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks")
    if slack_render.block_text_length(blocks) > slack_render.MAX_MESSAGE_TEXT:
        problems.append(f"{slack_render.block_text_length(blocks)} characters of block text")
    for block in blocks:
        model = Block.parse(block)
        if model is None or model.to_dict() != block:
            problems.append(f"slack_sdk does not read back {block['type']} block")
            continue
        try:
            validate_models(model)
        except SlackObjectFormationError as error:
            problems.append(f"{block['type']}: {error}")
        kind = block["type"]
        if kind == "header" and len(block["text"]["text"]) > slack_render.MAX_HEADER_TEXT:
            problems.append("header too long")
        if kind == "section" and len(block["text"]["text"]) > slack_render.MAX_SECTION_TEXT:
            problems.append("section too long")
        if kind == "context":
            if not 1 <= len(block["elements"]) <= slack_render.MAX_CONTEXT_ELEMENTS:
                problems.append(f"context with {len(block['elements'])} elements")
            problems += [
                "context text too long" for e in block["elements"] if len(e["text"]) > slack_render.MAX_CONTEXT_TEXT
            ]
        if kind == "actions":
            problems += actions_problems(block)
    words = vocabulary(reply, escape=True)
    for obj in text_objects(blocks):
        text = obj["text"]
        if not text.strip():
            problems.append("empty text object")
        if obj["type"] == "mrkdwn" and links_left_over(text, SLACK_LINK, "<"):
            problems.append(f"broken link markup: {text[-80:]!r}")
        if cut_mid_word(text, words):
            problems.append(f"cut mid-word: {text[-40:]!r}")
    if cut_mid_word(fallback, words):
        problems.append(f"fallback cut mid-word: {fallback[-40:]!r}")
    lines = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    shown, dropped = shown_and_dropped(lines, SLACK_LINK)
    if reply.citations and shown + dropped != len(reply.citations):
        problems.append(f"{shown} citations shown and {dropped} counted of {len(reply.citations)}")
    return problems


def test_every_answer_offers_its_next_steps_on_slack(answers: list[Reply]) -> None:
    """Every next step, menu option and vote a reply carries is clickable on Slack (nothing silently dropped at this
    content size), and a did-you-mean offer shown as a button is not also written out."""
    problems = []
    for reply in answers:
        blocks = slack_render.reply_blocks(reply, share_query="q")
        offered = slack_render.clickable_targets(blocks)
        options = reply.menu.options if reply.menu else ()
        missing = [a.target for a in (*reply.actions, *options) if a.target not in offered]
        if reply.rated is not None:
            ids = {e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
            missing += [
                navigation.vote_id(reply.rated, v)
                for v in ("up", "down")
                if navigation.vote_id(reply.rated, v) not in ids
            ]
        if missing:
            problems.append(f"{reply.kind} {reply.ref or reply.title}: not offered: {missing[:3]}")
        written = [b["text"]["text"] for b in blocks if b["type"] == "section" and "Did you mean" in b["text"]["text"]]
        if any("(ask: " in text for text in written) and all(s.target in offered for s in reply.suggestions):
            problems.append(f"{reply.kind} {reply.title}: did-you-mean written out as well as offered")
    assert not problems, "\n".join(problems[:20])


def test_every_answer_passes_block_kit_validation_within_slack_limits(answers: list[Reply]) -> None:
    problems = []
    for reply in answers:
        for share in ("mle vs ds", None):
            payload = slack_render.message(reply, share_query=share)
            found = slack_problems(reply, payload["blocks"], payload["text"], slack_render.MAX_BLOCKS)
            if len(payload["text"]) > slack_render.MAX_FALLBACK_TEXT:
                found.append("fallback text too long")
            problems += [f"{reply.kind} {reply.ref or reply.title}: {p}" for p in found]
    assert not problems, "\n".join(problems[:20])


def test_the_app_home_passes_block_kit_validation(library: Library) -> None:
    handlers = Handlers(library, clock=lambda: FIXED_NOW)
    view = slack_render.home_view([handlers.help(), handlers.roles(), handlers.tip()])
    assert len(view["blocks"]) <= slack_render.MAX_HOME_BLOCKS
    for block in view["blocks"]:
        model = Block.parse(block)
        assert model is not None and model.to_dict() == block
        validate_models(model)


# -- Discord --------------------------------------------------------------------------------------------------


def discord_problems(reply: Reply, embed: discord.Embed) -> list[str]:
    problems = []
    if len(embed) > discord_render.MAX_EMBED_TOTAL:
        problems.append(f"{len(embed)} characters in all")
    if len(embed.title or "") > discord_render.MAX_TITLE:
        problems.append("title too long")
    if len(embed.description or "") > discord_render.MAX_DESCRIPTION:
        problems.append("description too long")
    if len(embed.fields) > discord_render.MAX_FIELDS:
        problems.append(f"{len(embed.fields)} fields")
    for field in embed.fields:
        if not field.name or len(field.name) > discord_render.MAX_FIELD_NAME:
            problems.append(f"field name {field.name!r}")
        if not field.value or len(field.value) > discord_render.MAX_FIELD_VALUE:
            problems.append(f"field {field.name!r} value of {len(field.value or '')} characters")
    if len(embed.footer.text or "") > discord_render.MAX_FOOTER:
        problems.append("footer too long")
    if len(embed.author.name or "") > DISCORD_AUTHOR:
        problems.append("author too long")
    words = vocabulary(reply, escape=False)
    texts = [embed.title or "", embed.description or ""] + [f.value or "" for f in embed.fields]
    for text in texts:
        if links_left_over(text, DISCORD_LINK, "]("):
            problems.append(f"broken link markup: {text[-80:]!r}")
        problems += [f"cut mid-word: {part[-40:]!r}" for part in text.split("\n\n") if cut_mid_word(part, words)]
    lines = [line for f in embed.fields if (f.name or "").startswith("Sources") for line in (f.value or "").split("\n")]
    shown, dropped = shown_and_dropped(lines, DISCORD_LINK)
    if reply.citations and shown + dropped != len(reply.citations):
        problems.append(f"{shown} citations shown and {dropped} counted of {len(reply.citations)}")
    return problems


def test_every_answer_fits_discord_embed_limits(answers: list[Reply]) -> None:
    problems = []
    for reply in answers:
        embed = discord_render.reply_embed(reply)
        assert isinstance(embed, discord.Embed)
        problems += [f"{reply.kind} {reply.ref or reply.title}: {p}" for p in discord_problems(reply, embed)]
    assert not problems, "\n".join(problems[:20])


def test_the_fallback_text_is_the_whole_answer_escaped_then_cut(answers: list[Reply]) -> None:
    """fallback_text escapes only the start of a long answer: the result must be the same as escaping all of it."""
    odd = [
        Reply("no_match", "x", (Section(text="a&b <c> " * 800),)),
        Reply("no_match", "y", (Section(text="&" * 5000),)),
    ]
    for reply in [*answers, *odd]:
        whole = slack_render.trim(slack_render.escape(reply.plain_text()), slack_render.MAX_FALLBACK_TEXT)
        assert slack_render.fallback_text(reply) == whole
