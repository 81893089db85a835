"""Clickable next steps and feedback: short opaque ids, built here and validated here on arrival.

An id names what a click asks for: ``rc:role:data-scientist``, ``rc:boundary:mle-vs-data-engineer``,
``rc:episode:ml-production``, ``rc:moment:ml-production@44:23``; a vote on an answer is ``rc:up:role:data-scientist``
or ``rc:down:...``. Ids come back from the platform's client and may be stale (content changed since) or tampered
with, so ``parse`` accepts only this shape and ``Handlers.click`` answers only what the current content holds.
Discord keeps a component's ``custom_id`` (at most 100 characters) across restarts, so an id must mean the same
thing for as long as the content does: ids use content ids, never positions or counters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from content.library import Library
from handlers.reply import Action

PREFIX = "rc:"
MAX_ID = 100  # Discord's custom_id limit; Slack's action_id (255) and option value (150) allow more
TargetKind = Literal["role", "boundary", "episode", "moment"]
Vote = Literal["up", "down"]
# Content ids are lowercase words joined by '-'; a moment adds '@' and a timestamp ('ml-production@1:02:52').
_TARGET = r"(?P<kind>role|boundary|episode|moment):(?P<id>[a-z0-9][a-z0-9-]*(?:@\d{1,2}:\d{2}(?::\d{2})?)?)"
PATTERN = re.compile(rf"{re.escape(PREFIX)}(?:(?P<vote>up|down):)?{_TARGET}")
# What a Discord DynamicItem's template must match: the same shape, as one regex for both platforms.
TEMPLATE = PATTERN.pattern
# The votes as members see them.
VOTES: dict[Vote, str] = {"up": "👍", "down": "👎"}


@dataclass(frozen=True)
class Target:
    """What a click asks for: an answer (``vote`` None) or a vote on one."""

    kind: TargetKind
    id: str
    vote: Vote | None = None

    @property
    def answer_id(self) -> str:
        """The answer this id names, without the vote: 'role:data-scientist'."""
        return answer_id(self.kind, self.id)


def answer_id(kind: TargetKind, content_id: str) -> str:
    """What members rate and the feedback report names: 'role:data-scientist', 'moment:ml-production@44:23'."""
    return f"{kind}:{content_id}"


def target(kind: TargetKind, content_id: str) -> str:
    """The id of a click that answers with one content entry."""
    return PREFIX + answer_id(kind, content_id)


def vote_id(answer_id: str, vote: Vote) -> str:
    """The id of a 👍 or 👎 on an answer ('role:data-scientist')."""
    return f"{PREFIX}{vote}:{answer_id}"


def votes(rated: str | None) -> tuple[tuple[Vote, str, str], ...]:
    """(vote, emoji, id) for the 👍 and 👎 under an answer rated as ``rated``; none when it is not rated, or when an
    id would be one no click could answer (the platforms then show no feedback buttons at all)."""
    if rated is None:
        return ()
    found = tuple((vote, emoji, vote_id(rated, vote)) for vote, emoji in VOTES.items())
    return found if all(well_formed(raw) for _, _, raw in found) else ()


def _match(raw: str) -> re.Match[str] | None:
    """The id's parts when it has the shape of a RoleCall id: within MAX_ID, and a timestamp on moments only."""
    if len(raw) > MAX_ID:
        return None
    match = PATTERN.fullmatch(raw)
    if match is None or (match["kind"] == "moment") != ("@" in match["id"]):
        return None
    return match


def well_formed(raw: str) -> bool:
    """Whether ``raw`` is an id ``parse`` accepts, without building a Target: the renderers check every id they
    put under an answer, so this stays cheap."""
    return _match(raw) is not None


def parse(raw: object) -> Target | None:
    """The target an id names, or None for anything that is not a well-formed RoleCall id."""
    match = _match(raw) if isinstance(raw, str) else None
    if match is None:
        return None
    return Target(match["kind"], match["id"], match["vote"])  # type: ignore[arg-type]


def clickable(actions: Iterable[Action], id_limit: int = MAX_ID) -> list[Action]:
    """The actions a platform can offer: each id once (Slack and Discord reject repeated ids), within the
    platform's ``id_limit``, and well-formed (an id no click could answer is never offered)."""
    seen: set[str] = set()
    kept = []
    for action in actions:
        if action.target not in seen and len(action.target) <= id_limit and well_formed(action.target):
            seen.add(action.target)
            kept.append(action)
    return kept


def exists(library: Library, found: Target) -> bool:
    """Whether the current content still holds what ``found`` names."""
    return found.id in library.content.entries(found.kind)
