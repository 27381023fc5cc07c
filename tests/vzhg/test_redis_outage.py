"""Redis (cache and broker) stopped, under the production cache and broker settings: log-in,
sign-up, password reset and allauth's rate limiting answer normally (rate limiting pauses and
is logged), the account mail waits as a queued row, and /health/ names Redis as the problem.
The database being out of reach is reported separately."""

import logging
import os
from unittest import mock

import pytest
from django.core import mail as django_mail
from django.db import OperationalError

from tests.conftest import _forget_broker_connections
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.members.test_login_limits import production_setting
from vzhg.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def production_redis(settings):
    """The cache and the broker as production configures them, on the test run's Redis."""
    from vzhg.celery import app

    # Read before the Django settings change: Celery loads its configuration from them lazily, so
    # read afterwards the "saved" values would be these and the app would stay off eager mode.
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    redis_url = os.environ["REDIS_URL"]
    cache = production_setting("CACHES", REDIS_URL=redis_url)
    settings.CACHES = cache
    settings.CELERY_BROKER_URL = redis_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    _forget_broker_connections(app)
    yield cache
    app.conf.update(saved)
    _forget_broker_connections(app)


@pytest.fixture
def redis_stopped(production_redis, redis_server):
    redis_server.stop()
    yield redis_server
    redis_server.start()


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def test_production_cache_is_the_fail_open_redis_cache():
    cache = production_setting("CACHES")["default"]
    assert cache["BACKEND"] == "vzhg.cache.FailOpenRedisCache"
    assert cache["OPTIONS"]["socket_connect_timeout"] <= 2


@pytest.mark.services
def test_health_reports_database_and_redis_separately(client, production_redis, redis_server):
    healthy = client.get("/health/")
    assert healthy.status_code == 200
    assert healthy.json() == {"status": "ok", "database": "ok", "redis": "ok"}

    redis_server.stop()
    try:
        down = client.get("/health/")
    finally:
        redis_server.start()
    assert down.status_code == 503
    assert down.json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}

    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("gone")):
        database_down = client.get("/health/")
    assert database_down.status_code == 503
    assert database_down.json() == {"status": "unavailable", "database": "unavailable", "redis": "ok"}


@pytest.mark.services
def test_log_in_with_redis_stopped_works_and_rate_limiting_pauses(client, redis_stopped, caplog):
    UserFactory(email="lid@delft.nl")

    with caplog.at_level(logging.ERROR, logger="vzhg.cache"):
        failures = [
            client.post("/account/login/", {"login": "lid@delft.nl", "password": f"fout-{n}"})
            for n in range(12)
        ]
        right = client.post("/account/login/", {"login": "lid@delft.nl", "password": DEFAULT_PASSWORD})

    assert {response.status_code for response in failures} == {200}
    assert right.status_code == 302 and right["Location"] == "/profiel/"
    assert "_auth_user_id" in client.session
    assert "Cache (Redis) unavailable" in caplog.text


@pytest.mark.services
def test_sign_up_with_redis_stopped_queues_the_mail(client, redis_stopped):
    response = client.post("/account/signup/", {"email": "nieuw@delft.nl"})

    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    mail = OutgoingMail.objects.get(to="nieuw@delft.nl")
    assert mail.status == "queued"  # the sweep hands it to the worker once Redis is back
    assert django_mail.outbox == []


@pytest.mark.services
def test_password_reset_with_redis_stopped_queues_the_mail(client, redis_stopped):
    UserFactory(email="lid@delft.nl")

    response = client.post("/account/password/reset/", {"email": "lid@delft.nl"})

    assert response.status_code == 302
    assert response["Location"] == "/account/password/reset/done/"
    assert OutgoingMail.objects.get(to="lid@delft.nl").status == "queued"


@pytest.mark.services
def test_rate_limits_apply_again_once_redis_is_back(client, production_redis, redis_server, monkeypatch):
    monkeypatch.setattr("vzhg.cache.DOWN_SECONDS", 0)
    UserFactory(email="lid@delft.nl")
    redis_server.stop()
    client.post("/account/login/", {"login": "lid@delft.nl", "password": "fout"})
    redis_server.start()

    failures = [
        client.post("/account/login/", {"login": "lid@delft.nl", "password": "fout"}) for _ in range(5)
    ]
    blocked = client.post("/account/login/", {"login": "lid@delft.nl", "password": DEFAULT_PASSWORD})

    assert {response.status_code for response in failures} == {200}
    assert "Too many failed login attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.services
def test_the_cache_keeps_one_redis_client_and_it_survives_a_restart(
    production_redis, redis_server, monkeypatch
):
    """One redis.Redis per connection pool for every call (not one per call), and the kept
    client works again once a stopped Redis is back."""
    from django.core.cache import caches

    monkeypatch.setattr("vzhg.cache.DOWN_SECONDS", 0)
    cache = caches["default"]
    cache.set("vzhg-test-key", "een")
    client = cache._cache.get_client(write=True)
    assert cache.get("vzhg-test-key") == "een"
    assert cache._cache.get_client(write=True) is client and cache._cache.get_client() is client
    redis_server.stop()
    assert cache.get("vzhg-test-key", "leeg") == "leeg"  # fails open
    redis_server.start()
    cache.set("vzhg-test-key", "twee")
    assert cache.get("vzhg-test-key") == "twee" and cache._cache.get_client() is client
