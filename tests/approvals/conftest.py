"""Fixtures for the page tests: the demo's people, deployed diagrams, quick passwords."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.approvals.helpers import run_jobs

HERE = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """The demo uses PBKDF2; tests need no slow hashing to prove a page works."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    """alice requests, bob and bella manage, carol is finance, admin is a superuser."""
    return {
        "alice": make_user("alice", "requesters"),
        "bob": make_user("bob", "managers"),
        "bella": make_user("bella", "managers"),
        "carol": make_user("carol", "finance"),
        "admin": make_user("admin", superuser=True),
    }


@pytest.fixture
def purchase_request(deployed: Callable[..., Any]) -> Any:
    return deployed("purchase_request")


@pytest.fixture
def review(db: Any) -> Any:
    """A one-task process whose task has no form: the page offers approve/reject."""
    from bpmn_engine.services.deploy import definition_deploy

    data = (HERE / "diagrams" / "review.bpmn").read_bytes()
    return definition_deploy(data=data, filename="review.bpmn").definitions[0]


@pytest.fixture
def login(people: dict[str, Any]) -> Callable[[str], Client]:
    """``login("bob")`` -> a test client signed in as bob (a new client each call)."""

    def sign_in(name: str) -> Client:
        client = Client()
        client.force_login(people[name])
        return client

    return sign_in


@pytest.fixture
def start_purchase(purchase_request: Any, people: dict[str, Any]) -> Callable[..., Any]:
    """Start a purchase request as alice (through the service) and run its budget check."""
    from bpmn_engine.services.instances import instance_start

    def start(amount: int = 500, business_key: str = "PR-1") -> Any:
        instance = instance_start(
            definition=purchase_request,
            variables={"amount": amount, "description": "A chair", "costCenter": "sales"},
            business_key=business_key,
            user=people["alice"],
        )
        run_jobs(instance.pk)
        return instance

    return start
