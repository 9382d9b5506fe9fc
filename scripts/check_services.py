"""Stop the test command with a clear message when PostgreSQL or the broker is missing.

The suite never skips database or worker tests silently: without the real services it
does not run at all, and says how to start them.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any
from urllib.parse import urlparse

HOW_TO = {
    "postgres": "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) "
    "main start  (or set DATABASE_URL=postgres://user@host:port/name)",
    "amqp": "start RabbitMQ with: rabbitmq-server -detached  (or set CELERY_BROKER_URL, e.g. "
    "redis://127.0.0.1:6379/0)",
    "redis": "start Redis with: redis-server --daemonize yes --port 6379  (or set "
    "CELERY_BROKER_URL)",
}


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=3):
            return True
    except OSError:
        return False


def _create_database_if_missing(url: str, psycopg: Any) -> None:
    """Connect to the server's ``postgres`` database and create the named one if absent,
    so ``makemigrations --check`` can read the migration history (pytest makes its own
    ``test_`` database either way)."""
    name = urlparse(url).path.lstrip("/")
    url = url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, dbname="postgres", connect_timeout=3, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if name and not exists:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))


def main() -> int:
    problems = []
    database = urlparse(os.environ["DATABASE_URL"])
    if database.scheme.startswith("postgres"):
        import psycopg
        import psycopg.sql

        try:
            _create_database_if_missing(os.environ["DATABASE_URL"], psycopg)
        except psycopg.Error as exc:
            problems.append(
                f"PostgreSQL at {database.hostname}:{database.port or 5432} is not "
                f"reachable ({str(exc).strip()}); {HOW_TO['postgres']}"
            )
    else:
        problems.append("The test suite needs PostgreSQL: set DATABASE_URL=postgres://...")
    broker = urlparse(os.environ["CELERY_BROKER_URL"])
    default_port = {"amqp": 5672, "redis": 6379}.get(broker.scheme)
    if default_port is None:
        problems.append(
            "The test suite needs a real broker: CELERY_BROKER_URL=amqp://... or redis://..."
        )
    elif not _reachable(broker.hostname or "127.0.0.1", broker.port or default_port):
        problems.append(
            f"The broker {broker.scheme}://{broker.hostname}:{broker.port or default_port} "
            f"is not reachable; {HOW_TO[broker.scheme]}"
        )
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print("Tests were NOT run.", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
