"""Schemathesis over the generated OpenAPI schema, authenticated as staff, against seeded
data: a known-good request per operation (each must reach a 2xx), then a few generated
requests per operation with the seeded ids. No response may be a 5xx or break the schema;
the share of 2xx per operation is printed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as h_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bpmn_engine.api.tokens import api_token_create
from bpmn_engine.models import Job, UserTask
from bpmn_engine.services.external_tasks import external_task_failure, external_task_fetch_and_lock
from bpmn_engine.services.instances import instance_start

pytestmark = pytest.mark.django_db
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
EXAMPLES_PER_OPERATION = 3
V1 = "/api/v1"


class Runner:
    def __init__(self, schema: Any, headers: dict[str, str]) -> None:
        self.schema, self.headers = schema, headers
        self.outcomes: dict[str, list[int]] = defaultdict(list)

    def run(self, case: Any) -> Any:
        response = case.call(headers=self.headers)
        case.validate_response(response, checks=CHECKS)
        self.outcomes[f"{case.operation.method.upper()} {case.operation.path}"].append(
            response.status_code
        )
        return response

    def ok(self, method: str, path: str, *, ids: dict[str, Any] | None = None, **kw: Any) -> Any:
        operation = self.schema[V1 + path][method.upper()]
        response = self.run(
            self.schema.make_case(operation=operation, path_parameters=ids or {}, **kw)
        )
        assert 200 <= response.status_code < 300, (method, path, response.text)
        is_json = "json" in response.headers.get("content-type", [""])[0]
        return response.json() if response.content and is_json else None


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The real WSGI app in this thread, so it sees the test's transaction; like Django's
    test client, keep the request signals from closing that connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(deployed, deployed_api, make_user, settings) -> dict[str, Any]:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"writes": None},
    }
    ops = make_user("ops", "managers", superuser=True)
    make_user("bob", "managers")
    user_task = deployed("services/user_task")
    deployed("events/message_catch")
    deployed("events/signal_catch")
    timer = deployed("events/timer_catch")
    credit = deployed_api("external_credit")
    waiting = instance_start(definition=user_task, variables={"reviewer": "ops"}, user=ops)
    instance_start(definition=deployed("events/message_catch"))
    instance_start(definition=timer)
    failing = instance_start(definition=credit)
    [locked] = external_task_fetch_and_lock(
        worker_id="seed", topics=["api-ext-credit"], lock_seconds=60
    )
    external_task_failure(job_id=locked.job.pk, worker_id="seed", error="seeded", retries=0)
    for _ in range(3):
        instance_start(definition=credit)
    return {
        "token": api_token_create(user=ops).plain,
        "definition": user_task,
        "instance": waiting,
        "task": UserTask.objects.get(instance=waiting),
        "timer_job": Job.objects.get(kind=Job.Kind.TIMER, instance__definition=timer),
        "incident": failing.incidents.get(),
        "dmn": None,
    }


def known_good(r: Runner, s: dict[str, Any], load_diagram: Callable[[str], bytes]) -> None:
    """One valid request per operation, in an order where each one can succeed."""
    d, i, t = s["definition"], s["instance"], s["task"]
    for path in (
        "/deployments",
        "/process-definitions",
        "/process-instances",
        "/tasks",
        "/incidents",
        "/jobs",
        "/history-events",
        "/webhooks",
    ):
        r.ok("get", path)
    r.ok("get", "/deployments/{id}", ids={"id": d.deployment_id})
    r.ok("get", "/deployments/{id}/xml", ids={"id": d.deployment_id})
    r.ok("get", "/process-definitions/{id}", ids={"id": d.pk})
    r.ok("get", "/process-definitions/{id}/xml", ids={"id": d.pk})
    r.ok("get", "/process-definitions/key/{key}", ids={"key": d.key})
    r.ok(
        "post",
        "/process-definitions/{id}/start",
        ids={"id": d.pk},
        body={"variables": {"reviewer": "ops"}},
    )
    r.ok("post", "/process-definitions/key/{key}/start", ids={"key": d.key}, body={})
    for path in ("", "/history", "/variables"):
        r.ok("get", "/process-instances/{id}" + path, ids={"id": i.pk})
    r.ok(
        "put",
        "/process-instances/{id}/variables",
        ids={"id": i.pk},
        body={"variables": {"reviewer": "ops"}},
    )
    r.ok(
        "patch", "/process-instances/{id}/variables", ids={"id": i.pk}, body={"variables": {"a": 1}}
    )
    r.ok("post", "/process-instances/{id}/suspend", ids={"id": i.pk})
    r.ok("post", "/process-instances/{id}/resume", ids={"id": i.pk})
    r.ok(
        "post",
        "/process-instances/{id}/modification",
        ids={"id": i.pk},
        body={"startBefore": ["approve"]},
    )
    r.ok("get", "/tasks/{id}", ids={"id": t.pk})
    r.ok("get", "/tasks/{id}/comments", ids={"id": t.pk})
    r.ok("post", "/tasks/{id}/comments", ids={"id": t.pk}, body={"text": "looks fine"})
    r.ok("post", "/tasks/{id}/claim", ids={"id": t.pk})
    r.ok("post", "/tasks/{id}/unclaim", ids={"id": t.pk})
    r.ok("post", "/tasks/{id}/claim", ids={"id": t.pk})
    r.ok("post", "/tasks/{id}/delegate", ids={"id": t.pk}, body={"userId": "bob"})
    r.ok("post", "/tasks/{id}/resolve", ids={"id": t.pk}, body={})
    r.ok("post", "/tasks/{id}/complete", ids={"id": t.pk}, body={"variables": {}})
    fetch = {"workerId": "w", "topics": ["api-ext-credit"], "lockDuration": 60, "maxTasks": 3}
    first, second, third = r.ok("post", "/external-tasks/fetch-and-lock", body=fetch)
    r.ok(
        "post",
        "/external-tasks/{id}/extend-lock",
        ids={"id": first["id"]},
        body={"workerId": "w", "newDuration": 30},
    )
    r.ok("post", "/external-tasks/{id}/complete", ids={"id": first["id"]}, body={"workerId": "w"})
    r.ok(
        "post",
        "/external-tasks/{id}/bpmn-error",
        ids={"id": second["id"]},
        body={"workerId": "w", "errorCode": "REJECTED"},
    )
    r.ok(
        "post",
        "/external-tasks/{id}/failure",
        ids={"id": third["id"]},
        body={"workerId": "w", "errorMessage": "x", "retries": 2},
    )
    r.ok("get", "/incidents/{id}", ids={"id": s["incident"].pk})
    r.ok("post", "/incidents/{id}/retry", ids={"id": s["incident"].pk})
    r.ok("get", "/jobs/{id}", ids={"id": s["timer_job"].pk})
    r.ok(
        "post",
        "/jobs/{id}/due-date",
        ids={"id": s["timer_job"].pk},
        body={"dueAt": "2030-01-01T00:00:00Z"},
    )
    r.ok("post", "/messages", body={"name": "PaymentReceived"})
    r.ok("post", "/signals", body={"name": "Alarm"})
    hook = r.ok(
        "post", "/webhooks", body={"url": "http://127.0.0.1:9/hook", "eventTypes": ["incident"]}
    )
    r.ok("get", "/webhooks/{id}", ids={"id": hook["id"]})
    r.ok("get", "/webhooks/{id}/deliveries", ids={"id": hook["id"]})
    r.ok("delete", "/webhooks/{id}", ids={"id": hook["id"]})
    r.ok(
        "post",
        "/deployments",
        body={"file": load_diagram("services/user_task_v2")},
        media_type="multipart/form-data",
    )
    r.ok("post", "/process-instances/{id}/cancel", ids={"id": i.pk}, body={"reason": "done"})
    r.ok("delete", "/deployments/{id}", ids={"id": d.deployment_id}, query={"cascade": "true"})


def _operation(result: Any) -> Any:
    """An operation of our own schema; one that does not load (``Err``) fails the test
    through ``ok()``, which raises its error."""
    return result.ok()


def test_every_operation_reaches_a_2xx_and_nothing_breaks_the_schema(
    seeded, load_diagram, wsgi_app
):
    headers = {"Authorization": f"Bearer {seeded['token']}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)
    runner = Runner(schema, headers)
    known_good(runner, seeded, load_diagram)
    ids = {"id": seeded["incident"].instance_id, "key": "MessageCatch"}
    for result in schema.get_all_operations():
        operation = _operation(result)

        @h_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case: Any) -> None:
            for name in case.path_parameters or {}:
                case.path_parameters[name] = ids.get(name, case.path_parameters[name])
            runner.run(case)

        fuzz()
    loaded = [_operation(result) for result in schema.get_all_operations()]
    operations = {f"{o.method.upper()} {o.path}" for o in loaded}
    report = {
        op: sum(200 <= c < 300 for c in runner.outcomes[op]) / max(len(runner.outcomes[op]), 1)
        for op in sorted(operations)
    }
    print("\n".join(f"{share:6.0%}  {op}" for op, share in report.items()))  # noqa: T201
    assert not [op for op, share in report.items() if share == 0], report
