"""XML returns read safely: defusedxml, streamed, every failure an InputError naming the file.

The CIN census and the SSDA903 XML are large (a county's census is tens of megabytes) and come
from outside, so they are parsed with `defusedxml` (no entity expansion, no external entities:
a "billion laughs" file is refused, not expanded) and streamed element by element. Namespaces
are dropped from tags: suppliers' exports differ in whether they declare one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from generator.errors import InputError, Problem

XML_SUFFIXES = {".xml"}


def local(tag: str) -> str:
    """'{urn:x}Child' -> 'Child'."""
    return tag.rsplit("}", 1)[-1]


def xml_root(path: Path) -> str | None:
    """The root element's name, or None when the file is not XML (read from its first 64 KB)."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text.startswith(b"<"):
        return None
    try:
        for _, element in iterparse(_Head(head), events=("start",), forbid_dtd=True):
            return local(element.tag)
    except DefusedXmlException:
        # A DTD before the root: name the root from the text, so the format's reader claims the
        # file and refuses it with a clear message (it never expands the entities).
        match = re.search(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]", re.sub(rb"<!DOCTYPE.*?\]>|<!--.*?-->|<\?.*?\?>", b"", text, flags=re.S))
        return match.group(2).decode("ascii") if match else None
    except (ParseError, ValueError, LookupError, UnicodeError):
        return None
    return None


class _Head:
    """A file-like over the first bytes, so a truncated head still yields its root."""

    def __init__(self, data: bytes):
        self.data, self.done = data, False

    def read(self, size: int = -1) -> bytes:
        if self.done:
            return b""
        self.done = True
        return self.data


def iter_records(path: Path, display: str, record: str) -> Iterator[Element]:
    """Yield each complete ``record`` element (tag without namespace), streaming.

    The element is cleared after the caller has used it, so memory stays flat. Headers and other
    elements outside records are yielded too when their tag is ``"Header"`` (the CIN header).

    Raises
    ------
    InputError
        For a file that is not well-formed XML (truncated, binary, renamed), that declares a
        DTD or entities (refused rather than expanded), or that is empty.
    """
    if path.stat().st_size == 0:
        raise InputError(Problem(display, "", "the file is empty (0 bytes)", "export the return again"))
    names: dict[str, str] = {}  # tag -> local name, cached: a census has millions of elements
    try:
        for _, element in iterparse(str(path), events=("end",), forbid_dtd=True):
            tag = element.tag
            name = names.get(tag)
            if name is None:
                name = names[tag] = local(tag)
            if name == record or name == "Header":
                yield element
                element.clear()
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise InputError(Problem(
            display, f"line {line}, column {column}",
            f"is not well-formed XML ({_reason(error)}); the file may be truncated or not XML at all",
            "export the return again from the case-management system and check it opens in a browser",
        )) from error
    except DefusedXmlException as error:
        raise InputError(Problem(
            display, "", f"declares a DTD or entities ({type(error).__name__}), which carejourneys refuses to expand",
            "export the return again; a genuine DfE return never declares entities",
        )) from error
    except (LookupError, UnicodeError, ValueError) as error:
        raise InputError(Problem(
            display, "", f"cannot be decoded as XML ({error})",
            "export the return again; it should be UTF-8 XML as the DfE's schema says",
        )) from error


def _reason(error: ParseError) -> str:
    return str(error).split(":", 1)[0]


def text_of(element: Element | None, *names: str) -> str | None:
    """The stripped text of the first child element with one of ``names`` (any depth 1)."""
    if element is None:
        return None
    for child in element:
        if local(child.tag) in names:
            value = (child.text or "").strip()
            return value or None
    return None


def children_named(element: Element, name: str) -> list[Element]:
    """The direct children of ``element`` with tag ``name``, namespaces ignored."""
    return [child for child in element if local(child.tag) == name]
