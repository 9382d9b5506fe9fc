"""History retention: ended instances (with their history, tasks and jobs, which cascade)
are deleted once they are older than their process's time to live.

The time to live is Camunda's ``camunda:historyTimeToLive`` on the ``<process>`` (days,
as a number or ``P<n>D``), read from the deployed XML, or a ``historyTimeToLive``
extension property; else ``BATON_HISTORY_TIME_TO_LIVE_DAYS`` from the settings; with
neither, history is kept forever. Deleting a parent instance deletes the instances its
call activities started (their history belongs to it).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from functools import lru_cache

from django.conf import settings

from bpmn_engine import clock
from bpmn_engine.models import ProcessDefinition, ProcessInstance
from bpmn_engine.parser.namespaces import BPMN, CAMUNDA_NAMESPACES

ENDED = (
    ProcessInstance.State.COMPLETED,
    ProcessInstance.State.TERMINATED,
    ProcessInstance.State.CANCELLED,
)
logger = logging.getLogger(__name__)
_DAYS = re.compile(r"^\s*(?:P(\d+)D|(\d+))\s*$")


def parse_time_to_live(value: str, *, where: str) -> timedelta:
    """``"30"`` or ``"P30D"`` -> 30 days; anything else is refused with its origin."""
    match = _DAYS.match(value)
    if match is None:
        raise ValueError(
            f"{where}: historyTimeToLive {value!r} is not a number of days (e.g. 30 or P30D)"
        )
    return timedelta(days=int(match.group(1) or match.group(2)))


def definition_time_to_live(definition_id: int) -> timedelta | None:
    """The definition's declared time to live, else the settings default, else None."""
    declared = _declared_time_to_live(definition_id)
    if declared is not None:
        return declared
    default = getattr(settings, "BATON_HISTORY_TIME_TO_LIVE_DAYS", None)
    return None if default is None else timedelta(days=float(default))


@lru_cache(maxsize=512)
def _declared_time_to_live(definition_id: int) -> timedelta | None:
    """What the diagram declares (definitions never change, so this is cached)."""
    from bpmn_engine.parser.xml import load_document
    from bpmn_engine.services.models_cache import definition_model

    definition = ProcessDefinition.objects.select_related("deployment").get(pk=definition_id)
    where = f"{definition.deployment.filename}, process {definition.key!r}"
    data = definition.deployment.xml.encode()
    root = load_document(data, filename=definition.deployment.filename, max_bytes=len(data) + 1)
    for process in root.iter(f"{{{BPMN}}}process"):
        if process.get("id") != definition.key:
            continue
        for namespace in CAMUNDA_NAMESPACES:
            value = process.get(f"{{{namespace}}}historyTimeToLive")
            if value:
                return parse_time_to_live(value, where=where)
    value = definition_model(definition).extensions.properties.get("historyTimeToLive")
    return parse_time_to_live(value, where=where) if value else None


def history_cleanup(*, batch_size: int = 500) -> dict[str, int]:
    """Delete ended instances past their time to live, at most ``batch_size`` per
    process per run (the beat entry runs again); returns how many per process key."""
    now = clock.now()
    deleted: dict[str, int] = {}
    definition_ids = (
        ProcessInstance.objects.filter(state__in=ENDED, ended_at__isnull=False)
        .values_list("definition_id", flat=True)
        .distinct()
    )
    for definition_id in list(definition_ids):
        try:
            time_to_live = definition_time_to_live(definition_id)
        except ValueError:  # a bad historyTimeToLive must not stop the other processes
            logger.exception("History of definition %s is kept", definition_id)
            continue
        if time_to_live is None:
            continue
        due = list(
            ProcessInstance.objects.filter(
                definition_id=definition_id, state__in=ENDED, ended_at__lt=now - time_to_live
            ).values_list("pk", flat=True)[:batch_size]
        )
        if due:
            ProcessInstance.objects.filter(pk__in=due).delete()
            key = ProcessDefinition.objects.values_list("key", flat=True).get(pk=definition_id)
            deleted[key] = deleted.get(key, 0) + len(due)
    return deleted
