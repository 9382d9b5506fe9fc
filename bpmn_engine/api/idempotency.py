"""The API side of ``Idempotency-Key``: read the header and replay or record the response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from bpmn_engine.api.views.common import current_user
from bpmn_engine.services.idempotency import idempotent_call

HEADER = "Idempotency-Key"
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Repeating a request with the same key returns the first response and "
    "changes nothing; the same key with a different body is a 422.",
)


def idempotent_response(request: Request, run: Callable[[], tuple[int, Any]]) -> Response:
    """Call ``run`` directly, or once per (user, key) when the header is present."""
    key = request.headers.get(HEADER)
    if key is None:
        status, body = run()
        return Response(body, status=status)
    body_in = request.data if isinstance(request.data, dict) else {}
    status, body = idempotent_call(
        caller=current_user(request),
        key=key,
        operation=f"{request.method} {request.path}",
        body=dict(body_in),
        run=run,
    )
    response = Response(body, status=status)
    return response
