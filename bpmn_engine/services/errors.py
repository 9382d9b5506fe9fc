"""Domain errors the services raise; the API and the pages map them to responses."""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error a caller of the services can act on."""

    status = 400


class InvalidInput(EngineError):
    """Bad variables, an unknown element, a value over a limit: the caller must fix it."""


class NotPermitted(EngineError):
    """The user may not do this. Pages show it as 404 where existence must not leak."""

    status = 403


class Conflict(EngineError):
    """The state moved on meanwhile (task already completed, instance ended): retry or stop."""

    status = 409


class NotFound(EngineError):
    status = 404
