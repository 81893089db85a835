"""Matching by meaning, for questions that share few words with the content ("our readouts flip week to week").

The words the content uses are matched by the resolver's own index; this module serves it twice. When the words
answer, the entries they rank first are reweighed by how near each is to the question (MEANING_BLEND). When the
entries that index ranks first each cover too little of the question, the last resort: a question and each entry's
texts become vectors, and of those entries the nearest answers if it is near enough (MEANING_ACCEPT). The vectors
are static: one per WordPiece token, distilled with model2vec's method from the all-MiniLM-L6-v2 sentence model
(content/vectors/README.md says how, and under which licence). No model runs while answering: a question costs a
tokenisation, a mean and one matrix product over the entries' texts.

numpy is imported only when the vectors are first needed, so start-up pays nothing for it.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

VECTORS_DIR = Path(__file__).with_name("vectors")
# The meaning chooses only among the entries the words search ranked first (this many per search), and answers from
# this cosine similarity. Measured in benchmarks/README.md ("Matching by meaning").
MEANING_CANDIDATES = 5
MEANING_ACCEPT = 0.70
# When the words answer, the entries they rank first are reweighed by meaning: each score times
# exp(MEANING_BLEND * similarity), so an entry a little behind on words but much nearer in meaning moves up.
MEANING_BLEND = 4.0
# ...in questions of at least this many words: a keyword or two ("model registry") says too little of a meaning.
MEANING_BLEND_WORDS = 3
_MAX_WORD_CHARS = 100  # BERT's WordPiece gives up on longer words (they become the unknown token, which is dropped)
_CONTINUATION = "##"
# One question is one small matrix product: BLAS worker threads cost more than they give (they spin after each call,
# taking a core from the event loop; on two cores a question took 3.2 ms instead of 1.6). Set before numpy's first
# import, which happens here; an operator's own setting wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")


@functools.cache
def english_words() -> frozenset[str]:
    """The whole English words of the vectors' vocabulary (its alphabetic tokens; word pieces start with "##"): a
    word here is no typo, whatever the content's own words look like. Empty if the vocabulary is not shipped."""
    try:
        tokens = (VECTORS_DIR / "vocab.txt").read_text(encoding="utf-8").split("\n")
    except OSError:
        return frozenset()
    return frozenset(token for token in tokens if token.isalpha())


def _is_punctuation(char: str) -> bool:
    """BERT's rule: ASCII symbols count as punctuation too ("$", "^", "`"), not only Unicode's P categories."""
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B81F
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


# The same rules for ASCII text, as two regular expressions: most questions are ASCII, and the loop below costs
# a few microseconds a character.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def basic_words(text: str) -> list[str]:
    """Split text as the sentence model's tokenizer does before WordPiece (BertNormalizer, BertPreTokenizer).

    Lowercase, accents stripped, control characters dropped, each CJK character and each punctuation mark a word.
    """
    if text.isascii():
        return _ASCII_PUNCTUATION.sub(r" \1 ", _ASCII_CONTROL.sub("", text)).lower().split()
    chars: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        code = ord(char)
        category = unicodedata.category(char)
        if code == 0 or code == 0xFFFD or category == "Mn":
            continue
        if char.isspace():
            chars.append(" ")
        elif category.startswith("C"):
            continue
        elif _is_cjk(code) or _is_punctuation(char):
            chars.extend((" ", char, " "))
        else:
            chars.append(char)
    return "".join(chars).lower().split()


@dataclass(frozen=True)
class Nearest:
    """The entry nearest a question: its number in the texts' owners, and the cosine similarity (-1 to 1)."""

    entry: int
    similarity: float


class Vectors:
    """The token vectors and the vocabulary they belong to."""

    def __init__(self, vocabulary: Sequence[str], matrix: np.ndarray) -> None:
        if len(vocabulary) != matrix.shape[0]:
            raise ValueError(f"{len(vocabulary)} tokens but {matrix.shape[0]} vectors")
        self._ids = {token: number for number, token in enumerate(vocabulary)}
        self._matrix = matrix

    @classmethod
    def load(cls, directory: Path | None = None) -> Vectors:
        """Read vocab.txt (one token per line, in vector order) and vectors.npy (float16, one row per token) from
        ``directory`` (the shipped VECTORS_DIR by default); ValueError if they do not belong together."""
        import numpy as np

        directory = directory or VECTORS_DIR
        vocabulary = (directory / "vocab.txt").read_text(encoding="utf-8").removesuffix("\n").split("\n")
        # Mapped, not read: a question touches a few dozen of the 29,525 rows, so the 15 MB stay on disk.
        matrix = np.load(directory / "vectors.npy", mmap_mode="r", allow_pickle=False)
        if matrix.ndim != 2:
            raise ValueError(f"vectors.npy holds {matrix.ndim} dimensions, not a table of vectors")
        return cls(vocabulary, matrix)

    def token_ids(self, text: str) -> list[int]:
        """WordPiece ids for text, greedy longest match first; words it cannot spell are left out."""
        ids: list[int] = []
        vocabulary = self._ids
        for word in basic_words(text):
            if len(word) > _MAX_WORD_CHARS:
                continue
            whole = vocabulary.get(word)
            if whole is not None:
                ids.append(whole)
                continue
            pieces: list[int] = []
            start = 0
            while start < len(word):
                end = len(word)
                found = None
                while start < end:
                    piece = word[start:end] if start == 0 else _CONTINUATION + word[start:end]
                    found = vocabulary.get(piece)
                    if found is not None:
                        break
                    end -= 1
                if found is None:
                    pieces = []  # as in BERT: one unknown piece makes the whole word unknown
                    break
                pieces.append(found)
                start = end
            ids.extend(pieces)
        return ids

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text: the mean of its tokens' vectors (zero for a text with no known token)."""
        import numpy as np

        rows = np.zeros((len(texts), self._matrix.shape[1]), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self.token_ids(text)
            if ids:
                rows[row] = self._matrix[ids].astype(np.float32).mean(axis=0)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms > 0, norms, 1.0)


_shared: Vectors | None = None
_shared_lock = threading.Lock()


def shared_vectors() -> Vectors:
    """The shipped vectors, read once per process (a content reload keeps them)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Vectors.load()
        return _shared


class MeaningIndex:
    """Every text of every entry as a vector; a question's nearest entry is the one with its nearest text."""

    def __init__(self, vectors: Vectors, texts: Sequence[tuple[int, str]]) -> None:
        import numpy as np

        self._vectors = vectors
        self._owners: Any = np.array([owner for owner, _ in texts], dtype=np.int64)
        self._matrix = vectors.embed([text for _, text in texts])
        self._rows: dict[int, list[int]] = {}  # per entry, its texts' rows: a question is compared with a few only
        for row, (owner, _) in enumerate(texts):
            self._rows.setdefault(owner, []).append(row)
        # The last question's vector: a question that gets no answer from its words is compared twice (the meaning
        # stage, then agreement). Replaced whole, so threads sharing the index always read a matching pair.
        self._last: tuple[str, Any] | None = None

    def _asked(self, question: str) -> Any:
        last = self._last
        if last is not None and last[0] == question:
            return last[1]
        asked = self._vectors.embed([question])[0]
        self._last = (question, asked)
        return asked

    def nearest(self, question: str, among: set[int] | None = None) -> Nearest | None:
        """The entry (of ``among``, if given) whose text is nearest the question; None when the question has no token
        the vectors know, or no text belongs to those entries."""
        rows = range(len(self._owners)) if among is None else sorted(r for e in among for r in self._rows.get(e, ()))
        if not rows:
            return None
        asked = self._asked(question)
        if not asked.any():
            return None
        similarities = self._matrix[list(rows)] @ asked
        best = int(similarities.argmax())
        return Nearest(int(self._owners[rows[best]]), float(similarities[best]))

    def similarities(self, question: str, entries: Sequence[int]) -> dict[int, float]:
        """Per entry, the cosine similarity of its nearest text to the question, floored at 0 (an entry with no text has
        0); empty when the question has no token the vectors know."""
        asked = self._asked(question)
        if not asked.any():
            return {}
        rows = sorted({row for entry in entries for row in self._rows.get(entry, ())})
        found = dict.fromkeys(entries, 0.0)
        if rows:
            owners = self._owners[rows].tolist()
            for owner, similarity in zip(owners, (self._matrix[rows] @ asked).tolist(), strict=True):
                found[owner] = max(found[owner], similarity)
        return found
