"""The shape of a behavior: what the interpreter calls for each element kind.

A behavior is stateless: one instance serves every node of its kind in every instance,
and everything it needs comes through the ``Context``. ``enter`` runs when a token
arrives; it either moves the token on (``ctx.pass_through`` / ``ctx.leave``), parks it
(``ctx.wait``) or ends it. Wait states also have ``complete`` (the user task was done, the
job finished) and ``cancel`` (the instance was cancelled or a terminate end event ended
the token's scope: close the open task or job).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


class Behavior(Protocol):
    def enter(self, ctx: Context, token: Token) -> None: ...


class WaitStateBehavior(Behavior, Protocol):
    def complete(self, ctx: Context, token: Token, variables: Mapping[str, Any]) -> None: ...

    def cancel(self, ctx: Context, token: Token, reason: str) -> None: ...


class PassThroughBehavior:
    """An element with no work of its own: the token leaves at once."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        ctx.pass_through(token)
