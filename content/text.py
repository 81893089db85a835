"""Text normalisation shared by the loader (alias collisions) and the resolver (matching).

One place decides what "the same name" means, so a moderator's alias check and a member's query agree.
"""

from __future__ import annotations

import re
import unicodedata

# Longer queries are cut before matching: nobody names a role in more than this, and it bounds the work per query.
MAX_QUERY_CHARS = 300

_SEPARATORS = re.compile(r"[-_/\\|]+")
_NOT_WORD = re.compile(r"[^\w@:.' ]+")
_SPACES = re.compile(r"\s+")

# Words that carry no topic in a question ("where does batch scoring sit?").
STOPWORDS = frozenset(
    """
    a an the is are was were be been being am what whats what's who whom whose which where when why how
    do does did doing done can could should would will shall may might must i me my we our you your it its
    they them their this that these those there here of in on at to for from by with about into over under
    between as than then so if and or but not no vs versus v x tell show explain give please any some
    sit sits belong belongs go goes lie lies get gets thing things kind sort
    """.split()
)

# Extra words that frame a question about a role without changing which role it is ("what does an MLE own?").
ROLE_FRAME_WORDS = frozenset(
    """
    own owns owned role roles job jobs title responsibilities responsibility duties duty skill skills
    mean means meaning description describe define definition typical typically usually day life
    """.split()
)


def strip_control(text: str) -> str:
    """Drop control and format characters (terminal escapes, zero-width joiners, NULs), keep the rest."""
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


def normalize(text: str) -> str:
    """Fold case, width and punctuation so that 'ML-Engineer', 'ml engineer' and 'ＭＬ engineer' compare equal."""
    text = unicodedata.normalize("NFKC", strip_control(text[: MAX_QUERY_CHARS * 2]))
    text = _SEPARATORS.sub(" ", text.casefold())
    text = _NOT_WORD.sub(" ", text)
    # Keep '@' and ':' inside moment keys (ml-production@44:23) but not as trailing punctuation.
    words = [w.strip(".:'") for w in _SPACES.split(text)]
    return " ".join(w for w in words if w)[:MAX_QUERY_CHARS].strip()


def stem(word: str) -> str:
    """A deliberately tiny stemmer: plural and possessive endings only, so 'models' meets 'model'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Normalised, stemmed content words of a text, stopwords removed, order kept."""
    return [stem(w) for w in normalize(text).replace("@", " ").split() if w not in STOPWORDS and not w.isdigit()]


def preview(text: str, limit: int = 80) -> str:
    """A short, single-line, control-free echo of user input for messages ("no match for ...")."""
    flat = _SPACES.sub(" ", strip_control(text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
