"""API tokens: create (the plain token is returned once), and find the user of a token.

Only a SHA-256 digest is stored. Tokens are 32 random bytes, so a fast hash is enough
(there is nothing to brute-force, unlike a password), and lookup is one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser

from bpmn_engine import clock
from bpmn_engine.models import ApiToken

TOKEN_PREFIX = "baton_"  # noqa: S105 - a public marker, not a secret


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plain: str
    """Shown to the user once; never stored."""


def token_digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def api_token_create(
    *, user: AbstractBaseUser, name: str = "", expires_at: datetime | None = None
) -> IssuedToken:
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user_id=user.pk,
        name=name,
        prefix=plain[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(plain),
        created_at=clock.now(),
        expires_at=expires_at,
    )
    return IssuedToken(token=token, plain=plain)


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])


def api_token_user(*, plain: str) -> tuple[AbstractBaseUser, ApiToken] | None:
    """The active user of a valid token; None when unknown, expired or revoked."""
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(plain)).first()
    now = clock.now()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token
