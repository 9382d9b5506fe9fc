"""Run one diagram in Baton's interpreter and in SpiffWorkflow 3.2.0 with the same decisions.

Both runs are in memory. A run is a list of *steps*: the first runs the instance from its
start to its first wait states; each later step completes one waiting user task or service
job - always the waiting element with the smallest id, so both engines get the same
decisions in the same order - with that element's variables from the scenario. A step
records the element ids each engine completed.

SpiffWorkflow is only the oracle: it is imported here, never by ``bpmn_engine``. Its copy of
the diagram is adapted the way Spiff needs (``oracle_copy``); Baton runs the file as is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.util.task import TaskState

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import (
    HISTORY_ELEMENT_COMPLETED,
    CancelJob,
    CancelUserTask,
    CreateJob,
    CreateUserTask,
    Effect,
    RecordHistory,
)
from bpmn_engine.parser import parse_bpmn

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MAX_STEPS = 50
SPIFF_RESERVED = {"Start", "End", "Root"}
"""Spiff names its own start/end specs so; a BPMN element with such an id is renamed."""
_CONTAINS = re.compile(r"(\w+)\.contains\(([^()]*)\)")
EXPRESSIONS = {
    f"{{{BPMN}}}{name}"
    for name in (
        "conditionExpression",
        "condition",
        "loopCondition",
        "completionCondition",
        "loopCardinality",
        "activationCondition",
    )
}
_TEMPLATE = re.compile(r"^\s*\$\{(.*)\}\s*$", re.DOTALL)


@dataclass(frozen=True)
class Scenario:
    name: str
    variables: Mapping[str, Any] = field(default_factory=dict)
    decisions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Element id -> the variables its user task or job completes with."""


Steps = list[list[str]]


def run_baton(data: bytes, process_id: str, scenario: Scenario) -> Steps:
    definitions = parse_bpmn(data, filename=f"{process_id}.bpmn").definitions
    model = next(p for p in definitions.processes if p.id == process_id)
    interpreter = Interpreter(model)
    state, effects = interpreter.start(variables=dict(scenario.variables))
    waiting: dict[str, str] = {}
    steps = [_completed(effects, waiting)]
    for _ in range(MAX_STEPS):
        if not waiting:
            return steps
        token_id, element_id = min(waiting.items(), key=lambda item: item[1])
        del waiting[token_id]
        values = dict(scenario.decisions.get(element_id, {}))
        effects = interpreter.complete(state, token_id=token_id, variables=values)
        steps.append(_completed(effects, waiting))
    raise AssertionError(f"Baton still waits after {MAX_STEPS} steps: {waiting}")


def _completed(effects: list[Effect], waiting: dict[str, str]) -> list[str]:
    """Element ids completed by these effects; keeps ``waiting`` (token -> element) current."""
    done = []
    for effect in effects:
        if isinstance(effect, CreateUserTask | CreateJob):
            waiting[effect.token_id] = effect.element_id
        elif isinstance(effect, CancelUserTask | CancelJob):
            waiting.pop(effect.token_id, None)
        elif isinstance(effect, RecordHistory) and effect.event == HISTORY_ELEMENT_COMPLETED:
            done.append(effect.element_id)
    return done


def oracle_copy(data: bytes) -> tuple[bytes, dict[str, str]]:
    """The diagram as Spiff's default parser can run it, and the ids it renamed.

    - ``${expr}`` conditions become Python (``!`` -> ``not``, ``&&``/``||`` -> and/or);
    - service tasks become user tasks, so the test completes them like Baton's jobs;
    - ids that clash with Spiff's own task names get a suffix.
    """
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    renamed = {}
    for element in root.iter():
        if element.get("id") in SPIFF_RESERVED:
            renamed[f"{element.get('id')}_"] = element.get("id", "")
            element.set("id", f"{element.get('id')}_")
        for ref in ("sourceRef", "targetRef"):
            if element.get(ref) in SPIFF_RESERVED:
                element.set(ref, f"{element.get(ref)}_")
        if element.tag in EXPRESSIONS and element.text:
            element.text = python_condition(element.text)
        if element.tag == f"{{{BPMN}}}script" and element.text:
            element.text = _python_literals(element.text)
        if element.tag == f"{{{BPMN}}}serviceTask":
            element.tag = f"{{{BPMN}}}userTask"
    for element in root.iter(f"{{{BPMN}}}incoming", f"{{{BPMN}}}outgoing"):
        if element.text in SPIFF_RESERVED:
            element.text = f"{element.text}_"
    return etree.tostring(root), renamed


def python_condition(text: str) -> str:
    """``${a && !b}`` / ``test.contains("a")`` (JUEL, Java) as the Python Spiff evaluates."""
    match = _TEMPLATE.match(text)
    body = match.group(1) if match else text
    body = body.replace("&&", " and ").replace("||", " or ")
    body = _CONTAINS.sub(r"(\2 in \1)", body)
    return _python_literals(re.sub(r"!(?!=)", " not ", body)).strip()


def _python_literals(text: str) -> str:
    return re.sub(r"\bfalse\b", "False", re.sub(r"\btrue\b", "True", text))


def run_spiff(data: bytes, process_id: str, scenario: Scenario) -> Steps:
    oracle, renamed = oracle_copy(data)
    parser = BpmnParser()
    parser.add_bpmn_str(oracle)
    workflow = BpmnWorkflow(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.set_data(**scenario.variables)
    steps = [_spiff_engine_steps(workflow, renamed)]
    for _ in range(MAX_STEPS):
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            return steps
        task = min(ready, key=lambda t: _name(t, renamed))
        task.set_data(**scenario.decisions.get(_name(task, renamed), {}))
        task.run()
        steps.append([_name(task, renamed), *_spiff_engine_steps(workflow, renamed)])
    raise AssertionError(f"Spiff still waits after {MAX_STEPS} steps")


def _name(task: Any, renamed: dict[str, str]) -> str:
    bpmn_id: str = task.task_spec.bpmn_id
    return renamed.get(bpmn_id, bpmn_id)


def _spiff_engine_steps(workflow: BpmnWorkflow, renamed: dict[str, str]) -> list[str]:
    done: list[str] = []

    def record(task: Any) -> None:
        if task.task_spec.bpmn_id is not None:
            done.append(_name(task, renamed))

    workflow.do_engine_steps(did_complete_task=record)
    return done
