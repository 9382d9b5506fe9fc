"""Admin pages for the API's rows: tokens (created here, shown once) and webhooks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from bpmn_engine import clock
from bpmn_engine.api.tokens import TOKEN_PREFIX, token_digest
from bpmn_engine.models import ApiToken, WebhookDelivery, WebhookSubscription
from bpmn_engine.services.webhooks import webhook_subscribe


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("prefix", "name", "user", "created_at", "expires_at", "revoked_at")
    fields = ("user", "name", "expires_at", "revoked_at", "prefix", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        """A new token gets its secret here; the plain value is shown in a message once."""
        if not change:
            import secrets

            plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
            obj.prefix = plain[: len(TOKEN_PREFIX) + 6]
            obj.digest = token_digest(plain)
            obj.created_at = clock.now()
            messages.warning(request, f"The new token (shown only now, store it): {plain}")
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        queryset.filter(revoked_at__isnull=True).update(revoked_at=clock.now())


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("url", "owner", "active", "created_at")
    fields = ("owner", "url", "event_types", "active", "history_cursor", "created_at")
    readonly_fields = ("history_cursor", "created_at")

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool
    ) -> None:
        """A new subscription gets its signing secret (shown once) and starts from now."""
        if not change:
            fresh = webhook_subscribe(owner=obj.owner, url=obj.url, event_types=obj.event_types)
            obj.pk, obj.secret = fresh.pk, fresh.secret
            obj.history_cursor, obj.created_at = fresh.history_cursor, fresh.created_at
            messages.warning(request, f"The signing secret (shown only now): {fresh.secret}")
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "subscription", "event_type", "state", "attempts")
    list_filter = ("state", "event_type")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
