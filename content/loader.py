"""Load a content directory, validate all of it, and report every problem as ``file:line: message``."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError
from rapidfuzz import process

from content.lexicon import EMPTY, Lexicon, LexiconFile, build_lexicon, name_owners
from content.schema import FIELD_NAMES, SCHEMAS, Boundary, Episode, Moment, Role
from content.text import normalize
from content.yamlsource import Document, Path_, read_document

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent / "data"
_YAML_SUFFIXES = (".yaml", ".yml")
LEXICON_FILE = "lexicon.yaml"


@dataclass(frozen=True)
class Problem:
    """One thing a moderator must fix."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ContentError(Exception):
    """The content directory is invalid; ``problems`` lists every issue found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Content:
    """A validated, cross-checked snapshot of all content. Never mutated: reloads build a new one."""

    roles: Mapping[str, Role]
    boundaries: Mapping[str, Boundary]
    episodes: Mapping[str, Episode]
    moments: Mapping[str, Moment]
    version: str
    _pairs: Mapping[frozenset[str], str] = field(repr=False)
    lexicon: Lexicon = EMPTY

    def boundary_between(self, a: str, b: str) -> Boundary | None:
        """The boundary drawn between roles ``a`` and ``b``, in either order."""
        boundary_id = self._pairs.get(frozenset((a, b)))
        return self.boundaries[boundary_id] if boundary_id else None

    def entries(self, kind: str) -> Mapping[str, Role | Boundary | Episode | Moment]:
        """The entries of one kind ('role', 'boundary', 'episode', 'moment') by id (moments by key)."""
        tables: dict[str, Mapping[str, Role | Boundary | Episode | Moment]] = {
            "role": self.roles,
            "boundary": self.boundaries,
            "episode": self.episodes,
            "moment": self.moments,
        }
        return tables[kind]

    def boundaries_of(self, role_id: str) -> list[Boundary]:
        """Every boundary that involves ``role_id``."""
        return self._boundaries_by_role.get(role_id, [])

    @cached_property
    def _boundaries_by_role(self) -> dict[str, list[Boundary]]:
        index: dict[str, list[Boundary]] = {}
        for boundary in self.boundaries.values():
            for role_id in dict.fromkeys(boundary_roles(boundary)):
                index.setdefault(role_id, []).append(boundary)
        return index

    def cited_by(self, moment_key: str) -> list[Role | Boundary]:
        """Roles and boundaries that cite a moment, for "related" pointers."""
        return self._citing.get(moment_key, [])

    @cached_property
    def _citing(self) -> dict[str, list[Role | Boundary]]:
        index: dict[str, list[Role | Boundary]] = {}
        entries: Iterable[Role | Boundary] = [*self.roles.values(), *self.boundaries.values()]
        for entry in entries:
            for source in dict.fromkeys(s.key for s in entry.sources):
                index.setdefault(source, []).append(entry)
        return index

    def summary(self) -> str:
        """One line of counts, as ``content check`` prints it."""
        return (
            f"{len(self.roles)} roles, {len(self.boundaries)} boundaries, "
            f"{len(self.episodes)} episodes, {len(self.moments)} moments (version {self.version})"
        )


def boundary_roles(boundary: Boundary) -> tuple[str, ...]:
    """All roles a boundary touches: its two roles plus the ones it also applies to."""
    return (*boundary.roles, *boundary.also_applies_to)


def boundary_pairs(boundary: Boundary) -> list[frozenset[str]]:
    """The role pairs a boundary answers: (first, second) and (first, each also_applies_to)."""
    first, second = boundary.roles
    return [frozenset((first, other)) for other in (second, *boundary.also_applies_to)]


@dataclass
class _Parsed:
    rel: str
    doc: Document
    entry: Role | Boundary | Episode


class _Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        # Ids of entries whose own file is broken: references to them are not reported a second time.
        self.broken: set[str] = set()

    def add(self, rel: str, line: int, message: str) -> None:
        self.problems.append(Problem(str(self.root / rel), line, message))

    def at(self, parsed: _Parsed, path: Path_, message: str) -> None:
        self.add(parsed.rel, parsed.doc.line_of(path), message)


def load_content(root: Path | str | None = None) -> Content:
    """Load and validate the content under ``root`` (default: the shipped content); raise ContentError."""
    root = Path(root) if root is not None else DEFAULT_CONTENT_DIR
    out = _Collector(root)
    if not root.is_dir():
        out.add("", 0, "no such content directory")
        raise ContentError(out.problems)
    if not any((root / kind).is_dir() for kind in SCHEMAS):
        out.add("", 0, _misplaced_root(root))
        raise ContentError(out.problems)
    digest = hashlib.sha256()
    parsed: dict[str, list[_Parsed]] = {kind: [] for kind in SCHEMAS}
    lexicon_doc: Document | None = None
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in _YAML_SUFFIXES):
        rel = path.relative_to(root).as_posix()
        kind = rel.split("/")[0] if "/" in rel else ""
        if rel == LEXICON_FILE:
            raw = path.read_bytes()
            digest.update(rel.encode() + b"\0" + raw + b"\0")
            lexicon_doc = _read(rel, raw, out)
            continue
        if kind not in SCHEMAS:
            out.add(rel, 1, "unexpected file: put roles, boundaries and episodes in roles/, boundaries/, episodes/")
            continue
        raw = path.read_bytes()
        digest.update(rel.encode() + b"\0" + raw + b"\0")
        entry = _parse_file(rel, raw, kind, out)
        if entry is not None:
            parsed[kind].append(entry)
    for kind in SCHEMAS:
        if not parsed[kind] and not any(p.file.startswith(str(root / kind)) for p in out.problems):
            out.add(kind, 0, f"no {kind} found: the bot needs at least one")
    content = _cross_check(parsed, out, digest.hexdigest()[:12])
    if lexicon_doc is not None:
        content = replace(content, lexicon=_lexicon(lexicon_doc, parsed, out))
    if out.problems:
        raise ContentError(out.problems)
    return content


def _misplaced_root(root: Path) -> str:
    """One line for a directory without roles/, boundaries/ or episodes/, naming the right one when it is near."""
    expected = "no roles/, boundaries/ or episodes/ folder here"
    nearby = [root / "data", *sorted(p for p in root.iterdir() if p.is_dir()), root.parent]
    for candidate in nearby:
        if any((candidate / kind).is_dir() for kind in SCHEMAS):
            return f"{expected}: use {candidate} (the folder that holds them)"
    return f"{expected}: point at the folder that holds them, such as content/data"


def _read(rel: str, raw: bytes, out: _Collector) -> Document | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        out.add(rel, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    doc = read_document(text)
    for line, message in doc.problems:
        out.add(rel, line, message)
    return None if doc.problems else doc


def _lexicon(doc: Document, parsed: dict[str, list[_Parsed]], out: _Collector) -> Lexicon:
    """Validate lexicon.yaml against the names members use for roles, boundaries, episodes and guests."""
    try:
        spec = LexiconFile.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            out.add(LEXICON_FILE, doc.line_of(loc), _describe(error, loc))
        return EMPTY
    named: list[tuple[str, list[str]]] = []
    for kind in ("roles", "boundaries", "episodes"):
        for item in parsed[kind]:
            entry = item.entry
            names = [entry.id, *getattr(entry, "aliases", ())]
            names += [entry.name] if isinstance(entry, Role) else []
            names += [entry.title] if isinstance(entry, Episode) else []
            names += [g.name for g in entry.guests] if isinstance(entry, Episode) else []
            named.append((f"{kind.removesuffix('s').replace('boundarie', 'boundary')} '{entry.id}'", names))
    lexicon, problems = build_lexicon(spec, name_owners(named))
    for path, message in problems:
        out.add(LEXICON_FILE, doc.line_of(path), message)
    return lexicon


def _parse_file(rel: str, raw: bytes, kind: str, out: _Collector) -> _Parsed | None:
    # Until the file parses, its id is a guess (the file name, or an `id:` line): references to it from other
    # files are then not reported as unknown, because the root problem is this file.
    out.broken.add(Path(rel).stem)
    written_id = re.search(r"^id:[ \t]*([^\s#]+)", raw.decode("utf-8", "replace"), re.MULTILINE)
    if written_id:
        out.broken.add(written_id.group(1).strip("'\""))
    doc = _read(rel, raw, out)
    if doc is None:
        return None
    if not isinstance(doc.data, dict):
        out.add(rel, 1, "the file must be a mapping of fields (id: ..., name: ...)")
        return None
    try:
        entry = SCHEMAS[kind].model_validate(doc.data)
    except ValidationError as exc:
        if isinstance(doc.data.get("id"), str):
            out.broken.add(doc.data["id"])
        errors = [(tuple(e["loc"]), e) for e in exc.errors()]
        typos = {(*loc[:-1], _guess_field(str(loc[-1]))) for loc, e in errors if e["type"] == "extra_forbidden"}
        for loc, error in errors:
            if error["type"] == "missing" and loc in typos:
                continue  # "sumary" is unknown and "summary" is missing: one mistake, reported once
            out.add(rel, doc.line_of(loc), _describe(error, loc))
        return None
    out.broken.discard(Path(rel).stem)
    if written_id:
        out.broken.discard(written_id.group(1).strip("'\""))
    return _Parsed(rel, doc, entry)  # type: ignore[arg-type]


def _guess_field(name: str) -> str | None:
    guess = process.extractOne(name, FIELD_NAMES, score_cutoff=75)
    return guess[0] if guess else None


def _describe(error: Mapping, loc: Path_) -> str:
    where = ".".join(str(part) for part in loc if part != "[key]")  # pydantic marks a bad dict key with "[key]"
    kind = error["type"]
    if kind == "missing":
        return f"missing required field '{where}'"
    if kind == "extra_forbidden":
        guess = _guess_field(str(loc[-1]))
        return f"unknown field '{where}'" + (f" (did you mean '{guess}'?)" if guess else "")
    if kind == "string_pattern_mismatch":  # the Id pattern: say it in words, not as a regex
        return f"{where}: {_bad_id(loc, error.get('input'))}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _bad_id(loc: Path_, value: object) -> str:
    """What to write instead of a name where an id belongs."""
    text = str(value)
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    suggestion = f" (did you mean '{slug}'?)" if slug and slug != text else ""
    if loc and loc[0] in ("roles", "also_applies_to", "owns"):
        return f"'{text}' is not a role id: use the role's id, such as data-engineer, not its name{suggestion}"
    return f"'{text}' is not an id: write lowercase words joined by '-', such as data-engineer{suggestion}"


def _cross_check(parsed: dict[str, list[_Parsed]], out: _Collector, version: str) -> Content:
    roles: dict[str, Role] = {}
    boundaries: dict[str, Boundary] = {}
    episodes: dict[str, Episode] = {}
    first_seen: dict[tuple[str, str], str] = {}
    for kind, table in (("roles", roles), ("boundaries", boundaries), ("episodes", episodes)):
        for item in parsed[kind]:
            entry_id = item.entry.id
            if (kind, entry_id) in first_seen:
                out.at(item, ("id",), f"duplicate id '{entry_id}' (also in {first_seen[(kind, entry_id)]})")
                continue
            first_seen[(kind, entry_id)] = item.rel
            table[entry_id] = item.entry  # type: ignore[assignment]

    _check_names(parsed, out)
    moments = _collect_moments(parsed["episodes"], out)
    pairs: dict[frozenset[str], str] = {}
    for item in parsed["boundaries"]:
        boundary: Boundary = item.entry  # type: ignore[assignment]
        for index, role_id in enumerate(boundary.roles):
            if role_id not in roles and role_id not in out.broken:
                out.at(item, ("roles", index), f"unknown role '{role_id}'{_hint(role_id, roles)}")
        for index, role_id in enumerate(boundary.also_applies_to):
            if role_id not in roles and role_id not in out.broken:
                out.at(item, ("also_applies_to", index), f"unknown role '{role_id}'{_hint(role_id, roles)}")
        for role_id in boundary.owns:
            if role_id not in boundary_roles(boundary):
                out.at(item, ("owns", role_id), f"'owns' names '{role_id}', which is not one of this boundary's roles")
        for pair in boundary_pairs(boundary):
            if pair in pairs and pairs[pair] != boundary.id:
                names = " and ".join(sorted(pair))
                out.at(item, ("roles",), f"boundary '{pairs[pair]}' already covers {names}")
            pairs.setdefault(pair, boundary.id)
    for kind in ("roles", "boundaries"):
        for item in parsed[kind]:
            for index, source in enumerate(item.entry.sources):  # type: ignore[union-attr]
                if source.episode in out.broken:
                    continue
                if source.episode not in episodes:
                    hint = _hint(source.episode, episodes)
                    out.at(item, ("sources", index), f"source names unknown episode '{source.episode}'{hint}")
                elif source.at is not None and source.key not in moments:
                    out.at(item, ("sources", index), f"source names no moment of '{source.episode}' at {source.at}")
    return Content(roles, boundaries, episodes, moments, version, pairs)


def _collect_moments(items: list[_Parsed], out: _Collector) -> dict[str, Moment]:
    moments: dict[str, Moment] = {}
    for item in items:
        episode: Episode = item.entry  # type: ignore[assignment]
        seen: set[int] = set()
        for index, entry in enumerate(episode.moments):
            if episode.duration is not None and entry.at > episode.duration:
                past = f"{entry.at} is past the episode's duration ({episode.duration})"
                out.at(item, ("moments", index, "at"), past)
            if entry.at.seconds in seen:
                out.at(item, ("moments", index, "at"), f"two moments at {entry.at} in this episode")
            seen.add(entry.at.seconds)
            moment = Moment(episode, entry.at, entry.topic, entry.summary, entry.keywords, entry.until, entry.asks)
            moments[moment.key] = moment
    return moments


def _check_names(parsed: dict[str, list[_Parsed]], out: _Collector) -> None:
    """Each id, name and alias must lead to one entry only, or members' exact lookups would be ambiguous."""
    owner: dict[str, tuple[str, str]] = {}
    for kind in ("roles", "episodes", "boundaries"):
        for item in parsed[kind]:
            entry = item.entry
            names: list[tuple[Path_, str]] = [(("id",), entry.id)]
            if isinstance(entry, Role):
                names.append((("name",), entry.name))
                names += [(("disciplines", i), field) for i, field in enumerate(entry.disciplines)]
            if isinstance(entry, Episode):
                names.append((("title",), entry.title))
            names += [(("aliases", i), alias) for i, alias in enumerate(getattr(entry, "aliases", ()))]
            label = f"{kind[:-1] if kind != 'boundaries' else 'boundary'} '{entry.id}'"
            for path, name in names:
                key = normalize(name)
                if not key:
                    out.at(item, path, f"'{name}' has no letters or digits to match on")
                elif key in owner and owner[key][0] != label:
                    out.at(item, path, f"'{name}' is already used by {owner[key][0]} ({owner[key][1]})")
                else:
                    owner.setdefault(key, (label, item.rel))


def _hint(name: str, known: Mapping[str, object]) -> str:
    guess = process.extractOne(name, list(known), score_cutoff=70)
    return f" (did you mean '{guess[0]}'?)" if guess else ""
