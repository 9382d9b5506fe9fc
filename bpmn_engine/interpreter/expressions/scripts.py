"""Script tasks: a tiny assignment language on top of the expression language.

One `name = expression` per line (a trailing `;` is allowed); blank lines and lines
starting with `#` or `//` are comments. There are no loops, functions or attribute
assignment, so a script is just a sequence of bounded expressions. Scripts are compiled
when a diagram is deployed, so a broken script is refused before anything runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .cursor import check_name
from .errors import ExpressionError, ExpressionSyntaxError, ScriptSyntaxError
from .evaluator import CompiledExpression
from .lexer import END, NAME, OP, Token, tokenize
from .limits import MAX_SOURCE_LENGTH, Budget
from .parser import KEYWORDS, Parser


@dataclass(frozen=True)
class Assignment:
    """`name = expression` on script line `line` (1-based)."""

    name: str
    expression: CompiledExpression
    line: int


@dataclass(frozen=True)
class CompiledScript:
    """A compiled script; `run()` may be called any number of times."""

    source: str
    assignments: tuple[Assignment, ...]

    def run(self, variables: Mapping[str, Any]) -> dict[str, Any]:
        """Run the assignments in order and return only the assigned names.

        Each line sees the variables plus everything assigned above it; `variables`
        itself is not mutated. All lines share one evaluation budget. A runtime error
        carries the script line and the column inside that line.
        """
        assigned: dict[str, Any] = {}
        scope = _Overlay(assigned, variables)
        budget = Budget()
        for assignment in self.assignments:
            try:
                assigned[assignment.name] = assignment.expression.evaluate_with_budget(
                    scope, budget
                )
            except ExpressionError as error:
                error.line = assignment.line
                if error.column is not None:
                    error.column += assignment.expression.column_offset
                error.source = self.source
                raise
        return assigned


class _Overlay(Mapping[str, Any]):
    """Read-only view: script results first, then the caller's variables."""

    def __init__(self, top: dict[str, Any], base: Mapping[str, Any]) -> None:
        self.top = top
        self.base = base

    def __getitem__(self, key: str) -> Any:
        if key in self.top:
            return self.top[key]
        return self.base[key]

    def __contains__(self, key: object) -> bool:
        return key in self.top or key in self.base

    def __iter__(self) -> Iterator[str]:
        yield from self.top
        yield from (key for key in self.base if key not in self.top)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def compile_script(source: str) -> CompiledScript:
    """Compile a script; raise ScriptSyntaxError naming the line and column."""
    if len(source) > MAX_SOURCE_LENGTH:
        raise ScriptSyntaxError(
            f"script is too long: {len(source)} characters, the limit is "
            f"{MAX_SOURCE_LENGTH} (MAX_SOURCE_LENGTH)",
            line=1,
            source=source,
        )
    assignments: list[Assignment] = []
    for number, raw_line in enumerate(source.split("\n"), start=1):
        line = raw_line.rstrip("\r")
        text = line.strip()
        if not text or text.startswith(("#", "//")):
            continue
        try:
            assignments.append(_compile_line(line, number))
        except ExpressionSyntaxError as error:
            raise ScriptSyntaxError(
                error.message, line=number, source=source, column=error.column
            ) from None
    return CompiledScript(source, tuple(assignments))


def _compile_line(line: str, number: int) -> Assignment:
    tokens, _ = tokenize(line)
    target = tokens[0]
    if target.kind == NAME and target.text in KEYWORDS:
        raise _line_error(line, target, f"cannot assign to the reserved word '{target.text}'")
    if target.kind != NAME:
        raise _line_error(line, target, "expected 'name = expression'")
    check_name(target, line)
    following = tokens[1]
    if following.kind == OP and following.text in (".", "["):
        raise _line_error(
            line,
            target,
            f"cannot assign to '{_target_text(line, tokens)}': only plain variable "
            "names can be assigned",
        )
    if following.kind != OP or following.text != "=":
        raise _line_error(line, following, f"expected '=' after '{target.text}'")
    body = tokens[2:]
    if len(body) > 1 and body[-2].kind == OP and body[-2].text == ";":
        body = [*body[:-2], Token(END, "", body[-2].pos)]
    if body[0].kind == END:
        raise _line_error(line, body[0], f"missing expression after '{target.text} ='")
    start, end = body[0].pos, body[-1].pos
    root = Parser(body, line).parse()
    expression = CompiledExpression(line[start:end].rstrip(), root, column_offset=start)
    return Assignment(target.text, expression, number)


def _target_text(line: str, tokens: list[Token]) -> str:
    """The dotted/indexed target as written, up to the `=`."""
    end = next((t.pos for t in tokens if t.kind == OP and t.text == "="), len(line))
    return line[tokens[0].pos : end].strip()


def _line_error(line: str, token: Token, message: str) -> ExpressionSyntaxError:
    return ExpressionSyntaxError(message, source=line, column=token.pos + 1)
