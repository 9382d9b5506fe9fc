"""The immutable model of a parsed DMN file: decisions, decision tables and their rules.

Every expression is compiled at deploy time, so a decision that deployed cannot fail on
syntax at run time; only data problems (an unknown variable, two UNIQUE matches) remain.
``Decision.required`` holds the required decisions themselves, already resolved and
checked for cycles, so evaluating a decision needs nothing but the decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bpmn_engine.dmn.unary import UnaryTests
from bpmn_engine.interpreter.expressions import CompiledExpression

HIT_POLICIES = frozenset(
    {"UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER"}
)
AGGREGATIONS = frozenset({"SUM", "MIN", "MAX", "COUNT"})
MULTIPLE_HITS = frozenset({"COLLECT", "RULE ORDER", "OUTPUT ORDER"})
"""Hit policies whose result is a list of rule results (the others give at most one)."""


@dataclass(frozen=True, slots=True)
class Input:
    """One input column: the expression whose value the rules' input entries test."""

    id: str
    label: str
    expression: CompiledExpression
    type_ref: str = ""


@dataclass(frozen=True, slots=True)
class Output:
    """One output column. ``values`` (``outputValues``) orders PRIORITY / OUTPUT ORDER."""

    id: str
    name: str
    type_ref: str = ""
    values: tuple[object, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One row: it matches when every input entry accepts its input's value."""

    id: str
    line: int | None
    inputs: tuple[UnaryTests, ...]
    outputs: tuple[CompiledExpression | None, ...]
    """None for an empty output entry (its value is null)."""


@dataclass(frozen=True, slots=True)
class DecisionTable:
    hit_policy: str
    aggregation: str | None
    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]
    rules: tuple[Rule, ...]

    @property
    def single_hit(self) -> bool:
        """True when at most one rule result comes out (aggregations give one value)."""
        return self.hit_policy not in MULTIPLE_HITS or self.aggregation is not None


@dataclass(frozen=True, slots=True)
class LiteralExpression:
    """A decision whose logic is one FEEL expression; ``name`` (its ``variable``) names
    the single output, as a table's output name does."""

    name: str
    type_ref: str
    expression: CompiledExpression


Logic = DecisionTable | LiteralExpression


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision: exactly one of ``table`` and ``literal`` is set."""

    id: str
    name: str
    line: int | None
    table: DecisionTable | None
    required: tuple[Decision, ...] = ()
    literal: LiteralExpression | None = None


@dataclass(frozen=True, slots=True)
class DmnDefinitions:
    """One DMN file: its decisions by id, in document order."""

    id: str
    name: str
    namespace: str
    decisions: Mapping[str, Decision] = field(default_factory=dict)
