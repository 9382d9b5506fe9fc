"""A service handler raised ``BpmnError``: a business outcome, not a technical failure.

It is not retried. Under the same lock and lease checks as a job's success, the job ends
and the interpreter routes the error to the nearest error boundary event; when nothing
catches it the token parks with an incident that names the error code.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.services.job_rows import Lease, job_lock_for_lease
from bpmn_engine.services.runtime import step_locked


def job_bpmn_error(*, lease: Lease, code: str, message: str = "") -> str:
    with transaction.atomic():
        locked = job_lock_for_lease(lease, with_state=True)
        if locked is None or locked.state is None or locked.job.token_id is None:
            return "stale"
        token_id = locked.job.token_id.hex
        detail = message if message and message != code else ""
        locked.job.delete()

        def throw(interpreter: Any, state: Any) -> Any:
            return interpreter.throw_error(state, token_id=token_id, code=code, message=detail)

        try:
            step_locked(locked.instance, locked.state, throw)
        except TokenNotWaitingError:
            return "stale"
    return "bpmn_error"
