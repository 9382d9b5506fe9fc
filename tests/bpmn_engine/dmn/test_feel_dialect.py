"""DMN on the FEEL dialect: the FEEL forms the old text rewriting could not handle,
literal expression decisions, ``expressionLanguage`` and output typeRefs."""

from __future__ import annotations

import pytest

from bpmn_engine.dmn import DecisionError, evaluate_decision, parse_dmn
from bpmn_engine.dmn.feel import FeelSyntaxError, compile_unary_tests
from bpmn_engine.parser.errors import BpmnParseError
from tests.bpmn_engine.dmn.tables import DMN13, table


@pytest.mark.parametrize(
    ("entry", "value", "expected"),
    [
        ("? > 5 and ? < 10", 7, True),  # a boolean over the input value
        ("? > 5 and ? < 10", 10, False),
        ('starts with(?, "Mr")', "Mrs Smith", True),
        ('starts with(?, "Mr")', "Dr Who", False),
        ("count(?) > 2", [1, 2, 3], True),
        ("count(?) > 2", [1], False),
        ("? > 5", None, False),  # null, not true: no match
        ("not(? > 5)", 7, False),
        ("[1, 2, 3]", 2, True),  # a list value: membership
        ("[1, 2, 3]", 4, False),
        ('"a", null', None, True),
        ("not(null)", None, False),
        ("not(null)", 0, True),
        ("[low..high]", 5, True),
        ("]low..high[", 10, False),
        ("< limit - 1", 8, True),
        ("< limit - 1", 9, False),
        ("if flag then 1 else 2", 1, True),
        ("{a: 1}.a", 1, True),
        ("Customer Limit", 10, True),  # FEEL names may contain spaces
    ],
)
def test_feel_unary_test_forms(entry, value, expected):
    variables = {"low": 1, "high": 10, "limit": 10, "flag": True, "Customer Limit": 10}
    assert compile_unary_tests(entry).matches(value, variables) is expected


def test_an_entry_is_compiled_once_and_shared():
    assert compile_unary_tests("[1..5]") is compile_unary_tests("[1..5]")


@pytest.mark.parametrize(
    ("entry", "message", "column"),
    [
        ("? >", "unexpected end of expression", 4),
        ("not(? > 1", "not( must be closed by ')' at the end of the test", 10),
        ("1 2", "unexpected '2'", 3),
        ('"a", for', "'for' loops are not supported", 6),
        ("x ** 2", "unexpected '**'", 3),
    ],
)
def test_malformed_feel_entries_name_the_column(entry, message, column):
    with pytest.raises(FeelSyntaxError) as raised:
        compile_unary_tests(entry)
    assert (raised.value.message, raised.value.column) == (message, column)


def test_output_and_input_expressions_are_feel():
    decision = table(
        [(["> 2"], ['if x > 5 then "big" else "small"', "{total: x * 2}.total"])],
        inputs=("count(items)",),
        outputs=("size", "total"),
    )
    (entry,) = evaluate_decision(decision, {"items": [1, 2, 3], "x": 6}).entries
    assert entry == {"size": "big", "total": 12}


def _literal_file(text: str, *, language: str = "", type_ref: str = "number") -> bytes:
    attribute = f' expressionLanguage="{language}"' if language else ""
    return (
        f'<definitions xmlns="{DMN13}" id="lits" name="L" namespace="n">'
        '<decision id="discount" name="Discount"><variable name="rate" typeRef="number"/>'
        f'<literalExpression typeRef="{type_ref}"{attribute}><text>{text}</text>'
        "</literalExpression></decision>"
        '<decision id="label" name="Label"><informationRequirement>'
        '<requiredDecision href="#discount"/></informationRequirement>'
        '<literalExpression><text>if rate &gt; 0.1 then "generous" else "plain"</text>'
        "</literalExpression></decision></definitions>"
    ).encode()


def test_a_literal_expression_decision_evaluates_its_feel_expression():
    decisions = parse_dmn(_literal_file("if amount &gt; 100 then 0.2 else 0.05")).decisions
    result = evaluate_decision(decisions["discount"], {"amount": 500})
    assert (result.entries, result.value) == (({"rate": 0.2},), 0.2)
    required = evaluate_decision(decisions["label"], {"amount": 500})
    assert required.entries == ({"label": "generous"},)  # no <variable>: the decision id


def test_a_literal_expression_may_be_declared_juel():
    decisions = parse_dmn(_literal_file("${amount / 10}", language="juel")).decisions
    assert evaluate_decision(decisions["discount"], {"amount": 5}).value == 0.5


def test_an_unsupported_expression_language_is_refused_naming_the_decision():
    with pytest.raises(BpmnParseError) as raised:
        parse_dmn(_literal_file("1", language="javascript"), filename="x.dmn")
    (issue,) = raised.value.issues
    assert issue.located("x.dmn") == (
        "x.dmn:1: [discount] literal expression: expressionLanguage 'javascript' is not "
        "supported (use FEEL or juel)"
    )


def test_a_literal_expression_with_a_bad_cell_names_the_decision():
    with pytest.raises(BpmnParseError) as raised:
        parse_dmn(_literal_file("amount +"), filename="x.dmn")
    (issue,) = raised.value.issues
    assert "[discount] literal expression: unexpected end of expression" in issue.located("x.dmn")


def test_an_output_of_the_wrong_type_is_a_decision_error_not_a_mistyped_variable():
    decisions = parse_dmn(_literal_file('"a lot"')).decisions
    with pytest.raises(DecisionError, match="typed number but the value is str 'a lot'"):
        evaluate_decision(decisions["discount"], {})


def test_a_juel_input_entry_is_refused_naming_rule_and_column():
    data = (
        f'<definitions xmlns="{DMN13}" id="j" name="J" namespace="n">'
        '<decision id="d"><decisionTable><input id="i"><inputExpression><text>x</text>'
        '</inputExpression></input><output id="o" name="o"/><rule id="r1">'
        '<inputEntry expressionLanguage="juel"><text>${cellInput > 1}</text></inputEntry>'
        "<outputEntry><text>1</text></outputEntry></rule></decisionTable></decision>"
        "</definitions>"
    ).encode()
    with pytest.raises(BpmnParseError) as raised:
        parse_dmn(data, filename="x.dmn")
    (issue,) = raised.value.issues
    assert issue.located("x.dmn") == (
        "x.dmn:1: [r1] input entry 1: expressionLanguage 'juel' is not supported for "
        "input entries (write FEEL unary tests)"
    )
