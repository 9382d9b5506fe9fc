"""An in-memory throughput benchmark of the interpreter (no database, no broker).

It measures the interpreter alone, the upper bound of what the runtime can do: each
"event" is one wait-state transition, i.e. one ``start`` or one ``complete`` call,
including every element the call runs through and every effect it returns.

    python -m bpmn_engine.interpreter.bench
"""

from __future__ import annotations

import time
from typing import Any

from bpmn_engine.interpreter.engine import Interpreter
from bpmn_engine.interpreter.state import TokenState
from bpmn_engine.model import ProcessModel, SequenceFlow, StartEvent, UserTask
from bpmn_engine.model.elements import EndEvent, FlowNode

_WAITING = TokenState.WAITING


def run_in_memory_benchmark(model: ProcessModel, *, seconds: float = 2.0) -> dict[str, Any]:
    """Start instances and complete their user tasks (first open one first) for ``seconds``.

    The model must contain only wait states the benchmark can complete (user tasks, or
    service tasks bound to a topic). Returns ``events``, ``seconds`` and
    ``events_per_second``.
    """
    interpreter = Interpreter(model, observer=None)  # the interpreter alone
    events = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        state, _ = interpreter.start(variables={"amount": 100}, initiator="bench")
        events += 1
        tokens = state.tokens
        while tokens:
            token_id = next(t.id for t in tokens.values() if t.state is _WAITING)
            interpreter.complete(state, token_id=token_id, variables={"approved": True})
            events += 1
    elapsed = time.perf_counter() - started
    return {"events": events, "seconds": elapsed, "events_per_second": events / elapsed}


def approval_model(tasks: int = 3) -> ProcessModel:
    """start -> approve_1 -> ... -> approve_N -> end, with templated assignees."""
    ids = ["start", *(f"approve_{n}" for n in range(1, tasks + 1)), "end"]
    flows = [
        SequenceFlow(id=f"Flow_{n}", source_id=source, target_id=target)
        for n, (source, target) in enumerate(zip(ids, ids[1:], strict=False), start=1)
    ]
    nodes: list[FlowNode] = [
        StartEvent(id="start", scope_id="approval", outgoing=("Flow_1",), initiator="initiator")
    ]
    for n in range(1, tasks + 1):
        nodes.append(
            UserTask(
                id=f"approve_{n}",
                name=f"Approval {n}",
                scope_id="approval",
                incoming=(f"Flow_{n}",),
                outgoing=(f"Flow_{n + 1}",),
                assignee="${initiator}" if n == 1 else "manager",
                candidate_groups="approvers, finance",
            )
        )
    nodes.append(EndEvent(id="end", scope_id="approval", incoming=(f"Flow_{tasks + 1}",)))
    return ProcessModel.build(id="approval", nodes=nodes, flows=flows)


if __name__ == "__main__":  # pragma: no cover
    result = run_in_memory_benchmark(approval_model())
    print(  # noqa: T201
        f"{result['events']} events in {result['seconds']:.2f}s: "
        f"{result['events_per_second']:,.0f} events/s"
    )
