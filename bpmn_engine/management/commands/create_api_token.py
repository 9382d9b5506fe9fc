"""``manage.py create_api_token alice --expires 30d``: print a new API token once."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from bpmn_engine import clock
from bpmn_engine.api.tokens import api_token_create

_DURATION = re.compile(r"^(\d+)([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_expiry(value: str) -> datetime:
    """``30d``, ``12h``, ``45m`` from now, or an ISO 8601 date-time with a time zone."""
    match = _DURATION.match(value)
    if match:
        return clock.now() + timedelta(**{_UNITS[match[2]]: int(match[1])})
    parsed = parse_datetime(value)
    if parsed is None or parsed.tzinfo is None:
        raise CommandError(
            f"--expires {value!r}: give a duration (30d, 12h, 45m) or an ISO 8601 date-time "
            "with a time zone (2027-01-01T00:00:00Z)"
        )
    return parsed


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--expires", help="30d, 12h, 45m, or an ISO 8601 date-time")
        parser.add_argument("--name", default="", help="A label to tell tokens apart")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: options["username"]})
        except user_model.DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}") from None
        expires = parse_expiry(options["expires"]) if options["expires"] else None
        issued = api_token_create(user=user, name=options["name"], expires_at=expires)
        self.stdout.write(issued.plain)
        self.stderr.write("Store it now: only its hash is kept, it cannot be shown again.")
