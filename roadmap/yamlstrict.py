"""A strict YAML reader that keeps every node's position.

``yaml.safe_load`` semantics with the traps closed (see ../shared/GUIDE.md §4):
aliases and anchors are refused (an alias bomb cannot expand), duplicate keys are
refused (PyYAML would silently keep the last), non-standard tags are refused, the
input is capped in size and nesting, and bytes must be UTF-8. The result is a tree
of :class:`Node` objects carrying 1-based line and column numbers, so a validator
can point at ``file:line:col`` for every problem it finds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from roadmap.skillsfile import MAX_BYTES

MAX_DEPTH = 64
_STD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()


@dataclass
class Problem:
    line: int
    col: int
    message: str


@dataclass
class Node:
    """A YAML node: ``kind`` is "map", "seq" or "scalar"."""

    kind: str
    line: int
    col: int
    tag: str = ""
    raw: str = ""
    quoted: bool = False
    value: Any = None
    items: list[Node] = field(default_factory=list)  # seq items
    pairs: list[tuple[Node, Node]] = field(default_factory=list)  # map pairs

    def get(self, key: str) -> Node | None:
        for k, v in self.pairs:
            if k.kind == "scalar" and k.value == key:
                return v
        return None


class StrictYAMLError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "invalid YAML")
        self.problems = problems


def decode(data: bytes) -> str:
    """Decode UTF-8 (a BOM is allowed); report the position of the first bad byte."""
    if len(data) > MAX_BYTES:
        raise StrictYAMLError(
            [Problem(1, 1, f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,} (1 MiB)")]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise StrictYAMLError(
            [Problem(line, col, f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded")]
        ) from None


def _pos(event: Any) -> tuple[int, int]:
    """1-based line and column where a parser event starts."""
    mark = event.start_mark
    if mark is None:
        return 1, 1
    return int(mark.line) + 1, int(mark.column) + 1


def _scalar(event: Any) -> Node:
    mark = event.start_mark
    implicit = event.implicit
    tag = event.tag
    if tag is None or tag == "!":
        tag = _resolver.resolve(yaml.ScalarNode, event.value, implicit)  # type: ignore[no-untyped-call]
    node = Node(
        "scalar",
        mark.line + 1,
        mark.column + 1,
        tag=tag,
        raw=event.value,
        quoted=bool(event.style),
    )
    if tag not in _STD_TAGS:
        raise StrictYAMLError([Problem(node.line, node.col, f"unsupported YAML tag {tag!r}")])
    try:
        node.value = _constructor.construct_object(yaml.ScalarNode(tag, event.value))
    except (yaml.YAMLError, ValueError) as exc:
        raise StrictYAMLError(
            [Problem(node.line, node.col, f"cannot read {event.value!r} as {tag}: {exc}")]
        ) from None
    return node


def _check_anchor(event: Any) -> None:
    if getattr(event, "anchor", None):
        mark = event.start_mark
        raise StrictYAMLError(
            [
                Problem(
                    mark.line + 1,
                    mark.column + 1,
                    f"anchors (&{event.anchor}) and aliases are not allowed; repeat the value",
                )
            ]
        )


def _add(stack: list[Node], pending_key: list[Node | None], node: Node) -> Node | None:
    """Attach ``node`` to the container on top of the stack; return the root if no stack."""
    if not stack:
        return node
    top = stack[-1]
    if top.kind == "seq":
        top.items.append(node)
        return None
    key = pending_key[-1]
    if key is None:
        if node.kind != "scalar":
            raise StrictYAMLError([Problem(node.line, node.col, "mapping keys must be scalars")])
        for k, _ in top.pairs:
            if k.value == node.value:
                raise StrictYAMLError(
                    [
                        Problem(
                            node.line,
                            node.col,
                            f"duplicate key {node.raw!r} (first at line {k.line}, column {k.col})",
                        )
                    ]
                )
        pending_key[-1] = node
    else:
        top.pairs.append((key, node))
        pending_key[-1] = None
    return None


def parse(text: str) -> Node | None:
    """Parse one YAML document into a Node tree (None for an empty document)."""
    stack: list[Node] = []
    pending: list[Node | None] = []
    root: Node | None = None
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    line, col = _pos(event)
                    raise StrictYAMLError([Problem(line, col, "only one YAML document")])
            elif isinstance(event, yaml.AliasEvent):
                line, col = _pos(event)
                raise StrictYAMLError(
                    [
                        Problem(
                            line,
                            col,
                            f"aliases (*{event.anchor}) and anchors are not allowed; "
                            "repeat the value",
                        )
                    ]
                )
            elif isinstance(event, yaml.ScalarEvent):
                _check_anchor(event)
                done = _add(stack, pending, _scalar(event))
                root = done or root
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                _check_anchor(event)
                line, col = _pos(event)
                kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                if event.tag and event.tag not in _STD_TAGS:
                    raise StrictYAMLError([Problem(line, col, f"unsupported tag {event.tag!r}")])
                node = Node(kind, line, col)
                done = _add(stack, pending, node)
                root = done or root
                stack.append(node)
                pending.append(None)
                if len(stack) > MAX_DEPTH:
                    raise StrictYAMLError(
                        [Problem(node.line, node.col, f"nesting deeper than {MAX_DEPTH} levels")]
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                pending.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise StrictYAMLError([Problem(line, col, f"invalid YAML: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise StrictYAMLError([Problem(1, 1, f"invalid YAML: {exc}")]) from None
    return root


def load(data: bytes) -> Node | None:
    """Decode and parse ``data`` strictly."""
    return parse(decode(data))
