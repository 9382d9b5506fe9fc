"""Retry policy for failed jobs.

A declared ``camunda:failedJobRetryTimeCycle`` such as ``R3/PT5M`` is used as written:
3 attempts in all, 5 minutes apart. Without one: ``DEFAULT_RETRIES`` attempts with an
exponential backoff starting at ``DEFAULT_RETRY_DELAY_SECONDS`` and doubling.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils.dateparse import parse_duration

from bpmn_engine.conf import engine_setting

_CYCLE = re.compile(r"^R(\d+)/(P.+)$")


def _parse_cycle(cycle: str | None) -> tuple[int, timedelta] | None:
    if not cycle:
        return None
    match = _CYCLE.match(cycle.strip())
    if not match:
        return None
    interval = parse_duration(match.group(2))
    if interval is None:
        return None
    return int(match.group(1)), interval


def max_attempts_for(cycle: str | None) -> int:
    parsed = _parse_cycle(cycle)
    if parsed is not None:
        return max(parsed[0], 1)
    return int(engine_setting("DEFAULT_RETRIES"))


def retry_delay(cycle: str | None, attempts_made: int) -> timedelta:
    """Delay before the next attempt, after ``attempts_made`` failed attempts (>= 1)."""
    parsed = _parse_cycle(cycle)
    if parsed is not None:
        return parsed[1]
    base = float(engine_setting("DEFAULT_RETRY_DELAY_SECONDS"))
    return timedelta(seconds=base * 2 ** (attempts_made - 1))
