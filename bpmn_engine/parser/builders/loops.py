"""Loop characteristics: ``multiInstanceLoopCharacteristics`` and ``standardLoopCharacteristics``.

Read for every activity by the process walker (any activity kind may loop), in the BPMN,
Camunda 7 (``camunda:collection``/``camunda:elementVariable``) and Zeebe
(``zeebe:loopCharacteristics``) dialects. Everything that can be checked without
variables is checked here, so a bad loop fails the upload with the element named:
expressions must compile, a literal cardinality or ``loopMaximum`` must be a
non-negative integer, and the events of the multi-instance behaviors must exist.

Loops drawn without what makes them end or count (a multi-instance with neither
cardinality nor collection, a standard loop with neither condition nor maximum), as
modeling-only diagrams draw them, deploy with a warning; what they do when a token
reaches them is decided in ``interpreter/behaviors/multi_instance.py`` and ``loop.py``.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from bpmn_engine.interpreter.expressions import ExpressionError, compile_expression
from bpmn_engine.interpreter.expressions.feel import is_feel
from bpmn_engine.model import MultiInstanceLoop, StandardLoop
from bpmn_engine.model.activities import LoopCharacteristics
from bpmn_engine.parser.builders.behavior_events import (
    behavior_event,
    complex_behaviors,
    definition_ref,
)
from bpmn_engine.parser.builders.extensions import camunda_attr, first_extension
from bpmn_engine.parser.condition_dialects import FEEL_MARKER, is_feel_language
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import ZEEBE, bpmn_children, elements, is_bpmn, text_content

BEHAVIORS = frozenset({"None", "One", "All", "Complex"})


def feel_text(text: str | None, language: str = "") -> str | None:
    """Expression text as the compiler reads it; blank text is no expression.

    Zeebe's ``=`` marker is kept: it selects the FEEL dialect in ``compile_expression``,
    so ``= count(items) > 2`` runs as FEEL rather than as Baton's language (whose
    ``=``, ``and`` and names with spaces differ). A text whose ``language`` attribute
    says FEEL gets the marker.
    """
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    if is_feel_language(language) and not is_feel(text):
        return FEEL_MARKER + text
    return text


def check_expression(
    el: etree._Element, node_id: str, what: str, source: str | None, issues: Issues
) -> None:
    """Report ``source`` if it does not compile (used for gateway conditions too)."""
    _Checker(el, node_id, issues).expression(what, source)


def _child_text(el: etree._Element, local: str) -> str | None:
    found = bpmn_children(el, local)
    return feel_text(text_content(found[0]), found[0].get("language", "")) if found else None


class _Checker:
    """Compiles one activity's loop expressions and reports problems against it."""

    def __init__(self, el: etree._Element, node_id: str, issues: Issues) -> None:
        self.el, self.node_id, self.issues = el, node_id, issues

    def error(self, message: str) -> None:
        self.issues.error(f"{message} (element '{self.node_id}')", self.el, self.node_id)

    def warning(self, message: str) -> None:
        self.issues.warning(message, self.el, self.node_id)

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
        none_behavior_event=behavior_event(el, definition_ref(el, "noneBehaviorEventRef"), check),
        one_behavior_event=behavior_event(el, definition_ref(el, "oneBehaviorEventRef"), check),
        complex_behaviors=complex_behaviors(el, check),
    )
    _check_multi_instance(loop, check)
    return loop


def _check_multi_instance(loop: MultiInstanceLoop, check: _Checker) -> None:
    if loop.cardinality is None and loop.collection is None:
        check.warning(
            "multi-instance has neither loopCardinality nor a collection: the number of "
            "instances is undefined, so a token reaching it raises an incident"
        )
    if loop.behavior not in BEHAVIORS:
        check.error(f"multi-instance behavior {loop.behavior!r} is not None, One, All or Complex")
    unused = [
        name
        for name, behavior, given in (
            ("noneBehaviorEventRef", "None", loop.none_behavior_event is not None),
            ("oneBehaviorEventRef", "One", loop.one_behavior_event is not None),
            ("complexBehaviorDefinition", "Complex", bool(loop.complex_behaviors)),
        )
        if given and loop.behavior != behavior
    ]
    for name in unused:
        check.warning(f"{name} is never thrown: the behavior is {loop.behavior}")
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
        check.warning(
            "standard loop has neither loopCondition nor loopMaximum: it repeats until a "
            "boundary event or the step limit ends it"
        )
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
