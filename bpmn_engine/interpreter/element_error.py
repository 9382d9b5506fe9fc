"""The error a behavior raises when its element cannot go on.

It lives in its own module so every part of the interpreter (the context, the
behaviors, the run loop) can import it without importing each other.
"""

from __future__ import annotations


class ElementError(Exception):
    """The element cannot go on: its token parks as FAILED and an incident opens.

    Behaviors raise it for errors in the diagram or in the instance's data (a failing
    condition, no matching flow, a script result that is too big). The interpreter
    catches it, so it never reaches the runtime. Behaviors raise it *before* they change
    the state, so a failed token is always left exactly where it was.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
