"""Handlers: each answer kind carries the right content and citations; no platform is involved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.console import Console
from handlers import Handlers
from handlers.tip import pick_for_week


def test_two_line_conversation(console: Console) -> None:
    assert "owns" in console.ask("mle vs ds").plain_text()
    assert console.ask("batch scoring").plain_text().startswith("Online serving versus batch scoring")


def test_the_console_numbers_next_steps_and_a_number_clicks_one(console: Console) -> None:
    shown = console.show(console.ask("mle"))
    assert "Next (type a number)" in shown and "  4. vs Data scientist" in shown
    assert console.ask("4").title == "Machine learning engineer vs Data scientist"
    assert console.ask("9").kind == "no_match"  # the boundary offers two steps: 9 is a question again, not a click


def test_role_answer_has_responsibilities_skills_boundaries_and_sources(handlers: Handlers) -> None:
    reply = handlers.handle("mle")
    assert reply.kind == "role" and reply.title == "Machine learning engineer"
    headings = [s.heading for s in reply.sections]
    assert {"Responsibilities", "Skills", "Boundaries"} <= set(headings)
    boundaries = next(s for s in reply.sections if s.heading == "Boundaries")
    assert len(boundaries.items) == len(handlers.library.content.boundaries_of("machine-learning-engineer"))
    assert reply.citations and all("&t=" in c.url for c in reply.citations)


def test_boundary_answer_is_the_same_in_both_orders(handlers: Handlers) -> None:
    assert handlers.handle("mle vs ds") == handlers.handle("ds vs mle")
    reply = handlers.handle("de vs mle")
    text = reply.plain_text()
    assert reply.title == "Machine learning engineer vs Data engineer"
    assert "Data engineer owns" in text and "Machine learning engineer owns" in text and "Hand-off" in text
    assert [c.timestamp for c in reply.citations] == ["40:10", "31:15"]


def test_boundary_with_a_role_family_names_all_of_it(handlers: Handlers) -> None:
    reply = handlers.handle("mle vs platform engineer")
    assert reply.title == "Machine learning engineer vs MLOps engineer / ML platform engineer"


def test_citation_deep_link_is_video_plus_seconds(handlers: Handlers) -> None:
    reply = handlers.handle("sql before deep learning")
    (citation,) = reply.citations
    assert citation.url == "https://www.youtube.com/watch?v=sMy8NYZnsy8&t=2663s"
    assert (citation.timestamp, citation.seconds, citation.guest) == ("44:23", 2663, "Ben Wilson")
    assert citation.episode == "Practical Machine Learning Engineering for Production"


def test_moment_answer_points_to_related_commands(handlers: Handlers) -> None:
    reply = handlers.handle("batch scoring")
    related = next(s for s in reply.sections if s.heading == "Related")
    assert "Machine learning engineer vs Data engineer (ask: mle vs de)" in related.items


def test_every_suggested_query_leads_to_its_label(handlers: Handlers) -> None:
    """'(ask: X)' hints must work when typed, or members learn to ignore them."""
    for reply in (handlers.handle("roles"), handlers.handle("mle"), handlers.handle("batch scoring")):
        for section in reply.sections:
            for item in section.items:
                if "(ask: " in item:
                    query = item.rsplit("(ask: ", 1)[1].rstrip(")")
                    assert handlers.handle(query).kind != "no_match", query


def test_a_source_without_timestamp_cites_the_whole_episode(handlers: Handlers) -> None:
    content = handlers.library.content
    for role in content.roles.values():
        reply = handlers.handle(role.id)
        assert reply.citations, role.id  # every role cites something, never "no moment cited yet"
        assert "cites no episode moment" not in reply.plain_text()
        for source, citation in zip(role.sources, reply.citations, strict=True):
            if source.at is None:
                assert citation.timestamp == "" and citation.url == content.episodes[source.episode].video_url
                assert "[episode]" in reply.plain_text()
            else:
                assert citation.url.endswith(f"t={source.at.seconds}s")


def test_no_match_echo_is_short_and_control_free(handlers: Handlers) -> None:
    reply = handlers.handle("\x1b[2J" + "volcano " * 100)
    assert reply.kind == "no_match"
    assert "\x1b" not in reply.plain_text()
    assert len(reply.title) < 90


def test_pair_without_boundary_suggests_nearby_ones(handlers: Handlers) -> None:
    reply = handlers.handle("mlops vs ml platform engineer")
    assert reply.kind == "no_match"
    assert reply.title == "No boundary between MLOps engineer and ML platform engineer is written yet"
    assert "mle vs mlops" in [s.query for s in reply.suggestions]
    content = handlers.library.content
    for suggestion in reply.suggestions:  # nearby: every suggested boundary touches one of the two roles
        boundary = handlers.library.resolver.resolve(suggestion.query).hit
        assert boundary is not None and boundary.kind == "boundary"
        roles = set(content.boundaries[boundary.id].roles) | set(content.boundaries[boundary.id].also_applies_to)
        assert roles & {"mlops-engineer", "ml-platform-engineer"}


@pytest.mark.parametrize("text", ["", "   ", "help", "HELP", "?"])
def test_empty_and_help_show_help(handlers: Handlers, text: str) -> None:
    assert handlers.handle(text).kind == "help"


def test_lists(handlers: Handlers) -> None:
    content = handlers.library.content
    roles = handlers.handle("roles")
    assert roles.kind == "list"
    assert len(roles.sections[0].items) == len(content.roles)  # every role, and each once
    assert len(roles.sections[1].items) == len(content.boundaries)
    assert len(handlers.handle("episodes").sections[0].items) == len(content.episodes)


def test_episode_answer_lists_its_moments(handlers: Handlers) -> None:
    reply = handlers.handle("nadia nahar")
    episode = handlers.library.content.episodes["se-for-ml"]
    assert reply.kind == "episode" and reply.ref == "se-for-ml"
    # Every moment of the episode, each once, in the order its file lists them.
    assert [c.timestamp for c in reply.citations] == [str(m.at) for m in episode.moments]
    assert "https://datatalks.club/podcast/software-engineering-for-machine-learning.html" in reply.plain_text()


def test_tip_is_stable_within_a_week_and_moves_between_weeks(handlers: Handlers) -> None:
    monday = datetime(2026, 11, 23, 0, 1, tzinfo=UTC)
    sunday = datetime(2026, 11, 29, 23, 59, tzinfo=UTC)
    assert handlers.tip(monday) == handlers.tip(sunday)
    assert handlers.tip(monday).ref != handlers.tip(monday + timedelta(days=7)).ref
    assert handlers.tip(monday).title.startswith("Tip of the week (2026-W48): ")


def test_tip_walks_through_every_moment(handlers: Handlers) -> None:
    library = handlers.library
    start = datetime(2027, 1, 4, tzinfo=UTC)  # a Monday in ISO week 1
    seen = {pick_for_week(library, start + timedelta(weeks=n)).key for n in range(len(library.content.moments))}
    assert seen == set(library.content.moments)


def test_only_the_adapters_import_a_platform_and_only_the_process_imports_bot() -> None:
    """Data flows one way: handlers, content, operations and the scheduler never reach into bot/ or a platform."""
    import pathlib
    import re

    platform_import = re.compile(r"^\s*(?:from|import)\s+(?:slack_bolt|slack_sdk|discord)\b", re.MULTILINE)
    process_import = re.compile(r"^\s*(?:from|import)\s+bot\b", re.MULTILINE)
    root = pathlib.Path(__file__).resolve().parent.parent
    checked = 0
    for package in ("handlers", "content", "operations", "scheduler"):
        for path in (root / package).rglob("*.py"):
            source = path.read_text()
            assert not platform_import.search(source), path
            assert not process_import.search(source), path
            checked += 1
    assert checked > 20  # the walk found the packages
