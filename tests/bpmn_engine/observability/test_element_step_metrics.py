"""``/metrics``: interpreter step durations per BPMN element type."""

from __future__ import annotations

import pytest

from bpmn_engine.observability.metrics import ENGINE_REGISTRY
from tests.bpmn_engine.observability.conftest import run_approval

pytestmark = pytest.mark.django_db

SERIES = "baton_element_step_duration_seconds"


def count(element_type: str) -> float:
    value = ENGINE_REGISTRY.get_sample_value(f"{SERIES}_count", {"element_type": element_type})
    return value or 0.0


def test_a_run_times_its_steps_by_element_type(client, obs_deployed, make_user):
    """obs_approval is start -> service task -> user task -> end: the start and end
    events step once each; each task steps twice (entered, then left after its work)."""
    expected = {"startEvent": 1, "serviceTask": 2, "userTask": 2, "endEvent": 1}
    before = {element_type: count(element_type) for element_type in expected}

    run_approval(obs_deployed("obs_approval"), make_user("alice"))

    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200, response.content
    text = response.content.decode()
    for element_type, steps in expected.items():
        total = before[element_type] + steps
        line = f'{SERIES}_count{{element_type="{element_type}"}} {total}'
        assert line in text, f"{element_type}: {line!r} not in /metrics"
        assert f'{SERIES}_bucket{{element_type="{element_type}",le="+Inf"}} {total}' in text
