"""Refuse an oversized request body from its ``Content-Length``, before anything reads it.

Django reads at most ``Content-Length`` bytes of a body (``WSGIRequest`` wraps the input
in a ``LimitedStream``) and none when the header is missing, so the header bounds what any
view can be made to read: a client that sends more than it declares is cut off, one that
declares less gets a truncated (and refused) body. Checking the header once here, first in
the middleware chain, covers every upload path at once (the API, the admin, any page)
before the CSRF check or a parser touches the body. Django's own
``DATA_UPLOAD_MAX_MEMORY_SIZE`` is not enough on its own: it is checked only when
``request.body`` is read, and DRF's JSON parser reads the stream instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from bpmn_engine.api.exceptions import PROBLEM_CONTENT_TYPE, problem
from bpmn_engine.conf import engine_setting

UPLOAD_REQUEST_FACTOR = 4
"""An upload may carry the BPMN file and its DMN files, each within the per-file limit."""


def content_length(meta: Mapping[str, Any]) -> int:
    """The declared body size; 0 when missing or not a number (Django then reads nothing)."""
    try:
        return max(0, int(meta.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def request_body_cap(content_type: str) -> int | None:
    """The largest body accepted: uploads (multipart) by the engine's per-file limit,
    anything else by Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (None: no cap)."""
    if content_type.startswith("multipart/"):
        return int(engine_setting("MAX_UPLOAD_BYTES")) * UPLOAD_REQUEST_FACTOR
    cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return int(cap) if cap is not None else None


def too_large_response(request: HttpRequest, length: int, cap: int) -> HttpResponse:
    """413: a problem document under ``/api/``, plain text elsewhere."""
    detail = f"The request is {length} bytes; the limit is {cap}."
    if request.path.startswith("/api/"):
        body = problem(413, "payload-too-large", detail)
        return JsonResponse(body, status=413, content_type=PROBLEM_CONTENT_TYPE)
    return HttpResponse(detail, status=413, content_type="text/plain; charset=utf-8")


class RequestSizeLimitMiddleware:
    """First in ``MIDDLEWARE`` (after ``SecurityMiddleware``): nothing before it reads the
    body, so a refused request costs its headers only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = content_length(request.META)
        cap = request_body_cap(request.content_type or "")
        if cap is not None and length > cap:
            return too_large_response(request, length, cap)
        return self.get_response(request)
