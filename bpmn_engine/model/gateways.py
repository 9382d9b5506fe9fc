"""The gateway kinds (frozen dataclasses): how tokens fork and join is in the
interpreter's behaviors; the model only says which kind and, for the complex gateway,
its activation condition. The event-based gateway lives with the events it waits for
(``model/events.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from bpmn_engine.model.elements import FlowNode


@dataclass(frozen=True, slots=True, kw_only=True)
class Gateway(FlowNode):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class ExclusiveGateway(Gateway):
    """Takes the first outgoing flow whose condition holds, else ``default_flow``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ParallelGateway(Gateway):
    """Forks to every outgoing flow; joins by waiting for one token per incoming flow."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InclusiveGateway(Gateway):
    """Forks to every flow whose condition holds (else the default); joins by waiting only
    for the tokens that can still arrive (see ``behaviors/inclusive.py``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplexGateway(Gateway):
    """Forks like an inclusive gateway; joins when ``activation_condition`` holds.

    The condition sees ``activationCount`` (tokens waiting at the gateway); without one
    the gateway fires on the first token (a discriminator). Tokens of the same round that
    arrive after it fired are consumed until the gateway resets.
    """

    activation_condition: str | None = None
