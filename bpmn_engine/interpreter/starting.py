"""Which element an instance starts at (``Interpreter.start``)."""

from __future__ import annotations

from bpmn_engine.interpreter.errors import NotStartableError
from bpmn_engine.model import ProcessModel, ReceiveTask, StartEvent


def start_event(
    model: ProcessModel, start_event_id: str | None, starts: tuple[StartEvent, ...]
) -> StartEvent | ReceiveTask:
    """The none start event to start at (the first of ``starts``, the model's none start
    events, or the one named), or an event start (a start event or instantiating
    receive task) the runtime saw happen."""
    if not model.is_executable:
        raise NotStartableError(f"Process '{model.id}' is not executable")
    if start_event_id is None:
        if not starts:
            raise NotStartableError(f"Process '{model.id}' has no none start event")
        return starts[0]
    for start in starts:
        if start.id == start_event_id:
            return start
    node = model.nodes.get(start_event_id)
    if node is not None and node.scope_id == model.id and not node.incoming:
        if isinstance(node, StartEvent) or (isinstance(node, ReceiveTask) and node.instantiate):
            return node  # an event start: the runtime decided the event happened
    raise NotStartableError(f"'{start_event_id}' is not a none start event of process '{model.id}'")
