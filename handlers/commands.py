"""The command grammar shared by the console, Slack and Discord: text in, a neutral Reply out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from content.library import Library
from content.search import Hit
from content.text import normalize
from handlers import answers
from handlers.admin import REFUSAL, admin_reply
from handlers.asker import CONSOLE, Asker
from handlers.reply import Reply
from handlers.tip import pick_for_week, tip_reply, week_of
from handlers.tipdesk import TipDesk

# Leading words that only say what kind of thing is wanted; the resolver finds it either way.
_HINT_WORDS = ("role", "episode", "moment", "search", "find", "ask", "about")
_LISTS = {
    "roles": "roles",
    "list": "roles",
    "list roles": "roles",
    "all roles": "roles",
    "boundaries": "roles",
    "episodes": "episodes",
    "list episodes": "episodes",
    "podcast": "episodes",
}
_HELP = {"help", "commands", "usage", "start", "hi", "hello"}
_TIP = {"tip", "tip of the week", "weekly tip", "this week", "tip of week"}


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Handlers:
    """Answers commands from whichever Library is current. Stateless apart from that; safe to share."""

    def __init__(self, library: Callable[[], Library] | Library, clock: Callable[[], datetime] = _utcnow) -> None:
        self._library = library if callable(library) else (lambda: library)
        self._clock = clock
        self.tips: TipDesk | None = None

    def attach_tips(self, desk: TipDesk) -> None:
        """Answer 'tip' and the tip admin commands from the scheduler's stored rotation."""
        self.tips = desk

    @property
    def library(self) -> Library:
        """The content snapshot answers come from right now."""
        return self._library()

    def handle(self, text: str, asker: Asker = CONSOLE) -> Reply:
        """Answer one line of the shared grammar ('mle', 'mle vs ds', 'batch scoring', 'tip', 'help', 'admin ...')."""
        first_word, _, admin_args = text.strip().partition(" ")
        if first_word.lower() == "admin":
            return admin_reply(self.library, self.tips, admin_args) if asker.moderator else REFUSAL
        key = normalize(text)
        if (key and key in _HELP) or text.strip() in ("", "?"):
            # Emoji- or punctuation-only text normalises to nothing; that is a question without an answer, not help.
            return self.help()
        if key in _LISTS:
            return self.roles() if _LISTS[key] == "roles" else self.episodes()
        if key in _TIP:
            return self.tip()
        first, _, rest = key.partition(" ")
        if first in _HINT_WORDS and rest:
            return self.search(rest, original=text.strip().partition(" ")[2])
        return self.search(text)

    def search(self, query: str, original: str | None = None) -> Reply:
        """Resolve free text to the best answer, or a no-match reply with suggestions."""
        library = self.library
        resolution = library.resolver.resolve(query)
        if resolution.hit is None:
            return answers.no_match_reply(library, original or query, resolution.suggestions, resolution.pair)
        return self.answer(resolution.hit)

    def answer(self, hit: Hit) -> Reply:
        """The full answer for a resolved hit."""
        library = self.library
        content = library.content
        if hit.kind == "role":
            return answers.role_reply(library, content.roles[hit.id], hit.score)
        if hit.kind == "boundary":
            return answers.boundary_reply(library, content.boundaries[hit.id], hit.score)
        if hit.kind == "episode":
            return answers.episode_reply(library, content.episodes[hit.id], hit.score)
        return answers.moment_reply(library, content.moments[hit.id], hit.score)

    def roles(self) -> Reply:
        """All roles and boundaries."""
        return answers.roles_reply(self.library)

    def episodes(self) -> Reply:
        """All episodes."""
        return answers.episodes_reply(self.library)

    def help(self) -> Reply:
        """How to ask."""
        return answers.help_reply()

    def tip(self, now: datetime | None = None) -> Reply:
        """This week's tip: the scheduler's stored choice when it runs, else a stable pick per ISO week."""
        if self.tips is not None and now is None:
            return self.tips.tip_reply()
        now = now or self._clock()
        library = self.library
        return tip_reply(library, pick_for_week(library, now), week_of(now))
