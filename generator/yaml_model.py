"""One loader for every YAML file a user writes: report.yaml, map files, and the like.

MkDocs' way: read the YAML (`generator.yamlfile.read_yaml`: size, alias and depth limits
before anything is built), validate it against a typed model, and turn every validation
error into a `Problem` naming the file, the key path as the user wrote it
(``pages[3].events[1]``), what was wrong (what arrived, shortened) and how to fix it, so that
all problems are reported at once.
"""

from __future__ import annotations

import difflib

from generator.errors import Problem
from generator.yamlfile import read_yaml  # noqa: F401  (the reading half of the loader: limits, line numbers)

__all__ = ["read_yaml", "problems_of", "key_path", "quoted"]

#: A value quoted in a message is cut to this many characters (a value can be a whole file).
QUOTED_CHARS = 80


def quoted(value) -> str:
    """``repr(value)``, cut short: never format a received value into a message unbounded."""
    text = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= QUOTED_CHARS else text[: QUOTED_CHARS - 3] + "..."


def key_path(loc: tuple, branches: frozenset = frozenset()) -> str:
    """A pydantic error location as the user wrote it: ``pages[3].events[1]``. ``branches``
    are the names of a discriminated union's branches, which pydantic adds to the location
    although the user never wrote them."""
    parts: list[str] = []
    for i, item in enumerate(loc):
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif i > 0 and isinstance(loc[i - 1], int) and item in branches:
            continue
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def problems_of(file: str, errors: list[dict], known: dict[str, list[str]] | None = None,
                branches: dict[str, list[str]] | None = None) -> list[Problem]:
    """Every pydantic error as a Problem.

    Parameters
    ----------
    known : dict, optional
        Key path -> the keys allowed there, for "did you mean" hints on unknown keys.
    branches : dict, optional
        Discriminator field -> the allowed values (a page's ``kind``), for unknown-tag messages.
    """
    known = known or {}
    tags = {name for names in (branches or {}).values() for name in names}
    problems = []
    for error in errors:
        where = key_path(error["loc"], frozenset(tags))
        kind = error["type"]
        found = error.get("input")
        if kind == "extra_forbidden":
            key = str(error["loc"][-1])
            choices = known.get(key_path(error["loc"][:-1], frozenset(tags)), [])
            guess = difflib.get_close_matches(key, choices, n=1)
            fix = f"did you mean '{guess[0]}'?" if guess else "remove it or correct its spelling."
            if choices:
                fix += " Keys allowed here: " + ", ".join(choices)
            problems.append(Problem(file, where, "unknown key", fix))
        elif kind == "missing":
            problems.append(Problem(file, where, "is required but missing", "add it (see `carejourneys schema`)"))
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            field, names = next(iter((branches or {"kind": []}).items()))
            tag = error.get("ctx", {}).get("tag", found)
            message = f"unknown page {field} {quoted(tag)}" if kind == "union_tag_invalid" else f"has no '{field}'"
            problems.append(Problem(file, where, message, "use one of: " + ", ".join(names)))
        else:
            text = str(error.get("msg", "invalid")).removeprefix("Value error, ").rstrip(".")
            problems.append(Problem(file, where, f"{text}; found {quoted(found)}", "see `carejourneys schema` for the expected form"))
    return problems
