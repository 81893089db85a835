"""BM25F over the content's fields: which entries a question's words point at, and how strongly.

Each entry is a document with weighted fields (a moment's topic and keywords outweigh its summary; a role's name
and example questions outweigh its responsibilities). Term frequency is normalised per field by the field's
length against its average (BM25F), saturated once per term and document, and weighted by the term's inverse
document frequency. Everything that depends only on the content is computed once per load, so a question costs
one dictionary walk per term.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from content.lexicon import Lexicon
from content.text import STOPWORDS, stem, words

K1 = 1.2  # how fast repeated words stop adding to a score
BIGRAM = "_"  # joins two adjacent stems into a phrase term ("featur_engin")


@dataclass(frozen=True)
class Field:
    """One weighted field of a document: its texts, its weight, and how much its length should matter (b)."""

    name: str
    weight: float
    texts: tuple[str, ...]
    b: float = 0.75


class TextIndex:
    """An inverted index with BM25F contributions, built once from (document, fields) pairs."""

    def __init__(self, lexicon: Lexicon, analyzed: dict[str, list[str]] | None = None) -> None:
        self.lexicon = lexicon
        # Texts already analysed, shared between the indexes of one content load (the same lines recur).
        self._analyzed = analyzed if analyzed is not None else {}
        self.postings: dict[str, dict[int, float]] = {}
        self.idf: dict[str, float] = {}
        self.surface: dict[str, str] = {}  # a word as written in the content -> its term, for typo correction
        self._docs: list[dict[str, tuple[float, float, dict[str, int], int]]] = []

    # -- building ------------------------------------------------------------------------------------------

    def analyze(self, text: str) -> list[str]:
        """A text's terms: lexicon replacements, stopwords dropped, Snowball stems, synonyms folded."""
        known = self._analyzed.get(text)
        if known is not None:
            return known
        canonical, surface = self.lexicon.canonical, self.surface
        out = []
        for word in self.lexicon.rewrite(words(text)):
            if word in STOPWORDS or word.isdigit():
                continue
            stemmed = stem(word)
            term = canonical.get(stemmed, stemmed)
            out.append(term)
            if len(word) > 3 and word not in surface and word.isalpha():
                surface[word] = term
        self._analyzed[text] = out
        return out

    def add(self, fields: Iterable[Field]) -> int:
        """Add one document; return its number."""
        doc: dict[str, tuple[float, float, dict[str, int], int]] = {}
        for field in fields:
            counts: dict[str, int] = defaultdict(int)
            length = 0
            for text in field.texts:
                found = self.analyze(text)
                length += len(found)
                for term in found:
                    counts[term] += 1
                for left, right in pairwise(found):
                    counts[left + BIGRAM + right] += 1
            if length:
                doc[field.name] = (field.weight, field.b, counts, length)
        self._docs.append(doc)
        return len(self._docs) - 1

    def finish(self) -> None:
        """Compute field length averages, saturated contributions and IDF. Call once, after the last add."""
        totals: dict[str, list[int]] = defaultdict(list)
        for doc in self._docs:
            for name, (_, _, _, length) in doc.items():
                totals[name].append(length)
        average = {name: sum(lengths) / len(lengths) for name, lengths in totals.items()}
        postings: dict[str, dict[int, float]] = {}
        for number, doc in enumerate(self._docs):
            for name, (weight, b, counts, length) in doc.items():
                factor = weight / (1 - b + b * length / average[name])
                for term, count in counts.items():
                    per_doc = postings.get(term)
                    if per_doc is None:
                        postings[term] = {number: factor * count}
                    else:
                        per_doc[number] = per_doc.get(number, 0.0) + factor * count
        total = len(self._docs)
        log = math.log
        for term, per_doc in postings.items():
            for doc_number, tf in per_doc.items():  # saturate in place: tf / (k1 + tf)
                per_doc[doc_number] = tf / (K1 + tf)
            df = len(per_doc)
            self.idf[term] = log(1 + (total - df + 0.5) / (df + 0.5))
        self.postings = postings
        self._docs = []  # only the postings are needed from here on
        self.max_idf = math.log(1 + (total + 0.5) / 0.5) if total else 1.0

    # -- querying ------------------------------------------------------------------------------------------

    def score(self, terms: Iterable[tuple[str, float]], only: set[int] | None = None) -> dict[int, float]:
        """Sum of idf * similarity * contribution per document, for (term, similarity) pairs."""
        scores: dict[int, float] = defaultdict(float)
        for term, similarity in terms:
            postings = self.postings.get(term)
            if not postings:
                continue
            weight = self.idf[term] * similarity
            if only is None:
                for doc, contribution in postings.items():
                    scores[doc] += weight * contribution
            else:
                for doc in only.intersection(postings):
                    scores[doc] += weight * postings[doc]
        return scores

    def has(self, term: str, doc: int) -> bool:
        """Whether a document contains a term in any field."""
        postings = self.postings.get(term)
        return postings is not None and doc in postings
