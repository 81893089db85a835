"""The console adapter: the same grammar as Slack and Discord, typed in a terminal.

Like errbot's text backend, it is both the local mode (`make run` with no tokens) and the easiest way to try
content: one line in, the plain-text reply out.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from handlers import Handlers
from handlers.reply import Action, Reply

PROMPT = "rolecall> "
_QUIT = {"quit", "exit", ":q", "bye"}
MAX_STEPS = 9  # next steps offered by number after an answer (one keystroke each)


class Console:
    """A console conversation with the handlers."""

    def __init__(self, handlers: Handlers) -> None:
        self.handlers = handlers
        self.steps: list[Action] = []  # the last answer's next steps, by number: the console's buttons

    def ask(self, line: str) -> Reply:
        """Answer one line: a number picks one of the last answer's next steps, anything else is a question."""
        choice = line.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(self.steps):
            reply = self.handlers.click(self.steps[int(choice) - 1].target)
        else:
            reply = self.handlers.handle(line)
        self.steps = list(next_steps(reply))
        return reply

    def show(self, reply: Reply) -> str:
        """The reply as plain text, with its next steps numbered as the Slack and Discord buttons show them."""
        text = reply.plain_text()
        if self.steps:
            text += "\n\nNext (type a number)\n" + "\n".join(f"  {n}. {a.label}" for n, a in enumerate(self.steps, 1))
        return text

    def loop(self, stdin: TextIO, stdout: TextIO, interactive: bool = True) -> int:
        """Read lines until EOF or 'quit'; print each answer. Returns the exit status."""
        self._greet(stdout, interactive)
        while True:
            self._prompt(stdout, interactive)
            if not self._answer(stdin.readline(), stdout, interactive):
                return 0

    async def aloop(self, stdin: TextIO, stdout: TextIO, interactive: bool = True) -> int:
        """The same conversation inside the event loop, so the weekly tip scheduler runs alongside it."""
        self._greet(stdout, interactive)
        while True:
            self._prompt(stdout, interactive)
            if not self._answer(await asyncio.to_thread(stdin.readline), stdout, interactive):
                return 0

    @staticmethod
    def _greet(stdout: TextIO, interactive: bool) -> None:
        if interactive:
            stdout.write("RoleCall console. Ask about a role (mle), a pair (mle vs ds) or a topic. 'quit' to leave.\n")

    @staticmethod
    def _prompt(stdout: TextIO, interactive: bool) -> None:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()

    def _answer(self, line: str, stdout: TextIO, interactive: bool) -> bool:
        """Print the answer to one line; False at EOF or 'quit'."""
        if not line or line.strip().lower() in _QUIT:
            if interactive and not line:
                stdout.write("\n")
            return False
        stdout.write(self.show(self.ask(line)) + "\n\n")
        stdout.flush()
        return True


def next_steps(reply: Reply) -> tuple[Action, ...]:
    """What the console offers by number after ``reply``: its buttons, then its menu's options, at most MAX_STEPS."""
    options = reply.menu.options if reply.menu else ()
    return (*reply.actions, *options)[:MAX_STEPS]
