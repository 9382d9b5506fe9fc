"""The README's first command on a fresh clone: embedded defaults, a real Celery worker.

Clones the committed repository into a temporary folder, runs ``scripts/run`` there with
no ``DATABASE_URL``/``CELERY_BROKER_URL`` (so SQLite and the ``filesystem://`` broker),
and walks the demo purchase request through the web pages as alice, bob and carol.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
STRIPPED = {
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "BATON_QUEUE",
    "BATON_HANDLER_MODULES",
    "BATON_CONTROLLABLE_CLOCK",
    "DJANGO_SETTINGS_MODULE",
    "VIRTUAL_ENV",
}

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def baton_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("fresh-clone")
    clone = workdir / "baton"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in STRIPPED}
    env["BATON_PORT"] = str(_free_port())
    log_path = workdir / "run.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["scripts/run"],
            cwd=clone,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 600  # a fresh clone installs its virtualenv first
        while True:
            output = log_path.read_text(errors="replace")
            found = re.search(r"Baton is running at (http://\S+)", output)
            if found:
                break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"scripts/run did not come up:\n{output[-5000:]}")
            time.sleep(0.5)
        for user in ("alice", "bob", "carol", "admin"):
            assert f"{user:<6} / {user}-demo" in output
        assert (clone / "var" / "baton.sqlite3").exists()
        yield found.group(1)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _login(url: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(url + "accounts/login/", timeout=10)
    response = session.post(
        url + "accounts/login/",
        data={
            "username": username,
            "password": f"{username}-demo",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": url + "accounts/login/"},
        timeout=10,
    )
    assert response.ok and "/accounts/login/" not in response.url, f"{username} could not sign in"
    return session


def _post(session: requests.Session, url: str, data: dict[str, str]) -> requests.Response:
    response = session.post(
        url,
        data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": url},
        timeout=30,
    )
    assert response.ok, response.text[-2000:]
    return response


def _wait_for_task(session: requests.Session, url: str, name: str) -> str:
    """The approver's task list, polled until the worker has moved the instance on."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = session.get(url, timeout=10).text
        match = re.search(r'href="(/tasks/\d+/)"[^>]*>\s*' + re.escape(name), page)
        if match:
            return match.group(1)
        time.sleep(0.5)
    raise AssertionError(f"{name!r} never reached the task list:\n{page[-3000:]}")


def test_a_large_purchase_request_is_approved_by_manager_and_finance(baton_url: str) -> None:
    alice = _login(baton_url, "alice")
    start_page = alice.get(baton_url + "start/", timeout=10).text
    start_link = re.search(r'href="(/start/\d+/)"', start_page)
    assert start_link, start_page[-2000:]
    _post(
        alice,
        baton_url.rstrip("/") + start_link.group(1),
        {
            "amount": "5000",
            "description": "Two laptops for the new hires",
            "costCenter": "engineering",
            "start-business_key": "PO-E2E-1",
        },
    )
    mine = alice.get(baton_url, timeout=10).text
    instance_link = re.search(r'href="(/instances/\d+/)"', mine)
    assert instance_link, mine[-2000:]
    instance_url = baton_url.rstrip("/") + instance_link.group(1)

    for approver, task in [("bob", "Manager approval"), ("carol", "Finance approval")]:
        session = _login(baton_url, approver)
        group_tasks = baton_url + "inbox/group/"
        task_url = baton_url.rstrip("/") + _wait_for_task(session, group_tasks, task)
        _post(session, task_url, {"approved": "true", "comment": f"ok from {approver}"})

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = alice.get(instance_url, timeout=10).text
        if "PO-" in page and re.search(r">\s*Completed\s*<", page):
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"The request did not complete:\n{page[-4000:]}")
    # The worker ran the service tasks: the budget check and the order number it placed.
    assert "budgetChecked" in page and "orderNumber" in page
    assert "ok from bob" in page and "ok from carol" in page  # both decisions in the timeline
