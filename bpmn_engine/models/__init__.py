"""Baton's tables. Runtime rows (tokens, scopes, open tasks, jobs) hold only what is
active; everything that happened goes to append-only ``HistoryEvent`` rows."""

from bpmn_engine.models.api import (
    ApiToken,
    IdempotencyRecord,
    WebhookDelivery,
    WebhookSubscription,
)
from bpmn_engine.models.clock import ClockOffset
from bpmn_engine.models.definitions import DecisionDefinition, Deployment, ProcessDefinition
from bpmn_engine.models.events import EventSubscription
from bpmn_engine.models.history import HistoryEvent
from bpmn_engine.models.instances import ProcessInstance, Scope, Token
from bpmn_engine.models.jobs import Incident, Job
from bpmn_engine.models.notifications import DigestDelivery
from bpmn_engine.models.tasks import TaskCandidate, TaskComment, UserTask

__all__ = [
    "ApiToken",
    "ClockOffset",
    "DecisionDefinition",
    "DigestDelivery",
    "Deployment",
    "EventSubscription",
    "HistoryEvent",
    "IdempotencyRecord",
    "Incident",
    "Job",
    "ProcessDefinition",
    "ProcessInstance",
    "Scope",
    "TaskCandidate",
    "TaskComment",
    "Token",
    "UserTask",
    "WebhookDelivery",
    "WebhookSubscription",
]
