"""Timer values: ISO 8601 dates, durations and cycles, and Camunda's cron."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bpmn_engine.model.cron import next_cron_time
from bpmn_engine.model.timers import TimerValueError, check_timer, first_due

NOW = datetime(2026, 11, 28, 4, 37, 10, tzinfo=UTC)


def test_dates_durations_and_repeating_cycles_give_the_first_due_time_and_repeats() -> None:
    assert first_due("date", "2027-01-01T10:00:00", NOW) == (
        datetime(2027, 1, 1, 10, tzinfo=UTC),
        0,
    )
    assert first_due("duration", "P1DT2H", NOW) == (NOW + timedelta(days=1, hours=2), 0)
    assert first_due("cycle", "R3/PT10M", NOW) == (NOW + timedelta(minutes=10), 2)
    assert first_due("cycle", "R/PT1H", NOW) == (NOW + timedelta(hours=1), None)


def test_camunda_cron_cycles_fire_at_the_next_matching_second() -> None:
    assert first_due("cycle", "0 0/5 * * * ?", NOW) == (
        datetime(2026, 11, 28, 4, 40, tzinfo=UTC),
        None,
    )
    # 2026-11-28 is a Saturday: the next weekday 09:00 is Monday the 30th
    assert next_cron_time("0 0 9 ? * MON-FRI", NOW) == datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert next_cron_time("30 15 10 1 JUL ?", NOW) == datetime(2027, 7, 1, 10, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("timer_type", "value", "message"),
    [
        ("duration", "10 minutes", "'10 minutes' is not an ISO 8601 duration (e.g. PT10M)"),
        ("date", "tomorrow", "'tomorrow' is not an ISO 8601 date-time"),
        ("cycle", "R3/soon", "'soon' is not an ISO 8601 duration (e.g. PT10M)"),
        ("cycle", "0 0 12 L * ?", "is neither R<n>/<duration> nor a cron expression"),
        ("cycle", "0 61 * * * ?", "cron field '61' is outside 0-59"),
    ],
)
def test_invalid_timer_values_are_refused_with_a_reason(timer_type, value, message) -> None:
    with pytest.raises(TimerValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_timer(timer_type, value)


def test_template_timer_values_are_checked_when_scheduled_not_at_deploy() -> None:
    check_timer("duration", "${waitFor}")
