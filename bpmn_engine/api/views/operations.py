"""Operator resources: incidents (staff) and history events (staff, or the starter)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from bpmn_engine.api import serializers as s
from bpmn_engine.api.filters import HistoryEventFilter, IncidentFilter
from bpmn_engine.api.permissions import IsStaff
from bpmn_engine.api.selectors import history_list, incident_list
from bpmn_engine.api.views.common import FILTER_BACKENDS, ID_PATTERN, current_user, problems
from bpmn_engine.models import HistoryEvent, Incident
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
