"""Compile every expression, script and template at deploy time.

A typo in a condition should fail the upload, not the tenth running instance that
reaches the gateway. The compiled forms are thrown away here: the interpreter compiles
(and caches) them itself, the parser only proves that they compile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from bpmn_engine.interpreter.expressions import (
    ExpressionError,
    compile_expression,
    compile_script,
    compile_template,
)
from bpmn_engine.interpreter.expressions.feel import is_feel
from bpmn_engine.model import ProcessModel, ScriptTask, UserTask
from bpmn_engine.parser.builders.flows import FEEL
from bpmn_engine.parser.condition_dialects import (
    XPathNotSupported,
    is_feel_language,
    is_xpath_language,
    xpath_to_feel,
)
from bpmn_engine.parser.errors import ERROR, WARNING, DeployIssue
from bpmn_engine.parser.event_conditions import event_conditions
from bpmn_engine.parser.registry import BuildContext

_TEMPLATE_FIELDS = {
    "assignee": "assignee",
    "candidate_users": "candidateUsers",
    "candidate_groups": "candidateGroups",
    "due_date": "dueDate",
    "priority": "priority",
}


def _at(error: ExpressionError) -> str:
    return f" (column {error.column})" if error.column is not None else ""


def _try(compile_: Callable[[str], object], source: str) -> ExpressionError | None:
    try:
        compile_(source)
    except ExpressionError as error:
        return error
    return None


OWN_LANGUAGES = frozenset({"", "juel"})
"""Condition languages compiled by Baton's expression language (none declared = ours)."""


def _unsupported_language(flow_id: str, language: str, detail: str = "") -> tuple[str, bool]:
    message = f"condition of sequence flow '{flow_id}' is written in {language}"
    return f"{message}, which is not supported yet{detail}", True


def _xpath_detail(condition: str) -> str:
    try:
        xpath_to_feel(condition)
    except XPathNotSupported as error:
        return f": {error} in {condition!r}"
    return ""


def _condition_issue(flow_id: str, condition: str, ctx: BuildContext) -> tuple[str, bool] | None:
    """Why a condition cannot run (and whether for an unsupported language), or None.

    A language declared on the condition itself is taken at its word. The definitions'
    ``expressionLanguage`` default (often boilerplate XPath) only explains a condition
    that does not compile. FEEL and the XPath subset arrive here as FEEL text (``=``
    marker, see ``builders.flows``); FEEL outside the supported subset is unsupported.
    """
    declared = ctx.condition_languages.get(flow_id, "")
    translated = is_feel(condition)
    if is_xpath_language(declared) and not translated:
        return _unsupported_language(flow_id, declared, _xpath_detail(condition))
    known = declared in OWN_LANGUAGES or is_feel_language(declared) or is_xpath_language(declared)
    if not known:
        return _unsupported_language(flow_id, declared)
    error = _try(compile_expression, condition)
    if error is None:
        return None
    detail = f": {error.message}{_at(error)} in {condition!r}"
    fallback = declared or ctx.default_expression_language
    if translated or fallback not in OWN_LANGUAGES:
        if is_xpath_language(fallback) and not translated:
            detail = _xpath_detail(condition) or detail
        return _unsupported_language(flow_id, fallback or FEEL, detail)
    return f"condition of sequence flow '{flow_id}' does not compile{detail}", False


def conditions(process: ProcessModel, severity: str, ctx: BuildContext) -> Iterator[DeployIssue]:
    """Unsupported languages are only reported, like unsupported elements, when executable."""
    for flow in process.flows.values():
        if flow.condition is None:
            continue
        issue = _condition_issue(flow.id, flow.condition, ctx)
        if issue is None or (issue[1] and not process.is_executable):
            continue
        yield DeployIssue(issue[0], flow.line, flow.id, severity=severity)


def scripts(process: ProcessModel, severity: str, ctx: BuildContext) -> Iterator[DeployIssue]:
    """A script that does not parse is refused whatever its ``scriptFormat`` says."""
    for node in process.nodes.values():
        if not isinstance(node, ScriptTask):
            continue
        error = _try(compile_script, node.script)
        if error is None:
            continue
        first = ctx.script_lines.get(node.id, node.line)
        line = first + error.line - 1 if first is not None and error.line else first
        column = f", column {error.column}" if error.column else ""
        yield DeployIssue(
            f"script of '{node.id}' does not compile: {error.message}"
            f" (script line {error.line or 1}{column})",
            line,
            node.id,
            column=None,
            severity=severity,
        )


def templates(process: ProcessModel, severity: str) -> Iterator[DeployIssue]:
    for node in process.nodes.values():
        if not isinstance(node, UserTask):
            continue
        for attribute, xml_name in _TEMPLATE_FIELDS.items():
            source = getattr(node, attribute)
            if source is None:
                continue
            error = _try(compile_expression if is_feel(source) else compile_template, source)
            if error is not None:
                yield DeployIssue(
                    f"{xml_name} of '{node.id}' does not compile: {error.message}{_at(error)} "
                    f"in {source!r}",
                    node.line,
                    node.id,
                    severity=severity,
                )


def check_syntax(process: ProcessModel, ctx: BuildContext) -> list[DeployIssue]:
    """Errors for an executable process; warnings for one that is only stored for viewing."""
    severity = ERROR if process.is_executable else WARNING
    return [
        *conditions(process, severity, ctx),
        *scripts(process, severity, ctx),
        *templates(process, severity),
        *event_conditions(process, severity),  # events2: conditional events
    ]
