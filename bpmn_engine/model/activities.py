"""Loop characteristics of activities: multi-instance and the standard loop.

They are kept apart from the element classes because any activity kind can carry them
(``FlowNode.loop``): the interpreter wraps the activity's own behavior in a loop behavior
instead of having a multi-instance variant of every task class. Expressions are kept as
the text the modeler wrote (Zeebe's ``=`` FEEL marker already dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bpmn_engine.model.elements import EventDefinition

DEFAULT_DECISION_VARIABLE = "approved"
"""The variable a multi-instance user task counts into ``nrOfApproved``/``nrOfRejected``."""

DECISION_VARIABLE_PROPERTY = "baton.decisionVariable"
"""Extension property that renames the decision variable of a multi-instance user task."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiInstanceLoop:
    """``multiInstanceLoopCharacteristics`` (Camunda 7 and Zeebe dialects merged).

    ``collection`` counts the instances, else ``cardinality``. With neither (as
    modeling-only diagrams draw it) the number of instances is undefined: the parser
    warns and a token reaching the activity raises an incident naming it.
    ``collection`` is an expression whose value is a list; a bare variable name is an
    expression too.

    ``behavior`` is BPMN's multi-instance event behavior (section 10.3.8): when an
    instance completes, ``None`` throws ``none_behavior_event`` every time, ``One``
    throws ``one_behavior_event`` for the first instance only, ``All`` throws nothing,
    and ``Complex`` throws the events of every ``complex_behaviors`` entry whose
    condition holds. The events are implicit throws caught by the boundary events of
    the multi-instance activity itself.
    """

    sequential: bool = False
    cardinality: str | None = None
    collection: str | None = None
    element_variable: str | None = None
    completion_condition: str | None = None
    output_collection: str | None = None
    output_element: str | None = None
    behavior: str = "All"
    none_behavior_event: EventDefinition | None = None
    one_behavior_event: EventDefinition | None = None
    complex_behaviors: tuple[ComplexBehavior, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplexBehavior:
    """``complexBehaviorDefinition``: after each instance, when ``condition`` holds, the
    ``events`` (of its implicit throw event) are thrown to the activity's boundary."""

    condition: str
    events: tuple[EventDefinition, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StandardLoop:
    """``standardLoopCharacteristics``: run the activity again while ``condition`` holds.

    With ``test_before`` the condition is also tested before the first run (a while
    loop); otherwise the first run always happens (do-while). ``maximum`` caps the runs.
    No condition counts as one that always holds, so a loop with neither condition nor
    maximum repeats until something else ends it (see ``interpreter/behaviors/loop.py``).
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
    (``entries`` hold ``(key, template)``); from ``zeebe:ioMapping`` also ``feel``
    (``template`` is the ``=`` FEEL source) or ``literal`` (``template`` is the value).
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
