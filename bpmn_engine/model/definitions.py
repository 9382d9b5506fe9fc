"""``Definitions``: everything one uploaded BPMN file declares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from bpmn_engine.model.process import ProcessModel


@dataclass(frozen=True, slots=True, kw_only=True)
class Import:
    """An ``<import>``: recorded for the operator, never followed or loaded."""

    namespace: str = ""
    location: str = ""
    import_type: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    id: str
    name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    id: str
    name: str = ""
    process_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Collaboration:
    id: str
    name: str = ""
    participants: tuple[Participant, ...] = ()
    message_flow_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Definitions:
    id: str = ""
    name: str = ""
    target_namespace: str = ""
    exporter: str = ""
    exporter_version: str = ""
    processes: tuple[ProcessModel, ...] = ()
    collaborations: tuple[Collaboration, ...] = ()
    messages: Mapping[str, Message] = field(default_factory=lambda: MappingProxyType({}))
    imports: tuple[Import, ...] = ()
    has_diagram: bool = False

    def process(self, process_id: str) -> ProcessModel:
        for process in self.processes:
            if process.id == process_id:
                return process
        raise KeyError(process_id)
