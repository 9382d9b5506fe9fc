"""Tag -> builder registry: supporting a new BPMN node kind is one registration.

Each builder is a small function that turns one XML element into one model node. The
fields every node shares (id, name, scope, computed incoming/outgoing flows, ...) are
worked out by the process walker and handed over ready-made in ``NodeFields``, so a
builder only reads what is specific to its kind. A kind that has no builder yet but is
listed in ``support.UNSUPPORTED_NODES`` is recognised and reported as not supported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypedDict, TypeVar

from lxml import etree

from bpmn_engine.model import Extensions, FlowNode
from bpmn_engine.parser.errors import Issues


class NodeFields(TypedDict):
    """The ``FlowNode`` fields the walker computes for every node kind alike."""

    id: str
    name: str
    documentation: str
    line: int | None
    extensions: Extensions
    scope_id: str
    incoming: tuple[str, ...]
    outgoing: tuple[str, ...]
    default_flow: str | None


@dataclass
class BuildContext:
    """What builders may need beyond their element, and XML facts the model leaves out.

    ``script_lines`` maps a script task id to the file line of its script's first line,
    so a syntax error inside the script can be reported at its line in the file.
    ``condition_languages`` maps a flow id to the language its condition declares
    (``language`` attribute, or ``"FEEL"`` for Zeebe's ``=`` marker); the definitions'
    ``expressionLanguage`` default is kept in ``default_expression_language``.
    """

    issues: Issues
    script_lines: dict[str, int] = field(default_factory=dict)
    condition_languages: dict[str, str] = field(default_factory=dict)
    default_expression_language: str = ""


NodeBuilder = Callable[[etree._Element, NodeFields, BuildContext], FlowNode]
_B = TypeVar("_B", bound=NodeBuilder)


@dataclass(frozen=True)
class NodeKind:
    build: NodeBuilder
    scope: bool = False
    """True when the element's children form a nested scope (embedded subprocess)."""


NODE_KINDS: dict[str, NodeKind] = {}


def register(tag: str, *, scope: bool = False) -> Callable[[_B], _B]:
    """Register ``builder`` for the BPMN tag ``tag`` (local name, e.g. ``"userTask"``)."""

    def decorate(builder: _B) -> _B:
        if tag in NODE_KINDS:
            raise ValueError(f"a builder for {tag!r} is already registered")
        NODE_KINDS[tag] = NodeKind(builder, scope)
        return builder

    return decorate
