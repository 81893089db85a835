"""BM25F over the content's fields: which entries a question's words point at, and how strongly.

Each entry is a document with weighted fields (a moment's topic and keywords outweigh its summary; a role's name
and example questions outweigh its responsibilities). Term frequency is normalised per field by the field's
length against its average (BM25F), saturated once per term and document, and weighted by the term's inverse
document frequency. Everything that depends only on the content is computed once per load, so a question costs
one dictionary walk per term.
"""

from __future__ import annotations

import math
from collections import ChainMap, Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Protocol

from content.lexicon import Lexicon
from content.text import STOPWORDS, stem, words

K1 = 1.2  # how fast repeated words stop adding to a score
ARRAYS_FROM = 4  # terms in this many documents or more get their arrays built at warm-up (about 25 ms in all)
BIGRAM = "_"  # joins two adjacent stems into a phrase term ("featur_engin")


@dataclass
class Analyses:
    """Text analyses shared by the indexes of one content load, where the same lines recur: each line's terms and
    adjacent pairs. (A line's words go into the typo vocabulary of the index that analyses it first.)"""

    terms: dict[str, list[str]] = field(default_factory=dict)
    pairs: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Field:
    """One weighted field of a document: its texts, its weight, and how much its length should matter (b)."""

    name: str
    weight: float
    texts: tuple[str, ...]
    b: float = 0.75


class TextIndex:
    """An inverted index with BM25F contributions, built once from (document, fields) pairs."""

    def __init__(self, lexicon: Lexicon, shared: Analyses | None = None) -> None:
        self.lexicon = lexicon
        self._shared = shared if shared is not None else Analyses()
        self.postings: dict[str, dict[int, float]] = {}
        self.idf: dict[str, float] = {}
        self.surface: dict[str, str] = {}  # a word as written in this index's texts -> its term, for typo correction
        self._docs: list[dict[str, tuple[float, float, dict[str, int], int]]] = []
        self._arrays: dict[str, tuple[Any, Any]] = {}  # postings as arrays, for questions that find many entries
        self._terms_of: dict[int, frozenset[str]] = {}  # per document, for counting a question's words it has

    # -- building ------------------------------------------------------------------------------------------

    def analyze(self, text: str) -> list[str]:
        """A text's terms: lexicon replacements, stopwords dropped, Snowball stems, synonyms folded."""
        known = self._shared.terms.get(text)
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
        self._shared.terms[text] = out
        return out

    def _bigrams(self, text: str, found: list[str]) -> list[str]:
        """A text's adjacent term pairs, remembered like its analysis (every index of a load sees the same lines)."""
        known = self._shared.pairs.get(text)
        if known is None:
            known = self._shared.pairs[text] = [left + BIGRAM + right for left, right in pairwise(found)]
        return known

    def add(self, fields: Iterable[Field]) -> int:
        """Add one document; return its number."""
        doc: dict[str, tuple[float, float, dict[str, int], int]] = {}
        for spec in fields:
            counts: Counter[str] = Counter()
            length = 0
            for text in spec.texts:
                found = self.analyze(text)
                length += len(found)
                counts.update(found)
                counts.update(self._bigrams(text, found))
            if length:
                doc[spec.name] = (spec.weight, spec.b, counts, length)
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
            # A document's fields summed per term first, then saturated once: tf / (k1 + tf).
            tf: dict[str, float] = {}
            get = tf.get
            for name, (weight, b, counts, length) in doc.items():
                factor = weight / (1 - b + b * length / average[name])
                for term, count in counts.items():
                    tf[term] = get(term, 0.0) + factor * count
            self._terms_of[number] = frozenset(tf)
            for term, value in tf.items():
                per_doc = postings.get(term)
                if per_doc is None:
                    postings[term] = {number: value / (K1 + value)}
                else:
                    per_doc[number] = value / (K1 + value)
        total = len(self._docs)
        log = math.log
        for term, per_doc in postings.items():
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

    def score_arrays(self, terms: Iterable[tuple[str, float]], size: int, only: Any = None) -> tuple[Any, Any]:
        """``score`` as arrays over ``size`` documents (``only``: a mask of the documents to score): each document's
        sum, and which documents a term found. The same products summed in the same order: the same floats."""
        import numpy as np

        sums = np.zeros(size)
        found = np.zeros(size, dtype=bool)
        for term, similarity in terms:
            arrays = self._term_arrays(term)
            if arrays is None:
                continue
            docs, contributions = arrays
            if only is not None:
                keep = only[docs]
                docs, contributions = docs[keep], contributions[keep]
            sums[docs] += (self.idf[term] * similarity) * contributions
            found[docs] = True
        return sums, found

    def prepare(self, min_docs: int = ARRAYS_FROM) -> None:
        """Build now the arrays of every term found in ``min_docs`` documents or more (the terms that make a
        question find many entries), rather than on the first question that has each one."""
        for term, postings in list(self.postings.items()):
            if len(postings) >= min_docs:
                self._term_arrays(term)

    def _term_arrays(self, term: str) -> tuple[Any, Any] | None:
        """A term's postings as two arrays (documents, contributions); remembered per term, for a bounded number."""
        known = self._arrays.get(term)
        if known is None:
            postings = self.postings.get(term)
            if not postings:
                return None
            import numpy as np

            known = (
                np.fromiter(postings.keys(), dtype=np.int64, count=len(postings)),
                np.fromiter(postings.values(), dtype=np.float64, count=len(postings)),
            )
            if len(self._arrays) < 50_000:  # the content's terms, and a bounded number of others
                self._arrays[term] = known
        return known

    def doc_array(self, term: str) -> Any:
        """The documents that contain a term, as an array."""
        import numpy as np

        arrays = self._term_arrays(term)
        return arrays[0] if arrays is not None else np.zeros(0, dtype=np.int64)

    def has(self, term: str, doc: int) -> bool:
        """Whether a document contains a term in any field."""
        postings = self.postings.get(term)
        return postings is not None and doc in postings

    def terms_of(self, doc: int) -> frozenset[str]:
        """The terms a document contains, in any field."""
        return self._terms_of.get(doc, frozenset())

    def docs_with(self, term: str) -> Iterable[int]:
        """The documents that contain a term."""
        return self.postings.get(term, {}).keys()


class Searchable(Protocol):
    """What the resolver and the reader use of an index: a TextIndex, or two of them read as one."""

    lexicon: Lexicon
    max_idf: float

    @property
    def postings(self) -> Mapping[str, dict[int, float]]: ...

    @property
    def idf(self) -> Mapping[str, float]: ...

    @property
    def surface(self) -> Mapping[str, str]: ...

    def analyze(self, text: str) -> list[str]: ...

    def score(self, terms: Iterable[tuple[str, float]], only: set[int] | None = None) -> dict[int, float]: ...

    def score_arrays(self, terms: Iterable[tuple[str, float]], size: int, only: Any = None) -> tuple[Any, Any]: ...

    def doc_array(self, term: str) -> Any: ...

    def has(self, term: str, doc: int) -> bool: ...

    def terms_of(self, doc: int) -> frozenset[str]: ...

    def prepare(self) -> None: ...

    def docs_with(self, term: str) -> Iterable[int]: ...


class UnionIndex:
    """Two indexes over the same numbered documents read as one: the content's own words, and further fields
    indexed apart (the moments' asks), so that adding them costs only their own lines."""

    def __init__(self, base: TextIndex, extra: TextIndex) -> None:
        self.lexicon = base.lexicon
        self.max_idf = base.max_idf
        self._base, self._extra = base, extra
        self.postings: Mapping[str, dict[int, float]] = ChainMap(base.postings, extra.postings)  # for membership
        self.idf: Mapping[str, float] = ChainMap(base.idf, extra.idf)
        self.surface: Mapping[str, str] = {**extra.surface, **base.surface}
        self._terms_of: dict[int, frozenset[str]] = {}
        self._doc_arrays: dict[str, Any] = {}

    def analyze(self, text: str) -> list[str]:
        """A text's terms, as the base index reads them."""
        return self._base.analyze(text)

    def score(self, terms: Iterable[tuple[str, float]], only: set[int] | None = None) -> dict[int, float]:
        """Both indexes' scores, summed per document."""
        terms = list(terms)
        scores = self._base.score(terms, only)
        for doc, value in self._extra.score(terms, only).items():
            scores[doc] += value  # a defaultdict
        return scores

    def score_arrays(self, terms: Iterable[tuple[str, float]], size: int, only: Any = None) -> tuple[Any, Any]:
        """Both indexes' scores as arrays, summed per document as ``score`` sums them."""
        terms = list(terms)
        sums, found = self._base.score_arrays(terms, size, only)
        extra, extra_found = self._extra.score_arrays(terms, size, only)
        sums[extra_found] += extra[extra_found]
        return sums, found | extra_found

    def doc_array(self, term: str) -> Any:
        """The documents either index has the term in, as an array; remembered per term, for a bounded number."""
        found = self._doc_arrays.get(term)
        if found is None:
            import numpy as np

            found = np.union1d(self._base.doc_array(term), self._extra.doc_array(term))
            if len(self._doc_arrays) < 50_000:  # the content's terms, and a bounded number of others
                self._doc_arrays[term] = found
        return found

    def has(self, term: str, doc: int) -> bool:
        """Whether either index has the term in the document."""
        return self._base.has(term, doc) or self._extra.has(term, doc)

    def prepare(self) -> None:
        """Both indexes' arrays, built now."""
        self._base.prepare()
        self._extra.prepare()

    def terms_of(self, doc: int) -> frozenset[str]:
        """The terms either index has in the document."""
        known = self._terms_of.get(doc)
        if known is None:
            known = self._terms_of[doc] = self._base.terms_of(doc) | self._extra.terms_of(doc)
        return known

    def docs_with(self, term: str) -> Iterable[int]:
        """The documents either index has the term in."""
        return self._base.postings.get(term, {}).keys() | self._extra.postings.get(term, {}).keys()
