"""Loop characteristics of activities: multi-instance and the standard loop.

They are kept apart from the element classes because any activity kind can carry them
(``FlowNode.loop``): the interpreter wraps the activity's own behavior in a loop behavior
instead of having a multi-instance variant of every task class. Expressions are kept as
the text the modeler wrote (Zeebe's ``=`` FEEL marker already dropped).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_DECISION_VARIABLE = "approved"
"""The variable a multi-instance user task counts into ``nrOfApproved``/``nrOfRejected``."""

DECISION_VARIABLE_PROPERTY = "baton.decisionVariable"
"""Extension property that renames the decision variable of a multi-instance user task."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiInstanceLoop:
    """``multiInstanceLoopCharacteristics`` (Camunda 7 and Zeebe dialects merged).

    Exactly one of ``cardinality`` and ``collection`` is set (the parser checks it).
    ``collection`` is an expression whose value is a list; a bare variable name is an
    expression too. ``behavior`` is BPMN's multi-instance event behavior; only ``None``
    and ``All`` run, since both throw no event the engine would have to route.
    """

    sequential: bool = False
    cardinality: str | None = None
    collection: str | None = None
    element_variable: str | None = None
    completion_condition: str | None = None
    output_collection: str | None = None
    output_element: str | None = None
    behavior: str = "All"


@dataclass(frozen=True, slots=True, kw_only=True)
class StandardLoop:
    """``standardLoopCharacteristics``: run the activity again while ``condition`` holds.

    With ``test_before`` the condition is also tested before the first run (a while
    loop); otherwise the first run always happens (do-while). ``maximum`` caps the runs.
    """

    condition: str | None = None
    test_before: bool = False
    maximum: int | None = None


LoopCharacteristics = MultiInstanceLoop | StandardLoop


@dataclass(frozen=True, slots=True, kw_only=True)
class IoParameter:
    """One ``camunda:inputParameter``/``outputParameter``.

    ``kind`` is ``text`` (``template`` is a text or ``${...}`` template), ``null`` (empty
    body), ``list`` (``entries`` hold ``("", template)`` per value) or ``map``
    (``entries`` hold ``(key, template)``).
    """

    name: str
    kind: str = "text"
    template: str | None = None
    entries: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InputOutput:
    """``camunda:inputOutput``: inputs become local variables of the activity's own
    scope; outputs are evaluated there when it completes and written outwards with
    Camunda's rule (nearest scope holding the name, else the process instance)."""

    inputs: tuple[IoParameter, ...] = ()
    outputs: tuple[IoParameter, ...] = ()
