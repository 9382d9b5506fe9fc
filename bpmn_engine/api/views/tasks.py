"""User tasks: the inbox, one task with its form, claim, unclaim, complete."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bpmn_engine.api import serializers as s
from bpmn_engine.api import task_serializers as ts
from bpmn_engine.api.filters import TaskFilter
from bpmn_engine.api.forms import form_json_schema
from bpmn_engine.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent_response
from bpmn_engine.api.selectors import task_form_fields, task_get, task_list
from bpmn_engine.api.views.common import FILTER_BACKENDS, ID_PATTERN, current_user, problems
from bpmn_engine.models import UserTask
from bpmn_engine.services.comments import task_comment_add, task_comments
from bpmn_engine.services.task_delegation import task_delegate, task_resolve
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
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.TaskOutput, **problems(400, 403, 404, 409, 422)},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        data = s.CompleteInput(data=request.data)
        data.is_valid(raise_exception=True)

        def run() -> tuple[int, Any]:
            task = task_complete(
                task_id=int(pk),
                user=current_user(request),
                variables=data.validated_data["variables"],
            )
            return 200, s.TaskOutput(task).data

        return idempotent_response(request, run)

    @extend_schema(
        summary="Delegate the task (the assignee or owner)",
        request=ts.DelegateInput,
        responses={200: s.TaskOutput, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def delegate(self, request: Request, pk: str) -> Response:
        data = ts.DelegateInput(data=request.data)
        data.is_valid(raise_exception=True)
        task = task_delegate(
            task_id=int(pk), user=current_user(request), to_user=data.validated_data["userId"]
        )
        return Response(s.TaskOutput(task).data)

    @extend_schema(
        summary="Resolve a delegated task: hand it back to its owner",
        request=ts.ResolveInput,
        responses={200: s.TaskOutput, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        data = ts.ResolveInput(data=request.data)
        data.is_valid(raise_exception=True)
        task = task_resolve(
            task_id=int(pk),
            user=current_user(request),
            variables=data.validated_data.get("variables"),
        )
        return Response(s.TaskOutput(task).data)

    @extend_schema(
        methods=["GET"],
        summary="The task's comments, oldest first",
        responses={200: ts.CommentOutput(many=True), **problems(404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Comment on the task (anyone who may see it)",
        request=ts.CommentInput,
        responses={201: ts.CommentOutput, **problems(400, 404)},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def comments(self, request: Request, pk: str) -> Response:
        if request.method == "POST":
            data = ts.CommentInput(data=request.data)
            data.is_valid(raise_exception=True)
            comment = task_comment_add(
                task_id=int(pk), user=current_user(request), text=data.validated_data["text"]
            )
            return Response(ts.CommentOutput(comment).data, status=201)
        task = task_get(task_id=int(pk), user=request.user)
        if task is None:
            raise exceptions.NotFound(f"Task {pk} does not exist.")
        return Response(ts.CommentOutput(task_comments(task=task), many=True).data)
