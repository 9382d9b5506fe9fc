"""Structured logging: a filter that stamps the current instance on every record, and a
JSON-lines formatter for production (``BATON_LOG_FORMAT=json``).

Both are referenced by dotted path from ``LOGGING`` in the settings, so this module
imports nothing from Django: logging is configured before the apps are loaded.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from bpmn_engine.observability.context import current

CONTEXT_FIELDS = ("instance_id", "business_key", "process_key", "job_id", "topic", "trace_id")
_RESERVED = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message"}


class ContextFilter(logging.Filter):
    """Adds the ids of the current step/job (empty strings outside one) to each record,
    so a formatter can always name them and a log search can find one instance's lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        subject = current()
        fields: dict[str, Any] = {
            "instance_id": subject.instance_id if subject.instance_id is not None else "",
            "business_key": subject.business_key,
            "process_key": subject.process_key,
            "job_id": subject.job_id if subject.job_id is not None else "",
            "topic": subject.topic,
            "trace_id": _trace_id(),
        }
        record.__dict__.update(fields, context=_readable(fields))
        return True


def _trace_id() -> str:
    from opentelemetry import trace

    span_context = trace.get_current_span().get_span_context()
    return format(span_context.trace_id, "032x") if span_context.is_valid else ""


def _readable(fields: dict[str, Any]) -> str:
    """`` [instance=12 key=PO-7 job=40]`` for the text format; empty outside a step."""
    parts = [
        f"{label}={value}"
        for label, value in (
            ("instance", fields["instance_id"]),
            ("key", fields["business_key"]),
            ("job", fields["job_id"]),
        )
        if value != ""
    ]
    return f" [{' '.join(parts)}]" if parts else ""


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp, level, logger, message, the context ids that
    are set, any ``extra=`` fields, and the formatted exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, "")
            if value != "":
                entry[name] = value
        for name, value in record.__dict__.items():
            if name not in _RESERVED and name not in CONTEXT_FIELDS and name != "context":
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
