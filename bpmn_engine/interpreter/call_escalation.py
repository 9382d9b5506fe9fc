"""An escalation thrown in a called instance, arriving at the caller's call activity.

BPMN 2.0 (10.5.6, escalation; 10.3.4, call activity): an escalation not caught inside
the called process propagates to the call activity, where an escalation boundary event
on it catches it like one thrown by an embedded subprocess. Without a boundary it goes
on outwards from the call activity's scope (event subprocesses, enclosing boundaries,
and then this instance's own caller). An escalation nobody catches has no effect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpmn_engine.interpreter.behaviors.boundary import fire_boundary
from bpmn_engine.interpreter.behaviors.escalations import catcher, throw_escalation

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


def escalate_from_call(ctx: Context, token: Token, code: str | None) -> None:
    """``token`` waits on the call activity whose called instance escalated ``code``."""
    boundary = catcher(ctx, token.element_id, code)
    if boundary is not None:
        fire_boundary(ctx, token, boundary, {})
        return
    throw_escalation(ctx, token, code)
