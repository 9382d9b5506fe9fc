"""Ad-hoc subprocesses (``adHocSubProcess``, BPMN 2.0 section 10.3.5).

The spec leaves to the performers which inner activities run and when; an engine with no
performer choosing must decide. Baton's decisions:

- **Enabled activities run once each.** When the subprocess starts, every activity
  directly inside it with no incoming flow is enabled (``model/adhoc.py``); each runs
  exactly once. Activities reached by flows inside it run when a flow reaches them.
  For approvals this is an ad-hoc set of user tasks: with ``Parallel`` ordering all are
  opened at once and completed in any order.
- **Ordering.** ``Parallel`` (the default) starts all enabled activities at once.
  ``Sequential`` runs them one at a time, in document order: the next starts only when
  nothing else runs in the subprocess. The ones waiting their turn are parked tokens
  (JOINING, ``arrived_via`` = the subprocess id), so the state needs nothing new and a
  reload keeps their order.
- **Completion.** ``completionCondition`` is evaluated each time a path inside ends (an
  activity with no outgoing flow completes, or an end event is reached). When it holds,
  activities not yet started are dropped; running ones are cancelled when
  ``cancelRemainingInstances`` is true (the default), otherwise the subprocess waits for
  them. Without a condition, the subprocess completes when every enabled activity has
  run and nothing inside is running any more (the spec: it completes when the
  condition holds or, with none, when its activities are done).
- A failing completion condition raises an incident on the token whose path ended; a
  retry re-evaluates only the condition (the token is kept ``leaving``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpmn_engine.interpreter.behaviors.loop_body import condition
from bpmn_engine.interpreter.behaviors.subprocess import open_scope
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.state import Token, TokenState
from bpmn_engine.model import AdHocSubProcess
from bpmn_engine.model.adhoc import enabled_activities

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context

SEQUENTIAL = "Sequential"
PENDING = TokenState.JOINING
"""An enabled activity waiting its turn in a sequential ad-hoc subprocess."""


class AdHocSubProcessBehavior:
    """Opens the subprocess scope and enables its activities; see the module docstring."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = ctx.node(token)
        enabled = enabled_activities(ctx.model, node.id)
        if not enabled:  # the parser refuses this; a guard for hand-built models
            raise ElementError(f"Ad-hoc subprocess '{node.id}' has no activity to enable")
        state = ctx.state
        scope = open_scope(ctx, token, node)
        sequential = isinstance(node, AdHocSubProcess) and node.ordering == SEQUENTIAL
        for index, activity in enumerate(enabled):
            parked = sequential and index > 0
            inner = state.add_token(
                Token(
                    id=ctx.new_id(),
                    element_id=activity.id,
                    scope_id=scope.id,
                    state=PENDING if parked else TokenState.READY,
                    arrived_via=node.id if parked else None,
                )
            )
            if not parked:
                ctx.ready.append(inner)


def path_ended(ctx: Context, token: Token) -> bool:
    """Hook (``end_token``, after the token was removed): True when the token's scope is
    an ad-hoc subprocess's, which then completes, goes on or waits here."""
    state = ctx.state
    scope = state.scopes.get(token.scope_id)
    if scope is None or scope.parent_id is None or scope.element_id == token.element_id:
        return False
    node = ctx.model.nodes.get(scope.element_id)
    if not isinstance(node, AdHocSubProcess):
        return False
    done = False
    if node.completion_condition is not None:
        try:
            done = condition(
                ctx,
                f"completionCondition of '{node.id}'",
                node.completion_condition,
                ctx.variables(scope.id),
            )
        except ElementError:
            token.leaving = True  # a retry re-evaluates only the condition
            state.add_token(token)
            raise
    inside = [t for t in state.tokens.values() if t.scope_id == scope.id]
    pending = [t for t in inside if t.state is PENDING and t.arrived_via == node.id]
    running = [t for t in inside if t not in pending]
    if done:
        for waiting in pending:  # never started: nothing to cancel, no history
            state.remove_token(waiting.id)
        if running and node.cancel_remaining_instances:
            ctx.clear_scope(scope.id, reason=f"completion condition of '{node.id}' holds")
            running = []
        pending = []
    if running:
        return True
    if pending:
        state.update_token(pending[0], state=TokenState.READY, arrived_via=None)
        ctx.ready.append(pending[0])
        return True
    ctx.complete_scope(scope.id, terminated=False)
    return True
