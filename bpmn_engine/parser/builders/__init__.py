"""Builders: one small function per BPMN element kind.

Importing this package registers every node builder with ``parser.registry``.
"""

from bpmn_engine.parser.builders import events, gateways, process, tasks
from bpmn_engine.parser.builders.definitions import build_definitions

__all__ = ["build_definitions", "events", "gateways", "process", "tasks"]
