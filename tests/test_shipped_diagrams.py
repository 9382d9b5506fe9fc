"""Every shipped diagram parses, is fully drawn, deploys; the demo runs all its paths.

The demo paths run through the services only, as the pages and workers do. Service jobs
are executed by calling ``job_execute`` for each pending job, the way a Celery worker
would, so no broker is needed and the test sees each step's result in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from bpmn_engine.parser import parse_bpmn

SHIPPED = Path(__file__).resolve().parent.parent / "diagrams"
DIAGRAMS = sorted(SHIPPED.glob("*.bpmn"))
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DI = "http://www.omg.org/spec/DD/20100524/DI"


def test_diagrams_are_shipped() -> None:
    """The demo diagram is there (a glob over an empty folder would test nothing)."""
    assert "purchase_request.bpmn" in [path.name for path in DIAGRAMS]


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_diagram_parses_without_errors_or_warnings(path: Path) -> None:
    result = parse_bpmn(path.read_bytes(), filename=path.name)
    assert result.definitions.processes, "a shipped diagram has at least one process"
    assert [str(w) for w in result.warnings] == []


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_diagram_draws_every_node_and_flow(path: Path) -> None:
    """bpmn-js renders only what has DI: every node needs a shape, every flow an edge
    with at least two waypoints."""
    definitions = parse_bpmn(path.read_bytes(), filename=path.name).definitions
    root = etree.fromstring(path.read_bytes())
    shapes = {s.get("bpmnElement") for s in root.iter(f"{{{BPMNDI}}}BPMNShape")}
    edges = {
        e.get("bpmnElement"): len(e.findall(f"{{{DI}}}waypoint"))
        for e in root.iter(f"{{{BPMNDI}}}BPMNEdge")
    }
    for process in definitions.processes:
        assert set(process.nodes) - shapes == set(), "nodes without a shape"
        assert set(process.flows) - set(edges) == set(), "flows without an edge"
        assert all(edges[flow] >= 2 for flow in process.flows), "edges need two waypoints"


@pytest.mark.django_db
@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_diagram_deploys(path: Path) -> None:
    from bpmn_engine.services.deploy import definition_deploy

    result = definition_deploy(data=path.read_bytes(), filename=path.name)
    assert result.created
    assert result.definitions
    assert all(d.version == 1 for d in result.definitions)


# --- the purchase request -----------------------------------------------------------------


def run_jobs(instance_id: int) -> list[str]:
    """Execute pending jobs until none is left; return the element ids that ran."""
    from bpmn_engine.models import Job
    from bpmn_engine.services.jobs import job_execute

    ran: list[str] = []
    for _ in range(20):
        jobs = list(Job.objects.filter(instance_id=instance_id, state=Job.State.PENDING))
        if not jobs:
            return ran
        for job in jobs:
            assert job_execute(job_id=job.pk) == "completed", job.last_error
            ran.append(job.element_id)
    raise AssertionError("jobs keep coming: a loop in the diagram?")


def complete_open_task(instance_id: int, element_id: str, user: Any, **variables: Any) -> None:
    from bpmn_engine.models import UserTask
    from bpmn_engine.services.tasks import task_complete

    task = UserTask.objects.get(instance_id=instance_id, state=UserTask.State.OPEN)
    assert task.element_id == element_id
    task_complete(task_id=task.pk, user=user, variables=variables)


def completed_elements(instance_id: int) -> list[str]:
    from bpmn_engine.models import HistoryEvent

    return list(
        HistoryEvent.objects.filter(instance_id=instance_id, event="element_completed")
        .order_by("id")
        .values_list("element_id", flat=True)
    )


def root_variables(instance_id: int) -> dict[str, Any]:
    from bpmn_engine.models import Scope

    return Scope.objects.get(instance_id=instance_id, parent_id__isnull=True).variables


@pytest.fixture
def purchase(deployed: Callable[..., Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "definition": deployed("purchase_request"),
        "alice": make_user("alice", "requesters"),
        "bob": make_user("bob", "managers"),
        "carol": make_user("carol", "finance"),
    }


def start_request(purchase: dict[str, Any], amount: int) -> int:
    from bpmn_engine.services.instances import instance_start

    instance = instance_start(
        definition=purchase["definition"],
        variables={"amount": amount, "description": "Laptop", "costCenter": "engineering"},
        business_key=f"PR-{amount}",
        user=purchase["alice"],
    )
    assert run_jobs(instance.pk) == ["Task_CheckBudget"]
    return instance.pk


APPROVED_END = ["Gateway_Join", "EndEvent_RequestApproved"]


@pytest.mark.django_db
def test_small_request_needs_only_the_manager(purchase: dict[str, Any]) -> None:
    """An amount of 1,000 is not "over 1,000": the manager's yes orders it directly."""
    from bpmn_engine.models import ProcessInstance

    instance_id = start_request(purchase, 1000)
    complete_open_task(instance_id, "Task_ManagerApproval", purchase["bob"], approved=True)
    assert sorted(run_jobs(instance_id)) == ["Task_NotifyRequester", "Task_PlaceOrder"]

    path = completed_elements(instance_id)
    assert "Task_FinanceApproval" not in path
    assert path[:5] == [
        "StartEvent_RequestSubmitted",
        "Task_CheckBudget",
        "Task_ManagerApproval",
        "Gateway_ManagerApproved",
        "Gateway_AmountLarge",
    ]
    assert path[-2:] == APPROVED_END
    instance = ProcessInstance.objects.get(pk=instance_id)
    assert instance.state == ProcessInstance.State.COMPLETED
    assert instance.ended_at is not None
    variables = root_variables(instance_id)
    assert variables["requester"] == "alice"
    assert variables["budgetChecked"] is True
    assert variables["budgetAvailable"] is True
    assert variables["orderNumber"] == f"PO-{instance_id:06d}"
    assert variables["noticeSent"] is True


@pytest.mark.django_db
def test_large_request_needs_finance_too(purchase: dict[str, Any]) -> None:
    """Over 1,000 the manager's yes leads to finance approval before the order."""
    from bpmn_engine.models import ProcessInstance

    instance_id = start_request(purchase, 1001)
    complete_open_task(instance_id, "Task_ManagerApproval", purchase["bob"], approved=True)
    assert run_jobs(instance_id) == []
    complete_open_task(
        instance_id, "Task_FinanceApproval", purchase["carol"], approved=True, comment="ok"
    )
    assert sorted(run_jobs(instance_id)) == ["Task_NotifyRequester", "Task_PlaceOrder"]

    path = completed_elements(instance_id)
    assert path.index("Task_FinanceApproval") > path.index("Gateway_AmountLarge")
    assert "Gateway_FinanceApproved" in path
    assert "Task_SendRejection" not in path
    assert path[-2:] == APPROVED_END
    instance = ProcessInstance.objects.get(pk=instance_id)
    assert instance.state == ProcessInstance.State.COMPLETED
    assert root_variables(instance_id)["comment"] == "ok"
    assert root_variables(instance_id)["orderNumber"] == f"PO-{instance_id:06d}"


@pytest.mark.django_db
def test_manager_rejection_sends_a_notice_and_orders_nothing(purchase: dict[str, Any]) -> None:
    from bpmn_engine.models import ProcessInstance

    instance_id = start_request(purchase, 5000)
    complete_open_task(
        instance_id, "Task_ManagerApproval", purchase["bob"], approved=False, comment="no"
    )
    assert run_jobs(instance_id) == ["Task_SendRejection"]

    path = completed_elements(instance_id)
    assert path[-4:] == [
        "Gateway_ManagerApproved",
        "Gateway_Rejected",
        "Task_SendRejection",
        "EndEvent_RequestRejected",
    ]
    assert "Task_FinanceApproval" not in path
    assert "Task_PlaceOrder" not in path
    instance = ProcessInstance.objects.get(pk=instance_id)
    assert instance.state == ProcessInstance.State.COMPLETED
    variables = root_variables(instance_id)
    assert variables["approved"] is False
    assert variables["noticeSent"] is True
    assert "orderNumber" not in variables


@pytest.mark.django_db
def test_finance_rejection_takes_the_rejection_path(purchase: dict[str, Any]) -> None:
    from bpmn_engine.models import ProcessInstance

    instance_id = start_request(purchase, 60000)
    assert root_variables(instance_id)["budgetAvailable"] is False
    complete_open_task(instance_id, "Task_ManagerApproval", purchase["bob"], approved=True)
    complete_open_task(instance_id, "Task_FinanceApproval", purchase["carol"], approved=False)
    assert run_jobs(instance_id) == ["Task_SendRejection"]

    path = completed_elements(instance_id)
    assert path[-3:] == ["Gateway_Rejected", "Task_SendRejection", "EndEvent_RequestRejected"]
    assert "Task_PlaceOrder" not in path
    assert ProcessInstance.objects.get(pk=instance_id).state == ProcessInstance.State.COMPLETED


@pytest.mark.django_db
def test_tasks_go_to_the_groups_in_the_diagram(purchase: dict[str, Any]) -> None:
    """Manager approval is offered to managers only, finance approval to finance only."""
    from bpmn_engine.selectors import user_task_inbox

    instance_id = start_request(purchase, 2000)
    assert [t.element_id for t in user_task_inbox(user=purchase["bob"])] == ["Task_ManagerApproval"]
    assert list(user_task_inbox(user=purchase["carol"])) == []
    assert list(user_task_inbox(user=purchase["alice"])) == []
    complete_open_task(instance_id, "Task_ManagerApproval", purchase["bob"], approved=True)
    assert list(user_task_inbox(user=purchase["bob"])) == []
    assert [t.element_id for t in user_task_inbox(user=purchase["carol"])] == [
        "Task_FinanceApproval"
    ]


@pytest.mark.django_db
def test_only_requesters_may_start_a_purchase_request(purchase: dict[str, Any]) -> None:
    from bpmn_engine.services.errors import NotPermitted
    from bpmn_engine.services.instances import instance_start

    with pytest.raises(NotPermitted, match="You may not start 'Purchase request'"):
        instance_start(
            definition=purchase["definition"],
            variables={"amount": 10, "description": "Pens"},
            user=purchase["carol"],
        )


# --- the demo handlers, called directly ---------------------------------------------------


def context(topic: str, **variables: Any) -> Any:
    from bpmn_engine.handlers import HandlerContext

    return HandlerContext(
        instance_id=42,
        business_key="PR-1",
        element_id="Task",
        topic=topic,
        job_id=7,
        attempt=1,
        variables=variables,
    )


def test_check_budget_covers_up_to_50000() -> None:
    from bpmn_engine.handlers.demo import check_budget

    assert check_budget(context("check-budget", amount=50000)) == {
        "budgetChecked": True,
        "budgetAvailable": True,
    }
    assert check_budget(context("check-budget", amount=50001)) == {
        "budgetChecked": True,
        "budgetAvailable": False,
    }
    assert check_budget(context("check-budget", amount="lots")) == {
        "budgetChecked": True,
        "budgetAvailable": True,
    }, "a missing or non-numeric amount is not over budget (the form requires a number)"


def test_place_order_gives_the_same_number_every_time() -> None:
    from bpmn_engine.handlers.demo import place_order

    first = place_order(context("place-order"))
    assert first == {"orderNumber": "PO-000042"}
    assert place_order(context("place-order")) == first


def test_send_notice_logs_with_the_idempotency_key(caplog: pytest.LogCaptureFixture) -> None:
    from bpmn_engine.handlers.demo import send_notice

    with caplog.at_level("INFO", logger="bpmn_engine.handlers.demo"):
        result = send_notice(context("send-notice", requester="alice", approved=False))
    assert result == {"noticeSent": True}
    assert caplog.messages == [
        "Notice [baton-job-7] to alice: purchase request #42 (PR-1) was rejected"
    ]


def test_demo_handlers_are_registered_for_the_diagram_topics() -> None:
    from bpmn_engine.handlers import get_handler

    for topic in ("check-budget", "place-order", "send-notice"):
        assert get_handler(topic) is not None, topic
