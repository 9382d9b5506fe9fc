"""Private broker servers for the broker-restart tests: killed for real, started again.

The machine's RabbitMQ (5672) and Redis (6379) are shared by every test run on it, so
these tests never touch them: each starts its own server, on free ports, with its data
in the test's temporary folder, and kills only the processes it started (by pid). The
data folder survives the kill, so the restarted server recovers what it had on disk:
RabbitMQ its durable queues and persistent messages, Redis its append-only file.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

READY_TIMEOUT = 90.0
RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
"""The server script itself (not the /usr/sbin wrapper, which switches to the rabbitmq
user): the node runs as the test's user, with everything in the test's folder."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class _Server:
    """A server process in its own process group, its output in ``folder/server.log``."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    def _launch(self, argv: list[str], env: dict[str, str]) -> None:
        if self.process is not None:
            raise RuntimeError("The server is already running")
        with (self.folder / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while not _port_open(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                log_text = (self.folder / "server.log").read_text(errors="replace")
                raise AssertionError(f"{argv[0]} did not start:\n{log_text[-3000:]}")
            time.sleep(0.1)

    def kill(self) -> None:
        """``SIGKILL`` of the server's process group: no flush, no goodbye."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
        self.process = None
        deadline = time.monotonic() + 30
        while _port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)


class PrivateRabbitMQ(_Server):
    """A RabbitMQ node of our own: own node name, AMQP and distribution ports, data, logs
    and config; no plugins (so no management listener)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, free_port())
        self.dist_port = free_port()
        self.name = f"baton-test-{os.getpid()}-{self.port}@localhost"
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}//"
        (folder / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\nloopback_users = none\n"
        )
        (folder / "enabled_plugins").write_text("[].\n")
        (folder / "rabbitmq-env.conf").write_text("")

    def start(self) -> None:
        env = dict(
            os.environ,
            RABBITMQ_NODENAME=self.name,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=str(self.folder / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.folder / "log"),
            RABBITMQ_LOGS="-",
            RABBITMQ_CONFIG_FILE=str(self.folder / "rabbitmq.conf"),
            RABBITMQ_CONF_ENV_FILE=str(self.folder / "rabbitmq-env.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.folder / "enabled_plugins"),
            RABBITMQ_PID_FILE=str(self.folder / "node.pid"),
            ERL_EPMD_ADDRESS="127.0.0.1",
        )
        self._launch([RABBITMQ_SERVER], env)


class PrivateRedis(_Server):
    """A Redis server of our own with an append-only file synced on every write."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, free_port())
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        argv = [
            shutil.which("redis-server") or "redis-server",
            "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder),
            "--appendonly", "yes", "--appendfsync", "always", "--save", "",
        ]  # fmt: skip
        self._launch(argv, dict(os.environ))


def private_broker(kind: str, folder: Path) -> PrivateRabbitMQ | PrivateRedis:
    if kind == "rabbitmq":
        if not Path(RABBITMQ_SERVER).exists():
            raise AssertionError(f"RabbitMQ is not installed ({RABBITMQ_SERVER} is missing)")
        return PrivateRabbitMQ(folder)
    return PrivateRedis(folder)
