"""Conditional events: catch events, boundary events and event-subprocess starts that
fire when their condition over the instance's variables becomes true.

BPMN 2.0 (10.5.2, "Conditional"): the event is triggered when its condition *becomes*
true. We follow that edge rule exactly, with no stored subscription:

- The listeners are derived from the state: a token WAITING on a conditional catch
  event, a token waiting on an activity with a conditional boundary event, and a live
  scope holding an event subprocess with a conditional start.
- A listener that was not open before counts as "false before", so a condition that is
  already true when the listener opens fires at once (betsy's "condition already true
  when the sub-process starts" cases), as Camunda 7 does.
- Afterwards a listener fires only on a false -> true change. A non-interrupting boundary
  or event subprocess whose condition stays true therefore fires once, not on every step.

Variables only change inside an interpreter call, so the "before" values are taken when
the call begins (``ConditionWatch.open``) and updated after each step of the run loop.
Only models that contain a conditional event get a watch, so other instances pay nothing.
A condition naming a variable that is not set yet is false (that is what such an event
usually waits for), and so is a null result (FEEL's "unknown": ``= amount > 5`` while
amount is null). Any other failure parks the listening token with an incident; the
condition of an event subprocess start (no token of its own to park) counts as false
and the failure is written to the history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bpmn_engine.interpreter import compiled
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.effects import HISTORY_INCIDENT
from bpmn_engine.interpreter.event_index import event_index
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.expressions.errors import UnknownVariableError
from bpmn_engine.interpreter.state import Token, TokenState
from bpmn_engine.model import (
    BoundaryEvent,
    ConditionalEventDefinition,
    FlowNode,
    IntermediateCatchEvent,
    ProcessModel,
    StartEvent,
)
from bpmn_engine.model.events import first_definition

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context

_ACTIVITY_WAITS = (TokenState.WAITING, TokenState.IN_SCOPE)

Fail = Callable[[Token, ElementError], None]
"""How the interpreter parks a token with an incident (``run_loop.fail``)."""

Key = tuple[str, str]
"""(id of the listening token or scope, id of the conditional event)."""


def condition_of(node: FlowNode) -> str | None:
    """The condition text of a conditional event node, None for any other node."""
    definition = first_definition(node)
    if isinstance(definition, ConditionalEventDefinition):
        return definition.condition.strip()
    return None


_HAS: dict[int, tuple[ProcessModel, bool]] = {}


def has_conditional_events(model: ProcessModel) -> bool:
    """Whether instances of ``model`` need a watch at all (cached per model object)."""
    cached = _HAS.get(id(model))
    if cached is not None and cached[0] is model:
        return cached[1]
    found = any(condition_of(node) is not None for node in model.nodes.values())
    _HAS[id(model)] = (model, found)
    return found


def _listeners(ctx: Context) -> Iterator[tuple[Key, FlowNode, str]]:
    """Every open conditional listener: its key, its event node and the scope whose
    variables the condition reads."""
    model = ctx.model
    index = event_index(model)
    for token in ctx.state.tokens.values():
        node = model.nodes.get(token.element_id)
        if node is None:
            continue
        if token.state is TokenState.WAITING and isinstance(node, IntermediateCatchEvent):
            if condition_of(node) is not None:
                yield (token.id, node.id), node, token.scope_id
        elif token.state in _ACTIVITY_WAITS and not ctx.is_loop_instance(token):
            for boundary in index.boundaries.get(node.id, ()):
                if condition_of(boundary) is not None:
                    yield (token.id, boundary.id), boundary, token.scope_id
    for scope in ctx.state.scopes.values():
        for start in index.event_starts.get(scope.element_id, ()):
            if condition_of(start) is not None:
                yield (scope.id, start.id), start, scope.id


@dataclass(slots=True)
class ConditionWatch:
    """The condition values of the open listeners as of the last check."""

    held: set[Key] = field(default_factory=set)

    @classmethod
    def open(cls, ctx: Context) -> ConditionWatch | None:
        """Take the "before" values at the start of a call; None when the model has no
        conditional events."""
        if not has_conditional_events(ctx.model):
            return None
        watch = cls()
        watch.held = {key for key, _, _ in watch._true(ctx)}
        return watch

    def check(self, ctx: Context, fail: Fail) -> None:
        """After a step: fire every listener whose condition went from false to true."""
        true = list(self._true(ctx, fail))
        fresh = [(key, node) for key, node, _ in true if key not in self.held]
        self.held = {key for key, _, _ in true}
        for key, node in fresh:
            try:
                _fire(ctx, key, node)
            except (ElementError, ExpressionError) as error:
                token = ctx.state.tokens.get(key[0])
                if token is None:
                    raise
                message = getattr(error, "message", str(error))
                fail(token, ElementError(message))

    def _true(self, ctx: Context, fail: Fail | None = None) -> Iterator[tuple[Key, FlowNode, str]]:
        for key, node, scope_id in list(_listeners(ctx)):
            try:
                if _holds(ctx, key, node, scope_id):
                    yield key, node, scope_id
            except ElementError as error:
                token = ctx.state.tokens[key[0]]
                if fail is None:
                    continue  # reported by the first check after the call's first step
                fail(token, error)


def _holds(ctx: Context, key: Key, node: FlowNode, scope_id: str) -> bool:
    text = condition_of(node) or ""
    try:
        result = compiled.expression(text).evaluate(ctx.variables(scope_id))
    except UnknownVariableError:
        return False  # the variable it waits for is not set yet
    except ExpressionError as error:
        _report(ctx, key, node, f"Condition of '{node.id}' failed: {error.message}")
        return False
    if result is True or result is False:
        return result
    if result is None:
        return False  # FEEL's "unknown" (a comparison with null): not true yet
    _report(ctx, key, node, f"Condition of '{node.id}' gave {result!r}, not true or false")
    return False


def _report(ctx: Context, key: Key, node: FlowNode, message: str) -> None:
    token = ctx.state.tokens.get(key[0])
    if token is None:
        ctx.history(HISTORY_INCIDENT, element_id=node.id, data={"message": message})
        return
    raise ElementError(message)


def _fire(ctx: Context, key: Key, node: FlowNode) -> None:
    from bpmn_engine.interpreter.triggers import fire

    holder_id, element_id = key
    if holder_id not in ctx.state.tokens and holder_id not in ctx.state.scopes:
        return  # an earlier firing in this check ended it
    token = ctx.state.tokens.get(holder_id)
    if token is not None and token.state is TokenState.FAILED:
        return
    if isinstance(node, BoundaryEvent | IntermediateCatchEvent | StartEvent):
        fire(ctx, holder_id, element_id, {})
