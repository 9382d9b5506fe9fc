"""The registry stays consistent, and no input makes the parser crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpmn_engine.parser import BpmnParseError, parse_bpmn
from bpmn_engine.parser.registry import NODE_KINDS
from bpmn_engine.parser.support import UNSUPPORTED_NODES

from .parser_diagrams import diagram_bytes

SUPPORTED = {
    "startEvent",
    "endEvent",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "complexGateway",
    "task",
    "manualTask",
    "userTask",
    "serviceTask",
    "scriptTask",
    "subProcess",
    "callActivity",
    "businessRuleTask",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "receiveTask",
    "eventBasedGateway",
    "sendTask",
    "transaction",
    "adHocSubProcess",
}


def test_supported_kinds_have_builders() -> None:
    assert set(NODE_KINDS) == SUPPORTED
    assert sorted(tag for tag, kind in NODE_KINDS.items() if kind.scope) == [
        "adHocSubProcess",
        "subProcess",
        "transaction",
    ]


def test_a_tag_is_either_built_or_unsupported_never_both() -> None:
    assert not set(NODE_KINDS) & UNSUPPORTED_NODES


SEED = diagram_bytes("approval_camunda.bpmn")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(min_value=0, max_value=len(SEED)),
    position=st.integers(min_value=0, max_value=len(SEED) - 1),
    junk=st.binary(max_size=8),
)
def test_mutated_input_raises_only_bpmn_parse_error(cut: int, position: int, junk: bytes) -> None:
    """Truncations and byte splices of a real diagram never raise anything else."""
    for data in (SEED[:cut], SEED[:position] + junk + SEED[position + len(junk) :]):
        try:
            parse_bpmn(data)
        except BpmnParseError as error:
            assert error.issues
            assert all(issue.message for issue in error.issues)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_bpmn_parse_error(data: bytes) -> None:
    try:
        parse_bpmn(data)
    except BpmnParseError as error:
        assert error.issues
