"""``manage.py send_digest``: email every user the tasks waiting for them, now.

Celery beat sends the same digest daily (``CELERY_BEAT_SCHEDULE["send-digest"]``); the
command is for a cron-only setup and for trying the email out in development.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bpmn_engine.services.notifications import notifications_send_digest


class Command(BaseCommand):
    help = "Email each active user with an address the list of tasks waiting for them."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notifications_send_digest()
        self.stdout.write(f"Sent {sent} digest email(s).")
