"""Local development: no environment needed. SQLite, tasks inline, mail kept on disk."""

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, STATIC_ROOT, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)


def _site_url_for(addr: str) -> str:
    """The address links in mail point to when `make run` serves on VZHG_ADDR (runserver's
    "[host:]port"); a wildcard host becomes the loopback address."""
    host, _, port = addr.rpartition(":")
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "0": "127.0.0.1", "[::]": "[::1]"}.get(host, host)
    return f"http://{host}:{port}"


# Links in mail follow the address `make run` serves on (scripts/run: VZHG_ADDR) unless set.
SITE_URL = env("SITE_URL", default=_site_url_for(env("VZHG_ADDR", default="127.0.0.1:8000")))
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=sorted({"127.0.0.1", "localhost", "[::1]", SITE_URL.split("://", 1)[1].rsplit(":", 1)[0]}),
)

# The demo data (demo/, manage.py demo_data): installed in the local and test settings only,
# never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
# manage.py demo_data (published demo passwords) runs only where this is True.
DEMO_DATA_ALLOWED = True

CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_BROKER_URL = env("REDIS_URL", default="memory://")

# Mail is written to var/mail/ (one .eml per message) and its text printed to the console,
# so the login code can be read in the terminal that runs the app.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="vzhg.mail.backends.LocalMailBackend")
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The SQLite database, mail and uploads live in var/ (ignored by git).
(BASE_DIR / "var").mkdir(exist_ok=True)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
