"""Settings for the test suite: PostgreSQL and Redis started by scripts/test (see README)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, STATIC_ROOT, database_tuned, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789-abcdefghijklmnop"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

DATABASES = {
    "default": database_tuned(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'test.sqlite3'}")
    ),
}
# The Celery worker started by the tests talks to the test database directly.
if env("VZHG_TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["NAME"] = env("VZHG_TEST_DATABASE_NAME")
    DATABASES["default"]["TEST"] = {"NAME": env("VZHG_TEST_DATABASE_NAME")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The demo data (demo/, manage.py demo_data): installed in the local and test settings only,
# never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
# manage.py demo_data (published demo passwords) runs only where this is True.
DEMO_DATA_ALLOWED = True

# Unit tests run tasks inline; the tests that prove delivery start a real worker
# (tests/conftest.py) with CELERY_TASK_ALWAYS_EAGER=false.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_BROKER_URL = env("REDIS_URL", default="memory://")

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# allauth's rate limits stay on in tests (a test proves them); the cache they use is local.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAIL_SWEEP_AFTER_SECONDS = env.int("MAIL_SWEEP_AFTER_SECONDS", default=0)
# The delivery tests stage relay outages of seconds, not hours: short back-offs.
MAIL_RETRY_BASE_SECONDS = env.int("MAIL_RETRY_BASE_SECONDS", default=1)
MAIL_RETRY_MAX_SECONDS = env.int("MAIL_RETRY_MAX_SECONDS", default=1)
# The delivery tests send thousands of newsletters into a local sink: no relay limits there
# (tests of the limits set them explicitly).
NEWSLETTER_RATE_PER_MINUTE = env.int("NEWSLETTER_RATE_PER_MINUTE", default=0)
NEWSLETTER_HOURLY_CAP = env.int("NEWSLETTER_HOURLY_CAP", default=0)

# WhiteNoise looks for STATIC_ROOT at start-up; the tests serve static files from the finders.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
