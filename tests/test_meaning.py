"""Matching by meaning (content/meaning.py): the last resort, when the words' best entries cover too little."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import content.meaning as meaning
from content.library import Library
from content.meaning import MEANING_ACCEPT, Vectors, basic_words, shared_vectors
from content.search import ACCEPT, MEANING_AGREE, SUGGEST
from operations.querylog import LOW_CONFIDENCE

# Noisy alerts in the members' words: no entry's words cover it, a moment about false alarms means it.
NOISY_ALERTS = "our alerting about data quality is so noisy that people ignore it, how do we fix that?"
ALERTS_EPISODE = "data-quality-observability@"


def test_the_tokenizer_splits_as_the_sentence_model_does() -> None:
    # Expected tokens taken from the model's own tokenizer (Hugging Face `tokenizers`, its tokenizer.json).
    vectors = shared_vectors()
    assert basic_words("Café naïve, MLOps!") == ["cafe", "naive", ",", "mlops", "!"]
    assert vectors.token_ids("Kubernetes in prod") == [12973, 4680, 6162, 1232, 1002, 3016, 1097]
    assert vectors.token_ids("MLOps vs DevOps") == [18878, 10926, 4446, 15478, 10926]
    assert vectors.token_ids("k8s!!") == [50, 1623, 1018, 2, 2]
    assert vectors.token_ids("日本 data") == [867, 879, 1954]
    assert vectors.token_ids("\x00\u200b\u0301") == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_embeds_to_a_unit_vector_or_to_nothing(text: str) -> None:
    vectors = shared_vectors()
    ids = vectors.token_ids(text)
    assert all(0 <= i < 30_000 for i in ids)
    (row,) = vectors.embed([text])
    norm = float((row * row).sum()) ** 0.5
    assert norm == pytest.approx(1.0, abs=1e-5) if ids else norm == 0.0


def test_the_shipped_vectors_match_their_vocabulary() -> None:
    vocabulary = (meaning.VECTORS_DIR / "vocab.txt").read_text(encoding="utf-8").split()
    vectors = shared_vectors()
    assert vectors.token_ids(vocabulary[5000]) == [5000]
    assert len(vocabulary) == 29_525


def test_a_question_in_other_words_finds_its_moment_by_meaning(library: Library) -> None:
    resolution = library.resolver.resolve(NOISY_ALERTS, explain_it=True)
    assert resolution.hit is not None and resolution.hit.id.startswith(ALERTS_EPISODE)
    assert any(line.startswith("meaning:") for line in resolution.trace)
    assert "nearest in meaning" in resolution.trace[-1]
    # The words alone ranked it but did not accept it: the meaning decided.
    assert "cover" in " ".join(resolution.trace)


def test_a_meaning_answer_is_scored_for_the_moderators_report(library: Library) -> None:
    hit = library.resolver.resolve(NOISY_ALERTS).hit
    assert hit is not None
    # At the bar a meaning answer is as sure as a words answer at its bar; this one is near the bar, so moderators
    # see it among the low-confidence answers and can give the moment an ask in these words.
    assert 100 * ACCEPT <= hit.score < LOW_CONFIDENCE


def test_meaning_only_chooses_among_entries_the_words_found(library: Library) -> None:
    # Nearest among all entries, "data engineer salary in Berlin" is the episode on hiring data engineers in Europe
    # (just under the bar); the words never offer that episode, so the meaning may not pick it.
    resolution = library.resolver.resolve("data engineer salary in Berlin", explain_it=True)
    assert resolution.hit is None
    assert not any("hiring-de-europe" in line for line in resolution.trace)
    trace = library.resolver.resolve(NOISY_ALERTS, explain_it=True).trace
    meaning_line = next(line for line in trace if line.startswith("meaning:"))
    assert f"answers from {MEANING_ACCEPT:.2f}" in meaning_line


def test_without_readable_vectors_the_words_still_answer(words_only: Library, caplog: pytest.LogCaptureFixture) -> None:
    library = words_only
    with caplog.at_level(logging.WARNING):
        assert library.resolver.resolve(NOISY_ALERTS).hit is None
        assert library.resolver.resolve(NOISY_ALERTS).hit is None
        mle = library.resolver.resolve("what does an ml engineer do").hit
    assert mle is not None and mle.id == "machine-learning-engineer"
    warnings = [r for r in caplog.records if "meaning is off" in r.getMessage()]
    assert len(warnings) == 1  # said once, not on every question


def test_the_first_questions_of_a_load_share_one_index(library: Library) -> None:
    fresh = Library.load()
    answers: list[str | None] = []

    def ask() -> None:
        hit = fresh.resolver.resolve(NOISY_ALERTS).hit
        answers.append(hit.id if hit else None)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = library.resolver.resolve(NOISY_ALERTS).hit
    assert expected is not None and answers == [expected.id] * 6


def test_vectors_and_vocabulary_must_agree(tmp_path: Path) -> None:
    import numpy as np

    (tmp_path / "vocab.txt").write_text("a\nb\nc\n", encoding="utf-8")
    np.save(tmp_path / "vectors.npy", np.zeros((2, 4), dtype=np.float16))
    with pytest.raises(ValueError, match="3 tokens but 2 vectors"):
        Vectors.load(tmp_path)


def test_two_roles_with_no_line_between_them_and_a_topic_may_be_answered(library: Library) -> None:
    # No boundary is drawn between the analyst and the data engineer; the question is about hiring, and the moment on
    # a new team's hiring order is nearest in meaning.
    hit = library.resolver.resolve("hiring for a brand new data team, analyst or data engineer first?").hit
    assert hit is not None and hit.kind == "moment"
    assert library.content.moments[hit.id].topic == "Hiring order for a new data team"
    # Without a topic, or with one nothing is near enough to, the member is still told that no line is drawn.
    for question in ("data analyst vs data engineer", "data analyst vs data engineer, which one for a small startup"):
        resolution = library.resolver.resolve(question)
        assert resolution.hit is None and resolution.pair == ("data-analyst", "data-engineer"), question


# The words rank a boundary first (its text says ETL, ELT and team); the moment on loading before transforming, a
# little behind on words, is the one nearest in meaning.
ETL_OR_ELT = "ETL or ELT for a small team with one warehouse and like 10 sources?"
ELT_MOMENT = "data-engineering-tools-modern-data-stack@7:57"


def test_the_words_candidates_are_reweighed_by_meaning(library: Library, words_only: Library) -> None:
    by_words = words_only.resolver.resolve(ETL_OR_ELT).hit
    assert by_words is not None and by_words.id != ELT_MOMENT
    resolution = library.resolver.resolve(ETL_OR_ELT, explain_it=True)
    assert resolution.hit is not None and resolution.hit.id == ELT_MOMENT
    assert any(line.startswith("meaning:    reweighed") for line in resolution.trace)
    # The coverage (the answer's score) is the words' own: the meaning only chose among them.
    assert 100 * ACCEPT <= resolution.hit.score < 100


@pytest.mark.parametrize("keywords", ["model registry", "expirement traking", "t-shaped"])
def test_a_keyword_or_two_is_answered_by_its_words(library: Library, words_only: Library, keywords: str) -> None:
    # Two words say too little for a meaning: the exact match of the words stands.
    by_words = words_only.resolver.resolve(keywords).hit
    hit = library.resolver.resolve(keywords).hit
    assert by_words is not None and hit == by_words


def test_a_long_question_in_everyday_words_may_be_answered_by_an_entry_covering_less(library: Library) -> None:
    # Its weight is spread over many known words, so the moment on explaining a model's single prediction covers under
    # SUGGEST of it; with no unknown word in it, the meaning may still choose that moment.
    question = (
        "Stakeholders won't trust our churn model unless I can say why it flagged a specific customer."
        " What approaches do people use?"
    )
    resolution = library.resolver.resolve(question, explain_it=True)
    assert resolution.hit is not None and resolution.hit.id.startswith("interpretable-machine-learning@")
    assert "nearest in meaning" in resolution.trace[-1]
    # An unknown word keeps the floor where it was: a pod that gets OOMKilled is not ours.
    assert library.resolver.resolve("my k8s pod keeps getting OOMKilled, how do i raise the memory limit").hit is None


# A story around a clear question: the unknown words ("pinging", "DMs") spread the weight so thin that the access
# moments cover a quarter of it, and their meaning is near the question but under MEANING_ACCEPT.
ACCESS_STORY = (
    "People keep pinging me in DMs for table access. How are teams supposed to handle access requests and take"
    " access away later?"
)


def test_the_words_first_entry_answers_when_its_meaning_agrees(library: Library, words_only: Library) -> None:
    assert words_only.resolver.resolve(ACCESS_STORY).hit is None  # the words alone are not sure enough
    resolution = library.resolver.resolve(ACCESS_STORY, explain_it=True)
    assert resolution.hit is not None
    assert resolution.hit.id.startswith("data-governance-data-access-management@")
    assert f"agrees from {MEANING_AGREE:.2f}" in " ".join(resolution.trace)
    assert "its meaning is near the question" in resolution.trace[-1]
    # Less sure than an answer the words cover: the moderators' low-confidence report lists it.
    assert 100 * SUGGEST <= resolution.hit.score < 100 * ACCEPT


@pytest.mark.parametrize(
    "question",
    [
        "airflow scheduler keeps dying with DagBag import timeout, how do i fix this",
        "can someone do my stats homework: compute the p-value for a two-sample t-test with n=30 per group",
        "what was the score of the Bayern game last night? half our data team missed it",
    ],
)
def test_an_off_topic_question_sharing_three_words_is_not_agreed_on(library: Library, question: str) -> None:
    # The words rank an entry first that shares three of its words, but its meaning is far from the question.
    resolution = library.resolver.resolve(question, explain_it=True)
    assert resolution.hit is None
    assert f"agrees from {MEANING_AGREE:.2f}" in " ".join(resolution.trace)  # it was weighed, and refused
    assert resolution.trace[-1].startswith("decision:   nothing covers enough")


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_questions_split_as_the_general_rule_splits_them(text: str) -> None:
    # ASCII takes a shortcut through two regular expressions; a trailing no-break space (whitespace, not ASCII)
    # sends the same text through the general per-character rule, which must agree.
    assert basic_words(text) == basic_words(text + "\u00a0")


def test_questions_asked_in_turn_from_many_threads_keep_their_own_answers(library: Library) -> None:
    # The meaning index keeps the last question's vector; questions interleaved across threads must each still be
    # compared with their own vector.
    questions = [NOISY_ALERTS, "how should a large company approach AI beyond just calling a model?", "volcano"]
    expected = {q: library.resolver.resolve(q).hit for q in questions}
    got: list[bool] = []

    def ask(question: str) -> None:
        for _ in range(20):
            got.append(library.resolver.resolve(question).hit == expected[question])

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got and all(got)
