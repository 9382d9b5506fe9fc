"""Hostile XML through the API's deploy endpoint (issue 6, hostile 13 and 14).

13: malformed XML, the wrong namespace, an unknown element and 10,000-level nesting are
each a 400 whose issues carry a line and a column. 14: XXE (a file and a URL), external
DTDs, parameter entities, billion laughs and quadratic blowup are refused within a
second, in UTF-8 and in UTF-16, and references that are not refused (XInclude,
schemaLocation, bpmn:import) stay inert. "No file read" is watched with a named pipe:
whoever opens it for reading releases a writer thread, so an open is seen for certain
(and a parser that did open it would get a secret to leak). "No connection made" is
watched with a listening socket: a connection made during the request waits in its
accept queue afterwards.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bpmn_engine.models import Deployment

pytestmark = [pytest.mark.durability, pytest.mark.django_db]

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SECRET = b"TOP-SECRET-FROM-THE-PIPE"


@pytest.fixture
def deployer(make_user: Any) -> Client:
    user = make_user("dora")
    user.user_permissions.add(Permission.objects.get(codename="add_deployment"))
    client = Client()
    client.force_login(user)
    return client


def deploy(client: Client, data: bytes) -> tuple[Any, float]:
    started = time.monotonic()
    upload = SimpleUploadedFile("hostile.bpmn", data, "application/xml")
    response = client.post("/api/v1/deployments", {"file": upload})
    return response, time.monotonic() - started


# --- 13 -----------------------------------------------------------------------------------

BAD_DOCUMENTS = {
    "malformed": f'<definitions xmlns="{BPMN}">\n  <process id="P">\n</definitions>',
    "wrong-namespace": '<?xml version="1.0"?>\n<definitions xmlns="http://example.com/bpmn"'
    ' id="D">\n  <process id="P"/>\n</definitions>',
    "unknown-element": f'<?xml version="1.0"?>\n<definitions xmlns="{BPMN}" id="D" '
    'targetNamespace="x">\n  <process id="P" isExecutable="true">\n    <startEvent id="S"/>\n'
    '    <teleport id="Beam"/>\n  </process>\n</definitions>',
    "nesting-10000": f'<definitions xmlns="{BPMN}">'
    + "<extensionElements>" * 10_000
    + "</extensionElements>" * 10_000
    + "</definitions>",
}
EXPECTED_LINE = {"malformed": 3, "wrong-namespace": 2, "unknown-element": 5, "nesting-10000": 1}


@pytest.mark.parametrize("name", list(BAD_DOCUMENTS), ids=list(BAD_DOCUMENTS))
def test_a_bad_document_is_400_with_line_and_column(name: str, deployer: Client) -> None:
    response, seconds = deploy(deployer, BAD_DOCUMENTS[name].encode())
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["type"] == "urn:baton:problem:deploy-refused"
    [issue, *_] = body["issues"]
    assert issue["line"] == EXPECTED_LINE[name], issue
    assert isinstance(issue["column"], int) and issue["column"] >= 1, issue
    if name == "unknown-element":
        assert issue["elementId"] == "Beam" and "teleport" in issue["message"]
        assert issue["column"] == 5
    assert seconds < 2
    assert not Deployment.objects.exists()


# --- 14 -----------------------------------------------------------------------------------


class PipeWatch:
    """A named pipe whose every open for reading is recorded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self.opened = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        fd = os.open(self.path, os.O_WRONLY)  # returns only once a reader opened it
        self.opened.set()
        try:
            os.write(fd, SECRET)
        finally:
            os.close(fd)

    def close(self) -> None:
        if not self.opened.is_set():
            reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # frees the writer
            self.thread.join(5)
            os.close(reader)


class ConnectWatch:
    """A listening socket; ``connected()`` tells if anyone connected since."""

    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]

    def connected(self) -> bool:
        self.server.setblocking(False)
        try:
            conn, _ = self.server.accept()
        except BlockingIOError:
            return False
        conn.close()
        return True


@pytest.fixture
def watches(tmp_path: Path) -> Iterator[tuple[PipeWatch, ConnectWatch]]:
    pipe, listener = PipeWatch(tmp_path / "secret.pipe"), ConnectWatch()
    yield pipe, listener
    pipe.close()
    listener.server.close()


def _document(head: str, body: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{head}\n'
        f'<definitions xmlns="{BPMN}" xmlns:xi="http://www.w3.org/2001/XInclude" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="x">'
        f'<process id="P" isExecutable="true"><documentation>{body}</documentation>'
        '<startEvent id="S"/></process></definitions>'
    )


LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)).replace(
    "&lol0;", "lol"
)
REFUSED = {
    "xxe-file": ('<!DOCTYPE d [<!ENTITY x SYSTEM "file://{pipe}">]>', "&x;"),
    "xxe-url": ('<!DOCTYPE d [<!ENTITY x SYSTEM "http://127.0.0.1:{port}/x">]>', "&x;"),
    "external-dtd": ('<!DOCTYPE d SYSTEM "http://127.0.0.1:{port}/x.dtd">', ""),
    "external-dtd-file": ('<!DOCTYPE d SYSTEM "file://{pipe}">', ""),
    "parameter-entity": (
        '<!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;]>',
        "",
    ),
    "billion-laughs": (f"<!DOCTYPE d [{LAUGHS}]>", "&lol9;"),
    "quadratic-blowup": (f'<!DOCTYPE d [<!ENTITY a "{"a" * 50_000}">]>', "&a;" * 50_000),
}
INERT = {
    "xinclude-file": ("", '<xi:include href="file://{pipe}" parse="text"/>'),
    "xinclude-url": ("", '<xi:include href="http://127.0.0.1:{port}/x" parse="text"/>'),
}


def _payload(kind: dict[str, tuple[str, str]], name: str, watch: Any, encoding: str) -> bytes:
    pipe, listener = watch
    head, body = (part.format(pipe=pipe.path, port=listener.port) for part in kind[name])
    text = _document(head, body)
    if encoding == "utf-16":
        return text.replace("UTF-8", "UTF-16").encode("utf-16")
    return text.encode()


def _assert_nothing_read_or_contacted(watch: Any, response: Any) -> None:
    pipe, listener = watch
    assert not pipe.opened.is_set(), "the parser opened the file"
    assert not listener.connected(), "the parser made a connection"
    assert SECRET.decode() not in response.content.decode(errors="replace")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("name", list(REFUSED), ids=list(REFUSED))
def test_entity_and_dtd_attacks_are_refused_fast_with_nothing_read_or_contacted(
    name: str, encoding: str, watches: Any, deployer: Client
) -> None:
    response, seconds = deploy(deployer, _payload(REFUSED, name, watches, encoding))
    assert response.status_code == 400, response.content[:500]
    [issue] = response.json()["issues"]
    assert "declarations are not allowed" in issue["message"]
    assert seconds < 1, f"{seconds:.2f}s"
    _assert_nothing_read_or_contacted(watches, response)
    assert not Deployment.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("name", list(INERT), ids=list(INERT))
def test_xinclude_is_never_followed(
    name: str, encoding: str, watches: Any, deployer: Client
) -> None:
    response, seconds = deploy(deployer, _payload(INERT, name, watches, encoding))
    assert response.status_code in (200, 201, 400), response.content[:500]
    assert seconds < 1
    _assert_nothing_read_or_contacted(watches, response)


def test_schema_locations_and_imports_are_recorded_never_fetched(
    watches: Any, deployer: Client
) -> None:
    _, listener = watches
    url = f"http://127.0.0.1:{listener.port}/types.xsd"
    text = (
        f'<definitions xmlns="{BPMN}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{BPMN} {url}" id="D" targetNamespace="x">'
        f'<import importType="http://www.w3.org/2001/XMLSchema" location="{url}" '
        'namespace="http://example.com/types"/>'
        '<process id="Imports" isExecutable="true"><startEvent id="S"/></process></definitions>'
    )
    response, _ = deploy(deployer, text.encode())
    assert response.status_code == 201, response.content[:500]
    _assert_nothing_read_or_contacted(watches, response)


def test_control_the_watches_do_see_a_read_and_a_connection(watches: Any) -> None:
    """The harness can fail: an lxml parser left with its risky defaults on reads the
    pipe, and a plain connect is seen by the socket watch."""
    from lxml import etree

    pipe, listener = watches
    unsafe = etree.XMLParser(resolve_entities=True, no_network=False, load_dtd=True)
    text = f'<!DOCTYPE d [<!ENTITY x SYSTEM "file://{pipe.path}">]><d>&x;</d>'
    root = etree.fromstring(text.encode(), unsafe)
    assert pipe.opened.is_set() and root.text == SECRET.decode()
    socket.create_connection(("127.0.0.1", listener.port)).close()
    assert listener.connected()
