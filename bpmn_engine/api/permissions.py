"""Who may do what. Objects a caller may not see are filtered out of the queryset (a 404,
see ``selectors``); these classes refuse what a caller can see but may not do (a 403)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from bpmn_engine.models import ProcessInstance
from bpmn_engine.services.identity import username_of

DEPLOY_PERMISSION = "bpmn_engine.add_deployment"


def is_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_staff", False))


def is_starter_or_staff(user: AbstractBaseUser | AnonymousUser, instance: ProcessInstance) -> bool:
    """Operator rights on one instance: staff, or the user who started it."""
    if is_staff(user):
        return True
    name = username_of(user) if isinstance(user, AbstractBaseUser) else ""
    return bool(name) and instance.started_by == name


class CanDeploy(BasePermission):
    """Uploading (or deleting) a diagram needs ``bpmn_engine.add_deployment``: a diagram
    is code (its expressions, scripts and service bindings run on the server). Reading is
    open."""

    message = "Deploying or deleting needs the permission bpmn_engine.add_deployment."

    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(view, "action", None) not in ("create", "destroy"):
            return True
        return bool(request.user and request.user.has_perm(DEPLOY_PERMISSION))


class IsStaff(BasePermission):
    """Operator actions (incidents, every instance's history) are for staff."""

    message = "This is an operator action: it needs a staff account."

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_staff(request.user)


class IsStarterOrStaff(BasePermission):
    """Cancel and history of an instance: its starter or staff."""

    message = "Only the user who started this instance, or staff, may do this."

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        return isinstance(obj, ProcessInstance) and is_starter_or_staff(request.user, obj)


WORKER_PERMISSION = "bpmn_engine.change_job"


class IsWorker(BasePermission):
    """External workers act on any instance's service tasks: staff, or a service
    account with ``bpmn_engine.change_job``."""

    message = "External task workers need staff or the permission bpmn_engine.change_job."

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_staff(request.user) or bool(request.user.has_perm(WORKER_PERMISSION))
