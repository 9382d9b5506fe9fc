"""Throttling of writes: reads are cheap and cached by clients, writes run the engine."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class WriteRateThrottle(UserRateThrottle):
    """Per user (or client address) for POST, PUT, PATCH and DELETE. The rate is read on
    every request from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["writes"]``, so an
    operator (or a test) can change it without a restart of the class."""

    scope = "writes"

    def get_rate(self) -> str | None:
        rates: Any = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
        rate: str | None = rates.get(self.scope)
        return rate

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
