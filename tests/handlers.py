"""Service-task handlers used by the test diagrams (loaded through BATON_HANDLER_MODULES,
so the real Celery worker processes have them too)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from bpmn_engine.handlers import BpmnError, HandlerContext, service_task


@service_task("test-echo")
def echo(context: HandlerContext) -> Mapping[str, Any]:
    return {"echoed": context.variables.get("input"), "echoAttempt": context.attempt}


@service_task("test-flaky")
def flaky(context: HandlerContext) -> Mapping[str, Any]:
    """Fails until the attempt given by the variable ``succeedOnAttempt``."""
    if context.attempt < int(context.variables["succeedOnAttempt"]):
        raise ConnectionError(f"flaky service down (attempt {context.attempt})")
    return {"flakyAttempts": context.attempt}


@service_task("test-fail")
def fail(context: HandlerContext) -> Mapping[str, Any]:
    raise RuntimeError("the payment service said no")


# Betsy conformance (tests/conformance/adapt.py): placeholder scripts that need Python.


@service_task("betsy-throw-error")
def betsy_throw_error(context: HandlerContext) -> Mapping[str, Any]:
    """THROW_ERROR: betsy's Camunda adapter throws ``new BpmnError("ERR_CODE")``."""
    raise BpmnError("ERR_CODE")


@service_task("betsy-wait-ten-seconds")
def betsy_wait_ten_seconds(context: HandlerContext) -> Mapping[str, Any]:
    """WAIT_TEN_SECONDS: the harness holds this job until the clock is 10 s later."""
    return {}


BETSY_BUSY_SECONDS = 0.5


def _timestamps(name: str) -> Mapping[str, Any]:
    """CREATE_TIMESTAMP_LOG_n: betsy records the [start, end] of a busy script; two
    branches ran truly in parallel iff the intervals overlap."""
    start = time.time()
    time.sleep(BETSY_BUSY_SECONDS)
    return {name: [start, time.time()]}


@service_task("betsy-timestamp-1")
def betsy_timestamp_1(context: HandlerContext) -> Mapping[str, Any]:
    return _timestamps("betsyTimestamp1")


@service_task("betsy-timestamp-2")
def betsy_timestamp_2(context: HandlerContext) -> Mapping[str, Any]:
    return _timestamps("betsyTimestamp2")


@service_task("obs-echo")
def obs_echo(context: HandlerContext) -> Mapping[str, Any]:
    """Logs one line (the observability tests check it carries the instance's ids)."""
    import logging

    logging.getLogger("tests.handlers.obs").info("echoing for %s", context.element_id)
    return {"echoed": context.variables.get("input")}


@service_task("rules-escalate")
def rules_escalate(context: HandlerContext) -> Mapping[str, Any]:
    """Escalation step (tests/diagrams/approvals_rules/escalation.bpmn): the still-open
    ``approve`` task gains the managers group, and the assignee in ``escalateTo``."""
    from bpmn_engine.models import UserTask
    from bpmn_engine.services.tasks import task_reassign

    escalated = []
    for task in UserTask.objects.filter(
        instance_id=context.instance_id, element_id="approve", state=UserTask.State.OPEN
    ):
        task_reassign(
            task_id=task.pk,
            assignee=context.variables.get("escalateTo"),
            add_candidate_groups=["managers"],
        )
        escalated.append(task.pk)
    return {"escalatedTasks": escalated}


@service_task("events-reject")
def events_reject(context: HandlerContext) -> Mapping[str, Any]:
    """Raises a BPMN error with code ``variables["errorCode"]`` (default REJECTED)."""
    raise BpmnError(str(context.variables.get("errorCode", "REJECTED")), "credit check failed")


# Durability (tests/durability/): a payment whose external effect is keyed by the
# idempotency key, and which can be made to block until its worker process is killed.


@service_task("durability-charge")
def durability_charge(context: HandlerContext) -> Mapping[str, Any]:
    """Records each run in ``$BATON_DURABILITY_DIR/runs`` and charges once per
    idempotency key (``charges/<key>``, created exclusively, as a payment API dedups).
    While the file ``block`` exists it waits, until its process is killed; a pool child
    whose parent worker was killed exits with it (as a pdeathsig child would)."""
    import os
    from pathlib import Path

    folder = Path(os.environ.get("BATON_DURABILITY_DIR", "/nonexistent"))
    with (folder / "runs").open("a") as runs:
        runs.write(f"{context.job_id} {context.attempt} {os.getpid()}\n")
    try:
        (folder / "charges" / context.idempotency_key).open("x").close()
    except FileExistsError:
        pass
    parent = os.getppid()
    while (folder / "block").exists():
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(0.05)
    return {"charged": True}


@service_task("durability-unless-fixed")
def durability_unless_fixed(context: HandlerContext) -> Mapping[str, Any]:
    """Fails until the file ``$BATON_DURABILITY_DIR/fixed`` exists (an operator's fix)."""
    import os
    from pathlib import Path

    if not (Path(os.environ.get("BATON_DURABILITY_DIR", "/nonexistent")) / "fixed").exists():
        raise ConnectionError(f"the ledger is down (attempt {context.attempt})")
    return {"fixedOnAttempt": context.attempt}
