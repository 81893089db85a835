"""The neutral reply every handler returns and every adapter renders (console text, Block Kit, embeds)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from content.schema import Episode, Moment

ReplyKind = Literal[
    "role", "boundary", "episode", "moment", "list", "tip", "help", "no_match", "admin", "refused", "notice"
]
# Replies that belong to the asker alone: always ephemeral (or a DM), never shared in a channel.
PRIVATE_KINDS: frozenset[str] = frozenset({"help", "admin", "refused", "notice"})


@dataclass(frozen=True)
class Citation:
    """An episode moment an answer comes from, with a link that starts the video there."""

    episode: str
    guest: str
    timestamp: str
    seconds: int
    url: str

    @classmethod
    def of(cls, moment: Moment) -> Citation:
        """The citation for a content moment."""
        return cls(moment.episode.title, moment.people, moment.stamp, moment.at.seconds, moment.url)

    @property
    def link_text(self) -> str:
        """What a link to this citation shows: its timestamp, or 'episode' for a whole episode."""
        return self.timestamp or "episode"

    @classmethod
    def of_episode(cls, episode: Episode) -> Citation:
        """The citation for a whole episode, when the source gives no timestamp: the link starts at the beginning."""
        return cls(episode.title, episode.people, "", 0, episode.video_url)


@dataclass(frozen=True)
class Section:
    """A block of an answer: an optional heading, a paragraph and/or bullet items (all plain text)."""

    heading: str | None = None
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """A "did you mean": what to show, the query that asks for it, and the id a click sends."""

    label: str
    query: str
    target: str


@dataclass(frozen=True)
class Action:
    """A clickable next step: what the button or menu option shows, and the opaque id that asks for it.

    ``target`` is built and checked only by ``handlers.navigation`` ('rc:role:data-scientist').
    """

    label: str
    target: str


@dataclass(frozen=True)
class Menu:
    """A pick-one list of next steps (an episode's moments): a Slack select menu or a Discord select."""

    placeholder: str
    options: tuple[Action, ...]


@dataclass(frozen=True)
class Reply:
    """A platform-neutral answer. ``ref`` is the matched content id, if any (for logs, tests and eval)."""

    kind: ReplyKind
    title: str
    sections: tuple[Section, ...] = ()
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    ref: str | None = None
    score: float | None = None
    actions: tuple[Action, ...] = ()  # buttons, in order: what naturally comes next, or the did-you-mean offers
    menu: Menu | None = None
    rated: str | None = None  # the answer id members rate with 👍/👎 ('role:data-scientist'); None: no feedback

    @property
    def private(self) -> bool:
        """Whether only the asker may see this reply."""
        return self.kind in PRIVATE_KINDS

    def plain_text(self) -> str:
        """The plain-text rendering: the console's output and every platform's notification fallback."""
        lines = [self.title]
        for section in self.sections:
            lines.append("")
            if section.heading:
                lines.append(section.heading)
            if section.text:
                lines.append(section.text)
            lines.extend(f"  - {item}" for item in section.items)
        if self.citations:
            lines += ["", "Sources"]
            lines += [f"  [{c.link_text}] {c.episode}, {c.guest}: {c.url}" for c in self.citations]
        if self.suggestions:
            lines += ["", "Did you mean"]
            lines += [f"  - {s.label}  (ask: {s.query})" for s in self.suggestions]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The ``rolecall ask --json`` object."""
        return {
            "kind": self.kind,
            "id": self.ref,
            "score": self.score,
            "title": self.title,
            "text": self.plain_text(),
            "citations": [asdict(c) for c in self.citations],
            "suggestions": [asdict(s) for s in self.suggestions],
            "actions": [asdict(a) for a in self.actions],
            "menu": asdict(self.menu) if self.menu else None,
        }
