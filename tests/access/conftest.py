"""The people and objects of the access tests: alice's private review, which bob's group
(managers) works on, and mallory, who is signed in but has nothing to do with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Access checks need no slow hashing; the login throttle test uses real sign-ins."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Victim:
    """Alice's instance: ``done_task`` she completed, ``task`` open for the managers."""

    definition: Any
    instance: Any
    task: Any
    done_task: Any

    def id_of(self, kind: str) -> int:
        return int(getattr(self, kind).pk)


MARKER = "SECRET-DOSSIER"
"""In the task names and the business key: a page or list showing it leaks."""


@pytest.fixture
def victim(make_user: Callable[..., Any], load_diagram: Callable[[str], bytes]) -> Victim:
    from bpmn_engine.models import UserTask
    from bpmn_engine.services.deploy import definition_deploy
    from bpmn_engine.services.instances import instance_start
    from bpmn_engine.services.tasks import task_complete

    alice = make_user("alice", "requesters")
    make_user("bob", "managers")
    definition = definition_deploy(
        data=load_diagram("access/private_review"), filename="private_review.bpmn"
    ).definitions[0]
    instance = instance_start(
        definition=definition,
        variables={"amount": 120},
        business_key=f"{MARKER}-1",
        user=alice,
    )
    done = UserTask.objects.get(instance=instance, element_id="Prepare")
    task_complete(task_id=done.pk, user=alice, variables={"note": MARKER})
    task = UserTask.objects.get(instance=instance, element_id="Review")
    return Victim(definition, instance, task, UserTask.objects.get(pk=done.pk))


@pytest.fixture
def mallory(make_user: Callable[..., Any]) -> Client:
    """Signed in (a session, as the pages and the browsable API use), in no group."""
    client = Client()
    client.force_login(make_user("mallory"))
    return client
