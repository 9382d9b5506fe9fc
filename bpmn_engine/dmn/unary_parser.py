"""The grammar of DMN input entries (FEEL unary tests), on the FEEL dialect's parser.

An entry is ``-``, or a comma-separated list of tests, each of which may be wrapped in
one ``not(...)``. A test is a comparison (``< 250``), a range (``[250..1000]``,
``]a..b[``, ``(a..b)``), a value or list to compare with (``"gold"``, ``null``,
``[1, 2]``) or a boolean expression over the input value ``?`` (``? > 5 and ? < 10``).
The whole entry is tokenized once, so every error carries its column in the entry, and
every part of a test is parsed by ``FeelParser`` itself: there is no text rewriting.
"""

from __future__ import annotations

from bpmn_engine.interpreter.expressions.feel import FeelExpression
from bpmn_engine.interpreter.expressions.feel.cursor import _COMPARISON, check_feel_tree, describe
from bpmn_engine.interpreter.expressions.feel.nodes import InTests, UnaryComparison
from bpmn_engine.interpreter.expressions.feel.parser import FeelParser
from bpmn_engine.interpreter.expressions.lexer import END, NAME, OP, Token
from bpmn_engine.interpreter.expressions.nodes import Name, Node

from .unary import INPUT, Negated, Positive, UnaryTest

_COMPARISONS = frozenset({"<", "<=", ">", ">="})


class UnaryTestsParser(FeelParser):
    """Parses one input entry (not ``-``) from its tokens into compiled tests."""

    def __init__(self, tokens: list[Token], text: str) -> None:
        super().__init__(tokens, text)
        self.uses_input = False

    def entry(self) -> tuple[UnaryTest, ...]:
        tests = self.tests(inside_not=False)
        if self.peek().kind != END:
            raise self.error(f"unexpected {describe(self.peek())}", self.peek())
        return tests

    def tests(self, *, inside_not: bool) -> tuple[UnaryTest, ...]:
        found = [self.test(inside_not=inside_not)]
        while self.at(","):
            self.advance()
            found.append(self.test(inside_not=inside_not))
        return tuple(found)

    def test(self, *, inside_not: bool) -> UnaryTest:
        token = self.peek()
        if self.ends_test(token):
            raise self.error("empty test between commas", token)
        if token.kind == OP and token.text == "-" and self.ends_test(self.peek(1)):
            raise self.error("'-' (any value) must be the whole entry", token)
        if (
            token.kind == NAME
            and token.text == "not"
            and self.peek(1).kind == OP
            and self.peek(1).text == "("
        ):
            if inside_not:
                raise self.error("not(...) cannot be nested", token)
            return self.negation()
        return self.positive(token)

    def negation(self) -> Negated:
        opener = self.advance()
        self.advance()
        if self.at(")"):
            raise self.error("not() needs at least one test", opener)
        inner = self.tests(inside_not=True)
        if not self.at(")"):
            raise self.error("not( must be closed by ')' at the end of the test", self.peek())
        self.advance()
        return Negated(tuple(test for test in inner if isinstance(test, Positive)))

    def positive(self, token: Token) -> Positive:
        self.uses_input = False
        node: Node
        if token.kind == OP and token.text in _COMPARISONS:
            self.advance()
            if self.ends_test(self.peek()):
                raise self.error("a value is missing", self.peek())
            node = UnaryComparison(token.pos, token.text, self.expression(_COMPARISON))
        else:
            node = self.expression(0)
            if self.uses_input:  # a boolean over ``?``: its value decides
                check_feel_tree(node, self.text)
                return Positive(FeelExpression(self.text, node))
        root = InTests(token.pos, Name(token.pos, INPUT), (node,))
        check_feel_tree(root, self.text)
        return Positive(FeelExpression(self.text, root))

    def ends_test(self, token: Token) -> bool:
        return token.kind == END or (token.kind == OP and token.text in (",", ")"))

    def prefix(self) -> Node:
        token = self.peek()
        if token.kind == OP and token.text == INPUT:
            self.advance()
            self.uses_input = True
            return Name(token.pos, INPUT)
        return super().prefix()

    def interval_rest(self, opener: Token, low: Node, *, low_closed: bool) -> Node:
        if self.peek(2).kind == END:
            raise self.error("a range must end with ']', '[' or ')'", self.peek(1))
        return super().interval_rest(opener, low, low_closed=low_closed)
