"""Settings, read from the environment (12-factor).

The defaults give the embedded setup of ``make run``: SQLite in the project folder,
Celery tasks run eagerly in-process, mail printed to the console. Production sets
DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY and ALLOWED_HOSTS; without SECRET_KEY
and with DEBUG off it refuses to start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
# The test run is not production: it gets a throwaway key and no HTTPS redirects.
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "development-only-key-never-use-in-production-1234567890-abcdefghij"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (DEBUG=true gives a development key)."
        )

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "orgs",
    "frameworks",
    "raci",
]

MIDDLEWARE = [
    # First: every request gets an id (X-Request-ID) and one log line (raci/request_id.py). Then the
    # probes /healthz and /readyz, answered before host validation, the HTTPS redirect and the session.
    "raci.request_id.RequestIdMiddleware",
    "raci.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response but the probes'
    # (CONTENT_SECURITY_POLICY and PERMISSIONS_POLICY below).
    "csp.middleware.CSPMiddleware",
    "raci.security_headers.PermissionsPolicyMiddleware",
    # No GZipMiddleware: pages reflect CSRF tokens and user input, so compressing them invites BREACH;
    # whitenoise serves static files pre-compressed (README, "Operating it").
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF and every view: a NUL in a query or form value answers 400, never a 500.
    "orgs.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # django-allauth's login flows (stages, rate limits) keep their state on the request.
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A page's ?view= naming no state of a matrix: 400 with the reason.
    "raci.matrices.middleware.ReadingInvalidMiddleware",
]

ROOT_URLCONF = "raci.urls"
WSGI_APPLICATION = "raci.wsgi.application"

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
                "orgs.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# Accounts (django-allauth, under /accounts/): sign-up with a verified email, login by username or
# email, password reset by email. orgs.accounts.AccountAdapter applies SIGNUP_MODE and invitations.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# open: anyone signs up; invitation: only with an organization's invitation link (production default);
# closed: nobody signs up (accounts come from an administrator; invitations attach existing accounts).
SIGNUP_MODE = os.environ.get("SIGNUP_MODE", "invitation").strip().lower()
if SIGNUP_MODE not in ("open", "invitation", "closed"):
    raise ImproperlyConfigured(f"SIGNUP_MODE must be open, invitation or closed, not {SIGNUP_MODE!r}")
ACCOUNT_ADAPTER = "orgs.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[RACI] "
# Login throttling (allauth's rate limits, kept in the cache: set CACHE_URL so every web process
# counts together). Failed logins: 5 per username or email in 5 minutes, 20 per client address a
# minute; the lock lifts by itself when the window passes (docs/architecture.md, "Accounts").
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("THROTTLE_LOGIN_FAILED", "20/m/ip,5/300s/key"),
}
# Single sign-on through an OpenID Connect provider, when OIDC_ISSUER is set (its issuer URL, the one
# serving /.well-known/openid-configuration). Addresses the provider says it verified count as verified;
# organizations may let such addresses at their domain join as viewers (Organization.sso_domain).
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip().rstrip("/")
SOCIALACCOUNT_ADAPTER = "orgs.accounts.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = (
    {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": os.environ.get("OIDC_NAME", "single sign-on"),
                    "client_id": os.environ.get("OIDC_CLIENT_ID", ""),
                    "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                    "settings": {"server_url": OIDC_ISSUER},
                }
            ],
        }
    }
    if OIDC_ISSUER
    else {}
)
# An invitation link works this many days after it was (re)sent.
INVITATION_EXPIRY_DAYS = envint("INVITATION_EXPIRY_DAYS", 7)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Tests and development serve files as they are; production serves the
        # compressed, hashed copies `collectstatic` writes.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: printed to the console unless an SMTP host is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "RACI <raci@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker configured, tasks run in-process so `make run` needs nothing else.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# Throttling needs a cache shared by every web process: Redis in production.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

REST_FRAMEWORK = {
    # Bearer first, so an unauthenticated request is answered 401 with `WWW-Authenticate: Bearer`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "orgs.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "orgs.api.permissions.TokenScope",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only; a body nested too deeply to parse answers 400 `parse_error`.
    "DEFAULT_PARSER_CLASSES": ["orgs.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "orgs.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["orgs.api.throttling.AnonThrottle", "orgs.api.throttling.TokenThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # OPTIONS without the serializer-derived "actions" (see orgs/api/metadata.py).
    "DEFAULT_METADATA_CLASS": "orgs.api.metadata.ApiMetadata",
    "EXCEPTION_HANDLER": "orgs.api.errors.exception_handler",
    # `?format=` names an export format (csv, xlsx, json), not a renderer.
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per minute; read at request time so tests and deployments can change them.
RACI_THROTTLE_RATES = {
    "anon": os.environ.get("THROTTLE_ANON", "60/min"),
    "token": os.environ.get("THROTTLE_TOKEN", "1200/min"),
}
# Request bodies above this are refused with 413 (imports included).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

SPECTACULAR_SETTINGS = {
    "TITLE": "RACI API",
    "DESCRIPTION": (
        "Who does what, for scripts. Authenticate with `Authorization: Bearer <token>` (create one with "
        "`manage.py create_api_token USERNAME` or on the API tokens page). Every error has the shape "
        '`{"error": {"code", "message", "details"}}`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "MatrixStatusEnum": "raci.matrices.models.Matrix.Status",
        "DeliveryStatusEnum": "raci.delivery.models.WebhookDelivery.Status",
        "WebhookEventEnum": "raci.delivery.models.WEBHOOK_EVENTS",
        "ChatEventEnum": "raci.delivery.models.CHAT_EVENT_CHOICES",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    # No online validator badge: the docs page loads nothing from another host.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "orgs.api.schema.document_error_responses",
    ],
}

# Security. Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER_NAME (e.g.
# HTTP_X_FORWARDED_PROTO); local HTTP-only deployments may set SECURE_SSL_REDIRECT=false.
_SECURE = not DEBUG and not TESTING
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", _SECURE)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", _SECURE)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", _SECURE)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if _SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _SECURE)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", _SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("SECURE_PROXY_SSL_HEADER_NAME"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER_NAME"], "https")

# Content-Security-Policy (django-csp): everything from this host, nothing inline — no inline
# <script>, <style>, style= or on*= attribute anywhere (tests/test_security_headers.py scans the
# templates), no eval. htmx's indicator styles are in static/css/base.css (see base.html) and the API
# docs start Swagger UI from static/js/api-docs.js (templates/drf_spectacular/swagger_ui.html).
from csp.constants import NONE, SELF  # noqa: E402

_oidc_origin = "/".join(OIDC_ISSUER.split("/")[:3]) if OIDC_ISSUER else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        # The single sign-on button posts here and is redirected to the provider's login page.
        "form-action": [SELF, *([_oidc_origin] if _oidc_origin else [])],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Permissions-Policy (raci/security_headers.py): browser features no page uses, switched off.
PERMISSIONS_POLICY = {
    # feature: the origins allowed to use it ([] none; "self" this host, written as is).
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# Logs go to stderr: one JSON object a line (LOG_FORMAT=json, the default without DEBUG) or plain text
# (LOG_FORMAT=text, the default with DEBUG). Each line carries the id of its request or task; each
# request and each Celery task gets one line (raci/observability.py). Celery workers log the same way.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
from raci.observability import logging_config  # noqa: E402

LOGGING = logging_config(json_format=LOG_FORMAT == "json", level=os.environ.get("LOG_LEVEL", "INFO"))

# Error reporting: off unless SENTRY_DSN is set; then Django's and Celery's errors go to Sentry (or
# anything speaking its protocol), without personal data. SENTRY_TRACES_SAMPLE_RATE (0 to 1, default
# 0) sends that share of requests' traces too.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    try:
        _traces_sample_rate = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0)
    except ValueError:
        _traces_sample_rate = -1.0
    if not 0 <= _traces_sample_rate <= 1:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1")
    from raci.observability import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT"),
        traces_sample_rate=_traces_sample_rate,
    )

# Development and tests serve static files straight from the app folders; production
# serves what `collectstatic` wrote to STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Background work: the outbox (raci/outbox/), webhooks and emails (raci/delivery/) and the beat
# schedule. Modules whose @outbox_handler functions run for dispatched events; the app refuses to
# start if one of them cannot be imported.
OUTBOX_HANDLER_MODULES = [
    "raci.delivery.webhooks",
    "raci.delivery.notifications",
    "raci.matrices.standing",
    "raci.reorganization.notifications",
    "raci.delivery.chat",
    "raci.delivery.reminders",
    "raci.discussion.notifications",
]
# Where people open the site: chat messages link back to it (emails and pages use relative links).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The sweep re-enqueues events still undispatched after this long (their enqueue was lost).
OUTBOX_SWEEP_AFTER_SECONDS = envint("OUTBOX_SWEEP_AFTER_SECONDS", 30)
# An event whose handlers failed this many times is left for a person to look at (last_error).
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", 20)
WEBHOOK_TIMEOUT_SECONDS = envint("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_MAX_ATTEMPTS = envint("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_DISABLE_AFTER_FAILURES = envint("WEBHOOK_DISABLE_AFTER_FAILURES", 5)
# Pending deliveries overdue by this long are re-enqueued by the retry sweep.
WEBHOOK_SWEEP_GRACE_SECONDS = envint("WEBHOOK_SWEEP_GRACE_SECONDS", 60)
# Self-hosted: let webhooks go to loopback and private-network addresses (raci/delivery/targets.py).
WEBHOOK_ALLOW_PRIVATE_TARGETS = envbool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend.
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]

# Acknowledgement reminders (raci/delivery/reminders.py): this many days after a publication, then at
# most once every this many days per person and revision, until they acknowledge. 0: no reminders.
ACKNOWLEDGEMENT_REMINDER_DAYS = envint("ACKNOWLEDGEMENT_REMINDER_DAYS", 3)

# The queue tasks are sent to and workers consume by default; tests give their worker its own.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")

from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "raci.tasks.outbox_sweep", "schedule": 60.0},
    "webhook-retry-sweep": {"task": "raci.tasks.webhook_retry_sweep", "schedule": 60.0},
    "chat-retry-sweep": {"task": "raci.tasks.chat_retry_sweep", "schedule": 60.0},
    "review-reminders": {"task": "raci.tasks.review_reminders", "schedule": crontab(hour=7, minute=0)},
    "acknowledgement-reminders": {
        "task": "raci.tasks.acknowledgement_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
}
