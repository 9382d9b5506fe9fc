"""What the diagram and the timeline beside it show for one instance.

The diagram is the deployed XML drawn by bpmn-js in the browser; this module only says
which elements to mark. Current tokens come from the Token rows; completed elements from
``element_completed`` history rows. The engine records no row per sequence flow, so the
path taken is the flows whose source completed and whose target was entered, plus the flow
each live token arrived on.

The timeline is the audit trail for people: who started the request, who claimed,
delegated, decided (with the decision and comment they submitted), and how it ended; the
engine's internal steps are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from bpmn_engine.model import BoundaryEvent, EndEvent
from bpmn_engine.models import HistoryEvent, ProcessInstance, Token, UserTask
from bpmn_engine.services.models_cache import definition_model


@dataclass(frozen=True)
class DiagramData:
    """The JSON the page hands to bpmn-js (ids only, the XML is fetched as text)."""

    active: list[str]
    completed: list[str]
    flows: list[str]

    def as_json(self) -> dict[str, list[str]]:
        return {"active": self.active, "completed": self.completed, "flows": self.flows}


def instance_diagram(instance: ProcessInstance) -> DiagramData:
    model = definition_model(instance.definition_id)
    tokens = list(Token.objects.filter(instance=instance).values_list("element_id", "arrived_via"))
    rows = instance.history.filter(event__in=["element_started", "element_completed"])
    started: set[str] = set()
    completed: set[str] = set()
    for event, element_id in rows.values_list("event", "element_id"):
        (completed if event == "element_completed" else started).add(element_id)
    active = {element_id for element_id, _via in tokens}
    entered = started | completed | active
    flows = {
        flow.id
        for flow in model.flows.values()
        if flow.source_id in completed and flow.target_id in entered
    }
    flows |= {via for _element, via in tokens if via}
    return DiagramData(active=sorted(active), completed=sorted(completed), flows=sorted(flows))


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    who: str
    what: str
    kind: str
    """A CSS hook: started, claimed, approved, rejected, completed, comment, ended, problem."""
    detail: str = ""
    element: str = ""


@dataclass
class _Context:
    names: Mapping[str, str]
    end_events: set[str]
    boundaries: Mapping[str, bool] = field(default_factory=dict)
    """Boundary event id -> interrupting (escalations and deadlines people should see)."""
    submitted: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)


def _decision(values: Mapping[str, Any]) -> tuple[str, str]:
    """(kind, label) of a completion: approved/rejected when it carried ``approved``."""
    if values.get("approved") is True:
        return "approved", _("Approved")
    if values.get("approved") is False:
        return "rejected", _("Rejected")
    return "completed", _("Completed")


def _entry(event: HistoryEvent, ctx: _Context) -> TimelineEntry | None:
    element = ctx.names.get(event.element_id, event.element_id)
    data = event.data or {}

    def entry(what: str, kind: str, detail: str = "") -> TimelineEntry:
        return TimelineEntry(event.timestamp, event.user, what, kind, detail, element)

    match event.event:
        case "instance_started":
            return entry(_("Started the request"), "started")
        case "task_claimed":
            return entry(_("Claimed"), "claimed")
        case "task_unclaimed":
            return entry(_("Gave the task back"), "claimed")
        case "task_delegated":
            after = data.get("after") or {}
            user = after.get("assignee", "") if isinstance(after, dict) else ""
            return entry(_("Delegated to %(user)s") % {"user": user}, "claimed")
        case "task_resolved":
            return entry(_("Resolved and handed back"), "claimed")
        case "task_reassigned":
            return entry(_("Reassigned"), "claimed", _reassignment(data))
        case "task_commented":
            return entry(_("Commented"), "comment", str(data.get("text", "")))
        case "task_completed":
            values = ctx.submitted.get(int(data.get("task_id", 0) or 0), {})
            kind, label = _decision(values)
            return entry(label, kind, str(values.get("comment") or ""))
        case "element_completed" if event.element_id in ctx.boundaries:
            if ctx.boundaries[event.element_id]:
                return entry(_("Escalated, the step was taken over"), "problem")
            return entry(_("Escalated"), "problem")
        case "element_completed" if event.element_id in ctx.end_events:
            return entry(_("Ended: %(name)s") % {"name": element}, "ended")
        case "instance_cancelled" | "instance_terminated":
            return entry(_("Stopped"), "problem")
        case "incident":
            return entry(_("A step failed"), "problem", str(data.get("message", "")))
    return None


def _reassignment(data: Mapping[str, Any]) -> str:
    """Who the task is for now, in words: the new assignee and the candidates added."""
    before, after = data.get("before") or {}, data.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ""
    parts = []
    if after.get("assignee") and after.get("assignee") != before.get("assignee"):
        parts.append(_("Assigned to %(user)s") % {"user": after["assignee"]})
    labels = {
        "candidate_groups": _("Groups added: %(names)s"),
        "candidate_users": _("People added: %(names)s"),
    }
    for key, label in labels.items():
        added = [n for n in after.get(key) or [] if n not in (before.get(key) or [])]
        if added:
            parts.append(label % {"names": ", ".join(added)})
    return "; ".join(parts)


def instance_timeline(instance: ProcessInstance) -> list[TimelineEntry]:
    """The human events of an instance, oldest first."""
    model = definition_model(instance.definition_id)
    names = {node.id: node.label for node in model.nodes.values()}
    events = list(instance.history.order_by("id"))
    task_ids = [e.data.get("task_id") for e in events if e.event == "task_completed" and e.data]
    submitted = dict(UserTask.objects.filter(pk__in=task_ids).values_list("pk", "submitted"))
    ctx = _Context(
        names=names,
        end_events={n.id for n in model.nodes.values() if isinstance(n, EndEvent)},
        submitted=submitted,
        boundaries={
            n.id: n.cancel_activity for n in model.nodes.values() if isinstance(n, BoundaryEvent)
        },
    )
    return _entries(events, ctx)


def _entries(events: Iterable[HistoryEvent], ctx: _Context) -> list[TimelineEntry]:
    return [entry for event in events if (entry := _entry(event, ctx)) is not None]
