"""``Idempotency-Key``: a repeated request returns the first response and changes nothing.

The record is a row unique on (caller, key) written in the same transaction as the
change: if the change rolls back, so does the record, and if two first requests race,
the second one's insert fails on the unique constraint, its whole transaction (change
included) rolls back, and it answers with the winner's stored response.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction

from bpmn_engine import clock
from bpmn_engine.models import IdempotencyRecord
from bpmn_engine.services.errors import EngineError

MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(EngineError):
    """The key was already used for a different request: the caller has a bug."""

    status = 422


def request_fingerprint(operation: str, body: Any) -> str:
    """A digest of what was asked, so a reused key with another body is detected."""
    text = json.dumps({"op": operation, "body": body}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str, key: str) -> tuple[int, Any]:
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            f"Idempotency-Key {key!r} was already used for a different request "
            f"({record.operation}); use a new key for a new request"
        )
    return record.response_status, record.response_body


def idempotent_call(
    *,
    caller: AbstractBaseUser,
    key: str,
    operation: str,
    body: Any,
    run: Callable[[], tuple[int, Any]],
) -> tuple[int, Any]:
    """Run ``run`` (which returns status and JSON body) once per (caller, key).

    Only successful responses are stored: an error rolls everything back, so the caller
    may fix the request and retry with the same key.
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise IdempotencyKeyReused(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters")
    fingerprint = request_fingerprint(operation, body)
    try:
        with transaction.atomic():
            found = IdempotencyRecord.objects.filter(caller_id=caller.pk, key=key).first()
            if found is not None:
                return _replay(found, fingerprint, key)
            status, response = run()
            IdempotencyRecord.objects.create(
                caller_id=caller.pk,
                key=key,
                operation=operation[:255],
                request_hash=fingerprint,
                response_status=status,
                response_body=response,
                created_at=clock.now(),
            )
            return status, response
    except IntegrityError:
        winner = IdempotencyRecord.objects.filter(caller_id=caller.pk, key=key).first()
        if winner is None:
            raise
        return _replay(winner, fingerprint, key)
