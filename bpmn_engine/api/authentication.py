"""``Authorization: Bearer <token>`` for scripts and integrations."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    BasicAuthentication,
    get_authorization_header,
)
from rest_framework.request import Request

from bpmn_engine.api.tokens import api_token_user


class BearerTokenAuthentication(BaseAuthentication):
    """A bearer token that is unknown, expired or revoked is a 401, not anonymous
    access: the caller meant to authenticate and must learn that it failed."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Authorization: Bearer needs exactly one token.")
        try:
            plain = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        found = api_token_user(plain=plain)
        if found is None:
            raise exceptions.AuthenticationFailed("The token is unknown, expired or revoked.")
        return found

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class LoginThrottled(exceptions.Throttled):
    """429 for a Basic sign-in while its username and address are locked out."""

    default_code = "login_throttled"


class ThrottledBasicAuthentication(BasicAuthentication):
    """Basic authentication whose refusal says when the sign-in throttle (django-axes,
    ``approvals.auth``) is the reason: a 429 with ``Retry-After``, as on the login page.

    Axes marks the DRF request it was given, which its middleware does not see; the mark
    is read here instead. Even the right password is refused while locked out."""

    def authenticate_credentials(
        self, userid: str, password: str, request: Request | None = None
    ) -> tuple[Any, None]:
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed as failed:
            if request is not None and getattr(request, "axes_locked_out", False):
                from approvals.auth import LOCKOUT_DETAIL, cool_off_seconds

                wait = cool_off_seconds(request)
                raise LoginThrottled(wait=wait, detail=LOCKOUT_DETAIL) from failed
            raise


class ThrottledBasicScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents ``ThrottledBasicAuthentication`` as HTTP Basic in the OpenAPI schema."""

    target_class = "bpmn_engine.api.authentication.ThrottledBasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "basic"}


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents the bearer scheme in the OpenAPI schema."""

    target_class = "bpmn_engine.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}
