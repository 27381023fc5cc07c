"""The Celery app: settings under the CELERY_ namespace, tasks autodiscovered from the apps."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vzhg.settings.local")

app = Celery("vzhg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["vzhg.mail"])
