"""``fixtures/demo.json``: the demo's people, loadable (and reloadable) with loaddata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

FIXTURE = Path(__file__).resolve().parent.parent.parent / "fixtures" / "demo.json"

pytestmark = pytest.mark.django_db


def test_demo_fixture_loads_twice_without_duplicates(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    call_command("loaddata", str(FIXTURE), verbosity=0)
    call_command("loaddata", str(FIXTURE), verbosity=0)
    groups = {
        u.username: sorted(u.groups.values_list("name", flat=True)) for u in User.objects.all()
    }
    assert groups == {
        "alice": ["requesters"],
        "bob": ["managers"],
        "carol": ["finance"],
        "admin": [],
    }
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.filter(is_staff=True).exclude(username="admin").exists()
    alice = User.objects.get(username="alice")
    assert alice.password.startswith("pbkdf2_sha256$")
    assert alice.check_password("alice-demo")


def test_demo_people_can_sign_in_and_alice_can_start_a_request(
    settings: Any, deployed: Any
) -> None:
    from django.test import Client

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    call_command("loaddata", str(FIXTURE), verbosity=0)
    deployed("purchase_request")
    client = Client()
    assert client.login(username="alice", password="alice-demo")
    assert "Purchase request" in client.get("/start/").content.decode()
