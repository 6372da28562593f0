"""The exceptions that cross stage boundaries, and who raises them.

Only two kinds reach the user: `InputError` (the user's input is wrong: exit code 2, a message
naming the file, the place and the fix) and anything else (a bug: exit code 1). Every stage
collects all the problems it can find before raising, so the user fixes them in one go.
`cli.py` is the only place that turns these into printed messages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input.

    `file` is the path as the user gave it; `where` the row, column, sheet or key path;
    `message` what was expected and what was found; `fix` what to do about it.
    """

    file: str
    where: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        place = f"{self.file}: {self.where}" if self.where else self.file
        text = f"{place}: {self.message}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


class InputError(Exception):
    """The user's input (report.yaml, a map, a data file, an option) cannot be used.

    Raised by config, ingest and site with every problem found; the CLI prints them and exits 2.
    """

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


#: Characters of a received value a message shows: a value is quoted to say what was found,
#: never to echo a whole file back (an alias bomb's expansion, a 10 MB cell).
SHOWN_CHARACTERS = 60


def brief(value: object, limit: int = SHOWN_CHARACTERS, quote: bool = True) -> str:
    """``repr(value)`` (or ``str`` with ``quote=False``) cut to ``limit`` characters with '...'."""
    if isinstance(value, (dict, list, tuple, set)) and len(value) > limit // 4:
        return f"a {type(value).__name__} of {len(value):,} items"
    try:
        text = repr(value) if quote else str(value)
    except Exception:  # a value whose repr fails is still named by its type
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
