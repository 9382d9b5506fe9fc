"""Standard loops (``standardLoopCharacteristics``, BPMN 2.0 section 10.3.8).

The activity runs again while ``loopCondition`` holds, at most ``loopMaximum`` times.
With ``testBefore`` the condition is tested before every run, the first included (a
while loop); without it the first run always happens and the condition is tested after
each run (do-while). The body scope keeps only ``loopCounter`` (runs finished so far),
visible to the condition; each run gets a fresh instance scope, so what a run writes
with Camunda's rule goes to the enclosing scopes as it would without the loop.

No ``loopCondition`` counts as a condition that always holds (the spec loops "as long
as the condition is true", and ``loopMaximum`` alone is a plain cap). So a loop with
neither condition nor maximum (deployed with a warning) never ends by itself: it is
ended by an interrupting boundary event (the "repeat until the timer fires" pattern)
or by cancelling the instance, and an automatic body that never waits is stopped by
the engine's step limit with an incident rather than spinning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.behaviors import io
from bpmn_engine.interpreter.behaviors.loop_body import (
    LOOP_COUNTER,
    body_of,
    close_body,
    condition,
    end_instance,
    instance_variables,
    open_body,
    start_instance,
    write_body,
)
from bpmn_engine.model import StandardLoop

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


def _holds(ctx: Context, token: Token, loop: StandardLoop, variables: Mapping[str, Any]) -> bool:
    if loop.condition is None:
        return True
    return condition(ctx, f"loopCondition of '{token.element_id}'", loop.condition, variables)


def start(ctx: Context, token: Token, loop: StandardLoop) -> None:
    if loop.maximum == 0 or (
        loop.test_before and not _holds(ctx, token, loop, ctx.variables(token.scope_id))
    ):
        ctx.pass_through(token)
        return
    variables = instance_variables(ctx, ctx.node(token), {}, token.scope_id)
    body = open_body(ctx, token, {LOOP_COUNTER: 0})
    start_instance(ctx, body, variables)


def instance_done(ctx: Context, token: Token, loop: StandardLoop) -> None:
    """Start the next run while the condition holds and the maximum is not reached."""
    node = ctx.node(token)
    instance, body = body_of(ctx, token)
    results = io.outputs(ctx, node, instance.id)
    finished = body.variables[LOOP_COUNTER] + 1
    again = loop.maximum is None or finished < loop.maximum
    following: dict[str, Any] = {}
    if again:
        view = {**ctx.variables(instance.id), **results, LOOP_COUNTER: finished}
        again = _holds(ctx, token, loop, view)
    if again:
        following = instance_variables(ctx, node, {}, body.id)
    write_body(ctx, body, {LOOP_COUNTER: finished})
    ctx.state.set_variables(body.id, results)
    end_instance(ctx, token)
    if again:
        start_instance(ctx, body, following)
    else:
        close_body(ctx, body)
