"""Progress for steps that take a while, on stderr, silent with -q."""

from __future__ import annotations

import time
from contextlib import contextmanager

from rich.console import Console


class Progress:
    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.console = Console(stderr=True, highlight=False)

    @contextmanager
    def step(self, label: str):
        """Show a spinner while the step runs; a line with its time if it took over a second."""
        if self.quiet:
            yield
            return
        started = time.perf_counter()
        with self.console.status(label + "..."):
            yield
        elapsed = time.perf_counter() - started
        if elapsed >= 1.0:
            self.console.print(f"[green]done[/green] {label} ({elapsed:.1f} s)")

    def say(self, message: str) -> None:
        if not self.quiet:
            self.console.print(message)
