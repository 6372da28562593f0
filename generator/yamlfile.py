"""Every YAML file the user gives (report.yaml, map files) is read here, and only here.

YAML can describe far more than a settings file needs: an alias refers to an earlier node, so
ten lines of aliases expand to a billion values ("billion laughs"), a node may refer to itself,
and nesting can run deep enough to exhaust Python's stack. The parser itself never expands
aliases; whatever reads the result (validation, error messages) does. So the document's node
graph is measured before any value is built: more alias references than `MAX_ALIASES`, a
node graph that would expand past `MAX_EXPANDED_NODES`, a node that contains itself, or
nesting deeper than `MAX_DEPTH` is refused with an InputError naming the file and line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.errors import InputError, Problem

#: A settings file repeats a block a handful of times at most (a station style, a colour).
MAX_ALIASES = 100
#: Values the whole document may hold once every alias is expanded (the demo's largest map
#: holds about 600).
MAX_EXPANDED_NODES = 50_000
#: Lists and mappings inside each other (the report and map files use at most 5).
MAX_DEPTH = 50

_SYNTAX_FIX = "fix the YAML syntax (indentation, colons, quotes)"


class _TooLarge(Exception):
    def __init__(self, message: str, mark, fix: str):
        super().__init__(message)
        self.message, self.mark, self.fix = message, mark, fix


class _MeasuredLoader(yaml.SafeLoader):
    """The safe loader, counting aliases and nesting depth as it composes nodes."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _TooLarge(f"uses more than {MAX_ALIASES} aliases (*name)", self.peek_event().start_mark,
                                "write the values out instead of repeating anchors")
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooLarge(f"nests lists and mappings more than {MAX_DEPTH} deep", self.peek_event().start_mark,
                                "a report or map needs only a few levels; check the indentation")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _expanded_size(root: yaml.Node) -> tuple[int, yaml.Node | None]:
    """How many nodes the document holds with every alias expanded; and a node that contains
    itself, if any. Shared nodes are measured once (memoised), so this is linear in the file."""
    sizes: dict[int, int] = {}
    # Iterative depth-first walk: a self-containing node is seen while still on the path.
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), MAX_EXPANDED_NODES + 1)
            continue
        if key in sizes:
            continue
        if key in on_path:
            return MAX_EXPANDED_NODES + 1, node
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                return MAX_EXPANDED_NODES + 1, child
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)], None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _where(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def read_yaml(path: Path, what: str, unreadable_fix: str = "check the path and that the file can be read") -> object:
    """The plain data (dicts, lists, scalars) of the YAML file ``path``.

    Parameters
    ----------
    path : Path
        The file; read as UTF-8 (a byte-order mark is allowed).
    what : str
        What the file is, for messages ("report file", "map file").
    unreadable_fix : str
        The fix to print when the file cannot be read (e.g. which setting names it).

    Raises
    ------
    InputError
        If the file cannot be read, is not YAML (with line and column), or is larger than a
        settings file can be once its aliases are expanded, or nested deeper than `MAX_DEPTH`.
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(Problem(file, "", f"the {what} is not UTF-8 text", "save it as UTF-8 text")) from None
    except OSError as error:
        raise InputError(Problem(file, "", f"cannot read the {what} ({error.strerror})",
                                 unreadable_fix)) from None
    loader = None
    try:
        loader = _MeasuredLoader(text)  # its reader checks the characters at once
        node = loader.get_single_node()
        if node is None:
            return None
        size, looped = _expanded_size(node)
        if looped is not None:
            raise _TooLarge("has an alias that refers to a value containing itself", looped.start_mark,
                            "remove the alias (*name) inside its own anchor (&name)")
        if size > MAX_EXPANDED_NODES:
            raise _TooLarge(f"expands its aliases to more than {MAX_EXPANDED_NODES:,} values",
                            node.start_mark, "write the values out instead of nesting anchors")
        return loader.construct_document(node)
    except _TooLarge as error:
        raise InputError(Problem(file, _where(error.mark), f"the {what} {error.message}", error.fix)) from None
    except yaml.MarkedYAMLError as error:
        problem = str(error.problem or error.context or "unreadable")[:120]
        raise InputError(Problem(file, _where(error.problem_mark), f"is not valid YAML: {problem}", _SYNTAX_FIX)) from None
    except yaml.reader.ReaderError as error:
        raise InputError(Problem(file, f"character {error.position + 1}", f"is not valid YAML: {error.reason} "
                                 f"(character U+{error.character:04X})" if isinstance(error.character, int) else
                                 f"is not valid YAML: {error.reason}", "remove the control character")) from None
    except yaml.YAMLError as error:
        raise InputError(Problem(file, "", f"is not valid YAML: {str(error)[:120]}", _SYNTAX_FIX)) from None
    except (ValueError, TypeError, OverflowError) as error:
        # A scalar YAML types but cannot build, e.g. the timestamp 2021-02-30.
        raise InputError(Problem(file, "", f"holds a value YAML cannot read: {str(error)[:120]}",
                                 "quote it, or correct it (dates as yyyy-mm-dd)")) from None
    finally:
        if loader is not None:
            loader.dispose()
