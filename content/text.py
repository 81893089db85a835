"""Text normalisation shared by the loader (alias collisions) and the resolver (matching).

One place decides what "the same name" means, so a moderator's alias check and a member's query agree, and one
place decides which words of a question carry no topic.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from functools import lru_cache

import Stemmer

# Longer queries are cut before matching: nobody names a role in more than this, and it bounds the work per query.
MAX_QUERY_CHARS = 300

# Slack's <!channel>, <@U123>, <#C123|general> and everyone/here mentions: never part of what is asked.
_MENTIONS = re.compile(r"<[@#!][^>]*>|(?<!\w)@(?:everyone|here|channel)\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"[-_/\\|]+")
_NOT_WORD = re.compile(r"[^\w@:.' ]+")
# One pass over a question's characters: phones type a typographic apostrophe ("we’ve", "Ben Wilson’s"), which is
# the same apostrophe; and a few symbols carry a word in members' chat ("40 tools listed 🚩🚩", "devops → data eng").
# Every other symbol is punctuation.
# "=" is a claim that one thing is the other ("dataops = devops for pipelines").
_CHARACTERS = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\U0001f6a9": " red flag ", "\u2192": " to ", "=": " equals "}
)
_SPACES = re.compile(r"\s+")

# Function words: they carry no topic in any question ("where does batch scoring sit?").
STOPWORDS = frozenset(
    """
    a an the is are was were be been being am what whats what's who whom whose which where when why how
    do does did doing done can could should would will shall may might must i me my we our you your it its
    they them their this that these those there here of in on at to for from by with about into over under
    between as than then so if and or but not no vs versus v x equals tell show explain give please any some
    sit sits belong belongs go goes lie lies get gets thing things kind sort all each every both few more most
    other such only same too very again further once also just even still yet ever has have had having
    out off up before after
    us him her his he she hers ours yours mine theirs myself yourself yourselves ourselves themselves himself
    herself itself someone somebody anyone anybody everyone everybody nobody something anything everything nothing
    one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred
    thousand dozen dozens half
    """.split()
)

# Words that frame a question about a role without changing which role it is ("what does an MLE own?",
# "how do I become a data engineer", "what skills does a DS need"). They tell the intent, never the topic.
ROLE_FRAME_WORDS = frozenset(
    """
    own owns owned owner owning role roles job jobs title titles position responsibilities responsibility
    responsible duties duty skill skills skillset mean means meaning description describe define definition
    typical typically usually day days life become becoming became need needs needed require requires
    required requirement requirements do does doing work works working entail entails involve involves list
    lists overview summary breakdown
    """.split()
)

_STEMMER = Stemmer.Stemmer("english")


def strip_control(text: str) -> str:
    """Drop control and format characters (terminal escapes, zero-width joiners, NULs), keep the rest."""
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


def strip_mentions(text: str) -> str:
    """Remove platform mention markup from a question ("<!channel> what is an mle" -> " what is an mle")."""
    return _MENTIONS.sub(" ", text) if "@" in text or "<" in text else text


def normalize(text: str) -> str:
    """Fold case, width and punctuation so that 'ML-Engineer', 'ml engineer' and 'ＭＬ engineer' compare equal."""
    text = unicodedata.normalize("NFKC", strip_control(text[: MAX_QUERY_CHARS * 2]))
    if not text.isascii():  # "Loic" for Loïc, "Raphael" for Raphaël: members often type names without accents
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = text.casefold().translate(_CHARACTERS).replace("->", " to ")  # "devops -> data eng", as the arrow
    text = _SEPARATORS.sub(" ", text)
    text = _NOT_WORD.sub(" ", text)
    # Keep '@' and ':' inside moment keys (ml-production@44:23) but not as trailing punctuation.
    words = [w.strip(".:'") for w in _SPACES.split(text)]
    return " ".join(w for w in words if w)[:MAX_QUERY_CHARS].strip()


# British spellings the stemmer keeps apart from American ones ('prioritisation' -> 'prioritis', but
# 'prioritization' -> 'priorit'): members and content use both. Words whose '-ise' is not a '-ize' spelling stay.
_BRITISH = re.compile(r"(?<=\w{3})(?:is(?=ation|ations|e|ed|es|ing|er|ers)|ys(?=e|ed|es|ing)|our(?=s?$))")
_NOT_BRITISH = frozenset(
    "advise advised advises advising arise comprise comprised comprises compromise compromised compromises "
    "concise devise devised enterprise enterprises exercise exercised exercises expertise franchise improvise "
    "improvised merchandise otherwise praise precise premise premises promise promised promises raise raised "
    "raises raising revise revised revises revising supervise supervised supervises supervising surprise "
    "surprised surprises televise treatise cruise noise paradise disguise likewise clockwise demise "
    "hour hours four fours pour pours tour tours your yours flour detour contour contours".split()
)


# Irregular past forms the stemmer leaves alone ('ran' never meets 'runs'): the question and the content meet at the
# present form. Only forms with one common meaning ('left', 'found' and 'lead' are not here).
IRREGULAR = {
    **dict.fromkeys(("ran",), "run"),
    **dict.fromkeys(("built",), "build"),
    **dict.fromkeys(("wrote", "written"), "write"),
    **dict.fromkeys(("broke", "broken"), "break"),
    **dict.fromkeys(("chose", "chosen"), "choose"),
    **dict.fromkeys(("took", "taken"), "take"),
    **dict.fromkeys(("gave", "given"), "give"),
    **dict.fromkeys(("went", "gone"), "go"),
    **dict.fromkeys(("grew", "grown"), "grow"),
    **dict.fromkeys(("began", "begun"), "begin"),
    **dict.fromkeys(("knew", "known"), "know"),
    **dict.fromkeys(("bought",), "buy"),
    **dict.fromkeys(("sold",), "sell"),
    **dict.fromkeys(("taught",), "teach"),
    **dict.fromkeys(("brought",), "bring"),
    **dict.fromkeys(("thought",), "think"),
    **dict.fromkeys(("spent",), "spend"),
    **dict.fromkeys(("sent",), "send"),
    **dict.fromkeys(("paid",), "pay"),
    **dict.fromkeys(("understood",), "understand"),
    **dict.fromkeys(("spoke", "spoken"), "speak"),
    **dict.fromkeys(("told",), "tell"),
    **dict.fromkeys(("drove", "driven"), "drive"),
    **dict.fromkeys(("hid", "hidden"), "hide"),
}


def americanize(word: str) -> str:
    """'prioritisation' -> 'prioritization', 'analyse' -> 'analyze', 'behaviour' -> 'behavior'; others unchanged."""
    if len(word) < 6 or word in _NOT_BRITISH:
        return word
    return _BRITISH.sub(lambda m: {"is": "iz", "ys": "yz", "our": "or"}[m.group(0)], word, count=1)


@lru_cache(maxsize=65_536)
@functools.lru_cache(maxsize=50_000)  # the same few thousand words recur in every question; bounded for odd input
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem: 'monitoring' and 'monitors' both become 'monitor'; British and
    American spellings meet ('prioritisation', 'prioritization'), and so do irregular past forms ('ran', 'runs')."""
    word = word.removesuffix("'s").replace("'", "")
    word = IRREGULAR.get(word) or americanize(word)
    return _STEMMER.stemWord(word) if len(word) > 2 else word


# English contractions, spelled out so that "we've", "they're" and "isn't" meet their words; a trailing "'s" (a
# possessive, or "is"/"has") is dropped: "ben wilson's take" names the guest; after a question word it is "is".
_CLITICS = (("n't", "not"), ("'re", "are"), ("'ve", "have"), ("'ll", "will"), ("'d", "would"), ("'m", "am"))
# After these, "'s" is "is" (or "has"), never a possessive.
_IS_BEFORE = frozenset("what who where when why how that it there here he she this".split())
_NOT_BASE = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}  # "can't", "won't", "shan't", "ain't"


# The same contractions typed without their apostrophe ("thats", "doesnt", "theyre"), where the bare form is no
# English word of its own ("were", "well", "ill", "id", "its" and "hell" are, so they stay as typed).
_UNMARKED = {
    **{
        f"{base}nt": f"{base}n't"
        for base in "is are was were do does did ca wo would should could has have had".split()
    },
    **{f"{base}s": f"{base}'s" for base in _IS_BEFORE - {"it", "he", "this"}},
    **{f"{base}re": f"{base}'re" for base in ("you", "they")},
    **{f"{base}ve": f"{base}'ve" for base in "i you we they would should could".split()},
    **{f"{base}ll": f"{base}'ll" for base in ("you", "they")},
    "im": "i'm",
    "aint": "ain't",
}


def expand_contractions(words: list[str]) -> list[str]:
    """``words`` with contractions spelled out ("we've" -> "we have", "can't" -> "can not", "team's" -> "team"),
    with or without their apostrophe ("thats" -> "that is")."""
    if not any("'" in word or word in _UNMARKED for word in words):
        return words
    out: list[str] = []
    for word in words:
        word = _UNMARKED.get(word, word)
        if "'" not in word:
            out.append(word)
            continue
        for clitic, full in _CLITICS:
            base = word.removesuffix(clitic)
            if base != word and base:
                out += [_NOT_BASE.get(base, base) if clitic == "n't" else base, full]
                break
        else:
            base = word.removesuffix("'s")
            if base != word and base in _IS_BEFORE:
                out += [base, "is"]  # "what's a data translator": "what is"
            else:
                out.append(base or word)
    return out


def words(text: str) -> list[str]:
    """The normalised words of a text, contractions spelled out and '@' split off (moment keys are not words)."""
    return expand_contractions(normalize(text).replace("@", " ").split())


def terms(text: str) -> list[str]:
    """Normalised, stemmed content words of a text, stopwords and bare numbers removed, order kept."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and not w.isdigit()]


def preview(text: str, limit: int = 80) -> str:
    """A short, single-line, control-free echo of user input for messages ("no match for ...")."""
    flat = _SPACES.sub(" ", strip_control(text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
