"""Deliveries to a caller after the commit: a failing one is logged, never raised, also
when it is a ``functools.partial`` (which has no ``__qualname__`` for Django's log line)."""

from __future__ import annotations

import logging
from functools import partial

import pytest
from django.db import transaction

from bpmn_engine.services.call_delivery import after_commit

pytestmark = pytest.mark.django_db(transaction=True)


def _fail(*, child_id: int) -> None:
    raise RuntimeError(f"caller of {child_id} is gone")


def test_a_failing_partial_after_commit_is_logged_not_raised(caplog):
    ran: list[int] = []
    with caplog.at_level(logging.ERROR, logger="django.db.backends.base"):
        with transaction.atomic():
            after_commit(partial(_fail, child_id=7))
            after_commit(partial(ran.append, 1))
    assert ran == [1], "the delivery after the failing one still runs"
    assert "caller of 7 is gone" in caplog.text
