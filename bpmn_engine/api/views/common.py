"""What every viewset shares: filters, the id pattern, and the documented error bodies."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from bpmn_engine.api.exceptions import PROBLEM_CONTENT_TYPE
from bpmn_engine.api.ordering import AliasOrderingFilter
from bpmn_engine.api.serializers import ProblemSerializer

ID_PATTERN = r"\d{1,18}"
"""Ids are bigints: longer digit strings would overflow the column (a 500), so they 404."""
FILTER_BACKENDS = [DjangoFilterBackend, AliasOrderingFilter]

_DESCRIPTIONS = {
    400: "Bad input: the body lists the invalid fields (errors) or diagram problems (issues).",
    401: "Not signed in.",
    403: "Signed in, but not allowed to do this.",
    404: "No such object, or one the caller may not see.",
    409: "The state moved on meanwhile (task already completed, instance ended).",
    413: "The upload is larger than the limit.",
    422: "The Idempotency-Key was already used for a different request.",
    429: "Too many writes: wait the Retry-After seconds.",
}
ALWAYS = (400, 401, 403, 404, 429)
"""Any call can meet these: bad query parameters or page numbers (400/404), no sign-in,
a refused permission, and the write throttle."""


def problems(*statuses: int) -> dict[Any, OpenApiResponse]:
    """Schema responses for the given error statuses (and ``ALWAYS``),
    each an ``application/problem+json`` body."""
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, _DESCRIPTIONS[code])
        for code in sorted({*ALWAYS, *statuses})
    }


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The upload is too large."
    default_code = "payload_too_large"


def current_user(request: Request) -> AbstractBaseUser:
    """The signed-in user, typed for the services (every endpoint requires sign-in)."""
    user = request.user
    if not isinstance(user, AbstractBaseUser) or not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    return user


def require(allowed: bool, message: str) -> None:
    """A refusal of something the caller can see: 403 (what they cannot see is a 404)."""
    if not allowed:
        raise exceptions.PermissionDenied(message)


@extend_schema(exclude=True)
class UnknownPathView(APIView):
    """Any path under ``/api/v1/`` no route matched: a 404 problem for every method."""

    permission_classes = [AllowAny]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        raise exceptions.NotFound(f"No API endpoint at {request.path}.")
