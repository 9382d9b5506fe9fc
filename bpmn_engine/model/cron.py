"""Cron as Camunda 7 writes it (Quartz): ``sec min hour day-of-month month day-of-week
[year]``, with ``*``, ``?``, lists, ranges and ``/`` steps. ``L``, ``W`` and ``#`` are
refused rather than guessed at."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bpmn_engine.model.timers import TimerValueError

_FIELDS = (("second", 0, 59), ("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12))
_DAY_NAMES = {n: i for i, n in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)}
_MONTHS = {
    n: i
    for i, n in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}
_SEARCH_DAYS = 366 * 5
_QUARTZ_ONLY = re.compile(r"(?<![A-Z])L(?![A-Z])|\dW|#")


def _number(text: str, names: dict[str, int]) -> int:
    upper = text.upper()
    if upper in names:
        return names[upper]
    if not text.isdigit():
        raise TimerValueError(f"'{text}' is not a number in a cron expression")
    return int(text)


def _field(text: str, low: int, high: int, names: dict[str, int]) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = _number(step_text, {})
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _number(a, names), _number(b, names)
        else:
            start = _number(part, names)
            end = high if step > 1 or "/" in text else start
        if not low <= start <= end <= high or step < 1:
            raise TimerValueError(f"cron field '{text}' is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def parse_cron(text: str) -> tuple[frozenset[int], ...]:
    """Sets of allowed seconds, minutes, hours, days, months, weekdays (Mon=0)."""
    parts = text.split()
    if len(parts) not in (6, 7) or _QUARTZ_ONLY.search(text.upper()):
        raise TimerValueError(
            f"'{text}' is neither R<n>/<duration> nor a cron expression "
            "(sec min hour day month weekday [year])"
        )
    sets = [
        _field(part, low, high, _MONTHS if name == "month" else {})
        for part, (name, low, high) in zip(parts[:5], _FIELDS, strict=True)
    ]
    quartz_days = _field(parts[5], 1, 7, _DAY_NAMES)
    weekdays = frozenset((d - 2) % 7 for d in quartz_days)  # Quartz SUN=1 -> Python SUN=6
    return (*sets, weekdays)


def next_cron_time(text: str, after: datetime) -> datetime:
    """The first matching second strictly after ``after``."""
    seconds, minutes, hours, days, months, weekdays = parse_cron(text)
    parts = text.split()
    day_field, weekday_field = parts[3], parts[5]
    start = after.replace(microsecond=0) + timedelta(seconds=1)
    for offset in range(_SEARCH_DAYS):
        day = (start + timedelta(days=offset)).replace(hour=0, minute=0, second=0)
        if day.month not in months or not _day_matches(
            day, days, weekdays, day_field, weekday_field
        ):
            continue
        for h in sorted(hours):
            for m in sorted(minutes):
                for s in sorted(seconds):
                    candidate = day.replace(hour=h, minute=m, second=s)
                    if candidate >= start:
                        return candidate
    raise TimerValueError(f"cron '{text}' never fires")


def _day_matches(
    day: datetime, days: frozenset[int], weekdays: frozenset[int], dom: str, dow: str
) -> bool:
    """Quartz: one of day-of-month / day-of-week is ``?``; the other decides."""
    if dom == "?":
        return day.weekday() in weekdays
    if dow == "?":
        return day.day in days
    return day.day in days and day.weekday() in weekdays
