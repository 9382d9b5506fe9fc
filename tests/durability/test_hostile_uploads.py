"""A 50 MB upload is refused before the body is held in memory (issue 6, hostile 15).

The body is streamed into Django's real request handling (every middleware, the real
views) from a reader that makes its bytes on demand and counts how many were asked for,
while tracemalloc measures the peak of Python memory during the request. Refused from its
``Content-Length`` means: 413, not one byte read, and no growth beyond the response. The
control test lets the same stream through (a raised limit) and sees it read and held, so
the meter is known to work. A lying ``Content-Length`` bounds what Django reads, whatever
the client sends. Over a real socket (the live server) the 413 arrives before the client
has sent any of the body.
"""

from __future__ import annotations

import base64
import socket
import tracemalloc
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from bpmn_engine.models import Deployment

pytestmark = [pytest.mark.durability, pytest.mark.django_db]

FIFTY_MB = 50 * 1024 * 1024
BOUNDARY = "BatonBoundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
API_UPLOAD = "/api/v1/deployments"
ADMIN_UPLOAD = "/admin/bpmn_engine/deployment/upload/"
BOUNDED = 2 * 1024 * 1024
"""Growth allowed for handling a refused request (a first request warms caches), 4 % of
the body: holding the body would show as more than 50 MB."""


class StreamedBody:
    """A multipart body with one file part of ``size`` bytes, made as it is read.

    ``read()`` with no size returns everything left, as a file would: a reader that
    slurps the body does hold it, and the meter sees that."""

    def __init__(self, size: int, field: str = "file") -> None:
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="big.bpmn"\r\nContent-Type: application/xml\r\n\r\n'
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.length = len(self.head) + size + len(self.tail)
        self.bytes_read = 0

    def read(self, size: int = -1, /) -> bytes:
        remaining = self.length - self.bytes_read
        count = remaining if size is None or size < 0 else min(size, remaining)
        start = self.bytes_read
        head = self.head[start : start + count] if start < len(self.head) else b""
        tail_start = self.length - len(self.tail)
        end = start + count
        filler = max(0, min(end, tail_start) - max(start, len(self.head)))
        tail = self.tail[max(0, start - tail_start) : max(0, end - tail_start)]
        self.bytes_read = end
        return head + b"<" * filler + tail

    def readline(self, size: int = -1, /) -> bytes:
        line = b""
        while self.bytes_read < self.length and (size < 0 or len(line) < size):
            char = self.read(1)
            line += char
            if char == b"\n":
                break
        return line


def stream(
    client: Client,
    url: str,
    body: StreamedBody,
    *,
    declared: str | None = None,
    content_type: str = MULTIPART,
    **headers: str,
) -> tuple[Any, int]:
    """POST ``body`` as a stream; returns the response and the peak growth of Python
    memory (bytes) while Django handled it."""
    environ: dict[str, Any] = {
        "wsgi.input": body,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(body.length) if declared is None else declared,
        **headers,
    }
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        response = client.generic("POST", url, **environ)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, peak - before


def basic_header(username: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{username}-pw".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def deployer(make_user: Callable[..., Any]) -> Any:
    user = make_user("dora", superuser=True)
    user.user_permissions.add(Permission.objects.get(codename="add_deployment"))
    return user


@pytest.fixture
def signed_in(deployer: Any) -> Client:
    client = Client()
    client.force_login(deployer)
    return client


UPLOAD_PATHS = {
    "api-basic": (API_UPLOAD, True),
    "api-session": (API_UPLOAD, False),
    "admin-upload": (ADMIN_UPLOAD, False),
    "page-task-form": ("/tasks/1/", False),
    "page-start-form": ("/start/1/", False),
    "anonymous-page": ("/accounts/login/", False),
}


@pytest.mark.parametrize("path", list(UPLOAD_PATHS), ids=list(UPLOAD_PATHS))
def test_a_50_mb_upload_is_refused_before_a_byte_of_it_is_read(path, signed_in):
    url, with_basic = UPLOAD_PATHS[path]
    body = StreamedBody(FIFTY_MB)
    client = Client() if with_basic or path == "anonymous-page" else signed_in
    headers = basic_header("dora") if with_basic else {}
    response, growth = stream(client, url, body, **headers)
    assert response.status_code == 413, response.content[:300]
    assert body.bytes_read == 0
    assert growth < BOUNDED, f"{growth} bytes of Python memory during the request"
    assert f"The request is {body.length} bytes; the limit is 41943040." in (
        response.content.decode()
    )
    print(f"\n{path}: 413 after reading 0 of {body.length} bytes; peak growth {growth} B")
    assert not Deployment.objects.exists()


def test_a_50_mb_form_or_json_body_to_any_page_or_endpoint_is_413(signed_in):
    """Not only uploads: an urlencoded or JSON body is capped at Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE (DRF reads JSON from the stream, past Django's check)."""
    for url, content_type in (
        ("/tasks/1/", "application/x-www-form-urlencoded"),
        ("/api/v1/process-definitions/key/x/start", "application/json"),
    ):
        body = StreamedBody(FIFTY_MB)
        response, growth = stream(signed_in, url, body, content_type=content_type)
        assert response.status_code == 413 and body.bytes_read == 0, url
        assert growth < BOUNDED


def test_the_api_413_is_a_problem_document(signed_in):
    response, _ = stream(signed_in, API_UPLOAD, StreamedBody(FIFTY_MB))
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:baton:problem:payload-too-large"


def test_control_the_meter_sees_a_body_that_is_let_through_and_read(signed_in, settings):
    """With the limits raised, the same stream is read to the end and the view holds the
    file: the byte count and the memory growth both show it."""
    settings.BPMN_ENGINE = {**settings.BPMN_ENGINE, "MAX_UPLOAD_BYTES": 100 * 1024 * 1024}
    body = StreamedBody(FIFTY_MB)
    response, growth = stream(signed_in, API_UPLOAD, body)
    assert response.status_code == 400, response.content[:300]  # not XML: refused by parse
    assert body.bytes_read == body.length
    assert growth > FIFTY_MB
    print(f"\ncontrol: read {body.bytes_read} bytes; peak growth {growth} B")


def test_a_content_length_that_lies_low_bounds_what_is_read(signed_in):
    """The client declares 1,000 bytes and would send 50 MB: Django reads 1,000."""
    body = StreamedBody(FIFTY_MB)
    response, growth = stream(signed_in, API_UPLOAD, body, declared="1000")
    assert response.status_code == 400, response.content[:300]
    assert body.bytes_read <= 1000
    assert growth < BOUNDED


def test_a_body_without_content_length_is_not_read_at_all(signed_in):
    """Chunked transfer without a length (as a proxy may pass it on): nothing is read."""
    body = StreamedBody(FIFTY_MB)
    response, growth = stream(
        signed_in, API_UPLOAD, body, declared="", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 400, response.content[:300]
    assert body.bytes_read == 0
    assert growth < BOUNDED


def test_a_file_over_the_limit_in_a_request_under_the_cap_is_refused_from_its_size(
    signed_in, settings
):
    """Under the request cap, Django spools the file to disk; the admin form and the API
    view refuse it from its size, without reading it into memory."""
    settings.BPMN_ENGINE = {**settings.BPMN_ENGINE, "MAX_UPLOAD_BYTES": 4 * 1024 * 1024}
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    for url, status in ((API_UPLOAD, 413), (ADMIN_UPLOAD, 200)):
        body = StreamedBody(8 * 1024 * 1024)
        response, growth = stream(signed_in, url, body)
        assert response.status_code == status, response.content[:300]
        assert growth < BOUNDED, f"{url}: {growth}"
        assert "the limit is 4194304" in response.content.decode()
    assert not Deployment.objects.exists()


def test_over_a_real_socket_the_413_comes_before_the_body_is_sent(live_server):
    """The live server answers from the headers alone: the client announces 50 MB, sends
    none of it, and still gets its 413 (a server that read first would wait instead)."""
    address = urlsplit(live_server.url)
    head = (
        f"POST {API_UPLOAD} HTTP/1.1\r\nHost: {address.hostname}\r\n"
        f"Content-Type: {MULTIPART}\r\nContent-Length: {FIFTY_MB}\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port), timeout=30) as conn:
        conn.sendall(head.encode())
        received = b""
        while b"\r\n\r\n" not in received and (chunk := conn.recv(65536)):
            received += chunk
    reply = received.decode(errors="replace")
    assert reply.startswith("HTTP/1.1 413"), reply[:200]
    assert "application/problem+json" in reply
