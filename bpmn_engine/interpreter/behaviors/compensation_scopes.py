"""Compensating a completed subprocess from outside it (BPMN 2.0 section 10.7.1).

A subprocess without a compensation boundary event is still compensable when there is
something to undo inside it: its *compensation event subprocess* (an event subprocess
whose start event has a ``compensateEventDefinition``) is then its handler, and without
one the default applies: its completed inner activities are compensated in reverse order.

What is kept, and for how long
------------------------------
Only subprocesses that a compensation can actually reach are recorded
(``subprocess_handlers``): one whose enclosing scope holds a compensation throw (directly
or in one of its event subprocesses), is a transaction (a cancel compensates it), or is
itself such a subprocess. When a recorded subprocess completes, ``keep_inner_records``
(called just before its scope is removed) moves the records of its inner activities and a
snapshot of its local variables to the enclosing scope, where ``record_completion`` turns
them into one record for the subprocess. That record lives as long as every other
compensation record: until a throw consumes it or its scope ends.

Running it
----------
``start_subprocess_handler`` re-opens a *handler scope* for the subprocess (the snapshot
as its variables, the inner records as its compensation data). With a compensation event
subprocess, that event subprocess starts in it; a compensation throw inside the event
subprocess compensates the handler scope's inner records (``records_scope``). With none,
a stand-in thrower runs the inner records' handlers, last completed first, and then ends.
Either way, when the handler scope has no tokens left, the next record of the outer throw
runs (``compensation.handler_ended``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.event_index import event_index
from bpmn_engine.interpreter.state import Scope, Token, TokenState
from bpmn_engine.model import (
    CompensateEventDefinition,
    EndEvent,
    EventSubProcess,
    IntermediateThrowEvent,
    ProcessModel,
    StartEvent,
    SubProcess,
    Transaction,
)
from bpmn_engine.model.events import first_definition

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context

KEY = "$compensation"
DEFAULT = ""
"""Handler of a subprocess without a compensation event subprocess: compensate inside."""


def compensation_start(model: ProcessModel, subprocess_id: str) -> StartEvent | None:
    """The compensation start event of an event subprocess directly in the subprocess."""
    for start in event_index(model).event_starts.get(subprocess_id, ()):
        if isinstance(first_definition(start), CompensateEventDefinition):
            return start
    return None


def _throws_compensation(model: ProcessModel, scope_id: str) -> bool:
    """A compensation throw directly in the scope or in one of its event subprocesses."""
    for node in model.children(scope_id):
        if isinstance(node, IntermediateThrowEvent | EndEvent) and isinstance(
            first_definition(node), CompensateEventDefinition
        ):
            return True
        if isinstance(node, EventSubProcess) and _throws_compensation(model, node.id):
            return True
    return False


def subprocess_handlers(model: ProcessModel, with_boundary: Mapping[str, str]) -> dict[str, str]:
    """Handler (a compensation start event id, or ``DEFAULT``) by compensable subprocess.

    ``with_boundary`` are the activities compensated by a boundary event's handler; a
    subprocess among them is left to that handler.
    """
    candidates = [
        node
        for node in model.nodes.values()
        if isinstance(node, SubProcess)
        and not isinstance(node, EventSubProcess)
        and node.id not in with_boundary
    ]
    found: dict[str, str] = {}
    changed = True
    while changed:  # a fixed point: nested subprocesses make their parent compensable
        changed = False
        for node in candidates:
            if node.id in found:
                continue
            start = compensation_start(model, node.id)
            inside = any(
                child.id in with_boundary or child.id in found for child in model.children(node.id)
            )
            if start is None and not inside:
                continue
            parent = model.nodes.get(node.scope_id)
            reachable = (
                _throws_compensation(model, node.scope_id)
                or isinstance(parent, Transaction)
                or node.scope_id in found
            )
            if reachable:
                found[node.id] = start.id if start is not None else DEFAULT
                changed = True
    return found


def keep_inner_records(ctx: Context, scope: Scope) -> None:
    """Hook (``complete_scope``, before the scope of a compensable subprocess goes):
    move its records and a snapshot of its local variables to the enclosing scope."""
    state = ctx.state
    token = state.tokens.get(scope.token_id or "")
    if token is None or token.element_id != scope.element_id or token.scope_id == scope.id:
        return
    outer = state.scopes[token.scope_id]
    variables = {k: v for k, v in scope.variables.items() if k != KEY}
    inner = scope.variables.get(KEY) or {}
    data = outer.variables.setdefault(KEY, {"done": [], "running": {}, "handlers": {}})
    data.setdefault("inner", {})[token.id] = {
        "done": list(inner.get("done", ())),
        "variables": variables,
    }
    state.changes.scopes_saved.add(outer.id)


def subprocess_record(ctx: Context, token: Token, record: dict[str, Any]) -> None:
    """Complete the record of a subprocess with what ``keep_inner_records`` kept. One
    compensated by a boundary event's handler only gets the variables snapshot."""
    own_handler = record["handler"] == DEFAULT or isinstance(
        ctx.model.nodes.get(record["handler"]), StartEvent
    )
    if own_handler:
        record["subprocess"] = True
    scope = ctx.state.scopes[token.scope_id]
    data = scope.variables.get(KEY)
    kept = data.get("inner", {}).pop(token.id, None) if isinstance(data, dict) else None
    if isinstance(data, dict) and "inner" in data and not data["inner"]:
        del data["inner"]
    if kept is None:
        return
    if kept["done"] and own_handler:
        record["inner"] = kept["done"]
    if kept["variables"]:
        record["variables"] = kept["variables"]


def records_scope(ctx: Context, token: Token) -> Scope:
    """Where a throw finds the records it compensates: its own scope, or, inside an
    event subprocess, the scope that event subprocess runs in."""
    state = ctx.state
    scope = state.scopes[token.scope_id]
    while (
        KEY not in scope.variables
        and scope.parent_id is not None
        and isinstance(ctx.model.nodes.get(scope.element_id), EventSubProcess)
    ):
        scope = state.scopes[scope.parent_id]
    return scope


def open_handler_scope(
    ctx: Context,
    scope: Scope,
    thrower_id: str,
    record: Mapping[str, Any],
    variables: dict[str, Any],
) -> Scope:
    """Add the *handler scope* of ``record`` (child of the records' ``scope``, holding
    ``variables``) and register it in ``scope``'s compensation data for the thrower."""
    handler_scope = ctx.state.add_scope(
        Scope(
            id=ctx.new_id(),
            element_id=record["activity"],
            parent_id=scope.id,
            token_id=thrower_id,
            variables=variables,
        )
    )
    scope.variables[KEY]["handlers"][handler_scope.id] = thrower_id
    return handler_scope


def start_subprocess_handler(
    ctx: Context, scope: Scope, thrower_id: str, record: Mapping[str, Any]
) -> None:
    """Re-open the completed subprocess as a handler scope (registered in ``scope``'s
    compensation data before anything runs in it) and start compensating it."""
    state = ctx.state
    variables = dict(record.get("variables", {}))
    inner = list(record.get("inner", ()))
    if inner:
        variables[KEY] = {"done": inner, "running": {}, "handlers": {}}
    handler_scope = open_handler_scope(ctx, scope, thrower_id, record, variables)
    start = ctx.model.nodes.get(record["handler"]) if record["handler"] else None
    if isinstance(start, StartEvent):
        holder = state.add_token(
            Token(
                id=ctx.new_id(),
                element_id=start.scope_id,
                scope_id=handler_scope.id,
                state=TokenState.IN_SCOPE,
            )
        )
        child = state.add_scope(
            Scope(
                id=ctx.new_id(),
                element_id=start.scope_id,
                parent_id=handler_scope.id,
                token_id=holder.id,
            )
        )
        token = Token(
            id=ctx.new_id(), element_id=start.id, scope_id=child.id, state=TokenState.READY
        )
        ctx.ready.append(state.add_token(token))
        return
    stand_in = state.add_token(
        Token(
            id=ctx.new_id(),
            element_id=record["activity"],
            scope_id=handler_scope.id,
            state=TokenState.IN_SCOPE,
        )
    )
    _run_default(ctx, handler_scope, stand_in)


def _run_default(ctx: Context, handler_scope: Scope, stand_in: Token) -> None:
    from bpmn_engine.interpreter.behaviors.compensation import run_records

    data = handler_scope.variables.get(KEY)
    records = list(data["done"]) if isinstance(data, dict) else []
    if isinstance(data, dict):
        data["done"] = []
    run_records(ctx, handler_scope, stand_in, records, then_end=True)
