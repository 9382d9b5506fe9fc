"""``/api/v1/`` routes. No trailing slashes, as in the documented paths
(``/process-definitions/key/{key}/start``)."""

from __future__ import annotations

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from bpmn_engine.api.views.common import UnknownPathView
from bpmn_engine.api.views.definitions import DefinitionViewSet, DeploymentViewSet
from bpmn_engine.api.views.events import ConditionView, MessageView, SignalView
from bpmn_engine.api.views.external import ExternalTaskViewSet
from bpmn_engine.api.views.instances import InstanceViewSet
from bpmn_engine.api.views.operations import HistoryEventViewSet, IncidentViewSet, JobViewSet
from bpmn_engine.api.views.tasks import TaskViewSet
from bpmn_engine.api.views.webhooks import WebhookViewSet

app_name = "api"

router = SimpleRouter(trailing_slash=False)
router.register("deployments", DeploymentViewSet, basename="deployment")
router.register("process-definitions", DefinitionViewSet, basename="definition")
router.register("process-instances", InstanceViewSet, basename="instance")
router.register("tasks", TaskViewSet, basename="task")
router.register("external-tasks", ExternalTaskViewSet, basename="external-task")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("jobs", JobViewSet, basename="job")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("history-events", HistoryEventViewSet, basename="history-event")

urlpatterns = [
    *router.urls,
    path("messages", MessageView.as_view(), name="messages"),
    path("signals", SignalView.as_view(), name="signals"),
    path("condition", ConditionView.as_view(), name="condition"),
    # Last: any other path under /api/v1/ is a problem+json 404, not Django's HTML page.
    re_path(r"^.*$", UnknownPathView.as_view()),
]
