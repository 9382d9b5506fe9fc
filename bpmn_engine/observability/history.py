"""Export of one instance's audit trail (every ``HistoryEvent`` row, in order).

The rows are append-only and already say who, what and when; decisions and variable
changes keep their before/after values in ``data``. JSON keeps ``data`` as an object;
CSV, made for spreadsheets, has one column per fixed field and ``data`` as JSON text.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Literal

from bpmn_engine.models import HistoryEvent, ProcessInstance

ExportFormat = Literal["csv", "json"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "json")
COLUMNS = ("id", "timestamp", "event", "element_id", "token_id", "user", "data")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def history_rows(*, instance: ProcessInstance) -> list[dict[str, Any]]:
    events = HistoryEvent.objects.filter(instance=instance).order_by("id")
    return [
        {
            "id": event.pk,
            "timestamp": event.timestamp.isoformat(),
            "event": event.event,
            "element_id": event.element_id,
            "token_id": event.token_id.hex if event.token_id else "",
            "user": event.user,
            "data": event.data,
        }
        for event in events
    ]


def history_export(*, instance: ProcessInstance, fmt: str) -> str:
    """The instance's history as ``fmt`` ("csv" or "json") text."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown history export format {fmt!r}: use one of {', '.join(FORMATS)}")
    rows = history_rows(instance=instance)
    if fmt == "json":
        return json.dumps({"instance": _instance_summary(instance), "events": rows}, indent=2)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "data": json.dumps(row["data"], sort_keys=True)})
    return out.getvalue()


def _instance_summary(instance: ProcessInstance) -> dict[str, Any]:
    return {
        "id": instance.pk,
        "process_key": instance.definition.key,
        "process_version": instance.definition.version,
        "business_key": instance.business_key,
        "state": instance.state,
        "started_by": instance.started_by,
        "started_at": instance.started_at.isoformat(),
        "ended_at": instance.ended_at.isoformat() if instance.ended_at else None,
    }
