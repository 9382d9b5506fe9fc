"""Operator resources: incidents and jobs (staff), history events (staff, or the starter)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from bpmn_engine.api import serializers as s
from bpmn_engine.api import task_serializers as ts
from bpmn_engine.api.filters import HistoryEventFilter, IncidentFilter, JobFilter
from bpmn_engine.api.permissions import IsStaff
from bpmn_engine.api.selectors import history_list, incident_list
from bpmn_engine.api.services import job_set_due_date
from bpmn_engine.api.views.common import FILTER_BACKENDS, ID_PATTERN, current_user, problems
from bpmn_engine.models import HistoryEvent, Incident, Job
from bpmn_engine.services.identity import username_of
from bpmn_engine.services.jobs import incident_retry


@extend_schema_view(
    list=extend_schema(
        summary="List incidents (staff)",
        responses={200: s.IncidentOutput(many=True), **problems(403)},
    ),
    retrieve=extend_schema(
        summary="Get an incident (staff)", responses={200: s.IncidentOutput, **problems(403, 404)}
    ),
)
class IncidentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Incident]
):
    permission_classes = [IsAuthenticated, IsStaff]
    serializer_class = s.IncidentOutput
    lookup_value_regex = ID_PATTERN
    filter_backends = FILTER_BACKENDS
    filterset_class = IncidentFilter
    ordering_aliases = {"createdAt": "created_at", "id": "id"}

    def get_queryset(self) -> QuerySet[Incident]:
        return incident_list()

    @extend_schema(
        summary="Retry the incident's element (staff)",
        description="Resolves the incident: a failed job gets fresh attempts, a token stopped "
        "by an engine error runs its element again. Retrying a resolved incident changes "
        "nothing.",
        request=None,
        responses={200: s.IncidentOutput, **problems(403, 404, 409)},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def retry(self, request: Request, pk: str) -> Response:
        incident = self.get_object()
        incident_retry(incident_id=incident.pk, user=username_of(current_user(request)))
        return Response(s.IncidentOutput(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(
        summary="List history events",
        description="Staff see every event; others the events of instances they started.",
        responses={200: s.HistoryEventOutput(many=True), **problems()},
    ),
)
class HistoryEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[HistoryEvent]):
    serializer_class = s.HistoryEventOutput
    filter_backends = FILTER_BACKENDS
    filterset_class = HistoryEventFilter
    ordering_aliases = {"timestamp": "timestamp", "id": "id"}

    def get_queryset(self) -> QuerySet[HistoryEvent]:
        return history_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List jobs: service work, external tasks and timers (staff)",
        responses={200: ts.JobOutput(many=True), **problems(403)},
    ),
    retrieve=extend_schema(
        summary="Get a job (staff)", responses={200: ts.JobOutput, **problems(403, 404)}
    ),
)
class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Job]):
    permission_classes = [IsAuthenticated, IsStaff]
    serializer_class = ts.JobOutput
    lookup_value_regex = ID_PATTERN
    filter_backends = FILTER_BACKENDS
    filterset_class = JobFilter
    ordering_aliases = {"dueAt": "due_at", "id": "id"}

    def get_queryset(self) -> QuerySet[Job]:
        return Job.objects.all()

    @extend_schema(
        summary="Set a timer job's due date (staff)",
        description="A due date in the past fires the timer now.",
        request=ts.DueDateInput,
        responses={200: ts.JobOutput, **problems(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="due-date", filter_backends=[])
    def due_date(self, request: Request, pk: str) -> Response:
        job = self.get_object()
        data = ts.DueDateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changed = job_set_due_date(
            job_id=job.pk, due_at=data.validated_data["dueAt"], user=current_user(request)
        )
        return Response(ts.JobOutput(changed).data)
