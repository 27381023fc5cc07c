"""What the mail benchmarks share: a counting SMTP sink on loopback, the environment that points
Django and a Celery worker at it, and the worker itself. Not a benchmark (no bench_ prefix)."""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class CountingSink:
    """aiosmtpd handler that only counts (per recipient): the sink must not be the bottleneck."""

    def __init__(self) -> None:
        self.count = 0
        self.recipients: dict[str, int] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.count += 1
            for recipient in envelope.rcpt_tos:
                self.recipients[recipient] = self.recipients.get(recipient, 0) + 1
        return "250 Message accepted for delivery"

    def reset(self) -> None:
        with self.lock:
            self.count = 0
            self.recipients = {}

    def wait_for(self, count: int, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while self.count < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: the sink got {self.count} of {count} messages in {timeout:.0f} s")
            time.sleep(0.005)
        return time.perf_counter()


def services_or_exit(script: str) -> str | None:
    """The Redis URL when PostgreSQL and Redis are given; None (after saying how to run) if not."""
    database, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if database.startswith("postgres") and redis_url.startswith("redis://"):
        return redis_url
    print(
        f"{script}: needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis); run it as\n"
        f"  bash scripts/test --run .venv/bin/python tests/bench/{script}.py",
        file=sys.stderr,
    )
    return None


def start_sink_and_django():
    """Start the sink, point this process (and the worker it will start) at it, set up Django.
    Returns (sink, controller, port, env); flushes the throwaway Redis and migrates."""
    from aiosmtpd.controller import Controller

    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname=HOST, port=port)
    controller.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "vzhg.settings.test"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(port),
        "EMAIL_TIMEOUT": "30",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    return sink, controller, port, env


def start_worker(env: dict[str, str], concurrency: int, log: Path) -> subprocess.Popen:
    celery = Path(sys.executable).with_name("celery")
    command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
    command += [
        "-A", "vzhg", "worker", "-l", "warning", "-c", str(concurrency),
        "-n", f"bench-{os.getpid()}@localhost", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "-Q", "mail,bulk,pdf",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def peak_memory_kib(group: int) -> dict[int, int]:
    """VmHWM (peak resident memory) of every live process in the process group `group`."""
    peaks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != group:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[int(entry.name)] = int(line.split()[1])
        except (OSError, ProcessLookupError):
            continue
    return peaks
