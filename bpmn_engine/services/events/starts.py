"""Start events that wait for something: timer, message and signal starts (and
instantiating receive tasks), registered when a definition is deployed.

Only the latest version of a key listens: deploying a new version removes the previous
versions' start subscriptions and start timer jobs, then opens its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.behaviors.parallel_multiple import is_parallel, part_id, split_part
from bpmn_engine.interpreter.errors import NotStartableError
from bpmn_engine.model import (
    EventDefinition,
    FlowNode,
    MessageEventDefinition,
    ReceiveTask,
    SignalEventDefinition,
    StartEvent,
    TimerEventDefinition,
)
from bpmn_engine.model.events import first_definition
from bpmn_engine.model.timers import first_due
from bpmn_engine.models import EventSubscription, Job, ProcessDefinition, ProcessInstance
from bpmn_engine.services.errors import InvalidInput
from bpmn_engine.services.events.writer import timer_data
from bpmn_engine.services.models_cache import definition_model
from bpmn_engine.services.runtime import StepResult, check_variables, engine_limits, persist


def _event_starts(definition: ProcessDefinition) -> Iterable[FlowNode]:
    model = definition_model(definition)
    for node in model.children(model.id):
        if isinstance(node, StartEvent) and node.event_definitions:
            yield node
        elif isinstance(node, ReceiveTask) and node.instantiate and not node.incoming:
            yield node


def start_events_register(definitions: Iterable[ProcessDefinition]) -> None:
    """Called by ``definition_deploy`` inside its transaction, for the new versions."""
    now = clock.now()
    for definition in definitions:
        if not definition.is_executable:
            continue
        EventSubscription.objects.filter(instance=None, definition__key=definition.key).delete()
        Job.objects.filter(
            kind=Job.Kind.TIMER, instance=None, definition__key=definition.key
        ).delete()
        for node in _event_starts(definition):
            _register(definition, node, now)


def _register(definition: ProcessDefinition, node: FlowNode, now: Any) -> None:
    if is_parallel(node):  # each of its events starts it: one subscription per part
        for index, part in enumerate(getattr(node, "event_definitions", ())):
            _register_one(definition, node, part, now, part_id(node.id, index))
        return
    _register_one(definition, node, first_definition(node), now, node.id)


def _register_one(
    definition: ProcessDefinition,
    node: FlowNode,
    definition_: EventDefinition | None,
    now: Any,
    element_id: str,
) -> None:
    if isinstance(node, ReceiveTask):
        _subscription(definition, node.id, EventSubscription.Kind.MESSAGE, node.message_name, now)
    elif isinstance(definition_, MessageEventDefinition):
        name = definition_.message_name
        _subscription(definition, element_id, EventSubscription.Kind.MESSAGE, name, now)
    elif isinstance(definition_, SignalEventDefinition):
        name = definition_.signal_name
        _subscription(definition, element_id, EventSubscription.Kind.SIGNAL, name, now)
    elif isinstance(definition_, TimerEventDefinition):
        due, remaining = first_due(definition_.timer_type, definition_.value, now)
        Job.objects.create(
            kind=Job.Kind.TIMER,
            definition=definition,
            element_id=node.id,
            topic=f"timer:{node.id}",
            executor=Job.Executor.CELERY,
            due_at=due,
            timer=timer_data(definition_.timer_type, definition_.value, remaining),
            created_at=now,
        )


def _subscription(
    definition: ProcessDefinition, element_id: str, kind: str, name: str, now: Any
) -> None:
    EventSubscription.objects.create(
        definition=definition, element_id=element_id, kind=kind, name=name, created_at=now
    )


def instance_start_at_event(
    *,
    definition: ProcessDefinition,
    element_id: str,
    variables: Mapping[str, Any] | None = None,
    business_key: str = "",
    user: str = "",
) -> StepResult:
    """Start an instance at an event start (the event happened: a timer was due, a
    message or signal arrived). Runs inside the caller's transaction.

    ``element_id`` may be a part id (``Start#1``) of a parallel multiple start event:
    the instance starts there and that part is delivered at once; the token then waits
    at the start event for the other parts (``behaviors/parallel_multiple.py``).
    """
    values = check_variables(variables)
    interpreter = Interpreter(definition_model(definition), limits=engine_limits())
    start_id, part = split_part(element_id)
    try:
        state, effects = interpreter.start(
            variables=None if part is not None else values, start_event_id=start_id
        )
        if part is not None:
            [token_id] = [t.id for t in state.tokens.values() if t.element_id == start_id]
            effects += interpreter.trigger(
                state, token_id=token_id, element_id=element_id, variables=values
            )
    except NotStartableError as exc:
        raise InvalidInput(str(exc)) from exc
    from bpmn_engine.services.instances import _insert

    now = clock.now()
    instance = ProcessInstance(
        definition=definition, business_key=business_key, started_by=user, started_at=now
    )
    with transaction.atomic():
        _insert(instance)
        created = persist(instance, state, effects, user=user, now=now)
    return StepResult(instance, state, effects, created)
