"""A small external-task worker for Baton, with no dependency beyond the standard library.

It long-polls ``/api/v1/external-tasks/fetch-and-lock`` for the given topics, runs a
function per task and completes it with the variables the function returns; an exception
is reported as a failure (Baton retries it later, then opens an incident).

    BATON_URL=http://127.0.0.1:8000 BATON_TOKEN=baton_... \\
        python examples/external_worker.py --topic shipping --once

Replace ``handle`` with your own work. Workers in any language follow the same four calls.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import urllib.request
from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class Baton:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/") + "/api/v1/external-tasks"
        self.token = token

    def post(self, path: str, body: dict[str, Any], timeout: float = 60) -> Any:
        request = urllib.request.Request(  # noqa: S310 - the operator gives the URL
            f"{self.url}/{path}",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            text = response.read()
        return json.loads(text) if text else None


def handle(task: dict[str, Any]) -> dict[str, Any]:
    """The work itself: here, echo the variables and mark the task handled."""
    return {"handledBy": "external_worker", "seen": sorted(task["variables"])}


def work_once(
    baton: Baton, worker_id: str, topics: list[str], handler: Handler, wait: float = 5
) -> int:
    """Fetch, lock and finish what is available now (waiting up to ``wait`` seconds)."""
    tasks = baton.post(
        "fetch-and-lock",
        {
            "workerId": worker_id,
            "topics": topics,
            "maxTasks": 10,
            "lockDuration": 60,
            "asyncResponseTimeout": wait,
        },
    )
    for task in tasks:
        try:
            variables = handler(task)
        except Exception as exc:  # report it; Baton decides about retries
            baton.post(
                f"{task['id']}/failure",
                {"workerId": worker_id, "errorMessage": str(exc)[:4000], "retryTimeout": 30},
            )
            continue
        baton.post(f"{task['id']}/complete", {"workerId": worker_id, "variables": variables})
    return len(tasks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topic", action="append", required=True)
    parser.add_argument("--once", action="store_true", help="one fetch, then exit")
    parser.add_argument("--worker-id", default=f"{socket.gethostname()}-{os.getpid()}")
    args = parser.parse_args()
    baton = Baton(os.environ.get("BATON_URL", "http://127.0.0.1:8000"), os.environ["BATON_TOKEN"])
    while True:
        done = work_once(baton, args.worker_id, args.topic, handle)
        print(f"completed {done} task(s)", flush=True)  # noqa: T201
        if args.once:
            return


if __name__ == "__main__":
    main()
