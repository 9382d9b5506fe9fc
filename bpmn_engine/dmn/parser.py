"""Parse DMN 1.1-1.3 files into the immutable ``bpmn_engine.dmn.model``.

The bytes go through the same hardened loading as BPMN uploads (size limit, no DTD or
entities, no network), imported from ``bpmn_engine.parser.xml`` rather than copied. Like
the BPMN parser, this one never stops at the first problem: every error in the file is
collected, each with its line and element id, and raised at once as ``BpmnParseError``.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.dmn.feel import Equal, FeelSyntaxError, compile_unary_tests, feel_expression
from bpmn_engine.dmn.model import (
    AGGREGATIONS,
    HIT_POLICIES,
    DecisionTable,
    DmnDefinitions,
    Input,
    Output,
    Rule,
)
from bpmn_engine.dmn.requirements import link_decisions
from bpmn_engine.interpreter.expressions import CompiledExpression, ExpressionError
from bpmn_engine.parser.errors import BpmnParseError, Issues
from bpmn_engine.parser.namespaces import elements, line_of, split, text_content
from bpmn_engine.parser.xml import (
    _check_no_declarations,
    _check_no_doctype,
    _check_size,
    _parser,
    _refuse,
)

DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMN12 = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMN11 = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"
DMN_NAMESPACES = (DMN13, DMN12, DMN11)
"""DMN 1.3, plus the 1.2 and 1.1 namespaces older Camunda Modeler versions write."""

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_RULES = 10_000
"""Rules per table: far above any hand-made table, low enough to bound compile work."""
MAX_DECISIONS = 1_000


def parse_dmn(
    data: bytes, *, filename: str = "<upload>", max_bytes: int = DEFAULT_MAX_BYTES
) -> DmnDefinitions:
    """Parse one DMN file; raise ``BpmnParseError`` listing every error found."""
    root = _load(data, filename, max_bytes)
    namespace = split(str(root.tag))[0]
    issues = Issues()
    reader = _Reader(namespace, issues)
    tables: dict[str, tuple[etree._Element, DecisionTable | None]] = {}
    found = reader.children(root, "decision")
    if len(found) > MAX_DECISIONS:
        raise _refuse(filename, f"more than {MAX_DECISIONS} decisions in one file", None)
    for el in found:
        decision_id = el.get("id", "")
        if not decision_id:
            issues.error("a decision needs an id", el)
            continue
        if decision_id in tables:
            issues.error(f"duplicate decision id '{decision_id}'", el)
            continue
        tables[decision_id] = (el, reader.decision_table(el))
    decisions = link_decisions(tables, reader.required_ids, issues)
    if not tables:
        issues.error("the file holds no decision", root)
    if issues.errors:
        raise BpmnParseError(filename, issues.errors, issues.warnings)
    return DmnDefinitions(
        id=root.get("id", ""),
        name=root.get("name", ""),
        namespace=root.get("namespace", ""),
        decisions=decisions,
    )


def _load(data: bytes, filename: str, max_bytes: int) -> etree._Element:
    _check_size(data, filename, max_bytes)
    _check_no_declarations(data, filename)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = (int(part) for part in exc.position)
        message = (exc.msg or "malformed XML").split(", line ")[0]
        raise _refuse(filename, f"not well-formed XML: {message}", line, column) from None
    _check_no_doctype(root, filename)
    namespace, local = split(str(root.tag))
    if local != "definitions" or namespace not in DMN_NAMESPACES:
        raise _refuse(
            filename,
            f"the root element is {root.tag!s}, not a DMN <definitions> element in "
            f"namespace {DMN13} (or the DMN 1.2 / 1.1 namespace)",
            line_of(root),
        )
    return root


class _Reader:
    """Reads the elements of one file (in its DMN namespace), recording issues."""

    def __init__(self, namespace: str, issues: Issues) -> None:
        self.namespace = namespace
        self.issues = issues

    def children(self, el: etree._Element, local: str) -> list[etree._Element]:
        tag = f"{{{self.namespace}}}{local}"
        return [child for child in elements(el) if child.tag == tag]

    def text(self, el: etree._Element) -> tuple[str, etree._Element]:
        """The ``<text>`` of an entry (and the element to blame), "" when absent."""
        found = self.children(el, "text")
        return (text_content(found[0]), found[0]) if found else ("", el)

    def required_ids(self, el: etree._Element) -> list[tuple[str, etree._Element]]:
        required = []
        for requirement in self.children(el, "informationRequirement"):
            for ref in self.children(requirement, "requiredDecision"):
                required.append((ref.get("href", "").removeprefix("#"), ref))
        return required

    def decision_table(self, decision: etree._Element) -> DecisionTable | None:
        decision_id = decision.get("id", "")
        tables = self.children(decision, "decisionTable")
        if not tables:
            literal = self.children(decision, "literalExpression")
            what = "a literal expression" if literal else "no decision table"
            self.issues.error(
                f"decision '{decision_id}' has {what}: only decision tables are supported",
                decision,
            )
            return None
        return self._table(tables[0], decision_id)

    def _table(self, el: etree._Element, decision_id: str) -> DecisionTable | None:
        errors_before = len(self.issues.errors)
        hit_policy = el.get("hitPolicy", "UNIQUE")
        aggregation = el.get("aggregation")
        if hit_policy not in HIT_POLICIES:
            self.issues.error(
                f"unknown hitPolicy '{hit_policy}' (use one of {', '.join(sorted(HIT_POLICIES))})",
                el,
                decision_id,
            )
        if aggregation is not None and (hit_policy != "COLLECT" or aggregation not in AGGREGATIONS):
            self.issues.error(
                f"aggregation '{aggregation}' needs hitPolicy COLLECT and one of "
                f"{', '.join(sorted(AGGREGATIONS))}",
                el,
                decision_id,
            )
        inputs = tuple(self._input(i, decision_id) for i in self.children(el, "input"))
        outputs = tuple(self._output(o, decision_id) for o in self.children(el, "output"))
        rules = self._rules(el, decision_id, len(inputs), len(outputs))
        self._check_outputs(el, decision_id, hit_policy, aggregation, outputs)
        if len(self.issues.errors) > errors_before:
            return None
        return DecisionTable(
            hit_policy,
            aggregation,
            tuple(i for i in inputs if i is not None),
            tuple(o for o in outputs if o is not None),
            rules,
        )

    def _check_outputs(
        self,
        el: etree._Element,
        decision_id: str,
        hit_policy: str,
        aggregation: str | None,
        outputs: tuple[Output | None, ...],
    ) -> None:
        if not outputs:
            self.issues.error("a decision table needs at least one output", el, decision_id)
        if aggregation is not None and len(outputs) != 1:
            self.issues.error(
                f"aggregation {aggregation} needs exactly one output, not {len(outputs)}",
                el,
                decision_id,
            )
        names = [o.name for o in outputs if o is not None]
        for name in {n for n in names if names.count(n) > 1}:
            self.issues.error(f"two outputs are named '{name}'", el, decision_id)
        if hit_policy in ("PRIORITY", "OUTPUT ORDER") and not any(
            o is not None and o.values for o in outputs
        ):
            self.issues.error(
                f"hit policy {hit_policy} orders results by the outputs' outputValues, "
                "but no output lists any",
                el,
                decision_id,
            )

    def _input(self, el: etree._Element, decision_id: str) -> Input | None:
        input_id = el.get("id", "")
        expressions = self.children(el, "inputExpression")
        text, blame = self.text(expressions[0]) if expressions else ("", el)
        if not text.strip():
            self.issues.error("an input needs an inputExpression with a <text>", el, decision_id)
            return None
        compiled = self._compile(text, blame, decision_id, f"input expression of '{input_id}'")
        if compiled is None:
            return None
        type_ref = expressions[0].get("typeRef", "")
        return Input(input_id, el.get("label", "") or text.strip(), compiled, type_ref)

    def _output(self, el: etree._Element, decision_id: str) -> Output | None:
        output_id = el.get("id", "")
        name = el.get("name", "") or output_id
        if not name:
            self.issues.error("an output needs a name (or an id)", el, decision_id)
            return None
        values: tuple[object, ...] = ()
        for value_el in self.children(el, "outputValues"):
            values = self._output_values(value_el, decision_id, name)
        return Output(output_id, name, el.get("typeRef", ""), values)

    def _output_values(self, el: etree._Element, decision_id: str, name: str) -> tuple[object, ...]:
        text, blame = self.text(el)
        what = f"outputValues of output '{name}'"
        try:
            tests = compile_unary_tests(text).tests
            return tuple(t.expression.evaluate({}) for t in tests if isinstance(t, Equal))
        except ExpressionError as error:
            self.issues.error(f"{what}: must list constants: {error}", blame, decision_id)
            return ()

    def _rules(
        self, table: etree._Element, decision_id: str, inputs: int, outputs: int
    ) -> tuple[Rule, ...]:
        rules_el = self.children(table, "rule")
        if len(rules_el) > MAX_RULES:
            self.issues.error(f"more than {MAX_RULES} rules", table, decision_id)
            return ()
        rules = []
        for el in rules_el:
            rule = self._rule(el, decision_id, inputs, outputs)
            if rule is not None:
                rules.append(rule)
        return tuple(rules)

    def _rule(self, el: etree._Element, decision_id: str, inputs: int, outputs: int) -> Rule | None:
        rule_id = el.get("id", "") or f"{decision_id} rule at line {line_of(el)}"
        entries_in = self.children(el, "inputEntry")
        entries_out = self.children(el, "outputEntry")
        if len(entries_in) != inputs or len(entries_out) != outputs:
            self.issues.error(
                f"rule has {len(entries_in)} input and {len(entries_out)} output entries; "
                f"the table has {inputs} inputs and {outputs} outputs",
                el,
                rule_id,
            )
            return None
        tests = []
        for number, entry in enumerate(entries_in, 1):
            text, blame = self.text(entry)
            try:
                tests.append(compile_unary_tests(text))
            except FeelSyntaxError as error:
                self.issues.error(f"input entry {number}: {error}", blame, rule_id)
        results: list[CompiledExpression | None] = []
        for number, entry in enumerate(entries_out, 1):
            text, blame = self.text(entry)
            compiled = None
            if text.strip():
                compiled = self._compile(text, blame, rule_id, f"output entry {number}")
            results.append(compiled)
        if len(tests) != inputs:
            return None
        return Rule(rule_id, line_of(el), tuple(tests), tuple(results))

    def _compile(
        self, text: str, blame: etree._Element, element_id: str, what: str
    ) -> CompiledExpression | None:
        try:
            return feel_expression(text)
        except FeelSyntaxError as error:
            self.issues.error(f"{what}: {error}", blame, element_id)
            return None
