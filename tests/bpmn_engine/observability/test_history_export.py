"""History export of one instance as CSV and JSON, by service and by command."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from bpmn_engine.models import HistoryEvent
from bpmn_engine.observability.history import COLUMNS, history_export
from tests.bpmn_engine.observability.conftest import run_approval

pytestmark = pytest.mark.django_db


def test_json_export_holds_the_instance_and_every_event_in_order(obs_deployed, make_user):
    instance = run_approval(obs_deployed("obs_approval"), make_user("gina"), business_key="PO-3")
    exported = json.loads(history_export(instance=instance, fmt="json"))
    assert exported["instance"]["process_key"] == "obs_approval"
    assert exported["instance"]["business_key"] == "PO-3"
    assert exported["instance"]["state"] == "completed"
    assert exported["instance"]["ended_at"] is not None
    stored = list(HistoryEvent.objects.filter(instance=instance).order_by("id"))
    assert [e["id"] for e in exported["events"]] == [e.pk for e in stored]
    assert [e["event"] for e in exported["events"]] == [e.event for e in stored]
    assert any(e["user"] == "gina" for e in exported["events"]), "who completed the task"
    assert all(isinstance(e["data"], dict) for e in exported["events"])


def test_csv_export_has_a_header_and_one_row_per_event_with_data_as_json(obs_deployed, make_user):
    instance = run_approval(obs_deployed("obs_approval"), make_user("hank"))
    rows = list(csv.DictReader(io.StringIO(history_export(instance=instance, fmt="csv"))))
    stored = list(HistoryEvent.objects.filter(instance=instance).order_by("id"))
    assert len(rows) == len(stored) > 0
    assert tuple(rows[0]) == COLUMNS
    assert [int(r["id"]) for r in rows] == [e.pk for e in stored]
    assert [json.loads(r["data"]) for r in rows] == [e.data for e in stored]


def test_an_unknown_format_is_refused_with_the_formats_allowed(obs_deployed, make_user):
    instance = run_approval(obs_deployed("obs_approval"), make_user("ivy"))
    with pytest.raises(
        ValueError, match="Unknown history export format 'xml': use one of csv, json"
    ):
        history_export(instance=instance, fmt="xml")


def test_the_export_command_writes_the_chosen_format(obs_deployed, make_user, tmp_path):
    instance = run_approval(obs_deployed("obs_approval"), make_user("jack"))
    out = io.StringIO()
    call_command("export_history", str(instance.pk), "--format", "csv", stdout=out)
    assert out.getvalue() == history_export(instance=instance, fmt="csv")
    target = tmp_path / "history.json"
    call_command("export_history", str(instance.pk), "--output", str(target))
    assert json.loads(target.read_text())["instance"]["id"] == instance.pk
    with pytest.raises(CommandError, match="Process instance 999999 does not exist"):
        call_command("export_history", "999999")
