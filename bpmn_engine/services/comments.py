"""Comments on tasks: a discussion beside the decision, shown in the timeline.

Anyone who may see a task (its assignee, candidates, owner, the instance's starter,
superusers) may comment on it, open or closed: a requester can answer a question after
the decision too. Comments are append-only, like history, and each one is also a
``task_commented`` history event so the timeline needs only one source.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from bpmn_engine import clock
from bpmn_engine.models import HistoryEvent, TaskComment, UserTask
from bpmn_engine.services.errors import InvalidInput, NotFound
from bpmn_engine.services.identity import username_of

MAX_COMMENT_CHARS = 5000


def _visible_task(task_id: int, user: AbstractBaseUser) -> UserTask:
    from bpmn_engine.services.tasks import task_can_see, task_is_candidate

    task = (
        UserTask.objects.select_related("instance")
        .prefetch_related("candidates")
        .filter(pk=task_id)
        .first()
    )
    if task is None or not (task_can_see(task, user) or task_is_candidate(task, user)):
        raise NotFound(f"Task {task_id} does not exist")
    return task


def task_comment_add(*, task_id: int, user: AbstractBaseUser, text: str) -> TaskComment:
    """Add a comment to a task the user may see; the text is stored as written."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidInput("A comment needs some text")
    if len(cleaned) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"A comment is at most {MAX_COMMENT_CHARS} characters")
    name = username_of(user)
    if not name:
        raise NotFound(f"Task {task_id} does not exist")
    task = _visible_task(task_id, user)
    now = clock.now()
    with transaction.atomic():
        comment = TaskComment.objects.create(
            task=task, instance_id=task.instance_id, user=name, text=cleaned, created_at=now
        )
        HistoryEvent.objects.create(
            instance_id=task.instance_id,
            event="task_commented",
            element_id=task.element_id,
            token_id=task.token_id,
            user=name,
            data={"task_id": task.pk, "task": task.name, "comment_id": comment.pk, "text": cleaned},
            timestamp=now,
        )
    return comment


def task_comments(*, task: UserTask) -> QuerySet[TaskComment]:
    """The task's comments, oldest first (the caller has checked the user may see it)."""
    return TaskComment.objects.filter(task=task).order_by("created_at", "id")
