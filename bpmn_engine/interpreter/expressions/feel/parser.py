"""FEEL expressions (DMN 1.3, chapter 10) parsed onto the shared syntax tree.

The subset covers what conditions and mappings in BPMN diagrams use: literals, names
(FEEL names may contain spaces: ``Vacation Approval``), paths (``a.b``), 1-based
indexes, lists, contexts, ``= != < <= > >=``, ``+ - * /``, ``and``/``or``, ``between``,
``in`` with unary tests (``x in [1..5]``, ``x in ("a", "b")``, ``x in < 3``), ``if then
else``, ``some``/``every ... satisfies`` and calls of whitelisted functions. The tokens
come from the shared lexer and the tree from the shared nodes plus ``feel.nodes``, so
the same size, depth and work limits apply. ``==`` is accepted as a synonym of ``=``.
"""

from __future__ import annotations

from ..cursor import describe
from ..lexer import END, NAME, NUMBER, OP, STRING, Token
from ..nodes import (
    Access,
    Attribute,
    Binary,
    Call,
    Index,
    Literal,
    Logical,
    Name,
    Node,
    Operation,
    Step,
    Unary,
)
from .compound import CompoundParsing
from .cursor import (
    _AND,
    _COMPARISON,
    _OR,
    _POSTFIX,
    _UNARY,
    CONSTANTS,
    KEYWORDS,
    check_feel_tree,
)
from .functions import FEEL_FUNCTIONS
from .nodes import Between, InTests

__all__ = ["KEYWORDS", "FeelParser"]

_UNSUPPORTED = {
    "for": "'for' loops are not supported",
    "function": "function definitions are not supported",
    "instance": "'instance of' is not supported",
}


class FeelParser(CompoundParsing):
    """Parses one FEEL expression from ``tokens`` (which end with an END token)."""

    def parse(self) -> Node:
        if self.peek().kind == END:
            raise self.error("empty expression", self.peek())
        node = self.expression(0)
        if self.peek().kind != END:
            raise self.unexpected(self.peek())
        check_feel_tree(node, self.text)
        return node

    def prefix(self) -> Node:
        token = self.advance()
        if token.kind in (NUMBER, STRING):
            return Literal(token.pos, token.value)
        if token.kind == NAME:
            return self.word(token)
        if token.kind == OP:
            if token.text == "-":
                return Unary(token.pos, "-", self.expression(_UNARY))
            if token.text == "(":
                return self.parenthesis(token)
            if token.text == "[":
                return self.bracket(token)
            if token.text == "]":
                return self.interval(token, low_closed=False)
            if token.text == "{":
                return self.context(token)
        raise self.unexpected(token)

    def word(self, token: Token) -> Node:
        if token.text in CONSTANTS:
            return Literal(token.pos, CONSTANTS[token.text])
        if token.text in ("some", "every"):
            return self.quantified(token)
        if token.text == "if":
            return self.conditional(token)
        if token.text in _UNSUPPORTED:
            raise self.error(_UNSUPPORTED[token.text], token)
        if token.text in KEYWORDS:
            raise self.error(f"unexpected keyword '{token.text}'", token)
        name = self.name_from(token)
        if self.at("("):
            open_paren = self.advance()
            if name not in FEEL_FUNCTIONS:
                known = ", ".join(sorted(FEEL_FUNCTIONS))
                raise self.error(f"unknown function '{name}' (available: {known})", open_paren)
            return Call(token.pos, name, self.sequence(")"))
        return Name(token.pos, name)

    def infix(self, left: Node, binding: int) -> Node:
        if binding == _POSTFIX:
            return Access(left.pos, left, self.steps())
        if binding in (_OR, _AND):
            operands = [left]
            while self.binding() == binding:
                self.advance()
                operands.append(self.expression(binding))
            return Logical(left.pos, "or" if binding == _OR else "and", tuple(operands))
        token = self.advance()
        if token.text == "between":
            low = self.expression(_COMPARISON)
            self.expect("and", NAME)
            return Between(left.pos, left, low, self.expression(_COMPARISON))
        if token.text == "in":
            return InTests(left.pos, left, self.in_tests())
        op = "==" if token.text == "=" else token.text
        rest = [Operation(token.pos, op, self.expression(binding))]
        if binding == _COMPARISON:
            return Binary(left.pos, left, tuple(rest))  # FEEL comparisons do not chain
        while self.binding() == binding:
            link = self.advance()
            rest.append(Operation(link.pos, link.text, self.expression(binding)))
        return Binary(left.pos, left, tuple(rest))

    def steps(self) -> tuple[Step, ...]:
        found: list[Step] = []
        while (self.at(".") and not self.at_range_dots()) or self.at("["):
            token = self.advance()
            if token.text == "[":
                index = self.expression(0)
                self.expect("]")
                found.append(Index(token.pos, index))
                continue
            name = self.advance()
            if name.kind != NAME:
                raise self.error(f"expected a name after '.' but found {describe(name)}", name)
            found.append(Attribute(name.pos, self.name_from(name)))
        return tuple(found)
