"""Errors the interpreter raises to its caller (the runtime services)."""

from __future__ import annotations


class InterpreterError(Exception):
    """Base for errors about how the interpreter was called."""


class TokenNotWaitingError(InterpreterError):
    """The token is gone or not at a wait state: the task was completed meanwhile.

    The runtime turns this into a conflict (409), never a second completion.
    """

    def __init__(self, token_id: str, detail: str = "") -> None:
        self.token_id = token_id
        super().__init__(detail or f"Token {token_id} is not waiting at a wait state")


class NotStartableError(InterpreterError):
    """The process has no none start event to start from, or is not executable."""


class InstanceEndedError(InterpreterError):
    """The instance has no tokens left (it completed, terminated or was cancelled)."""


class ModificationError(InterpreterError):
    """A token modification names a token that is not active or an element it cannot
    start before, or would leave no token (that is a cancellation)."""
