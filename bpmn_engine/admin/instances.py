"""Process instances with their tokens, tasks, jobs and incidents, and the operator's
cancel, suspend and resume actions (through the services, which lock and record history)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bpmn_engine.admin.base import ReadOnlyAdminMixin, ReadOnlyInline, report_outcome
from bpmn_engine.models import (
    Incident,
    Job,
    ProcessInstance,
    Token,
    UserTask,
)
from bpmn_engine.services.errors import EngineError
from bpmn_engine.services.instances import instance_cancel, instance_resume, instance_suspend


class TokenInline(ReadOnlyInline):
    model = Token
    fields = ("element_id", "state", "arrived_via", "scope_id")
    readonly_fields = fields


class UserTaskInline(ReadOnlyInline):
    model = UserTask
    fields = ("name", "element_id", "state", "assignee", "created_at", "completed_by")
    readonly_fields = fields
    show_change_link = True


class JobInline(ReadOnlyInline):
    model = Job
    fields = ("topic", "element_id", "state", "attempts", "max_attempts", "due_at", "last_error")
    readonly_fields = fields
    show_change_link = True


class IncidentInline(ReadOnlyInline):
    model = Incident
    fields = ("element_id", "state", "message", "created_at", "resolved_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(ProcessInstance)
class ProcessInstanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "id",
        "definition",
        "business_key",
        "state",
        "started_by",
        "started_at",
        "open_incidents",
    )
    list_filter = ("state", "definition__key")
    search_fields = ("business_key", "started_by", "definition__key")
    list_select_related = ("definition",)
    readonly_fields = (
        "definition",
        "business_key",
        "state",
        "version",
        "started_by",
        "started_at",
        "ended_at",
        "open_incidents",
    )
    inlines = (TokenInline, UserTaskInline, JobInline, IncidentInline)
    actions = ("cancel_instances", "suspend_instances", "resume_instances")

    def has_operate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bpmn_engine.change_processinstance")

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[ProcessInstance],
        act: Callable[[ProcessInstance], object],
    ) -> None:
        """Act on each selected instance through a service; one refusal does not stop the
        others, and each is reported with its number."""
        done, errors = 0, []
        for instance in queryset:
            try:
                act(instance)
            except EngineError as exc:
                errors.append(f"#{instance.pk}: {exc}")
            else:
                done += 1
        report_outcome(self, request, done, errors)

    @admin.action(description=_("Cancel the selected instances"), permissions=["operate"])
    def cancel_instances(self, request: HttpRequest, queryset: QuerySet[ProcessInstance]) -> None:
        reason = gettext("Cancelled in the admin")
        user: Any = request.user
        self._each(
            request,
            queryset,
            lambda i: instance_cancel(instance_id=i.pk, reason=reason, user=user),
        )

    @admin.action(description=_("Suspend the selected instances"), permissions=["operate"])
    def suspend_instances(self, request: HttpRequest, queryset: QuerySet[ProcessInstance]) -> None:
        user: Any = request.user
        self._each(request, queryset, lambda i: instance_suspend(instance_id=i.pk, user=user))

    @admin.action(description=_("Resume the selected instances"), permissions=["operate"])
    def resume_instances(self, request: HttpRequest, queryset: QuerySet[ProcessInstance]) -> None:
        user: Any = request.user
        self._each(request, queryset, lambda i: instance_resume(instance_id=i.pk, user=user))
