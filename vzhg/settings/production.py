"""Production: everything from the environment; `manage.py check --deploy` is clean."""

from .base import *  # noqa: F403
from .base import database_tuned, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {"default": database_tuned(env.db("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
# Persistent connections are checked before reuse (a PostgreSQL restart costs no 500s).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CELERY_BROKER_URL = env("REDIS_URL")
# Links in mail the worker sends (no request there) and the mail relay: no working default.
SITE_URL = env("SITE_URL")
EMAIL_HOST = env("EMAIL_HOST")
CELERY_TASK_ALWAYS_EAGER = False
# The cache fails open (vzhg/cache.py): with Redis down, log-in, sign-up and password reset
# still work, allauth's rate limits pause (logged) instead of answering 500.
CACHES = {
    "default": {
        "BACKEND": "vzhg.cache.FailOpenRedisCache",
        "LOCATION": env("REDIS_CACHE_URL", default=env("REDIS_URL")),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

# Sessions are read on every logged-in request: from Redis first, written through to the database
# (so a Redis restart logs nobody out; with Redis down the fail-open cache falls back to the database).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# The site runs behind one TLS-terminating proxy (README "Security"): the client's address for
# allauth's per-client rate limits is the last one the proxy put in X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=1)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The container's healthcheck asks over plain http from inside (docker-compose.yml): the health
# URLs answer there instead of redirecting to https.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is hard to undo (browsers hard-code the domain for months): opt in once the domain and
# every subdomain serve https for good, then submit it at hstspreload.org.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # check --deploy's "SECURE_HSTS_PRELOAD is not True": off by choice, see above.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
