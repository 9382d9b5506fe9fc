"""Deployed diagrams. Never changed after deployment: a change is a new version."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Deployment(models.Model):
    """One uploaded BPMN file, kept byte for byte (the diagram view renders it)."""

    name = models.CharField(max_length=255)
    filename = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64, db_index=True)
    xml = models.TextField()
    warnings = models.JSONField(default=list, blank=True)
    imports = models.JSONField(default=list, blank=True)
    deployed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.filename})"


class ProcessDefinition(models.Model):
    """One process of a deployment, addressed by ``key`` (the BPMN process id) + version."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="definitions")
    key = models.CharField(max_length=255)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=255, blank=True)
    documentation = models.TextField(blank=True)
    is_executable = models.BooleanField(default=True)
    candidate_starter_groups = models.JSONField(default=list, blank=True)
    candidate_starter_users = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="definition_key_version")
        ]

    def __str__(self) -> str:
        return f"{self.label} v{self.version}"

    @property
    def label(self) -> str:
        return self.name or self.key


class DecisionDefinition(models.Model):
    """One DMN decision deployed with a BPMN file, addressed by key (decision id) + version."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="decisions")
    key = models.CharField(max_length=255)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=255, blank=True)
    filename = models.CharField(max_length=255)
    xml = models.TextField()
    """The whole DMN file the decision came from (decisions may require one another)."""
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="decision_key_version")
        ]

    def __str__(self) -> str:
        return f"{self.name or self.key} v{self.version}"
