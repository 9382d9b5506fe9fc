"""Assertions shared by the API tests."""

from __future__ import annotations

from typing import Any


def assert_problem(response: Any, status: int, kind: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem of this status (and kind, if given)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert body["type"].startswith("urn:baton:problem:")
    if kind is not None:
        assert body["type"] == f"urn:baton:problem:{kind}"
    return body
