"""Clickable next steps, platform-neutral: what each answer offers, and what a click (or a forged one) gets."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import remove_moment
from hypothesis import given
from hypothesis import strategies as st

from content.library import Library
from handlers import Handlers
from handlers.asker import Asker
from handlers.commands import ALREADY_RATED, THANKS, UNAVAILABLE, VoteBox
from handlers.navigation import MAX_ID, parse, target, vote_id, votes


def clicked(handlers: Handlers, reply_text: str, label_start: str) -> str:
    """The id behind the first button of an answer whose label starts with ``label_start``."""
    reply = handlers.handle(reply_text)
    return next(a.target for a in reply.actions if a.label.startswith(label_start))


def test_a_role_offers_its_boundaries_then_its_moments(handlers: Handlers) -> None:
    reply = handlers.handle("mle")
    labels = [a.label for a in reply.actions]
    assert "vs Data scientist" in labels and "vs Data engineer" in labels
    boundary = handlers.click(clicked(handlers, "mle", "vs Data scientist"))
    assert (boundary.kind, boundary.ref) == ("boundary", "mle-vs-data-scientist")
    moments = [a for a in reply.actions if a.target.startswith("rc:moment:")]
    assert moments and all(handlers.click(a.target).kind == "moment" for a in moments)
    assert reply.rated == "role:machine-learning-engineer"


def test_a_boundary_offers_both_roles(handlers: Handlers) -> None:
    reply = handlers.handle("mle vs ds")
    assert [handlers.click(a.target).ref for a in reply.actions] == ["machine-learning-engineer", "data-scientist"]


def test_a_moment_offers_its_episode_and_the_episode_a_menu_of_its_moments(handlers: Handlers) -> None:
    moment = handlers.handle("batch scoring")
    assert moment.kind == "moment"
    (step,) = moment.actions
    episode = handlers.click(step.target)
    assert (episode.kind, episode.ref) == ("episode", moment.ref.split("@")[0])
    assert episode.menu is not None
    assert moment.ref in {handlers.click(option.target).ref for option in episode.menu.options}
    assert all(option.label.split(" ", 1)[0].count(":") >= 1 for option in episode.menu.options)  # '44:23 Topic'


def test_did_you_mean_offers_are_buttons_that_answer(handlers: Handlers) -> None:
    reply = handlers.handle("mle vs cdo")
    assert reply.kind == "no_match" and reply.actions
    assert [a.label for a in reply.actions] == [s.label for s in reply.suggestions]
    for action in reply.actions:
        assert handlers.click(action.target).kind != "no_match"


def test_the_tip_offers_its_episode(handlers: Handlers) -> None:
    tip = handlers.tip()
    assert handlers.click(tip.actions[0].target).kind == "episode"
    assert tip.rated == f"moment:{tip.ref}"


def test_every_id_the_content_makes_parses_within_the_limit(library: Library) -> None:
    """Discord keeps custom_ids of at most 100 characters: the longest (a 👎 on a moment) must fit."""
    content = library.content
    ids = [target("role", r) for r in content.roles] + [target("boundary", b) for b in content.boundaries]
    ids += [target("episode", e) for e in content.episodes] + [target("moment", m) for m in content.moments]
    ids += [vote_id(f"moment:{m}", "down") for m in content.moments]
    assert all(len(i) <= MAX_ID and parse(i) is not None for i in ids)


@pytest.mark.parametrize(
    "forged",
    [
        "rc:role:nobody",
        "rc:role:../../etc/passwd",
        "rc:moment:ml-production@99:99",
        "rc:moment:machine-learning-engineer",  # a moment id needs a timestamp
        "rc:role:machine-learning-engineer@1:00",  # and only a moment has one
        "rc:sideways:machine-learning-engineer",
        "rc:up:role:nobody",
        "RC:ROLE:MACHINE-LEARNING-ENGINEER",
        "rc:role:machine-learning-engineer\n",
        "rc:role:" + "a" * 200,
        "",
        None,
        42,
        {"id": "rc:role:data-scientist"},
    ],
)
def test_a_forged_or_stale_id_is_no_longer_available(handlers: Handlers, forged: object) -> None:
    assert handlers.click(forged) is UNAVAILABLE
    assert UNAVAILABLE.private


SHIPPED = Handlers(Library.load())


@given(st.one_of(st.text(max_size=120), st.from_regex(r"rc:(up:|down:)?(role|moment|episode):[a-z0-9@:-]{0,40}")))
def test_no_click_id_raises(text: str) -> None:
    assert SHIPPED.click(text).kind in {"notice", "role", "boundary", "episode", "moment"}


def test_a_button_made_before_a_reload_that_removed_its_moment_is_no_longer_available(content_dir: Path) -> None:
    content = Library.load(content_dir).content
    key = next(k for k in content.moments if not content.cited_by(k))  # removable without breaking a citation
    before = Handlers(Library.load(content_dir))
    assert before.click(f"rc:moment:{key}").kind == "moment"
    remove_moment(content_dir, key)
    after = Handlers(Library.load(content_dir))
    assert after.click(f"rc:moment:{key}") is UNAVAILABLE
    assert after.click(f"rc:down:moment:{key}") is UNAVAILABLE  # no vote for what is gone


def test_a_vote_tells_the_voters_with_the_answer_id_and_never_the_user(handlers: Handlers) -> None:
    heard: list[tuple[str, str, str]] = []
    handlers.voters.append(lambda asker, answer, vote: heard.append((asker.platform, answer, vote)))
    reply = handlers.handle("mle vs ds")
    assert handlers.click(vote_id(reply.rated or "", "down"), Asker("slack", user="U123")) is THANKS
    assert handlers.click(vote_id(reply.rated or "", "up"), Asker("discord", user="42")) is THANKS
    # The same member's second click on the same answer counts once; another member's counts.
    assert handlers.click(vote_id(reply.rated or "", "down"), Asker("slack", user="U123")) is ALREADY_RATED
    assert handlers.click(vote_id(reply.rated or "", "down"), Asker("discord", user="U123")) is THANKS
    heard.pop()
    assert heard == [
        ("slack", "boundary:mle-vs-data-scientist", "down"),
        ("discord", "boundary:mle-vs-data-scientist", "up"),
    ]


def test_a_click_is_observed_like_a_question(handlers: Handlers) -> None:
    seen: list[tuple[str, str]] = []
    handlers.observers.append(lambda _asker, text, reply, _s: seen.append((text, reply.kind)))
    handlers.click("rc:role:data-scientist")
    handlers.click("rc:role:nobody")  # not an answer: nothing to log
    assert seen == [("rc:role:data-scientist", "role")]


def test_a_vote_is_remembered_for_a_day_only_and_never_by_name() -> None:
    now = [0.0]
    box = VoteBox(window=86_400, clock=lambda: now[0])
    member = Asker("slack", user="U123")
    assert box.first(member, "role:data-scientist") and not box.first(member, "role:data-scientist")
    assert box.first(member, "role:data-engineer")
    assert box.first(Asker("slack"), "role:data-scientist") and box.first(Asker("slack"), "role:data-scientist")
    assert not any(b"U123" in key for key in box._seen)
    now[0] = 86_401
    assert box.first(member, "role:data-scientist")


def test_votes_are_both_buttons_or_none() -> None:
    assert [(v, raw) for v, _, raw in votes("role:data-scientist")] == [
        ("up", "rc:up:role:data-scientist"),
        ("down", "rc:down:role:data-scientist"),
    ]
    assert votes(None) == ()
    assert votes("role:" + "x" * MAX_ID) == ()  # an id no click could answer: no feedback buttons at all
