"""Embedded subprocesses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.state import Scope, Token, TokenState
from bpmn_engine.model import FlowNode, SubProcess

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context


def data_object_variables(node: FlowNode) -> dict[str, Any]:
    """The local variables a subprocess scope starts with: one per data object declared
    inside it, with no value yet (BPMN gives a data object no initial value; its
    ``dataState`` names a state, not a value). Being local, writes inside the
    subprocess land on them and they end with the scope instead of leaking outwards."""
    if not isinstance(node, SubProcess):
        return {}
    return dict.fromkeys(node.data_objects)


def open_scope(ctx: Context, token: Token, node: FlowNode) -> Scope:
    """Park ``token`` on the subprocess ``node`` as IN_SCOPE and add the child scope it
    holds, starting with the subprocess's data objects as its local variables."""
    state = ctx.state
    state.update_token(token, state=TokenState.IN_SCOPE)
    return state.add_scope(
        Scope(
            id=ctx.new_id(),
            element_id=node.id,
            parent_id=token.scope_id,
            token_id=token.id,
            variables=data_object_variables(node),
        )
    )


class SubProcessBehavior:
    """Opens a child scope and starts it at the subprocess's none start event.

    The arriving token stays on the subprocess node as IN_SCOPE while the child scope
    runs; the child scope starts with no variables of its own but the data objects
    declared inside it, so writes go outwards by Camunda's rule unless they are local.
    When the child scope's last token ends, ``Context.complete_scope`` removes the scope
    and this token leaves the subprocess through its outgoing flows. No ``complete``: a
    subprocess is not a wait state the runtime can complete. A subprocess with no flow
    elements at all (a collapsed placeholder, as in MIWG C.3.0) has nothing to run and
    completes at once.
    """

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = ctx.node(token)
        starts = ctx.model.none_start_events(node.id)
        if not starts and not ctx.model.children(node.id):
            ctx.pass_through(token)
            return
        if not starts:
            raise ElementError(f"Subprocess '{node.id}' has no none start event to start from")
        scope = open_scope(ctx, token, node)
        child = Token(
            id=ctx.new_id(), element_id=starts[0].id, scope_id=scope.id, state=TokenState.READY
        )
        ctx.ready.append(ctx.state.add_token(child))
