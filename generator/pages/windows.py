"""How the front-door pages quote a rate in words."""

from __future__ import annotations


def share(count: int, n: int) -> str:
    """"23.4% (1,234 of 5,273)", or "no cases" when ``n`` is 0: how a page quotes a rate."""
    if n == 0:
        return "no cases"
    return f"{100 * count / n:.1f}% ({count:,} of {n:,})"
