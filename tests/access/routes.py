"""Every URL pattern Baton serves, with the access rule the sweep checks for it.

``url_routes()`` walks Django's resolver, so a route added later appears here by itself;
``RULES`` must then say what it is: ``Hidden`` (an object of another user is a 404 like
a missing id), ``Refused`` (a role-only route: the same refusal whatever the id),
``Listing`` (a list that must not show another user's objects) or ``Public`` (no one's
object in particular, with the reason). A route without a rule fails the sweep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

Calls = dict[str, Any]
"""HTTP method -> the body to send (a dict; None for no body). ``"{id}"`` in a value is
replaced by the probed id."""


@dataclass(frozen=True)
class Hidden:
    kinds: tuple[str, ...]
    calls: Calls
    status: int = 404


@dataclass(frozen=True)
class Refused:
    calls: Calls
    reason: str
    status: int = 403


@dataclass(frozen=True)
class Listing:
    calls: Calls = field(default_factory=lambda: {"GET": None})


@dataclass(frozen=True)
class Public:
    reason: str


Rule = Hidden | Refused | Listing | Public

TASKS = ("task", "done_task")
STAFF = "operator route: IsStaff refuses every non-staff caller before any lookup"
WORKER = "external workers only (staff or bpmn_engine.change_job), checked before any lookup"
SHARED = "deployed diagrams are shared: every signed-in user may read them (a diagram is code)"

RULES: dict[str, Rule] = {
    # --- the REST API -----------------------------------------------------------------------
    "api/v1/deployments": Public(SHARED + "; deploying needs the permission (403)"),
    "api/v1/deployments/<pk>": Public(SHARED + "; deleting needs the permission"),
    "api/v1/deployments/<pk>/xml": Public(SHARED),
    "api/v1/process-definitions": Public(SHARED),
    "api/v1/process-definitions/key/<key>": Public(SHARED),
    "api/v1/process-definitions/key/<key>/start": Public(SHARED + "; a non-starter gets 403"),
    "api/v1/process-definitions/<pk>": Public(SHARED),
    "api/v1/process-definitions/<pk>/start": Public(SHARED + "; a non-starter gets 403"),
    "api/v1/process-definitions/<pk>/xml": Public(SHARED),
    "api/v1/process-instances": Listing(),
    "api/v1/process-instances/<pk>": Hidden(("instance",), {"GET": None}),
    "api/v1/process-instances/<pk>/cancel": Hidden(("instance",), {"POST": {"reason": "x"}}),
    "api/v1/process-instances/<pk>/history": Hidden(("instance",), {"GET": None}),
    "api/v1/process-instances/<pk>/modification": Hidden(
        ("instance",), {"POST": {"cancelTokens": [], "startBefore": ["Review"]}}
    ),
    "api/v1/process-instances/<pk>/resume": Hidden(("instance",), {"POST": None}),
    "api/v1/process-instances/<pk>/suspend": Hidden(("instance",), {"POST": None}),
    "api/v1/process-instances/<pk>/variables": Hidden(
        ("instance",),
        {"GET": None, "PUT": {"variables": {"x": 1}}, "PATCH": {"variables": {"x": 1}}},
    ),
    "api/v1/tasks": Listing(),
    "api/v1/tasks/<pk>": Hidden(TASKS, {"GET": None}),
    "api/v1/tasks/<pk>/claim": Hidden(TASKS, {"POST": None}),
    "api/v1/tasks/<pk>/comments": Hidden(TASKS, {"GET": None, "POST": {"text": "hello"}}),
    "api/v1/tasks/<pk>/complete": Hidden(TASKS, {"POST": {"variables": {"approved": True}}}),
    "api/v1/tasks/<pk>/delegate": Hidden(TASKS, {"POST": {"userId": "mallory"}}),
    "api/v1/tasks/<pk>/resolve": Hidden(TASKS, {"POST": {"variables": {}}}),
    "api/v1/tasks/<pk>/unclaim": Hidden(TASKS, {"POST": None}),
    "api/v1/external-tasks/fetch-and-lock": Refused(
        {"POST": {"workerId": "w", "topics": [{"topicName": "t", "lockDuration": 10}]}}, WORKER
    ),
    "api/v1/external-tasks/<pk>/bpmn-error": Refused({"POST": {"workerId": "w"}}, WORKER),
    "api/v1/external-tasks/<pk>/complete": Refused({"POST": {"workerId": "w"}}, WORKER),
    "api/v1/external-tasks/<pk>/extend-lock": Refused({"POST": {"workerId": "w"}}, WORKER),
    "api/v1/external-tasks/<pk>/failure": Refused({"POST": {"workerId": "w"}}, WORKER),
    "api/v1/incidents": Refused({"GET": None}, STAFF),
    "api/v1/incidents/<pk>": Refused({"GET": None}, STAFF),
    "api/v1/incidents/<pk>/retry": Refused({"POST": None}, STAFF),
    "api/v1/jobs": Refused({"GET": None}, STAFF),
    "api/v1/jobs/<pk>": Refused({"GET": None}, STAFF),
    "api/v1/jobs/<pk>/due-date": Refused({"POST": {"dueAt": "2030-01-01T00:00:00Z"}}, STAFF),
    "api/v1/webhooks": Refused(
        {"GET": None, "POST": {"url": "https://example.com/h", "eventTypes": ["incident"]}},
        STAFF,
    ),
    "api/v1/webhooks/<pk>": Refused({"GET": None, "DELETE": None}, STAFF),
    "api/v1/webhooks/<pk>/deliveries": Refused({"GET": None}, STAFF),
    "api/v1/history-events": Listing(),
    "api/v1/messages": Refused({"POST": {"name": "m"}}, STAFF),
    "api/v1/signals": Refused({"POST": {"name": "s"}}, STAFF),
    "api/v1/condition": Refused({"POST": {"variables": {}}}, STAFF),
    "api/v1/.*": Public("the catch-all 404 for unknown API paths"),
    "api/schema/": Public("the OpenAPI schema: describes endpoints, holds no one's data"),
    "api/docs/": Public("Swagger UI for the schema"),
    "api/redoc/": Public("Redoc for the schema"),
    # --- the pages --------------------------------------------------------------------------
    "metrics": Public("Prometheus counters, no per-user data; only allow-listed addresses"),
    "accounts/login/": Public("the sign-in page"),
    "accounts/logout/": Public("signs the caller out"),
    "language/": Public("stores the caller's language choice"),
    "": Listing(),
    "inbox/<view>/": Listing(),
    "start/": Listing(),
    "start/<definition_id>/": Hidden(("definition",), {"GET": None, "POST": {"amount": "1"}}),
    "tasks/bulk/": Hidden(TASKS, {"POST": {"task_ids": "{id}", "approved": "true"}}, status=200),
    "tasks/<task_id>/": Hidden(TASKS, {"GET": None, "POST": {"approved": "true"}}),
    "tasks/<task_id>/claim/": Hidden(TASKS, {"POST": None}),
    "tasks/<task_id>/unclaim/": Hidden(TASKS, {"POST": None}),
    "tasks/<task_id>/delegate/": Hidden(TASKS, {"POST": {"to_user": "mallory"}}),
    "tasks/<task_id>/resolve/": Hidden(TASKS, {"POST": None}),
    "tasks/<task_id>/comment/": Hidden(TASKS, {"POST": {"text": "hello"}}),
    "instances/<instance_id>/": Hidden(("instance",), {"GET": None}),
}

ADMIN_PUBLIC = {
    "admin/login/": "the admin's sign-in page",
    "admin/logout/": "signs the caller out (POST)",
}


@dataclass(frozen=True)
class Route:
    template: str
    methods: frozenset[str] | None
    """The methods a DRF view maps (None: a function view, whose methods are in RULES)."""


def _template(pattern: Any) -> str:
    text = str(pattern)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
    text = re.sub(r"<\w+:(\w+)>", r"<\1>", text)
    return text.replace("^", "").replace("$", "")


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + _template(entry.pattern))
        elif isinstance(entry, URLPattern):
            actions = getattr(entry.callback, "actions", None)
            # DRF adds HEAD (as GET) to a viewset's actions once it served a request.
            methods = frozenset(m.upper() for m in actions) - {"HEAD"} if actions else None
            yield Route(prefix + _template(entry.pattern), methods)


def url_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))
