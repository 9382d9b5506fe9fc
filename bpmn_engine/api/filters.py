"""django-filter FilterSets; query parameters are camelCase like the JSON fields."""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from bpmn_engine.models import (
    Deployment,
    HistoryEvent,
    Incident,
    Job,
    ProcessDefinition,
    ProcessInstance,
    TaskCandidate,
    UserTask,
)

if TYPE_CHECKING:  # django-filter ships no type hints: its FilterSet is Any to mypy

    class FilterSet:
        pass

else:
    FilterSet = filters.FilterSet


@extend_schema_field(OpenApiTypes.INT)
class UtcDateTimeFilter(filters.IsoDateTimeFilter):  # type: ignore[misc]
    """An ISO 8601 date-time compared in UTC: PostgreSQL refuses odd offsets (-20:22) that
    Python accepts, which would otherwise surface as a 500."""

    def filter(self, qs: Any, value: Any) -> Any:
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except (OverflowError, ValueError):
                raise ValidationError(
                    {self.field_name: "This date-time is out of range."}
                ) from None
        return super().filter(qs, value)


class IdFilter(filters.Filter):  # type: ignore[misc]  # django-filter is untyped
    """An integer (an id, a version, a priority) within the database's 64-bit range: a
    decimal or a larger number is a 400, never a cast or an overflow in the query."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class DeploymentFilter(FilterSet):
    name = filters.CharFilter(lookup_expr="icontains", help_text="Part of the name.")

    class Meta:
        model = Deployment
        fields: list[str] = []


class DefinitionFilter(FilterSet):
    key = filters.CharFilter(help_text="The BPMN process id.")
    version = IdFilter()
    name = filters.CharFilter(lookup_expr="icontains", help_text="Part of the name.")
    latest = filters.BooleanFilter(
        method="filter_latest", help_text="true: only the latest version of each key."
    )

    class Meta:
        model = ProcessDefinition
        fields: list[str] = []

    def filter_latest(
        self, queryset: QuerySet[ProcessDefinition], name: str, value: bool | None
    ) -> QuerySet[ProcessDefinition]:
        if not value:
            return queryset
        newer = ProcessDefinition.objects.filter(
            key=OuterRef("key"), version__gt=OuterRef("version")
        )
        return queryset.filter(~Exists(newer))


class InstanceFilter(FilterSet):
    definitionKey = filters.CharFilter(field_name="definition__key")
    definitionId = IdFilter(field_name="definition_id")
    state = filters.ChoiceFilter(choices=ProcessInstance.State.choices)
    businessKey = filters.CharFilter(field_name="business_key")
    startedBy = filters.CharFilter(field_name="started_by")
    startedAfter = UtcDateTimeFilter(field_name="started_at", lookup_expr="gte")
    startedBefore = UtcDateTimeFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = ProcessInstance
        fields: list[str] = []


class TaskFilter(FilterSet):
    state = filters.ChoiceFilter(choices=UserTask.State.choices)
    assignee = filters.CharFilter()
    candidateUser = filters.CharFilter(method="filter_candidate_user")
    candidateGroup = filters.CharFilter(method="filter_candidate_group")
    processInstanceId = IdFilter(field_name="instance_id")
    processDefinitionKey = filters.CharFilter(field_name="instance__definition__key")
    businessKey = filters.CharFilter(field_name="instance__business_key")
    dueBefore = UtcDateTimeFilter(field_name="due_at", lookup_expr="lt")
    dueAfter = UtcDateTimeFilter(field_name="due_at", lookup_expr="gte")
    priority = IdFilter()
    minPriority = IdFilter(field_name="priority", lookup_expr="gte")
    maxPriority = IdFilter(field_name="priority", lookup_expr="lte")

    class Meta:
        model = UserTask
        fields: list[str] = []

    def filter_candidate_user(
        self, queryset: QuerySet[UserTask], name: str, value: str
    ) -> QuerySet[UserTask]:
        return queryset.filter(
            Exists(TaskCandidate.objects.filter(task=OuterRef("pk"), user=value))
        )

    def filter_candidate_group(
        self, queryset: QuerySet[UserTask], name: str, value: str
    ) -> QuerySet[UserTask]:
        return queryset.filter(
            Exists(TaskCandidate.objects.filter(task=OuterRef("pk"), group=value))
        )


class IncidentFilter(FilterSet):
    processInstanceId = IdFilter(field_name="instance_id")
    state = filters.ChoiceFilter(choices=Incident.State.choices)
    elementId = filters.CharFilter(field_name="element_id")

    class Meta:
        model = Incident
        fields: list[str] = []


class HistoryEventFilter(FilterSet):
    processInstanceId = IdFilter(field_name="instance_id")
    eventType = filters.CharFilter(field_name="event")
    elementId = filters.CharFilter(field_name="element_id")

    class Meta:
        model = HistoryEvent
        fields: list[str] = []


class JobFilter(FilterSet):
    processInstanceId = IdFilter(field_name="instance_id")
    kind = filters.ChoiceFilter(choices=Job.Kind.choices)
    state = filters.ChoiceFilter(choices=Job.State.choices)
    executor = filters.ChoiceFilter(choices=Job.Executor.choices)
    topic = filters.CharFilter()

    class Meta:
        model = Job
        fields: list[str] = []
