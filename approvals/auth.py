"""Failed sign-in throttling, on django-axes.

``LoginAttemptBackend`` is first in ``AUTHENTICATION_BACKENDS``: while a username and
client address are locked out (``AXES_FAILURE_LIMIT`` failures within the cool-off) it
refuses the sign-in before the password is even checked, so a right guess after the limit
is refused too. Every web sign-in passes through ``authenticate(request=...)``: the login
page, the admin's login and the API's Basic authentication; ``lockout_response`` turns the
refusal into a 429 that fits where it happened.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from bpmn_engine.api.exceptions import PROBLEM_CONTENT_TYPE, problem

LOCKOUT_DETAIL = "Too many failed sign-ins for this account from your address; try again later."


class LoginAttemptBackend(AxesStandaloneBackend):  # type: ignore[misc]  # axes is untyped
    """Axes' lockout check, skipped when there is no request: such a call (a management
    command, the test client's ``login()``) is not a sign-in from the web, and the
    standalone backend would otherwise raise instead of letting the next backend answer."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        return None


def cool_off_seconds(request: Any) -> int:
    """How long a lockout lasts (an hour if no cool-off is set: an admin unlocks)."""
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 3600


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: a problem document under ``/api/``, else the sign-in
    page again with the reason (status 429, with ``Retry-After``)."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        body = problem(429, "login-throttled", LOCKOUT_DETAIL)
        response = JsonResponse(body, status=429, content_type=PROBLEM_CONTENT_TYPE)
    else:
        form = AuthenticationForm(request, data=request.POST or None)
        context = {"form": form, "lockout": True, "next": request.POST.get("next", "")}
        response = TemplateResponse(request, "registration/login.html", context, status=429)
        response.render()
    response["Retry-After"] = str(cool_off_seconds(request))
    return response
