"""``/api/v1/`` routes. No trailing slashes, as in the documented paths
(``/process-definitions/key/{key}/start``)."""

from __future__ import annotations

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from bpmn_engine.api.views.common import UnknownPathView
from bpmn_engine.api.views.definitions import DefinitionViewSet, DeploymentViewSet
from bpmn_engine.api.views.instances import InstanceViewSet
from bpmn_engine.api.views.operations import HistoryEventViewSet, IncidentViewSet
from bpmn_engine.api.views.tasks import TaskViewSet

app_name = "api"

router = SimpleRouter(trailing_slash=False)
router.register("deployments", DeploymentViewSet, basename="deployment")
router.register("process-definitions", DefinitionViewSet, basename="definition")
router.register("process-instances", InstanceViewSet, basename="instance")
router.register("tasks", TaskViewSet, basename="task")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("history-events", HistoryEventViewSet, basename="history-event")

urlpatterns = [
    *router.urls,
    # Last: any other path under /api/v1/ is a problem+json 404, not Django's HTML page.
    re_path(r"^.*$", UnknownPathView.as_view()),
]
