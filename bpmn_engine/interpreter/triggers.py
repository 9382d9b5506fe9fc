"""``Interpreter.trigger``: an event a token listens for has happened.

The runtime calls it with the token that holds the listener and the element whose
listener fired (``Subscribe``/``ScheduleTimer`` carry both), so one entry point serves
catch events, receive tasks, event-based gateways and boundary events alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.behaviors.boundary import fire_boundary
from bpmn_engine.interpreter.behaviors.catch import CatchEventBehavior, EventBasedGatewayBehavior
from bpmn_engine.interpreter.behaviors.event_subprocess import start_event_subprocess
from bpmn_engine.interpreter.behaviors.parallel_multiple import (
    collects_parts,
    is_parallel,
    part_fired,
    split_part,
)
from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.interpreter.event_index import event_index
from bpmn_engine.interpreter.state import TokenState
from bpmn_engine.model import BoundaryEvent, StartEvent

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context

_LISTENING_STATES = (TokenState.WAITING, TokenState.IN_SCOPE, TokenState.FAILED)


def fire(ctx: Context, token_id: str, element_id: str, variables: Mapping[str, Any]) -> None:
    """Run the effect of the event; ``TokenNotWaitingError`` if nobody listens any more.

    ``element_id`` may be a part id of a parallel multiple event (``Catch#1``): the
    event fires once every part has (``behaviors/parallel_multiple.py``).
    """
    element_id, part = split_part(element_id)
    token = ctx.state.tokens.get(token_id)
    node = ctx.model.nodes.get(element_id)
    scope = ctx.state.scopes.get(token_id)
    if token is None and scope is not None and isinstance(node, StartEvent):
        starts = event_index(ctx.model).event_starts.get(scope.element_id, ())
        if any(start is node for start in starts):
            start_event_subprocess(ctx, scope, node, variables)
            return
    if token is None or node is None or token.state not in _LISTENING_STATES:
        raise TokenNotWaitingError(token_id, f"No token listens for '{element_id}' any more")
    if part is not None and is_parallel(node) and collects_parts(ctx, token, node):
        if not part_fired(ctx, token, node, part, variables):
            return  # the other definitions have not all triggered yet
        variables = {}  # each part's variables were set when it triggered
    if isinstance(node, BoundaryEvent) and node.attached_to == token.element_id:
        fire_boundary(ctx, token, node, variables)
        return
    behavior = ctx.behaviors.get(token.element_id)
    behavior = getattr(behavior, "inner", behavior)  # an event with an ioMapping is wrapped
    if token.state is TokenState.WAITING:
        if isinstance(behavior, EventBasedGatewayBehavior):
            behavior.fire(ctx, token, element_id, variables)
            return
        if isinstance(behavior, CatchEventBehavior) and token.element_id == element_id:
            behavior.trigger(ctx, token, variables)
            return
    raise TokenNotWaitingError(token_id, f"Token {token_id} does not listen for '{element_id}'")
