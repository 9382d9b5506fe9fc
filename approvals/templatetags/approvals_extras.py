"""Template filters for showing process data as data: escaped text, never markup."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def as_value(value: Any) -> str:
    """A variable's value for people: Yes/No, a dash for nothing, JSON for structures.

    The result is plain text, so the template escapes it like any other string.
    """
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
