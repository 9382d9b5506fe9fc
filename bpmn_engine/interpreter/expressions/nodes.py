"""Syntax tree of the expression language.

Nodes are frozen so a compiled expression can be cached and shared between threads.
Left-associative chains (`a + b - c`, `a and b and c`, `a.b[0].c()`) are kept flat in one
node instead of a left-deep tree, so the evaluator's recursion depth is bounded by real
nesting only, never by the length of a chain.
"""

from __future__ import annotations

from dataclasses import dataclass

Scalar = bool | int | float | str | None


@dataclass(frozen=True, slots=True)
class Node:
    """Base of all nodes; `pos` is the 0-based offset of the node in the lexed text."""

    pos: int


@dataclass(frozen=True, slots=True)
class Literal(Node):
    """A constant: number, string, boolean or null (and the literal text of templates)."""

    value: Scalar


@dataclass(frozen=True, slots=True)
class Name(Node):
    """A variable reference."""

    name: str


@dataclass(frozen=True, slots=True)
class ListDisplay(Node):
    """`[a, b, c]`."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class DictDisplay(Node):
    """`{"key": value, ...}`."""

    entries: tuple[tuple[Node, Node], ...]


@dataclass(frozen=True, slots=True)
class Unary(Node):
    """`-x`, `not x` / `!x`, `empty x`; `op` is one of "-", "not", "empty"."""

    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Operation:
    """One `<op> <operand>` link of a Binary chain; `pos` is the operator's offset."""

    pos: int
    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    """`first op1 x op2 y ...` evaluated left to right; all ops share one precedence."""

    first: Node
    rest: tuple[Operation, ...]


@dataclass(frozen=True, slots=True)
class Logical(Node):
    """`a and b and c` or `a or b or c`, short-circuiting; `op` is "and" or "or"."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Conditional(Node):
    """`condition ? then : otherwise` and `then if condition else otherwise`."""

    condition: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    """A call of a whitelisted function: `len(x)`."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Attribute:
    """`.name`: read a dict key."""

    pos: int
    name: str


@dataclass(frozen=True, slots=True)
class Index:
    """`[expr]`: list/str position or dict key."""

    pos: int
    index: Node


@dataclass(frozen=True, slots=True)
class Method:
    """`.name(args)`: call a whitelisted method of a str, list or dict."""

    pos: int
    name: str
    args: tuple[Node, ...]


Step = Attribute | Index | Method


@dataclass(frozen=True, slots=True)
class Access(Node):
    """`target` followed by a chain of `.key`, `[index]` and `.method()` steps."""

    target: Node
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Template(Node):
    """Mixed template text: the parts are stringified and concatenated."""

    parts: tuple[Node, ...]


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of `node`, for size/depth checks and variable listing."""
    if isinstance(node, ListDisplay):
        return node.items
    if isinstance(node, DictDisplay):
        return tuple(part for entry in node.entries for part in entry)
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.first, *(link.operand for link in node.rest))
    if isinstance(node, Logical):
        return node.operands
    if isinstance(node, Conditional):
        return (node.condition, node.then, node.otherwise)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Access):
        found: list[Node] = [node.target]
        for step in node.steps:
            if isinstance(step, Index):
                found.append(step.index)
            elif isinstance(step, Method):
                found.extend(step.args)
        return tuple(found)
    if isinstance(node, Template):
        return node.parts
    return ()
