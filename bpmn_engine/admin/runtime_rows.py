"""The runtime and history rows on their own: tasks, tokens, jobs, incidents (with the
retry action) and history events, each read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bpmn_engine.admin.base import ReadOnlyAdminMixin, ReadOnlyInline, report_outcome
from bpmn_engine.models import (
    HistoryEvent,
    Incident,
    Job,
    TaskCandidate,
    Token,
    UserTask,
)
from bpmn_engine.services.errors import EngineError
from bpmn_engine.services.jobs import incident_retry


class TaskCandidateInline(ReadOnlyInline):
    model = TaskCandidate
    fields = ("user", "group")
    readonly_fields = fields


@admin.register(UserTask)
class UserTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "name", "instance", "state", "assignee", "created_at", "completed_by")
    list_filter = ("state",)
    search_fields = ("name", "assignee", "element_id")
    list_select_related = ("instance__definition",)
    inlines = (TaskCandidateInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in UserTask._meta.fields]


@admin.register(Token)
class TokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Where instances wait now, across all instances (one row per live token)."""

    list_display = ("element_id", "instance", "state", "arrived_via")
    list_filter = ("state",)
    search_fields = ("element_id", "instance__business_key")
    list_select_related = ("instance__definition",)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in Token._meta.fields]


@admin.register(Job)
class JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "topic", "instance", "element_id", "state", "attempts", "due_at")
    list_filter = ("state", "executor", "topic")
    search_fields = ("topic", "element_id")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in Job._meta.fields]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "instance", "element_id", "state", "message", "created_at")
    list_filter = ("state",)
    search_fields = ("element_id", "message")
    actions = ("retry_incidents",)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in Incident._meta.fields]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bpmn_engine.change_incident")

    @admin.action(description=_("Retry the selected incidents"), permissions=["retry"])
    def retry_incidents(self, request: HttpRequest, queryset: QuerySet[Incident]) -> None:
        done, errors = 0, []
        for incident in queryset.filter(state=Incident.State.OPEN):
            try:
                incident_retry(incident_id=incident.pk, user=request.user.get_username())
            except EngineError as exc:
                errors.append(f"#{incident.pk}: {exc}")
            else:
                done += 1
        report_outcome(self, request, done, errors)


@admin.register(HistoryEvent)
class HistoryEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("timestamp", "instance", "event", "element_id", "user")
    list_filter = ("event",)
    search_fields = ("element_id", "user", "event")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in HistoryEvent._meta.fields]
