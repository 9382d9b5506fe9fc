"""Starting a process from the start page: who may, and how the form validates."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.models import Job, ProcessInstance

pytestmark = pytest.mark.django_db

VALID = {"amount": "1500", "description": "A standing desk", "costCenter": "engineering"}


def test_start_page_lists_the_processes_a_requester_may_start(
    login: Any, purchase_request: Any
) -> None:
    page = login("alice").get("/start/").content.decode()
    assert f'<a href="/start/{purchase_request.pk}/">Purchase request</a>' in page
    assert "Version 1" in page


def test_start_page_hides_processes_of_other_groups(login: Any, purchase_request: Any) -> None:
    """carol is in finance, not in requesters: the purchase request is not offered."""
    page = login("carol").get("/start/").content.decode()
    assert "Purchase request" not in page
    assert "There is no process you can start." in page


def test_start_page_lists_only_the_latest_version(
    login: Any, purchase_request: Any, load_diagram: Any
) -> None:
    from bpmn_engine.services.deploy import definition_deploy

    changed = load_diagram("purchase_request") + b"\n"
    newer = definition_deploy(data=changed, filename="purchase_request.bpmn").definitions[0]
    page = login("alice").get("/start/").content.decode()
    assert f'href="/start/{newer.pk}/"' in page
    assert f'href="/start/{purchase_request.pk}/"' not in page


def test_start_form_of_a_process_the_user_may_not_start_is_404(
    login: Any, purchase_request: Any
) -> None:
    assert login("carol").get(f"/start/{purchase_request.pk}/").status_code == 404
    assert login("alice").get("/start/999999/").status_code == 404


def test_start_form_shows_the_diagram_fields(login: Any, purchase_request: Any) -> None:
    page = login("alice").get(f"/start/{purchase_request.pk}/").content.decode()
    assert '<label for="id_amount">Amount:</label>' in page
    assert '<label for="id_description">What do you want to buy, and why?</label>' in page
    assert '<option value="operations" selected>Operations</option>' in page
    assert '<label for="id_start-business_key">Business key:</label>' in page


def test_start_form_without_amount_shows_the_error_and_starts_nothing(
    login: Any, purchase_request: Any
) -> None:
    response = login("alice").post(f"/start/{purchase_request.pk}/", {**VALID, "amount": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please correct the errors below." in page
    assert response.context["form"].errors == {"amount": ["This field is required."]}
    assert 'aria-invalid="true"' in page
    assert not ProcessInstance.objects.exists()


def test_start_form_with_text_in_a_number_field_shows_the_error(
    login: Any, purchase_request: Any
) -> None:
    response = login("alice").post(f"/start/{purchase_request.pk}/", {**VALID, "amount": "a lot"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"amount": ["Enter a whole number."]}
    assert "Enter a whole number." in response.content.decode()
    assert not ProcessInstance.objects.exists()


def test_start_form_starts_the_process_with_typed_variables(
    login: Any, purchase_request: Any
) -> None:
    client = login("alice")
    response = client.post(
        f"/start/{purchase_request.pk}/", {**VALID, "start-business_key": "PR-7"}, follow=True
    )
    instance = ProcessInstance.objects.get()
    assert response.redirect_chain == [(f"/instances/{instance.pk}/", 302)]
    assert "Your request “Purchase request” was started." in response.content.decode()
    assert instance.business_key == "PR-7"
    assert instance.started_by == "alice"
    variables = instance.scopes.get(parent_id__isnull=True).variables
    assert variables == {
        "amount": 1500,
        "description": "A standing desk",
        "costCenter": "engineering",
        "requester": "alice",
    }
    assert Job.objects.get(instance=instance).topic == "check-budget"


def test_values_are_stored_as_data_never_evaluated(login: Any, purchase_request: Any) -> None:
    """An expression typed into a field is kept as text and shown escaped."""
    client = login("alice")
    text = "${amount > 1} <script>alert(1)</script>"
    client.post(f"/start/{purchase_request.pk}/", {**VALID, "description": text})
    instance = ProcessInstance.objects.get()
    assert instance.scopes.get(parent_id__isnull=True).variables["description"] == text
    page = client.get(f"/instances/{instance.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_start_needs_csrf(people: dict[str, Any], purchase_request: Any) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["alice"])
    response = client.post(f"/start/{purchase_request.pk}/", VALID)
    assert response.status_code == 403
    assert not ProcessInstance.objects.exists()
