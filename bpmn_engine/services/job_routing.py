"""Routing service-task jobs to dedicated Celery queues by topic.

``BPMN_ENGINE["JOB_QUEUES"]`` maps a job topic to a queue name, e.g.
``{"charge-card": "payments"}``: jobs of that topic are sent to the ``payments`` queue,
which only workers started with ``--queues payments`` consume (a slow or fragile
integration then cannot hold up every other job, and it can get its own hosts, limits
and credentials). Unrouted topics and timers use the default queue (``BATON_QUEUE``).

The route is chosen when the message is sent (``jobs.job_dispatch``: the first
dispatch, the retry, the sweeper's re-dispatch), so every process that dispatches jobs,
web and worker alike, needs the same setting. Without routes nothing is read; with
routes, the job's topic is read by id (one indexed lookup per dispatch).
"""

from __future__ import annotations

from collections.abc import Mapping

from bpmn_engine.conf import engine_setting
from bpmn_engine.models import Job


def job_routes() -> Mapping[str, str]:
    """The configured topic -> queue map (empty: everything on the default queue)."""
    routes = engine_setting("JOB_QUEUES") or {}
    if not isinstance(routes, Mapping) or not all(
        isinstance(topic, str) and isinstance(queue, str) and queue
        for topic, queue in routes.items()
    ):
        raise ValueError(
            'BPMN_ENGINE["JOB_QUEUES"] must map job topics to queue names, '
            f"e.g. {{'charge-card': 'payments'}}; got {routes!r}"
        )
    return routes


def job_queue(job_id: int) -> str | None:
    """The queue a job's message goes to, or None for the default queue."""
    routes = job_routes()
    if not routes:
        return None
    topic = Job.objects.filter(pk=job_id).values_list("topic", flat=True).first()
    return routes.get(topic) if topic else None
