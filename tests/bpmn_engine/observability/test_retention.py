"""Retention: ended instances past their process's time to live are deleted, nothing else."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from bpmn_engine import clock
from bpmn_engine.models import HistoryEvent, ProcessInstance
from bpmn_engine.observability.retention import (
    definition_time_to_live,
    history_cleanup,
    parse_time_to_live,
)
from bpmn_engine.services.instances import instance_start
from tests.bpmn_engine.observability.conftest import run_approval

DAY = 24 * 3600


def test_time_to_live_is_days_as_a_number_or_an_iso_period():
    assert parse_time_to_live("30", where="x") == timedelta(days=30)
    assert parse_time_to_live("P5D", where="x") == timedelta(days=5)
    with pytest.raises(ValueError, match="a.bpmn: historyTimeToLive 'PT5H' is not a number"):
        parse_time_to_live("PT5H", where="a.bpmn")


@pytest.mark.django_db
def test_cleanup_deletes_only_ended_instances_past_their_time_to_live(obs_deployed, make_user):
    """obs_approval declares camunda:historyTimeToLive="3"; obs_keep declares none."""
    approval, keep = obs_deployed("obs_approval"), obs_deployed("obs_keep")
    assert definition_time_to_live(approval.pk) == timedelta(days=3)
    assert definition_time_to_live(keep.pk) is None
    user = make_user("kim")
    ended = run_approval(approval, user)
    running = instance_start(definition=approval, variables={"input": "x"}, user=user)
    kept = instance_start(definition=keep)
    assert kept.state == "completed"

    clock.advance(3 * DAY - 60)
    assert history_cleanup() == {}
    clock.advance(120)
    assert history_cleanup() == {"obs_approval": 1}
    assert not ProcessInstance.objects.filter(pk=ended.pk).exists()
    assert not HistoryEvent.objects.filter(instance_id=ended.pk).exists()
    assert ProcessInstance.objects.filter(pk__in=[running.pk, kept.pk]).count() == 2
    assert HistoryEvent.objects.filter(instance_id=running.pk).exists()


@pytest.mark.django_db
def test_the_settings_default_applies_to_processes_without_their_own(obs_deployed, settings):
    kept = instance_start(definition=obs_deployed("obs_keep"))
    settings.BATON_HISTORY_TIME_TO_LIVE_DAYS = 1
    clock.advance(DAY + 60)
    out = io.StringIO()
    call_command("cleanup_history", stdout=out)
    assert "obs_keep: deleted 1 ended instance(s)" in out.getvalue()
    assert not ProcessInstance.objects.filter(pk=kept.pk).exists()


def test_a_beat_entry_runs_the_cleanup_task():
    from bpmn_engine.observability.tasks import cleanup_history

    entry = django_settings.CELERY_BEAT_SCHEDULE["cleanup-history"]
    assert entry["task"] == cleanup_history.name
