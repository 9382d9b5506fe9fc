"""API tokens are stored hashed; expired or revoked ones get 401 (issue 6, access 23).

``tests/bpmn_engine/api/test_tokens.py`` covers the command and the service; these add the
admin's path (a token made there is shown once and stored as its SHA-256 digest only,
revoked there it is refused) and a check of every column of the stored row.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from bpmn_engine import clock
from bpmn_engine.api.tokens import api_token_create, api_token_revoke
from bpmn_engine.models import ApiToken

pytestmark = pytest.mark.django_db
URL = "/api/v1/tasks"


def bearer(plain: str, method: str = "get") -> Any:
    client = Client()
    call = getattr(client, method)
    return call(URL, headers={"Authorization": f"Bearer {plain}"})


def stored_row_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM bpmn_engine_apitoken")
        return repr(cursor.fetchall())


def test_a_token_made_in_the_admin_is_shown_once_and_stored_as_its_digest(make_user: Any):
    admin, alice = make_user("root", superuser=True), make_user("alice")
    client = Client()
    client.force_login(admin)
    page = client.post(
        "/admin/bpmn_engine/apitoken/add/", {"user": alice.pk, "name": "ci"}, follow=True
    )
    shown = re.search(r"(baton_[A-Za-z0-9_-]{40,})", page.content.decode())
    assert shown is not None, "the new token is shown once"
    plain = shown.group(1)
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in stored_row_text() and plain[len("baton_") + 6 :] not in stored_row_text()
    assert bearer(plain).status_code == 200
    shown_again = client.get(f"/admin/bpmn_engine/apitoken/{token.pk}/change/").content.decode()
    assert plain not in shown_again


def test_a_token_revoked_in_the_admin_is_401(make_user: Any):
    admin = make_user("root", superuser=True)
    issued = api_token_create(user=make_user("alice"))
    client = Client()
    client.force_login(admin)
    client.post(
        "/admin/bpmn_engine/apitoken/",
        {"action": "revoke", "_selected_action": [issued.token.pk]},
    )
    assert ApiToken.objects.get().revoked_at is not None
    assert bearer(issued.plain).status_code == 401


@pytest.mark.parametrize("method", ["get", "post"])
def test_expired_and_revoked_tokens_are_401_for_reads_and_writes(make_user: Any, method: str):
    alice = make_user("alice")
    expired = api_token_create(user=alice, expires_at=clock.now() + timedelta(seconds=30))
    revoked = api_token_create(user=alice)
    api_token_revoke(token=revoked.token)
    clock.advance(31)
    for plain in (expired.plain, revoked.plain, expired.plain[:-1] + "x"):
        response = bearer(plain, method)
        assert response.status_code == 401, response.content
        assert response["WWW-Authenticate"]


def test_a_token_of_a_deactivated_user_is_401(make_user: Any):
    alice = make_user("alice")
    issued = api_token_create(user=alice)
    alice.is_active = False
    alice.save()
    assert bearer(issued.plain).status_code == 401
