"""Worker memory over many instances: does a Celery worker's RSS stay flat?

One real ``celery worker`` (``config.celery.worker_command``, prefork pool of one
process, no beat) runs the service task of ``benchmarks/service_once.bpmn`` (start ->
``check-budget`` -> end) for N instances, started by this process in rounds. After each
round has ended, the resident set size of the pool process (where jobs run) and of the
worker's main process is read from ``/proc/<pid>/status`` (``VmRSS``).

The worker runs with ``DJANGO_DEBUG=0``, as in production: with ``DEBUG`` on, Django
keeps the last 9,000 queries of each connection, which grows the RSS until that log is
full and would be read as a leak. ``flat`` compares the mean of the last fifth of the
samples with the sample at the end of the warm-up (the first fifth).
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.db import connection

from bpmn_engine.benchmarks.celery_throughput import run_worker, without_beat
from bpmn_engine.models import ProcessDefinition, ProcessInstance
from bpmn_engine.services.deploy import definition_deploy
from bpmn_engine.services.instances import instance_start
from config.celery import worker_command

HERE = Path(__file__).resolve().parent
FLAT_LIMIT_MB = 5.0
"""Growth after the warm-up below this (and below 5 %) counts as flat."""


def rss_kib(pid: int) -> int:
    """Resident set size of a process, in KiB (``VmRSS`` of ``/proc/<pid>/status``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"No VmRSS for process {pid}")


def children_of(pid: int) -> list[int]:
    """Direct children of a process, from the parent pid field of ``/proc/*/stat``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while we looked
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def _start_worker(stack: ExitStack, workdir: Path) -> int:
    """One worker without beat; returns the pid of its single pool process."""
    argv = worker_command(schedule=workdir / "s", hostname=f"rss-{os.getpid()}@%h", concurrency=1)
    process = run_worker(
        stack,
        without_beat(argv),  # no beat: nothing but jobs in this worker
        workdir / "worker.log",
        label="The worker",
        extra_env={"DJANGO_DEBUG": "0"},
        ready=lambda started: bool(children_of(started.pid)),
    )
    return process.pid


def _round(definition: ProcessDefinition, count: int, timeout: float, log: Path) -> None:
    """Start ``count`` instances and wait until all of them ended."""
    ids = [instance_start(definition=definition, variables={"amount": 10}).pk for _ in range(count)]
    deadline = time.monotonic() + timeout
    while ProcessInstance.objects.filter(pk__in=ids, ended_at__isnull=True).exists():
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"A round of {count} instances did not end within {timeout}s; worker log:\n"
                + log.read_text(errors="replace")[-3000:]
            )
        time.sleep(0.1)


def _verdict(samples: list[int]) -> dict[str, Any]:
    fifth = max(len(samples) // 5, 1)
    warm = samples[fifth - 1]
    late = sum(samples[-fifth:]) / fifth
    growth_mb = (late - warm) / 1024
    return {
        "after_warm_up_mb": round(warm / 1024, 1),
        "last_fifth_mean_mb": round(late / 1024, 1),
        "growth_after_warm_up_mb": round(growth_mb, 2),
        "flat": growth_mb < FLAT_LIMIT_MB and late < warm * 1.05,
    }


def rss_benchmark(*, instances: int = 10_000, rounds: int = 50) -> dict[str, Any]:
    """Run ``instances`` through one worker in ``rounds``; RSS after each round."""
    if connection.vendor != "postgresql":
        return {"skipped": "the RSS benchmark needs PostgreSQL and a broker"}
    data = (HERE / "service_once.bpmn").read_bytes()
    definition = definition_deploy(data=data, filename="service_once.bpmn").definitions[0]
    per_round = max(instances // rounds, 1)
    pool: list[int] = []
    main: list[int] = []
    started = time.perf_counter()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        worker = _start_worker(stack, workdir)
        child = children_of(worker)[0]
        pool.append(rss_kib(child))
        main.append(rss_kib(worker))
        for _ in range(rounds):
            _round(definition, per_round, max(60.0, per_round), workdir / "worker.log")
            if children_of(worker) != [child]:
                raise RuntimeError("The pool process was replaced; RSS samples would mix")
            pool.append(rss_kib(child))
            main.append(rss_kib(worker))
    return {
        "instances": per_round * rounds,
        "seconds": round(time.perf_counter() - started, 1),
        "instances_per_second": round(per_round * rounds / (time.perf_counter() - started), 1),
        "pool_rss_mb_series": [round(kib / 1024, 1) for kib in pool],
        "main_rss_mb_series": [round(kib / 1024, 1) for kib in main],
        **{f"pool_{k}": v for k, v in _verdict(pool[1:]).items()},
        **{f"main_{k}": v for k, v in _verdict(main[1:]).items()},
    }
