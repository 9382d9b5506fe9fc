"""User tasks: the inbox, one task with its form, claim, unclaim, complete."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bpmn_engine.api import serializers as s
from bpmn_engine.api.filters import TaskFilter
from bpmn_engine.api.forms import form_json_schema
from bpmn_engine.api.selectors import task_form_fields, task_get, task_list
from bpmn_engine.api.views.common import FILTER_BACKENDS, ID_PATTERN, current_user, problems
from bpmn_engine.models import UserTask
from bpmn_engine.services.tasks import task_claim, task_complete, task_unclaim

ACTION_ERRORS = problems(400, 403, 404, 409)


@extend_schema_view(
    list=extend_schema(
        summary="List tasks",
        description="Staff see every task; others their inbox: open tasks assigned to them, "
        "or unassigned with them as a candidate.",
        responses={200: s.TaskOutput(many=True), **problems()},
    ),
)
class TaskViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[UserTask]):
    serializer_class = s.TaskOutput
    lookup_value_regex = ID_PATTERN
    filter_backends = FILTER_BACKENDS
    filterset_class = TaskFilter
    ordering_aliases = {
        "priority": "priority",
        "createdAt": "created_at",
        "dueAt": "due_at",
        "id": "id",
    }
    ordering = ["-priority", "created_at"]

    def get_queryset(self) -> QuerySet[UserTask]:
        return task_list(user=self.request.user)

    @extend_schema(
        summary="Get a task with its form as JSON Schema",
        responses={200: s.TaskDetailOutput, **problems(404)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        task = task_get(task_id=int(pk), user=request.user)
        if task is None:
            raise exceptions.NotFound(f"Task {pk} does not exist.")
        form = form_json_schema(task_form_fields(task))
        return Response(s.TaskDetailOutput(task, context={"form": form}).data)

    @extend_schema(
        summary="Claim the task", request=None, responses={200: s.TaskOutput, **ACTION_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str) -> Response:
        task = task_claim(task_id=int(pk), user=current_user(request))
        return Response(s.TaskOutput(task).data)

    @extend_schema(
        summary="Give the task back", request=None, responses={200: s.TaskOutput, **ACTION_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def unclaim(self, request: Request, pk: str) -> Response:
        task = task_unclaim(task_id=int(pk), user=current_user(request))
        return Response(s.TaskOutput(task).data)

    @extend_schema(
        summary="Complete the task with variables",
        description="A task completed meanwhile (double submit) is a 409, never a second "
        "completion.",
        request=s.CompleteInput,
        responses={200: s.TaskOutput, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        data = s.CompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        task = task_complete(
            task_id=int(pk), user=current_user(request), variables=data.validated_data["variables"]
        )
        return Response(s.TaskOutput(task).data)
