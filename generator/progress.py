"""Progress for steps that take a while, on stderr, silent with -q; and terminal-safe text.

Everything printed can carry the user's data or config (a page title, a file name, a value
from a data file). `terminal_text` removes control characters (an escape sequence in a data
value must not move the cursor, recolour or retitle the terminal) and `Progress` escapes Rich
markup in them (a title `Overview [/]` is text, not a closing tag), so only our own styling
is ever interpreted.
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape

#: C0 controls except newline, DEL and the C1 controls (ESC-less CSI is U+009B).
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def terminal_text(value: object) -> str:
    """``str(value)`` with control characters dropped (tabs become spaces); newlines kept."""
    return _CONTROLS.sub(lambda m: " " if m.group(0) == "\t" else "", str(value))


def shown(value: object) -> str:
    """Data or config text made safe to print through Rich: no controls, markup escaped."""
    return escape(terminal_text(value))


class Progress:
    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.console = Console(stderr=True, highlight=False)

    @contextmanager
    def step(self, label: str):
        """Show a spinner while the step runs; a line with its time if it took over a second.

        ``label`` is plain text (it may hold a page title): it is never read as markup."""
        if self.quiet:
            yield
            return
        label = shown(label)
        started = time.perf_counter()
        with self.console.status(label + "..."):
            yield
        elapsed = time.perf_counter() - started
        if elapsed >= 1.0:
            self.console.print(f"[green]done[/green] {label} ({elapsed:.1f} s)")

    def say(self, message: str) -> None:
        """Print plain text (never read as markup)."""
        if not self.quiet:
            self.console.print(shown(message))

    def warn(self, message: str) -> None:
        """Print plain text after a yellow 'warning'."""
        if not self.quiet:
            self.console.print(f"[yellow]warning[/yellow] {shown(message)}")
