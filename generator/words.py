"""Counted nouns for every message the tool writes: in pages, the terminal and errors.

"1 row", "2 rows", never "row(s)": `counted` is the one place a count meets its noun.
"""

from __future__ import annotations


def counted(value, noun: str, plural: str | None = None, number=lambda v: f"{v:,}") -> str:
    """A count and its noun in agreement: ``1 finding``, ``2 findings``, ``1,204 children``
    (``plural`` for a noun that does not just add -s; ``number`` formats the count). A
    disclosure symbol such as "c" keeps the plural: it stands for several.

    >>> counted(1, "row"), counted(1204, "child", "children"), counted("c", "child", "children")
    ('1 row', '1,204 children', 'c children')
    """
    many = plural or f"{noun}s"
    if isinstance(value, str):
        return f"{value} {many}"
    return f"{number(value)} {noun if value == 1 else many}"
