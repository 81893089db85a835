"""Build neutral replies from content entities: one function per kind of answer."""

from __future__ import annotations

from content.library import Library
from content.loader import boundary_roles
from content.schema import Boundary, Episode, Moment, Role
from content.search import Hit
from content.text import preview
from handlers.navigation import answer_id, target
from handlers.reply import Action, Citation, Menu, Reply, Section, Suggestion

# Next steps under a role: its boundaries, then up to this many of the moments it cites.
TOP_MOMENTS = 3


def role_query(role: Role) -> str:
    """The shortest thing a member can type to get this role (its first alias, else its id)."""
    return role.aliases[0] if role.aliases else role.id


def boundary_query(library: Library, boundary: Boundary) -> str:
    """'mle vs ds' for a boundary."""
    a, b = (library.content.roles[r] for r in boundary.roles)
    return f"{role_query(a)} vs {role_query(b)}"


def suggestion(library: Library, hit: Hit) -> Suggestion:
    """A did-you-mean entry for a resolver hit."""
    content = library.content
    clicked = target(hit.kind, hit.id)
    if hit.kind == "role":
        return Suggestion(hit.label, role_query(content.roles[hit.id]), clicked)
    if hit.kind == "boundary":
        return Suggestion(hit.label, boundary_query(library, content.boundaries[hit.id]), clicked)
    return Suggestion(hit.label, hit.id, clicked)


def moment_action(moment: Moment) -> Action:
    """A button or menu option that opens one moment: '44:23 Batch scoring'."""
    return Action(f"{moment.at} {moment.topic}", target("moment", moment.key))


def _citations(library: Library, entry: Role | Boundary) -> tuple[Citation, ...]:
    content = library.content
    return tuple(
        Citation.of(content.moments[s.key]) if s.at is not None else Citation.of_episode(content.episodes[s.episode])
        for s in entry.sources
    )


def role_reply(library: Library, role: Role, score: float | None = None) -> Reply:
    """What a role is, what it does, which skills it needs, and where it meets other roles."""
    content = library.content
    boundaries, actions = [], []
    for boundary in content.boundaries_of(role.id):
        others = " / ".join(content.roles[r].name for r in boundary_roles(boundary) if r != role.id)
        boundaries.append(f"vs {others}: {boundary.crux} (ask: {boundary_query(library, boundary)})")
        actions.append(Action(f"vs {others}", target("boundary", boundary.id)))
    cited = [content.moments[s.key] for s in role.sources if s.at is not None]
    actions += [moment_action(m) for m in cited[:TOP_MOMENTS]]
    sections = [
        Section(text=role.summary),
        Section("Responsibilities", items=role.responsibilities),
        Section("Skills", items=role.skills),
    ]
    if boundaries:
        sections.append(Section("Boundaries", items=tuple(boundaries)))
    return Reply(
        "role",
        role.name,
        tuple(sections),
        _citations(library, role),
        ref=role.id,
        score=score,
        actions=tuple(actions),
        rated=answer_id("role", role.id),
    )


def boundary_reply(library: Library, boundary: Boundary, score: float | None = None) -> Reply:
    """Who owns what on each side of a boundary, and where the hand-off is."""
    roles = library.content.roles
    names = " / ".join(roles[r].name for r in boundary.roles[1:] + boundary.also_applies_to)
    sections = [Section(text=f"It turns on: {boundary.crux}. {boundary.summary}")]
    sections += [Section(f"{roles[r].name} owns", items=items) for r, items in boundary.owns.items()]
    if boundary.shared:
        sections.append(Section("Both", items=boundary.shared))
    sections.append(Section("Hand-off", boundary.handoff))
    if boundary.note:
        sections.append(Section("Note", boundary.note))
    title = f"{roles[boundary.roles[0]].name} vs {names}"
    actions = tuple(Action(roles[r].name, target("role", r)) for r in boundary_roles(boundary))
    return Reply(
        "boundary",
        title,
        tuple(sections),
        _citations(library, boundary),
        ref=boundary.id,
        score=score,
        actions=actions,
        rated=answer_id("boundary", boundary.id),
    )


def episode_reply(library: Library, episode: Episode, score: float | None = None) -> Reply:
    """An episode, who is in it, and the moments the content cites from it."""
    content = library.content
    moments = [content.moments[f"{episode.id}@{m.at}"] for m in episode.moments]
    people = "; ".join(f"{g.label}, {g.affiliation}" if g.affiliation else g.label for g in episode.guests)
    header = f"{episode.code}. With {people}." if episode.code else f"With {people}."
    sections = [Section(text=f"{header} {episode.about}" if episode.about else header)]
    if moments:
        sections.append(Section("Moments", items=tuple(f"{m.at} {m.topic} (ask: {m.key})" for m in moments)))
    sections.append(Section("Episode page", episode.page_url))
    citations = tuple(Citation.of(m) for m in moments) or (Citation.of_episode(episode),)
    menu = Menu("Jump to a moment", tuple(map(moment_action, moments))) if moments else None
    return Reply(
        "episode",
        episode.title,
        tuple(sections),
        citations,
        ref=episode.id,
        score=score,
        menu=menu,
        rated=answer_id("episode", episode.id),
    )


def _related(library: Library, moment: Moment) -> Section | None:
    items = []
    for entry in library.content.cited_by(moment.key):
        if isinstance(entry, Role):
            items.append(f"{entry.name} (ask: {role_query(entry)})")
        else:
            items.append(f"{library.resolver.boundary_label(entry.id)} (ask: {boundary_query(library, entry)})")
    return Section("Related", items=tuple(items)) if items else None


def moment_sections(library: Library, moment: Moment) -> tuple[Section, ...]:
    """The body shared by a moment answer and the weekly tip."""
    episode = moment.episode
    code = f" ({episode.code})" if episode.code else ""
    sections = [Section(text=moment.summary), Section("From", f"{episode.title}{code}, with {episode.people}")]
    related = _related(library, moment)
    if related:
        sections.append(related)
    return tuple(sections)


def episode_action(moment: Moment) -> Action:
    """The next step after a moment: its whole episode."""
    return Action(f"Episode: {moment.episode.title}", target("episode", moment.episode.id))


def moment_reply(library: Library, moment: Moment, score: float | None = None) -> Reply:
    """One moment: what is said there and a link that starts the video at it."""
    sections = moment_sections(library, moment)
    return Reply(
        "moment",
        moment.topic,
        sections,
        (Citation.of(moment),),
        ref=moment.key,
        score=score,
        actions=(episode_action(moment),),
        rated=answer_id("moment", moment.key),
    )


def no_match_reply(library: Library, query: str, hits: tuple[Hit, ...], pair: tuple[str, str] | None) -> Reply:
    """No confident answer: say so briefly and offer what came closest."""
    roles = library.content.roles
    if pair is not None:
        title = f"No boundary between {roles[pair[0]].name} and {roles[pair[1]].name} is written yet"
        text = "The content draws no line between these two roles. Nearby boundaries are below."
    else:
        shown = preview(query, 60)
        title = f"No answer for “{shown}”" if shown else "Nothing to look up"
        text = "Try a role (mle, ds), a pair (mle vs ds) or a topic (batch scoring). Type help for more."
    suggestions = tuple(suggestion(library, h) for h in hits)
    actions = tuple(Action(s.label, s.target) for s in suggestions)
    return Reply("no_match", title, (Section(text=text),), suggestions=suggestions, actions=actions)


def roles_reply(library: Library) -> Reply:
    """Every role and every boundary, with what to type for each."""
    content = library.content
    roles = tuple(f"{r.name} (ask: {role_query(r)})" for r in content.roles.values())
    boundaries = tuple(
        f"{library.resolver.boundary_label(b.id)}: {b.crux} (ask: {boundary_query(library, b)})"
        for b in content.boundaries.values()
    )
    return Reply("list", "Roles", (Section(items=roles), Section("Boundaries", items=boundaries)))


def episodes_reply(library: Library) -> Reply:
    """Every episode the content cites, with its guests."""
    items = tuple(f"{e.title}, with {e.people} (ask: {e.id})" for e in library.content.episodes.values())
    return Reply("list", "Episodes", (Section(items=items),))


HELP_ITEMS = (
    "mle: what a role is, owns and needs (also: ds, de, swe, mlops, ai engineer...)",
    "mle vs ds: where two roles meet and who owns what",
    "batch scoring: search episode moments by topic",
    "ben wilson: an episode by guest or title; ben wilson 44:23 for one moment",
    "roles, episodes: list everything",
    "tip: this week's tip",
)


def help_reply() -> Reply:
    """How to ask."""
    text = "Ask about data and ML roles and the lines between them. Every answer links to the podcast moment."
    return Reply("help", "RoleCall: data and ML roles, with sources", (Section(text=text), Section(items=HELP_ITEMS)))
