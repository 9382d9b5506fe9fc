"""Observability: Prometheus metrics, OpenTelemetry traces, structured logs, history
export and retention.

- ``hooks``: the one-line ``with`` blocks the runtime services put around a step
  (``step_observed``), an instance start (``start_observed``) and a handler call
  (``job_observed``); ``timer_fired`` for the timer service.
- ``metrics`` (counters/histograms) and ``collector`` (gauges read from the database at
  scrape time), served by ``views.metrics_view`` at ``/metrics``.
- ``tracing`` (exporter choice, the per-instance link) and ``celery_hooks`` (trace
  context through the message headers).
- ``context`` + ``logs``: the current instance on every log line, text or JSON.
- ``history`` (``history_export``) and ``retention`` (``history_cleanup``).

Multiprocess metrics: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty, writable directory
shared by the web and worker processes of one host, before they start (and wipe it on
restart); ``/metrics`` on the web process then reports every process's counters.
"""
