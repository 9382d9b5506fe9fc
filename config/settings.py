"""Baton settings.

Everything has an embedded default so a fresh clone runs with no server installed:
SQLite (WAL) for the database and kombu's ``filesystem://`` transport for Celery.
``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL and Redis or RabbitMQ.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BATON_VAR_DIR", BASE_DIR / "var"))

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "baton-insecure-development-key-change-me")
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "axes",  # failed-login throttling (see "Sign-in throttling" below)
    "bpmn_engine",
    "approvals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a body: an oversized request is refused from its Content-Length.
    "bpmn_engine.api.request_limits.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into a 429
]

ROOT_URLCONF = "config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "config.wsgi.application"


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60)
        if config["ENGINE"] == "django.db.backends.postgresql":
            # Short OLTP queries: PostgreSQL's JIT compiles the inbox query on each call
            # (its cost estimate crosses jit_above_cost) and costs more than it saves.
            config.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
        return dict(config)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "baton.sqlite3",
        "OPTIONS": {
            # WAL lets the web process read while the worker writes; IMMEDIATE takes the
            # write lock at BEGIN so two writers queue instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
# --- Sign-in throttling (django-axes; approvals/auth.py) -----------------------------------
# After AXES_FAILURE_LIMIT failed sign-ins for one username from one address, that pair is
# refused (429) for the cool-off, even with the right password: on the login page, the
# admin login and the API's Basic authentication alike. A success resets the count.
AUTHENTICATION_BACKENDS = [
    "approvals.auth.LoginAttemptBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("BATON_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("BATON_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "approvals.auth.lockout_response"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "approvals:tasks"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it to exist
# bpmn-js is installed from the npm registry by scripts/setup (package-lock.json pins it) and
# served from node_modules as static/bpmn-js/...: no copied bundle lives in the repository.
STATICFILES_DIRS = [("bpmn-js", BASE_DIR / "node_modules" / "bpmn-js" / "dist")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: a diagram is at most BPMN_ENGINE["MAX_UPLOAD_BYTES"]; Django's own limits agree.
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Task emails link to pages under this address (they are read outside the browser).
BATON_BASE_URL = os.environ.get("BATON_BASE_URL", "http://127.0.0.1:8000")

# --- REST API (bpmn_engine.api) -------------------------------------------------------------
REST_FRAMEWORK = {
    # Basic first: an unauthenticated call gets 401 with a WWW-Authenticate challenge
    # (DRF answers 403 when the first class cannot challenge, as SessionAuthentication).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "bpmn_engine.api.authentication.ThrottledBasicAuthentication",
        "bpmn_engine.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "bpmn_engine.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "bpmn_engine.api.exceptions.problem_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["bpmn_engine.api.throttling.WriteRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"writes": os.environ.get("BATON_API_WRITE_RATE", "1200/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Baton API",
    "DESCRIPTION": "BPMN 2.0 engine: deploy diagrams, start instances, work on tasks. "
    "Errors are application/problem+json (RFC 9457).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "InstanceStateEnum": "bpmn_engine.models.ProcessInstance.State",
        "TaskStateEnum": "bpmn_engine.models.UserTask.State",
        "IncidentStateEnum": "bpmn_engine.models.Incident.State",
    },
}

# --- Celery -------------------------------------------------------------------------------
_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("queue", "processed", "control"):
        (_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        # Every folder under var/: kombu's default control folder is ./control, which
        # would litter whatever directory the worker was started from.
        "control_folder": str(_BROKER_DIR / "control"),
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    # Above the longest job lease, so Redis does not redeliver a job that is still running.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BATON_QUEUE", "baton")
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A job message is acknowledged only after the handler finished, and given back if the
# worker process dies; one message at a time per process so a crash loses at most one.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Baton --------------------------------------------------------------------------------
BPMN_ENGINE: dict[str, object] = {
    # Modules whose import registers @service_task handlers; BATON_HANDLER_MODULES adds more.
    "HANDLER_MODULES": ["bpmn_engine.handlers.demo"]
    + [m for m in os.environ.get("BATON_HANDLER_MODULES", "").split(",") if m],
    "CONTROLLABLE_CLOCK": os.environ.get("BATON_CONTROLLABLE_CLOCK") == "1",
}

# --- Logging (bpmn_engine.observability.logs) ------------------------------------------------
# Readable text in development, one JSON object per line in production
# (BATON_LOG_FORMAT=json); both carry the instance id and business key of the step or
# job a line was logged in.
BATON_LOG_FORMAT = os.environ.get("BATON_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"baton_context": {"()": "bpmn_engine.observability.logs.ContextFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s"},
        "json": {"()": "bpmn_engine.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if BATON_LOG_FORMAT == "json" else "text",
            "filters": ["baton_context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("BATON_LOG_LEVEL", "INFO")},
    # django-axes logs housekeeping at INFO on every sign-in; failures stay (WARNING).
    "loggers": {"axes": {"level": "WARNING"}},
}

BPMN_SWEEP_INTERVAL = float(os.environ.get("BATON_SWEEP_INTERVAL", "2"))
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {"task": "bpmn_engine.tasks.sweep_jobs", "schedule": BPMN_SWEEP_INTERVAL},
    # The daily digest of pending tasks, at BATON_DIGEST_HOUR (UTC, default 07:00).
    "send-digest": {
        "task": "bpmn_engine.tasks.send_digest",
        "schedule": crontab(hour=int(os.environ.get("BATON_DIGEST_HOUR", "7")), minute=0),
    },
}

# --- Metrics, traces, history retention (bpmn_engine.observability) ---------------------------
# /metrics needs no login; only these client addresses or networks may read it.
BATON_METRICS_ALLOWED_IPS = [
    ip.strip()
    for ip in os.environ.get("BATON_METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",")
    if ip.strip()
]
# Traces: OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (plus the standard OTEL_* variables),
# the console when BATON_TRACE_CONSOLE=1, none otherwise. Multiprocess metrics: set
# PROMETHEUS_MULTIPROC_DIR (see bpmn_engine/observability/__init__.py).
# History retention: a process's camunda:historyTimeToLive (days) wins; else this default;
# unset keeps history forever.
_TTL_DAYS = os.environ.get("BATON_HISTORY_TIME_TO_LIVE_DAYS", "")
BATON_HISTORY_TIME_TO_LIVE_DAYS = float(_TTL_DAYS) if _TTL_DAYS else None
CELERY_BEAT_SCHEDULE["cleanup-history"] = {
    "task": "bpmn_engine.observability.tasks.cleanup_history",
    "schedule": float(os.environ.get("BATON_HISTORY_CLEANUP_INTERVAL", "3600")),
}

# --- Webhooks (bpmn_engine/services/webhooks.py; added by the API engineer) -------------------
CELERY_IMPORTS = ("bpmn_engine.api.tasks",)
CELERY_BEAT_SCHEDULE["sweep-webhooks"] = {
    "task": "bpmn_engine.api.tasks.sweep_webhooks",
    "schedule": float(os.environ.get("BATON_WEBHOOK_SWEEP_INTERVAL", "2")),
}
