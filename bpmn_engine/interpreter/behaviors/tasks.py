"""Tasks: plain and manual (pass through), user, service and script tasks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from bpmn_engine.interpreter import compiled
from bpmn_engine.interpreter.behaviors.base import PassThroughBehavior
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.effects import CancelJob, CancelUserTask, CreateJob, CreateUserTask
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.expressions.feel import is_feel
from bpmn_engine.model import ScriptTask, ServiceTask, UserTask

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


class TaskBehavior(PassThroughBehavior):
    """``task`` and ``manualTask``: nothing to do, the token passes through."""

    __slots__ = ()


class UserTaskBehavior:
    """A wait state for a person: opens a task whose assignment is resolved now.

    Assignment attributes are templates (``${initiator}``) or, from Zeebe, FEEL marked by
    ``=`` (``= reviewer``), evaluated against the variables visible from the token; the
    runtime gets plain values in ``CreateUserTask``.
    """

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = cast(UserTask, ctx.node(token))
        effect = CreateUserTask(
            token_id=token.id,
            element_id=node.id,
            name=node.label,
            form_key=node.form_key,
            documentation=node.documentation,
            **_assignment(ctx, node, token),
        )
        ctx.wait(token)
        ctx.emit(effect)

    def complete(self, ctx: Context, token: Token, variables: Mapping[str, Any]) -> None:
        ctx.pass_through(token)

    def cancel(self, ctx: Context, token: Token, reason: str) -> None:
        ctx.emit(CancelUserTask(token_id=token.id, reason=reason))


def _assignment(ctx: Context, node: UserTask, token: Token) -> dict[str, Any]:
    """Resolve assignee, candidates, due date and priority (only the attributes set)."""
    values: dict[str, Any] = {}
    if not (
        node.assignee
        or node.candidate_users
        or node.candidate_groups
        or node.due_date
        or node.priority
    ):
        return values
    variables = ctx.variables(token.scope_id)
    if node.assignee:
        values["assignee"] = _text(_template(node, "assignee", node.assignee, variables))
    if node.candidate_users:
        raw = _template(node, "candidate users", node.candidate_users, variables)
        values["candidate_users"] = _names(raw)
    if node.candidate_groups:
        raw = _template(node, "candidate groups", node.candidate_groups, variables)
        values["candidate_groups"] = _names(raw)
    if node.due_date:
        values["due_date"] = _text(_template(node, "due date", node.due_date, variables))
    if node.priority:
        values["priority"] = _priority(node, _template(node, "priority", node.priority, variables))
    return values


def _template(node: UserTask, what: str, source: str, variables: Mapping[str, Any]) -> Any:
    """A Camunda template (``${initiator}``), or Zeebe FEEL when marked (``= reviewer``)."""
    try:
        if is_feel(source):
            return compiled.expression(source).evaluate(variables)
        return compiled.template(source).evaluate(variables)
    except ExpressionError as error:
        raise ElementError(f"The {what} of user task '{node.id}' failed: {error.message}") from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _names(value: Any) -> tuple[str, ...]:
    """A comma-separated string or a list of names; blanks are dropped."""
    if value is None:
        return ()
    parts = value.split(",") if isinstance(value, str) else value
    if not isinstance(parts, list | tuple | set | frozenset):
        parts = [parts]
    names = (str(part).strip() for part in parts if part is not None)
    return tuple(name for name in names if name)


def _priority(node: UserTask, value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = str(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ElementError(
            f"The priority of user task '{node.id}' is not an integer: {value!r:.80}"
        ) from None


class ServiceTaskBehavior:
    """Work for a handler. An ``expression`` binding is evaluated in place; every other
    binding parks the token and queues a job with the handler's topic.

    On ``complete`` the job's variables were already written by the interpreter (Camunda's
    rule). If the task has a ``result_variable`` and the job's variables hold ``result``,
    that value is also stored under the result variable, so a handler can return one value
    without knowing what the modeler named it.
    """

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = cast(ServiceTask, ctx.node(token))
        if node.binding == "expression":
            self._evaluate(ctx, node, token)
            ctx.pass_through(token)
            return
        ctx.wait(token)
        ctx.emit(
            CreateJob(
                token_id=token.id,
                element_id=node.id,
                topic=node.topic or node.id,
                retry_time_cycle=node.retry_time_cycle,
            )
        )

    @staticmethod
    def _evaluate(ctx: Context, node: ServiceTask, token: Token) -> None:
        if not node.expression:
            raise ElementError(
                f"Service task '{node.id}' has an expression binding but no expression"
            )
        try:
            value = compiled.expression(node.expression).evaluate(ctx.variables(token.scope_id))
        except ExpressionError as error:
            raise ElementError(
                f"The expression of service task '{node.id}' failed: {error.message}"
            ) from None
        if node.result_variable:
            check_size(ctx, f"Service task '{node.id}'", node.result_variable, value)
            ctx.set_variables(token, {node.result_variable: value})

    def complete(self, ctx: Context, token: Token, variables: Mapping[str, Any]) -> None:
        node = cast(ServiceTask, ctx.node(token))
        if node.result_variable and "result" in variables:
            ctx.set_variables(token, {node.result_variable: variables["result"]})
        ctx.pass_through(token)

    def cancel(self, ctx: Context, token: Token, reason: str) -> None:
        ctx.emit(CancelJob(token_id=token.id, reason=reason))


class ScriptTaskBehavior:
    """Runs a script in the safe language and writes its assignments, in order.

    Each assignment is written with Camunda's rule from the token's scope; with a
    ``result_variable`` the value of the last assignment is stored there too. Every value
    is checked (JSON size) before anything is written, so a failing script changes nothing.
    """

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = cast(ScriptTask, ctx.node(token))
        if node.script.strip():
            ctx.set_variables(token, self._run(ctx, node, token))
        ctx.pass_through(token)

    @staticmethod
    def _run(ctx: Context, node: ScriptTask, token: Token) -> dict[str, Any]:
        try:
            results = compiled.script(node.script).run(ctx.variables(token.scope_id))
        except ExpressionError as error:
            raise ElementError(f"The script of task '{node.id}' failed: {error.message}") from None
        values = dict(results)
        if node.result_variable and values:
            values[node.result_variable] = list(values.values())[-1]
        for name, value in values.items():
            check_size(ctx, f"Script task '{node.id}'", name, value)
        return values


def check_size(ctx: Context, owner: str, name: str, value: Any) -> None:
    """Refuse values that are not JSON or larger than ``limits.max_variable_bytes``."""
    try:
        encoded = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ElementError(
            f"{owner}: variable '{name}' cannot be stored, it is not JSON-serialisable ({error})"
        ) from None
    limit = ctx.limits.max_variable_bytes
    size = len(encoded)  # ensure_ascii: one byte per character
    if size > limit:
        raise ElementError(
            f"{owner}: variable '{name}' is {size} bytes as JSON, more than the limit of {limit}"
        )
