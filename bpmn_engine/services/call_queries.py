"""Call activities, read side: a parent's view of its children, and deploy warnings."""

from __future__ import annotations

from collections.abc import Sequence

from bpmn_engine.model import CallActivity, ProcessModel
from bpmn_engine.models import Incident, ProcessDefinition, ProcessInstance
from bpmn_engine.services.calls import MAX_CALL_DEPTH


def instance_call_incidents(*, instance: ProcessInstance) -> list[Incident]:
    """Open incidents of every instance this one called, directly or further down."""
    found: list[Incident] = []
    level = [instance.pk]
    for _ in range(MAX_CALL_DEPTH):
        level = list(
            ProcessInstance.objects.filter(parent_id__in=level).values_list("pk", flat=True)
        )
        if not level:
            break
        found += Incident.objects.filter(instance_id__in=level, state=Incident.State.OPEN)
    return found


def unknown_called_keys(processes: Sequence[ProcessModel]) -> list[str]:
    """Deploy warnings for call activities whose key is neither in the file nor deployed.

    Only a warning: the called process may be deployed later; at run time a missing key
    is an incident on the call activity.
    """
    from bpmn_engine.parser import DeployIssue
    from bpmn_engine.parser.errors import WARNING

    in_file = {process.id for process in processes}
    warnings = []
    for process in processes:
        for node in process.nodes.values():
            key = node.called_element if isinstance(node, CallActivity) else ""
            if not key or "${" in key or "#{" in key or key in in_file:
                continue
            if not ProcessDefinition.objects.filter(key=key).exists():
                message = f"calls process {key!r}, which is not deployed (yet)"
                warnings.append(str(DeployIssue(message, node.line, node.id, severity=WARNING)))
    return warnings
