"""Fixtures shared by the whole suite.

Most tests run on whatever database DATABASE_URL names (PostgreSQL under scripts/test, SQLite
otherwise) with Celery tasks run inline and mail kept in memory (vzhg.settings.test). Tests
marked ``services`` prove delivery through the real services that scripts/test starts:

- ``smtp_sink``: an SMTP server on loopback that keeps what it receives (and refuses, with 550,
  every recipient whose address contains "bounce").
- ``celery_worker_process``: a real ``celery worker`` subprocess on the test database and the
  Redis of REDIS_URL, sending to ``smtp_sink``; in the test process tasks go to Redis too.
  One worker and one Redis queue serve the session: run these tests without pytest-xdist's -n.
- ``redis_server``: stops and starts that Redis (same port, same config) to stage an outage.

Outside scripts/test (no PostgreSQL/Redis) ``services`` tests are skipped with the reason; under
scripts/test (VZHG_REQUIRE_SERVICES=1) they fail instead, so CI can never skip them silently.
Tests that use the worker must be ``@pytest.mark.django_db(transaction=True)``: the worker is
another process and only sees committed rows.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("VZHG_TEST_ARTIFACTS") or ROOT / "var" / "test-artifacts")
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


# --- helpers -----------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], *, timeout: float, what: str, interval: float = 0.05):
    """Poll `condition` until it returns something truthy (returned) or fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def play_beat_until(
    worker, sweeps: Callable[[], object], condition: Callable[[], object], *, what: str, timeout: float = 180
) -> list[int]:
    """After a broker crash: play Celery beat (call `sweeps` every half second) and the
    deployment's restart policy (a worker that exited is started again: revive_if_exited) until
    `condition()` holds. Returns the exit codes of the worker's exits on its own, if any."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(
                f"Timed out after {timeout:.0f} s waiting for {what}; worker log:\n{worker.log_tail()}"
            )
        if worker.revive_if_exited():
            print(
                f"The Celery worker exited by itself ({worker.exits[-1]}); restarted as compose would:\n{worker.log_tail(15)}"
            )
        sweeps()
        time.sleep(0.5)
    return list(worker.exits)


def services_unavailable() -> str | None:
    """Why the real services cannot be used here, or None when they can."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return f"needs PostgreSQL (DATABASE_URL), the database here is {engine}; run scripts/test"
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url.startswith("redis://"):
        return "needs Redis (REDIS_URL=redis://...); run scripts/test"
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {redis_url} does not answer: {exc}"
    return None


def _require_services() -> None:
    reason = services_unavailable()
    if reason is None:
        return
    if os.environ.get("VZHG_REQUIRE_SERVICES") == "1":
        pytest.fail(f"services test cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("services") is not None:
        _require_services()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Every test starts with an empty cache, so allauth's rate limits count from zero."""
    from django.core.cache import cache

    cache.clear()
    yield


# --- SMTP sink ---------------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    """One message as the SMTP server received it."""

    message: EmailMessage
    mail_from: str
    recipients: list[str]

    @property
    def text(self) -> str:
        """The plain-text part, decoded."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


class SmtpSink:
    """What the SMTP server has received. `delay` (seconds) slows every DATA command down."""

    def __init__(self) -> None:
        self.port = 0
        self.messages: list[ReceivedMail] = []
        self.delay = 0.0
        # hold(after=n): once n messages arrived, further DATA commands wait (before anything is
        # kept) until release(); then they are refused with 451 and not kept. `held` counts them.
        self.hold_after: int | None = None
        self.held = 0
        self._changed = threading.Condition()
        self._controller = None
        self._handler = None

    @property
    def is_up(self) -> bool:
        return self._controller is not None

    def down(self) -> None:
        """Stop listening, as a relay that is down: connections are refused until up()."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def up(self) -> None:
        """Listen again on the same port (after down())."""
        from aiosmtpd.controller import Controller

        if self._controller is None:
            self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def add(self, mail: ReceivedMail) -> None:
        with self._changed:
            self.messages.append(mail)
            self._changed.notify_all()

    def clear(self) -> None:
        with self._changed:
            self.messages.clear()
            self.delay = 0.0
            self.hold_after = None

    def hold(self, after: int) -> None:
        """Keep the first `after` messages; hold every later one in DATA, unkept, until release().
        Lets a test kill a sender at a moment when no message is half delivered."""
        self.hold_after = after

    def release(self) -> None:
        """Let held DATA commands go: they are answered 451 (try again later) and not kept."""
        self.hold_after = None

    def wait_for(self, count: int, timeout: float = 60) -> list[ReceivedMail]:
        """Wait until at least `count` messages arrived; returns all received so far."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.messages) >= count, timeout=timeout):
                pytest.fail(
                    f"SMTP sink got {len(self.messages)} message(s) within {timeout:.0f} s, "
                    f"expected {count}: {[m.message['Subject'] for m in self.messages]}"
                )
            return list(self.messages)


class _SinkHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if "bounce" in address.lower():
            return "550 5.1.1 Mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        if self.sink.hold_after is not None and len(self.sink.messages) >= self.sink.hold_after:
            self.sink.held += 1
            while self.sink.hold_after is not None:
                await asyncio.sleep(0.01)
            self.sink.held -= 1
            return "451 4.3.0 Held by the test, try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.sink.add(ReceivedMail(message, envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def _smtp_server() -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    # Controller(port=0) fails its own start-up check, so the port is picked first.
    sink.port = free_port()
    sink._handler = _SinkHandler(sink)
    sink._controller = Controller(sink._handler, hostname="127.0.0.1", port=sink.port)
    sink._controller.start()
    yield sink
    sink.down()


@pytest.fixture
def smtp_sink(_smtp_server: SmtpSink) -> Iterator[SmtpSink]:
    """An SMTP server on 127.0.0.1:`smtp_sink.port` keeping what it receives in `.messages`
    (ReceivedMail: `.message`, `.recipients`, `.text`); `.wait_for(count, timeout)` waits for
    mail. Starts empty for every test. Recipients containing "bounce" are refused with 550.
    To send to it from the test process, point settings.EMAIL_* at it (celery_worker_process
    does). `.down()` / `.up()` stage a relay outage (connections refused in between)."""
    _smtp_server.up()
    _smtp_server.clear()
    yield _smtp_server
    _smtp_server.up()


# --- Redis -------------------------------------------------------------------------------------


class RedisServer:
    """The Redis scripts/test started, which a test may stop and start again (same config)."""

    def __init__(self, port: int, config: str) -> None:
        self.port = port
        self.config = config

    def _ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    @property
    def running(self) -> bool:
        return self._ping()

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "shutdown", "nosave"],
            capture_output=True,
            check=False,
        )
        wait_until(lambda: not self._ping(), timeout=10, what=f"Redis on port {self.port} to stop")

    def start(self) -> None:
        subprocess.run(["redis-server", self.config], check=True, capture_output=True)
        wait_until(self._ping, timeout=10, what=f"Redis on port {self.port} to start")


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """Control over the test Redis (REDIS_PORT and REDIS_CONF from scripts/test): `.stop()`,
    `.start()`, `.running`. Whatever the test does, Redis runs again afterwards."""
    port, config = os.environ.get("REDIS_PORT"), os.environ.get("REDIS_CONF")
    if not port or not config:
        reason = "needs REDIS_PORT and REDIS_CONF of the Redis started by scripts/test"
        if os.environ.get("VZHG_REQUIRE_SERVICES") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    server = RedisServer(int(port), config)
    yield server
    if not server.running:
        server.start()


# --- Celery worker -----------------------------------------------------------------------------


class CeleryWorker:
    """A `celery worker` subprocess and a way to ask it (over Redis) what it is doing."""

    QUEUES = ("mail", "bulk", "pdf")  # CELERY_TASK_ROUTES; the worker consumes all three

    def __init__(self, redis_url: str, env: dict[str, str], log_path: Path) -> None:
        from celery import Celery

        self.redis_url = redis_url
        self.nodename = f"vzhg-test-{os.getpid()}@localhost"
        self.log_path = log_path
        # A separate app for remote control, so the project's app keeps its own configuration.
        self.control_app = Celery("vzhg-test-control", broker=redis_url, set_as_current=False)
        celery = Path(sys.executable).with_name("celery")
        command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
        command += [
            "-A", "vzhg", "worker", "-l", "warning", "-c", "2", "-n", self.nodename,
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", ",".join(self.QUEUES),
        ]  # fmt: skip
        self._command, self._env = command, env
        self.killed = False
        self.exits: list[int] = []  # return codes of exits by itself (revive_if_exited)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_path.open("wb")
        self._spawn()

    def _spawn(self) -> None:
        self.process = subprocess.Popen(
            self._command, cwd=ROOT, env=self._env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        # scripts/test kills a worker an interrupted run left behind.
        if os.environ.get("VZHG_TEST_TMP"):
            Path(os.environ["VZHG_TEST_TMP"], "celery-worker.pid").write_text(str(self.process.pid))

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once: no warm shutdown, tasks in flight
        are cut off mid-way and their database connections dropped (as in a crash)."""
        self.killed = True
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def restart(self, timeout: float = 60) -> None:
        """Start the worker again after kill() (same command, same log) and wait until it answers."""
        if self.process.poll() is None:
            raise RuntimeError("the worker is still running; kill() it first")
        self._spawn()
        self.killed = False
        self.wait_ready(timeout=timeout)

    def revive_if_exited(self) -> bool:
        """What the deployment's `restart: unless-stopped` does: a worker that exited by itself
        (kombu 5.7.0 can stop it with AttributeError "'NoneType' object has no attribute
        'hostname'" after a Redis crash) is started again, its leftover pool processes killed
        first (as the container's end would). True when it had exited; the test says so."""
        if self.process.poll() is None:
            return False
        self.exits.append(self.process.returncode)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._spawn()
        return True

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def _check_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"Celery worker exited with {self.process.returncode}:\n{self.log_tail()}")

    def _answers(self) -> bool:
        self._check_alive()
        try:
            return bool(self.control_app.control.ping(destination=[self.nodename], timeout=0.5, limit=1))
        except Exception:  # noqa: BLE001 - broker not reachable (yet)
            return False

    def wait_ready(self, timeout: float = 60) -> None:
        """Wait until the worker answers a ping over the broker (it is connected and consuming)."""
        wait_until(self._answers, timeout=timeout, what=f"the Celery worker (log: {self.log_path})")

    def _idle(self) -> bool:
        import redis

        self._check_alive()
        client = redis.Redis.from_url(self.redis_url)
        if any(client.llen(queue) for queue in self.QUEUES):
            return False
        inspect = self.control_app.control.inspect(destination=[self.nodename], timeout=1, limit=1)
        for ask in (inspect.active, inspect.reserved, inspect.scheduled):
            replies = ask()
            if not replies or any(replies.values()):
                return False
        return True

    def wait_idle(self, timeout: float = 60) -> None:
        """Wait until no task is queued, reserved, scheduled (retry) or running, seen twice."""
        wait_until(
            lambda: self._idle() and self._idle(), timeout=timeout, what="the Celery worker to be idle"
        )

    def purge(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url).delete(*self.QUEUES)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown: running tasks finish, children exit
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()
        self.control_app.close()


@pytest.fixture(scope="session")
def _celery_worker(django_db_setup, _smtp_server: SmtpSink) -> Iterator[CeleryWorker]:
    from django.db import connection

    _require_services()
    redis_url = os.environ["REDIS_URL"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vzhg.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # The test database pytest-django created (test_vzhg, or test_vzhg_gwN under xdist).
        "VZHG_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "DJANGO_EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(_smtp_server.port),
        "EMAIL_TIMEOUT": "10",
        "PYTHONUNBUFFERED": "1",
    }
    worker = CeleryWorker(redis_url, env, ARTIFACTS / "celery-worker.log")
    try:
        worker.wait_ready()
        yield worker
    finally:
        # Before pytest-django drops the test database, which fails while the worker is connected.
        worker.stop()


def _forget_broker_connections(app) -> None:
    """Drop the app's cached connection pools so the next publish uses the current broker_url."""
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def celery_worker_process(
    _celery_worker: CeleryWorker, settings, smtp_sink: SmtpSink
) -> Iterator[CeleryWorker]:
    """The real Celery worker (one per test session, on the test database, sending to
    `smtp_sink`), with this process set up to hand tasks to it through Redis instead of running
    them inline. Yields the CeleryWorker: `.wait_idle()`, `.wait_ready()`, `.log_path`,
    `.kill()` (SIGKILL, as in a crash) and `.restart()`.
    The test must be `@pytest.mark.django_db(transaction=True)`."""
    from vzhg.celery import app

    redis_url = _celery_worker.redis_url
    # Read before the Django settings change: Celery loads its configuration from them lazily,
    # so read afterwards the "saved" values would already be the worker's and never restored.
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_url
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    _forget_broker_connections(app)
    _celery_worker.wait_ready()
    _celery_worker.purge()
    try:
        yield _celery_worker
    finally:
        # Leave nothing running into the next test; a worker that cannot settle is an error here.
        # A worker the test killed and did not restart is started again for the next test.
        try:
            if _celery_worker.killed:
                _celery_worker.restart()
            _celery_worker.wait_ready(timeout=30)
            _celery_worker.wait_idle(timeout=30)
        finally:
            app.conf.update(saved)
            _forget_broker_connections(app)
