"""RTCC Ops settings: one module, driven by environment variables (see README)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from rtcc.env import (
    env_bool,
    env_list,
    env_secret,
    fernet_keys_valid,
    redis_url_for_test_process,
    secret_list,
    xdist_process_number,
)

BASE_DIR = Path(__file__).resolve().parent.parent


INSECURE_DEV_SECRET_KEY = "insecure-dev-key-change-me"  # noqa: S105 (dev default, refused in production)

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_secret("SECRET_KEY", INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

DATABASE_URL = env_secret("DATABASE_URL", "postgis://rtcc:rtcc@127.0.0.1:5432/rtcc")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        # Django advises against persistent connections under ASGI (each sync call may use a new thread).
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
# A pool of open connections per process (psycopg_pool) instead of a new connection for every
# request, WebSocket connect and heartbeat. On for the web processes (docker-compose.yml); each
# process holds DATABASE_POOL_MIN_SIZE..DATABASE_POOL_MAX_SIZE connections. docs/performance.md.
if env_bool("DATABASE_POOL", False):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "2")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "10")),
        "timeout": 10,
    }
# GeoDjango needs the PostGIS backend whatever scheme the URL used.
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("TEST_DATABASE_NAME", "test_rtcc")

# Under pytest-xdist (`make test`), each test process and the servers it starts use their own Redis
# database and media directory; pytest-django gives each its own test database.
TEST_PROCESS = xdist_process_number()
REDIS_URL = redis_url_for_test_process(env_secret("REDIS_URL", "redis://127.0.0.1:6379/0"), TEST_PROCESS)

if not DEBUG:
    problems = []
    if SECRET_KEY == INSECURE_DEV_SECRET_KEY or len(SECRET_KEY) < 40:
        problems.append("SECRET_KEY must be set to a random value of at least 40 characters")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the real host names (no '*')")
    if "rtcc:rtcc@" in DATABASE_URL:
        problems.append("DATABASE_URL must be set (the default dev password is not allowed)")
    if not fernet_keys_valid(secret_list("RTCC_FIELD_ENCRYPTION_KEYS")):
        problems.append("RTCC_FIELD_ENCRYPTION_KEYS must list one or more Fernet keys (see docs/cameras.md)")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production mode: " + "; ".join(problems))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_beat",
    "leaflet",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rtcc",
    "accounts",
    "feeds",
    "incidents",
    "alerts",
    "shots",
    "cap",
    "monitoring",
    "audit",
    "cameras",
    "lpr",
    "areas",
    "operations",
    "rules",
    "correlation",
    "cases",
    "evidence",
    "bulletins",
    "shifts",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so every response (errors and redirects too) carries the Content-Security-Policy.
    "csp.middleware.CSPMiddleware",
    "rtcc.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Issue 8: idle/absolute session limits, then the second factor (OTP-verified session).
    "accounts.middleware.SessionLimitMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rtcc.urls"
ASGI_APPLICATION = "rtcc.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("RTCC_TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/inter", BASE_DIR / "node_modules" / "@fontsource" / "inter"),
    ("vendor/markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
    ("vendor/leaflet-heat", BASE_DIR / "node_modules" / "leaflet.heat" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
MEDIA_URL = "/media/"  # never served directly: uploads are read by workers, not browsers
MEDIA_ROOT = Path(os.environ.get("RTCC_MEDIA_ROOT", str(BASE_DIR / "media")))
if TEST_PROCESS is not None:
    MEDIA_ROOT = MEDIA_ROOT / f"gw{TEST_PROCESS}"
RTCC_IMPORT_MAX_BYTES = int(os.environ.get("RTCC_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Ingest bodies above this are refused with 413 before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("RTCC_MAX_BODY_BYTES", str(4 * 1024 * 1024)))
RTCC_INGEST_MAX_RECORDS = int(os.environ.get("RTCC_INGEST_MAX_RECORDS", "5000"))
# Feed kinds whose small batches are processed in the ingest request itself, right after the batch
# is committed (the Celery task is still enqueued and finds it done, or does it if this failed):
# a shots-fired detection reaches the ops map without waiting for a worker. Empty: none.
RTCC_INGEST_INLINE_KINDS = env_list("RTCC_INGEST_INLINE_KINDS", "shots")
RTCC_INGEST_INLINE_MAX_RECORDS = int(os.environ.get("RTCC_INGEST_INLINE_MAX_RECORDS", "20"))
# LPR is the busiest feed: its batches may be larger.
RTCC_LPR_INGEST_MAX_RECORDS = int(os.environ.get("RTCC_LPR_INGEST_MAX_RECORDS", "10000"))
# A new hotlist entry is checked against the reads of this many past days (historical hits).
RTCC_LPR_RETROACTIVE_DAYS = int(os.environ.get("RTCC_LPR_RETROACTIVE_DAYS", "7"))
# Purpose codes an LPR search must give ("code=Label" or plain codes); empty = the built-in list.
RTCC_LPR_SEARCH_PURPOSES = env_list("RTCC_LPR_SEARCH_PURPOSES", "")
# Retention: non-hit reads, and hits (reads under legal hold or attached to a case are kept).
RTCC_LPR_READ_RETENTION_DAYS = int(os.environ.get("RTCC_LPR_READ_RETENTION_DAYS", "30"))
RTCC_LPR_HIT_RETENTION_DAYS = int(os.environ.get("RTCC_LPR_HIT_RETENTION_DAYS", "365"))
# Times further ahead than this are refused as clock errors.
RTCC_INGEST_MAX_FUTURE_SECONDS = int(os.environ.get("RTCC_INGEST_MAX_FUTURE_SECONDS", "300"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("RTCC_SESSION_SECONDS", str(12 * 3600)))
# Wall displays run unattended: their session lasts this long instead (read-only role).
RTCC_WALL_SESSION_SECONDS = int(os.environ.get("RTCC_WALL_SESSION_SECONDS", str(30 * 24 * 3600)))
# How long the wall keeps the newest priority-1 event in focus before showing the whole city again.
RTCC_WALL_FOCUS_SECONDS = int(os.environ.get("RTCC_WALL_FOCUS_SECONDS", "90"))
# Alert desk: the longest a type or source may be muted, and the alerts-per-hour above which an
# analyst counts as overloaded (ISA-18.2 considers more than ~12/hour per operator overload).
RTCC_ALERT_MUTE_MAX_HOURS = int(os.environ.get("RTCC_ALERT_MUTE_MAX_HOURS", "12"))
RTCC_ALERT_OVERLOAD_PER_HOUR = int(os.environ.get("RTCC_ALERT_OVERLOAD_PER_HOUR", "12"))
# Casework: the agency name on bulletins and packets, evidence and photo limits, shift hours.
RTCC_AGENCY_NAME = os.environ.get("RTCC_AGENCY_NAME", "RTCC Ops demo agency")
# Analytics rollups: days recomputed by the frequent refresh (docs/analytics.md).
RTCC_ROLLUP_RECENT_DAYS = max(1, int(os.environ.get("RTCC_ROLLUP_RECENT_DAYS", "3")))
RTCC_EVIDENCE_MAX_BYTES = int(os.environ.get("RTCC_EVIDENCE_MAX_BYTES", str(2 * 1024**3)))
RTCC_BULLETIN_PHOTO_MAX_BYTES = int(os.environ.get("RTCC_BULLETIN_PHOTO_MAX_BYTES", str(5 * 1024**2)))
RTCC_BULLETIN_MAX_PHOTOS = int(os.environ.get("RTCC_BULLETIN_MAX_PHOTOS", "6"))
RTCC_SHIFTS = os.environ.get("RTCC_SHIFTS", "Day 07:00-15:00, Evening 15:00-23:00, Night 23:00-07:00")
RTCC_HANDOVER_BANNER_MINUTES = int(os.environ.get("RTCC_HANDOVER_BANNER_MINUTES", "30"))
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("RTCC_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes anonymous API calls 401, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rtcc.parsers.LimitedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "rtcc.api.schema.AutoSchema",  # also documents the error answers
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rtcc.api.pagination.LimitOffsetPagination",  # limit capped at 1000
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "rtcc.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "RTCC Ops API",
    "DESCRIPTION": "Ingest, incidents and live events of the RTCC Ops platform.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "IncidentStatusEnum": "incidents.choices.IncidentStatus",
        "AlertStatusEnum": "alerts.choices.AlertStatus",
        "CameraStatusEnum": "cameras.choices.CameraStatus",
        "FootageStatusEnum": "cameras.choices.FootageStatus",
        "HitStatusEnum": "lpr.choices.HitStatus",
        "HotlistSourceEnum": "lpr.choices.HotlistSource",
        "RejectReasonEnum": "lpr.choices.RejectReason",
        "CameraSourceEnum": "cameras.choices.CameraSource",
        "OperationLogKindEnum": "operations.choices.LogKind",
        "AlertTypeEnum": "alerts.choices.AlertType",
        "HitKindEnum": "lpr.choices.HitKind",
        "EvidenceKindEnum": "evidence.choices.EvidenceKind",
        "CaseStatusEnum": "cases.choices.CaseStatus",
        "HitOutcomeEnum": "lpr.choices.HitOutcome",
        "CaseOutcomeEnum": "cases.choices.Outcome",
        "CaseContributionEnum": "cases.choices.Contribution",
        "CaseLinkKindEnum": "cases.choices.LinkKind",
        "CaseLogKindEnum": "cases.choices.LogKind",
        "CaseUserLogKindEnum": "cases.choices.USER_LOG_KIND_CHOICES",
    },
    # Swagger UI from the installed sidecar package: no CDN request from the docs page.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Shared by every process (rate limits must hold across ASGI workers).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("RTCC_CHANNEL_PREFIX", "rtcc"),
    }
}

_CHANNEL_HOSTS = [{"address": REDIS_URL, "socket_timeout": 15, "socket_connect_timeout": 3}]
_CHANNEL_PREFIX = os.environ.get("RTCC_CHANNEL_PREFIX", "rtcc")
if TEST_PROCESS is not None:
    # Redis pub/sub channels ignore the database number: test processes need prefixes of their own.
    _CHANNEL_PREFIX = f"{_CHANNEL_PREFIX}-gw{TEST_PROCESS}"
# `pubsub` (default): a group_send is one Redis PUBLISH, and each ASGI process hands it to its own
# sockets; `core`: one Redis list per socket (Channels' classic layer), a write per socket per event.
# Both deliver at most once; clients close gaps from the outbox (docs/performance.md, P2 and P6).
RTCC_CHANNEL_LAYER = os.environ.get("RTCC_CHANNEL_LAYER", "pubsub")
if RTCC_CHANNEL_LAYER not in {"pubsub", "core"}:
    raise ImproperlyConfigured("RTCC_CHANNEL_LAYER must be 'pubsub' or 'core'")
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": _CHANNEL_HOSTS, "prefix": _CHANNEL_PREFIX},
    }
    if RTCC_CHANNEL_LAYER == "pubsub"
    else {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # channels-redis blocks in BZPOPMIN for 5 s; redis-py 8 also times socket reads out after
            # 5 s by default, so an idle consumer raced its own read and crashed. Reads get a margin.
            "hosts": _CHANNEL_HOSTS,
            "prefix": _CHANNEL_PREFIX,
            "capacity": 1000,
            "expiry": 30,
        },
    }
}

CELERY_BROKER_URL = env_secret("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
# An ingest request must not hang while Redis is down: try briefly, then leave the batch to the
# inbox sweeper (the inbox table, not the broker, is the source of truth).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
RTCC_GEOFENCE_DWELL_SECONDS = int(os.environ.get("RTCC_GEOFENCE_DWELL_SECONDS", "120"))
RTCC_INBOX_SWEEP_SECONDS = float(os.environ.get("RTCC_INBOX_SWEEP_SECONDS", "60"))
RTCC_INBOX_STALE_SECONDS = float(os.environ.get("RTCC_INBOX_STALE_SECONDS", "300"))
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Map: no tiles by default (no internet on many RTCC networks); set RTCC_TILE_URL to a local tile server.
RTCC_TILE_URL = os.environ.get("RTCC_TILE_URL", "")
RTCC_TILE_ATTRIBUTION = os.environ.get("RTCC_TILE_ATTRIBUTION", "")
RTCC_MAP_CENTER = [float(x) for x in env_list("RTCC_MAP_CENTER", "43.05,-87.95")]
RTCC_MAP_ZOOM = int(os.environ.get("RTCC_MAP_ZOOM", "11"))
# Records outside this lon/lat box keep no location and are flagged out of area.
RTCC_SERVICE_AREA = [float(x) for x in env_list("RTCC_SERVICE_AREA", "-88.20,42.80,-87.70,43.30")]
RTCC_EVENT_RETENTION_DAYS = int(os.environ.get("RTCC_EVENT_RETENTION_DAYS", "7"))
RTCC_WS_HEARTBEAT_SECONDS = float(os.environ.get("RTCC_WS_HEARTBEAT_SECONDS", "15"))

# Secrets stored in the database (camera stream credentials) are encrypted with Fernet. Give one
# or more comma-separated keys; the first encrypts, all decrypt (rotation). Dev derives a key
# from SECRET_KEY; production refuses to start without this setting.
RTCC_FIELD_ENCRYPTION_KEYS = secret_list("RTCC_FIELD_ENCRYPTION_KEYS")
# Cameras
RTCC_CAMERA_CONE_MIN_ZOOM = int(os.environ.get("RTCC_CAMERA_CONE_MIN_ZOOM", "16"))
RTCC_CAMERA_PROBE_SECONDS = float(os.environ.get("RTCC_CAMERA_PROBE_SECONDS", "300"))
RTCC_CAMERA_PROBE_TIMEOUT_SECONDS = float(os.environ.get("RTCC_CAMERA_PROBE_TIMEOUT_SECONDS", "3"))
RTCC_CAMERA_OFFLINE_ALERT_MINUTES = int(os.environ.get("RTCC_CAMERA_OFFLINE_ALERT_MINUTES", "30"))
RTCC_MOU_WARNING_DAYS = int(os.environ.get("RTCC_MOU_WARNING_DAYS", "30"))
RTCC_FOOTAGE_EXPIRY_WARNING_HOURS = int(os.environ.get("RTCC_FOOTAGE_EXPIRY_WARNING_HOURS", "48"))
# Community self-registration: submissions per client IP per hour (HTTP 429 above it).
RTCC_REGISTRATION_PER_IP_HOUR = int(os.environ.get("RTCC_REGISTRATION_PER_IP_HOUR", "5"))
# Reverse proxies in front of the app: the client address is that many entries from the right
# of X-Forwarded-For. 0 = use the socket address (X-Forwarded-For is ignored, it can be forged).
RTCC_TRUSTED_PROXY_COUNT = int(os.environ.get("RTCC_TRUSTED_PROXY_COUNT", "0"))
RTCC_FOOTAGE_MAX_BYTES = int(os.environ.get("RTCC_FOOTAGE_MAX_BYTES", str(2 * 1024 * 1024 * 1024)))
RTCC_CAMERA_UPLOAD_MAX_BYTES = int(os.environ.get("RTCC_CAMERA_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": tuple(RTCC_MAP_CENTER),
    "DEFAULT_ZOOM": RTCC_MAP_ZOOM,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 19,
    "TILES": [("Streets", RTCC_TILE_URL, {"attribution": RTCC_TILE_ATTRIBUTION})] if RTCC_TILE_URL else [],
    "ATTRIBUTION_PREFIX": "RTCC Ops",
    "RESET_VIEW": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RTCC_LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; the audit trail records them, the log keeps lockouts.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Debian 12 ships GDAL 3.6; we never open untrusted files through GDAL, so its sandboxing
# warning does not apply. Revisit when GDAL-based imports arrive.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Issue 8: authentication (MFA, lockout, session limits) -------------------------------------
# django-axes first: it refuses a locked-out account before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# TOTP second factor for every account (enrolment on first sign-in); on unless explicitly turned off.
RTCC_MFA_REQUIRED = env_bool("RTCC_MFA_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("RTCC_MFA_ISSUER", "RTCC Ops")
RTCC_MFA_RECOVERY_CODES = 10
# Lockout: 5 failed sign-ins lock the username for 10 minutes (admins can unlock at /accounts/users/).
AXES_FAILURE_LIMIT = int(os.environ.get("RTCC_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("RTCC_LOCKOUT_MINUTES", "10")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# One address cannot lock out every account quickly: sign-in POSTs per minute per client IP.
RTCC_LOGIN_POSTS_PER_MINUTE = int(os.environ.get("RTCC_LOGIN_POSTS_PER_MINUTE", "30"))
# Idle limit, from the last user-initiated request (see docs/authentication.md "What counts as
# activity"); the absolute limit is SESSION_COOKIE_AGE from sign-in (the wall role: its own limit).
RTCC_IDLE_TIMEOUT_SECONDS = int(os.environ.get("RTCC_IDLE_TIMEOUT_SECONDS", "1800"))

# --- Issue 8: audit trail (hash chain, retention, anomaly flags) --------------------------------
# The platform never deletes audit rows; this is how long an agency promises to keep them before
# archiving (export + `audit_verify --expect-head`, docs/audit.md). Less than a year is refused.
RTCC_AUDIT_RETENTION_DAYS = int(os.environ.get("RTCC_AUDIT_RETENTION_DAYS", "365"))
if RTCC_AUDIT_RETENTION_DAYS < 365:
    raise ImproperlyConfigured("RTCC_AUDIT_RETENTION_DAYS must be at least 365 (one year of audit trail).")
# Anomaly flags (docs/audit.md): same plate searched this many times by one user in 7 days…
RTCC_AUDIT_REPEAT_PLATE_SEARCHES = int(os.environ.get("RTCC_AUDIT_REPEAT_PLATE_SEARCHES", "3"))
# …and a day's searches above max(this floor, 3 x the user's median day over the prior 30 days).
RTCC_AUDIT_DAILY_SEARCH_FLOOR = int(os.environ.get("RTCC_AUDIT_DAILY_SEARCH_FLOOR", "50"))

# --- Issue 8: web and API hardening (CSP, HSTS, throttling, secrets) ----------------------------

# Content-Security-Policy (django-csp 4): no inline script, no eval, no inline style attributes.
# Leaflet positions its layers through the CSSOM (element.style), which CSP does not restrict.
# NONCE appears in the header only on a page that reads request.csp_nonce: django-leaflet's admin
# map widget is the one such page (its inline <script> carries the nonce).
from urllib.parse import urlsplit  # noqa: E402

from csp.constants import NONCE, NONE, SELF  # noqa: E402


def _tile_source(url: str) -> list[str]:
    """The CSP source of the tile server: its origin, with Leaflet's {s} subdomain as a wildcard."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return []  # a path on this server: covered by 'self'
    host = parts.netloc.replace("{s}", "*")
    return [f"{parts.scheme}://{host}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *_tile_source(RTCC_TILE_URL)],
        # 'self' covers ws:/wss: of this host (CSP Level 3; Chromium, Firefox and Safari agree).
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The browser features no page uses are switched off (geolocation: the public camera form).
RTCC_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

# Headers and cookies. The session cookie stays SameSite=Lax, not Strict: a link to a case or an
# alert from e-mail or another agency system must open signed in, and every state change is a
# POST guarded by the CSRF token (SameSite only adds defence in depth there).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Read by the page modules to send X-CSRFToken with fetch(); the token alone grants nothing.
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    # Behind the TLS proxy (SECURE_PROXY_SSL_HEADER above). /healthz stays on plain HTTP for the
    # load balancer's and compose's health checks. RTCC_SECURE_COOKIES=0 (a plain-HTTP trial,
    # docs/operations.md) also turns the redirect off unless RTCC_SSL_REDIRECT says otherwise.
    SECURE_SSL_REDIRECT = env_bool("RTCC_SSL_REDIRECT", SESSION_COOKIE_SECURE)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("RTCC_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("RTCC_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("RTCC_HSTS_PRELOAD", True)

# Ingest throttling: requests (not records) per feed API key, counted in the shared Redis cache.
# The LPR benchmark posts 10,000-read batches several times a second; 600/minute leaves room.
RTCC_INGEST_RATE = os.environ.get("RTCC_INGEST_RATE", "600/minute")
# django-axes warns when lockout is by username only. That is the requirement here (CJIS 5.5.3:
# lock the *account* after failed attempts); attempts from one address are limited separately.
if "axes.W006" not in SILENCED_SYSTEM_CHECKS:
    SILENCED_SYSTEM_CHECKS.append("axes.W006")
