"""Betsy's per-engine model adaptation, done for Baton by the test harness only.

Betsy's models hold placeholder tokens (``SCRIPT_task1``) as the whole text of a
``<script>``; for every engine, betsy's XSLT swaps them for code that writes the trace
log. Here each token becomes a script in Baton's safe language, or - where a script cannot
do what the token asks (throw a BPMN error, stay busy for a while) - the script task
becomes a service task bound to a ``betsy-`` handler in ``tests/handlers.py``.

A marker is logged by assigning ``betsyLog_<marker>``: the engine records every script
assignment in its history (``variables_set``), which the harness reads back in order, as
betsy reads its log file. The engine knows nothing of betsy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
LOG_PREFIX = "betsyLog_"
DATA_SEEN = "betsyDataSeen"
MARKER_CREATED = "MARKER_created"
"""Logged by CREATE_MARKER_FILE; the harness turns it into MARKER_exists if expected."""


def _log(marker: str) -> str:
    return f"{LOG_PREFIX}{marker} = true"


SCRIPTS: dict[str, str] = {
    "CREATE_LOG_FILE": "betsyLogFile = true",
    **{f"SCRIPT_task{n}": _log(f"SCRIPT_task{n}") for n in range(1, 6)},
    "CREATE_MARKER_FILE": _log(MARKER_CREATED),
    "INCREMENT_INTEGER_VARIABLE": "integerVariable = integerVariable + 1",
    "INCREMENT_INTEGER_VARIABLE_AND_LOG": (
        f"integerVariable = integerVariable + 1\n{_log('INCREMENT_correct')}"
    ),
    "SET_STRING_DATA": 'data = "String"',
    "LOG_DATA": f"{DATA_SEEN} = data",
}
"""Tokens a script in the safe language can carry out."""

HANDLERS: dict[str, str] = {
    "THROW_ERROR": "betsy-throw-error",
    "WAIT_TEN_SECONDS": "betsy-wait-ten-seconds",
    "CREATE_TIMESTAMP_LOG_1": "betsy-timestamp-1",
    "CREATE_TIMESTAMP_LOG_2": "betsy-timestamp-2",
}
"""Tokens that need a service-task handler (tests/handlers.py)."""

WAIT_SECONDS = {"betsy-wait-ten-seconds": 10}
"""Handlers that model a busy task: the harness runs their job only once the (controllable)
clock has moved this far past the job's creation, so timers can interrupt them first."""


@dataclass
class Adapted:
    data: bytes
    logging_elements: set[str] = field(default_factory=set)
    """Ids of the elements whose script logs a marker (the trace's only legitimate source)."""
    unknown_tokens: list[str] = field(default_factory=list)


def adapt(data: bytes) -> Adapted:
    """The model with every placeholder replaced; unknown tokens are reported, not guessed."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    result = Adapted(b"")
    for script in root.iter(f"{{{BPMN}}}script"):
        token = (script.text or "").strip()
        owner = script.getparent()
        if owner is None:  # pragma: no cover - a script element always has a parent
            continue
        owner_id = owner.get("id", "")
        if token in SCRIPTS:
            script.text = SCRIPTS[token]
            if LOG_PREFIX in SCRIPTS[token]:
                result.logging_elements.add(owner_id)
        elif token in HANDLERS:
            _to_service_task(owner, script, HANDLERS[token])
        else:
            result.unknown_tokens.append(token)
    # A global task runs as the call activity that calls it, under the caller's id.
    for call in root.iter(f"{{{BPMN}}}callActivity"):
        if call.get("calledElement") in result.logging_elements:
            result.logging_elements.add(call.get("id", ""))
    result.data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return result


def _to_service_task(owner: etree._Element, script: etree._Element, topic: str) -> None:
    """A script task whose token needs Python becomes a service task bound to ``topic``."""
    owner.remove(script)
    owner.tag = f"{{{BPMN}}}serviceTask"
    owner.set(f"{{{CAMUNDA}}}type", "external")
    owner.set(f"{{{CAMUNDA}}}topic", topic)
