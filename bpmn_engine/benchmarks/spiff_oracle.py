"""SpiffWorkflow 3.2 running the same diagrams in the same process: the oracle.

SpiffWorkflow is a test-only dependency (``requirements/dev.txt``), so it is imported
here lazily, only when the comparison runs. Its conditions are Python, so the oracle's
copy of each diagram has Baton's ``${...}`` expressions rewritten; the diagram itself is
not changed. An *event* is counted as in Baton: the start, and each user or external
service task the driver completes.
"""

from __future__ import annotations

import importlib
import logging
import time
from typing import Any

from lxml import etree

SPIFF_MISSING = (
    "SpiffWorkflow is not installed; the comparison needs the dev requirements "
    "(pip install -r requirements/dev.txt) or run with --no-spiff"
)

REWRITES = {
    "${!approved}": "not approved",
    "${amount &gt; 1000}": "amount &gt; 1000",
    "${iteration &lt; rounds}": "iteration &lt; rounds",
}


def _spec(xml: str, process_id: str) -> Any:
    try:
        parser = importlib.import_module("SpiffWorkflow.camunda.parser").CamundaParser()
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise RuntimeError(SPIFF_MISSING) from error
    for baton, python in REWRITES.items():
        xml = xml.replace(baton, python)
    parser.add_bpmn_xml(etree.fromstring(xml.encode()), filename=f"{process_id}.bpmn")
    return parser.get_spec(process_id)


def spiff_run(
    xml: str, process_id: str, variables: dict[str, Any], *, seconds: float
) -> dict[str, Any]:
    """Run instances to the end for ``seconds``; complete user and service tasks in turn."""
    spec = _spec(xml, process_id)
    logger = logging.getLogger("spiff")
    level = logger.level
    logger.setLevel(logging.WARNING)  # Spiff logs every state change at INFO: not timed
    try:
        return _drive(spec, variables, seconds=seconds)
    finally:
        logger.setLevel(level)


def _drive(spec: Any, variables: dict[str, Any], *, seconds: float) -> dict[str, Any]:
    # Imported by name (the brief allows it only here, lazily); see _spec.
    BpmnWorkflow = importlib.import_module("SpiffWorkflow.bpmn.workflow").BpmnWorkflow  # noqa: N806
    TaskState = importlib.import_module("SpiffWorkflow.util.task").TaskState  # noqa: N806

    events = instances = 0
    started = time.process_time()  # CPU time, as for Baton (benchmarks/memory.py)
    deadline = started + seconds
    while time.process_time() < deadline:
        workflow = BpmnWorkflow(spec)
        workflow.get_tasks(state=TaskState.READY)[0].data.update(variables)
        workflow.do_engine_steps()
        events += 1
        while not workflow.is_completed():
            task = workflow.get_next_task(state=TaskState.STARTED)
            if task is not None:  # an external service task, completed by the driver
                task.complete()
            else:
                task = workflow.get_next_task(state=TaskState.READY, manual=True)
                task.data["approved"] = True
                task.run()
            events += 1
            workflow.do_engine_steps()
        instances += 1
    elapsed = time.process_time() - started
    return {"instances": instances, "events": events, "events_per_second": events / elapsed}
