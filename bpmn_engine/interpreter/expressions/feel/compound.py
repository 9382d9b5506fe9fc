"""The compound FEEL constructs: ``in`` tests, ranges, lists, contexts, ``some``/
``every`` and ``if then else`` (split from ``parser`` to keep each module small)."""

from __future__ import annotations

from ..cursor import describe
from ..lexer import END, NAME, OP, STRING, Token
from ..nodes import Conditional, DictDisplay, ListDisplay, Literal, Node
from .cursor import _COMPARISON, KEYWORDS, FeelCursor
from .nodes import Interval, Iteration, Quantified, UnaryComparison


class CompoundParsing(FeelCursor):
    """Mixed into ``FeelParser``; every construct starts after its opening token."""

    def in_tests(self) -> tuple[Node, ...]:
        """The right side of ``in``: one test, or a parenthesized comma-separated list."""
        if self.at("(") and not self.parenthesis_is_interval():
            self.advance()
            tests = [self.unary_test()]
            while self.at(","):
                self.advance()
                tests.append(self.unary_test())
            self.expect(")")
            return tuple(tests)
        return (self.unary_test(),)

    def parenthesis_is_interval(self) -> bool:
        """Whether the ``(`` ahead opens ``(a..b)`` rather than a list of tests."""
        depth, ahead = 0, 0
        while (token := self.peek(ahead)).kind != END:
            if token.kind == OP and token.text in "([{":
                depth += 1
            elif token.kind == OP and token.text in ")]}":
                depth -= 1
                if depth == 0:
                    return False
            elif depth == 1 and token.kind == OP and token.text == ",":
                return False
            elif depth == 1 and token.kind == OP and token.text == ".":
                following = self.peek(ahead + 1)
                if (
                    following.kind == OP
                    and following.text == "."
                    and following.pos == token.pos + 1
                ):
                    return True
            ahead += 1
        return False

    def unary_test(self) -> Node:
        token = self.peek()
        if token.kind == OP and token.text in ("<", "<=", ">", ">="):
            self.advance()
            return UnaryComparison(token.pos, token.text, self.expression(_COMPARISON))
        return self.expression(_COMPARISON)

    def parenthesis(self, opener: Token) -> Node:
        inner = self.expression(0)
        if self.at_range_dots():
            return self.interval_rest(opener, inner, low_closed=False)
        self.expect(")")
        return inner

    def bracket(self, opener: Token) -> Node:
        if self.at("]"):
            self.advance()
            return ListDisplay(opener.pos, ())
        first = self.expression(0)
        if self.at_range_dots():
            return self.interval_rest(opener, first, low_closed=True)
        items = [first]
        while self.at(","):
            self.advance()
            items.append(self.expression(0))
        self.expect("]")
        return ListDisplay(opener.pos, tuple(items))

    def interval(self, opener: Token, *, low_closed: bool) -> Node:
        low = self.expression(0)
        if not self.at_range_dots():
            raise self.error("expected '..' in a range", self.peek())
        return self.interval_rest(opener, low, low_closed=low_closed)

    def interval_rest(self, opener: Token, low: Node, *, low_closed: bool) -> Node:
        self.advance()
        self.advance()
        outer, self.range_end = self.range_end, True
        try:
            high = self.expression(0)
        finally:
            self.range_end = outer
        closing = self.advance()
        if closing.kind != OP or closing.text not in ("]", ")", "["):
            raise self.error(
                f"expected ']', ')' or '[' to end the range but found {describe(closing)}", closing
            )
        return Interval(opener.pos, low, low_closed, high, closing.text == "]")

    def context(self, opener: Token) -> Node:
        entries: list[tuple[Node, Node]] = []
        while not self.at("}"):
            key = self.advance()
            if key.kind == STRING:
                name = str(key.value)
            elif key.kind == NAME:
                name = self.name_from(key)
            else:
                raise self.error(f"expected a context key but found {describe(key)}", key)
            self.expect(":")
            entries.append((Literal(key.pos, name), self.expression(0)))
            if not self.at(","):
                break
            self.advance()
        self.expect("}")
        return DictDisplay(opener.pos, tuple(entries))

    def quantified(self, keyword: Token) -> Node:
        iterations = [self.iteration()]
        while self.at(","):
            self.advance()
            iterations.append(self.iteration())
        self.expect("satisfies", NAME)
        condition = self.expression(0)
        return Quantified(keyword.pos, keyword.text, tuple(iterations), condition)

    def iteration(self) -> Iteration:
        token = self.advance()
        if token.kind != NAME or token.text in KEYWORDS:
            raise self.error(f"expected a name to iterate with but found {describe(token)}", token)
        name = self.name_from(token)
        self.expect("in", NAME)
        return Iteration(name, self.expression(_COMPARISON))

    def conditional(self, keyword: Token) -> Node:
        condition = self.expression(0)
        self.expect("then", NAME)
        then = self.expression(0)
        self.expect("else", NAME)
        return Conditional(keyword.pos, condition, then, self.expression(0))
