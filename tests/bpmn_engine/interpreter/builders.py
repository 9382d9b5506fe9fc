"""A tiny fluent builder of ``ProcessModel``s for interpreter tests.

    model = (
        ModelBuilder()
        .user_task("review", assignee="demo")
        .flow("start", "review", "end")
        .build()
    )

Ids used in ``flow`` that were not declared yet become nodes by their name: ``start*`` or
``*_start`` a none start event, ``end*`` or ``*_end`` a none end event, anything else a
plain task (declaring the node later replaces that guess). Flows get the
id ``source->target`` unless one is given. ``subprocess(id)`` returns a builder for the
subprocess's inside (same rules, nodes land in the subprocess scope).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bpmn_engine.interpreter.state import InstanceState
from bpmn_engine.model import (
    EndEvent,
    ExclusiveGateway,
    FlowNode,
    ManualTask,
    ParallelGateway,
    ProcessModel,
    ScriptTask,
    SequenceFlow,
    ServiceTask,
    StartEvent,
    SubProcess,
    Task,
    TerminateEventDefinition,
    UserTask,
)


@dataclass
class _Spec:
    cls: type[FlowNode]
    id: str
    scope_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)
    default_flow: str | None = None
    implicit: bool = False
    """Made by ``flow`` from an undeclared id: a later declaration replaces its kind."""


class ModelBuilder:
    def __init__(self, process_id: str = "proc", *, executable: bool = True) -> None:
        self.process_id = process_id
        self.executable = executable
        self.scope_id = process_id
        self.specs: dict[str, _Spec] = {}
        self.flows: dict[str, SequenceFlow] = {}
        self.root = self

    # --- nodes -----------------------------------------------------------------------------

    def node(self, cls: type[FlowNode], id: str, **attributes: Any) -> ModelBuilder:
        specs = self.root.specs
        existing = specs.get(id)
        if existing is not None and not existing.implicit:
            raise ValueError(f"duplicate node {id}")
        if existing is not None:
            existing.cls, existing.attributes, existing.implicit = cls, attributes, False
            existing.scope_id = self.scope_id
        else:
            specs[id] = _Spec(cls=cls, id=id, scope_id=self.scope_id, attributes=attributes)
        return self

    def start(self, id: str = "start", **attributes: Any) -> ModelBuilder:
        return self.node(StartEvent, id, **attributes)

    def end(self, id: str = "end", *, terminate: bool = False) -> ModelBuilder:
        definitions = (TerminateEventDefinition(),) if terminate else ()
        return self.node(EndEvent, id, event_definitions=definitions)

    def task(self, id: str, **attributes: Any) -> ModelBuilder:
        return self.node(Task, id, **attributes)

    def manual_task(self, id: str, **attributes: Any) -> ModelBuilder:
        return self.node(ManualTask, id, **attributes)

    def user_task(self, id: str, **attributes: Any) -> ModelBuilder:
        return self.node(UserTask, id, **attributes)

    def service_task(self, id: str, **attributes: Any) -> ModelBuilder:
        return self.node(ServiceTask, id, **attributes)

    def script_task(self, id: str, script: str, **attributes: Any) -> ModelBuilder:
        return self.node(ScriptTask, id, script=script, **attributes)

    def xor(self, id: str, **attributes: Any) -> ModelBuilder:
        return self.node(ExclusiveGateway, id, **attributes)

    def parallel(self, id: str, **attributes: Any) -> ModelBuilder:
        return self.node(ParallelGateway, id, **attributes)

    def subprocess(self, id: str, **attributes: Any) -> ModelBuilder:
        """Declare a subprocess here and return a builder for its inside."""
        self.node(SubProcess, id, **attributes)
        inner = ModelBuilder.__new__(ModelBuilder)
        inner.root = self.root
        inner.scope_id = id
        return inner

    # --- flows -----------------------------------------------------------------------------

    def flow(
        self,
        *ids: str,
        condition: str | None = None,
        id: str | None = None,
        default: bool = False,
    ) -> ModelBuilder:
        """Chain flows through the ids; condition/id/default apply to each flow made."""
        if len(ids) < 2:
            raise ValueError("a flow needs a source and a target")
        for source, target in zip(ids, ids[1:], strict=False):
            self._declare(source)
            self._declare(target)
            flow_id = id or f"{source}->{target}"
            root = self.root
            if flow_id in root.flows:
                raise ValueError(f"duplicate flow {flow_id}")
            root.flows[flow_id] = SequenceFlow(
                id=flow_id, source_id=source, target_id=target, condition=condition
            )
            root.specs[source].outgoing.append(flow_id)
            root.specs[target].incoming.append(flow_id)
            if default:
                root.specs[source].default_flow = flow_id
        return self

    def _declare(self, id: str) -> None:
        if id in self.root.specs:
            return
        if id.startswith("start") or id.endswith("_start"):
            self.start(id)
        elif id.startswith("end") or id.endswith("_end"):
            self.end(id)
        else:
            self.task(id)
        self.root.specs[id].implicit = True

    def build(self) -> ProcessModel:
        root = self.root
        nodes = [
            spec.cls(
                id=spec.id,
                scope_id=spec.scope_id,
                incoming=tuple(spec.incoming),
                outgoing=tuple(spec.outgoing),
                default_flow=spec.default_flow,
                **spec.attributes,
            )
            for spec in root.specs.values()
        ]
        return ProcessModel.build(
            id=root.process_id,
            nodes=nodes,
            flows=root.flows.values(),
            is_executable=root.executable,
        )


# --- assertions helpers -------------------------------------------------------------------


def of_type(effects: Sequence[Any], cls: type[Any]) -> list[Any]:
    """The effects of one class, in order."""
    return [e for e in effects if isinstance(e, cls)]


def positions(state: InstanceState) -> list[tuple[str, str]]:
    """(element id, token state) of every token, sorted: where the instance stands."""
    return sorted((t.element_id, t.state.value) for t in state.tokens.values())


def waiting_at(state: InstanceState, element_id: str) -> str:
    """The id of the one WAITING token at an element."""
    ids = [
        t.id
        for t in state.tokens.values()
        if t.element_id == element_id and t.state.value == "waiting"
    ]
    if len(ids) != 1:
        raise AssertionError(f"expected one waiting token at {element_id}, got {ids}")
    return ids[0]


def counter_ids() -> Any:
    """A deterministic ``new_id``: id1, id2, ..."""
    count = 0

    def new_id() -> str:
        nonlocal count
        count += 1
        return f"id{count}"

    return new_id
