"""Resolve what a member typed to a role, boundary, episode or moment, or to "no match" with suggestions.

The index is built once per content load. Resolution runs in stages, cheapest and most certain first:
1. a whole name (role, boundary, episode, guest, moment key), as typed or after the lexicon's rewrites;
2. an episode or guest plus a timestamp ("ben wilson 44:23");
3. the question read as a sentence (content/understand.py): two roles -> their boundary; a guest -> the best of
   that guest's moments; one role and nothing else -> the role;
4. free text ranked with BM25F (content/ranking.py), weighed by the question's intent, and accepted only when the
   winner covers enough of the question's topic: words it does not cover, and words the content never uses, count
   against it, filler never does;
5. the same over the moments' asks (members' words for a problem), when the content's own words find nothing;
6. by meaning (content/meaning.py), when neither covers enough of the question: of the entries they ranked first,
   the one whose text is nearest the question, if it is near enough;
7. last, the words' first entry, if it covers some of the question and its meaning is fairly near it: two weaker
   signals that agree.
"""

from __future__ import annotations

import copy
import heapq
import logging
import math
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Literal

from rapidfuzz import fuzz, process

from content.loader import Content, boundary_pairs, boundary_roles
from content.meaning import (
    MEANING_ACCEPT,
    MEANING_BLEND,
    MEANING_BLEND_WORDS,
    MEANING_CANDIDATES,
    MeaningIndex,
    shared_vectors,
)
from content.ranking import Analyses, Field, Searchable, TextIndex, UnionIndex
from content.schema import Boundary
from content.text import ROLE_FRAME_WORDS, STOPWORDS, normalize, stem, strip_mentions
from content.timecode import Timestamp
from content.understand import SHORT_NAME, Analysis, Entity, Reader, Term, explain

Kind = Literal["role", "boundary", "episode", "moment"]

# Thresholds, all on a 0-100 scale unless said otherwise, kept together so they are tuned in one place
# (tests/golden_queries.yaml and tests/conversational_queries.yaml).
NAME_CUTOFF = 86  # a whole query that is a misspelt name
SHORT_QUERY_WORDS = 4  # queries this short may be a whole misspelt name ("simon stiebelehner")
ACCEPT = 0.55  # share of the question's topic (by weight) the winner must cover
MEMBERS_WORDS_TERMS = 3  # topic words a moment found only through its asks must share with the question
GUEST_ACCEPT = 0.45  # the same within a named guest's episodes: the guest already narrows it down
CLOSE_CALL = 0.8  # the named role's entry wins when it scores within this share of the best and covers it all
MOVE_WORDS = "career switch switching change move moving transition pivot grow growing apply applying coming"
STRONG_COVER = 0.8  # a moment covering this much answers even a career-move question
DOMINANT_COVER = 0.4  # ...or at least this much while scoring DOMINANCE times the runner-up
DOMINANCE = 1.8
SUGGEST = 0.3  # candidates covering at least this much are offered as "did you mean"
NEAR_COVER = 0.15  # ...or this much, for the meaning stage, in a question with no word the content never uses
SUGGEST_WORDS = 2  # ...and share at least this many of the question's topic words (or all it has)
AGREE_WORDS = 3  # when nothing else answers, the words' first entry covering SUGGEST and this many topic words...
MEANING_AGREE = 0.65  # ...answers if its meaning is this near the question (below MEANING_ACCEPT: the words agree)
SUGGEST_CUTOFF = 30  # the score shown for suggestions that come from near-miss names
FOREIGN_SHARE = 0.8  # a word the content never uses weighs this share of the rarest word's weight
FOREIGN_TERMS = 4  # ...in a question of up to this many topic words; with more, the unknown words weigh less
ENTITY_SHARE = 0.6  # a named role or guest weighs this share of the rarest word's weight
OWNER_MARGIN = 1.15  # a "who owns" role must score this much above the next role, or the general ranking decides
CONTEXT_OWNER = 1.3  # a "who owns" candidate about the role the question names as context scores this much more
FILLER_SIMILARITY = 0.4  # an everyday word the entry shares with the question adds this share of a topic word
COVERAGE_FLOOR = 4.0  # ranking multiplies the score by (this + coverage)
MAX_SUGGESTIONS = 3
# From this many entries found by a question's words, the ranking runs as array operations (a common word finds most
# entries; a Python loop over them was most of the slowest questions' time).
VECTOR_RANKING = 64
# "serve.py", "mlflow.pyfunc.load": a file or module name, which only code or a stack trace holds.
_CODE_WORD = re.compile(r"[a-z]\.[a-z]")
_COMPARISON_TITLE = re.compile(r"\b(?:vs|versus)\b")
_MOVE_TITLE = re.compile(r"\b(?:from|into|transition|become|becoming|after)\b|(?<!how )\bto\b")
MAX_COMPLETIONS = 25  # Discord's limit on autocomplete choices

# Per intent, how much each kind of entry is preferred when scores are close.
_PRIORS: dict[str, dict[str, float]] = {
    "topic": {"moment": 1.0, "boundary": 0.9, "role": 0.6, "episode": 1.0},
    "who_owns": {"moment": 0.9, "boundary": 1.15, "role": 1.1, "episode": 0.5},
    "episode": {"moment": 0.8, "boundary": 0.6, "role": 0.6, "episode": 1.5},
    "define": {"moment": 0.9, "boundary": 0.9, "role": 1.2, "episode": 0.7},
    "guest": {"moment": 1.0, "boundary": 0.0, "role": 0.0, "episode": 0.8},
    # "how do we catch ...", "how long should an experiment run": a practice, which a moment tells best
    "how": {"moment": 1.0, "boundary": 0.6, "role": 0.4, "episode": 0.8},
}
_KIND_ORDER: dict[str, int] = {"moment": 0, "boundary": 1, "role": 2, "episode": 3}
_MOMENT_REF = re.compile(r"^(.+?) ?@? ?((?:\d{1,2}:)?\d{1,2}:\d{2})$")
_MEANING_CHARS = 1000  # a question's first characters that its meaning is read from (a wall of text has no one topic)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hit:
    """A candidate answer: what it is, how sure we are (0-100), and how to show it in a suggestion."""

    kind: Kind
    id: str
    score: float
    label: str


@dataclass(frozen=True)
class Resolution:
    """The outcome of one query. ``hit`` is None for no match; ``pair`` names two roles with no boundary."""

    hit: Hit | None
    suggestions: tuple[Hit, ...] = ()
    pair: tuple[str, str] | None = None
    trace: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class _Lead:
    """A ranking's first entry for a question the words found no answer for, with the reading that ranked it."""

    doc: int
    coverage: float
    analysis: Analysis


@dataclass(frozen=True)
class _Target:
    kind: Kind
    id: str
    label: str


@dataclass
class _Trace:
    """What ``--explain`` prints; collecting it costs nothing when nobody asked."""

    on: bool
    lines: list[str] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        if self.on:
            self.lines.extend(lines)

    def done(self, resolution: Resolution, why: str) -> Resolution:
        if not self.on:
            return resolution
        return Resolution(resolution.hit, resolution.suggestions, resolution.pair, (*self.lines, f"decision:   {why}"))


@dataclass(frozen=True)
class _RankArrays:
    """Per entry, as arrays: its prior for each intent, and its kind's place in ties."""

    priors: dict[str, Any]
    kind_rank: Any


@dataclass
class _Reading:
    """How one resolve read the question: the second search rereads the first's reading instead of starting over."""

    first: Analysis | None = None
    last: Analysis | None = None
    guest_fallback: bool = False  # a named guest's episode, given because no moment of theirs covered the topic
    near: list[int] = field(default_factory=list)  # the entries each ranking put first (MEANING_CANDIDATES each)
    agreed: list[_Lead] = field(default_factory=list)  # each ranking's first entry, if the words may agree on it
    question: str = ""  # the question as the meaning stage reads it

    @classmethod
    def of(cls, query: str) -> _Reading:
        """A new reading of what a member typed."""
        return cls(question=strip_mentions(query)[:_MEANING_CHARS])


class Resolver:
    """An index over one Content snapshot. Immutable after construction, so it is safe to share."""

    def __init__(self, content: Content) -> None:
        self._content = content
        self._lexicon = content.lexicon
        self._exact: dict[str, list[_Target]] = defaultdict(list)
        self._fuzzy_names: list[str] = []
        self._fuzzy_targets: list[_Target] = []
        self._index_names(content)
        # Employers and universities that name a guest: such a name alone may be about the company, not the guest.
        self._org_keys = frozenset(
            org for e in content.episodes.values() for g in e.guests for org in _organisations(g.affiliation or "")
        )
        analyses = Analyses()  # every index of this load analyses many of the same lines: do it once
        main = TextIndex(content.lexicon, analyses)
        self._docs: list[_Target] = []
        self._doc_of: dict[tuple[str, str], int] = {}
        self._index_text(content, main)
        main.finish()
        self._index: Searchable = main
        self._kind_rank = [_KIND_ORDER[target.kind] for target in self._docs]  # per entry, for ties: moments first
        # Per intent, each entry's prior by its kind: looked up per entry in the ranking's inner loop.
        self._priors = {intent: [p[t.kind] for t in self._docs] for intent, p in _PRIORS.items()}
        self._arrays: _RankArrays | None = None  # the same as arrays, for the ranking of many entries
        self._owners, self._owner_ids = self._index_owners(content, analyses)
        self._related = self._relations(content)
        self._episode_docs = self._moments_by_episode(content)
        self._naming = self._docs_naming_roles(content)
        self._reader = self._new_reader(content)
        rarest = self._index.max_idf
        self._foreign_weight = FOREIGN_SHARE * rarest
        self._entity_weight = ENTITY_SHARE * rarest
        # Autocomplete runs on every keystroke: group the names by kind once per content load.
        self._names_by_kind: dict[str, list[tuple[str, _Target]]] = defaultdict(list)
        for name, targets in self._exact.items():
            for target in targets:
                self._names_by_kind[target.kind].append((name, target))
        # The moments' `asks` (members' own words for a problem) are a second chance, searched only when the
        # content's own words find nothing: mixed into the main index, they pulled questions about a role to
        # moments whose asks mention it. The second resolver shares everything but the index, which reads the
        # asks (indexed apart, moments numbered as in the main index) together with the main one.
        self._second: Resolver | None = None
        if any(m.asks for m in content.moments.values()):
            asks = TextIndex(content.lexicon, analyses)
            for moment in content.moments.values():
                asks.add([Field("m.asks", 2.0, moment.asks, b=0.3)])
            asks.finish()
            second = copy.copy(self)
            second._second = None
            second._meaning_home = self  # same entries, same numbers: one meaning index serves both
            second._index = UnionIndex(self._index, asks)
            second._reader = second._new_reader(content)
            self._second = second
        # Built on the first question that needs it (about 120 ms on the shipped content), not at every load.
        self._meaning: MeaningIndex | None = None
        self._meaning_lock = threading.Lock()
        self._meaning_failed = False
        self._meaning_home: Resolver = self

    def _new_reader(self, content: Content) -> Reader:
        """A reader of questions that knows this resolver's names and its index's words."""
        return Reader(
            content.lexicon,
            self._index,
            self._role_names(content),
            self._guest_names(content),
            disciplines=[(normalize(d), role.id) for role in content.roles.values() for d in role.disciplines],
        )

    # -- building ------------------------------------------------------------------------------------------

    def _name(self, name: str, target: _Target, fuzzy: bool = True) -> None:
        key = normalize(name)
        if not key:
            return
        if target not in self._exact[key]:
            self._exact[key].append(target)
        if fuzzy and len(key) > SHORT_NAME:
            self._fuzzy_names.append(key)
            self._fuzzy_targets.append(target)

    def _index_names(self, content: Content) -> None:
        for role in content.roles.values():
            target = _Target("role", role.id, role.name)
            for name in (role.id, role.name, *role.aliases):
                self._name(name, target)
        for boundary in content.boundaries.values():
            self._name(boundary.id, _Target("boundary", boundary.id, self.boundary_label(boundary.id)))
        for episode in content.episodes.values():
            target = _Target("episode", episode.id, episode.title)
            for name in (episode.id, episode.title, *episode.aliases):
                self._name(name, target)
            for guest in episode.guests:
                for name in (guest.name, *guest.aliases):
                    self._name(name, target)
        for moment in content.moments.values():
            target = _Target("moment", moment.key, self.moment_label(moment.key))
            # Its key, and its topic typed in full (the title of a weekly tip someone wants to see again).
            self._name(moment.key, target, fuzzy=False)
            self._name(moment.topic, target, fuzzy=False)

    @staticmethod
    def _role_names(content: Content) -> Iterable[tuple[str, str]]:
        for role in content.roles.values():
            for name in (role.name, *role.aliases, role.id):
                key = normalize(name)
                if key:
                    yield key, role.id

    def _guest_names(self, content: Content) -> Iterable[tuple[str, str, tuple[str, ...]]]:
        """Every way a question may name a guest: full name, alias, first name, surname, employer or university."""
        taken = set(self._reader_blocklist(content))
        by_key: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for episode in content.episodes.values():
            for guest in episode.guests:
                full = [normalize(n) for n in (guest.name, *guest.aliases)]
                keys = set(full)
                for name in full:
                    keys.update(part for part in name.split() if len(part) >= 3 and part not in taken)
                for org in _organisations(guest.affiliation or ""):
                    if org not in taken:
                        keys.add(org)
                for key in keys:
                    by_key[key][guest.name].add(episode.id)
        for key, guests in by_key.items():
            for name, episodes in sorted(guests.items()):
                yield key, name, tuple(sorted(episodes))

    def _reader_blocklist(self, content: Content) -> Iterable[str]:
        """Words that must never be read as a guest's first name or surname: names, frames, filler, stopwords."""
        yield from STOPWORDS
        yield from ROLE_FRAME_WORDS
        yield from content.lexicon.filler
        for key, targets in self._exact.items():
            if any(t.kind == "role" for t in targets):
                yield from key.split()

    def _new_doc(self, index: TextIndex, target: _Target, fields: Iterable[Field]) -> None:
        self._doc_of[(target.kind, target.id)] = index.add(fields)
        self._docs.append(target)

    def _index_text(self, content: Content, index: TextIndex) -> None:
        """One document per moment (first, so the asks index numbers them alike), boundary, role and episode."""
        for moment in content.moments.values():
            episode = moment.episode
            guests = tuple(n for g in episode.guests for n in (g.name, *g.aliases))
            self._new_doc(
                index,
                _Target("moment", moment.key, self.moment_label(moment.key)),
                [
                    Field("m.topic", 3.0, (moment.topic,), b=0.3),
                    Field("m.keywords", 3.0, moment.keywords, b=0.3),
                    Field("m.summary", 1.0, (moment.summary,)),
                    Field("m.people", 1.0, guests, b=0.0),
                    Field("m.episode", 0.5, (episode.title,), b=0.3),
                ],
            )
        for boundary in content.boundaries.values():
            roles = tuple(content.roles[r].name for r in boundary_roles(boundary) if r in content.roles)
            owned = [item for items in boundary.owns.values() for item in items]
            self._new_doc(
                index,
                _Target("boundary", boundary.id, self.boundary_label(boundary.id)),
                [
                    Field("b.asks", 3.0, boundary.asks, b=0.3),
                    Field("b.crux", 3.0, (boundary.crux, *boundary.keywords), b=0.3),
                    Field("b.owns", 2.0, (*owned, *boundary.shared), b=0.5),
                    Field("b.text", 1.0, (boundary.summary, boundary.handoff, boundary.note or "")),
                    Field("b.roles", 1.5, roles, b=0.0),
                ],
            )
        for role in content.roles.values():
            self._new_doc(
                index,
                _Target("role", role.id, role.name),
                [
                    Field("r.name", 1.5, (role.name, *role.aliases), b=0.0),
                    Field("r.asks", 3.0, role.asks, b=0.3),
                    Field("r.work", 1.5, (*role.responsibilities, *role.skills), b=0.5),
                    Field("r.summary", 1.0, (role.summary,)),
                ],
            )
        for episode in content.episodes.values():
            self._new_doc(
                index,
                _Target("episode", episode.id, episode.title),
                [
                    Field("e.title", 3.0, (episode.title, *episode.aliases), b=0.3),
                    Field("e.people", 3.0, tuple(g.name for g in episode.guests), b=0.0),
                    Field("e.org", 2.0, tuple(g.affiliation or "" for g in episode.guests), b=0.0),
                    Field("e.about", 2.0, (*episode.keywords, episode.about or ""), b=0.5),
                    Field("e.topics", 0.5, tuple(m.topic for m in episode.moments)),
                ],
            )

    def _index_owners(self, content: Content, analyses: Analyses) -> tuple[TextIndex, list[str]]:
        """A second, small index with one document per role: everything the content says that role owns or does
        (its responsibilities and its side of every boundary), for "who owns X" questions."""
        owned: dict[str, list[str]] = defaultdict(list)
        for boundary in content.boundaries.values():
            for role_id, items in boundary.owns.items():
                owned[role_id].extend(items)
        index = TextIndex(content.lexicon, analyses)
        ids = []
        for role in content.roles.values():
            index.add(
                [
                    Field("o.owns", 2.0, (*role.responsibilities, *owned[role.id]), b=0.3),
                    Field("o.asks", 1.5, role.asks, b=0.3),
                    Field("o.skills", 0.5, role.skills, b=0.3),
                    Field("o.summary", 0.5, (role.summary,)),
                ]
            )
            ids.append(role.id)
        for boundary in content.boundaries.values():
            owned_items = [item for items in boundary.owns.values() for item in items]
            index.add(
                [
                    Field("o.asks", 1.5, boundary.asks, b=0.3),
                    Field("o.crux", 1.5, (boundary.crux, *boundary.keywords), b=0.3),
                    Field("o.owns", 1.0, (*owned_items, *boundary.shared), b=0.3),
                ]
            )
            ids.append(boundary.id)
        index.finish()
        return index, ids

    def _relations(self, content: Content) -> dict[str, set[int]]:
        """Per role: its own document, its boundaries, and the moments they cite (what 'about this role' means)."""
        related: dict[str, set[int]] = defaultdict(set)
        for role in content.roles.values():
            docs = related[role.id]
            docs.add(self._doc_of[("role", role.id)])
            docs.update(self._doc_of[("moment", s.key)] for s in role.sources if s.at is not None)
        for boundary in content.boundaries.values():
            doc = self._doc_of[("boundary", boundary.id)]
            cited = {self._doc_of[("moment", s.key)] for s in boundary.sources if s.at is not None}
            for role_id in boundary_roles(boundary):
                related[role_id].add(doc)
                related[role_id].update(cited)
        return related

    def _docs_naming_roles(self, content: Content) -> dict[str, set[int]]:
        """Per role: the documents whose text contains every word of the role's name ("data scientists")."""
        naming: dict[str, set[int]] = {}
        for role in content.roles.values():
            stems = [self._index.lexicon.term(stem(w)) for w in normalize(role.name).split() if w not in STOPWORDS]
            postings = [set(self._index.postings.get(s, {})) for s in stems]
            naming[role.id] = set.intersection(*postings) if postings else set()
        return naming

    def _moments_by_episode(self, content: Content) -> dict[str, set[int]]:
        docs: dict[str, set[int]] = defaultdict(set)
        for moment in content.moments.values():
            docs[moment.episode.id].add(self._doc_of[("moment", moment.key)])
        for episode in content.episodes.values():
            docs[episode.id].add(self._doc_of[("episode", episode.id)])
        return docs

    # -- autocomplete --------------------------------------------------------------------------------------

    def complete(self, prefix: str, kind: Kind, limit: int = MAX_COMPLETIONS) -> list[tuple[str, str]]:
        """Autocomplete choices (label, id) for ``kind``: exact name first, then prefix matches, then fuzzy ones."""
        key = normalize(prefix)
        names = self._names_by_kind.get(kind, [])
        ranked: dict[str, tuple[int, float, str]] = {}  # id -> (tier, -score, label)

        def offer(target: _Target, tier: int, score: float) -> None:
            best = ranked.get(target.id)
            if best is None or (tier, -score) < best[:2]:
                ranked[target.id] = (tier, -score, target.label)

        for name, target in names:
            if not key:
                offer(target, 1, 0.0)
            elif name == key:
                offer(target, 0, 100.0)
            elif name.startswith(key):
                offer(target, 1, 100.0 - len(name))
        if key and len(ranked) < limit:
            candidates = [name for name, _ in names]
            for _name, score, index in process.extract(
                key, candidates, scorer=fuzz.WRatio, score_cutoff=60, limit=limit
            ):
                offer(names[index][1], 2, float(score))
        ordered = sorted(ranked.items(), key=lambda item: (item[1][0], item[1][1], item[1][2]))
        return [(label, target_id) for target_id, (_, _, label) in ordered[:limit]]

    # -- labels --------------------------------------------------------------------------------------------

    def boundary_label(self, boundary_id: str) -> str:
        """'Machine learning engineer vs Data scientist' for a boundary id."""
        a, b = self._content.boundaries[boundary_id].roles
        roles = self._content.roles
        return f"{roles[a].name if a in roles else a} vs {roles[b].name if b in roles else b}"

    def moment_label(self, key: str) -> str:
        """'Ben Wilson at 44:23: SQL or statistics before deep learning' for a moment key."""
        moment = self._content.moments[key]
        return f"{moment.episode.guests[0].name} at {moment.at}: {moment.topic}"

    # -- resolving -----------------------------------------------------------------------------------------

    def resolve(self, query: str, explain_it: bool = False) -> Resolution:
        """Resolve any text; never raises. With ``explain_it``, the resolution carries a readable trace."""
        reading = _Reading.of(query)
        found = self._by_words(query, explain_it, reading)
        # Two roles with no line between them, and a topic the words ranked entries for ("our first data hire: an
        # analyst or a data engineer?"): an entry nearest in meaning may still answer it; else the pair is said.
        if found.hit is not None or (found.pair is not None and not reading.near):
            return found
        found = self._by_meaning(query, found, reading.near, explain_it)
        if found.hit is not None or found.pair is not None or not reading.agreed:
            return found
        return self._by_agreement(reading, found, explain_it)

    def _by_words(self, query: str, explain_it: bool, reading: _Reading) -> Resolution:
        """Stages 1 to 5; ``reading.near`` collects the entries each ranking put first, for the meaning stage."""
        near = reading.near
        found = self._resolve(query, explain_it, reading)
        if self._second is None or reading.last is None:
            return found
        if found.hit is not None and not reading.guest_fallback:
            return found
        # Nothing in the content's own words (or only a named guest's episode, none of their moments): a moment whose
        # asks say the member's problem may still answer it, if it covers enough of the question and at least
        # MEMBERS_WORDS_TERMS of its words ("good name for my AI startup" shares two words with an ask about AI jobs at
        # startups, and is still no question of ours).
        again = _Reading(first=reading.last, near=near, agreed=reading.agreed, question=reading.question)
        second = self._second._resolve(query, explain_it, again)
        hit = second.hit
        if hit is None or hit.kind != "moment" or hit.score < 100 * ACCEPT:
            return found
        doc = self._second._doc_of[("moment", hit.id)]
        shared = self._second._words_shared(again.last, doc) if again.last is not None else 0
        # A named guest already narrows the search down to their episodes: the name counts as one of the words.
        if shared < MEMBERS_WORDS_TERMS - (1 if reading.guest_fallback else 0):
            return found
        # Show what the second search read and ranked: the words the asks know, and its candidates.
        shown = [line for line in second.trace if line.startswith(("topic:", "unknown:", "candidate:"))]
        lines = (*found.trace, "members' words: a moment's asks cover the question", *shown, *second.trace[-1:])
        return Resolution(hit, second.suggestions, None, lines if explain_it else ())

    def _by_meaning(self, query: str, found: Resolution, near: list[int], explain_it: bool) -> Resolution:
        """The last resort: of the entries the words ranked first, the one nearest the question in meaning, if it is
        near enough; else ``found``. Only those entries: nearest among all, the meaning alone answered off-topic
        questions ("data engineer salary in Berlin" came within 0.001 of a 0.74 bar) and questions it misread."""
        question = strip_mentions(query)[:_MEANING_CHARS]
        index = self._meaning_index() if near else None  # entries the words ranked: the question has topic words
        nearest = index.nearest(question, among=set(near)) if index is not None else None
        if nearest is None:
            return found
        target = self._docs[nearest.entry]
        lines = (
            *found.trace[:-1],
            f"meaning:    of those, nearest {target.kind} {target.id}, similarity {nearest.similarity:.2f}"
            f" (answers from {MEANING_ACCEPT:.2f})",
        )
        if nearest.similarity < MEANING_ACCEPT:
            why = "nothing covers enough of the question, and none is near enough in meaning"
            return Resolution(None, found.suggestions, found.pair, (*lines, f"decision:   {why}") if explain_it else ())
        # On the resolver's 0-100 scale, a match at the bar is as sure as a words match at the bar (ACCEPT), so
        # most of these answers stay in the moderators' low-confidence report, where an ask can be added.
        share = (nearest.similarity - MEANING_ACCEPT) / (1 - MEANING_ACCEPT)
        hit = Hit(target.kind, target.id, round(100 * (ACCEPT + share * (1 - ACCEPT)), 1), target.label)
        why = "the words find it but cover too little of the question; it is nearest in meaning"
        return Resolution(hit, (), None, (*lines, f"decision:   {why}") if explain_it else ())

    def _by_agreement(self, reading: _Reading, found: Resolution, explain_it: bool) -> Resolution:
        """Last of all: the words' first entry, when the words and the meaning agree on it though neither is sure
        alone. It covers at least SUGGEST of the question and AGREE_WORDS of its topic words (``reading.agreed``), and
        its meaning is within MEANING_AGREE of the question. A story around a clear question spreads the words thin
        ("people keep pinging me in DMs for table access, how are teams supposed to handle access requests"); an
        off-topic question that shares three words with the content ("airflow scheduler keeps dying with DagBag
        import timeout") is far from it in meaning."""
        # Of the content's words and the asks, the ranking whose first entry covers more.
        lead = max(reading.agreed, key=lambda lead: lead.coverage)
        index = self._meaning_index()
        similarity = index.similarities(reading.question, [lead.doc]).get(lead.doc, 0.0) if index is not None else 0.0
        target = self._docs[lead.doc]
        trace = _Trace(explain_it, list(found.trace[:-1]))
        trace.add(
            f"meaning:    the words' first, {target.kind} {target.id}, similarity {similarity:.2f}"
            f" (agrees from {MEANING_AGREE:.2f})"
        )
        if similarity < MEANING_AGREE:  # the earlier decision stands, after the line that says why this one failed
            return Resolution(found.hit, found.suggestions, found.pair, (*trace.lines, *found.trace[-1:]))
        why = "covers less, but the words rank it first and its meaning is near the question"
        return self._answer(lead.analysis, self._hit(lead.doc, lead.coverage), trace, why)

    def warm(self) -> None:
        """Build now what the first questions would otherwise wait for: the meaning index (numpy, the vectors and
        every entry's texts as vectors: 0.12 to 0.17 s) and the arrays of the common terms (about 25 ms); never
        raises. Safe to call from any thread."""
        self._meaning_index()
        for resolver in (self, self._second):
            if resolver is not None:
                resolver._index.prepare()

    @property
    def warmed(self) -> bool:
        """Whether the meaning index is built (or known to be unbuildable): no question will wait for it."""
        return self._meaning is not None or self._meaning_failed

    def _meaning_index(self) -> MeaningIndex | None:
        """Every entry's texts as vectors, built once per content load; None if the vectors cannot be read."""
        if self._meaning_home is not self:
            return self._meaning_home._meaning_index()
        with self._meaning_lock:
            if self._meaning is None and not self._meaning_failed:
                try:
                    self._meaning = MeaningIndex(shared_vectors(), list(self._meaning_texts()))
                except (OSError, ValueError) as exc:  # a broken install: answer by words alone, say so once
                    self._meaning_failed = True
                    log.warning("matching by meaning is off: the vectors cannot be read (%s)", type(exc).__name__)
            return self._meaning

    def _meaning_texts(self) -> Iterable[tuple[int, str]]:
        """What each entry is about, in the content's words and in the members' (its asks)."""
        content = self._content
        for doc, target in enumerate(self._docs):
            if target.kind == "moment":
                moment = content.moments[target.id]
                texts = [moment.topic, f"{moment.topic}. {moment.summary}", *moment.asks]
            elif target.kind == "boundary":
                boundary = content.boundaries[target.id]
                texts = [boundary.crux, boundary.summary, *boundary.asks]
            elif target.kind == "role":
                role = content.roles[target.id]
                texts = [f"{role.name}: {role.summary}", *role.asks]
            else:
                episode = content.episodes[target.id]
                texts = [episode.title, *([episode.about] if episode.about else [])]
            for text in texts:
                yield doc, text

    def _resolve(self, query: str, explain_it: bool, reading: _Reading) -> Resolution:
        trace = _Trace(explain_it)
        q = normalize(strip_mentions(query))
        if not q:
            return trace.done(Resolution(None), "nothing to look up")
        exact = self._exact_hit(q) or self._moment_ref(q)
        how = "the whole question is"
        if exact is not None and exact.kind != "moment":
            return trace.done(Resolution(exact), f"{how} a name of {exact.kind} {exact.id}")
        analysis = self._reader.read(q) if reading.first is None else self._reader.reread(reading.first)
        reading.last = analysis
        trace.add(*explain(analysis))
        rewritten = " ".join(analysis.words)
        if exact is None and rewritten != q:
            exact, how = self._exact_hit(rewritten), "after the lexicon,"
        roles = analysis.roles
        mentions = analysis.mentions
        if exact is not None:
            # A moment named "Data science versus AI engineering" yields to the line between the two roles, so
            # that both orders of a comparison get the same answer (the boundary cites the moment).
            pair = self._pair_resolution(roles[0], roles[1]) if exact.kind == "moment" and len(roles) >= 2 else None
            if pair is not None and pair.hit is not None and pair.hit.kind == "boundary":
                return trace.done(pair, "two roles named: their boundary, before a moment of the same name")
            return trace.done(Resolution(exact), f"{how} a name of {exact.kind} {exact.id}")
        if analysis.asks_for_work and not analysis.guests:
            return trace.done(Resolution(None), "a task for the bot to do, not a question about the roles")
        if analysis.asks_pay and not analysis.guests:
            # The role asked about is still worth offering: what it does, if not what it pays.
            offer = tuple(Hit("role", r.ref, SUGGEST_CUTOFF, self._content.roles[r.ref].name) for r in roles[:1])
            return trace.done(Resolution(None, offer), "a question about pay, which the content does not cover")
        if analysis.intent == "transition":
            return self._transition(analysis, trace)
        if analysis.intent == "define" and roles:
            role = self._content.roles[roles[0].ref]
            return trace.done(Resolution(Hit("role", role.id, roles[0].score, role.name)), "what the role is or does")
        if len(mentions) >= 2:
            first, second = roles[0], roles[1] if len(roles) > 1 else mentions[1]
            if len(roles) > 2 and (choice := analysis.choice) is not None:
                first, second = choice  # "our PM: should the title be ML PM or data PM?"
            elif len(roles) > 2 and (line := analysis.line_asked) is not None:
                first, second = line  # "our PM ... where does the ML PM's job end and the MLE's begin"
            asked = analysis.asked_role
            if asked is not None and len(roles) > 1 and asked.ref != first.ref:
                # "DS here. What does an ML PM do that a regular PM doesn't?": the role asked about, and the next.
                later = [e for e in roles if e.start > asked.start]
                first, second = asked, later[0] if later else roles[0]
            pair = self._pair_resolution(first, second)
            if pair.hit is None and asked is None:
                # "If I manage the data engineers, am I a data team lead or a data engineering manager?": no line is
                # drawn between the first two, so the one drawn between two of the others answers, the latest first.
                named = list(dict.fromkeys(e.ref for e in roles))
                for last in range(len(named) - 1, 1, -1):
                    boundary = next(
                        (b for r in reversed(named[:last]) if (b := self._content.boundary_between(r, named[last]))),
                        None,
                    )
                    if boundary is not None:
                        label = self.boundary_label(boundary.id)
                        hit = Hit("boundary", boundary.id, min(e.score for e in roles), label)
                        return trace.done(Resolution(hit), "three roles named: the line drawn between two of them")
            if pair.hit is None and asked is not None and asked.ref == first.ref:
                # No line between them: "what does a data engineering manager do that a senior DE doesn't" asks
                # about the first.
                role = self._content.roles[asked.ref]
                why = "what the role asked about does (no line is drawn to the other)"
                return trace.done(Resolution(Hit("role", role.id, asked.score, role.name)), why)
            if (pair.hit is None or pair.hit.kind == "role") and analysis.terms:
                # No line is drawn between the two (or one role is named twice, "platform data engineers versus
                # product-facing data engineers"), but the question has a topic: an entry may cover it.
                # Entries about both roles count the two names as covered ("first hire: an analyst or a data
                # engineer?" is about hiring both, which a hiring-order moment that names both answers); not when
                # the member asks for the line itself ("data analyst vs data engineer for a startup").
                both = (
                    set() if analysis.compares_outright else self._about_role(first.ref) & self._about_role(second.ref)
                )
                ranked = self._ranked(analysis, None, trace, reading, both)
                if ranked.hit is not None:
                    return ranked
            return trace.done(pair, "two roles named: their boundary")
        fuzzy = self._fuzzy_name(q, episodes_only=True) if len(q.split()) <= SHORT_QUERY_WORDS else None
        if fuzzy is not None:  # a misspelt guest or title ("simon stiebelehner"); role typos are read per name
            return trace.done(Resolution(fuzzy), f"a misspelt name of episode {fuzzy.id}")
        if analysis.guests:
            return self._guest(analysis, trace, reading)
        if roles and (analysis.intent == "define" or not (analysis.terms or analysis.foreign)):
            role = self._content.roles[roles[0].ref]
            why = "what the role is or does" if analysis.intent == "define" else "one role, nothing else"
            return trace.done(Resolution(Hit("role", role.id, roles[0].score, role.name)), why)
        if not roles and not analysis.terms:
            fuzzy = self._fuzzy_name(_core(q))
            if fuzzy is not None:
                return trace.done(Resolution(fuzzy), f"a misspelt name of {fuzzy.kind} {fuzzy.id}")
            if not analysis.foreign:
                return trace.done(Resolution(None), "no topic words left after filler")
        if analysis.intent == "who_owns":
            owner = self._owner(analysis, trace)
            if owner is not None:
                if not self._moment_answers(analysis, owner):
                    return owner
                trace.add("owner:      passed over, a moment answers the question more closely")
        return self._ranked(analysis, roles[0] if roles else None, trace, reading)

    def _moment_answers(self, analysis: Analysis, owner: Resolution) -> bool:
        """Whether a moment answers a "who owns" question more closely than the ``owner`` found: it covers nearly the
        whole question ("who owns the tracking plan, documenting every event and its properties?" is a moment's very
        question), then the ranking answers, not the role whose work names the task."""
        ranked = self._rank(analysis, "who_owns", limit=1)
        if bool(ranked) and self._docs[ranked[0][0]].kind == "moment" and ranked[0][1] >= STRONG_COVER:
            return True
        # ...or, in the members' own words (the moments' asks), a moment ranked clearly ahead of the owner found, and
        # about something else than the owner: "who should handle access requests? our data engineers drown in those
        # tickets" is the access moments' question, whatever a role's work says about requests.
        second = self._second
        if second is None or owner.hit is None:
            return False
        ranked = second._rank(second._reader.reread(analysis), "who_owns", limit=None)
        if not ranked or second._docs[ranked[0][0]].kind != "moment" or ranked[0][1] < SUGGEST:
            return False
        own = self._doc_of[(owner.hit.kind, owner.hit.id)]
        theirs = next((score for doc, _, score in ranked if doc == own), 0.0)
        about = self._about_role(owner.hit.id) if owner.hit.kind == "role" else set()
        return ranked[0][0] not in about and ranked[0][2] >= OWNER_MARGIN * theirs

    def _exact_hit(self, key: str) -> Hit | None:
        targets = self._exact.get(key)
        if not targets or len(targets) > 1:
            return None  # several guests share a name: let the later stages weigh them
        target = targets[0]
        return Hit(target.kind, target.id, 100.0, target.label)

    def _fuzzy_name(self, key: str, episodes_only: bool = False) -> Hit | None:
        if len(key) <= SHORT_NAME or not self._fuzzy_names:
            return None
        found = process.extractOne(key, self._fuzzy_names, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF)
        if found is None:
            return None
        target = self._fuzzy_targets[found[2]]
        if episodes_only and target.kind != "episode":
            return None
        return Hit(target.kind, target.id, float(found[1]), target.label)

    def _moment_ref(self, key: str) -> Hit | None:
        """'ben wilson 44:23', 'ml-production@44:23': an episode (or guest) and a timestamp."""
        match = _MOMENT_REF.match(key)
        if match is None:
            return None
        episode = self._exact_hit(match.group(1)) or self._fuzzy_name(match.group(1))
        if episode is None or episode.kind != "episode":
            return None
        try:
            moment_key = f"{episode.id}@{Timestamp.parse(match.group(2))}"
        except ValueError:
            return None
        if moment_key not in self._content.moments:
            return None
        return Hit("moment", moment_key, episode.score, self.moment_label(moment_key))

    def _pair_resolution(self, a: Entity, b: Entity) -> Resolution:
        score = min(a.score, b.score)
        if a.ref == b.ref:  # "de vs data engineering": one role, named twice
            role = self._content.roles[a.ref]
            return Resolution(Hit("role", role.id, score, role.name))
        boundary = self._content.boundary_between(a.ref, b.ref)
        if boundary is not None:
            return Resolution(Hit("boundary", boundary.id, score, self.boundary_label(boundary.id)))
        nearby = [
            Hit("boundary", bd.id, SUGGEST_CUTOFF, self.boundary_label(bd.id))
            for bd in self._content.boundaries.values()
            if any(a.ref in pair or b.ref in pair for pair in boundary_pairs(bd))
        ]
        return Resolution(None, tuple(nearby[:MAX_SUGGESTIONS]), pair=(a.ref, b.ref))

    def _transition(self, analysis: Analysis, trace: _Trace) -> Resolution:
        """A career move: the episode about that move ("From Marketing to Analytics Engineering"), else the role."""
        target = analysis.target_role
        assert target is not None  # the reader only sees a move when a role is named
        words = [*analysis.terms]
        for entity in analysis.roles:
            words += [Term(entity.text, t) for t in self._index.analyze(entity.text)]
        episodes = {self._doc_of[("episode", e)] for e in self._content.episodes}
        scores = self._index.score(((t.term, t.similarity) for t in words), only=episodes)
        about_target = self._naming.get(target.ref, set())
        episodes_ranked = sorted((d for d in scores if d in about_target), key=lambda d: -scores[d])
        trace.add(*(f"candidate:  episode {self._docs[d].id}  score {scores[d]:.2f}" for d in episodes_ranked[:3]))
        # The words of the move itself ("career switch") say that an episode is about a move, not about which one.
        # Nor do the words of the target role's own name ("data" in data team lead, named as "team lead").
        role = self._content.roles[target.ref]
        move_terms = set(self._index.analyze(MOVE_WORDS))
        target_names = set(self._index.analyze(target.text)) | set(self._index.analyze(role.name))
        target_terms = target_names | move_terms
        # "From DevOps to Data Engineering" shares only "engineer" with "MLOps engineer": the words that set the
        # target apart from other roles ("mlops") must be in the title too.
        distinctive = set(self._index.analyze(role.name)) - _ROLE_NOUN_TERMS
        # Where the member comes from is told before the role they head for, after "from" or before "background"
        # ("into ML, with a software background"); a word after it is about the move ("... in 2026, or is the
        # market cooked?" names no marketing background).
        told = analysis.words
        source = [
            t
            for t in words
            if t.at < target.start
            or (t.at > 0 and told[t.at - 1] == "from")
            or told[t.at + 1 : t.at + 2] in (["background"], ["backgrounds"])
        ]
        others = {t.term for t in source} - target_terms
        for doc in episodes_ranked[:3]:
            # An episode about the move names both ends of it in its title ("From Marketing to Analytics ...").
            episode = self._content.episodes[self._docs[doc].id]
            if _COMPARISON_TITLE.search(normalize(episode.title)) or not _MOVE_TITLE.search(normalize(episode.title)):
                # "Big Data Engineer vs Data Scientist" compares the two ends, "Hiring Data Scientists & Analysts"
                # names both for another reason: an episode about a move says so ("From ... to", "Transition").
                continue
            title = set(self._index.analyze(episode.title))
            if others & title and target_names & title and _names(distinctive, title):
                hit = Hit("episode", episode.id, 100.0, episode.title)
                return trace.done(Resolution(hit), "an episode about this move")
        about_roles = set().union(*(self._about_role(entity.ref) for entity in analysis.roles))
        ranked = self._rank(analysis, "topic", entity_docs=about_roles)
        # ...when the question has a topic besides the move itself ("move" alone is covered by any move's moment).
        topic = {t.term for t in analysis.terms} - move_terms
        # ...and a moment about the role headed for, unless the topic has more than one word ("a decent first job if
        # what I enjoy is SQL" is not answered by just any moment that mentions SQL).
        if (
            topic
            and ranked
            and not analysis.asks_what_it_does(target)  # "... what does that job really involve?": the role
            and self._docs[ranked[0][0]].kind == "moment"
            and ranked[0][1] >= STRONG_COVER
            and (ranked[0][0] in self._about_role(target.ref) or len(topic) > 1)
        ):
            return trace.done(Resolution(self._hit(*ranked[0])), "a moment that covers the whole question")
        return trace.done(Resolution(Hit("role", role.id, target.score, role.name)), "a move into this role")

    def _episodes_of(self, episodes: tuple[str, ...], lead: str, score: float) -> tuple[Hit, tuple[Hit, ...]]:
        """A guest's episode ``lead`` as the answer, and their other episodes as suggestions."""
        hits = [Hit("episode", e, SUGGEST_CUTOFF, self._content.episodes[e].title) for e in episodes if e != lead]
        return Hit("episode", lead, score, self._content.episodes[lead].title), tuple(hits[:MAX_SUGGESTIONS])

    def _guest(self, analysis: Analysis, trace: _Trace, reading: _Reading) -> Resolution:
        """A guest's moment on the question's topic, the moment at a named timestamp, or the guest's episode."""
        episodes = tuple(dict.fromkeys(e for g in analysis.guests for e in g.episodes))
        for at in analysis.timestamps:
            for episode_id in episodes:
                key = f"{episode_id}@{at}"
                if key in self._content.moments:
                    hit = Hit("moment", key, 100.0, self.moment_label(key))
                    return trace.done(Resolution(hit), "a guest and a timestamp")
        episode_hit, others = self._episodes_of(episodes, episodes[0], analysis.guests[0].score)
        if not analysis.terms and not analysis.foreign:
            return trace.done(Resolution(episode_hit, others), "a guest and no topic: their episode")
        if analysis.asks_for_episode and len(episodes) == 1:
            return trace.done(Resolution(episode_hit), "a guest's episode, asked for by name")
        only = set().union(*(self._episode_docs[e] for e in episodes))
        ranked = self._rank(analysis, "guest", only=only, entity_docs=only)
        trace.add(*self._candidates(ranked))
        if ranked and ranked[0][1] >= GUEST_ACCEPT:
            return trace.done(Resolution(self._hit(*ranked[0])), "the guest's best entry on the topic")
        # A guest named only by employer, in a question that asks nothing of a speaker and has words we do not know
        # ("how do I cancel my Databricks free trial"), is about the company, not the guest; so is one word of a
        # name amid code ("KeyError: 'model_uri' from mlflow.pyfunc.load_model").
        by_employer = all(g.text in self._org_keys for g in analysis.guests) and not analysis.names_a_speaker
        in_code = (
            all(" " not in g.text for g in analysis.guests)
            and any(_CODE_WORD.search(w) for w in analysis.foreign)
            and not analysis.names_a_speaker
        )
        if (analysis.foreign_weight < 1 or analysis.terms) and not (
            (by_employer or in_code) and analysis.foreign_weight >= 1
        ):
            # The guest is named and the topic is (at least partly) ours: their episode is the honest answer, even
            # without a moment; its menu lists every moment. Only a question with none of our words is refused.
            reading.guest_fallback = True  # the members' words may still find the moment
            if ranked and len(episodes) > 1:
                # Of a guest's several episodes, the one whose entry the words rank first is nearest the topic.
                nearest = self._docs[ranked[0][0]].id.split("@")[0]  # only the guest's moments and episodes rank
                episode_hit, others = self._episodes_of(episodes, nearest, analysis.guests[0].score)
            return trace.done(Resolution(episode_hit, others), "the guest's episode: no moment covers the topic")
        suggestions = (episode_hit, *[self._hit(d, c) for d, c, _ in ranked[:2] if c >= SUGGEST]) if ranked else ()
        return trace.done(Resolution(None, _unique(suggestions)), "the guest never covers this topic")

    def _about_role(self, role_id: str) -> set[int]:
        """Entries about a role: its own, its boundaries and their moments, and any entry that names it."""
        return self._related.get(role_id, set()) | self._naming.get(role_id, set())

    def _owner(self, analysis: Analysis, trace: _Trace) -> Resolution | None:
        """'who owns model monitoring': the role whose responsibilities and boundary sides cover the task best."""
        terms = [(t.term, t.similarity) for t in analysis.terms]
        scores = self._owners.score(terms)
        if not scores:
            return None
        # A topic word no owner's work mentions still counts against every owner, at its weight in the content
        # ("who's the best pizza place near the office": no role's work covers the pizza).
        weights = _weights(self._owners, analysis, fallback=self._index)
        total = sum(weights.values()) + self._foreign_weight * _foreign_counted(analysis)
        if len(analysis.roles) == 1:
            # "who decides the roadmap for an internal ML platform": the role named is the context, not the answer;
            # owners whose entries are about it are the likelier ones.
            named = analysis.roles[0].ref
            context = self._about_role(named)
            for doc in scores:
                if self._owner_ids[doc] != named and self._owner_doc(doc) in context:
                    scores[doc] *= CONTEXT_OWNER
        offered = analysis.offered_role if len(analysis.roles) == 1 else None
        if offered is not None:
            # "..., the PM or the engineers?": the member offers two sides, so the answer is one of the offered
            # role's boundaries (or the side of it that owns the task), not a third role with no line to it.
            about = self._related.get(offered.ref, set())
            scores = {
                d: sc
                for d, sc in scores.items()
                if self._owner_ids[d] in self._content.boundaries and self._owner_doc(d) in about
            }
            if not scores:
                return None
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        best, score = ranked[0]
        covered = sum(w for term, w in weights.items() if self._owners.has(term, best))
        trace.add(
            *(f"owner:      {self._owner_ids[d]}  score {s:.2f}" for d, s in ranked[:3]),
        )
        if total <= 0 or covered / total < ACCEPT:
            return None
        confidence = round(100 * covered / total, 1)
        best_id = self._owner_ids[best]
        if best_id in self._content.boundaries:
            side = None if analysis.asks_both else self._owning_side(self._content.boundaries[best_id], weights)
            if side is not None:
                role = self._content.roles[side]
                hit = Hit("role", role.id, confidence, role.name)
                return trace.done(Resolution(hit), "the side of a boundary that owns the task")
            hit = Hit("boundary", best_id, confidence, self.boundary_label(best_id))
            return trace.done(Resolution(hit), "a boundary that names the task, on both sides or neither")
        ranked = [(d, sc) for d, sc in ranked if self._owner_ids[d] in self._content.roles]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if score >= OWNER_MARGIN * runner_up:
            role = self._content.roles[best_id]
            hit = Hit("role", role.id, confidence, role.name)
            return trace.done(Resolution(hit), "the role whose work covers the task, clearly ahead of the next")
        return None

    def _owner_doc(self, owner_doc: int) -> int:
        """The main index's document for an entry of the owners' index."""
        owner = self._owner_ids[owner_doc]
        return self._doc_of[("role" if owner in self._content.roles else "boundary", owner)]

    def _owning_side(self, boundary: Boundary, weights: dict[str, float]) -> str | None:
        """The one side of a boundary whose owned items carry the task's words, or None when both or neither do."""
        covered = {}
        for role_id, items in boundary.owns.items():
            side = set(self._index.analyze(" ".join(items)))
            covered[role_id] = sum(w for term, w in weights.items() if term in side)
        ranked = sorted(covered.items(), key=lambda item: -item[1])
        if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] > OWNER_MARGIN * ranked[1][1]):
            return ranked[0][0] if ranked[0][0] in self._content.roles else None
        return None

    def _ranked(
        self,
        analysis: Analysis,
        role: Entity | None,
        trace: _Trace,
        reading: _Reading,
        about: set[int] | None = None,
    ) -> Resolution:
        """Rank the entries for the question; ``about``: entries about the roles it names, when no one role is the
        subject (they count the names as covered)."""
        entity_docs = self._about_role(role.ref) if role is not None else (about or set())
        # Every entry is ranked only when the named role's own entry must be found among them.
        limit = None if role is not None else MAX_SUGGESTIONS * 3
        # "who decides X, the PM or the engineers?": only entries about the role offered can answer.
        offered = analysis.offered_role if analysis.intent == "who_owns" and len(analysis.roles) == 1 else None
        only = self._related.get(offered.ref) if offered is not None else None
        intent = "how" if analysis.intent == "topic" and role is None and analysis.asks_how else analysis.intent
        everything = self._rank(analysis, intent, only, entity_docs=entity_docs, role=role, limit=limit)
        ranked = everything[: MAX_SUGGESTIONS * 3]
        trace.add(*self._candidates(ranked))
        # Only entries the words would offer as "did you mean": one that shares nothing but a role's name with "how
        # to become a data engineer of a coffee franchise" is no candidate, however near its text. But a long question
        # with no word the content never uses spreads its weight thin ("starting next month as the only data scientist
        # at a 40 person startup ... how should I spend my first weeks"): entries covering less may be chosen too.
        # (Two roles named with no line between them already have an answer: that no line is drawn.)
        floor = NEAR_COVER if analysis.foreign_weight < 1 and len(analysis.roles) < 2 else SUGGEST
        reading.near.extend(doc for doc, coverage, _ in ranked[:MEANING_CANDIDATES] if coverage >= floor)
        if role is not None and ranked:
            # "how much Python does a data engineer need": when the named role's own entry covers the whole topic
            # and scores about as well as the best, the role is the answer (its skills and sources hold the rest).
            own = self._doc_of[("role", role.ref)]
            mine = next((item for item in everything if item[0] == own), None)
            if mine is not None and mine[1] >= 1.0 and mine[2] >= CLOSE_CALL * ranked[0][2]:
                return trace.done(Resolution(self._hit(*mine)), "the named role covers the whole topic")
        # One topic word beside an unknown noun ("buy a used Nintendo DS", "my data scientist girlfriend hiding
        # something"): the unknown noun is as likely the subject as the word we know, so offer, don't answer.
        lone = analysis.intent == "topic" and len(analysis.terms) == 1 and analysis.foreign_weight >= 1
        if role is not None and ranked and ranked[0][1] < ACCEPT and ranked[0][0] not in entity_docs:
            # The first covers too little and is not about the role named, but an entry about it scores about as well
            # and covers enough: "AE interviews: is SQL and dbt enough" ranks a data engineer's interview moment
            # first, the analytics engineer's skills close behind.
            close = [
                item
                for item in ranked
                if item[0] in entity_docs and item[1] >= ACCEPT and item[2] >= CLOSE_CALL * ranked[0][2]
            ]
            if close:
                ranked = [close[0], *(item for item in ranked if item is not close[0])]
        if ranked and ranked[0][1] >= ACCEPT and not lone:
            ranked = self._reweighed(ranked, reading, trace)
            why = f"best for intent '{analysis.intent}', covers enough"
            return self._answer(analysis, self._hit(*ranked[0]), trace, why)
        runner_up = self._runner_up(ranked)
        # Far ahead of every other entry, and no unknown noun in the question ("facebook"): trust it with less coverage.
        dominant = ranked and ranked[0][1] >= DOMINANT_COVER and ranked[0][2] >= DOMINANCE * runner_up
        if dominant and analysis.foreign_weight < 1:
            return trace.done(Resolution(self._hit(*ranked[0])), "covers less, but far ahead of every other entry")
        # This ranking's first entry, for the last stage (_by_agreement), if it is close enough to agree on.
        first, coverage = ranked[0][:2] if ranked else (0, 0.0)
        if not lone and coverage >= SUGGEST and self._words_shared(analysis, first) >= AGREE_WORDS:
            reading.agreed.append(_Lead(first, coverage, analysis))
        suggestions = [self._hit(d, c) for d, c, _ in ranked if c >= SUGGEST and self._close(analysis, d)]
        if role is not None:
            entry = self._content.roles[role.ref]
            suggestions.insert(0, Hit("role", entry.id, SUGGEST_CUTOFF, entry.name))
        why = "nothing covers enough of the question" if ranked else "no entry shares a topic word"
        return trace.done(Resolution(None, _unique(suggestions)), why)

    def _answer(self, analysis: Analysis, hit: Hit, trace: _Trace, why: str) -> Resolution:
        """The ranking's answer; for "who owns", the side of a boundary that owns the task, where one does."""
        if analysis.intent == "who_owns" and hit.kind == "boundary" and not analysis.asks_both:
            side = self._owning_side(self._content.boundaries[hit.id], _weights(self._index, analysis))
            if side is not None:
                owning = self._content.roles[side]
                owner = Hit("role", owning.id, hit.score, owning.name)
                return trace.done(Resolution(owner), "the side of the best boundary that owns the task")
        return trace.done(Resolution(hit), why)

    def _reweighed(
        self, ranked: list[tuple[int, float, float]], reading: _Reading, trace: _Trace
    ) -> list[tuple[int, float, float]]:
        """The words' candidates, each score times exp(MEANING_BLEND * its similarity in meaning to the question): of
        entries the words rank close together, the one about the question wins ("ETL or ELT for a small team": the
        moment on loading before transforming, over the boundary whose words cover the question but which is about
        teams)."""
        if len(reading.question.split()) < MEANING_BLEND_WORDS:
            return ranked
        index = self._meaning_index()
        near = index.similarities(reading.question, [doc for doc, _, _ in ranked]) if index is not None else {}
        if not near:
            return ranked
        reweighed = sorted(
            ((doc, coverage, score * math.exp(MEANING_BLEND * near[doc])) for doc, coverage, score in ranked),
            key=lambda item: (-item[2], self._kind_rank[item[0]]),
        )
        if reweighed[0][0] != ranked[0][0]:
            target = self._docs[reweighed[0][0]]
            trace.add(
                f"meaning:    reweighed, {target.kind} {target.id} is nearest the question (similarity"
                f" {near[reweighed[0][0]]:.2f} against {near[ranked[0][0]]:.2f})"
            )
        return reweighed

    def _close(self, analysis: Analysis, doc: int) -> bool:
        """Whether an entry is close enough to offer as "did you mean": it shares at least two of the question's topic
        words (or the only word it has that is not filler). One word in common is chance: "who won the world cup" and
        a moment on real-world use cases, a hummus recipe and a moment that mentions recipes."""
        needed = min(SUGGEST_WORDS, len({t.term for t in analysis.terms}) + len(analysis.foreign))
        return self._words_shared(analysis, doc) >= needed

    def _words_shared(self, analysis: Analysis, doc: int) -> int:
        """How many of the question's topic words (each counted once) the entry has."""
        return len(self._index.terms_of(doc).intersection(t.term for t in analysis.terms))

    def _rank(
        self,
        analysis: Analysis,
        intent: str,
        only: set[int] | None = None,
        entity_docs: set[int] | None = None,
        role: Entity | None = None,
        limit: int | None = MAX_SUGGESTIONS * 3,
    ) -> list[tuple[int, float, float]]:
        """(doc, coverage 0-1, score) best first: BM25F weighed by intent and role, and topic coverage."""
        terms = [(t.term, t.similarity) for t in analysis.terms]
        postings = self._index.postings
        if sum(len(postings.get(term, ())) for term, _ in terms) >= VECTOR_RANKING:
            return self._rank_dense(analysis, intent, terms, only, entity_docs or set(), role, limit)
        scores = self._index.score(terms, only)
        if analysis.bigrams:
            for doc, bonus in self._index.score(((b, 0.5) for b in analysis.bigrams), only).items():
                if doc in scores:
                    scores[doc] += bonus
        if analysis.filler and scores:
            # Everyday words never decide coverage, but an entry that uses the member's own words ("the pipeline
            # ran fine but the data is wrong") is a little likelier: a small bonus among entries already found.
            filler = ((stem(word), FILLER_SIMILARITY) for word in analysis.filler)
            for doc, bonus in self._index.score(filler, set(scores)).items():
                scores[doc] += bonus
        entities = len(analysis.roles) + len(analysis.guests)
        entity_docs = entity_docs or set()
        if role is not None:
            for doc in entity_docs if only is None else entity_docs & only:
                scores.setdefault(doc, 0.0)
        if not scores:
            return []
        weights, total = self._question_weight(analysis, entities)
        if total <= 0:
            return []
        named = self._doc_of[("role", role.ref)] if role is not None else -1
        if len(scores) >= VECTOR_RANKING:
            import numpy as np

            docs = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
            values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
            return self._rank_many(docs, values, weights, total, intent, entity_docs, entities, named, limit)
        priors = _PRIORS.get(intent, _PRIORS["topic"])
        prior_of = self._priors.get(intent, self._priors["topic"])
        # Each entry's covered weight, walking each term's postings once (not every term for every entry).
        covering: dict[int, float] = defaultdict(float)
        for term, w in weights.items():
            for doc in self._index.docs_with(term):
                covering[doc] += w
        # When only the first ``limit`` are wanted, visit entries best score first and stop once not even a whole
        # cover, the best prior and a named role's point could lift the next one among them.
        order = scores.items() if limit is None else sorted(scores.items(), key=itemgetter(1), reverse=True)
        reach = max(*priors.values(), 1.0) * (COVERAGE_FLOOR + 1.0)
        point = 1.0 if entity_docs else 0.0  # entries about a named role start one point up
        kept: list[float] = []  # how good the best ``limit`` so far are, the least good on top
        ranked = []
        kind_rank = self._kind_rank
        entity_cover = self._entity_weight * entities
        full = COVERAGE_FLOOR + 1.0
        for doc, score in order:
            if len(kept) == limit and (score + point) * reach < kept[0]:
                break
            related = doc in entity_docs
            if related:
                score += 1.0
            prior = prior_of[doc]
            if doc == named and prior < 1.0:
                prior = 1.0  # the role the question names is never a long shot
            if len(kept) == limit and score * prior * full < kept[0]:
                continue  # not even a whole cover would lift this one among the first (a long shot by its kind)
            covered = covering.get(doc, 0.0) + (entity_cover if related else 0.0)
            coverage = min(covered / total, 1.0)
            # An entry that covers more of the question outranks one that only repeats part of it more often.
            # Sorted as plain tuples: best score first, then moments before boundaries, roles and episodes.
            goodness = score * prior * (COVERAGE_FLOOR + coverage)
            ranked.append((-goodness, kind_rank[doc], doc, coverage))
            if limit is not None:
                if len(kept) < limit:
                    heapq.heappush(kept, goodness)
                elif goodness > kept[0]:
                    heapq.heapreplace(kept, goodness)
        best = sorted(ranked) if limit is None else heapq.nsmallest(limit, ranked)
        return [(doc, coverage, -negative) for negative, _, doc, coverage in best]

    def _question_weight(self, analysis: Analysis, entities: int) -> tuple[dict[str, float], float]:
        """Each topic term's weight, and the whole question's: its terms, its unknown words and its named entities."""
        weights = _weights(self._index, analysis)
        total = (
            sum(weights.values()) + self._foreign_weight * _foreign_counted(analysis) + self._entity_weight * entities
        )
        return weights, total

    def _rank_dense(
        self,
        analysis: Analysis,
        intent: str,
        terms: list[tuple[str, float]],
        only: set[int] | None,
        entity_docs: set[int],
        role: Entity | None,
        limit: int | None,
    ) -> list[tuple[int, float, float]]:
        """``_rank`` for questions whose words find many entries (a common word like "data" finds most of them):
        every entry's score as one array, the same sums in the same order as the dictionaries of ``_rank``."""
        import numpy as np

        size = len(self._docs)
        mask = self._mask(only) if only is not None else None
        index = self._index
        scores, found = index.score_arrays(terms, size, mask)
        if analysis.bigrams:
            bonus, _ = index.score_arrays([(b, 0.5) for b in analysis.bigrams], size, mask)
            scores[found] += bonus[found]  # only entries the words found
        if analysis.filler and found.any():
            filler = [(stem(word), FILLER_SIMILARITY) for word in analysis.filler]
            bonus, _ = index.score_arrays(filler, size, found)
            scores += bonus  # a small bonus among entries already found (zero elsewhere)
        entities = len(analysis.roles) + len(analysis.guests)
        if role is not None and entity_docs:
            about = self._mask(entity_docs)
            found |= about if mask is None else about & mask
        if not found.any():
            return []
        weights, total = self._question_weight(analysis, entities)
        if total <= 0:
            return []
        named = self._doc_of[("role", role.ref)] if role is not None else -1
        docs = np.flatnonzero(found)
        return self._rank_many(docs, scores[docs], weights, total, intent, entity_docs, entities, named, limit)

    def _rank_many(
        self,
        docs: Any,
        score: Any,
        weights: dict[str, float],
        total: float,
        intent: str,
        entity_docs: set[int],
        entities: int,
        named: int,
        limit: int | None,
    ) -> list[tuple[int, float, float]]:
        """``_rank``'s loop as array operations over the entries found (``docs``) and their scores. The same
        operations in the same order, so the same floats and the same order: best first, then moments before
        boundaries, roles and episodes, then by entry number."""
        import numpy as np

        arrays = self._rank_arrays()
        covering = np.zeros(len(self._docs))
        for term, w in weights.items():  # per entry, the terms' weights added in the same order as the loop adds them
            covering[self._index.doc_array(term)] += w
        related = self._mask(entity_docs)[docs]
        score = np.where(related, score + 1.0, score)  # entries about a named role start one point up
        prior = arrays.priors.get(intent, arrays.priors["topic"])[docs]
        prior = np.where((docs == named) & (prior < 1.0), 1.0, prior)  # the named role is never a long shot
        covered = covering[docs] + np.where(related, self._entity_weight * entities, 0.0)
        coverage = np.minimum(covered / total, 1.0)
        goodness = score * prior * (COVERAGE_FLOOR + coverage)
        order = np.lexsort((docs, arrays.kind_rank[docs], -goodness))[:limit]
        return list(zip(docs[order].tolist(), coverage[order].tolist(), goodness[order].tolist(), strict=True))

    def _mask(self, numbers: set[int]) -> Any:
        """A boolean array over the entries, true at ``numbers``."""
        import numpy as np

        mask = np.zeros(len(self._docs), dtype=bool)
        if numbers:
            mask[np.fromiter(numbers, dtype=np.int64, count=len(numbers))] = True
        return mask

    def _rank_arrays(self) -> _RankArrays:
        """Per entry, its prior for each intent and its kind's place in ties, as arrays; built on first use."""
        if self._arrays is None:
            import numpy as np

            self._arrays = _RankArrays(
                {intent: np.array(priors, dtype=np.float64) for intent, priors in self._priors.items()},
                np.array(self._kind_rank, dtype=np.int64),
            )
        return self._arrays

    def _runner_up(self, ranked: list[tuple[int, float, float]]) -> float:
        """The best score outside the winner's episode: a moment's own episode is no rival to it."""
        if not ranked:
            return 0.0
        group = self._group(ranked[0][0])
        return next((score for doc, _, score in ranked[1:] if self._group(doc) != group), 0.0)

    def _group(self, doc: int) -> str:
        target = self._docs[doc]
        if target.kind in ("moment", "episode"):
            return "episode:" + target.id.split("@", 1)[0]
        return f"{target.kind}:{target.id}"

    def _hit(self, doc: int, coverage: float, _score: float = 0.0) -> Hit:
        target = self._docs[doc]
        return Hit(target.kind, target.id, round(100 * coverage, 1), target.label)

    def _candidates(self, ranked: list[tuple[int, float, float]]) -> list[str]:
        return [
            f"candidate:  {self._docs[d].kind} {self._docs[d].id}  score {s:.2f}  covers {100 * c:.0f}%"
            for d, c, s in ranked[:5]
        ]


def _foreign_counted(analysis: Analysis) -> float:
    """How many unknown words count against an answer. A question with many topic words tells a story around a clear
    topic ("our LLM bill tripled, any tricks for cutting prompt cost without wrecking quality?"): beyond FOREIGN_TERMS
    topic words, its unknown words count that many over the number it has (8 topic words: half). An off-topic
    question shares a word or two with the content, so its unknown words ("salary", "Berlin") count whole."""
    return analysis.foreign_weight * min(1.0, FOREIGN_TERMS / max(1, len(analysis.terms)))


def _weights(index: Searchable, analysis: Analysis, fallback: Searchable | None = None) -> dict[str, float]:
    """Each topic term's weight in a question: how rare it is in the index (or, for a term the index lacks, in
    ``fallback``), times how sure its spelling is."""
    return {
        t.term: (index.idf.get(t.term) or (fallback.idf.get(t.term, 0.0) if fallback else 0.0)) * t.similarity
        for t in analysis.terms
    }


_ROLE_NOUN_TERMS = frozenset(
    stem(w) for w in "data engineer engineering manager scientist science analyst lead owner officer ml".split()
)


def _names(distinctive: set[str], title: set[str]) -> bool:
    """Every distinctive word of a role's name begins a title word, or the reverse ("architect", "architectur")."""
    return all(any(t.startswith(d) or d.startswith(t) for t in title) for d in distinctive)


def _core(q: str) -> str:
    return " ".join(w for w in q.split() if w not in STOPWORDS and w not in ROLE_FRAME_WORDS)


def _unique(hits: Iterable[Hit]) -> tuple[Hit, ...]:
    best: dict[tuple[str, str], Hit] = {}
    for hit in hits:
        if (hit.kind, hit.id) not in best:
            best[(hit.kind, hit.id)] = hit
    return tuple(best.values())[:MAX_SUGGESTIONS]


_GENERIC_ORG_WORDS = frozenset(
    "phd student students founder cofounder co lead senior head chief staff principal university college "
    "institute inc ltd gmbh company group the at of and former formerly worked work working time".split()
)


def _organisations(affiliation: str) -> list[str]:
    """Employer or university names in a guest's affiliation: 'PhD student, Carnegie Mellon University' ->
    ['carnegie mellon university', 'carnegie mellon']; role words and titles are left out."""
    names = []
    for part in re.sub(r"\([^)]*\)", "", affiliation).split(","):
        words = part.split()
        heads = [i for i, w in enumerate(words) if stem(normalize(w).rsplit(" ", 1)[-1]) in _TITLE_HEADS]
        if heads and heads[-1] == len(words) - 1:
            continue  # "IoT Data Platform Lead", "Chief Data Officer": a title ends in its head noun
        if heads and heads[-1] + 1 < len(words) and words[heads[-1] + 1] in ("of", "at"):
            words = words[heads[-1] + 2 :]  # "founder of DataTalks.Club", "Head of Data": what follows the title
        proper = [w for w in words if w[:1].isupper() and stem(normalize(w)) not in _TITLE_STEMS]
        key = normalize(" ".join(proper))
        if key:
            names.append(key)
            core = " ".join(w for w in key.split() if w not in _GENERIC_ORG_WORDS)
            if core and core != key:
                names.append(core)
    return names


_TITLE_HEADS = frozenset(
    stem(w)
    for w in "lead engineer officer manager scientist director founder cofounder student analyst architect "
    "owner vp head chief researcher partner developer writer".split()
)
_TITLE_STEMS = frozenset(
    stem(w)
    for w in "ml ai data machine learning engineer engineering scientist science platform mlops lead senior head "
    "phd student founder cofounder manager analyst architect product owner big director vp officer chief "
    "technical".split()
)
