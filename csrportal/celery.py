"""The task queue: Celery, configured from Django's settings (the CELERY_* names).

Start a worker beside the web processes with `celery -A csrportal worker`. Without
CELERY_BROKER_URL no worker is needed: every task runs at once in the process that queues it
(`make run`, the tests)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csrportal.settings")

app = Celery("csrportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
