"""The console adapter: the same grammar as Slack and Discord, typed in a terminal.

Like errbot's text backend, it is both the local mode (`make run` with no tokens) and the easiest way to try
content: one line in, the plain-text reply out.
"""

from __future__ import annotations

from typing import TextIO

from handlers import Handlers
from handlers.reply import Reply

PROMPT = "rolecall> "
_QUIT = {"quit", "exit", ":q", "bye"}


class Console:
    """A console conversation with the handlers."""

    def __init__(self, handlers: Handlers) -> None:
        self.handlers = handlers

    def ask(self, line: str) -> Reply:
        """Answer one line."""
        return self.handlers.handle(line)

    def loop(self, stdin: TextIO, stdout: TextIO, interactive: bool = True) -> int:
        """Read lines until EOF or 'quit'; print each answer. Returns the exit status."""
        if interactive:
            stdout.write("RoleCall console. Ask about a role (mle), a pair (mle vs ds) or a topic. 'quit' to leave.\n")
        while True:
            if interactive:
                stdout.write(PROMPT)
                stdout.flush()
            line = stdin.readline()
            if not line or line.strip().lower() in _QUIT:
                if interactive:
                    stdout.write("\n" if not line else "")
                return 0
            stdout.write(self.ask(line).plain_text() + "\n\n")
            stdout.flush()
