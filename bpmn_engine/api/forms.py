"""A user task's ``camunda:formField`` list as a JSON Schema (draft 2020-12).

Clients render and pre-validate the form from it; the five Camunda field types map to
JSON types (``date`` is an ISO ``YYYY-MM-DD`` string, ``enum`` a ``oneOf`` of labelled
constants). Read-only fields are ``readOnly`` and never required.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bpmn_engine.model import FormField

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _default(field: FormField) -> Any:
    """The diagram's ``defaultValue`` (text in the XML) as the field's JSON type."""
    value = field.default_value
    if value is None:
        return None
    if field.type == "long":
        return _int(value)
    if field.type == "boolean":
        return value.strip().lower() == "true"
    return value


def _typed(field: FormField) -> dict[str, Any]:
    constraints = field.constraints
    if field.type == "long":
        schema: dict[str, Any] = {"type": "integer"}
        bounds = (("minimum", "min"), ("maximum", "max"))
    elif field.type == "boolean":
        return {"type": "boolean"}
    elif field.type == "date":
        return {"type": "string", "format": "date"}
    elif field.type == "enum":
        options = [{"const": o.id, "title": o.name or o.id} for o in field.options]
        return {"type": "string", "oneOf": options}
    else:  # string, and any type the engine does not know, is entered as text
        schema = {"type": "string"}
        bounds = (("minLength", "minlength"), ("maxLength", "maxlength"))
    for keyword, name in bounds:
        number = _int(constraints.get(name))
        if number is not None:
            schema[keyword] = number
    return schema


def form_json_schema(fields: Iterable[FormField]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in fields:
        schema = {"title": field.label or field.id, **_typed(field)}
        default = _default(field)
        if default is not None:
            schema["default"] = default
        if field.readonly:
            schema["readOnly"] = True
        elif field.required:
            required.append(field.id)
        properties[field.id] = schema
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "type": "object",
        "properties": properties,
        "required": required,
    }
