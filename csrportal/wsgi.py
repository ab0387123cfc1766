import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csrportal.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their models and libraries) lives as long as the
# process: kept out of the garbage collector's full collections, which every request's
# short-lived reference cycles set off every twenty views or so. Measured with gunicorn on the
# national data: a full collection 43 -> 14 ms, the needs list's p99 79 -> 51 ms.
gc.freeze()
