"""User tasks: work waiting for a person."""

from __future__ import annotations

from django.db import models
from django.db.models import F

from bpmn_engine.models.instances import ProcessInstance


class UserTask(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    instance = models.ForeignKey(
        ProcessInstance, on_delete=models.CASCADE, related_name="user_tasks"
    )
    token_id = models.UUIDField()
    element_id = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    documentation = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    assignee = models.CharField(max_length=150, blank=True)
    """A username; users are named as Camunda names them, so diagrams can refer to them."""
    owner = models.CharField(max_length=150, blank=True, default="", db_default="")
    """Who delegated the task (Camunda's owner); it returns to them when resolved."""
    delegation_state = models.CharField(max_length=16, blank=True, default="", db_default="")
    """"" (not delegated), "pending" (with the delegate) or "resolved"."""
    priority = models.IntegerField(default=50)
    due_at = models.DateTimeField(null=True, blank=True)
    form_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.CharField(max_length=150, blank=True)
    submitted = models.JSONField(default=dict, blank=True)
    draft = models.JSONField(null=True, blank=True)
    """Form values saved without completing ("save a draft"); None when there is none."""

    class Meta:
        ordering = ["-priority", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_id"],
                condition=models.Q(state="open"),
                name="one_open_task_per_token",
            )
        ]
        indexes = [
            # Every lookup by assignee (the inbox's with ``state``, the API's without) uses
            # this one index; ``db_index=True`` would add two more (a plain and a LIKE one)
            # that every task insert and completion writes (docs/performance.md, "Indexes
            # on the hot tables").
            models.Index(fields=["assignee", "state"], name="task_by_assignee"),
            # A list of cancelled tasks (the API's and the admin's ``state`` filter), which
            # ``(state, assignee)`` used to serve; no step writes to it but a cancellation.
            models.Index(
                F("priority").desc(),
                "created_at",
                condition=models.Q(state="cancelled"),
                name="cancelled_task_queue",
            ),
            # The inbox's default page: open tasks by priority, oldest first (see the
            # inbox section of docs/performance.md for the plans with and without it).
            models.Index(
                F("priority").desc(),
                "created_at",
                condition=models.Q(state="open"),
                name="open_task_queue",
            ),
            # The inbox's "due" sort (approvals.inbox.SORTS, its default): due first,
            # then priority, so a page of Group tasks stops after 20 visible rows.
            models.Index(
                "due_at",
                F("priority").desc(),
                "created_at",
                "id",
                condition=models.Q(state="open"),
                name="open_task_due_queue",
            ),
            # Who completed what: the four-eyes "distinct approvers" check of the inbox
            # (task_rules.inbox_without_refused) and the *Completed by me* view.
            models.Index(
                "completed_by",
                "instance",
                condition=models.Q(state="completed"),
                name="completed_task_by_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (#{self.instance_id})"


class TaskCandidate(models.Model):
    """One candidate user or group of a task, by name (Camunda's candidateUsers/Groups)."""

    task = models.ForeignKey(UserTask, on_delete=models.CASCADE, related_name="candidates")
    user = models.CharField(max_length=150, blank=True)
    group = models.CharField(max_length=150, blank=True)

    class Meta:
        indexes = [models.Index(fields=["group"]), models.Index(fields=["user"])]

    def __str__(self) -> str:
        return self.user or f"group {self.group}"


class TaskComment(models.Model):
    """A comment on a task, shown in the timeline; append-only like history."""

    task = models.ForeignKey(UserTask, on_delete=models.CASCADE, related_name="comments")
    instance = models.ForeignKey(
        ProcessInstance, on_delete=models.CASCADE, related_name="task_comments"
    )
    user = models.CharField(max_length=150)
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.user}: {self.text[:40]}"
