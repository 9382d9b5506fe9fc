"""The XML download renderer: a stored diagram is served byte for byte."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer


class XMLRenderer(BaseRenderer):
    """Renders the ``str`` a view returns as-is. Anything else is an error body, which the
    exception handler already labelled ``application/problem+json``: it goes out as JSON."""

    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, str):
            return data.encode(self.charset)
        return JSONRenderer().render(data, accepted_media_type, renderer_context)
