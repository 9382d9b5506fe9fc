"""Deploy-time check of conditional events: their condition must be there and compile.

A conditional event is re-evaluated on every variable change (``interpreter/conditions``),
so a typo would otherwise only show as an event that never fires.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpmn_engine.interpreter.expressions import ExpressionError, compile_expression
from bpmn_engine.model import ConditionalEventDefinition, ProcessModel
from bpmn_engine.parser.errors import DeployIssue


def event_conditions(process: ProcessModel, severity: str) -> Iterator[DeployIssue]:
    """One issue per conditional event whose condition is empty or does not compile."""
    for node in process.nodes.values():
        for definition in getattr(node, "event_definitions", ()):
            if not isinstance(definition, ConditionalEventDefinition):
                continue
            source = definition.condition.strip()
            if not source:
                message = f"conditionalEventDefinition of '{node.id}' has no condition"
                yield DeployIssue(message, node.line, node.id, severity=severity)
                continue
            try:
                compile_expression(source)
            except ExpressionError as error:
                column = f" (column {error.column})" if error.column is not None else ""
                yield DeployIssue(
                    f"condition of '{node.id}' does not compile: {error.message}{column}"
                    f" in {source!r}",
                    node.line,
                    node.id,
                    severity=severity,
                )
