"""Platform-neutral command handlers: text in, a neutral Reply out. Never imports slack_bolt or discord."""

from handlers.commands import Handlers
from handlers.reply import Citation, Reply, Section, Suggestion

__all__ = ["Citation", "Handlers", "Reply", "Section", "Suggestion"]
