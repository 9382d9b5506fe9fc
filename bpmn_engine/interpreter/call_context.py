"""The base of the ``Context``: what one interpreter call holds, and its records.

One context lives for one interpreter call (start, complete, retry, cancel, run). This
part holds the model, the instance state, the effects emitted so far and the queue of
READY tokens, and the rules for recording effects and history, reading and writing
variables and evaluating flow conditions. Ending tokens and scopes
(``scope_endings.py``) and leaving a node (``context.py``) build on it.
"""

from __future__ import annotations

from collections import ChainMap, deque
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter import compiled
from bpmn_engine.interpreter.effects import HISTORY_VARIABLES_SET, Effect, history_record
from bpmn_engine.interpreter.element_error import ElementError
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.limits import Limits
from bpmn_engine.interpreter.state import InstanceState, Token
from bpmn_engine.model import FlowNode, ProcessModel, SequenceFlow

if TYPE_CHECKING:
    from bpmn_engine.interpreter.conditions import ConditionWatch
    from bpmn_engine.interpreter.decisions import DecisionResolver
    from bpmn_engine.interpreter.model_tables import ModelTables

NO_DATA: Mapping[str, Any] = MappingProxyType({})


class CallContext:
    """The state and records of one interpreter call; see the module docstring."""

    __slots__ = (
        "model",
        "state",
        "limits",
        "new_id",
        "tables",
        "behaviors",
        "node_data",
        "effects",
        "ready",
        "decisions",
        "condition_watch",
    )

    def __init__(
        self,
        model: ProcessModel,
        state: InstanceState,
        limits: Limits,
        new_id: Callable[[], str],
        tables: ModelTables,
        decisions: DecisionResolver | None = None,
    ) -> None:
        self.model = model
        self.state = state
        self.limits = limits
        self.new_id = new_id
        self.tables = tables
        """Per-model lookups (``model_tables.py``), shared by every call on the model."""
        self.behaviors = tables.behaviors
        """The behavior of every node, by node id (resolved once per model)."""
        self.node_data = tables.node_data
        """History data of every node (its type and name), by node id."""
        self.decisions = decisions
        """Finds DMN decisions for business rule tasks (None: no decisions available)."""
        self.effects: list[Effect] = []
        self.ready: deque[Token] = deque()
        self.condition_watch: ConditionWatch | None = None
        """Set by the interpreter for models with conditional events (``conditions.py``)."""

    # --- effects --------------------------------------------------------------------------

    def emit(self, effect: Effect) -> None:
        self.effects.append(effect)

    def history(
        self,
        event: str,
        token: Token | None = None,
        *,
        element_id: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """Record one history row; element data (type and name) is added for tokens."""
        if token is None:
            token_id = ""
            if element_id is None:
                element_id = ""
        else:
            token_id = token.id
            if element_id is None:
                element_id = token.element_id
        if data is None:
            data = self.node_data.get(element_id, NO_DATA)
        self.effects.append(history_record(event, element_id, token_id, data))

    # --- nodes and variables ----------------------------------------------------------------

    def node(self, token: Token) -> FlowNode:
        return self.model.nodes[token.element_id]

    def variables(self, scope_id: str) -> Mapping[str, Any]:
        """The variables visible from a scope, inner scopes first. Read-only, not a copy."""
        scope = self.state.scopes[scope_id]
        if scope.parent_id is None:
            return scope.variables
        return ChainMap(*(s.variables for s in self.state.scope_chain(scope_id)))

    def set_variables(
        self, token: Token, values: Mapping[str, Any], *, local: bool = False
    ) -> None:
        """Write from the token's scope with Camunda's rule and record the names written."""
        if not values:
            return
        self.state.set_variables(token.scope_id, values, local=local)
        self.effects.append(
            history_record(
                HISTORY_VARIABLES_SET, token.element_id, token.id, {"names": list(values)}
            )
        )

    def condition_holds(self, flow: SequenceFlow, variables: Mapping[str, Any]) -> bool:
        """Evaluate a flow's condition; anything but exactly True or False is an error."""
        try:
            result = compiled.expression(flow.condition or "").evaluate(variables)
        except ExpressionError as error:
            raise ElementError(f"Condition of flow '{flow.id}' failed: {error.message}") from None
        if result is True or result is False:
            return result
        raise ElementError(
            f"Condition of flow '{flow.id}' must be true or false, "
            f"not {type(result).__name__} {result!r:.80}"
        )
