"""Pratt parser: tokens to a syntax tree, with nesting and size limits.

One grammar accepts both Camunda/JUEL spelling (`&&`, `!`, `eq`, `c ? a : b`, `empty x`)
and Python-like spelling (`and`, `not`, `a if c else b`). `!` binds tightly like in
JUEL while the `not` keyword binds like Python's (`not a == b` is `not (a == b)`), so
each style reads the way its users expect. The recursion depth is capped, so no input
can make the parser raise RecursionError.
"""

from __future__ import annotations

from .cursor import TokenCursor, check_name, check_tree, describe
from .errors import ExpressionSyntaxError
from .lexer import END, NAME, NUMBER, OP, STRING, Token
from .nodes import (
    Access,
    Attribute,
    Binary,
    Call,
    Conditional,
    DictDisplay,
    Index,
    ListDisplay,
    Literal,
    Logical,
    Method,
    Name,
    Node,
    Operation,
    Step,
    Unary,
)

_TERNARY, _OR, _AND, _NOT, _EQUALITY, _RELATION, _SUM, _PRODUCT, _UNARY, _POSTFIX = range(
    10, 110, 10
)
_BINDING = {
    "?": _TERNARY,
    "if": _TERNARY,
    "||": _OR,
    "or": _OR,
    "&&": _AND,
    "and": _AND,
    **dict.fromkeys(("==", "!=", "eq", "ne"), _EQUALITY),
    **dict.fromkeys(("<", ">", "<=", ">=", "lt", "gt", "le", "ge", "in"), _RELATION),
    **dict.fromkeys(("+", "-"), _SUM),
    **dict.fromkeys(("*", "/", "%", "div", "mod"), _PRODUCT),
    ".": _POSTFIX,
    "[": _POSTFIX,
}
_CANONICAL = {
    **{"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">="},
    **{"div": "/", "mod": "%"},
}
_CONSTANTS = {"true": True, "True": True, "false": False, "False": False}
_CONSTANTS_NULL = frozenset({"null", "None"})
KEYWORDS = frozenset(
    {*_CONSTANTS, *_CONSTANTS_NULL, "and", "or", "not", "in", "empty", "if", "else"}
    | {"div", "mod", "eq", "ne", "lt", "gt", "le", "ge", "instanceof"}
)
_HINTS = {
    "=": "; use '==' to compare values",
    "**": "; the power operator '**' is not supported",
    "//": "; '//' is not an operator, use '/' to divide",
    ";": "; ';' may only end a script line",
}


class Parser(TokenCursor):
    """Parses one expression from `tokens` (which end with an END token)."""

    def parse(self) -> Node:
        """Parse the whole token list as one expression and check the tree's limits."""
        if self.peek().kind == END:
            raise self.error("empty expression", self.peek())
        node = self.expression(0)
        if self.peek().kind != END:
            raise self.unexpected(self.peek())
        check_tree(node, self.text)
        return node

    # -- token helpers (the rest are TokenCursor's) ---------------------------------

    def unexpected(self, token: Token) -> ExpressionSyntaxError:
        hint = _HINTS.get(token.text, "") if token.kind == OP else ""
        return self.error(f"unexpected {describe(token)}{hint}", token)

    def binding(self) -> int:
        """Binding power of the next token as an infix/postfix operator (0: none)."""
        token = self.peek()
        if token.kind not in (OP, NAME):
            return 0
        if token.kind == NAME and token.text == "not":
            follower = self.peek(1)
            return _RELATION if follower.kind == NAME and follower.text == "in" else 0
        if token.kind == NAME and token.text not in KEYWORDS:
            return 0
        return _BINDING.get(token.text, 0)

    # -- grammar -------------------------------------------------------------------

    def prefix(self) -> Node:
        token = self.advance()
        if token.kind in (NUMBER, STRING):
            return Literal(token.pos, token.value)
        if token.kind == NAME:
            return self.word(token)
        if token.kind == OP:
            if token.text == "!":
                return Unary(token.pos, "not", self.expression(_UNARY))
            if token.text == "-":
                return Unary(token.pos, "-", self.expression(_UNARY))
            if token.text == "(":
                inner = self.expression(0)
                self.expect(")")
                return inner
            if token.text == "[":
                return ListDisplay(token.pos, self.sequence("]"))
            if token.text == "{":
                return self.dictionary(token)
        raise self.unexpected(token)

    def word(self, token: Token) -> Node:
        """A name in prefix position: constant, prefix keyword, function call or variable."""
        if token.text in _CONSTANTS:
            return Literal(token.pos, _CONSTANTS[token.text])
        if token.text in _CONSTANTS_NULL:
            return Literal(token.pos, None)
        if token.text == "not":
            return Unary(token.pos, "not", self.expression(_NOT))
        if token.text == "empty":
            return Unary(token.pos, "empty", self.expression(_UNARY))
        if token.text in KEYWORDS:
            raise self.error(f"unexpected keyword '{token.text}'", token)
        check_name(token, self.text)
        if self.at("("):
            self.advance()
            return Call(token.pos, token.text, self.sequence(")"))
        return Name(token.pos, token.text)

    def infix(self, left: Node, binding: int) -> Node:
        if binding == _POSTFIX:
            return Access(left.pos, left, self.steps())
        if binding == _TERNARY:
            return self.conditional(left)
        if binding in (_OR, _AND):
            operands = [left]
            while self.binding() == binding:
                self.advance()
                operands.append(self.expression(binding))
            return Logical(left.pos, "or" if binding == _OR else "and", tuple(operands))
        rest: list[Operation] = []
        while self.binding() == binding:
            token = self.advance()
            op = _CANONICAL.get(token.text, token.text)
            if op == "not":
                self.advance()
                op = "not in"
            rest.append(Operation(token.pos, op, self.expression(binding)))
        return Binary(left.pos, left, tuple(rest))

    def conditional(self, left: Node) -> Node:
        token = self.advance()
        if token.text == "?":
            then = self.expression(0)
            self.expect(":")
            return Conditional(left.pos, left, then, self.expression(_TERNARY - 1))
        condition = self.expression(_TERNARY)
        else_token = self.advance()
        if else_token.kind != NAME or else_token.text != "else":
            raise self.error(
                f"expected 'else' after 'x if condition' but found {describe(else_token)}",
                else_token,
            )
        return Conditional(left.pos, condition, left, self.expression(_TERNARY - 1))

    def steps(self) -> tuple[Step, ...]:
        """The `.key`, `.method(...)` and `[index]` steps following a value."""
        found: list[Step] = []
        while self.at(".") or self.at("["):
            token = self.advance()
            if token.text == "[":
                index = self.expression(0)
                self.expect("]")
                found.append(Index(token.pos, index))
                continue
            name = self.advance()
            if name.kind != NAME:
                raise self.error(
                    f"expected a property or method name after '.' but found {describe(name)}",
                    name,
                )
            check_name(name, self.text)
            if self.at("("):
                self.advance()
                found.append(Method(name.pos, name.text, self.sequence(")")))
            else:
                found.append(Attribute(name.pos, name.text))
        return tuple(found)

    def dictionary(self, opener: Token) -> Node:
        entries: list[tuple[Node, Node]] = []
        while not self.at("}"):
            key = self.expression(0)
            self.expect(":")
            entries.append((key, self.expression(0)))
            if not self.at(","):
                break
            self.advance()
        self.expect("}")
        return DictDisplay(opener.pos, tuple(entries))
