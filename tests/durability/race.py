"""A deterministic race harness: two real PostgreSQL sessions, paused where races happen.

Each ``Racer`` is a thread with its own Django connection (so its own PostgreSQL
session and transaction). The code under test calls ``Gate.pause()`` at the point where
a race really happens: after its transaction has read, before it writes. ``race(a, b)``
starts both callables and waits, without sleeping for a fixed time, until each racer is
*parked*: paused at the gate, blocked on a PostgreSQL lock (``pg_stat_activity``
``wait_event_type = 'Lock'``), or finished. Only then does it open the gate. So every
race is forced: two naive transactions both read before either writes, and a locking
transaction makes its rival wait on the lock, every time, with no timing luck involved.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections

PARK_TIMEOUT = 30.0


class Gate:
    """The pause point. Closed at the start of a race; opened by the controller."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._open = True
        self.parked: set[int] = set()

    def close(self) -> None:
        with self._cond:
            self._open = False
            self.parked = set()

    def open(self) -> None:
        with self._cond:
            self._open = True
            self._cond.notify_all()

    def pause(self) -> None:
        """Called by the code under test (in a racer thread) after reading, before writing."""
        with self._cond:
            if self._open:
                return
            self.parked.add(threading.get_ident())
            self._cond.notify_all()
            if not self._cond.wait_for(lambda: self._open, timeout=PARK_TIMEOUT):
                raise AssertionError("The race gate was never opened")

    def wait_for(self, predicate: Callable[[], bool]) -> bool:
        with self._cond:
            return self._cond.wait_for(predicate, timeout=PARK_TIMEOUT)

    def wait_parked(self, predicate: Callable[[], bool]) -> bool:
        with self._cond:
            return self._cond.wait_for(predicate, timeout=0.002)


class Racer(threading.Thread):
    """A thread with its own database connection that runs the callables it is given."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.inbox: queue.Queue[Callable[[], Any] | None] = queue.Queue()
        self.outbox: queue.Queue[tuple[bool, Any]] = queue.Queue()
        self.backend_pid = 0
        self.busy = False
        self.ready = threading.Event()
        self.start()
        self.ready.wait(PARK_TIMEOUT)

    def run(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend_pid = cursor.fetchone()[0]
        self.ready.set()
        while (work := self.inbox.get()) is not None:
            try:
                self.outbox.put((True, work()))
            except BaseException as exc:  # noqa: BLE001 - the controller judges it
                self.outbox.put((False, exc))
        try:
            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - a connection a test killed on purpose
            pass

    def stop(self) -> None:
        self.inbox.put(None)
        self.join(PARK_TIMEOUT)


@dataclass
class RaceResult:
    outcomes: list[tuple[bool, Any]]
    """(True, value) or (False, exception) for each racer, in order."""
    both_paused: bool
    """Both racers were paused at the gate at once (naive code: both had read)."""
    waited_on_lock: bool
    """One racer was paused at the gate while the other was blocked on a row lock."""

    def errors(self) -> list[BaseException]:
        return [value for ok, value in self.outcomes if not ok]

    def values(self) -> list[Any]:
        return [value for ok, value in self.outcomes if ok]


class Harness:
    """Two racers and one gate; ``race`` forces one race between two callables."""

    def __init__(self) -> None:
        self.gate = Gate()
        self.racers = [Racer(), Racer()]
        self.pause_in_step = True
        """Whether the engine step pauses (tests with their own pause point turn it off)."""

    def close(self) -> None:
        self.gate.open()
        for racer in self.racers:
            racer.stop()

    def _lock_waiting(self) -> set[int]:
        pids = [racer.backend_pid for racer in self.racers]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid = ANY(%s)",
                [pids],
            )
            return {row[0] for row in cursor.fetchall()}

    def paused(self, work: Callable[[], Any], meanwhile: Callable[[int], None]) -> tuple[bool, Any]:
        """Run ``work`` on the first racer; once it is paused at the gate, call
        ``meanwhile(backend_pid)`` from this session, then let it go on."""
        racer = self.racers[0]
        self.gate.close()
        racer.inbox.put(work)
        if not self.gate.wait_for(lambda: racer.ident in self.gate.parked):
            raise AssertionError("The work never reached the pause point")
        meanwhile(racer.backend_pid)
        self.gate.open()
        return racer.outbox.get(timeout=PARK_TIMEOUT)

    def race(self, first: Callable[[], Any], second: Callable[[], Any]) -> RaceResult:
        self.gate.close()
        for racer, work in zip(self.racers, (first, second), strict=True):
            racer.inbox.put(work)
        idents = [racer.ident for racer in self.racers]
        finished: dict[int, tuple[bool, Any]] = {}
        both_paused = waited = False
        for _ in range(int(PARK_TIMEOUT / 0.002)):
            for index, racer in enumerate(self.racers):
                if index not in finished and not racer.outbox.empty():
                    finished[index] = racer.outbox.get()
            paused = {i for i, ident in enumerate(idents) if ident in self.gate.parked}
            if len(paused | set(finished)) == 2:
                both_paused = len(paused) == 2
                break
            if paused:
                blocked = self._lock_waiting()
                locked = {i for i, r in enumerate(self.racers) if r.backend_pid in blocked}
                if len(paused | locked | set(finished)) == 2:
                    waited = bool(locked)
                    break
            self.gate.wait_parked(lambda: False)
        else:
            self.gate.open()
            raise AssertionError("The racers never reached the gate or a lock")
        self.gate.open()
        outcomes = [
            finished[i] if i in finished else racer.outbox.get(timeout=PARK_TIMEOUT)
            for i, racer in enumerate(self.racers)
        ]
        return RaceResult(outcomes, both_paused, waited)
