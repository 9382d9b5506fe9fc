"""API fixtures: a client per user, diagrams kept next to these tests, problem checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

HERE = Path(__file__).resolve().parent


@pytest.fixture
def api() -> Callable[..., APIClient]:
    """``api(user)``: a client signed in as ``user``; ``api()`` is anonymous."""

    def client(user: Any = None) -> APIClient:
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c

    return client


@pytest.fixture
def api_diagram() -> Callable[[str], bytes]:
    return lambda name: (HERE / "diagrams" / f"{name}.bpmn").read_bytes()


@pytest.fixture
def deployed_api(api_diagram: Callable[[str], bytes], db: Any) -> Callable[[str], Any]:
    """Deploy one of this folder's diagrams; returns its ProcessDefinition."""
    from bpmn_engine.services.deploy import definition_deploy

    def deploy(name: str) -> Any:
        return definition_deploy(data=api_diagram(name), filename=f"{name}.bpmn").definitions[0]

    return deploy
