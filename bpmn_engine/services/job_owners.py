"""Who holds a job's lease, and whether that process is still alive.

A lease owner is ``<host>:<pid>:<random>``: the host and process id of the worker
process that runs the handler, plus a random part so two leases of one process differ.
When a worker process dies (``kill -9``, OOM killer, a crash in a C extension) its
broker message is redelivered (``acks_late`` + ``task_reject_on_worker_lost``), but the
job row still says RUNNING until the lease expires (``JOB_LEASE_SECONDS``, which must
exceed the longest handler). Waiting that long is needless when the owner is provably
gone: on the same host, ``kill(pid, 0)`` tells whether the process exists. So a
redelivery, or the sweeper, takes back a lease whose owner process is gone at once.

What this cannot see: an owner on another host (then the lease expiry still applies),
and a recycled pid (a new process with the dead owner's pid keeps the job waiting for
the lease expiry, which is safe: it only delays recovery).
"""

from __future__ import annotations

import os
import socket
import uuid

_HOST = socket.gethostname()[:24]


def new_owner() -> str:
    """A lease owner id for this process (at most 64 characters, the column's width)."""
    return f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:24]}"


def owner_is_gone(owner: str) -> bool:
    """True only when ``owner`` ran on this host and its process no longer exists."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, under another user
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A killed child not yet reaped by its parent still has a pid, but runs nothing."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
