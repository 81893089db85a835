"""Resolve what a member typed to a role, boundary, episode or moment, or to "no match" with suggestions.

The index is built once per content load. Resolution runs in stages, cheapest and most certain first:
exact names, "A vs B" pairs, an episode plus a timestamp, fuzzy names, then free text scored over the
moments' topics, summaries and keywords (and the roles' and boundaries' text).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from content.loader import Content, boundary_pairs, boundary_roles
from content.text import ROLE_FRAME_WORDS, STOPWORDS, normalize, stem, terms
from content.timecode import Timestamp

Kind = Literal["role", "boundary", "episode", "moment"]

# Thresholds, all on a 0-100 scale, kept together so they are tuned in one place (tests/golden_queries.yaml).
SHORT_NAME = 3  # names this short (mle, ds, de) only match exactly: one typo turns them into another word
NAME_CUTOFF = 86  # a whole query that is a misspelt name
PAIR_SIDE_CUTOFF = 82  # each side of "A vs B"
TERM_CUTOFF = 80  # a misspelt word in free text
TEXT_ACCEPT = 55  # free-text answers below this are not trusted...
SUGGEST_CUTOFF = 30  # ...but those above this are offered as "did you mean"
MAX_SUGGESTIONS = 3
MAX_COMPLETIONS = 25  # Discord's limit on autocomplete choices

_KIND_ORDER: dict[str, int] = {"moment": 0, "boundary": 1, "role": 2, "episode": 3}
_PAIR_PREFIX = re.compile(
    r"^(?:(?:what s|what is|whats|what are|where is|where s) )?(?:the )?(?:main )?"
    r"(?:(?:difference|diff|boundary|boundarie|border|line|overlap|split)s? (?:between |of )?|compare )"
)
_PAIR_SEPARATOR = re.compile(r" (?:vs|versus|v|or|and|x|against|compared to|compared with) ")
_MOMENT_REF = re.compile(r"^(.+?) ?@? ?((?:\d{1,2}:)?\d{1,2}:\d{2})$")


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


@dataclass(frozen=True)
class _Target:
    kind: Kind
    id: str
    label: str


class Resolver:
    """An index over one Content snapshot. Immutable after construction, so it is safe to share."""

    def __init__(self, content: Content) -> None:
        self._content = content
        self._exact: dict[str, list[_Target]] = defaultdict(list)
        self._fuzzy_names: list[str] = []
        self._fuzzy_targets: list[_Target] = []
        self._role_exact: dict[str, str] = {}
        self._role_names: list[str] = []
        self._role_ids: list[str] = []
        self._index_names(content)
        self._docs: list[_Target] = []
        self._postings: dict[str, dict[int, float]] = defaultdict(dict)
        self._index_text(content)
        doc_count = max(len(self._docs), 1)
        self._idf = {t: math.log(1 + doc_count / len(p)) for t, p in self._postings.items()}
        self._unknown_weight = math.log(1 + doc_count / 0.5)
        self._vocab = [t for t in self._postings if len(t) > SHORT_NAME + 1]
        # Autocomplete runs on every keystroke: group the names by kind once per content load.
        self._names_by_kind: dict[str, list[tuple[str, _Target]]] = defaultdict(list)
        for name, targets in self._exact.items():
            for target in targets:
                self._names_by_kind[target.kind].append((name, target))

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
                self._role_exact[normalize(name)] = role.id
                self._role_names.append(normalize(name))
                self._role_ids.append(role.id)
        for boundary in content.boundaries.values():
            self._name(boundary.id, _Target("boundary", boundary.id, self.boundary_label(boundary.id)))
        first_names: dict[str, set[_Target]] = defaultdict(set)
        for episode in content.episodes.values():
            target = _Target("episode", episode.id, episode.title)
            for name in (episode.id, episode.title, *episode.aliases):
                self._name(name, target)
            for guest in episode.guests:
                for name in (guest.name, *guest.aliases):
                    self._name(name, target)
                    for part in normalize(name).split():
                        first_names[part].add(target)
        for part, targets in first_names.items():
            # A single name ("roksolana", "wilson") finds the guest, unless it already means something else.
            if part not in self._exact and part not in STOPWORDS:
                for target in sorted(targets, key=lambda t: t.id):
                    self._name(part, target)
        for moment in content.moments.values():
            self._name(moment.key, _Target("moment", moment.key, self.moment_label(moment.key)), fuzzy=False)

    def _add_text(self, doc: int, weight: float, texts: Iterable[str]) -> None:
        for text in texts:
            for term in terms(text):
                if self._postings[term].get(doc, 0.0) < weight:
                    self._postings[term][doc] = weight

    def _index_text(self, content: Content) -> None:
        for moment in content.moments.values():
            doc = self._new_doc(_Target("moment", moment.key, self.moment_label(moment.key)))
            guests = [n for g in moment.episode.guests for n in (g.name, *g.aliases)]
            self._add_text(doc, 0.3, [moment.episode.title])
            self._add_text(doc, 0.5, [moment.summary, *guests])
            self._add_text(doc, 0.9, [moment.topic])
            self._add_text(doc, 1.0, moment.keywords)
        for boundary in content.boundaries.values():
            doc = self._new_doc(_Target("boundary", boundary.id, self.boundary_label(boundary.id)))
            owned = [item for items in boundary.owns.values() for item in items]
            self._add_text(doc, 0.4, [*owned, *boundary.shared, boundary.handoff, boundary.note or ""])
            self._add_text(doc, 0.5, [boundary.summary])
            self._add_text(doc, 0.6, [content.roles[r].name for r in boundary_roles(boundary) if r in content.roles])
            self._add_text(doc, 1.0, [boundary.crux, *boundary.keywords])
        for role in content.roles.values():
            doc = self._new_doc(_Target("role", role.id, role.name))
            self._add_text(doc, 0.5, [role.summary])
            self._add_text(doc, 0.6, [*role.responsibilities, *role.skills])
            self._add_text(doc, 1.0, [role.name, *role.aliases])
        for episode in content.episodes.values():
            doc = self._new_doc(_Target("episode", episode.id, episode.title))
            self._add_text(doc, 0.3, [m.topic for m in episode.moments])
            self._add_text(doc, 0.6, [g.affiliation or "" for g in episode.guests])
            self._add_text(doc, 1.0, [episode.title, *episode.aliases, *(g.name for g in episode.guests)])

    def _new_doc(self, target: _Target) -> int:
        self._docs.append(target)
        return len(self._docs) - 1

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

    def resolve(self, query: str) -> Resolution:
        """Resolve any text; never raises. Empty or punctuation-only input resolves to no match, no suggestions."""
        q = normalize(query)
        if not q:
            return Resolution(None)
        exact = self._exact_hit(q)
        if exact is not None:
            return Resolution(exact)
        pair = self._pair(q)
        if pair is not None:
            return pair
        words = q.split()
        core = " ".join(w for w in words if w not in STOPWORDS and w not in ROLE_FRAME_WORDS)
        for candidate in dict.fromkeys((core, q)):
            hit = self._exact_hit(candidate) or self._moment_ref(candidate) or self._fuzzy_name(candidate)
            if hit is not None:
                return Resolution(hit)
        ranked = self._rank_text(q)
        if ranked and ranked[0].score >= TEXT_ACCEPT:
            return Resolution(ranked[0])
        return Resolution(None, self._suggest(ranked, core or q))

    def _exact_hit(self, key: str) -> Hit | None:
        targets = self._exact.get(key)
        if not targets or len(targets) > 1:
            return None  # several guests share a first name: let the later stages weigh them
        target = targets[0]
        return Hit(target.kind, target.id, 100.0, target.label)

    def _fuzzy_name(self, key: str) -> Hit | None:
        if len(key) <= SHORT_NAME or not self._fuzzy_names:
            return None
        found = process.extractOne(key, self._fuzzy_names, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF)
        if found is None:
            return None
        target = self._fuzzy_targets[found[2]]
        return Hit(target.kind, target.id, float(found[1]), target.label)

    def _moment_ref(self, key: str) -> Hit | None:
        """'ben wilson 44:23', 'ml-production@44:23': an episode (or guest) and a timestamp."""
        match = _MOMENT_REF.match(key)
        if match is None:
            return None
        episode = self._exact_hit(match.group(1)) or self._fuzzy_name(match.group(1))
        try:
            at = Timestamp.parse(match.group(2))
        except ValueError:
            return None
        if episode is None or episode.kind != "episode":
            return None
        moment_key = f"{episode.id}@{at}"
        if moment_key not in self._content.moments:
            return None
        return Hit("moment", moment_key, episode.score, self.moment_label(moment_key))

    def role_for(self, phrase: str) -> tuple[str, float] | None:
        """The role a short phrase names ('mle', 'data sceintist'), with a score, or None."""
        words = [w for w in normalize(phrase).split() if w not in STOPWORDS and w not in ROLE_FRAME_WORDS]
        key = " ".join(words)
        if not key:
            return None
        if key in self._role_exact:
            return self._role_exact[key], 100.0
        if len(key) <= SHORT_NAME:
            return None
        found = process.extractOne(key, self._role_names, scorer=fuzz.ratio, score_cutoff=PAIR_SIDE_CUTOFF)
        return (self._role_ids[found[2]], float(found[1])) if found else None

    def _side(self, words: list[str], from_end: bool) -> tuple[str, float] | None:
        best: tuple[str, float, int] | None = None
        for size in range(1, min(len(words), 4) + 1):
            part = words[-size:] if from_end else words[:size]
            found = self.role_for(" ".join(part))
            if found and (best is None or found[1] > best[1]):
                best = (found[0], found[1], size)
        return (best[0], best[1]) if best else None

    def _pair(self, q: str) -> Resolution | None:
        text = _PAIR_PREFIX.sub("", q, count=1)
        splits: list[tuple[list[str], list[str]]] = []
        for sep in _PAIR_SEPARATOR.finditer(f" {text} "):
            left, right = f" {text} "[: sep.start()].split(), f" {text} "[sep.end() :].split()
            if left and right:
                splits.append((left, right))
        words = text.split()
        if not splits and len(words) <= 8:
            # No separator ("boundary mle ds", "mle/ds"): only accept if the words are exactly two role names.
            for cut in range(1, len(words)):
                a, b = self.role_for(" ".join(words[:cut])), self.role_for(" ".join(words[cut:]))
                if a and b and min(a[1], b[1]) >= NAME_CUTOFF:
                    return self._pair_resolution(a, b)
            return None
        for left, right in splits:
            a, b = self._side(left, from_end=True), self._side(right, from_end=False)
            if a and b:
                return self._pair_resolution(a, b)
        return None

    def _pair_resolution(self, a: tuple[str, float], b: tuple[str, float]) -> Resolution:
        score = min(a[1], b[1])
        if a[0] == b[0]:
            role = self._content.roles[a[0]]
            return Resolution(Hit("role", role.id, score, role.name))
        boundary = self._content.boundary_between(a[0], b[0])
        if boundary is not None:
            return Resolution(Hit("boundary", boundary.id, score, self.boundary_label(boundary.id)))
        nearby = [
            Hit("boundary", bd.id, SUGGEST_CUTOFF, self.boundary_label(bd.id))
            for bd in self._content.boundaries.values()
            if any(a[0] in pair or b[0] in pair for pair in boundary_pairs(bd))
        ]
        return Resolution(None, tuple(nearby[:MAX_SUGGESTIONS]), pair=(a[0], b[0]))

    def _expand(self, term: str) -> list[tuple[str, float]]:
        if term in self._postings:
            return [(term, 1.0)]
        if len(term) <= SHORT_NAME + 1:
            return []
        found = process.extract(term, self._vocab, scorer=fuzz.ratio, score_cutoff=TERM_CUTOFF, limit=3)
        return [(word, (score / 100) ** 2) for word, score, _ in found]

    def _rank_text(self, q: str) -> list[Hit]:
        query_terms = list(dict.fromkeys(stem(w) for w in terms(q)))
        if not query_terms:
            return []
        total = 0.0
        scores: dict[int, float] = defaultdict(float)
        for term in query_terms:
            expansions = self._expand(term)
            weight = max((self._idf[w] for w, _ in expansions), default=self._unknown_weight)
            total += weight
            best: dict[int, float] = {}
            for word, similarity in expansions:
                for doc, field_weight in self._postings[word].items():
                    value = similarity * field_weight
                    if value > best.get(doc, 0.0):
                        best[doc] = value
            for doc, value in best.items():
                scores[doc] += weight * value
        ranked = sorted(scores.items(), key=lambda item: (-item[1], _KIND_ORDER[self._docs[item[0]].kind], item[0]))
        hits = []
        for doc, score in ranked[: MAX_SUGGESTIONS * 3]:
            target = self._docs[doc]
            hits.append(Hit(target.kind, target.id, round(100 * score / total, 1), target.label))
        return hits

    def _suggest(self, ranked: list[Hit], key: str) -> tuple[Hit, ...]:
        candidates = [h for h in ranked if h.score >= SUGGEST_CUTOFF]
        if len(key) > SHORT_NAME:
            for _name, score, index in process.extract(
                key, self._fuzzy_names, scorer=fuzz.ratio, score_cutoff=60, limit=MAX_SUGGESTIONS
            ):
                target = self._fuzzy_targets[index]
                candidates.append(Hit(target.kind, target.id, float(score), target.label))
        best: dict[tuple[str, str], Hit] = {}
        for hit in candidates:
            if (hit.kind, hit.id) not in best or best[(hit.kind, hit.id)].score < hit.score:
                best[(hit.kind, hit.id)] = hit
        return tuple(sorted(best.values(), key=lambda h: -h.score)[:MAX_SUGGESTIONS])
