"""Conditional start events of processes: Camunda's "evaluate start conditions".

A process-level start event with a ``conditionalEventDefinition`` starts an instance when
its condition over some variables is true. Nothing in the engine changes those variables
before an instance exists, so (as in Camunda 7, ``POST /condition``) the caller supplies
them: ``conditions_evaluate`` evaluates the conditional start events of the latest
version of every executable process and starts one instance of each process whose
condition holds, with those variables. A condition naming a variable that was not
supplied is false. Baton has no tenants, so there is no tenant filter; and where Camunda
answers "nothing started" with an error, an empty list is returned.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from bpmn_engine.interpreter import compiled
from bpmn_engine.interpreter.expressions import ExpressionError, UnknownVariableError
from bpmn_engine.model import ConditionalEventDefinition, ProcessModel, StartEvent
from bpmn_engine.model.events import first_definition
from bpmn_engine.models import ProcessDefinition, ProcessInstance
from bpmn_engine.services.errors import InvalidInput
from bpmn_engine.services.events.starts import instance_start_at_event
from bpmn_engine.services.identity import username_of
from bpmn_engine.services.models_cache import definition_model
from bpmn_engine.services.runtime import check_variables

_MARKER = "conditionalEventDefinition"
"""Only definitions whose XML mentions it can have a conditional start (a cheap filter)."""


@dataclass(frozen=True)
class ConditionStart:
    instance: ProcessInstance
    element_id: str


def conditional_starts(model: ProcessModel) -> Iterator[tuple[StartEvent, str]]:
    """The process-level conditional start events of ``model`` with their condition."""
    for node in model.children(model.id):
        definition = first_definition(node)
        if isinstance(node, StartEvent) and isinstance(definition, ConditionalEventDefinition):
            yield node, definition.condition.strip()


def _latest_candidates(key: str | None) -> list[ProcessDefinition]:
    definitions = ProcessDefinition.objects.filter(is_executable=True)
    if key is not None:
        definitions = definitions.filter(key=key)
    latest = definitions.values("key").annotate(version=Max("version"))
    wanted = {(row["key"], row["version"]) for row in latest}
    found = definitions.filter(deployment__xml__contains=_MARKER).select_related("deployment")
    return sorted(
        (d for d in found if (d.key, d.version) in wanted), key=lambda d: (d.key, d.version)
    )


def _holds(definition: ProcessDefinition, start: StartEvent, text: str, values: Any) -> bool:
    try:
        result = compiled.expression(text).evaluate(values)
    except UnknownVariableError:
        return False
    except ExpressionError as error:
        raise InvalidInput(
            f"Condition of start event '{start.id}' of process {definition.key!r} "
            f"failed: {error.message}"
        ) from None
    return result is True


def conditions_evaluate(
    *,
    variables: Mapping[str, Any] | None = None,
    business_key: str | None = None,
    process_definition_key: str | None = None,
    user: AbstractBaseUser | None = None,
) -> list[ConditionStart]:
    """Start every latest-version process whose conditional start condition holds for
    ``variables`` (one instance per process, at its first start event that holds)."""
    values = check_variables(variables)
    username = username_of(user)
    started: list[ConditionStart] = []
    with transaction.atomic():
        for definition in _latest_candidates(process_definition_key):
            model = definition_model(definition)
            for start, text in conditional_starts(model):
                if not _holds(definition, start, text, values):
                    continue
                step = instance_start_at_event(
                    definition=definition,
                    element_id=start.id,
                    variables=values,
                    business_key=business_key or "",
                    user=username,
                )
                started.append(ConditionStart(step.instance, start.id))
                break
    return started
