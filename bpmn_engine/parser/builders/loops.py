"""Loop characteristics: ``multiInstanceLoopCharacteristics`` and ``standardLoopCharacteristics``.

Read for every activity by the process walker (any activity kind may loop), in the BPMN,
Camunda 7 (``camunda:collection``/``camunda:elementVariable``) and Zeebe
(``zeebe:loopCharacteristics``) dialects. Everything that can be checked without
variables is checked here, so a bad loop fails the upload with the element named:
expressions must compile, a literal cardinality or ``loopMaximum`` must be a
non-negative integer, and a multi-instance needs a cardinality or a collection.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from bpmn_engine.interpreter.expressions import ExpressionError, compile_expression
from bpmn_engine.model import MultiInstanceLoop, StandardLoop
from bpmn_engine.model.activities import LoopCharacteristics
from bpmn_engine.parser.builders.extensions import camunda_attr, first_extension
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import ZEEBE, bpmn_children, elements, is_bpmn, text_content

BEHAVIORS = frozenset({"None", "One", "All", "Complex"})
RUNNABLE_BEHAVIORS = frozenset({"None", "All"})
"""``One``/``Complex`` throw events to boundary events: refused by ``parser.support``."""


def feel_text(text: str | None) -> str | None:
    """Strip Zeebe's ``=`` FEEL marker; blank text is no expression."""
    if text is None:
        return None
    text = text.strip()
    if text.startswith("="):
        text = text[1:].strip()
    return text or None


def check_expression(
    el: etree._Element, node_id: str, what: str, source: str | None, issues: Issues
) -> None:
    """Report ``source`` if it does not compile (used for gateway conditions too)."""
    _Checker(el, node_id, issues).expression(what, source)


def _child_text(el: etree._Element, local: str) -> str | None:
    found = bpmn_children(el, local)
    return feel_text(text_content(found[0])) if found else None


class _Checker:
    """Compiles one activity's loop expressions and reports problems against it."""

    def __init__(self, el: etree._Element, node_id: str, issues: Issues) -> None:
        self.el, self.node_id, self.issues = el, node_id, issues

    def error(self, message: str) -> None:
        self.issues.error(f"{message} (element '{self.node_id}')", self.el, self.node_id)

    def expression(self, what: str, source: str | None) -> None:
        if source is None:
            return
        try:
            compile_expression(source)
        except ExpressionError as error:
            self.error(f"{what} does not compile: {error.message} in {source!r}")

    def constant(self, source: str) -> Any:
        """The value of an expression that needs no variables, else None."""
        try:
            return compile_expression(source).evaluate({})
        except ExpressionError:
            return None


def _multi_instance(el: etree._Element, check: _Checker) -> MultiInstanceLoop:
    zeebe = first_extension(el, ZEEBE, "loopCharacteristics")
    collection = feel_text(camunda_attr(el, "collection"))
    element_variable = camunda_attr(el, "elementVariable")
    output_collection = output_element = None
    if zeebe is not None:
        collection = collection or feel_text(zeebe.get("inputCollection"))
        element_variable = element_variable or zeebe.get("inputElement")
        output_collection = zeebe.get("outputCollection") or None
        output_element = feel_text(zeebe.get("outputElement"))
    loop = MultiInstanceLoop(
        sequential=el.get("isSequential", "false").strip() == "true",
        cardinality=_child_text(el, "loopCardinality"),
        collection=collection,
        element_variable=element_variable or None,
        completion_condition=_child_text(el, "completionCondition"),
        output_collection=output_collection,
        output_element=output_element,
        behavior=el.get("behavior", "All"),
    )
    _check_multi_instance(loop, check)
    return loop


def _check_multi_instance(loop: MultiInstanceLoop, check: _Checker) -> None:
    if loop.cardinality is None and loop.collection is None:
        check.error("multi-instance needs a loopCardinality or a collection")
    if loop.behavior not in BEHAVIORS:
        check.error(f"multi-instance behavior {loop.behavior!r} is not None, One, All or Complex")
    if (loop.output_collection is None) != (loop.output_element is None):
        check.error("zeebe:loopCharacteristics needs both outputCollection and outputElement")
    check.expression("loopCardinality", loop.cardinality)
    check.expression("collection", loop.collection)
    check.expression("completionCondition", loop.completion_condition)
    check.expression("outputElement", loop.output_element)
    if loop.cardinality is not None:
        value = check.constant(loop.cardinality)
        if isinstance(value, bool) or (value is not None and not isinstance(value, int)):
            check.error(f"loopCardinality must be a whole number, not {value!r:.40}")
        elif isinstance(value, int) and value < 0:
            check.error(f"loopCardinality must not be negative, it is {value}")


def _standard(el: etree._Element, check: _Checker) -> StandardLoop:
    raw_maximum = el.get("loopMaximum")
    maximum: int | None = None
    if raw_maximum is not None:
        try:
            maximum = int(raw_maximum.strip())
        except ValueError:
            check.error(f"loopMaximum must be a whole number, not {raw_maximum!r}")
        else:
            if maximum < 0:
                check.error(f"loopMaximum must not be negative, it is {maximum}")
    loop = StandardLoop(
        condition=_child_text(el, "loopCondition"),
        test_before=el.get("testBefore", "false").strip() == "true",
        maximum=maximum,
    )
    check.expression("loopCondition", loop.condition)
    if loop.condition is None and raw_maximum is None:
        check.error("standard loop needs a loopCondition or a loopMaximum, or it never ends")
    return loop


def read_loop(el: etree._Element, node_id: str, issues: Issues) -> LoopCharacteristics | None:
    """The activity's loop characteristics, or None; problems go to ``issues``."""
    for child in elements(el):
        if is_bpmn(child, "multiInstanceLoopCharacteristics"):
            return _multi_instance(child, _Checker(child, node_id, issues))
        if is_bpmn(child, "standardLoopCharacteristics"):
            return _standard(child, _Checker(child, node_id, issues))
    return None


def read_quantities(el: etree._Element, node_id: str, issues: Issues) -> tuple[int, int]:
    """``startQuantity`` and ``completionQuantity`` (default 1); below 1 is an error."""
    return (
        _quantity(el, "startQuantity", node_id, issues),
        _quantity(el, "completionQuantity", node_id, issues),
    )


def _quantity(el: etree._Element, attribute: str, node_id: str, issues: Issues) -> int:
    raw = el.get(attribute)
    if raw is None:
        return 1
    try:
        value = int(raw.strip())
    except ValueError:
        value = 0
    if value < 1:
        issues.error(f"{attribute} must be a whole number of at least 1, not {raw!r}", el, node_id)
        return 1
    return value
