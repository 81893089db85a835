"""The moderators' file schema (pydantic v2), which is also the domain: roles, boundaries, episodes, moments.

Every model forbids unknown fields so a typo ("sumary:") is reported instead of silently ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from content.timecode import Timestamp

_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _text(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("must not be empty")
    return value


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"'{value}' is not an http(s) URL")
    return value


def _timestamp(value: object) -> Timestamp:
    if isinstance(value, Timestamp):
        return value
    if not isinstance(value, str):
        raise ValueError(f"'{value}' is not a timestamp: write m:ss or h:mm:ss in quotes, for example \"8:49\"")
    return Timestamp.parse(value)


Text = Annotated[str, AfterValidator(_text)]
Url = Annotated[str, AfterValidator(_url)]
Id = Annotated[str, Field(pattern=_ID, max_length=64)]
Time = Annotated[Timestamp, BeforeValidator(_timestamp)]


@dataclass(frozen=True)
class SourceRef:
    """A citation: ``episode-id@m:ss`` for a moment, or a bare ``episode-id`` when the page gives no timestamp."""

    episode: str
    at: Timestamp | None = None

    @cached_property
    def key(self) -> str:
        """'ml-production@44:23', or 'ml-production' for a whole episode."""
        return f"{self.episode}@{self.at}" if self.at is not None else self.episode


def _source(value: object) -> SourceRef:
    if isinstance(value, SourceRef):
        return value
    if not isinstance(value, str) or value.count("@") > 1:
        raise ValueError(
            f"'{value}' is not a source: write episode-id@m:ss (ml-production@44:23), or the episode id alone"
        )
    episode, _, at = value.partition("@")
    if not re.match(_ID, episode.strip()):
        raise ValueError(f"'{episode}' is not an episode id (lowercase words joined by '-')")
    return SourceRef(episode.strip(), Timestamp.parse(at) if "@" in value else None)


# Where an entry's facts come from, relative to the podcast wiki sources: wiki/<page> or podcast_summaries/<slug>.
_PAGE = r"^(?:wiki|podcast_summaries)/[a-z0-9]+(?:-[a-z0-9]+)*$"


def _pages(value: object) -> object:
    return (value,) if isinstance(value, str) else value


Source = Annotated[SourceRef, BeforeValidator(_source)]
Page = Annotated[str, Field(pattern=_PAGE, max_length=120)]
Pages = Annotated[tuple[Page, ...], BeforeValidator(_pages), Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Role(_Strict):
    """A job role members ask about."""

    id: Id
    name: Text
    aliases: tuple[Text, ...] = ()
    summary: Text
    responsibilities: tuple[Text, ...] = Field(min_length=1)
    skills: tuple[Text, ...] = Field(min_length=1)
    asks: tuple[Text, ...] = ()  # questions members ask that this entry answers, indexed with high weight
    # The field members name when they mean moving into this role ("move into ML"); a role only after a move verb.
    disciplines: tuple[Text, ...] = ()
    sources: tuple[Source, ...] = ()
    source: Pages


class Boundary(_Strict):
    """Where two roles meet: who owns what and where the hand-off is."""

    id: Id
    roles: tuple[Id, Id]
    # The wiki draws some boundaries against a family of roles (MLOps *or* ML platform engineer).
    also_applies_to: tuple[Id, ...] = ()
    crux: Text = Field(max_length=80)
    summary: Text
    owns: dict[Id, tuple[Text, ...]]
    shared: tuple[Text, ...] = ()
    handoff: Text
    note: Text | None = None
    keywords: tuple[Text, ...] = ()
    asks: tuple[Text, ...] = ()
    sources: tuple[Source, ...] = ()
    source: Pages

    @model_validator(mode="after")
    def _two_different_roles(self) -> Boundary:
        if self.roles[0] == self.roles[1]:
            raise ValueError("a boundary needs two different roles")
        return self


class Guest(_Strict):
    """A person heard in an episode."""

    name: Text
    affiliation: Text | None = None
    host: bool = False
    aliases: tuple[Text, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name} (host)" if self.host else self.name


class MomentEntry(_Strict):
    """A timestamped moment inside an episode file."""

    at: Time
    # The end of a span the source cites as one ("7:22-29:20"); the link still starts at ``at``.
    until: Time | None = None
    topic: Text = Field(max_length=90)
    summary: Text
    keywords: tuple[Text, ...] = Field(min_length=1)
    # Questions a member with this problem would ask, in their own words: searched, never shown.
    asks: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _span_forward(self) -> MomentEntry:
        if self.until is not None and self.until <= self.at:
            raise ValueError(f"until ({self.until}) must come after at ({self.at})")
        return self


class Episode(_Strict):
    """A podcast episode and the moments the content cites from it."""

    id: Id
    title: Text
    code: Annotated[str, Field(pattern=r"^S\d+E\d+$")] | None = None
    guests: tuple[Guest, ...] = Field(min_length=1)
    page_url: Url
    video_url: Url
    duration: Time | None = None
    aliases: tuple[Text, ...] = ()
    # What the wiki says the episode covers, for episodes it cites as a whole; searchable, shown with the episode.
    about: Text | None = None
    keywords: tuple[Text, ...] = ()
    moments: tuple[MomentEntry, ...] = ()
    source: Pages

    @property
    def people(self) -> str:
        return ", ".join(g.label for g in self.guests)


@dataclass(frozen=True)
class Moment:
    """One citable, postable moment: an episode plus a timestamp and what is said there."""

    episode: Episode
    at: Timestamp
    topic: str
    summary: str
    keywords: tuple[str, ...]
    until: Timestamp | None = None
    asks: tuple[str, ...] = ()

    @cached_property
    def key(self) -> str:
        """'ml-production@44:23': how sources and members refer to this moment."""
        return f"{self.episode.id}@{self.at}"

    @cached_property
    def stamp(self) -> str:
        """'44:23': the timestamp as shown (computed once; every answer that cites the moment shows it)."""
        return str(self.at)

    @cached_property
    def people(self) -> str:
        """The episode's guests as shown with a citation (computed once)."""
        return self.episode.people

    @cached_property
    def url(self) -> str:
        """The video URL with ``t=<seconds>s`` added, so the link starts at this moment (computed once)."""
        parts = urlsplit(self.episode.video_url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
        query.append(("t", f"{self.at.seconds}s"))
        return urlunsplit(parts._replace(query=urlencode(query)))


SCHEMAS: dict[str, type[_Strict]] = {"roles": Role, "boundaries": Boundary, "episodes": Episode}
FIELD_NAMES = frozenset(name for model in (Role, Boundary, Guest, MomentEntry, Episode) for name in model.model_fields)
