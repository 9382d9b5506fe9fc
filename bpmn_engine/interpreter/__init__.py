"""The token interpreter: runs a ``ProcessModel`` on an in-memory ``InstanceState``.

Pure Python, no Django. The runtime services call ``Interpreter`` and persist the
returned effects together with the state's changes; see ``engine.py`` for the entry
points, ``run_loop.py`` for the run loop, ``context.py`` for what every behavior shares
and ``behaviors/`` for the rules of each element kind.

``Interpreter`` is imported lazily: importing a light submodule (``state``, ``effects``,
``expressions``) must not load every behavior, nor fail while one is being written.
"""

from typing import TYPE_CHECKING

from bpmn_engine.interpreter.errors import (
    InstanceEndedError,
    InterpreterError,
    NotStartableError,
    TokenNotWaitingError,
)
from bpmn_engine.interpreter.limits import Limits
from bpmn_engine.interpreter.state import Changes, InstanceState, Scope, Token, TokenState

if TYPE_CHECKING:
    from bpmn_engine.interpreter.engine import Interpreter


def __getattr__(name: str) -> object:
    if name == "Interpreter":
        from bpmn_engine.interpreter.engine import Interpreter

        return Interpreter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Changes",
    "InstanceEndedError",
    "InstanceState",
    "Interpreter",
    "InterpreterError",
    "Limits",
    "NotStartableError",
    "Scope",
    "Token",
    "TokenNotWaitingError",
    "TokenState",
]
