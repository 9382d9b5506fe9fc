"""The loop body: how a looping activity runs its instances, for every activity kind.

An activity with loop characteristics (multi-instance or standard loop) gets its own
behavior wrapped in ``LoopBehavior``. The token arriving at the activity becomes the
*body token*: it parks IN_SCOPE and owns a *body scope* (``element_id`` = the activity)
holding only counters (``nrOfInstances``... or the standard loop's ``loopCounter``),
never per-instance history. Each running instance is one *instance scope* (child of the
body scope, also with ``element_id`` = the activity) holding the instance's local
variables (``loopCounter``, the element variable) and one token at the activity itself.

``Context.is_loop_instance`` recognises such a token by that equality (its own scope
belongs to its own element). The wrapped behavior runs it exactly like an ordinary
token; when the wrapped behavior lets it leave (``pass_through``/``leave``), the context
hands it to ``LoopBehavior.instance_done`` instead of taking the outgoing flows, and the
loop decides whether to start another instance, wait for the others, or close the body
so the body token leaves through the activity's outgoing flows.

The same wrapper serves activities that need a scope or token counting without looping:
with ``camunda:inputOutput`` the arriving token parks IN_SCOPE on one activity scope
(the inputs as its local variables) holding the working token, and ``completionQuantity``
releases the parked token that many times; ``startQuantity`` parks arriving tokens as
JOINING until enough have come.

Cancelling needs nothing special: ``Context.clear_scope`` walks the body and instance
scopes like any nested scope, and ``cancel`` here forwards to the wrapped behavior so
open user tasks and jobs are closed through effects.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter import compiled
from bpmn_engine.interpreter.behaviors import io
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.effects import HISTORY_ELEMENT_COMPLETED
from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.state import Scope, Token, TokenState
from bpmn_engine.model import FlowNode, MultiInstanceLoop, StandardLoop

if TYPE_CHECKING:
    from bpmn_engine.interpreter.behaviors.base import Behavior
    from bpmn_engine.interpreter.context import Context

LOOP_COUNTER = "loopCounter"


class LoopBehavior:
    """Runs a looping activity; the activity's own work is done by ``inner``."""

    __slots__ = ("inner",)

    def __init__(self, inner: Behavior) -> None:
        self.inner = inner

    def enter(self, ctx: Context, token: Token) -> None:
        if ctx.is_loop_instance(token):
            self.inner.enter(ctx, token)
            return
        node = ctx.node(token)
        gathered: list[Token] = []
        if node.start_quantity > 1:
            found = _gather(ctx, node, token)
            if found is None:
                return
            gathered = found
        self._start(ctx, node, token)
        for other in gathered:  # consumed only once the start succeeded (retry-safe)
            ctx.history(HISTORY_ELEMENT_COMPLETED, other)
            ctx.state.remove_token(other.id)

    def _start(self, ctx: Context, node: FlowNode, token: Token) -> None:
        from bpmn_engine.interpreter.behaviors import loop, multi_instance

        characteristics = node.loop
        if isinstance(characteristics, MultiInstanceLoop):
            multi_instance.start(ctx, token, characteristics)
        elif isinstance(characteristics, StandardLoop):
            loop.start(ctx, token, characteristics)
        elif node.io is not None or node.completion_quantity > 1:
            _start_scoped(ctx, token)
        else:
            self.inner.enter(ctx, token)

    def complete(self, ctx: Context, token: Token, variables: Mapping[str, Any]) -> None:
        complete = getattr(self.inner, "complete", None)
        if complete is None:
            raise TokenNotWaitingError(token.id, f"Element '{token.element_id}' is no wait state")
        complete(ctx, token, variables)

    def cancel(self, ctx: Context, token: Token, reason: str) -> None:
        cancel = getattr(self.inner, "cancel", None)
        if cancel is not None:
            cancel(ctx, token, reason)

    def instance_done(self, ctx: Context, token: Token) -> None:
        """One instance finished its work (called by ``Context`` instead of leaving)."""
        from bpmn_engine.interpreter.behaviors import loop, multi_instance

        token.leaving = True  # a failure below is retried from here, not by re-running
        characteristics = ctx.node(token).loop
        if isinstance(characteristics, MultiInstanceLoop):
            multi_instance.instance_done(ctx, token, characteristics)
        elif isinstance(characteristics, StandardLoop):
            loop.instance_done(ctx, token, characteristics)
        else:
            _scoped_done(ctx, token)


def _gather(ctx: Context, node: FlowNode, token: Token) -> list[Token] | None:
    """``startQuantity``: park the token until that many wait here (any incoming flow).

    Returns the other tokens to consume, or None while too few have arrived.
    """
    state = ctx.state
    state.tokens[token.id] = state.tokens.pop(token.id)  # arrival order survives reload
    state.update_token(token, state=TokenState.JOINING)
    waiting = [
        t
        for t in state.tokens.values()
        if t.element_id == node.id
        and t.scope_id == token.scope_id
        and t.state is TokenState.JOINING
        and t is not token
    ]
    if len(waiting) + 1 < node.start_quantity:
        return None
    state.update_token(token, state=READY)
    return waiting[: node.start_quantity - 1]


def release_outer(ctx: Context, token: Token) -> None:
    """The activity is done: its parked token leaves, ``completionQuantity`` times."""
    ctx.state.update_token(token, state=READY, leaving=True)
    ctx.ready.append(token)
    for _ in range(ctx.node(token).completion_quantity - 1):
        copy = Token(
            id=ctx.new_id(),
            element_id=token.element_id,
            scope_id=token.scope_id,
            state=READY,
            leaving=True,
        )
        ctx.ready.append(ctx.state.add_token(copy))


def _start_scoped(ctx: Context, token: Token) -> None:
    """An activity with input/output mappings and no loop: one instance, no counters.

    The arriving token parks IN_SCOPE and the activity's scope (its inputs as local
    variables) is opened right under it, holding the token that does the work.
    """
    variables = instance_variables(ctx, ctx.node(token), {}, token.scope_id)
    ctx.state.update_token(token, state=TokenState.IN_SCOPE)
    scope = Scope(
        id=ctx.new_id(),
        element_id=token.element_id,
        parent_id=token.scope_id,
        token_id=token.id,
        variables=variables,
    )
    start_instance(ctx, ctx.state.add_scope(scope), {}, parent=True)


def _scoped_done(ctx: Context, token: Token) -> None:
    """Write the outputs outwards, drop the activity scope, let the parked token leave."""
    state = ctx.state
    scope = state.scopes[token.scope_id]
    values = io.outputs(ctx, ctx.node(token), scope.id)
    end_instance(ctx, token)
    outer = state.tokens[scope.token_id or ""]
    ctx.set_variables(outer, values)
    release_outer(ctx, outer)


def instance_variables(
    ctx: Context, node: FlowNode, base: dict[str, Any], outer_scope_id: str
) -> dict[str, Any]:
    """An instance's local variables: ``base`` plus the evaluated input parameters."""
    if node.io is None or not node.io.inputs:
        return base
    view = ChainMap(base, dict(ctx.variables(outer_scope_id)))
    return {**base, **io.inputs(node, view)}


# --- plumbing shared by multi-instance and standard loops ------------------------------


def open_body(ctx: Context, token: Token, variables: dict[str, Any]) -> Scope:
    """Park the arriving token IN_SCOPE on a new body scope holding ``variables``."""
    ctx.state.update_token(token, state=TokenState.IN_SCOPE)
    return ctx.state.add_scope(
        Scope(
            id=ctx.new_id(),
            element_id=token.element_id,
            parent_id=token.scope_id,
            token_id=token.id,
            variables=variables,
        )
    )


def start_instance(
    ctx: Context, body: Scope, variables: dict[str, Any], *, parent: bool = False
) -> Token:
    """Open one instance scope with ``variables`` (local) and queue its token.

    With ``parent`` the token runs in ``body`` itself (an activity scope without loop).
    """
    state = ctx.state
    scope = body
    if not parent:
        scope = state.add_scope(
            Scope(
                id=ctx.new_id(),
                element_id=body.element_id,
                parent_id=body.id,
                token_id=None,  # only the body scope belongs to the parked token
                variables=variables,
            )
        )
    token = Token(id=ctx.new_id(), element_id=body.element_id, scope_id=scope.id, state=READY)
    ctx.ready.append(state.add_token(token))
    return token


READY = TokenState.READY


def body_of(ctx: Context, token: Token) -> tuple[Scope, Scope]:
    """The instance scope of a loop-instance token and the body scope around it."""
    instance = ctx.state.scopes[token.scope_id]
    return instance, ctx.state.scopes[instance.parent_id or ""]


def write_body(ctx: Context, body: Scope, values: Mapping[str, Any]) -> None:
    body.variables.update(values)
    ctx.state.changes.scopes_saved.add(body.id)


def end_instance(ctx: Context, token: Token) -> None:
    """Consume a finished instance's token and scope (its local variables go with it)."""
    ctx.history(HISTORY_ELEMENT_COMPLETED, token)
    scope_id = token.scope_id
    ctx.state.remove_token(token.id)
    ctx.state.remove_scope(scope_id)


def close_body(ctx: Context, body: Scope, *, cancel_reason: str | None = None) -> None:
    """End the loop: cancel instances still running (if a reason is given), drop the
    body scope, and let the body token leave through the activity's outgoing flows."""
    state = ctx.state
    if cancel_reason is not None:
        ctx.clear_scope(body.id, reason=cancel_reason)
    state.remove_scope(body.id)
    release_outer(ctx, state.tokens[body.token_id or ""])


def evaluate(ctx: Context, what: str, source: str, variables: Mapping[str, Any]) -> Any:
    """Evaluate a loop expression; failures name the activity and the attribute."""
    try:
        return compiled.expression(source).evaluate(variables)
    except ExpressionError as error:
        raise ElementError(f"The {what} failed: {error.message}") from None


def condition(ctx: Context, what: str, source: str, variables: Mapping[str, Any]) -> bool:
    result = evaluate(ctx, what, source, variables)
    if result is True or result is False:
        return result
    raise ElementError(
        f"The {what} must be true or false, not {type(result).__name__} {result!r:.80}"
    )
