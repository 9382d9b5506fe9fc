"""Parsing DMN files: namespaces, requirements, every error with its line, hostile input."""

from __future__ import annotations

import pytest

from bpmn_engine.dmn import evaluate_decision, parse_dmn
from bpmn_engine.dmn.parser import DMN11, DMN12, MAX_DECISIONS
from bpmn_engine.parser.errors import BpmnParseError
from tests.bpmn_engine.dmn.tables import table_xml
from tests.conftest import DIAGRAMS


def _file(name: str) -> bytes:
    return (DIAGRAMS / "dmn" / f"{name}.dmn").read_bytes()


def _errors(data: bytes) -> list[str]:
    with pytest.raises(BpmnParseError) as raised:
        parse_dmn(data, filename="x.dmn")
    return [issue.located("x.dmn") for issue in raised.value.issues]


def test_a_dmn_13_file_parses_into_decisions_in_document_order():
    definitions = parse_dmn(_file("dish"), filename="dish.dmn")
    assert (definitions.id, definitions.name) == ("dinner", "Dinner")
    assert list(definitions.decisions) == ["dish", "beverages"]
    dish = definitions.decisions["dish"]
    assert dish.table is not None, "a decision-table decision"
    assert (dish.name, dish.line, dish.table.hit_policy) == ("Dish", 3, "UNIQUE")
    assert [i.label for i in dish.table.inputs] == ["Season", "How many guests"]
    assert definitions.decisions["beverages"].required == (dish,)


@pytest.mark.parametrize("namespace", [DMN11, DMN12])
def test_older_dmn_namespaces_written_by_camunda_modeler_are_accepted(namespace):
    data = table_xml([(["1"], ['"one"'])], namespace=namespace)
    decision = parse_dmn(data, filename="old.dmn").decisions["d"]
    assert evaluate_decision(decision, {"x": 1}).entries == ({"out": "one"},)


def test_required_decisions_are_evaluated_first_and_seen_by_id_and_output_name():
    definitions = parse_dmn(_file("dish"), filename="dish.dmn")
    variables = {"season": "Winter", "guestCount": 12, "guestsWithChildren": False}
    result = evaluate_decision(definitions.decisions["beverages"], variables)
    assert [e["beverage"] for e in result.entries] == ["Guinness", "Water"]


REQUIRES = b"""<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="r">
  <decision id="base"><decisionTable hitPolicy="FIRST">
    <input id="b_in"><inputExpression><text>x</text></inputExpression></input>
    <output id="b_out" name="level"/>
    <rule id="b1"><inputEntry><text>-</text></inputEntry><outputEntry><text>x * 10</text>
    </outputEntry></rule>
  </decisionTable></decision>
  <decision id="top">
    <informationRequirement><requiredDecision href="#base"/></informationRequirement>
    <decisionTable hitPolicy="FIRST">
      <input id="by_id"><inputExpression><text>base</text></inputExpression></input>
      <input id="by_name"><inputExpression><text>level</text></inputExpression></input>
      <output id="t_out" name="sum"/>
      <rule id="t1"><inputEntry><text>-</text></inputEntry><inputEntry><text>-</text>
      </inputEntry><outputEntry><text>base + level</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""


def test_a_required_result_is_available_by_decision_id_and_by_output_name():
    top = parse_dmn(REQUIRES, filename="r.dmn").decisions["top"]
    assert evaluate_decision(top, {"x": 2}).entries == ({"sum": 40},)


def test_every_problem_is_reported_with_file_line_and_element():
    assert _errors(_file("bad")) == [
        "x.dmn:4: [broken] unknown hitPolicy 'SOMETIMES' (use one of ANY, COLLECT, FIRST, "
        "OUTPUT ORDER, PRIORITY, RULE ORDER, UNIQUE)",
        "x.dmn:10: [r1] input entry 1: a range must end with ']', '[' or ')' (at column 4) "
        "in '[1..'",
        "x.dmn:15: [r2] output entry 1: unexpected end of expression (at column 6) in '\"b\" +'",
        "x.dmn:19: [loop_a] decision 'loop_a' is part of a requirement cycle",
        "x.dmn:26: [loop_b] decision 'loop_b' is part of a requirement cycle",
        "x.dmn:28: [loop_b] decision 'loop_b' requires decision 'nowhere', which is not in "
        "this file",
    ]


@pytest.mark.parametrize(
    ("options", "rules", "message"),
    [
        ({"hit_policy": "FIRST", "aggregation": "SUM"}, [], "aggregation 'SUM' needs hitPolicy"),
        (
            {"hit_policy": "COLLECT", "aggregation": "SUM", "outputs": ("a", "b")},
            [],
            "aggregation SUM needs exactly one output, not 2",
        ),
        ({"hit_policy": "PRIORITY"}, [], "no output lists any"),
        ({"outputs": ("a", "a")}, [], "two outputs are named 'a'"),
        ({}, [(["1", "2"], ['"x"'])], "rule has 2 input and 1 output entries"),
        ({"inputs": ("x +",)}, [], "input expression of 'in0': unexpected end of expression"),
        (
            {"output_values": {"out": "< 3"}, "hit_policy": "PRIORITY"},
            [],
            "no output lists any",
        ),
    ],
)
def test_table_structure_errors(options, rules, message):
    errors = _errors(table_xml(rules, **options))
    assert any(message in error for error in errors), errors


def test_only_decision_tables_and_literal_expressions_are_supported():
    data = (
        b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" '
        b'namespace="n"><decision id="ctx"><context/></decision></definitions>'
    )
    assert _errors(data) == [
        "x.dmn:1: [ctx] decision 'ctx' has no decision table or literal expression "
        "(the only kinds of decision logic supported)"
    ]


def test_a_file_with_no_decision_or_duplicate_ids_is_refused():
    empty = b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="e"/>'
    assert _errors(empty) == ["x.dmn:1: [e] the file holds no decision"]
    decision = table_xml([]).split(b"<decision ", 1)[1].rsplit(b"</definitions>", 1)[0]
    twice = table_xml([]).replace(b"</definitions>", b"<decision " + decision + b"</definitions>")
    assert any("duplicate decision id 'd'" in e for e in _errors(twice))


class TestHostileInput:
    def test_a_bpmn_file_is_not_a_dmn_file(self):
        data = (DIAGRAMS / "dmn" / "dinner.bpmn").read_bytes()
        (error,) = _errors(data)
        assert "not a DMN <definitions> element" in error

    def test_document_type_and_entity_declarations_are_refused(self):
        bomb = (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]>'
            b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/">&a;</definitions>'
        )
        (error,) = _errors(bomb)
        assert "<!DOCTYPE> declarations are not allowed" in error

    def test_external_entities_are_refused(self):
        xxe = (
            b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "file:///etc/passwd">'
            b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"/>'
        )
        assert "<!DOCTYPE> declarations are not allowed" in _errors(xxe)[0]

    def test_malformed_xml_reports_its_line(self):
        assert _errors(b"<definitions>\n<decision>\n</definitions>")[0].startswith(
            "x.dmn:3: not well-formed XML"
        )

    def test_oversized_files_are_refused_before_parsing(self):
        with pytest.raises(BpmnParseError, match="above the limit of 100 bytes"):
            parse_dmn(table_xml([]), filename="x.dmn", max_bytes=100)

    def test_too_many_decisions_are_refused(self):
        decision = b'<decision id="d{}"><decisionTable/></decision>'
        many = b"".join(decision.replace(b"{}", str(n).encode()) for n in range(MAX_DECISIONS + 1))
        data = b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/">%s</definitions>'
        assert f"more than {MAX_DECISIONS} decisions" in _errors(data % many)[0]

    def test_a_long_requirement_chain_evaluates_without_recursion(self):
        parts = []
        for n in range(900):
            requires = (
                f'<informationRequirement><requiredDecision href="#d{n - 1}"/>'
                "</informationRequirement>"
                if n
                else ""
            )
            parts.append(
                f'<decision id="d{n}">{requires}<decisionTable hitPolicy="FIRST">'
                f'<input id="i{n}"><inputExpression><text>{"x" if n == 0 else f"d{n - 1}"}'
                f'</text></inputExpression></input><output id="o{n}" name="v{n}"/>'
                f"<rule><inputEntry><text>-</text></inputEntry><outputEntry><text>"
                f"{'x' if n == 0 else f'd{n - 1}'} + 1</text></outputEntry></rule>"
                "</decisionTable></decision>"
            )
        data = (
            '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/">'
            + "".join(parts)
            + "</definitions>"
        ).encode()
        last = parse_dmn(data, filename="chain.dmn").decisions["d899"]
        assert evaluate_decision(last, {"x": 0}).entries == ({"v899": 900},)

    def test_python_is_never_reached_from_an_entry(self):
        errors = _errors(table_xml([(['__import__("os").system("true")'], ['"x"'])]))
        assert any("names starting with '_' are not allowed" in e for e in errors), errors
