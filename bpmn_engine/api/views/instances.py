"""Process instances: list, get, variables, cancel, history."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bpmn_engine.api import serializers as s
from bpmn_engine.api import task_serializers as ts
from bpmn_engine.api.filters import InstanceFilter
from bpmn_engine.api.pagination import PagePagination
from bpmn_engine.api.permissions import is_staff, is_starter_or_staff
from bpmn_engine.api.selectors import instance_list, root_variables
from bpmn_engine.api.services import instance_modify, instance_variables_set
from bpmn_engine.api.views.common import (
    FILTER_BACKENDS,
    ID_PATTERN,
    current_user,
    problems,
    require,
)
from bpmn_engine.models import HistoryEvent, Incident, ProcessInstance, UserTask
from bpmn_engine.services.instances import instance_cancel, instance_resume, instance_suspend


@extend_schema_view(
    list=extend_schema(
        summary="List process instances",
        description="Staff see every instance; others those they started or have a task in.",
        responses={200: s.InstanceOutput(many=True), **problems()},
    ),
    retrieve=extend_schema(
        summary="Get a process instance with its tokens, open tasks and open incidents",
        responses={200: s.InstanceDetailOutput, **problems(404)},
    ),
)
class InstanceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ProcessInstance]
):
    serializer_class = s.InstanceOutput
    lookup_value_regex = ID_PATTERN
    filter_backends = FILTER_BACKENDS
    filterset_class = InstanceFilter
    ordering_aliases = {"startedAt": "started_at", "endedAt": "ended_at", "id": "id"}

    def get_queryset(self) -> QuerySet[ProcessInstance]:
        instances = instance_list(user=self.request.user)
        if self.action != "retrieve":
            return instances
        open_tasks = (
            UserTask.objects.filter(state=UserTask.State.OPEN)
            .select_related("instance__definition")
            .prefetch_related("candidates")
        )
        open_incidents = Incident.objects.filter(state=Incident.State.OPEN).select_related(
            "instance__definition"
        )
        return instances.prefetch_related(
            "tokens",
            Prefetch("user_tasks", queryset=open_tasks, to_attr="open_tasks"),
            Prefetch("incidents", queryset=open_incidents, to_attr="open_incident_rows"),
        )

    def get_serializer_class(self) -> type[s.InstanceOutput]:
        return s.InstanceDetailOutput if self.action == "retrieve" else s.InstanceOutput

    @extend_schema(
        methods=["GET"],
        summary="Get the instance's variables",
        responses={200: s.VariablesOutput, **problems(404)},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Replace the instance's variables (staff)",
        request=s.VariablesInput,
        responses={200: s.VariablesOutput, **problems(400, 403, 404, 409)},
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Merge variables into the instance's variables (staff)",
        request=s.VariablesInput,
        responses={200: s.VariablesOutput, **problems(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "put", "patch"])
    def variables(self, request: Request, pk: str) -> Response:
        """Root-scope variables. Writing them steers a running process, so it is an
        operator action: staff only, not the starter."""
        instance = self.get_object()
        if request.method == "GET":
            return Response(s.VariablesOutput({"variables": root_variables(instance)}).data)
        require(is_staff(request.user), "Only staff may change an instance's variables.")
        data = s.VariablesInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = instance_variables_set(
            instance_id=instance.pk,
            variables=data.validated_data["variables"],
            replace=request.method == "PUT",
            user=current_user(request),
        )
        return Response(s.VariablesOutput({"variables": values}).data)

    @extend_schema(
        summary="Cancel the instance (its starter or staff)",
        request=s.CancelInput,
        responses={200: s.InstanceOutput, **problems(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        instance = self.get_object()
        require(
            is_starter_or_staff(request.user, instance),
            "Only the user who started this instance, or staff, may cancel it.",
        )
        data = s.CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        cancelled = instance_cancel(
            instance_id=instance.pk,
            reason=data.validated_data["reason"],
            user=current_user(request),
        )
        return Response(s.InstanceOutput(cancelled).data)

    @extend_schema(
        summary="The instance's history (its starter or staff)",
        responses={200: s.HistoryEventOutput(many=True), **problems(403, 404)},
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request: Request, pk: str) -> Response:
        instance = self.get_object()
        require(
            is_starter_or_staff(request.user, instance),
            "Only the user who started this instance, or staff, may read its history.",
        )
        events = HistoryEvent.objects.filter(instance=instance).order_by("id")
        paginator = PagePagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(s.HistoryEventOutput(page, many=True).data)

    @extend_schema(
        summary="Suspend the instance (staff): its tasks and jobs cannot progress",
        request=None,
        responses={200: s.InstanceOutput, **problems(403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str) -> Response:
        instance = self.get_object()
        require(is_staff(request.user), "Only staff may suspend an instance.")
        changed = instance_suspend(instance_id=instance.pk, user=current_user(request))
        return Response(s.InstanceOutput(changed).data)

    @extend_schema(
        summary="Resume a suspended instance (staff)",
        request=None,
        responses={200: s.InstanceOutput, **problems(403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        instance = self.get_object()
        require(is_staff(request.user), "Only staff may resume an instance.")
        changed = instance_resume(instance_id=instance.pk, user=current_user(request))
        return Response(s.InstanceOutput(changed).data)

    @extend_schema(
        summary="Token modification (staff): cancel tokens, start before elements",
        request=ts.ModifyInput,
        responses={200: s.InstanceOutput, **problems(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def modification(self, request: Request, pk: str) -> Response:
        instance = self.get_object()
        require(is_staff(request.user), "Token modification is an operator action (staff).")
        data = ts.ModifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        changed = instance_modify(
            instance_id=instance.pk,
            cancel_token_ids=data.validated_data["cancelTokens"],
            start_before=data.validated_data["startBefore"],
            user=current_user(request),
        )
        return Response(s.InstanceOutput(changed).data)
