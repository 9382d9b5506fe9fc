"""Which daily digests went out, so a digest runs at most once per user and day."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DigestDelivery(models.Model):
    """One row per user and (UTC) day whose digest was sent.

    Beat can fire the digest twice (two schedulers, a retried task, an operator running
    the command after the schedule did): the unique row is claimed before the email is
    sent, so the second run finds it and sends nothing.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_and_day")
        ]

    def __str__(self) -> str:
        return f"digest for user {self.user_id} on {self.day}"
