"""Syntax nodes only FEEL has; everything else reuses the shared ``nodes``.

They are frozen like the shared nodes, so a compiled FEEL expression is cached and shared
the same way. ``feel_children`` extends the shared ``children`` so the size and depth
limits (``check_tree``) and ``variable_names`` see inside them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..nodes import Node, children


@dataclass(frozen=True, slots=True)
class Iteration:
    """``name in list`` inside ``some``/``every``."""

    name: str
    source: Node


@dataclass(frozen=True, slots=True)
class Quantified(Node):
    """``some x in L satisfies c`` / ``every x in L, y in M satisfies c``."""

    kind: str
    iterations: tuple[Iteration, ...]
    condition: Node


@dataclass(frozen=True, slots=True)
class Interval(Node):
    """``[a..b]``, ``(a..b)``, ``]a..b[`` and mixed ends: a range of values."""

    low: Node
    low_closed: bool
    high: Node
    high_closed: bool


@dataclass(frozen=True, slots=True)
class UnaryComparison(Node):
    """``< 5`` inside an ``in`` test: true when the tested value compares so."""

    op: str
    bound: Node


@dataclass(frozen=True, slots=True)
class InTests(Node):
    """``x in <tests>``: true when any test matches (an interval, a comparison, a list
    that contains x, or a value equal to x)."""

    subject: Node
    tests: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Between(Node):
    """``x between a and b`` (both ends included)."""

    subject: Node
    low: Node
    high: Node


def feel_children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of ``node``, FEEL nodes included."""
    if isinstance(node, Quantified):
        return (*(iteration.source for iteration in node.iterations), node.condition)
    if isinstance(node, Interval):
        return (node.low, node.high)
    if isinstance(node, UnaryComparison):
        return (node.bound,)
    if isinstance(node, InTests):
        return (node.subject, *node.tests)
    if isinstance(node, Between):
        return (node.subject, node.low, node.high)
    return children(node)
