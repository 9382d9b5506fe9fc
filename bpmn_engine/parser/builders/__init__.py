"""Builders: one small function per BPMN element kind.

Importing this package registers every node builder with ``parser.registry``.
"""

from bpmn_engine.parser.builders import adhoc as adhoc
from bpmn_engine.parser.builders import business_rule as business_rule
from bpmn_engine.parser.builders import call_activity, events, gateways, process, tasks
from bpmn_engine.parser.builders import compensation as compensation
from bpmn_engine.parser.builders import receive as receive
from bpmn_engine.parser.builders import send as send
from bpmn_engine.parser.builders.definitions import build_definitions

__all__ = ["build_definitions", "call_activity", "events", "gateways", "process", "tasks"]
