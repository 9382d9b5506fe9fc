"""In-memory state of one process instance: active tokens and live variable scopes.

This is all the engine keeps about a running instance, so its size is proportional to the
active tokens and scopes, never to the history (that goes to append-only history rows).
Every mutation goes through a method here, which records what changed, so the runtime
writes only the changed rows after a step instead of rewriting the instance.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class TokenState(StrEnum):
    READY = "ready"
    """About to execute its element (only seen inside a step, or after a crash-safe park)."""
    WAITING = "waiting"
    """At a wait state: a user task or a service job is open for it."""
    JOINING = "joining"
    """Arrived at a parallel join, waiting for tokens on the other incoming flows."""
    IN_SCOPE = "in_scope"
    """Sits on an embedded subprocess while the subprocess scope runs."""
    FAILED = "failed"
    """Stopped by an error; an incident is open and a retry re-executes the element."""


@dataclass(slots=True)
class Token:
    id: str
    element_id: str
    scope_id: str
    state: TokenState
    arrived_via: str | None = None
    leaving: bool = False
    """The element's work is done and only its outgoing flows remain to be taken.

    Set on the token of a subprocess whose scope completed, and kept on a FAILED token
    whose outgoing conditions failed, so a retry re-evaluates only the outgoing flows: it
    never re-opens a completed user task or re-runs a script.
    """


@dataclass(slots=True)
class Scope:
    """A live variable scope: the process instance itself, or one subprocess activation."""

    id: str
    element_id: str
    parent_id: str | None
    token_id: str | None
    """The token in the parent scope that waits on this subprocess (None for the root)."""
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Changes:
    """What one step changed: ids only; the current values live in the state."""

    tokens_saved: set[str] = field(default_factory=set)
    tokens_removed: set[str] = field(default_factory=set)
    scopes_saved: set[str] = field(default_factory=set)
    scopes_removed: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(
            self.tokens_saved or self.tokens_removed or self.scopes_saved or self.scopes_removed
        )


@dataclass(slots=True)
class InstanceState:
    process_id: str
    root_scope_id: str
    tokens: dict[str, Token] = field(default_factory=dict)
    scopes: dict[str, Scope] = field(default_factory=dict)
    changes: Changes = field(default_factory=Changes)

    # --- tokens ---------------------------------------------------------------------

    def add_token(self, token: Token) -> Token:
        self.tokens[token.id] = token
        self.changes.tokens_saved.add(token.id)
        self.changes.tokens_removed.discard(token.id)
        return token

    def update_token(self, token: Token, **values: Any) -> Token:
        for name, value in values.items():
            setattr(token, name, value)
        self.changes.tokens_saved.add(token.id)
        return token

    def remove_token(self, token_id: str) -> None:
        del self.tokens[token_id]
        if token_id in self.changes.tokens_saved:
            self.changes.tokens_saved.discard(token_id)
        self.changes.tokens_removed.add(token_id)

    def tokens_in_scope(self, scope_id: str) -> Iterator[Token]:
        return (t for t in self.tokens.values() if t.scope_id == scope_id)

    # --- scopes and variables ---------------------------------------------------------

    @property
    def root(self) -> Scope:
        return self.scopes[self.root_scope_id]

    def add_scope(self, scope: Scope) -> Scope:
        self.scopes[scope.id] = scope
        self.changes.scopes_saved.add(scope.id)
        self.changes.scopes_removed.discard(scope.id)
        return scope

    def remove_scope(self, scope_id: str) -> None:
        del self.scopes[scope_id]
        self.changes.scopes_saved.discard(scope_id)
        self.changes.scopes_removed.add(scope_id)

    def scope_chain(self, scope_id: str) -> Iterator[Scope]:
        """The scope and its ancestors, innermost first."""
        current: str | None = scope_id
        while current is not None:
            scope = self.scopes[current]
            yield scope
            current = scope.parent_id

    def visible_variables(self, scope_id: str) -> dict[str, Any]:
        """Variables as seen from a scope: inner scopes shadow outer ones."""
        merged: dict[str, Any] = {}
        for scope in reversed(list(self.scope_chain(scope_id))):
            merged.update(scope.variables)
        return merged

    def set_variable(self, scope_id: str, name: str, value: Any, *, local: bool = False) -> None:
        """Write with Camunda 7's rule.

        A non-local write goes to the nearest scope that already holds the variable,
        otherwise to the process instance (the root); a local write stays in its scope.
        """
        target = self.scopes[scope_id]
        if not local:
            target = self.root
            for scope in self.scope_chain(scope_id):
                if name in scope.variables:
                    target = scope
                    break
        target.variables[name] = value
        self.changes.scopes_saved.add(target.id)

    def set_variables(
        self, scope_id: str, values: Mapping[str, Any], *, local: bool = False
    ) -> None:
        if not values:
            return
        if scope_id == self.root_scope_id:  # the usual case: every write goes to the root
            self.root.variables.update(values)
            self.changes.scopes_saved.add(scope_id)
            return
        for name, value in values.items():
            self.set_variable(scope_id, name, value, local=local)

    # --- serialisation ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready snapshot (variables are included as they are, not copied)."""
        return {
            "process_id": self.process_id,
            "root_scope_id": self.root_scope_id,
            "tokens": [
                {
                    "id": t.id,
                    "element_id": t.element_id,
                    "scope_id": t.scope_id,
                    "state": t.state.value,
                    "arrived_via": t.arrived_via,
                    "leaving": t.leaving,
                }
                for t in self.tokens.values()
            ],
            "scopes": [
                {
                    "id": s.id,
                    "element_id": s.element_id,
                    "parent_id": s.parent_id,
                    "token_id": s.token_id,
                    "variables": s.variables,
                }
                for s in self.scopes.values()
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InstanceState:
        """Rebuild a state saved by ``to_dict``; token order (join arrival order) is kept."""
        state = cls(process_id=data["process_id"], root_scope_id=data["root_scope_id"])
        for t in data["tokens"]:
            token = Token(
                id=t["id"],
                element_id=t["element_id"],
                scope_id=t["scope_id"],
                state=TokenState(t["state"]),
                arrived_via=t.get("arrived_via"),
                leaving=bool(t.get("leaving", False)),
            )
            state.tokens[token.id] = token
        for s in data["scopes"]:
            scope = Scope(
                id=s["id"],
                element_id=s["element_id"],
                parent_id=s["parent_id"],
                token_id=s["token_id"],
                variables=dict(s["variables"]),
            )
            state.scopes[scope.id] = scope
        return state

    def take_changes(self) -> Changes:
        """Hand the changes to the runtime and start a fresh record."""
        changes, self.changes = self.changes, Changes()
        return changes
