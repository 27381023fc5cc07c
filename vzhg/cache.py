"""Django's Redis cache, failing open when Redis is out of reach.

The cache holds nothing that must survive (allauth's rate-limit counters and locks), so when
Redis is down a request should go on as if the cache were empty instead of answering 500: log
in, sign up and password reset keep working, and rate limiting is off until Redis is back (it
is logged, at most once per DOWN_SECONDS). After a failure Redis is not asked again for
DOWN_SECONDS, so a Redis that hangs does not slow every request down by its timeouts.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DOWN_SECONDS = 10.0


class _OneClientPerPool(RedisCacheClient):
    """Django's client makes a new redis.Redis (with its table of ~150 reply handlers) for every
    cache call; a redis.Redis is thread-safe over its connection pool, so one per pool does.
    Every logged-in request reads its session here (cached_db sessions)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Django's own (private) pool and client class, as its get_client uses them; not in the stubs.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
        self._down_until = 0.0

    def _guarded(self, operation: str, fallback, call):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except (RedisError, OSError) as error:
            self._down_until = time.monotonic() + DOWN_SECONDS
            logger.error(
                "Cache (Redis) unavailable during %s, going on without it for %.0f s "
                "(rate limits are not applied meanwhile): %s",
                operation, DOWN_SECONDS, error,
            )  # fmt: skip
            return fallback

    # Each operation answers as an empty cache would; `add` says "stored" so that a lock taken
    # through the cache (allauth's rate-limit lock) is granted rather than waited for.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "add", True, lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version)
        )

    def get(self, key, default=None, version=None):
        return self._guarded(
            "get", default, lambda: super(FailOpenRedisCache, self).get(key, default, version)
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "set", None, lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "touch", False, lambda: super(FailOpenRedisCache, self).touch(key, timeout, version)
        )

    def delete(self, key, version=None):
        return self._guarded("delete", False, lambda: super(FailOpenRedisCache, self).delete(key, version))

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, lambda: super(FailOpenRedisCache, self).get_many(keys, version))

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, lambda: super(FailOpenRedisCache, self).has_key(key, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "set_many", [], lambda: super(FailOpenRedisCache, self).set_many(data, timeout, version)
        )

    def delete_many(self, keys, version=None):
        return self._guarded(
            "delete_many", None, lambda: super(FailOpenRedisCache, self).delete_many(keys, version)
        )

    def clear(self):
        return self._guarded("clear", False, lambda: super(FailOpenRedisCache, self).clear())
