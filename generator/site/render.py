"""Jinja2 rendering with autoescape on, and JSON that is safe inside HTML and JS.

Anything the user wrote (titles, labels, station names) reaches the page either through an
autoescaped template variable or through `safe_json`, which escapes the characters that could
end a <script> element or a JS string: <, >, &, U+2028, U+2029.
"""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator.charts.theme import readable_on
from generator import words
from generator.site.markdown import render_markdown

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def safe_json(value) -> str:
    """Deterministic JSON (sorted keys, no spaces) with HTML-significant characters escaped."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _JSON_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


def _number(value, digits: int = 0) -> str:
    if value is None:
        return "not available"
    if isinstance(value, str):
        return value  # already a disclosure symbol such as "c"
    return f"{value:,.{digits}f}"


def counted(value, noun: str, plural: str | None = None) -> str:
    """`generator.words.counted` with the site's number format (a filter in templates)."""
    return words.counted(value, noun, plural, number=_number)


def css_string(value: str) -> Markup:
    """Text for a CSS string in double quotes: quotes, backslashes and angle brackets escaped
    as CSS hex escapes, so a user's title can neither end the string nor the <style>."""
    out = []
    for char in str(value):
        if char in '"\\<>&' or ord(char) < 32:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return Markup("".join(out))


def environment(templates: Path) -> Environment:
    """The Jinja2 environment for ``templates``: autoescape, strict undefined, our filters."""
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["json_script"] = lambda value: Markup(safe_json(value))
    env.filters["number"] = _number
    env.filters["counted"] = counted
    env.filters["css_string"] = css_string
    env.filters["on_dark"] = readable_on  # a map line's colour as the dark scheme draws it
    env.filters["markdown"] = render_markdown  # raw HTML shown as text, javascript: links dropped
    return env
