"""Exceptions raised by the expression language.

Expressions come from uploaded diagrams, so every failure must reach the modeller as a
readable message that points at the offending spot: `.message` is the bare sentence,
`.column` (1-based, in `.source`) and `.line` (scripts only) locate it, and `str()` puts
them together with a snippet of the source.
"""

from __future__ import annotations

from typing import Any

_SNIPPET_WIDTH = 80


class ExpressionError(Exception):
    """Base class: any problem compiling or evaluating an expression or script."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        column: int | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.column = column
        self.line = line

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        text = self.message
        if where:
            text += f" (at {', '.join(where)})"
        snippet = self._snippet()
        if snippet:
            text += f" in {snippet!r}"
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take different constructor arguments, so pickle (used by task
        # queues) must restore the state instead of re-calling __init__ with `args`.
        return (_restore, (type(self), dict(self.__dict__)))

    def _snippet(self) -> str:
        """The source (or, for scripts, the offending line), cut down around the column."""
        text = self.source
        if self.line is not None:
            lines = text.split("\n")
            if 1 <= self.line <= len(lines):
                text = lines[self.line - 1].rstrip("\r")
        if len(text) <= _SNIPPET_WIDTH:
            return text
        start = max(0, (self.column or 1) - 1 - _SNIPPET_WIDTH // 2)
        start = min(start, len(text) - _SNIPPET_WIDTH)
        head = "..." if start > 0 else ""
        tail = "..." if start + _SNIPPET_WIDTH < len(text) else ""
        return head + text[start : start + _SNIPPET_WIDTH] + tail


class ExpressionSyntaxError(ExpressionError):
    """The text is not a valid expression, or it exceeds a size limit of the compiler."""


class ExpressionRuntimeError(ExpressionError):
    """Evaluation failed: a type error, a missing key, division by zero, a limit exceeded."""


class UnknownVariableError(ExpressionRuntimeError):
    """An identifier names no variable; `.name` says which, for diagnostics."""

    def __init__(
        self,
        name: str,
        *,
        source: str = "",
        column: int | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(f"Unknown variable '{name}'", source=source, column=column, line=line)
        self.name = name


class ScriptSyntaxError(ExpressionSyntaxError):
    """A script line does not parse; `.line` is the 1-based line inside the script."""

    line: int

    def __init__(
        self,
        message: str,
        *,
        line: int,
        source: str = "",
        column: int | None = None,
    ) -> None:
        super().__init__(message, source=source, column=column, line=line)


def _restore(cls: type[ExpressionError], state: dict[str, Any]) -> ExpressionError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error
