"""The resolver: any input is safe, results stay within bounds, and pairs are symmetric."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from content.library import Library
from content.search import MAX_SUGGESTIONS, _organisations
from content.text import normalize

EVIL = [
    "",
    "   \t\n ",
    "a" * 10_000,
    "mle vs " * 2_000,
    "\x00\x01\x1b[31mred\x1b[0m",
    "\u202emle\u202c",
    "🙂" * 500,
    "<!channel> <@U123> @everyone @here",
    "vs vs vs",
    "difference between",
    "@",
    ":::",
    "a@1:00",
    "ml-production@99:99",
    "ben wilson 61:99",
]


def _check(library: Library, query: str) -> None:
    resolution = library.resolver.resolve(query)
    content = library.content
    hits = ([resolution.hit] if resolution.hit else []) + list(resolution.suggestions)
    for hit in hits:
        assert hit.id in content.entries(hit.kind)
        assert 0 <= hit.score <= 100
    assert len(resolution.suggestions) <= MAX_SUGGESTIONS
    if resolution.pair is not None:
        assert all(role in content.roles for role in resolution.pair)


@pytest.mark.parametrize("query", EVIL, ids=range(len(EVIL)))
def test_hostile_inputs_are_safe(library: Library, query: str) -> None:
    _check(library, query)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_text_resolves_within_bounds(library: Library, query: str) -> None:
    _check(library, query)


WORDS = ["mle", "ds", "vs", "or", "and", "data", "engineer", "batch", "scoring", "ben", "44:23", "@", "?", "sql", "é"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join))
def test_word_salad_from_the_vocabulary_is_safe(library: Library, query: str) -> None:
    _check(library, query)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_every_pair_resolves_the_same_in_both_orders(library: Library, data: st.DataObject) -> None:
    roles = library.content.roles
    a = roles[data.draw(st.sampled_from(sorted(roles)))]
    b = roles[data.draw(st.sampled_from(sorted(roles)))]
    name_a = data.draw(st.sampled_from([a.name, *a.aliases]))
    name_b = data.draw(st.sampled_from([b.name, *b.aliases]))
    sep = data.draw(st.sampled_from(["vs", "versus", "or", "and", "vs."]))
    # "Big Data Engineer vs Data Scientist" is an episode title, "product owner vs pm" an episode's id: an exact title
    # or id rightly wins over the pair.
    episodes = library.content.episodes.values()
    titles = {normalize(e.title) for e in episodes} | {normalize(e.id.replace("-", " ")) for e in episodes}
    assume(not {normalize(f"{name_a} {sep} {name_b}"), normalize(f"{name_b} {sep} {name_a}")} & titles)
    forward = library.resolver.resolve(f"{name_a} {sep} {name_b}")
    backward = library.resolver.resolve(f"{name_b} {sep} {name_a}")
    assert forward.hit == backward.hit
    assert forward.pair in (None, backward.pair, tuple(reversed(backward.pair or ())))
    if a.id != b.id and library.content.boundary_between(a.id, b.id):
        assert forward.hit is not None and forward.hit.kind == "boundary"


@pytest.mark.parametrize("question", ["data science versus ai eng", "ai eng versus data science"])
def test_a_comparison_named_like_a_moment_gets_the_boundary_in_both_orders(library: Library, question: str) -> None:
    # A moment's topic is "Data science versus AI engineering" (found by the property test above, in one order only).
    hit = library.resolver.resolve(question).hit
    assert hit is not None and (hit.kind, hit.id) == ("boundary", "ai-engineer-vs-data-scientist")


def test_every_name_and_alias_finds_its_entry(library: Library) -> None:
    for role in library.content.roles.values():
        for name in (role.id, role.name, *role.aliases):
            hit = library.resolver.resolve(name).hit
            assert hit is not None and (hit.kind, hit.id) == ("role", role.id), name
    heard_in: dict[str, set[str]] = {}
    for episode in library.content.episodes.values():
        for guest in episode.guests:
            heard_in.setdefault(guest.name, set()).add(episode.id)
    for episode in library.content.episodes.values():
        for name in (episode.id, episode.title, *episode.aliases):
            hit = library.resolver.resolve(name).hit
            assert hit is not None and (hit.kind, hit.id) == ("episode", episode.id), name
        for guest in episode.guests:
            # A guest heard in several episodes finds one of them; the others are offered beside it.
            resolution = library.resolver.resolve(guest.name)
            assert resolution.hit is not None and resolution.hit.kind == "episode", guest.name
            found = {resolution.hit.id, *(s.id for s in resolution.suggestions)}
            assert found == heard_in[guest.name] or len(found) == 1 + len(resolution.suggestions), guest.name
            assert resolution.hit.id in heard_in[guest.name], guest.name


def test_every_moment_is_found_by_its_key_and_its_topic(library: Library) -> None:
    for key, moment in library.content.moments.items():
        assert library.resolver.resolve(key).hit.id == key
        hit = library.resolver.resolve(moment.topic).hit
        assert hit is not None, moment.topic
        # A topic shared word-for-word with another moment may pick either; it must at least be a moment.
        assert hit.kind in ("moment", "boundary", "role"), (moment.topic, hit)


def test_no_match_offers_close_suggestions(library: Library) -> None:
    resolution = library.resolver.resolve("platfrom")
    assert resolution.hit is None or resolution.hit.kind in ("role", "moment", "episode")
    resolution = library.resolver.resolve("deploymnt tooling")
    assert resolution.hit is not None or resolution.suggestions


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_word_before_a_side_never_breaks_the_symmetry(library: Library, data: st.DataObject) -> None:
    """'dbt developer vs analytics engineer' must answer like 'analytics engineer vs dbt developer' (it once did not:
    an alias that ended another phrase shadowed the side)."""
    roles = library.content.roles
    a = roles[data.draw(st.sampled_from(sorted(roles)))]
    b = roles[data.draw(st.sampled_from(sorted(roles)))]
    word = data.draw(st.sampled_from(["dbt", "senior", "junior", "lead", "big", "product", "staff"]))
    name_a = f"{word} {data.draw(st.sampled_from([a.name, *a.aliases]))}"
    name_b = data.draw(st.sampled_from([b.name, *b.aliases]))
    sep = data.draw(st.sampled_from(["vs", "or", "versus"]))
    forward = library.resolver.resolve(f"{name_a} {sep} {name_b}").hit
    backward = library.resolver.resolve(f"{name_b} {sep} {name_a}").hit
    assert (forward and (forward.kind, forward.id)) == (backward and (backward.kind, backward.id))


@pytest.mark.parametrize(
    "question", ["where can I buy a used Nintendo DS", "is my data scientist girlfriend hiding something from me"]
)
def test_one_known_word_beside_an_unknown_noun_offers_instead_of_answering(library: Library, question: str) -> None:
    resolution = library.resolver.resolve(question)
    assert resolution.hit is None


def test_two_known_words_beside_an_unknown_noun_still_answer(library: Library) -> None:
    assert library.resolver.resolve("batch scoring for my bakery").hit is not None  # "bakery": unknown


def test_everyday_words_the_content_uses_break_a_tie_but_never_change_the_coverage(words_only: Library) -> None:
    """'fine' and 'wrong' are filler: they never decide whether there is an answer, but the moment that says the
    pipeline runs fine while the data is wrong is the one the member means (by its words alone: the meaning of the
    bare question finds that moment too)."""
    library = words_only
    bare = library.resolver.resolve("the pipeline ran but the data is still, how?").hit
    padded = library.resolver.resolve("the pipeline ran fine but the data is still wrong, how?").hit
    assert bare is not None and padded is not None
    assert padded.id == "data-quality-observability@21:57" != bare.id
    assert padded.score == library.resolver.resolve("pipeline ran data").hit.score  # coverage alone sets the score


@pytest.mark.parametrize("question", ["MLOps engineer vs dev ops", "dev ops vs MLOps engineer"])
def test_an_alias_the_lexicon_rewrites_is_still_found_inside_a_question(library: Library, question: str) -> None:
    """'dev ops' is a DevOps alias, and the lexicon turns 'dev' into 'development' before names are read."""
    hit = library.resolver.resolve(question).hit
    assert hit is not None and (hit.kind, hit.id) == ("boundary", "mlops-vs-devops")


def test_a_union_index_reads_two_indexes_over_the_same_documents_as_one() -> None:
    from content.lexicon import EMPTY
    from content.ranking import Analyses, Field, TextIndex, UnionIndex

    shared = Analyses()
    base, extra = TextIndex(EMPTY, shared), TextIndex(EMPTY, shared)
    for text in ("batch scoring pipelines", "online serving latency"):
        base.add([Field("topic", 1.0, (text,))])
    extra.add([Field("asks", 1.0, ("our nightly predictions land late",))])  # asks of document 0 only
    base.finish()
    extra.finish()
    union = UnionIndex(base, extra)
    assert "night" in union.postings and "night" not in base.postings
    assert union.has("night", 0) and not union.has("night", 1) and union.has("latenc", 1)
    together = union.score([("batch", 1.0), ("night", 1.0)])
    assert together[0] == pytest.approx(base.score([("batch", 1.0)])[0] + extra.score([("night", 1.0)])[0])
    assert union.surface["nightly"] == "night" and union.surface["batch"] == "batch"


@pytest.mark.parametrize(
    ("affiliation", "names"),
    [
        ("PhD student, Carnegie Mellon University", ["carnegie mellon university", "carnegie mellon"]),
        ("Chief Data Officer, OLX Group", ["olx group", "olx"]),
        ("founder of DataTalks.Club", ["datatalks.club"]),
        ("Technical Co-founder, Priceloop", ["priceloop"]),
        ("Ntropy (at the time of the episode)", ["ntropy"]),
        # a title alone names no organisation, even with a capitalised word in it
        ("IoT Data Platform Lead", []),
        ("Chief of Data", []),
    ],
)
def test_a_guests_employer_is_read_from_the_affiliation_and_titles_are_not(affiliation: str, names: list[str]) -> None:
    assert _organisations(affiliation) == names


def test_ranking_many_entries_as_arrays_gives_what_the_loop_gives(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Questions whose words find many entries ("data" is in most) are ranked with array operations; the plain loop
    # must give the same entries, coverages, scores and order, for the content's words and for the moments' asks,
    # with and without a named role (whose entries start a point up).
    questions = [
        "how do I download all my facebook data",
        "dedicated data platform team or data engineers embedded elsewhere?",
        "who owns data quality checks for our data pipelines and the data warehouse?",
        "how much python and data modeling does a data engineer need for data pipelines?",
        "honestly our data team keeps shipping data products nobody uses, any tips?",  # filler and word pairs
    ]

    def rank_all() -> list[list[tuple[int, float, float]]]:
        ranked = []
        for resolver in (library.resolver, library.resolver._second):
            assert resolver is not None
            every_other = set(range(0, len(resolver._docs), 2))  # as when only a role offered can answer
            for question in questions:
                analysis = resolver._reader.read(question)
                role = analysis.roles[0] if analysis.roles else None
                about = resolver._about_role(role.ref) if role is not None else None
                ranked.append(resolver._rank(analysis, analysis.intent, entity_docs=about, role=role, limit=None))
                ranked.append(resolver._rank(analysis, analysis.intent, every_other, about, role, limit=None))
        return ranked

    by_arrays = rank_all()
    assert all(len(r) >= 32 for r in by_arrays)
    monkeypatch.setattr("content.search.VECTOR_RANKING", 10**9)
    assert rank_all() == by_arrays


def test_ranking_only_the_first_entries_gives_the_same_first_entries(library: Library) -> None:
    # _rank stops early when it only needs the first few; what it returns must be what ranking everything would put
    # first, in the same order, for every intent's weights.
    resolver = library.resolver
    questions = [
        "who defines the success metrics for a new data product?",
        "cheapest mobile data plan in Germany",
        "in a big data project who owns ETL and storage?",
        "how do I reduce risk before building an ML system",
        "data quality checks for pipelines",
    ]
    for question in questions:
        analysis = resolver._reader.read(question)
        for intent in ("topic", "who_owns", "compare", "how"):
            everything = resolver._rank(analysis, intent, limit=None)
            assert resolver._rank(analysis, intent, limit=MAX_SUGGESTIONS * 3) == everything[: MAX_SUGGESTIONS * 3]
