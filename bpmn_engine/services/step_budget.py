"""The step budget: a step that runs away (a loop with no wait state) is rolled back.

The interpreter stops a run after ``MAX_STEPS_PER_TRANSACTION`` element executions
(``Limits.max_steps``) by parking its READY tokens with an incident wherever the loop had
got to. Committing that would keep up to 10,000 element executions of half-done work:
history rows, user tasks, jobs and messages created inside the loop. So the runtime
throws the whole run away (nothing of it was written yet) and runs the same action
again on the state from before the step with a budget of zero: the action's own change
happens (a task is completed, a job's variables are merged, an instance is created),
then every token it set moving is parked where the step began, with one incident that
names the budget. Retrying the incident runs the step again (and, if the loop is still
there, is rolled back again): the worker or web process that ran it stays healthy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from bpmn_engine.interpreter.effects import (
    HISTORY_INCIDENT,
    INCIDENT_STEP_LIMIT,
    Effect,
    RaiseIncident,
    RecordHistory,
)
from bpmn_engine.interpreter.state import InstanceState

BUDGET_EXCEEDED = (
    "The step exceeded its budget of {limit} element executions (a loop with no wait "
    "state?) and was rolled back; the instance waits here until the loop is fixed"
)


def budget_exceeded(effects: Sequence[Effect], limit: int) -> bool:
    """True when the interpreter stopped this run at the step limit (``limit`` is the
    budget the run had; the incident's ``cause`` says it, whatever its wording)."""
    return any(isinstance(e, RaiseIncident) and e.cause == INCIDENT_STEP_LIMIT for e in effects)


def parked_where_the_step_began(run: Callable[[int], list[Effect]], limit: int) -> list[Effect]:
    """``run(max_steps)`` runs the step's action on the state from before the step; it
    is called with 0, so no element executes, and the incidents say why (``limit``)."""
    message = BUDGET_EXCEEDED.format(limit=limit)
    effects = run(0)
    stopped = {
        e.message
        for e in effects
        if isinstance(e, RaiseIncident) and e.cause == INCIDENT_STEP_LIMIT
    }
    reworded: list[Effect] = []
    for effect in effects:
        if isinstance(effect, RaiseIncident) and effect.cause == INCIDENT_STEP_LIMIT:
            effect = replace(effect, message=message)
        elif (
            isinstance(effect, RecordHistory)
            and effect.event == HISTORY_INCIDENT
            and effect.data.get("message") in stopped
        ):
            effect = replace(effect, data={**effect.data, "message": message})
        reworded.append(effect)
    return reworded


def started_where_the_step_began(
    start: Callable[[int], tuple[InstanceState, list[Effect]]], limit: int
) -> tuple[InstanceState, list[Effect]]:
    """The same for an instance start: ``start(max_steps)`` starts it afresh, and the
    start token is parked on the start event."""
    states: list[InstanceState] = []

    def run(max_steps: int) -> list[Effect]:
        state, effects = start(max_steps)
        states.append(state)
        return effects

    effects = parked_where_the_step_began(run, limit)
    return states[0], effects
