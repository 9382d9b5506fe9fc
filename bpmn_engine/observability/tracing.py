"""OpenTelemetry: which tracer the engine uses, and how an instance's steps are linked.

The exporter follows the environment: OTLP over HTTP when
``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the exporter reads the standard ``OTEL_*``
variables), the console when ``BATON_TRACE_CONSOLE=1``, and otherwise nothing, in which
case the tracer is a no-op so the hot path pays nothing for spans no one reads.

Each step span is a child of whatever is current (the API request, or the Celery task
that carried the request's context) and links to one span context derived from the
instance id, so every step of an instance points at the same "instance" anchor and a
tracing UI can list a whole approval from start to end.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from opentelemetry.trace import Link, SpanContext, TraceFlags

TRACER_NAME = "baton.engine"
_tracer: trace.Tracer | None = None


def tracer() -> trace.Tracer:
    """The engine's tracer, configured from the environment on first use."""
    global _tracer
    if _tracer is None:
        _tracer = _from_environment()
    return _tracer


def _from_environment() -> trace.Tracer:
    processors: list[SpanProcessor] = []
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        processors.append(BatchSpanProcessor(OTLPSpanExporter()))
    if os.environ.get("BATON_TRACE_CONSOLE") == "1":
        # One JSON object per line, so spans interleave cleanly with JSON log lines.
        console = ConsoleSpanExporter(formatter=lambda span: span.to_json(indent=None) + "\n")
        processors.append(BatchSpanProcessor(console))
    if not processors:
        return trace.NoOpTracer()
    return use_processors(processors)


def use_processors(processors: list[SpanProcessor]) -> trace.Tracer:
    """Install a provider exporting through ``processors`` (the environment's choice, or
    a test's in-memory exporter) and make it the one the engine and Celery hooks use."""
    global _tracer
    service = os.environ.get("OTEL_SERVICE_NAME", "baton")
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    for processor in processors:
        provider.add_span_processor(processor)
    _tracer = provider.get_tracer(TRACER_NAME)
    return _tracer


def reset() -> None:
    """Forget the tracer, so the next use reads the environment again (tests)."""
    global _tracer
    _tracer = None


def enabled() -> bool:
    """Whether spans are recorded at all (an exporter is configured)."""
    return not isinstance(tracer(), trace.NoOpTracer)


def span(name: str, instance_id: int, attributes: dict[str, Any]) -> AbstractContextManager[Any]:
    """A current span linked to the instance anchor; nothing at all (not even the link's
    hash) when no exporter is configured, because this runs on every step."""
    current = tracer()
    if isinstance(current, trace.NoOpTracer):
        return nullcontext()
    return current.start_as_current_span(
        name, links=[instance_link(instance_id)], attributes=attributes
    )


def instance_anchor(instance_id: int) -> SpanContext:
    """A span context every step of ``instance_id`` links to: the same ids in every
    process, derived from the instance id alone (no row or shared state needed)."""
    digest = hashlib.sha256(f"baton-instance-{instance_id}".encode()).digest()
    return SpanContext(
        trace_id=int.from_bytes(digest[:16], "big") or 1,
        span_id=int.from_bytes(digest[16:24], "big") or 1,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )


def instance_link(instance_id: int) -> Link:
    return Link(instance_anchor(instance_id), {"baton.link": "instance"})


def span_attributes(**values: Any) -> dict[str, Any]:
    """``baton.<name>`` attributes, leaving out the unknown (None or empty) ones."""
    return {f"baton.{name}": value for name, value in values.items() if value not in (None, "")}
