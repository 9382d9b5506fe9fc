"""Engine settings: ``settings.BPMN_ENGINE`` over these defaults (as DRF's settings do)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "MAX_STEPS_PER_TRANSACTION": 10_000,
    "MAX_VARIABLE_BYTES": 1_000_000,
    "MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
    "HANDLER_MODULES": [],
    # camunda:class / camunda:delegateExpression text -> registered handler name.
    "SERVICE_BINDINGS": {},
    "DEFAULT_RETRIES": 3,
    "DEFAULT_RETRY_DELAY_SECONDS": 10.0,
    "JOB_LEASE_SECONDS": 300.0,
    "REDISPATCH_AFTER_SECONDS": 30.0,
    "CONTROLLABLE_CLOCK": False,
    # Named prepared statements on the step's hot path; turn off behind a pooler in
    # transaction mode (PgBouncer), where a session is not kept between transactions.
    "PREPARE_STATEMENTS": True,
    # Job topic -> Celery queue (bpmn_engine.services.job_routing): a routed topic's jobs
    # go to that queue only, for workers started with ``--queues`` (docs/deployment.md).
    "JOB_QUEUES": {},
}


def engine_setting(name: str) -> Any:
    """One engine setting; unknown names are a programming error, not a silent None."""
    if name not in DEFAULTS:
        raise KeyError(f"Unknown BPMN_ENGINE setting {name!r}")
    overrides: dict[str, Any] = getattr(settings, "BPMN_ENGINE", {})
    return overrides.get(name, DEFAULTS[name])
