"""Timer values: ISO 8601 dates, durations, repeating intervals, and Camunda-style cron.

Pure functions over the text a modeler wrote, shared by deploy-time validation (is the
value valid?) and the runtime (when is the timer due next?). ``now`` is always passed in:
the runtime takes it from ``bpmn_engine.clock``, so tests move time without sleeping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_DURATION = re.compile(
    r"P(?!$)(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)
_REPEAT = re.compile(r"R(?P<n>\d*)")
MAX_DURATION_DAYS = 1000 * 365
"""Longer durations are refused: the due date must stay within what a datetime holds."""


class TimerValueError(ValueError):
    """The timer text is not a valid ISO 8601 value (or cron expression)."""


def parse_duration(text: str) -> timedelta:
    """``P1DT2H``; years count 365 days and months 30 (timers are not calendar-exact)."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise TimerValueError(f"'{text}' is not an ISO 8601 duration (e.g. PT10M)")
    part = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    days = part["y"] * 365 + part["mo"] * 30 + part["w"] * 7 + part["d"]
    if days + (part["h"] / 24 + part["mi"] / 1440 + part["s"] / 86400) > MAX_DURATION_DAYS:
        raise TimerValueError(f"'{text}' is longer than {MAX_DURATION_DAYS // 365} years")
    try:
        return timedelta(days=days, hours=part["h"], minutes=part["mi"], seconds=part["s"])
    except OverflowError:  # an uploaded diagram's value must be refused, not crash
        raise TimerValueError(f"'{text}' is too long a duration") from None


def parse_date(text: str) -> datetime:
    """An ISO 8601 date-time; one without a zone is taken as UTC."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise TimerValueError(f"'{text}' is not an ISO 8601 date-time") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Cycle:
    """A repeating timer. ``repeats`` None means forever; ``cron`` is set for cron cycles."""

    repeats: int | None
    interval: timedelta | None = None
    start: datetime | None = None
    cron: str | None = None


def parse_cycle(text: str) -> Cycle:
    """``R3/PT10M``, ``R/PT1H``, ``R2/2026-01-01T00:00Z/P1D``, or a cron expression."""
    value = text.strip()
    if not value.startswith("R"):
        from bpmn_engine.model.cron import parse_cron

        parse_cron(value)
        return Cycle(repeats=None, cron=value)
    parts = value.split("/")
    repeat = _REPEAT.fullmatch(parts[0])
    if repeat is None or len(parts) not in (2, 3):
        raise TimerValueError(f"'{text}' is not R<n>/<duration> (e.g. R3/PT10M) or cron")
    repeats = int(repeat["n"]) if repeat["n"] else None
    start = parse_date(parts[1]) if len(parts) == 3 else None
    return Cycle(repeats=repeats, interval=parse_duration(parts[-1]), start=start)


def check_timer(timer_type: str, value: str) -> None:
    """Raise ``TimerValueError`` if the value cannot be scheduled (templates are skipped)."""
    if "${" in value or "#{" in value:
        return  # resolved from variables when the timer is scheduled
    if timer_type == "date":
        parse_date(value)
    elif timer_type == "duration":
        parse_duration(value)
    else:
        parse_cycle(value)


def first_due(timer_type: str, value: str, now: datetime) -> tuple[datetime, int | None]:
    """When the timer first fires, and how many more times a cycle fires after that
    (None: forever; 0 for dates and durations)."""
    if timer_type == "date":
        return parse_date(value), 0
    if timer_type == "duration":
        return _later(now, parse_duration(value), value), 0
    cycle = parse_cycle(value)
    remaining = None if cycle.repeats is None else max(cycle.repeats - 1, 0)
    return next_in_cycle(cycle, now, first=True), remaining


def next_in_cycle(cycle: Cycle, after: datetime, *, first: bool = False) -> datetime:
    if cycle.cron is not None:
        from bpmn_engine.model.cron import next_cron_time

        return next_cron_time(cycle.cron, after)
    interval = cycle.interval or timedelta()
    if first and cycle.start is not None and cycle.start > after:
        return cycle.start
    return _later(after, interval, str(interval))


def _later(when: datetime, duration: timedelta, text: str) -> datetime:
    try:
        return when + duration
    except OverflowError:
        raise TimerValueError(f"'{text}' ends after the year 9999") from None
