"""The loader: the shipped content is valid, and each kind of mistake gets an exact file:line: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.loader import ContentError, Problem, load_content
from content.timecode import Timestamp

ROLE = """\
id: test-role
name: Test role
aliases: [tr]
summary: A role used by the tests.
responsibilities: [Test things]
skills: [Testing]
sources: [ml-production@44:23]
source: wiki/test-role
"""


def problems_for(content_dir: Path, rel: str, text: str) -> list[Problem]:
    path = content_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_dir)
    return caught.value.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_shipped_content_is_connected(library) -> None:
    """Properties that survive content growth: every kind present, every moment indexed, every role reachable."""
    content = library.content
    assert content.roles and content.boundaries and content.episodes
    assert len(content.moments) == sum(len(e.moments) for e in content.episodes.values())
    assert all(key.startswith(f"{m.episode.id}@") for key, m in content.moments.items())
    for boundary in content.boundaries.values():
        assert set(boundary.roles) <= set(content.roles)


def test_valid_extra_role_loads(content_dir: Path) -> None:
    (content_dir / "roles" / "test-role.yaml").write_text(ROLE, encoding="utf-8")
    assert "test-role" in load_content(content_dir).roles


def test_yaml_syntax_error_has_line(content_dir: Path) -> None:
    problem = only(
        problems_for(content_dir, "roles/test-role.yaml", ROLE.replace("skills: [Testing]", "skills: [Testing"))
    )
    assert problem.file.endswith("roles/test-role.yaml")
    assert problem.line == 7
    assert "YAML syntax error" in problem.message


def test_missing_field(content_dir: Path) -> None:
    problem = only(
        problems_for(content_dir, "roles/test-role.yaml", ROLE.replace("summary: A role used by the tests.\n", ""))
    )
    assert problem.message == "missing required field 'summary'"
    assert problem.line == 1


def test_unknown_field_suggests_the_right_one(content_dir: Path) -> None:
    problem = only(problems_for(content_dir, "roles/test-role.yaml", ROLE.replace("summary:", "sumary:")))
    assert problem.line == 4
    assert "unknown field 'sumary'" in problem.message
    assert "did you mean 'summary'" in problem.message


def test_duplicate_key(content_dir: Path) -> None:
    problem = only(problems_for(content_dir, "roles/test-role.yaml", ROLE + "name: Again\n"))
    assert problem.line == len(ROLE.splitlines()) + 1
    assert problem.message == "duplicate key 'name' (first used on line 2)"


def test_duplicate_id(content_dir: Path) -> None:
    text = ROLE.replace("id: test-role", "id: data-scientist").replace("name: Test role", "name: Other test role")
    problem = only(problems_for(content_dir, "roles/zz-copy.yaml", text.replace("[tr]", "[zz]")))
    assert problem.file.endswith("roles/zz-copy.yaml") and problem.line == 1
    assert problem.message == "duplicate id 'data-scientist' (also in roles/data-scientist.yaml)"


def test_alias_used_by_two_entries(content_dir: Path) -> None:
    problem = only(problems_for(content_dir, "roles/test-role.yaml", ROLE.replace("[tr]", "[tr, MLE]")))
    assert problem.line == 3
    assert "'MLE' is already used by role 'machine-learning-engineer'" in problem.message


def test_a_discipline_may_not_be_another_entrys_name(content_dir: Path) -> None:
    text = ROLE.replace("aliases: [tr]", "aliases: [tr]\ndisciplines: [data science]")
    problem = only(problems_for(content_dir, "roles/test-role.yaml", text))
    assert problem.line == 4
    assert "'data science' is already used by role 'data-scientist'" in problem.message


def test_boundary_names_unknown_role(content_dir: Path) -> None:
    path = content_dir / "boundaries" / "mle-vs-data-scientist.yaml"
    text = path.read_text().replace(
        "roles: [machine-learning-engineer, data-scientist]", "roles: [machine-learning-engineer, data-scientst]"
    )
    problems = problems_for(content_dir, "boundaries/mle-vs-data-scientist.yaml", text)
    line = text.splitlines().index("roles: [machine-learning-engineer, data-scientst]") + 1
    expected = "unknown role 'data-scientst' (did you mean 'data-scientist'?)"
    assert any(p.line == line and p.message == expected for p in problems), [str(p) for p in problems]


def test_source_names_unknown_episode(content_dir: Path) -> None:
    problem = only(
        problems_for(content_dir, "roles/test-role.yaml", ROLE.replace("ml-production@44:23", "ml-prod@44:23"))
    )
    assert problem.line == 7
    assert problem.message.startswith("source names unknown episode 'ml-prod'")


def test_source_names_unknown_moment(content_dir: Path) -> None:
    problem = only(problems_for(content_dir, "roles/test-role.yaml", ROLE.replace("@44:23", "@44:24")))
    assert problem.message == "source names no moment of 'ml-production' at 44:24"


@pytest.mark.parametrize(
    ("written", "expected"),
    [("61:99", "seconds must be below 60"), ("ab:cd", "is not a timestamp"), ("61:30", "write an hour as h:mm:ss")],
)
def test_malformed_timestamp(content_dir: Path, written: str, expected: str) -> None:
    path = content_dir / "episodes" / "se-for-ml.yaml"
    text = path.read_text().replace('at: "7:42"', f'at: "{written}"')
    problem = only(problems_for(content_dir, "episodes/se-for-ml.yaml", text))
    assert problem.line == text.splitlines().index(f'  - at: "{written}"') + 1
    assert expected in problem.message


def test_unquoted_timestamp_is_read_as_text_not_base_60(content_dir: Path) -> None:
    path = content_dir / "episodes" / "se-for-ml.yaml"
    path.write_text(path.read_text().replace('at: "7:42"', "at: 7:42"), encoding="utf-8")
    assert "se-for-ml@7:42" in load_content(content_dir).moments


def test_moment_past_duration(content_dir: Path) -> None:
    path = content_dir / "episodes" / "se-for-ml.yaml"
    text = path.read_text().replace("\nvideo_url:", '\nduration: "50:00"\nvideo_url:')
    problem = only(problems_for(content_dir, "episodes/se-for-ml.yaml", text))
    assert problem.message == "56:55 is past the episode's duration (50:00)"
    assert problem.line == text.splitlines().index('  - at: "56:55"') + 1


def test_non_http_url(content_dir: Path) -> None:
    path = content_dir / "episodes" / "se-for-ml.yaml"
    text = path.read_text().replace("page_url: https://", "page_url: ftp://")
    problem = only(problems_for(content_dir, "episodes/se-for-ml.yaml", text))
    assert "is not an http(s) URL" in problem.message
    lines = text.splitlines()
    assert problem.line == next(n for n, line in enumerate(lines, 1) if line.startswith("page_url"))


def test_every_problem_is_reported_at_once(content_dir: Path) -> None:
    (content_dir / "roles" / "a.yaml").write_text(ROLE.replace("summary:", "sumary:"), encoding="utf-8")
    (content_dir / "roles" / "b.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_dir)
    files = {Path(p.file).name for p in caught.value.problems}
    assert files == {"a.yaml", "b.yaml"}


@pytest.mark.parametrize(
    ("rel", "text", "expected"),
    [
        ("roles/empty.yaml", "", "the file is empty"),
        ("roles/list.yaml", "- a\n- b\n", "the file must be a mapping"),
        ("roles/two.yaml", ROLE + "---\n" + ROLE, "only one YAML document per file"),
        ("stray.yaml", ROLE, "unexpected file"),
    ],
)
def test_file_shape_problems(content_dir: Path, rel: str, text: str, expected: str) -> None:
    assert expected in only(problems_for(content_dir, rel, text)).message


def test_not_utf8(content_dir: Path) -> None:
    (content_dir / "roles" / "latin1.yaml").write_bytes(ROLE.replace("Test role", "Tést").encode("latin-1"))
    with pytest.raises(ContentError) as caught:
        load_content(content_dir)
    assert "not UTF-8" in only(caught.value.problems).message


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no such content directory"):
        load_content(tmp_path / "nope")


def test_problem_format_is_file_line_message() -> None:
    assert str(Problem("content/roles/x.yaml", 12, "boom")) == "content/roles/x.yaml:12: boom"


def test_content_version_changes_with_content(content_dir: Path) -> None:
    before = load_content(content_dir).version
    (content_dir / "roles" / "test-role.yaml").write_text(ROLE, encoding="utf-8")
    assert load_content(content_dir).version != before


@pytest.mark.parametrize(
    ("text", "seconds", "shown"),
    [("8:49", 529, "8:49"), ("44:23", 2663, "44:23"), ("1:02:03", 3723, "1:02:03"), ("0:05", 5, "0:05")],
)
def test_timestamp_round_trip(text: str, seconds: int, shown: str) -> None:
    stamp = Timestamp.parse(text)
    assert stamp.seconds == seconds
    assert str(stamp) == shown


# -- messages a moderator can act on ----------------------------------------------------------------------------


def test_a_folder_one_level_too_high_names_the_right_one(tmp_path: Path, content_dir: Path) -> None:
    """`rolecall content check content` instead of content/data: one line naming the folder to use."""
    (tmp_path / "repo").mkdir()
    content_dir.rename(tmp_path / "repo" / "data")
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path / "repo")
    problem = only(caught.value.problems)
    assert f"use {tmp_path / 'repo' / 'data'}" in problem.message


def test_a_role_name_where_an_id_belongs_is_explained_in_words(content_dir: Path) -> None:
    text = (
        "id: test-boundary\nroles: [ML engineer, software-engineer]\ncrux: Something\nsummary: Text.\n"
        "owns: {software-engineer: [Code]}\nhandoff: Text.\nsource: wiki/test\n"
    )
    problem = only(problems_for(content_dir, "boundaries/test-boundary.yaml", text))
    assert "use the role's id, such as data-engineer, not its name" in problem.message
    assert "'ml-engineer'" in problem.message and "^[" not in problem.message  # a guess, never the raw pattern


def test_a_tab_in_the_indentation_says_tab(content_dir: Path) -> None:
    text = ROLE.replace("skills: [Testing]", "skills:\n\t- Testing")
    problem = only(problems_for(content_dir, "roles/test-role.yaml", text))
    assert problem.line == 7 and "tab" in problem.message


def test_a_broken_file_is_reported_once_at_the_root(content_dir: Path) -> None:
    """A YAML error in a role file must not also make every boundary naming that role 'unknown'."""
    path = content_dir / "roles" / "data-engineer.yaml"
    broken = path.read_text().replace("name: Data engineer", "name: [Data engineer")
    problem = only(problems_for(content_dir, "roles/data-engineer.yaml", broken))
    assert problem.file.endswith("roles/data-engineer.yaml") and "YAML syntax error" in problem.message


def test_a_list_item_indented_one_space_too_far_is_flagged(content_dir: Path) -> None:
    text = ROLE.replace("responsibilities: [Test things]", "responsibilities:\n  - Test things\n   - Document them")
    problem = only(problems_for(content_dir, "roles/test-role.yaml", text))
    assert problem.line == 7 and "joined to the item above" in problem.message
