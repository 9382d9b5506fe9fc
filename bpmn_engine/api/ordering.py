"""``?ordering=-startedAt,id``: DRF's OrderingFilter with the API's camelCase names.

A view lists what may be sorted on as ``ordering_aliases`` (API name -> model field);
unknown names are ignored, as DRF's own filter does, so a list never fails on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model, QuerySet
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request


class AliasOrderingFilter(OrderingFilter):
    def get_ordering(
        self, request: Request, queryset: QuerySet[Model], view: Any
    ) -> Sequence[str] | None:
        aliases: dict[str, str] = getattr(view, "ordering_aliases", {})
        param = request.query_params.get(self.ordering_param, "")
        fields = []
        for term in (t.strip() for t in param.split(",")):
            name = term.removeprefix("-")
            if name in aliases:
                fields.append(("-" if term.startswith("-") else "") + aliases[name])
        return fields or self.get_default_ordering(view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        aliases = list(getattr(view, "ordering_aliases", {}))
        if not aliases:
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Comma-separated fields, '-' for descending: " + ", ".join(aliases),
                "schema": {"type": "string"},
            }
        ]
