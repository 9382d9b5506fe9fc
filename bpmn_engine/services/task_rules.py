"""Four-eyes rules on user tasks, configured per task by extension properties.

``baton.fourEyes=true``: the instance's starter (the requester) may not claim or complete
the task. ``baton.distinctApprovers=true`` (on by default with ``fourEyes``): one person
may not complete two tasks of the same instance that both carry this rule, so the manager
who approved cannot approve again as finance, nor twice in an N-of-M vote.

The rules are read from the deployed model (cached per definition), never from the task
row, so every task of a definition gets them and nobody can switch them off at run time.
They are enforced by the task services (``task_claim``, ``task_complete``, delegation,
drafts); ``user_task_inbox`` and ``task_can_act`` use the same checks only so pages do
not offer what the services would refuse.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import reduce

from django.db.models import Exists, OuterRef, Q, QuerySet

from bpmn_engine.models import UserTask
from bpmn_engine.services.models_cache import definition_model

FOUR_EYES = "baton.fourEyes"
DISTINCT_APPROVERS = "baton.distinctApprovers"
_OFF = {"false", "0", "no", "off"}
"""A rule is off only when its property is absent or says so; any other value turns it
on, so a typo fails closed (the safe side for a control like this)."""

STARTER_REFUSAL = "You started this request, so someone else must approve it"
REPEAT_REFUSAL = (
    "You already completed another approval of this request, so someone else must complete this one"
)
STARTER_ASSIGN_REFUSAL = "{name} started this request, so it cannot be given to them"


def _flag(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() not in _OFF


@dataclass(frozen=True)
class TaskRules:
    four_eyes: bool = False
    distinct_approvers: bool = False

    @property
    def any(self) -> bool:
        return self.four_eyes or self.distinct_approvers

    @classmethod
    def from_properties(cls, properties: Mapping[str, str]) -> TaskRules:
        four_eyes = bool(_flag(properties.get(FOUR_EYES)))
        distinct = _flag(properties.get(DISTINCT_APPROVERS))
        return cls(
            four_eyes=four_eyes, distinct_approvers=four_eyes if distinct is None else distinct
        )


NO_RULES = TaskRules()


def task_rules_of(definition_id: int, element_id: str) -> TaskRules:
    """The rules of one user task element of a deployed definition."""
    node = definition_model(definition_id).nodes.get(element_id)
    if node is None:
        return NO_RULES
    return TaskRules.from_properties(node.extensions.properties)


def elements_with_rules(definition_id: int) -> tuple[set[str], set[str]]:
    """(elements with fourEyes, elements with distinctApprovers) of a definition."""
    four_eyes: set[str] = set()
    distinct: set[str] = set()
    for node in definition_model(definition_id).nodes.values():
        rules = TaskRules.from_properties(node.extensions.properties)
        if rules.four_eyes:
            four_eyes.add(node.id)
        if rules.distinct_approvers:
            distinct.add(node.id)
    return four_eyes, distinct


def rule_refusal(
    *,
    definition_id: int,
    element_id: str,
    name: str,
    started_by: str,
    completed_elements: Iterable[str],
) -> str | None:
    """Why ``name`` may not claim or complete the task, or None if the rules allow it.

    ``completed_elements`` are the element ids of the *other* tasks of the instance that
    ``name`` completed; only those that carry the distinct-approvers rule count.
    """
    rules = task_rules_of(definition_id, element_id)
    if not rules.any or not name:
        return None
    if rules.four_eyes and started_by == name:
        return STARTER_REFUSAL
    if rules.distinct_approvers and any(
        task_rules_of(definition_id, element).distinct_approvers for element in completed_elements
    ):
        return REPEAT_REFUSAL
    return None


def completed_elements_of(task: UserTask, name: str) -> list[str]:
    """Element ids of the other tasks of ``task``'s instance that ``name`` completed."""
    return list(
        UserTask.objects.filter(
            instance_id=task.instance_id, state=UserTask.State.COMPLETED, completed_by=name
        )
        .exclude(pk=task.pk)
        .values_list("element_id", flat=True)
    )


def task_rule_refusal(task: UserTask, name: str) -> str | None:
    """``rule_refusal`` for a task loaded through the ORM (pages, notifications)."""
    if not name or not task_rules_of(task.instance.definition_id, task.element_id).any:
        return None
    return rule_refusal(
        definition_id=task.instance.definition_id,
        element_id=task.element_id,
        name=name,
        started_by=task.instance.started_by,
        completed_elements=completed_elements_of(task, name),
    )


def _elements_q(pairs: Mapping[int, Collection[str]]) -> Q | None:
    parts = [Q(instance__definition_id=d, element_id__in=sorted(e)) for d, e in pairs.items() if e]
    return reduce(lambda a, b: a | b, parts) if parts else None


def inbox_without_refused(tasks: QuerySet[UserTask], name: str) -> QuerySet[UserTask]:
    """Drop the tasks the rules refuse to ``name`` from an inbox queryset.

    One query finds the definitions the inbox spans; the rules come from their cached
    models, so the exclusion is plain SQL on the element ids that carry a rule.
    """
    if not name:
        return tasks
    # order_by() drops UserTask's default ordering, which DISTINCT would otherwise include
    # (one row per task instead of one per definition).
    definition_ids = set(
        tasks.order_by().values_list("instance__definition_id", flat=True).distinct()
    )
    four_eyes: dict[int, set[str]] = {}
    distinct: dict[int, set[str]] = {}
    for definition_id in definition_ids:
        four_eyes[definition_id], distinct[definition_id] = elements_with_rules(definition_id)
    starter_q = _elements_q(four_eyes)
    if starter_q is not None:
        tasks = tasks.exclude(starter_q & Q(instance__started_by=name))
    distinct_q = _elements_q(distinct)
    if distinct_q is not None:
        earlier = UserTask.objects.filter(
            distinct_q,
            instance_id=OuterRef("instance_id"),
            state=UserTask.State.COMPLETED,
            completed_by=name,
        )
        tasks = tasks.exclude(distinct_q & Exists(earlier))
    return tasks
