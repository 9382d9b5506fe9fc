"""Parse DMN 1.1-1.3 files into the immutable ``bpmn_engine.dmn.model``.

The bytes go through the same hardened loading as BPMN uploads (``loading``). Like
the BPMN parser, this one never stops at the first problem: every error in the file is
collected, each with its line and element id, and raised at once as ``BpmnParseError``.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.dmn.feel import (
    FEEL,
    JUEL,
    FeelSyntaxError,
    compile_unary_tests,
    feel_expression,
    juel_expression,
    language_of,
    listed_values,
)
from bpmn_engine.dmn.loading import DMN11, DMN12, DMN13, DMN_NAMESPACES, load_dmn
from bpmn_engine.dmn.model import (
    AGGREGATIONS,
    HIT_POLICIES,
    DecisionTable,
    DmnDefinitions,
    Input,
    LiteralExpression,
    Logic,
    Output,
    Rule,
)
from bpmn_engine.dmn.requirements import link_decisions
from bpmn_engine.interpreter.expressions import CompiledExpression, ExpressionError
from bpmn_engine.parser.errors import BpmnParseError, Issues
from bpmn_engine.parser.namespaces import elements, line_of, split, text_content
from bpmn_engine.parser.xml import _refuse

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_RULES = 10_000
"""Rules per table: far above any hand-made table, low enough to bound compile work."""
MAX_DECISIONS = 1_000


def parse_dmn(
    data: bytes, *, filename: str = "<upload>", max_bytes: int = DEFAULT_MAX_BYTES
) -> DmnDefinitions:
    """Parse one DMN file; raise ``BpmnParseError`` listing every error found."""
    root = load_dmn(data, filename, max_bytes)
    namespace = split(str(root.tag))[0]
    issues = Issues()
    reader = _Reader(namespace, issues, root.get("expressionLanguage"))
    tables: dict[str, tuple[etree._Element, Logic | None]] = {}
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
        tables[decision_id] = (el, reader.decision_logic(el))
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


__all__ = ["DMN11", "DMN12", "DMN13", "DMN_NAMESPACES", "MAX_DECISIONS", "parse_dmn"]


class _Reader:
    """Reads the elements of one file (in its DMN namespace), recording issues."""

    def __init__(self, namespace: str, issues: Issues, language: str | None = None) -> None:
        self.namespace = namespace
        self.issues = issues
        self.language = language
        """The file's default ``expressionLanguage`` (None: FEEL)."""

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

    def decision_logic(self, decision: etree._Element) -> Logic | None:
        decision_id = decision.get("id", "")
        tables = self.children(decision, "decisionTable")
        if tables:
            return self._table(tables[0], decision_id)
        literals = self.children(decision, "literalExpression")
        if literals:
            return self._literal(decision, literals[0], decision_id)
        self.issues.error(
            f"decision '{decision_id}' has no decision table or literal expression "
            "(the only kinds of decision logic supported)",
            decision,
        )
        return None

    def _literal(
        self, decision: etree._Element, el: etree._Element, decision_id: str
    ) -> LiteralExpression | None:
        """``<literalExpression>``: its value is the decision's, named by ``<variable>``."""
        text, blame = self.text(el)
        if not text.strip():
            self.issues.error("a literal expression needs a <text>", el, decision_id)
            return None
        variables = self.children(decision, "variable")
        name = (variables[0].get("name", "") if variables else "") or decision_id
        type_ref = el.get("typeRef", "") or (variables[0].get("typeRef", "") if variables else "")
        compiled = self._compile(text, el, blame, decision_id, "literal expression")
        return None if compiled is None else LiteralExpression(name, type_ref, compiled)

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
        what = f"input expression of '{input_id}'"
        compiled = self._compile(text, expressions[0], blame, decision_id, what)
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
            return listed_values(text)
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
            declared = entry.get("expressionLanguage") or self.language
            if language_of(declared) != FEEL:
                self.issues.error(
                    f"input entry {number}: expressionLanguage '{declared}' is not supported "
                    "for input entries (write FEEL unary tests)",
                    blame,
                    rule_id,
                )
                continue
            try:
                tests.append(compile_unary_tests(text))
            except FeelSyntaxError as error:
                self.issues.error(f"input entry {number}: {error}", blame, rule_id)
        results: list[CompiledExpression | None] = []
        for number, entry in enumerate(entries_out, 1):
            text, blame = self.text(entry)
            compiled = None
            if text.strip():
                compiled = self._compile(text, entry, blame, rule_id, f"output entry {number}")
            results.append(compiled)
        if len(tests) != inputs:
            return None
        return Rule(rule_id, line_of(el), tuple(tests), tuple(results))

    def _compile(
        self, text: str, el: etree._Element, blame: etree._Element, element_id: str, what: str
    ) -> CompiledExpression | None:
        """Compile in the language ``el`` (or the file) declares: FEEL unless JUEL."""
        declared = el.get("expressionLanguage") or self.language
        language = language_of(declared)
        if language is None:
            self.issues.error(
                f"{what}: expressionLanguage '{declared}' is not supported (use FEEL or juel)",
                blame,
                element_id,
            )
            return None
        try:
            return juel_expression(text) if language == JUEL else feel_expression(text)
        except FeelSyntaxError as error:
            self.issues.error(f"{what}: {error}", blame, element_id)
            return None
