"""Runs one betsy case against Baton's services, the way betsy's harness runs it.

1. deploy the adapted file (a refusal logs ``ERROR_deployment``);
2. start ``ParallelProcess`` first if the case says so, then the case's process with its
   variables (a start that raises logs ``ERROR_runtime``);
3. drive it: run due service jobs and timers through ``jobs.job_execute``; betsy's
   ``optionDelay`` becomes ``clock.advance`` on the controllable clock, never a sleep;
4. gather: the script markers in the order the engine ran them (from its history), then
   the harness markers, with betsy's rewriting of ``ERROR_*`` to ``ERROR``.

Messages and signals in betsy's models are thrown by the models themselves, so the harness
never correlates one; the engine has to route them.
"""

from __future__ import annotations

import importlib
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.models import HistoryEvent, Incident, Job, ProcessInstance
from bpmn_engine.models.instances import Scope
from bpmn_engine.services.deploy import DeployError, definition_deploy
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.jobs import job_execute

from .adapt import DATA_SEEN, LOG_PREFIX, MARKER_CREATED, WAIT_SECONDS, adapt
from .corpus import BETSY

WORKER_TIMEOUT = 10.0
MAX_JOB_ROUNDS = 500
"""More job runs than any betsy case needs; beyond it the case is looping and fails."""

_UNCAUGHT_ERROR = re.compile(r"\b(uncaught|not caught|unhandled)\b", re.IGNORECASE)


@dataclass
class Outcome:
    trace: list[str] = field(default_factory=list)
    """The log betsy would read: script markers in run order, then harness markers."""
    script_markers: list[str] = field(default_factory=list)
    main_state: str = "not started"
    details: list[str] = field(default_factory=list)
    """Why things went wrong (deploy issues, start errors, incidents), for failure messages."""

    def describe(self) -> str:
        lines = [f"trace: {self.trace}", f"main instance: {self.main_state}", *self.details]
        return "\n  ".join(lines)


def run_case(case: dict[str, Any], *, by_workers: bool = False) -> Outcome:
    """Run one case; ``by_workers`` leaves the jobs to real Celery workers (true concurrency)."""
    outcome = Outcome()
    adapted = adapt((BETSY / case["file"]).read_bytes())
    if adapted.unknown_tokens:
        raise AssertionError(f"unknown placeholder tokens {adapted.unknown_tokens}")
    expected = case["expected_trace"]
    harness: list[str] = []
    try:
        definition_deploy(data=adapted.data, filename=case["file"])
        run_on_commit()
    except DeployError as error:
        harness.append("ERROR_deployment")
        outcome.details += [f"deploy: {issue}" for issue in error.issues]
    else:
        main = _start_all(case, outcome, harness)
        if by_workers:
            _wait_for_workers(outcome)
        else:
            _drive(case["wait_before_gather_ms"] / 1000, outcome)
        if main is not None:
            main.refresh_from_db()
            outcome.main_state = main.state
        harness += _outcome_markers(outcome)
    outcome.script_markers = _script_markers(adapted.logging_elements)
    harness += _side_channel_markers(expected, outcome.script_markers)
    logged = [m for m in outcome.script_markers if m != MARKER_CREATED]
    if "ERROR" in expected:
        harness = ["ERROR" if m in ("ERROR_deployment", "ERROR_runtime") else m for m in harness]
    outcome.trace = logged + harness
    outcome.script_markers = logged
    return outcome


def _start_all(case: dict[str, Any], outcome: Outcome, harness: list[str]) -> Any:
    start = case["start"]
    if start["parallel_process_first"]:
        _start("ParallelProcess", {}, outcome, harness)
    return _start(case["process_id"], dict(start["variables"]), outcome, harness)


def _start(key: str, variables: dict[str, Any], outcome: Outcome, harness: list[str]) -> Any:
    try:
        instance = instance_start(key=key, variables=variables)
        run_on_commit()
        return instance
    except Exception as error:  # betsy: any exception from the start call is ERROR_runtime
        harness.append("ERROR_runtime")
        outcome.details.append(f"start {key}: {type(error).__name__}: {error}")
        return None


def _drive(wait_seconds: float, outcome: Outcome) -> None:
    """Run what is due now, then let ``wait_seconds`` pass, stopping at every due job."""
    _run_due_jobs(outcome)
    remaining = wait_seconds
    while remaining > 0:
        now = clock.now()
        due = _next_due(now)
        step = remaining if due is None else min(remaining, max(0.0, (due - now).total_seconds()))
        clock.advance(step)
        remaining -= step
        _run_due_jobs(outcome)


def _wait_for_workers(outcome: Outcome) -> None:
    """Betsy waits 22 s for its two 10 s scripts; ours are busy for 0.5 s each, so wait
    until no instance is active and no job is left, or WORKER_TIMEOUT."""
    deadline = time.monotonic() + WORKER_TIMEOUT
    while time.monotonic() < deadline:
        active = ProcessInstance.objects.filter(state=ProcessInstance.State.ACTIVE).exists()
        jobs = Job.objects.exclude(state=Job.State.FAILED).exists()
        if not active and not jobs:
            return
        time.sleep(0.1)
    outcome.details.append(f"the workers had not finished after {WORKER_TIMEOUT} s")


def run_on_commit() -> None:
    """Run the work the engine deferred to "after commit", as a commit would.

    Each case runs inside one rolled-back test transaction, where nothing ever commits, yet
    the engine hands signals, messages and call-activity returns to ``on_commit``. So after
    every action the harness runs those callbacks (and any they add) in order, as Django's
    ``captureOnCommitCallbacks(execute=True)`` does. Job dispatches are left out: they only
    send a broker message, and the harness runs due jobs itself, as the sweeper would.
    """
    connection = transaction.get_connection()
    for _ in range(MAX_JOB_ROUNDS):
        pending = list(connection.run_on_commit)
        if not pending:
            return
        connection.run_on_commit.clear()
        for entry in pending:
            callback = entry[1]
            if "job_dispatch" not in getattr(getattr(callback, "__code__", None), "co_names", ()):
                callback()
    raise AssertionError(f"on-commit work still pending after {MAX_JOB_ROUNDS} rounds")


def _hold_until(job: Job) -> datetime:
    """A busy-task job (WAIT_TEN_SECONDS) only finishes once that much time has passed."""
    return max(job.due_at, job.created_at + timedelta(seconds=WAIT_SECONDS.get(job.topic, 0)))


def _pending() -> list[Job]:
    return list(
        Job.objects.filter(state=Job.State.PENDING, executor=Job.Executor.CELERY).order_by(
            "due_at", "pk"
        )
    )


def _next_due(now: datetime) -> datetime | None:
    times = [_hold_until(job) for job in _pending()]
    return min(times) if times else None


def _run_due_jobs(outcome: Outcome) -> None:
    for _ in range(MAX_JOB_ROUNDS):
        now = clock.now()
        due = [job for job in _pending() if _hold_until(job) <= now]
        if not due:
            return
        for job in due:
            _fire(job)
            run_on_commit()
    outcome.details.append(f"stopped after {MAX_JOB_ROUNDS} rounds of jobs: a job loop")


def _fire(job: Job) -> None:
    """Service jobs through ``job_execute``; timer jobs through the events service's
    ``timer_fire`` (what the Celery ``fire_timer`` task calls), looked up at run time so the
    harness works before and after timers land."""
    if getattr(job, "kind", "service") == "timer":
        timers = importlib.import_module("bpmn_engine.services.events.timers")
        timers.timer_fire(job_id=job.pk)
    else:
        job_execute(job_id=job.pk)


def _script_markers(logging_elements: set[str]) -> list[str]:
    """Markers in the order the scripts ran, across every instance of the case."""
    rows = HistoryEvent.objects.filter(
        event="variables_set", element_id__in=logging_elements
    ).order_by("pk")
    markers = []
    for row in rows:
        for name in row.data.get("names", []):
            if name.startswith(LOG_PREFIX):
                markers.append(name.removeprefix(LOG_PREFIX))
    return markers


def _outcome_markers(outcome: Outcome) -> list[str]:
    """ERROR_runtime / ERROR_thrownErrorEvent from open incidents, as betsy reads them from
    an engine's log. An uncaught BPMN error is recognised by its incident message."""
    markers = []
    for incident in Incident.objects.filter(state=Incident.State.OPEN).order_by("pk"):
        outcome.details.append(f"incident at {incident.element_id}: {incident.message}")
        if _UNCAUGHT_ERROR.search(incident.message) and "error" in incident.message.lower():
            markers.append("ERROR_thrownErrorEvent")
        else:
            markers.append("ERROR_runtime")
    # Betsy logs one outcome line per kind, however many instances failed.
    return sorted(set(markers), key=markers.index)


def _side_channel_markers(expected: list[str], scripts: list[str]) -> list[str]:
    """MARKER_exists, DATA_correct and EXECUTION_parallel are appended only if expected."""
    markers = []
    if "MARKER_exists" in expected and MARKER_CREATED in scripts:
        markers.append("MARKER_exists")
    if "DATA_correct" in expected and _variable_values(DATA_SEEN) & {"String"}:
        markers.append("DATA_correct")
    if "EXECUTION_parallel" in expected and _intervals_overlap():
        markers.append("EXECUTION_parallel")
    return markers


def _variable_values(name: str) -> set[Any]:
    rows = Scope.objects.filter(variables__has_key=name).values_list("variables", flat=True)
    return {repr(v[name]) if isinstance(v[name], list | dict) else v[name] for v in rows}


def _intervals_overlap() -> bool:
    found: dict[str, list[float]] = {}
    for variables in Scope.objects.values_list("variables", flat=True):
        for name in ("betsyTimestamp1", "betsyTimestamp2"):
            if name in variables:
                found[name] = variables[name]
    if len(found) < 2:
        return False
    (a0, a1), (b0, b1) = found.values()
    return a0 < b1 and b0 < a1


def instance_states() -> dict[str, int]:
    """How many instances ended in each state (for failure messages)."""
    states: dict[str, int] = {}
    for state in ProcessInstance.objects.values_list("state", flat=True):
        states[state] = states.get(state, 0) + 1
    return states
