"""How the interpreter finds DMN decisions without knowing where they are stored.

The interpreter is pure: it cannot query deployed decisions itself. The runtime injects a
``DecisionResolver`` (``Interpreter(..., decisions=resolver)``), bound to the deployment of
the process being run, so ``binding == "deployment"`` needs no deployment id from here.
Without a resolver a business rule task with a ``decisionRef`` raises an incident.
"""

from __future__ import annotations

from typing import Protocol

from bpmn_engine.dmn import Decision


class DecisionNotFound(LookupError):
    """No deployed decision matches the reference; the message says which was wanted."""


class DecisionResolver(Protocol):
    def __call__(self, key: str, *, binding: str, version: int | None) -> Decision:
        """The decision ``key`` under Camunda's ``decisionRefBinding`` rules.

        ``binding`` is ``latest`` (highest version), ``deployment`` (the one deployed
        with this process) or ``version`` (exactly ``version``). Raises
        ``DecisionNotFound`` when there is none.
        """
        ...
