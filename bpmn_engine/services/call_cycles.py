"""Deploy-time refusal of runaway call cycles (A calls B calls A with nothing between).

A call activity starts its child in the caller's own step (``services.calls``), and the
child runs to its first wait state in the same transaction. So if process A, with no wait
state and no choice before it, calls B, and B in the same way calls A, every start of A
recurses until ``MAX_CALL_DEPTH`` stops it with an incident: the diagram can never work.
Such a cycle is refused at deploy, naming the call activity that closes it, when both
keys are in the uploaded file or one of them is already deployed (its latest version).

Only *certain* recursion is refused: a call reached from the none start event through
elements that neither wait nor choose (no user task, job, catch event, condition,
boundary event, loop or subprocess on the way). Recursion behind a condition or a wait
state is legitimate (walking a tree, a re-submission), and is bounded at run time by
``MAX_CALL_DEPTH``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bpmn_engine.model import CallActivity, ProcessModel
from bpmn_engine.model.elements import EndEvent, FlowNode, ManualTask, ScriptTask, StartEvent, Task
from bpmn_engine.model.events import BoundaryEvent, EventBasedGateway
from bpmn_engine.model.gateways import Gateway, ParallelGateway

if TYPE_CHECKING:
    from bpmn_engine.parser import DeployIssue


@dataclass(frozen=True)
class CallCycle:
    """A runaway cycle closed by ``call`` (a call activity of a process in the file)."""

    call: CallActivity
    keys: tuple[str, ...]
    """The process keys around the cycle, first and last the same (A, B, A)."""

    @property
    def message(self) -> str:
        path = " -> ".join(self.keys)
        return (
            f"call activity calls {self.keys[1]!r}, which calls back with no wait state or "
            f"condition in between ({path}): every start would recurse until the call depth "
            "limit. Put a condition or a wait state before one of the calls"
        )


def certain_calls(process: ProcessModel) -> dict[str, CallActivity]:
    """Called key -> call activity, for the calls a start of ``process`` always makes in
    its first step (reached from a none start event through pass-through elements)."""
    attached = {n.attached_to for n in process.nodes.values() if isinstance(n, BoundaryEvent)}
    seen: set[str] = set()
    pending = [node.id for node in process.none_start_events(process.id)]
    calls: dict[str, CallActivity] = {}
    while pending:
        node = process.nodes[pending.pop()]
        if node.id in seen or node.id in attached or node.loop is not None:
            continue
        seen.add(node.id)
        if isinstance(node, CallActivity):
            key = node.called_element
            if key and "${" not in key and "#{" not in key:
                calls.setdefault(key, node)
            continue  # it waits for its child: nothing after it runs in this step
        if _passes_through(node):
            flows = process.outgoing(node.id)
            if isinstance(node, Gateway) and not isinstance(node, ParallelGateway):
                if len(flows) != 1:
                    continue  # a choice: not certain
            pending += [flow.target_id for flow in flows if not flow.condition]
    return calls


def _passes_through(node: FlowNode) -> bool:
    """Elements that go on at once, in the same step, on every path."""
    if isinstance(node, StartEvent | EndEvent):
        return not getattr(node, "event_definitions", ())
    if isinstance(node, EventBasedGateway):
        return False
    if isinstance(node, Gateway):
        return True
    return type(node) in (Task, ManualTask, ScriptTask)


def runaway_call_cycles(
    processes: Sequence[ProcessModel], deployed: Callable[[str], ProcessModel | None]
) -> list[CallCycle]:
    """Cycles of certain calls through at least one of ``processes`` (the uploaded
    file); ``deployed(key)`` gives the latest deployed model of another key, if any."""
    in_file = {process.id: process for process in processes}
    edges: dict[str, dict[str, CallActivity]] = {}

    def calls_of(key: str) -> dict[str, CallActivity]:
        if key not in edges:
            model = in_file.get(key) or deployed(key)
            runs = model is not None and model.is_executable  # else: an incident, no call
            edges[key] = certain_calls(model) if model is not None and runs else {}
        return edges[key]

    cycles: list[CallCycle] = []
    for process in processes:
        for key, call in calls_of(process.id).items():
            back = _path(key, process.id, calls_of)
            if back is not None:
                cycles.append(CallCycle(call, (process.id, *back)))
    return cycles


def _path(
    source: str, target: str, calls_of: Callable[[str], Mapping[str, CallActivity]]
) -> tuple[str, ...] | None:
    """The shortest chain of certain calls from ``source`` to ``target`` (breadth-first:
    linear in the keys, however hostile the upload)."""
    came_from: dict[str, str | None] = {source: None}
    level = [source]
    while level:
        following = []
        for key in level:
            if key == target:
                chain = [key]
                while (before := came_from[chain[-1]]) is not None:
                    chain.append(before)
                return tuple(reversed(chain))
            for called in calls_of(key):
                if called not in came_from:
                    came_from[called] = key
                    following.append(called)
        level = following
    return None


def latest_deployed_model(key: str) -> ProcessModel | None:
    """The model of the latest deployed version of ``key`` (what ``latest`` calls)."""
    from bpmn_engine.models import ProcessDefinition
    from bpmn_engine.services.models_cache import definition_model

    definition = ProcessDefinition.objects.filter(key=key).order_by("-version").first()
    return definition_model(definition) if definition is not None else None


def runaway_cycle_issues(processes: Sequence[ProcessModel]) -> tuple[DeployIssue, ...]:
    """The deploy errors for ``definition_deploy``: one per call activity closing a cycle."""
    from bpmn_engine.parser import DeployIssue

    cycles = runaway_call_cycles(processes, latest_deployed_model)
    return tuple(DeployIssue(c.message, c.call.line, c.call.id) for c in cycles)
