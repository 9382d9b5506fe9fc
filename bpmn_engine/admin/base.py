"""Shared pieces of the operator's admin: read-only row views and action reports."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext


class ReadOnlyAdminMixin:
    """View only: no add, change or delete, whatever the user's permissions."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    show_change_link = False
    can_delete = False


def report_outcome(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, done: int, errors: list[str]
) -> None:
    for error in errors:
        modeladmin.message_user(request, error, messages.ERROR)
    if done:
        modeladmin.message_user(
            request, gettext("%(count)d done.") % {"count": done}, messages.SUCCESS
        )
