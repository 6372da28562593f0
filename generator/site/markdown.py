"""Markdown to HTML that cannot carry a script.

markdown-it-py with raw HTML off escapes any tag in the source, and its link check refuses
`javascript:`, `vbscript:`, `file:` and `data:` (but for images) URLs. Tables are on, for
methods pages.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True}).enable(["table", "replacements", "smartquotes"])


def render_markdown(text: str) -> Markup:
    """HTML for a Markdown text; raw HTML in the text comes out as visible text."""
    return Markup(_MD.render(text))
