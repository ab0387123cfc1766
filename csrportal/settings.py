"""The one settings module: every deploy-time value comes from the environment.

See README.md ("Configuration") for the variables. Development (`make run`) sets DEBUG=1;
production leaves DEBUG unset and must provide SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set a random value of 50+ characters "
            "(or DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = env("SITE_NAME", default="Portal CSR Kota Cilegon")
# The portal's public address, for links in emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The regency or city this portal serves (its Kepmendagri code); Kota Cilegon by default.
CITY_CODE = env("CITY_CODE", default="36.72")
# The default region's organisation identifier in IATI open data (org-id.guide, e.g.
# "ID-COA-..." or "XI-IATI-..."), unless an administrator sets it on its served region. A
# region without one is not published (README, "Open data").
IATI_ORGANISATION_REF = env("IATI_ORGANISATION_REF", default="")
# The licence of the open data (opendata.feeds.LICENCES): CC-BY-4.0, CC0-1.0 or ODC-BY-1.0.
OPEN_DATA_LICENCE = env("OPEN_DATA_LICENCE", default="CC-BY-4.0")
# The key of the keyed hash that stands for a household's NIK (core.identity): only the hash
# is stored, so the key must never sit in the database or its backups. Without it households
# cannot be imported (DEBUG uses a development key). Changing it makes every stored NIK
# unmatched: imports would count every household again.
NIK_HASH_KEY = env("NIK_HASH_KEY", default="")
# Days a unit picked in a draft program stays reserved for it (programs.claims).
UNIT_RESERVATION_DAYS = env.int("UNIT_RESERVATION_DAYS", default=14)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "core.apps.SignInProtectionConfig",  # django-axes
    "core.apps.AuditTrailConfig",  # django-auditlog
    "core",
    "accounts",
    "regions",
    "companies",
    "planning",
    "programs",
    "delivery",
    "insight",
    "opendata",
    "api",
    # The top floor: home, health, demo data (seed_demo).
    "csrportal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The request's region (/36.72/...): before anything reads the path or the roles.
    "regions.middleware.RegionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.PortalLocaleMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Names the user and the client's address in every audit entry of the request.
    "core.middleware.AuditMiddleware",
    # With a replica: a person who just changed something reads the primary for a minute.
    "core.replica.RecentWriteMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Must stay last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csrportal.urls"
WSGI_APPLICATION = "csrportal.wsgi.application"

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
                "core.context_processors.portal",
                "regions.context_processors.region",
            ],
            "builtins": [
                "core.templatetags.portal",
                "django.contrib.humanize.templatetags.humanize",
            ],
        },
    },
]

# Database: SQLite file under var/ by default; PostgreSQL in production, e.g.
# DATABASE_URL=postgres://csrportal:secret@db:5432/csrportal
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# Persistent connections double throughput; health checks make a database restart cost
# no errors (see ENGINEERING notes in README).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The public pages' figures and the map are cached for a few minutes: in each process by
# default, shared by every worker with REDIS_URL (e.g. redis://127.0.0.1:6379/1). A Redis that
# stops answering costs speed, never a page (core.cache): a refused connection is a miss at
# once, a hung one costs at most these timeouts before Redis is left alone for a few seconds.
CACHES = {
    "default": (
        {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": env("REDIS_URL"),
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=0.5),
            },
        }
        if env("REDIS_URL", default="")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Mail, reminders to many companies and the round workbook run in the background: queued on
# CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/2) for `celery -A csrportal worker`. Without a
# broker they run at once in the process that asks, so `make run` and the tests need neither a
# broker nor a worker. Results are not kept; a task a worker dies in is delivered again.
# What one process caches, the others see (the worker's renewals of the dashboard's sums).
SHARED_CACHE = bool(env("REDIS_URL", default=""))
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Portals (cities) sharing one broker keep to their own queue.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="csrportal")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hold a request: two quick tries, then the work is done here.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A database that accepts connections and never answers must fail fast (and be a 503),
    # not hold every worker until gunicorn kills it.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DB_CONNECT_TIMEOUT", default=5
    )
# A PostgreSQL streaming replica for reads that tolerate a minute's lag (public pages, overviews,
# exports, open data: core.replica), e.g. postgres://csrportal:secret@db-replica:5432/csrportal.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # A replica that does not answer is given up quickly: its reads go to the primary.
        "OPTIONS": {"connect_timeout": env.int("DB_REPLICA_CONNECT_TIMEOUT", default=2)},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock a username from one address after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Every failed login is kept with its address and user agent (the admin shows them).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The client's address behind PROXY_COUNT trusted proxies (core.http.client_ip): lockouts
# and the audit trail see the client, never the proxy nor a forged X-Forwarded-For.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"

# Related objects are kept by name as they were then ("Tegal Ratu"), and history pages need
# no query per entry to show them.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

# Sessions last one working day.
# Sessions are read from the cache and written through to the database: one query fewer per
# page, and a cache that is emptied (a restart without Redis) signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=9 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# HTTPS hardening: on by default when DEBUG is off; SECURE_COOKIES=0 only for a plain-HTTP
# intranet test install.
SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
if SECURE:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Preload is a commitment for every subdomain of the city's domain; left to the operator.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside every static root and are served only through views that
# check permission.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded spreadsheets of needs (planners' imports).
NEED_IMPORT_MAX_BYTES = env.int("NEED_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)

# Program attachments (proposals, photos, office documents).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))  # the filebased backend's
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal-csr@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in env.list("ADMIN_EMAILS", default=[])]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"database_outage": {"()": "core.logging.DatabaseOutageFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["database_outage"]},
    },
}

# The public API (api/): JSON only, read-only, throttled per client address in the shared
# cache (API_RATE requests per minute), errors in Indonesian and English (api.errors).
API_RATE = env.int("API_RATE", default=120)
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "api.errors.handle",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal CSR API",
    "DESCRIPTION": (
        "Read-only data of a regency's or city's CSR coordination: its served regions, the "
        "development plan's priorities with their figures, needs, approved, running and "
        "completed programs with verified delivery, and villages' figures. The same data the "
        "public pages show; no personal data. With a token: what its person reads of programs "
        "and realization reports, and, for a company's token made to file them, report drafts "
        "started and changed (checked as on the portal; submitted there)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # A change (PATCH) names only what it changes, but always the version it read.
    "COMPONENT_SPLIT_PATCH": False,
    # A program's and a report's statuses: two choice sets, each named.
    "ENUM_NAME_OVERRIDES": {
        "ProgramStatusEnum": "programs.models.Program.Status",
        "ReportStatusEnum": "delivery.models.Report.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.error_answers",
    ],
}
