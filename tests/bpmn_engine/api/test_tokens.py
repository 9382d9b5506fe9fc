"""API tokens: the command prints one once, it is stored hashed, Bearer works until it
expires or is revoked (then 401)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from bpmn_engine import clock
from bpmn_engine.api.tokens import api_token_create, api_token_revoke
from bpmn_engine.models import ApiToken
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/tasks"


def bearer(plain: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


def test_the_command_prints_a_token_once_and_stores_only_its_hash(make_user):
    alice = make_user("alice")
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "alice", "--expires", "30d", stdout=out, stderr=err)
    plain = out.getvalue().strip()
    token = ApiToken.objects.get(user=alice)
    assert plain.startswith("baton_") and plain not in token.digest
    assert len(token.digest) == 64 and plain.startswith(token.prefix)
    assert token.expires_at is not None and token.expires_at > clock.now()
    assert "cannot be shown again" in err.getvalue()
    response = bearer(plain).get(URL)
    assert response.status_code == 200, response.content
    assert ApiToken.objects.get().last_used_at is not None


def test_the_command_refuses_an_unknown_user_and_a_bad_expiry(make_user):
    make_user("alice")
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("create_api_token", "nobody")
    with pytest.raises(CommandError, match="give a duration"):
        call_command("create_api_token", "alice", "--expires", "soon")


def test_an_expired_token_is_401(make_user):
    issued = api_token_create(
        user=make_user("alice"), expires_at=clock.now() + timedelta(seconds=60)
    )
    assert bearer(issued.plain).get(URL).status_code == 200
    clock.advance(61)
    body = assert_problem(bearer(issued.plain).get(URL), 401)
    assert body["detail"] == "The token is unknown, expired or revoked."


def test_a_revoked_or_unknown_token_is_401_with_a_bearer_challenge(make_user):
    issued = api_token_create(user=make_user("alice"))
    api_token_revoke(token=issued.token)
    response = bearer(issued.plain).get(URL)
    assert_problem(response, 401)
    assert_problem(bearer("baton_nope").get(URL), 401)
    anonymous = APIClient().get(URL)
    assert anonymous.status_code == 401
