"""Settings shared by every environment.

Every secret and address comes from the environment (django-environ); the defaults here are
the ones that let the project run with no environment at all (see local.py).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "simple_history",
    "import_export",
    "vzhg.mail",
    "members",
    "events",
    "governance",
    "newsletters",
    "messaging",
    "contacts",
    "networks",
    "pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vzhg.privacy.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Last, so it sees a view's exception first: a page that cannot reach the database answers 503
# "temporarily unavailable" (vzhg/middleware.py), not 500.
MIDDLEWARE += ["vzhg.middleware.DatabaseUnavailableMiddleware"]

ROOT_URLCONF = "vzhg.urls"
WSGI_APPLICATION = "vzhg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Widgets render through the template settings, so templates/ can give Django's admin widgets
# real labels (templates/admin/widgets/split_datetime.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"


def database_tuned(database: dict) -> dict:
    """PostgreSQL with server-side parameter binding and prepared statements: psycopg prepares a
    statement a connection has run five times, so PostgreSQL stops parsing and planning the reads
    and writes every request repeats (issue 15: the registration rush). Django leaves prepared
    statements off for transaction-mode connection poolers (PgBouncer before 1.21); behind one,
    set DJANGO_DB_PREPARED_STATEMENTS=false. Used by every settings module, so the tests run what
    production runs."""
    if "postgresql" in database.get("ENGINE", ""):
        options = database.setdefault("OPTIONS", {})
        if env.bool("DJANGO_DB_PREPARED_STATEMENTS", default=True):
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", 5)
    return database


DATABASES = {
    "default": database_tuned(env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
# A kept connection is checked before a request uses it, so a database restart does not
# answer the next request on each worker with an error.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
# Django's and allauth's, reading the user of each request with fixed SQL (members/auth_backends.py).
AUTHENTICATION_BACKENDS = [
    "members.auth_backends.ModelBackend",
    "members.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:profile"
LOGOUT_REDIRECT_URL = "home"

# --- django-allauth: e-mail only, login by a mailed code, no password needed -----------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so that they are visibly on.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "members.forms.LoginForm"}  # password optional: empty → login code
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[VZHG] "

# manage.py demo_data creates log-ins with a published password: only local and test allow it.
DEMO_DATA_ALLOWED = False

# --- the client's address behind the reverse proxy (allauth's per-client rate limits) ---------
# How many proxies of our own stand in front of the app and add to X-Forwarded-For. 0 (local):
# the header is ignored and the connection's address counts. Production: 1 (see README
# "Security"). With a header name, the client address is read from that header instead.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("DJANGO_TRUSTED_CLIENT_IP_HEADER", default="") or None

# --- i18n ------------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"

# --- static and media ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
# Private files: never served from a public URL; views that check who asks stream them.
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

FORMS_URLFIELD_ASSUME_HTTPS = True

# --- forms -----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- e-mail ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="VZHG <secretariaat@vzhg.nl>")
SERVER_EMAIL = env("DJANGO_SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Queued mail older than this is handed to the worker again by the periodic sweep.
MAIL_SWEEP_AFTER_SECONDS = env.int("MAIL_SWEEP_AFTER_SECONDS", default=120)
# The content (text, HTML, attachments) of mail that left is removed after this many days; the
# subject, address and status stay. Mail with a login code or link loses it as soon as it left.
MAIL_BODY_RETENTION_DAYS = env.int("MAIL_BODY_RETENTION_DAYS", default=90)
# A failing relay: messages wait, tried again after a back-off doubling from BASE up to MAX
# seconds, and fail only when still undelivered this long after they were queued (3 days).
MAIL_RETRY_BASE_SECONDS = env.int("MAIL_RETRY_BASE_SECONDS", default=30)
MAIL_RETRY_MAX_SECONDS = env.int("MAIL_RETRY_MAX_SECONDS", default=600)
MAIL_GIVE_UP_AFTER_SECONDS = env.int("MAIL_GIVE_UP_AFTER_SECONDS", default=3 * 24 * 3600)
# Tries to build a lazy mail whose building raises before it ends failed (vzhg/mail/builders.py).
MAIL_BUILD_ATTEMPTS = env.int("MAIL_BUILD_ATTEMPTS", default=3)
# A message left "sending" this long (its worker was killed while handing it to the relay) is
# decided by the sweep: failed with the reason (default), or sent again when RESEND_INTERRUPTED.
# Must stay above the send task's time limit (120 s).
MAIL_SENDING_STALE_SECONDS = env.int("MAIL_SENDING_STALE_SECONDS", default=300)
# Outbox rows handed to one worker task and sent over one SMTP connection.
MAIL_BATCH_SIZE = env.int("MAIL_BATCH_SIZE", default=50)
# A web process hands the outbox rows its requests committed to the worker together, this many
# seconds after the first (vzhg/mail/handover.py; a dead process's rows go with the sweep); 0: each
# request at once. Eager tasks (development, tests) always go at once.
MAIL_HANDOVER_SECONDS = env.float("MAIL_HANDOVER_SECONDS", default=0.25)
MAIL_RESEND_INTERRUPTED = env.bool("MAIL_RESEND_INTERRUPTED", default=False)
# Who is mailed when the relay works again after failing at least MAIL_ALERT_AFTER_SECONDS (the
# admin pages show a notice from then on too); empty: nobody is mailed.
MAIL_ALERT_TO = env("MAIL_ALERT_TO", default="")
MAIL_ALERT_AFTER_SECONDS = env.int("MAIL_ALERT_AFTER_SECONDS", default=900)
# Bounces (vzhg/mail/verp.py, vzhg/mail/imap.py). Every outgoing message gets an envelope sender
# (Return-Path) of the form bounces+<signed token>@domain on this address, so a bounce is tied to
# the row it answers; empty: the envelope sender stays DEFAULT_FROM_EMAIL and nothing is read.
MAIL_BOUNCE_ADDRESS = env("MAIL_BOUNCE_ADDRESS", default="")
# The mailbox that address delivers to, read over IMAP by Celery beat (empty host: not read).
MAIL_BOUNCE_IMAP_HOST = env("MAIL_BOUNCE_IMAP_HOST", default="")
MAIL_BOUNCE_IMAP_PORT = env.int("MAIL_BOUNCE_IMAP_PORT", default=993)
MAIL_BOUNCE_IMAP_USER = env("MAIL_BOUNCE_IMAP_USER", default="")
MAIL_BOUNCE_IMAP_PASSWORD = env("MAIL_BOUNCE_IMAP_PASSWORD", default="")
MAIL_BOUNCE_IMAP_SSL = env.bool("MAIL_BOUNCE_IMAP_SSL", default=True)
# With MAIL_BOUNCE_IMAP_SSL off and this on: plain IMAP (port 143) upgraded with STARTTLS before
# the login (a server that cannot is not read: logged, tried again at the next beat).
MAIL_BOUNCE_IMAP_STARTTLS = env.bool("MAIL_BOUNCE_IMAP_STARTTLS", default=False)
# The CA certificate(s) the server's certificate is checked against (a PEM file); empty: the
# system's CAs. The host name is checked either way.
MAIL_BOUNCE_IMAP_CA_FILE = env("MAIL_BOUNCE_IMAP_CA_FILE", default="")
MAIL_BOUNCE_IMAP_FOLDER = env("MAIL_BOUNCE_IMAP_FOLDER", default="INBOX")
# Processed messages are moved to this folder (created when missing); empty: deleted.
MAIL_BOUNCE_IMAP_ARCHIVE = env("MAIL_BOUNCE_IMAP_ARCHIVE", default="")
MAIL_BOUNCE_READ_SECONDS = env.int("MAIL_BOUNCE_READ_SECONDS", default=300)
# An address is undeliverable after this many hard bounces (user unknown and the like), or this
# many soft bounces (mailbox full, greylisting given up, policy) without a delivery in between.
MAIL_BOUNCE_HARD_LIMIT = env.int("MAIL_BOUNCE_HARD_LIMIT", default=1)
MAIL_BOUNCE_SOFT_LIMIT = env.int("MAIL_BOUNCE_SOFT_LIMIT", default=5)
# Soft bounces are forgotten once a later message was accepted and no bounce came back for it
# within this many hours.
MAIL_BOUNCE_SOFT_RESET_HOURS = env.int("MAIL_BOUNCE_SOFT_RESET_HOURS", default=48)
# Registrations are anonymised this many months after their event (counts per municipality stay).
EVENTS_RETENTION_MONTHS = env.int("EVENTS_RETENTION_MONTHS", default=24)
# Network memberships are removed this many months after their member left (networks.tasks).
NETWORKS_RETENTION_MONTHS = env.int("NETWORKS_RETENTION_MONTHS", default=24)
# Contact moments (overleggen) and closed signals keep naming people (participants, report,
# owners, sender) this many months; then they keep only their counts (contacts.tasks). DOMAIN.md
# leaves the period to the client: 60 months covers a workplan period and its annual reports.
CONTACTS_RETENTION_MONTHS = env.int("CONTACTS_RETENTION_MONTHS", default=60)
# The history of a person the secretariat deleted (every version of their data) is removed this
# many days after the deletion.
PEOPLE_DELETED_HISTORY_DAYS = env.int("PEOPLE_DELETED_HISTORY_DAYS", default=30)
# The site's own address, for links in e-mails sent by the worker (no request there).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Governance: largest document upload (MB); reminders go out this many hours before a meeting.
GOVERNANCE_MAX_UPLOAD_MB = env.int("GOVERNANCE_MAX_UPLOAD_MB", default=20)
GOVERNANCE_REMINDER_HOURS = 48
# Who of each member municipality gets the convocation (oproeping) of a general assembly (ALV):
# people whose Person.function is one of these (members.models.Person.Function values).
GOVERNANCE_CONVOCATION_FUNCTIONS = env.list(
    "GOVERNANCE_CONVOCATION_FUNCTIONS", default=["burgemeester", "griffier"]
)

# --- rate limits of the site's own public forms (vzhg/ratelimits.py, allauth's notation) -------
# The newsletter sign-up mails a confirmation link: at most 3 per address and 30 per client an
# hour, so the form cannot be used to flood someone's mailbox.
VZHG_RATE_LIMITS = {
    "newsletter_subscribe": env("NEWSLETTER_SUBSCRIBE_RATE_LIMIT", default="30/h/ip,3/h/key"),
}

# --- newsletters -----------------------------------------------------------------------------
# The agenda section lists events and meetings of this many coming weeks.
NEWSLETTER_AGENDA_WEEKS = env.int("NEWSLETTER_AGENDA_WEEKS", default=8)
# Deliveries one worker task sends over one SMTP connection before it queues the next batch.
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=200)
# The SMTP relay's limits, over sliding windows of a minute and an hour (0: no limit).
NEWSLETTER_RATE_PER_MINUTE = env.int("NEWSLETTER_RATE_PER_MINUTE", default=300)
NEWSLETTER_HOURLY_CAP = env.int("NEWSLETTER_HOURLY_CAP", default=10000)
# An edition being sent without batch activity for this long is re-started by the sweep.
NEWSLETTER_STALLED_AFTER_SECONDS = env.int("NEWSLETTER_STALLED_AFTER_SECONDS", default=45)

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# Acknowledgement is chosen per task, not here: the sending tasks (mail, newsletter batches) ack
# late and are redelivered when their worker is lost (they are idempotent: the row's state
# guards every message); a PDF build that gets its worker killed for memory must not come back
# forever, so the PDF tasks set their own. Everything else is acknowledged on receipt.
CELERY_TASK_ACKS_LATE = False
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
# Three queues, so that a login code (valid three minutes) never waits behind a newsletter batch
# or a fifteen-minute PDF build: `mail` (single mails, sweeps, reminders: everything not routed
# elsewhere), `bulk` (newsletter batches, invitations, cancellations), `pdf` (PDF builds). The
# worker consumes all three (-Q mail,bulk,pdf; see README and docker-compose.yml).
CELERY_TASK_DEFAULT_QUEUE = "mail"
CELERY_TASK_ROUTES = {
    "vzhg.mail.tasks.*": {"queue": "mail"},
    "newsletters.tasks.newsletter_send_batch": {"queue": "bulk"},
    "events.tasks.event_mailing_send_task": {"queue": "bulk"},  # invitations, cancellation notices
    "events.tasks.workshop_allocation_send_task": {"queue": "bulk"},  # results of an allocation
    "messaging.tasks.message_send_task": {"queue": "bulk"},  # a message to a group
    "governance.tasks.meeting_convocation_send_task": {"queue": "bulk"},  # ALV convocation, reminders
    "events.tasks.*invit*": {"queue": "bulk"},
    "events.tasks.*cancel*": {"queue": "bulk"},
    "governance.tasks.meeting_pack_build_task": {"queue": "pdf"},
    "governance.tasks.report_version_build_task": {"queue": "pdf"},
    "governance.tasks.*pdf*": {"queue": "pdf"},
    "events.tasks.*badge*": {"queue": "pdf"},
    "events.tasks.*pdf*": {"queue": "pdf"},
}
# When the broker is down a request must not hang: try once, briefly, then leave the row queued
# for the sweep.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# visibility_timeout: a message taken but not acknowledged is handed out again after this long.
# It must exceed the longest countdown (newsletter batches wait at most TASK_MAX_COUNTDOWN_SECONDS) and
# the longest task (PDF builds: 15 minutes), or delayed and running tasks are delivered twice.
TASK_MAX_COUNTDOWN_SECONDS = 3600
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": 2 * TASK_MAX_COUNTDOWN_SECONDS,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A lost broker connection must not cut off a running task: a mail the relay already accepted
# would be sent again by the next attempt. Running tasks finish; their late acks are lost with
# the connection, so Redis hands the message out again after reconnecting, and the sending tasks
# then find their rows sent and do nothing.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BEAT_SCHEDULE = {
    "governance-reminders": {"task": "governance.tasks.meeting_reminders_task", "schedule": 3600.0},
    "mail-sweep": {"task": "vzhg.mail.tasks.mail_sweep", "schedule": 60.0},
    "people-deleted-history-purge": {
        "task": "members.tasks.people_deleted_history_purge",
        "schedule": crontab(hour=3, minute=37),
    },
    "mail-content-purge": {
        "task": "vzhg.mail.tasks.mail_content_purge",
        "schedule": crontab(hour=3, minute=47),
    },
    # newsletters: start scheduled editions, re-start sends whose batches stopped.
    # Every 15 s, so that an edition whose worker died (quiet for NEWSLETTER_STALLED_AFTER_SECONDS)
    # is noticed and resumed within a minute.
    "newsletters-sweep": {"task": "newsletters.tasks.newsletter_sweep", "schedule": 15.0},
    # events: reminders every 15 minutes; the retention run once a night.
    "events-reminders": {"task": "events.tasks.events_reminders_send", "schedule": 15 * 60.0},
    "events-retention": {
        "task": "events.tasks.events_registrations_anonymise",
        "schedule": crontab(hour=3, minute=17),
    },
}

# PDF builds (meeting packs, workplan/annual report versions): hand pending ones to the worker
# again (broker was down, message lost) and recover builds a dead worker left "building".
CELERY_BEAT_SCHEDULE["networks-retention"] = {
    "task": "networks.tasks.network_memberships_purge",
    "schedule": crontab(hour=3, minute=27),
}
CELERY_BEAT_SCHEDULE["contacts-retention"] = {
    "task": "contacts.tasks.contacts_retention_apply",
    "schedule": crontab(hour=3, minute=37),
}
CELERY_BEAT_SCHEDULE["pdf-builds-sweep"] = {"task": "governance.tasks.pdf_builds_sweep", "schedule": 60.0}

# Event mailings (invitations, cancellation notices) are prepared by the worker: hand pending
# ones to it again and resume ones a dead worker left running.
CELERY_BEAT_SCHEDULE["events-mailings-sweep"] = {
    "task": "events.tasks.event_mailings_sweep",
    "schedule": 60.0,
}
# The results of a workshop allocation are mailed by the worker: hand pending sends to it again
# (broker away at the Send) and resume ones a dead worker left running.
CELERY_BEAT_SCHEDULE["events-allocation-sends-sweep"] = {
    "task": "events.tasks.workshop_allocation_sends_sweep",
    "schedule": 60.0,
}

# Messages to a group are prepared by the worker: hand pending ones to it again and resume ones
# a dead worker left sending.
CELERY_BEAT_SCHEDULE["messaging-sweep"] = {"task": "messaging.tasks.messages_sweep_task", "schedule": 60.0}

# Bounces and mailto: unsubscribes: read the bounce mailbox (does nothing without
# MAIL_BOUNCE_IMAP_HOST; an unreachable server is logged and tried again at the next beat).
CELERY_BEAT_SCHEDULE["mail-bounces-read"] = {
    "task": "vzhg.mail.tasks.mail_bounces_read",
    "schedule": float(MAIL_BOUNCE_READ_SECONDS),
}

# The convocation of a published ALV: hand it to the worker again when it was not taken up.
CELERY_BEAT_SCHEDULE["governance-convocations-sweep"] = {
    "task": "governance.tasks.convocations_sweep_task",
    "schedule": 60.0,
}

# --- Content Security Policy (django-csp 4): no inline script anywhere ------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- security headers that hold everywhere ---------------------------------------------------
# Django's defaults, relied on and not restated: X-Content-Type-Options nosniff, Referrer-Policy
# and Cross-Origin-Opener-Policy same-origin, X-Frame-Options DENY, HttpOnly session cookies that
# last two weeks. Production adds HTTPS and secure cookies (settings/production.py).

# --- history (django-simple-history) ---------------------------------------------------------
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- import/export ---------------------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}
