"""Compensation (SAGA): undo completed activities in reverse order of completion.

What is stored, and why it stays bounded
----------------------------------------
An activity is *compensable* when a compensation boundary event sits on it (the parser
resolved the handler from the association, see ``model.compensation``). Each time such an
activity completes, ``record_completion`` appends one record ``{"activity", "handler"}``
to the scope it completed in; for a multi-instance (or scoped) activity one record per
completed instance, with a copy of that instance's local variables (``loopCounter``, the
element variable, its inputs) so the handler sees the instance it undoes. Nothing else is
kept: no records for other activities, no history. The records live in the scope's
variables under ``KEY`` (a name no expression can spell), so they are persisted with the
scope row and go away with it: when a subprocess scope completes or is cancelled its
records are dropped, and the root's go with the instance. A scope therefore holds at most
one record per completion of a compensable activity while that scope is active, and a
throw consumes the records it compensates.

Running the handlers
--------------------
A compensation throw (intermediate or end event) takes the records of its own scope (all
of them, or those of ``activityRef``), parks as WAITING, and runs their handlers one at a
time, last completed first. Each handler token runs in a small *handler scope* (child of
the records' scope, holding the snapshot). ``Context.end_token`` calls ``handler_ended``
when a token ends: when it was a handler's last token, the handler scope goes and the
next handler starts; after the last one the thrower leaves normally (waitForCompletion).

A completed subprocess is compensated from outside by its compensation event subprocess
or, without one, by compensating its inner activities: see ``compensation_scopes``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.behaviors.compensation_scopes import (
    open_handler_scope,
    records_scope,
    start_subprocess_handler,
    subprocess_handlers,
    subprocess_record,
)
from bpmn_engine.interpreter.behaviors.loop_body import LoopBehavior
from bpmn_engine.interpreter.effects import HISTORY_EVENT_TRIGGERED
from bpmn_engine.interpreter.state import Scope, Token, TokenState
from bpmn_engine.model import BoundaryEvent, CompensateEventDefinition, ProcessModel, SubProcess
from bpmn_engine.model.events import first_definition

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bpmn_engine.interpreter.context import Context

KEY = "$compensation"
"""The scope variable holding the records: ``{"done": [...], "running": {thrower id:
[records left]}, "handlers": {handler scope id: thrower id}, "cancel": [thrower ids]}``
("cancel": cancel end events that cancel their transaction once compensated)."""

_CACHE: dict[int, tuple[ProcessModel, Mapping[str, str]]] = {}


def compensable(model: ProcessModel) -> Mapping[str, str]:
    """Handler id by compensable activity id, computed once per model."""
    cached = _CACHE.get(id(model))
    if cached is not None and cached[0] is model:
        return cached[1]
    handlers: dict[str, str] = {}
    for node in model.nodes.values():
        if not isinstance(node, BoundaryEvent):
            continue
        definition = first_definition(node)
        if isinstance(definition, CompensateEventDefinition) and definition.handler:
            handlers[node.attached_to] = definition.handler
    handlers.update(subprocess_handlers(model, handlers))
    _CACHE[id(model)] = (model, handlers)
    return handlers


def _data(scope: Scope) -> dict[str, Any]:
    data: dict[str, Any] = scope.variables.setdefault(
        KEY, {"done": [], "running": {}, "handlers": {}}
    )
    return data


def record_completion(ctx: Context, token: Token) -> None:
    """Hook (``Context.leave`` / ``finish_loop_instance``): the token's activity completed."""
    handler = compensable(ctx.model).get(token.element_id)
    if handler is None:
        return
    state = ctx.state
    record: dict[str, Any] = {"activity": token.element_id, "handler": handler}
    if isinstance(ctx.model.nodes.get(token.element_id), SubProcess):
        subprocess_record(ctx, token, record)
    if ctx.is_loop_instance(token):
        instance = state.scopes[token.scope_id]
        record["variables"] = {
            **{k: v for k, v in instance.variables.items() if k != KEY},
            **record.get("variables", {}),
        }
        target = next(s for s in state.scope_chain(instance.id) if s.element_id != token.element_id)
    elif isinstance(ctx.behaviors.get(token.element_id), LoopBehavior):
        return  # the body token of a looping activity: its instances were recorded
    else:
        target = state.scopes[token.scope_id]
    _data(target)["done"].append(record)
    state.changes.scopes_saved.add(target.id)


def throw_compensation(
    ctx: Context, token: Token, definition: CompensateEventDefinition, *, then_cancel: bool = False
) -> bool:
    """Compensate the completed activities of the token's scope; False when there are
    none (the thrower goes on at once), True when the thrower now waits for handlers.

    ``then_cancel``: after the last handler the thrower (a cancel end event) cancels its
    transaction (``transaction.cancel_transaction``) instead of leaving.
    """
    scope = records_scope(ctx, token)
    data = scope.variables.get(KEY)
    if not data or not data["done"]:
        return False
    ref = definition.activity_ref
    nodes = ctx.model.nodes  # records copied in from elsewhere (``variables="all"``) never run
    chosen = [
        r
        for r in data["done"]
        if (ref is None or r["activity"] == ref) and (r["handler"] in nodes or r.get("subprocess"))
    ]
    if not chosen:
        return False
    taken = {id(r) for r in chosen}
    data["done"] = [r for r in data["done"] if id(r) not in taken]
    compensated = [r["activity"] for r in chosen]
    ctx.history(HISTORY_EVENT_TRIGGERED, token, data={"compensate": compensated})
    ctx.wait(token)
    run_records(ctx, scope, token, chosen, then_cancel=then_cancel)
    return True


def run_records(
    ctx: Context,
    scope: Scope,
    thrower: Token,
    records: list[dict[str, Any]],
    *,
    then_cancel: bool = False,
    then_end: bool = False,
) -> None:
    """Run the handlers of ``records`` (kept in ``scope``), last first, for the waiting
    ``thrower``; then it leaves, cancels its transaction (``then_cancel``) or, for the
    stand-in of a subprocess's default compensation, ends (``then_end``)."""
    data = _data(scope)
    data["running"][thrower.id] = records
    if then_cancel:
        data.setdefault("cancel", []).append(thrower.id)
    if then_end:
        data.setdefault("end", []).append(thrower.id)
    ctx.state.changes.scopes_saved.add(scope.id)
    _next_handler(ctx, scope, thrower.id)


def _next_handler(ctx: Context, scope: Scope, thrower_id: str) -> None:
    """Start the handler of the last record left, or let the thrower go on."""
    state = ctx.state
    data = scope.variables[KEY]
    queue: list[dict[str, Any]] = data["running"][thrower_id]
    state.changes.scopes_saved.add(scope.id)
    if not queue:
        del data["running"][thrower_id]
        cancel = _pop(data, "cancel", thrower_id)
        end = _pop(data, "end", thrower_id)
        if not data["done"] and not data["running"] and not data.get("inner"):
            del scope.variables[KEY]
        thrower = state.tokens[thrower_id]
        if cancel:
            from bpmn_engine.interpreter.behaviors.transaction import cancel_transaction

            cancel_transaction(ctx, thrower)
            return
        if end:
            ctx.end_token(thrower)
            return
        state.update_token(thrower, state=TokenState.READY, leaving=True)
        ctx.ready.append(thrower)
        return
    record = queue.pop()
    if record.get("subprocess"):
        start_subprocess_handler(ctx, scope, thrower_id, record)
        return
    variables = dict(record.get("variables", {}))
    handler_scope = open_handler_scope(ctx, scope, thrower_id, record, variables)
    handler = Token(
        id=ctx.new_id(),
        element_id=record["handler"],
        scope_id=handler_scope.id,
        state=TokenState.READY,
    )
    ctx.ready.append(state.add_token(handler))


def _pop(data: dict[str, Any], key: str, thrower_id: str) -> bool:
    listed: list[str] = data.get(key, [])
    if thrower_id not in listed:
        return False
    listed.remove(thrower_id)
    if not listed:
        del data[key]
    return True


def handler_ended(ctx: Context, token: Token) -> bool:
    """Hook (``Context.end_token``, after the token was removed): True when the token
    was a compensation handler's; its scope is then handled here, not completed."""
    state = ctx.state
    handler_scope = state.scopes.get(token.scope_id)
    if handler_scope is None or handler_scope.parent_id is None:
        return False
    scope = state.scopes[handler_scope.parent_id]
    data = scope.variables.get(KEY)
    if not isinstance(data, dict) or handler_scope.id not in data.get("handlers", {}):
        return False
    if any(t.scope_id == handler_scope.id for t in state.tokens.values()):
        return True  # the handler still has other tokens running
    thrower_id = data["handlers"].pop(handler_scope.id)
    state.remove_scope(handler_scope.id)
    _next_handler(ctx, scope, thrower_id)
    return True
