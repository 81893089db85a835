"""Moderator commands ('admin ...'), platform-neutral. Adapters gate who may call them; handlers re-check."""

from __future__ import annotations

from collections.abc import Callable

from content.library import Library
from handlers.reply import Reply, Section

REFUSAL = Reply("refused", "Only moderators can use admin commands", (Section(text="Ask a moderator for help."),))

AdminCommand = Callable[[Library, str], Reply]


def _content(library: Library, _args: str) -> Reply:
    content = library.content
    return Reply("admin", "Content", (Section(text=content.summary()),))


def _help(_library: Library, _args: str) -> Reply:
    items = tuple(f"admin {name}" for name in sorted(COMMANDS))
    return Reply("admin", "Admin commands", (Section(items=items),))


# Later issues add to this table (tip, status, reload, misses); each entry is name -> handler.
COMMANDS: dict[str, AdminCommand] = {"content": _content, "help": _help}


def admin_reply(library: Library, text: str) -> Reply:
    """Run 'admin <command> [args]'; unknown commands get the admin help."""
    name, _, args = text.strip().partition(" ")
    command = COMMANDS.get(name.lower(), _help)
    return command(library, args.strip())
