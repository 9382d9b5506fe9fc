"""``/metrics`` for Prometheus: no login (scrapers do not sign in), limited by client
address instead: ``BATON_METRICS_ALLOWED_IPS`` (addresses or networks; loopback only by
default). Behind a proxy, list the proxy's address, not the clients'.
"""

from __future__ import annotations

import ipaddress
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from bpmn_engine.observability.collector import DatabaseCollector
from bpmn_engine.observability.metrics import ENGINE_REGISTRY


def _allowed(address: str) -> bool:
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    networks = getattr(settings, "BATON_METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
    return any(client in ipaddress.ip_network(net, strict=False) for net in networks)


def _event_registry() -> CollectorRegistry:
    """This process's counters, or every process's when they share a multiprocess dir."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return ENGINE_REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The engine's counters and histograms, then the gauges read from the database."""
    if not _allowed(request.META.get("REMOTE_ADDR", "")):
        return HttpResponseForbidden("/metrics is not open to this address")
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    body = generate_latest(_event_registry()) + generate_latest(database)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
