"""One exception handler: every error leaves the API as ``application/problem+json``.

RFC 9457 problem details: ``type`` (a ``urn:baton:problem:*`` URI naming the kind of
error), ``title``, ``status`` and ``detail``; invalid fields add ``errors`` (one entry per
field message) and a refused diagram adds ``issues`` (one per problem, with its line,
column and element id) so a client can point at what to fix.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from bpmn_engine.services.deploy import DeployError
from bpmn_engine.services.errors import Conflict, EngineError, InvalidInput, NotFound, NotPermitted
from bpmn_engine.services.idempotency import IdempotencyKeyReused

logger = logging.getLogger(__name__)
PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:baton:problem:"

_ENGINE_CODES: tuple[tuple[type[EngineError], str], ...] = (
    (DeployError, "deploy-refused"),
    (IdempotencyKeyReused, "idempotency-key-reused"),
    (InvalidInput, "invalid-input"),
    (NotPermitted, "not-permitted"),
    (NotFound, "not-found"),
    (Conflict, "conflict"),
)


def problem(status: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE_PREFIX + code.replace("_", "-"),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }


def _engine_problem(exc: EngineError) -> dict[str, Any]:
    code = next((c for cls, c in _ENGINE_CODES if isinstance(exc, cls)), "engine-error")
    if isinstance(exc, DeployError):
        issues = [
            {
                "message": issue.message,
                "line": issue.line,
                "column": issue.column,
                "elementId": issue.element_id,
            }
            for issue in exc.issues
        ]
        detail = f"{exc.filename} was refused: {len(issues)} problem(s) to fix"
        return problem(exc.status, code, detail, issues=issues)
    return problem(exc.status, code, str(exc))


def field_errors(detail: Any, path: str = "") -> Iterator[dict[str, Any]]:
    """Flatten DRF's nested error detail into ``{field, message, code}`` entries, the
    field written as a dotted path (``variables.amount``, ``items[2].name``)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from field_errors(value, f"{path}.{key}" if path else str(key))
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            nested = isinstance(item, dict | list)
            yield from field_errors(item, f"{path}[{index}]" if nested else path)
    else:
        yield {"field": path, "message": str(detail), "code": getattr(detail, "code", None)}


def _api_problem(exc: exceptions.APIException, status: int) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        errors = list(field_errors(exc.detail))
        detail = "; ".join(
            f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors
        )
        return problem(status, "validation-error", detail, errors=errors)
    code = exc.get_codes()
    return problem(status, code if isinstance(code, str) else "error", str(exc.detail))


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is larger than the server accepts."
    default_code = "payload_too_large"


def _server_error(exc: Exception, context: dict[str, Any]) -> Response:
    """A bug: logged with its traceback, answered as a problem that reveals nothing."""
    view = context.get("view")
    logger.error("Unhandled error in %s", type(view).__name__, exc_info=exc)
    body = problem(500, "server-error", "An unexpected error occurred; it has been logged.")
    response = Response(body, status=500)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``. Unknown exceptions become a logged 500 problem."""
    if isinstance(exc, EngineError):
        body = _engine_problem(exc)
        response = Response(body, status=body["status"])
    else:
        if isinstance(exc, Http404):
            exc = exceptions.NotFound()
        elif isinstance(exc, PermissionDenied):
            exc = exceptions.PermissionDenied()
        elif isinstance(exc, RequestDataTooBig):
            exc = RequestTooLarge()
        if not isinstance(exc, exceptions.APIException):
            return _server_error(exc, context)
        handled = exception_handler(exc, context)  # keeps WWW-Authenticate, Retry-After
        if handled is None:  # pragma: no cover - DRF handles every APIException
            return None
        response = handled
        response.data = _api_problem(exc, response.status_code)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
