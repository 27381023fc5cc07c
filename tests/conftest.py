"""Fixtures shared by the whole suite (the service fixtures are in tests/fixtures/: smtp.py,
redis_server.py, celery_worker.py, with their helpers in helpers.py; loaded below as plugins).

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

from collections.abc import Iterator

import pytest

# The fixtures live in tests/fixtures/ (one module per service); the helpers tests import from
# here stay importable from here.
from tests.fixtures.helpers import (
    ARTIFACTS,
    ROOT,
    SMTP_BACKEND,
    _forget_broker_connections,
    _require_services,
    at_once,
    free_port,
    play_beat_until,
    services_unavailable,
    wait_until,
)

pytest_plugins = [
    "tests.fixtures.smtp",
    "tests.fixtures.redis_server",
    "tests.fixtures.celery_worker",
    "tests.fixtures.imap_server",
    "tests.fixtures.visitors",
]

__all__ = [
    "ARTIFACTS",
    "ROOT",
    "SMTP_BACKEND",
    "_forget_broker_connections",
    "at_once",
    "free_port",
    "play_beat_until",
    "services_unavailable",
    "wait_until",
]


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("services") is not None:
        _require_services()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Every test starts with an empty cache, so allauth's rate limits count from zero."""
    from django.core.cache import cache

    from events.definitions import forget_all
    from pages.home import home_local_clear

    cache.clear()
    home_local_clear()  # the home page's in-process copies too
    forget_all()  # and the registration POST's kept event definitions
    yield
