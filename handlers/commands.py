"""The command grammar shared by the console, Slack and Discord: text in, a neutral Reply out."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime

from content.library import Library
from content.search import Hit
from content.text import normalize
from handlers import answers, navigation
from handlers.admin import REFUSAL, Desks, admin_reply
from handlers.asker import CONSOLE, Asker
from handlers.desks import MissDesk, ReloadDesk, TipDesk
from handlers.reply import Reply, Section
from handlers.tip import pick_for_week, tip_reply, week_of

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


# A click whose id is malformed, tampered with, or names content that no longer exists.
UNAVAILABLE = Reply(
    "notice",
    "That answer is no longer available",
    (Section(text="The content has changed since this button was made. Ask again to see what is there now."),),
)
THANKS = Reply("notice", "Thanks for the feedback", (Section(text="It helps the moderators improve this answer."),))
ALREADY_RATED = Reply("notice", "Already counted", (Section(text="Your vote on this answer is in: thanks."),))
# One vote per member and answer within this many seconds; remembered in memory only, as a hash.
VOTE_WINDOW_SECONDS = 24 * 3600


def _utcnow() -> datetime:
    return datetime.now(UTC)


Observer = Callable[[Asker, str, Reply, float], None]
# Told of every 👍/👎: the asker (for its platform only), the answer id ('role:data-scientist') and 'up' or 'down'.
Voter = Callable[[Asker, str, str], None]


class VoteBox:
    """Who voted on what lately, so one member's repeated clicks count once: kept in this process's memory only, as
    hashes of (platform, user, answer), and forgotten after VOTE_WINDOW_SECONDS. Never stored, never logged."""

    def __init__(self, window: float = VOTE_WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self._seen: dict[bytes, float] = {}

    def first(self, asker: Asker, answer: str) -> bool:
        """True for a member's first vote on ``answer`` in the window (always True when the user is unknown)."""
        if asker.user is None:
            return True
        now = self.clock()
        if len(self._seen) > 10_000 or next(iter(self._seen.values()), now) < now - self.window:
            self._seen = {key: at for key, at in self._seen.items() if at >= now - self.window}
        key = hashlib.blake2b(f"{asker.platform}\0{asker.user}\0{answer}".encode(), digest_size=16).digest()
        if key in self._seen and self._seen[key] >= now - self.window:
            return False
        self._seen[key] = now
        return True


class Handlers:
    """Answers commands from whichever Library is current. Each command reads one snapshot, start to finish."""

    def __init__(self, library: Callable[[], Library] | Library, clock: Callable[[], datetime] = _utcnow) -> None:
        self._library = library if callable(library) else (lambda: library)
        self._clock = clock
        self.tips: TipDesk | None = None
        self.reloader: ReloadDesk | None = None
        self.misses: MissDesk | None = None
        self.observers: list[Observer] = []  # told of every member query: query log, metrics, the log line
        self.voters: list[Voter] = []  # told of every 👍/👎: query log, metrics
        self._votes = VoteBox()

    def attach_tips(self, desk: TipDesk) -> None:
        """Answer 'tip' and the tip admin commands from the scheduler's stored rotation."""
        self.tips = desk

    @property
    def library(self) -> Library:
        """The content snapshot answers come from right now."""
        return self._library()

    def handle(self, text: str, asker: Asker = CONSOLE) -> Reply:
        """Answer one line of the shared grammar ('mle', 'mle vs ds', 'batch scoring', 'tip', 'help', 'admin ...')."""
        started = time.perf_counter()
        library = self.library  # one snapshot for the whole command, even if a reload swaps it meanwhile
        first_word, _, admin_args = text.strip().partition(" ")
        if first_word.lower() == "admin":
            if not asker.moderator:
                return REFUSAL
            return admin_reply(library, Desks(self.tips, self.reloader, self.misses), admin_args, asker)
        reply = self._member(library, text)
        elapsed = time.perf_counter() - started
        for observe in self.observers:
            observe(asker, text, reply, elapsed)
        return reply

    def click(self, raw: object, asker: Asker = CONSOLE) -> Reply:
        """Answer a button or menu click by its id (see handlers.navigation): the answer it names, or a vote.

        The id comes back from the member's client: anything malformed, tampered with or no longer in the content
        gets UNAVAILABLE, never an exception.
        """
        started = time.perf_counter()
        library = self.library
        found = navigation.parse(raw)
        if found is None or not navigation.exists(library, found):
            return UNAVAILABLE
        if found.vote is not None:
            if not self._votes.first(asker, found.answer_id):
                return ALREADY_RATED
            for vote in self.voters:
                vote(asker, found.answer_id, found.vote)
            return THANKS
        reply = self.answer(Hit(found.kind, found.id, 100.0, ""), library)
        elapsed = time.perf_counter() - started
        for observe in self.observers:
            observe(asker, str(raw), reply, elapsed)
        return reply

    def _member(self, library: Library, text: str) -> Reply:
        key = normalize(text)
        if (key and key in _HELP) or text.strip() in ("", "?"):
            # Emoji- or punctuation-only text normalises to nothing; that is a question without an answer, not help.
            return self.help()
        if key in _LISTS:
            return answers.roles_reply(library) if _LISTS[key] == "roles" else answers.episodes_reply(library)
        if key in _TIP:
            return self.tip(library=library)
        first, _, rest = key.partition(" ")
        if first in _HINT_WORDS and rest:
            return self.search(rest, original=text.strip().partition(" ")[2], library=library)
        return self.search(text, library=library)

    def search(self, query: str, original: str | None = None, library: Library | None = None) -> Reply:
        """Resolve free text to the best answer, or a no-match reply with suggestions."""
        library = library or self.library
        resolution = library.resolver.resolve(query)
        if resolution.hit is None:
            return answers.no_match_reply(library, original or query, resolution.suggestions, resolution.pair)
        return self.answer(resolution.hit, library)

    def answer(self, hit: Hit, library: Library | None = None) -> Reply:
        """The full answer for a resolved hit, from the snapshot that resolved it."""
        library = library or self.library
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

    def tip(self, now: datetime | None = None, library: Library | None = None) -> Reply:
        """This week's tip: the scheduler's stored choice when it runs, else a stable pick per ISO week."""
        if self.tips is not None and now is None:
            return self.tips.tip_reply()
        now = now or self._clock()
        library = library or self.library
        return tip_reply(library, pick_for_week(library, now), week_of(now))
