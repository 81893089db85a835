"""The query lexicon moderators own (``lexicon.yaml``): how members write, mapped to how the content says it.

Three lists, applied to a member's question before it is matched:
- ``replace``: a word or phrase members type and what it means ("k8s" -> "kubernetes", "b4" -> "before");
- ``synonyms``: single words that mean the same for search; the first word of a group stands for the group;
- ``filler``: everyday words that carry no topic ("actually", "bother"): they never count for or against an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from pydantic import BaseModel, ConfigDict

from content.text import normalize, stem

MAX_PHRASE_WORDS = 4  # the longest 'replace' key, in words: bounds the work per question


class LexiconFile(BaseModel):
    """The file's schema: unknown top-level keys are errors, like everywhere else in the content."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    replace: dict[str, str] = {}
    synonyms: list[list[str]] = []
    filler: list[str] = []


@dataclass(frozen=True)
class Lexicon:
    """A validated lexicon, ready to rewrite questions. The empty lexicon changes nothing."""

    replacements: Mapping[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    canonical: Mapping[str, str] = field(default_factory=dict)  # stem -> the stem that stands for its group
    filler: frozenset[str] = frozenset()

    @cached_property
    def _longest(self) -> dict[str, int]:
        """First word of each key -> the longest key starting with it: most words need one lookup, not four."""
        longest: dict[str, int] = {}
        for key in self.replacements:
            longest[key[0]] = max(longest.get(key[0], 0), len(key))
        return longest

    def rewrite(self, words: list[str]) -> list[str]:
        """Replace every known word or phrase, longest match first, left to right; one pass (no chains)."""
        if not self.replacements:
            return words
        longest = self._longest
        out: list[str] = []
        i = 0
        while i < len(words):
            size_max = longest.get(words[i], 0)
            if not size_max:
                out.append(words[i])
                i += 1
                continue
            for size in range(min(size_max, len(words) - i), 0, -1):
                replacement = self.replacements.get(tuple(words[i : i + size]))
                if replacement is not None:
                    out.extend(replacement)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def term(self, stemmed: str) -> str:
        """The stem a synonym group is indexed under ('observ' -> 'monitor')."""
        return self.canonical.get(stemmed, stemmed)


EMPTY = Lexicon()


def build_lexicon(spec: LexiconFile, names: Mapping[str, str]) -> tuple[Lexicon, list[tuple[tuple, str]]]:
    """Validate a parsed lexicon against the content's names; return it and (path, message) problems.

    ``names`` maps every normalised role, boundary and episode name or alias to what owns it ("role 'x'"), so a
    lexicon entry can never silently redirect a name members rely on.
    """
    problems: list[tuple[tuple, str]] = []
    replacements: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key, value in spec.replace.items():
        path: tuple[str, str | int] = ("replace", key)
        source, target = normalize(key), normalize(value)
        if not source or not target:
            problems.append((path, f"'{key}: {value}' needs letters or digits on both sides"))
            continue
        if len(source.split()) > MAX_PHRASE_WORDS:
            problems.append((path, f"'{key}' is longer than {MAX_PHRASE_WORDS} words"))
            continue
        if source in names:
            problems.append((path, f"'{key}' would shadow {names[source]}: members typing it must keep getting it"))
            continue
        if source == target:
            problems.append((path, f"'{key}' is replaced by itself"))
            continue
        replacements[tuple(source.split())] = tuple(target.split())
    order = {k: i for i, k in enumerate(replacements)}
    for words, replacement in replacements.items():
        # Every span of the replacement looked up among the keys (not every key searched in every replacement).
        spans = {
            replacement[i : i + size]
            for size in range(1, min(MAX_PHRASE_WORDS, len(replacement)) + 1)
            for i in range(len(replacement) - size + 1)
        }
        chained = [" ".join(k) for k in sorted(spans & order.keys(), key=order.__getitem__)]
        if chained:
            key = " ".join(words)
            problems.append(
                (
                    ("replace", key),
                    f"'{key}' becomes '{' '.join(replacement)}', which contains '{chained[0]}', "
                    "itself replaced: write the final words (replacements do not chain, and a cycle never ends)",
                )
            )
    canonical: dict[str, str] = {}
    first_group: dict[str, int] = {}
    for index, group in enumerate(spec.synonyms):
        path = ("synonyms", index)
        forms = [normalize(w) for w in group]
        if len(forms) < 2:
            problems.append((path, "a synonym group needs at least two words"))
            continue
        if any(not f or " " in f for f in forms):
            problems.append((path, "synonyms are single words; put phrases under 'replace'"))
            continue
        head = stem(forms[0])
        for form in forms:
            s = stem(form)
            if s in first_group and first_group[s] != index:
                problems.append((path, f"'{form}' is already in synonym group {first_group[s] + 1}"))
                continue
            first_group[s] = index
            if s != head:
                canonical[s] = head
    filler: set[str] = set()
    for index, word in enumerate(spec.filler):
        form = normalize(word)
        if not form or " " in form:
            problems.append((("filler", index), f"'{word}': filler entries are single words"))
        elif form in names:
            problems.append((("filler", index), f"'{word}' is a name of {names[form]}, not filler"))
        else:
            filler.add(form)
    return Lexicon(replacements, canonical, frozenset(filler)), problems


def name_owners(entries: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Normalised name -> a label of its owner, from (label, names) pairs."""
    owners: dict[str, str] = {}
    for label, names in entries:
        for name in names:
            key = normalize(name)
            if key:
                owners.setdefault(key, label)
    return owners
