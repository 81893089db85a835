"""A Library is one loaded content snapshot together with its search index: what handlers read from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from content.loader import Content, load_content
from content.search import Resolver


@dataclass(frozen=True)
class Library:
    """Content and the resolver built from it; swapped as a whole so readers never see half of a reload."""

    content: Content
    resolver: Resolver

    @classmethod
    def load(cls, root: Path | str | None = None) -> Library:
        """Load, validate and index a content directory (default: the shipped content)."""
        content = load_content(root)
        return cls(content, Resolver(content))
