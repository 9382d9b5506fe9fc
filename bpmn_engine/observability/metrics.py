"""The engine's event metrics: counters and histograms updated as things happen.

They live on ``ENGINE_REGISTRY`` (not prometheus-client's global one) so ``/metrics``
decides what it shows. With ``PROMETHEUS_MULTIPROC_DIR`` set (before the processes
start) every process, web and Celery worker alike, writes its values to files in that
directory and ``/metrics`` sums them, so jobs counted by workers show on the web
process's page. Gauges read from the database are not here: see ``collector``.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

ENGINE_REGISTRY = CollectorRegistry(auto_describe=True)

_STEP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
_JOB_BUCKETS = (0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
_LATENESS_BUCKETS = (0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)

INSTANCES_STARTED = Counter(
    "baton_instances_started",
    "Process instances started (counted when the start commits).",
    ["process"],
    registry=ENGINE_REGISTRY,
)
INSTANCES_COMPLETED = Counter(
    "baton_instances_completed",
    "Process instances that reached their end (state completed).",
    ["process"],
    registry=ENGINE_REGISTRY,
)
INSTANCES_ENDED = Counter(
    "baton_instances_ended",
    "Process instances that ended, by final state (completed, terminated, cancelled).",
    ["process", "state"],
    registry=ENGINE_REGISTRY,
)
INSTANCES_FAILED = Counter(
    "baton_instances_failed",
    "Incidents raised: an instance stopped on an engine error or a job out of retries.",
    ["process"],
    registry=ENGINE_REGISTRY,
)
STEP_DURATION = Histogram(
    "baton_step_duration_seconds",
    "Time of one instance step (interpreter and writes, under the instance lock), by "
    "process and step kind (the service that moved the instance).",
    ["process", "kind"],
    buckets=_STEP_BUCKETS,
    registry=ENGINE_REGISTRY,
)
JOB_DURATION = Histogram(
    "baton_job_duration_seconds",
    "Time a service-task handler ran, by topic.",
    ["topic"],
    buckets=_JOB_BUCKETS,
    registry=ENGINE_REGISTRY,
)
JOB_FAILURES = Counter(
    "baton_job_failures",
    "Service-task handler calls that raised (each failed attempt counts), by topic.",
    ["topic"],
    registry=ENGINE_REGISTRY,
)
TIMER_LATENESS = Histogram(
    "baton_timer_lateness_seconds",
    "How long after its due time a timer job fired.",
    buckets=_LATENESS_BUCKETS,
    registry=ENGINE_REGISTRY,
)
ELEMENT_STEP_DURATION = Histogram(
    "baton_element_step_duration_seconds",
    "Interpreter time of one element step (entering an element, or leaving it after its "
    "work), by BPMN element type; reported by the interpreter's step observer "
    "(observability/element_steps.py).",
    ["element_type"],
    buckets=(0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.1),
    registry=ENGINE_REGISTRY,
)
