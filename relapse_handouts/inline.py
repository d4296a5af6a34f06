"""A text's inline Markdown as a tree of protected codes, for exchange with CAT tools.

Bold, italics and links become paired codes (``Span``) and inline code a standalone one
(``Code``), numbered in the order they open. A translator's tool may move a code or the
words inside it but not change what it does: the kind and link target of each code
number always come from the English. Plain text coming back is escaped, so Markdown
typed by a translator prints as typed instead of becoming markup.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Union

from .markup import _inline_tokens

__all__ = [
    "Span",
    "Code",
    "Node",
    "COPYABLE",
    "parse_markdown",
    "to_markdown",
    "same_shape",
    "codes",
    "renumbered",
    "plain",
]


@dataclass(frozen=True)
class Span:
    id: str
    kind: str  # "bold" | "italic" | "link"
    href: str | None
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Code:
    id: str
    text: str


Node = Union[str, Span, Code]  # noqa: UP007 (a runtime alias used in dataclass fields)

# Codes a translation may use more than once (French bolds both gendered forms of a
# word the English bolds once); links and inline code must appear exactly once.
COPYABLE = ("bold", "italic")
_OPENERS = {"strong_open": "bold", "em_open": "italic", "link_open": "link"}
_CLOSERS = ("strong_close", "em_close", "link_close")


def parse_markdown(text: str) -> tuple[Node, ...]:
    """The tree of ``text``; codes numbered 1, 2, ... in the order they open."""
    stack: list[tuple[Span | None, list[Node]]] = [(None, [])]
    count = 0
    for token in _inline_tokens(text):
        if token.type in _OPENERS:
            count += 1
            href = token.attrGet("href") if token.type == "link_open" else None
            stack.append((Span(str(count), _OPENERS[token.type], str(href or "") or None, ()), []))
        elif token.type in _CLOSERS:
            span, children = stack.pop()
            assert span is not None
            _append(stack[-1][1], replace(span, children=tuple(children)))
        elif token.type == "code_inline":
            count += 1
            _append(stack[-1][1], Code(str(count), token.content))
        else:  # text, softbreak
            _append(stack[-1][1], token.content if token.type == "text" else "\n")
    return tuple(stack[0][1])


def _append(nodes: list[Node], node: Node) -> None:
    """Adjacent texts merged, so equal texts give equal trees."""
    if isinstance(node, str) and nodes and isinstance(nodes[-1], str):
        nodes[-1] += node
    elif node != "":
        nodes.append(node)


_SPECIAL = "\\*_[]`"
_DELIMITERS = {"bold": "**", "italic": "*"}


def to_markdown(nodes: tuple[Node, ...]) -> str:
    """Markdown for ``nodes``; plain text escaped so it never turns into markup."""
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append("".join("\\" + char if char in _SPECIAL else char for char in node))
        elif isinstance(node, Code):
            fence = "``" if "`" in node.text else "`"
            out.append(f"{fence}{node.text}{fence}")
        elif node.kind == "link":
            out.append(f"[{to_markdown(node.children)}]({node.href})")
        else:
            mark = _DELIMITERS[node.kind]
            out.append(f"{mark}{to_markdown(node.children)}{mark}")
    return "".join(out)


def _unnumbered(nodes: tuple[Node, ...]) -> tuple[object, ...]:
    return tuple(
        node
        if isinstance(node, str)
        else (node.kind, node.href, _unnumbered(node.children))
        if isinstance(node, Span)
        else ("code", node.text)
        for node in nodes
    )


def same_shape(first: tuple[Node, ...], second: tuple[Node, ...]) -> bool:
    """The same words and codes in the same order, whatever the codes' numbers."""
    return _unnumbered(first) == _unnumbered(second)


def codes(nodes: tuple[Node, ...]) -> list[Span | Code]:
    """Every code in ``nodes``, depth first, in document order."""
    found: list[Span | Code] = []
    for node in nodes:
        if isinstance(node, Span):
            found.append(node)
            found.extend(codes(node.children))
        elif isinstance(node, Code):
            found.append(node)
    return found


def plain(nodes: tuple[Node, ...]) -> str:
    """The words of ``nodes`` (what a tool that drops codes keeps)."""
    return "".join(
        node if isinstance(node, str) else plain(node.children) if isinstance(node, Span) else ""
        for node in nodes
    )


def renumbered(nodes: tuple[Node, ...], source: tuple[Node, ...]) -> tuple[Node, ...]:
    """``nodes`` (a translation) with each code given the number of the English code it
    matches (same kind and link target, in order); an extra bold or italics repeats the
    number of the English one, other unmatched codes get new numbers."""
    free = codes(source)
    extra = len(free)

    def number(code: Span | Code) -> str:
        nonlocal extra
        for candidate in free:
            if type(candidate) is type(code) and _key(candidate) == _key(code):
                free.remove(candidate)
                return candidate.id
        for candidate in codes(source):  # bold or italics used twice: a copy of the code
            if isinstance(code, Span) and code.kind in COPYABLE and _key(candidate) == _key(code):
                return candidate.id
        extra += 1
        return str(extra)

    def walk(items: tuple[Node, ...]) -> tuple[Node, ...]:
        result: list[Node] = []
        for node in items:
            if isinstance(node, Span):
                code_id = number(node)
                result.append(replace(node, id=code_id, children=walk(node.children)))
            elif isinstance(node, Code):
                result.append(replace(node, id=number(node)))
            else:
                result.append(node)
        return tuple(result)

    return walk(nodes)


def _key(code: Span | Code) -> tuple[str, str | None]:
    return (code.kind, code.href) if isinstance(code, Span) else ("code", code.text)
