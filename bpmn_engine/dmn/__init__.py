"""DMN 1.3 decision tables for business rule tasks, on Baton's safe evaluator.

Pure Python (no Django): ``parse_dmn`` turns a DMN file into frozen ``Decision`` objects
(decision tables or literal expressions; every FEEL expression and unary test compiled
once by the FEEL dialect, every problem reported with file, line and element id) and
``evaluate_decision`` runs one against variables. ``map_result`` applies Camunda's
``mapDecisionResult``. Decisions are versioned and stored by ``services.deploy``.
"""

from bpmn_engine.dmn.evaluate import DecisionError, DecisionResult, evaluate_decision
from bpmn_engine.dmn.model import Decision, DecisionTable, DmnDefinitions, LiteralExpression
from bpmn_engine.dmn.parser import DMN_NAMESPACES, parse_dmn
from bpmn_engine.dmn.results import RESULT_MAPPINGS, map_result

__all__ = [
    "DMN_NAMESPACES",
    "Decision",
    "DecisionError",
    "DecisionResult",
    "DecisionTable",
    "DmnDefinitions",
    "LiteralExpression",
    "RESULT_MAPPINGS",
    "evaluate_decision",
    "map_result",
    "parse_dmn",
]
