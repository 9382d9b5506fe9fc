"""The admin: upload a diagram through ``definition_deploy``; act on runtime rows only
through services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bpmn_engine.models import Deployment, Incident, ProcessDefinition, ProcessInstance
from tests.approvals.helpers import open_task, run_jobs

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent
SHIPPED = HERE.parent.parent / "diagrams"
UPLOAD = "/admin/bpmn_engine/deployment/upload/"


def upload(client: Any, path: Path, name: str = "") -> Any:
    data = SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/xml")
    return client.post(UPLOAD, {"file": data, "name": name}, follow=True)


def test_deployment_list_links_to_the_upload_form(login: Any) -> None:
    page = login("admin").get("/admin/bpmn_engine/deployment/").content.decode()
    assert f'<a href="{UPLOAD}" class="addlink">Upload BPMN</a>' in page
    form = login("admin").get(UPLOAD).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert "csrfmiddlewaretoken" in form


def test_upload_of_a_good_file_creates_a_deployment(login: Any) -> None:
    response = upload(login("admin"), SHIPPED / "purchase_request.bpmn", name="Demo")
    deployment = Deployment.objects.get()
    assert response.redirect_chain == [
        (f"/admin/bpmn_engine/deployment/{deployment.pk}/change/", 302)
    ]
    assert "Deployed “Demo”." in response.content.decode()
    assert deployment.deployed_by is not None and deployment.deployed_by.username == "admin"
    definition = ProcessDefinition.objects.get()
    assert (definition.key, definition.version) == ("purchase_request", 1)


def test_upload_of_the_same_file_again_changes_nothing(login: Any) -> None:
    admin = login("admin")
    upload(admin, SHIPPED / "purchase_request.bpmn")
    response = upload(admin, SHIPPED / "purchase_request.bpmn")
    assert "is identical to a file already deployed; nothing changed." in (
        response.content.decode()
    )
    assert Deployment.objects.count() == 1


def test_upload_of_a_broken_file_lists_each_issue_with_its_line(login: Any) -> None:
    response = upload(login("admin"), HERE / "diagrams" / "broken.bpmn")
    assert response.status_code == 200
    assert response.redirect_chain == []
    errors = response.context["form"].errors["file"]
    assert errors == [
        "line 5, column 5, element 'Flow_1': sequence flow 'Flow_1' targetRef 'Nowhere' is "
        "not a flow node of process 'broken'",
        "line 6, column 5, element 'Gateway': default flow 'Flow_Missing' of 'Gateway' is "
        "not one of its outgoing flows",
    ]
    page = response.content.decode()
    assert "The file was not deployed. Please fix the problems below." in page
    assert "line 5, column 5, element &#x27;Flow_1&#x27;" in page
    assert "line 6, column 5, element &#x27;Gateway&#x27;" in page
    assert not Deployment.objects.exists()


def test_upload_of_something_that_is_not_xml_is_a_form_error(login: Any, tmp_path: Path) -> None:
    path = tmp_path / "notes.bpmn"
    path.write_bytes(b"hello")
    response = upload(login("admin"), path)
    [error] = response.context["form"].errors["file"]
    assert error.startswith("line 1, column 1: not well-formed XML")


def test_upload_needs_the_add_deployment_permission(login: Any, people: Any) -> None:
    bob = people["bob"]
    bob.is_staff = True
    bob.save()
    assert login("bob").get(UPLOAD).status_code == 403


@pytest.mark.parametrize(
    "model",
    [
        "deployment",
        "processdefinition",
        "processinstance",
        "token",
        "usertask",
        "job",
        "incident",
        "historyevent",
    ],
)
def test_engine_rows_cannot_be_added_in_the_admin(login: Any, model: str) -> None:
    admin = login("admin")
    assert admin.get(f"/admin/bpmn_engine/{model}/").status_code == 200
    assert admin.get(f"/admin/bpmn_engine/{model}/add/").status_code == 403


def test_instance_change_page_is_read_only_with_its_rows(login: Any, start_purchase: Any) -> None:
    instance = start_purchase()
    page = login("admin").get(f"/admin/bpmn_engine/processinstance/{instance.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Manager approval" in text, "the user task inline"
    assert "Task_ManagerApproval" in text, "the token inline"
    assert 'name="_save"' not in text


def test_cancel_action_cancels_through_the_service(login: Any, start_purchase: Any) -> None:
    instance = start_purchase()
    response = login("admin").post(
        "/admin/bpmn_engine/processinstance/",
        {"action": "cancel_instances", "_selected_action": [instance.pk]},
        follow=True,
    )
    assert "1 done." in response.content.decode()
    instance.refresh_from_db()
    assert instance.state == ProcessInstance.State.CANCELLED
    assert instance.history.filter(event="instance_cancelled").exists()
    assert not instance.user_tasks.filter(state="open").exists()


def test_cancel_action_reports_an_instance_that_already_ended(
    login: Any, start_purchase: Any
) -> None:
    instance = start_purchase()
    admin = login("admin")
    data = {"action": "cancel_instances", "_selected_action": [instance.pk]}
    admin.post("/admin/bpmn_engine/processinstance/", data)
    response = admin.post("/admin/bpmn_engine/processinstance/", data, follow=True)
    assert f"#{instance.pk}: Process instance {instance.pk} is Cancelled" in (
        response.content.decode()
    )


def test_retry_action_resolves_the_incident_through_the_service(
    login: Any, purchase_request: Any, people: Any
) -> None:
    from bpmn_engine.services.instances import instance_start

    instance = instance_start(
        definition=purchase_request, variables={"description": "x"}, user=people["alice"]
    )
    run_jobs(instance.pk)
    login("bob").post(f"/tasks/{open_task(instance.pk).pk}/", {"approved": "true"})
    incident = Incident.objects.get(instance=instance)
    response = login("admin").post(
        "/admin/bpmn_engine/incident/",
        {"action": "retry_incidents", "_selected_action": [incident.pk]},
        follow=True,
    )
    assert "1 done." in response.content.decode()
    incident.refresh_from_db()
    assert incident.state == Incident.State.RESOLVED
    assert instance.history.filter(event="incident_resolved", user="admin").exists()


def test_definition_page_draws_the_diagram_and_marks_where_instances_wait(
    login: Any, start_purchase: Any
) -> None:
    """The change page embeds the deployed XML for the bpmn-js viewer, with the element
    the started request waits in as the one highlighted mark."""
    instance = start_purchase()
    url = f"/admin/bpmn_engine/processdefinition/{instance.definition_id}/change/"
    response = login("admin").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["diagram_marks"] == {
        "active": ["Task_ManagerApproval"],
        "completed": [],
        "flows": [],
    }
    assert '<figure class="admin-diagram" data-bpmn-diagram' in page
    assert 'id="diagram-xml"' in page and "bpmndi:BPMNDiagram" in page
    assert "bpmn-js/bpmn-viewer.production.min.js" in page
    assert "approvals/diagram.js" in page
    assert "1 element has instances waiting in it (highlighted)." in page


def test_tokens_are_listed_in_the_admin(login: Any, start_purchase: Any) -> None:
    instance = start_purchase()
    page = login("admin").get("/admin/bpmn_engine/token/").content.decode()
    assert "Task_ManagerApproval" in page
    assert str(instance) in page, "each token names its instance"


def test_suspend_and_resume_actions_go_through_the_services(
    login: Any, start_purchase: Any
) -> None:
    """Suspend stops the instance (its task cannot be completed meanwhile), resume makes
    it active again; each records who did it, and a repeat is refused by number."""
    instance = start_purchase()
    admin = login("admin")
    data = {"_selected_action": [instance.pk]}
    url = "/admin/bpmn_engine/processinstance/"
    response = admin.post(url, {**data, "action": "suspend_instances"}, follow=True)
    assert "1 done." in response.content.decode()
    instance.refresh_from_db()
    assert instance.state == ProcessInstance.State.SUSPENDED
    again = admin.post(url, {**data, "action": "suspend_instances"}, follow=True)
    assert f"#{instance.pk}: Process instance {instance.pk} is suspended" in (
        again.content.decode()
    )

    response = admin.post(url, {**data, "action": "resume_instances"}, follow=True)
    assert "1 done." in response.content.decode()
    instance.refresh_from_db()
    assert instance.state == ProcessInstance.State.ACTIVE
    assert list(
        instance.history.filter(event__in=["instance_suspended", "instance_resumed"])
        .order_by("id")
        .values_list("event", "user")
    ) == [("instance_suspended", "admin"), ("instance_resumed", "admin")]


def test_instance_actions_need_the_change_permission(login: Any, start_purchase: Any) -> None:
    instance = start_purchase()
    from django.contrib.auth.models import Permission, User

    staff = User.objects.get(username="bob")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="view_processinstance"))
    page = login("bob").get("/admin/bpmn_engine/processinstance/").content.decode()
    assert instance.business_key in page, "bob may view the instances"
    assert "suspend_instances" not in page and "cancel_instances" not in page
