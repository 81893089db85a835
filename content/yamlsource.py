"""Read one YAML document with the line of every field, so errors can say ``file:line``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple[str | int, ...]


class _ContentLoader(_BaseLoader):
    """SafeLoader without YAML 1.1's base-60 numbers: ``at: 8:49`` must stay the text "8:49", not 529."""


_INT = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ContentLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_ContentLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


@dataclass
class Document:
    """A parsed YAML document: its data, the line of each path in it, and problems found while reading."""

    data: Any = None
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)

    def line_of(self, path: Path_) -> int:
        """The line of ``path``, or of its nearest ancestor that has one (a missing field points at its parent)."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def read_document(text: str) -> Document:
    """Parse ``text`` as exactly one YAML document; syntax errors and duplicate keys become problems."""
    doc = Document()
    loader = _ContentLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            doc.problems.append((1, "the file is empty"))
            return doc
        _record_lines(node, (), doc, text.splitlines())
        doc.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = exc.problem or exc.context or "invalid YAML"
        if "but found another document" in str(exc):
            what = "only one YAML document per file (remove the '---' separator)"
        tab = _first_tab_indent(text, line)
        if tab is not None:  # PyYAML says "found character '\t' that cannot start any token", or worse
            line, what = tab, "a tab in the indentation: YAML indents with spaces only"
        doc.problems.append((line, f"YAML syntax error: {what}"))
    except yaml.YAMLError as exc:  # e.g. a reader error on a stray control character
        doc.problems.append((1, f"YAML error: {exc}"))
    finally:
        loader.dispose()
    return doc


def _first_tab_indent(text: str, up_to: int) -> int | None:
    """The first line, up to line ``up_to``, indented with a tab: the likely cause of a syntax error there."""
    for number, line in enumerate(text.splitlines()[:up_to], start=1):
        if "\t" in line[: len(line) - len(line.lstrip())]:
            return number
    return None


def _merged_item(node: yaml.ScalarNode, lines: list[str]) -> int | None:
    """A plain list item that runs onto a line starting with '- ' was meant as two items: the second '-' was
    indented one space too far, and YAML silently joined them ("Build and test - Document metrics")."""
    if node.style not in (None, "") or node.start_mark.line == node.end_mark.line:  # C and Python loaders differ
        return None
    for number in range(node.start_mark.line + 1, min(node.end_mark.line + 1, len(lines))):
        if lines[number].lstrip().startswith("- "):
            return number + 1
    return None


def _record_lines(node: yaml.Node, path: Path_, doc: Document, lines: list[str]) -> None:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                doc.problems.append((line, f"duplicate key '{key}' (first used on line {seen[key]})"))
                continue
            seen[key] = line
            doc.lines[(*path, key)] = line
            _record_lines(value_node, (*path, key), doc, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            doc.lines[(*path, index)] = item.start_mark.line + 1
            merged = _merged_item(item, lines) if isinstance(item, yaml.ScalarNode) else None
            if merged is not None:
                doc.problems.append(
                    (merged, "this '- ' line was joined to the item above: align its '-' with the other items")
                )
            _record_lines(item, (*path, index), doc, lines)
