"""Settings shared by every environment. Values come from the environment (django-environ).

The database is always PostgreSQL: DATABASE_URL, or (local settings only) the embedded
server ``make run`` starts (dpa_funding/devdb.py). Without CELERY_BROKER_URL Celery uses
kombu's filesystem transport under ``.run/broker`` so a real worker runs with no server.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

from dpa_funding.logging import config as logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
RUN_DIR = BASE_DIR / ".run"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "django_fsm",
    "csp",
    "drf_spectacular_sidecar",
    "dpa_funding",  # template tags (formatting) and project-wide checks
    "accounts",
    "applications",
    "reviews",
    "awards",
    "notifications",
    "audit",
    "identity",
    "django.contrib.postgres",
    "dashboards",
    "ops",
    "django_prometheus",
    "webhooks",
    "whitepapers",
    "payments",
    "postaward",
    "exclusions",
]
# Apps whose every model is audited (audit.registry; opt-outs are listed there with reasons).

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "dpa_funding.request_context.RequestIdMiddleware",
    "dpa_funding.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.context.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view-phase code (the CSRF check included) can read a multipart body.
    "dpa_funding.upload_limit.UploadSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it renders the lockout page for any view that met a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "dpa_funding.urls"
WSGI_APPLICATION = "dpa_funding.wsgi.application"

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
                "dpa_funding.context_processors.site",
            ],
        },
    }
]


def postgresql_options() -> dict:
    """Server-side parameter binding and prepared statements (psycopg 3): a statement the
    connection has run five times is planned once and then only executed, which takes 12% to
    25% off a filtered list request's p50 (bench/README.md). Django leaves prepared
    statements off so that poolers in transaction mode keep working:
    DATABASE_PREPARED_STATEMENTS=false turns both off behind such a pooler (PgBouncer before
    1.21, or without max_prepared_statements)."""
    if not env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        return {}
    return {"server_side_binding": True, "prepare_threshold": 5}


def database_from_url(var: str = "DATABASE_URL", **kwargs) -> dict:
    """env.db(), with PostgreSQL through the project's backend: Django's own, whose
    connection health check costs no round trip (dpa_funding/db/postgresql/base.py), and
    prepared statements (postgresql_options)."""
    config = env.db(var, **kwargs)
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = "dpa_funding.db.postgresql"
        config["OPTIONS"] = {**postgresql_options(), **config.get("OPTIONS", {})}
    return config


# Each environment's module sets DATABASES (local falls back to the embedded server).
DATABASES = {"default": database_from_url()} if env.str("DATABASE_URL", default="") else {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    # Django's common list and zxcvbn's breached list, shipped in accounts/data (no network).
    {"NAME": "accounts.passwords.BreachedPasswordValidator"},
    {"NAME": "accounts.passwords.RepetitionValidator"},
    {"NAME": "accounts.passwords.UsernameInPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses every password check for a locked-out account or address.
    "accounts.signin.SignInLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Does nothing unless OIDC_ENABLED (identity/backends.py).
    "identity.backends.LoginGovBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Failed sign-ins (django-axes), on the web login, /admin/login/ and POST /api/v1/auth/token/
# alike: 5 failures in 15 minutes per account, and separately per client address, lock that
# account or address out for 15 minutes (domain.md, "Sign-in"). Attempts are rows in the
# database, so every process counts the same failures; the address is the trusted one.
AXES_FAILURE_LIMIT = env.int("SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("SIGNIN_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "dpa_funding.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "accounts.signin.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.signin.lockout_response"
AXES_RESET_ON_SUCCESS = False  # a success does not forgive a guessing run on the same account
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the cool-off ends 15 minutes on
AXES_SENSITIVE_PARAMETERS = ["password", "otp"]

# API tokens (django-rest-knox): only a SHA-512 digest is stored; each sign-in issues a new
# token that expires API_TOKEN_TTL_HOURS later; logout and a password change revoke them.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=12)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"  # federal deadlines are stated in Eastern time
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: the application enforces its own limit (413) above Django's in-memory threshold.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=25 * 1024 * 1024)
DOCUMENT_MAX_UNCOMPRESSED_BYTES = env.int("DOCUMENT_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024)
DOCUMENT_MAX_COMPRESSION_RATIO = env.int("DOCUMENT_MAX_COMPRESSION_RATIO", default=100)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # also the JSON body limit of the API
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The first handler counts the bytes each uploaded file really delivers and aborts the
# upload past DOCUMENT_MAX_BYTES, whatever Content-Length claimed.
FILE_UPLOAD_HANDLERS = [
    "applications.documents.DocumentSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Email: console locally; EMAIL_URL (e.g. smtp+tls://user:pass@host:587) in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="DPA Title III Program Office <dpa3-noreply@example.gov>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Reverse proxies whose X-Forwarded-For entries are believed (CIDRs, e.g. the load balancer's
# subnet). Empty: the client address is REMOTE_ADDR and the header is ignored
# (dpa_funding/client_ip.py). TRUSTED_PROXY_HOPS: how many of them a request passes through.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
NUM_PROXIES = env.int("TRUSTED_PROXY_HOPS", default=1) if TRUSTED_PROXIES else 0

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # knox's tokens, checking only the presented token's expiry (no per-request sweep).
        "dpa_funding.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "dpa_funding.api.pagination.StandardPagination",
    # JSON bodies only, bounded in size (DATA_UPLOAD_MAX_MEMORY_SIZE) and nesting depth: a
    # form or multipart body cannot carry nested objects (a budget, a rubric) and was
    # silently read as empty. Upload views opt in to MultiPartParser.
    "DEFAULT_PARSER_CLASSES": ["dpa_funding.api.parsers.LimitedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "dpa_funding.api.filters.OrderingFilter",  # stable tie-break + allowed values in the schema
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "dpa_funding.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "dpa_funding.api.throttling.AnonThrottle",
        "dpa_funding.api.throttling.UserThrottle",
    ],
    # DRF's own reading of X-Forwarded-For matches dpa_funding.client_ip: none unless
    # trusted proxies are configured (then as many entries as there are proxy hops).
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/minute"),
        "user": env("API_THROTTLE_USER", default="1200/minute"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DPA Title III Critical Minerals Funding API",
    "DESCRIPTION": "Applications, merit review and awards under Defense Production Act Title III. "
                   "Authentication, pagination, errors, idempotency, webhooks and client generation: "
                   "[Integrating with the API](/api/docs/integrating/).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Operations are tagged by resource (applications, awards, ...), not all as "v1".
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "dpa_funding.api.schema.add_common_error_responses",
        "dpa_funding.api.schema.unmark_optional_properties",
    ],
    "ENUM_NAME_OVERRIDES": {
        "UserRoleEnum": "accounts.choices.Role",
        "MemberRoleEnum": "accounts.choices.MemberRole",
        "InstrumentEnum": "applications.choices.Instrument",
        "ApplicationStatusEnum": "applications.choices.ApplicationStatus",
        "DocumentKindEnum": "applications.choices.DocumentKind",
        "FacilityTypeEnum": "applications.choices.FacilityType",
        "ProjectStageEnum": "applications.choices.ProjectStage",
        "MineralGroupEnum": "applications.choices.MineralGroup",
        "USStateEnum": "accounts.choices.USState",
        "AssignmentStatusEnum": "reviews.choices.AssignmentStatus",
        "AwardStatusEnum": "awards.choices.AwardStatus",
        "LetterStatusEnum": "awards.choices.LetterStatus",
        "PaymentFrequencyEnum": "awards.choices.PaymentFrequency",
        "NotificationKindEnum": "notifications.choices.NotificationKind",
        "WebhookEventTypeEnum": "webhooks.choices.EventType",
        "WebhookDeliveryStatusEnum": "webhooks.choices.DeliveryStatus",
        "ApplicationTransitionEnum": "applications.api.serializers.TRANSITION_NAMES",
        "ApplicationHistoryTransitionEnum": "applications.api.serializers.HISTORY_TRANSITION_NAMES",
        "AwardTransitionEnum": "awards.api.serializers.AWARD_TRANSITION_NAMES",
        "WhitePaperStatusEnum": "whitepapers.choices.WhitePaperStatus",
        "WhitePaperTransitionEnum": "whitepapers.api.serializers.TRANSITION_NAMES",
        "WhitePaperDocumentKindEnum": "whitepapers.choices.WhitePaperDocumentKind",
        "PaymentRequestStatusEnum": "payments.choices.PaymentRequestStatus",
        "PaymentRequestTypeEnum": "payments.choices.RequestType",
        "PaymentRequestTransitionEnum": "payments.api.serializers.TRANSITION_NAMES",
        "MilestoneStatusEnum": "postaward.choices.MilestoneStatus",
        "ReportStatusEnum": "postaward.choices.ReportStatus",
        "ReportKindEnum": "postaward.choices.ReportKind",
        "ModificationKindEnum": "postaward.choices.ModificationKind",
        "ModificationStatusEnum": "postaward.choices.ModificationStatus",
        "CountryEnum": "accounts.geography.Country",
        "OwnerCountryEnum": "accounts.api.serializers.OWNER_COUNTRIES",
        "ExclusionCheckResultEnum": "exclusions.choices.CheckResult",
    },
}

# Browser hardening. Every page's script and style comes from our own static files: no inline
# script or style, no eval, no third-party origin (Swagger UI and ReDoc are served from
# drf-spectacular-sidecar's static files). A view that needs more widens it per view with
# csp.decorators (the ReDoc page adds a nonce for the styles it injects).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"report-uri": env("CSP_REPORT_URI")} if env("CSP_REPORT_URI", default="") else {}),
    },
}
# Powerful browser features this system never uses are switched off for every page.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}

# API docs (Swagger UI at /api/docs/, ReDoc at /api/redoc/) require sign-in when this is on
# (the production default): they run a large third-party bundle on the application origin.
API_DOCS_REQUIRE_LOGIN = env.bool("API_DOCS_REQUIRE_LOGIN", default=False)

# Sign-in through login.gov (or any OpenID Connect provider): authorization code flow with
# PKCE (S256) and a nonce, ID token checked against the provider's JWKS, issuer, audience
# and expiry. Enabled when OIDC_RP_CLIENT_ID is set (then every endpoint must be too); the
# login page shows the button only then. Accounts link by VERIFIED email, else a new
# applicant is created (identity/backends.py).
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
_oidc_required = {} if OIDC_ENABLED else {"default": ""}
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", **_oidc_required)
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", **_oidc_required)
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", **_oidc_required)
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", **_oidc_required)
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", **_oidc_required)
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")  # none for a PKCE client
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
# login.gov requires an assurance level; IAL1 with its default AAL2 MFA unless configured.
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {
    "acr_values": env("OIDC_ACR_VALUES", default="http://idmanagement.gov/ns/assurance/ial/1"),
    "prompt": "select_account",
}
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
# Redis: tasks ack late, so a message a worker took stays in Redis until the task ends and
# is redelivered VISIBILITY_TIMEOUT seconds after it was taken if the worker died. It must
# exceed the longest task run and every countdown/ETA (tests/ops/test_celery_config.py
# checks the retry backoffs); socket timeouts keep a publish from hanging a request when
# Redis is unreachable (the outbox publishes later).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
REDIS_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing retries briefly, then gives up: the outbox row stays and beat relays it later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5,
                                    "interval_max": 1}

# Celery. Without a broker URL a real worker runs over the filesystem transport (no server).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(RUN_DIR / "broker" / "queue"),
        "data_folder_out": str(RUN_DIR / "broker" / "queue"),
        "processed_folder": str(RUN_DIR / "broker" / "processed"),
        "control_folder": str(RUN_DIR / "broker" / "control"),
        "store_processed": False,
    }
    # kombu's filesystem transport needs its folders to exist before the first publish
    # (e.g. the demo loader queues emails before `make run` starts the worker).
    for _folder in ("queue", "processed", "control"):
        (RUN_DIR / "broker" / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_TRANSPORT_OPTIONS
# The shared cache (API throttle counts) is Redis, so every worker process counts the same
# requests: CACHE_URL, else the Redis broker. Only a broker-less `make run` (one process)
# falls back to process memory.
CACHE_URL = env("CACHE_URL", default="") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "dpa",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    } if CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
REMINDER_SWEEP_SECONDS = env.int("REMINDER_SWEEP_SECONDS", default=300)
# Outbox (ops.outbox): beat relays tasks the on-commit publish could not send.
OUTBOX_RELAY_SECONDS = env.int("OUTBOX_RELAY_SECONDS", default=15)
OUTBOX_BATCH = env.int("OUTBOX_BATCH", default=200)
# /healthz: the worker is "stale" when the heartbeat task has not run for 2 periods.
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=REMINDER_SWEEP_SECONDS)
HEALTH_BROKER_TIMEOUT = env.float("HEALTH_BROKER_TIMEOUT", default=2.0)
# /metrics: a bearer token, or a client address in these networks (REMOTE_ADDR only).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1/32", "::1/128"])
# Multiprocess metrics (ops/metrics.py): prometheus_client writes there as soon as a metric
# is created, so the directory must exist before any app module is imported.
if env.str("PROMETHEUS_MULTIPROC_DIR", default=""):
    Path(env.str("PROMETHEUS_MULTIPROC_DIR")).mkdir(parents=True, exist_ok=True)
# SAM.gov Exclusions Public Extract (exclusions app): select and award refuse when the newest
# imported extract is older than this; beat imports new files dropped into the folder.
SAM_EXTRACT_MAX_AGE_DAYS = env.int("SAM_EXTRACT_MAX_AGE_DAYS", default=7)
SAM_EXCLUSIONS_FOLDER = env.str("SAM_EXCLUSIONS_FOLDER", default="")
SAM_IMPORT_SECONDS = env.int("SAM_IMPORT_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE = {
    "ops-relay-outbox": {
        "task": "ops.tasks.relay_outbox",
        "schedule": OUTBOX_RELAY_SECONDS,
        "options": {"expires": OUTBOX_RELAY_SECONDS},
    },
    "ops-heartbeat": {
        "task": "ops.tasks.heartbeat",
        "schedule": WORKER_HEARTBEAT_SECONDS,
        "options": {"expires": WORKER_HEARTBEAT_SECONDS},
    },
    # Deadline reminders (notifications/reminders.py); overlapping runs are safe.
    "notifications-sweep-reminders": {
        "task": "notifications.tasks.sweep_reminders",
        "schedule": REMINDER_SWEEP_SECONDS,
        "options": {"expires": REMINDER_SWEEP_SECONDS},
    },
    # Award letters whose task was lost (broker down at commit) are sent again.
    "awards-requeue-stalled-letters": {
        "task": "awards.tasks.requeue_stalled_letters",
        "schedule": 600,
        "options": {"expires": 600},
    },
    # Webhook retries whose backoff has elapsed, and sends whose queueing was lost.
    "webhooks-send-due": {
        "task": "webhooks.tasks.send_due_webhooks",
        "schedule": 60,
        "options": {"expires": 60},
    },
    # Loans 30 days past due are marked delinquent (and cured once repaid); idempotent.
    "payments-mark-delinquent-loans": {
        "task": "payments.tasks.mark_delinquent_loans",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
    # Awards whose period of performance ended enter closeout (idempotent).
    "postaward-start-closeouts": {
        "task": "postaward.tasks.start_due_closeouts",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
    # Modification letters whose task was lost (broker down at commit) are sent again.
    "postaward-requeue-modification-letters": {
        "task": "postaward.tasks.requeue_stalled_modification_letters",
        "schedule": 600,
        "options": {"expires": 600},
    },
    # New SAM exclusion extracts in SAM_EXCLUSIONS_FOLDER (a file's sha256 is imported once).
    "exclusions-import-sam-folder": {
        "task": "exclusions.tasks.import_sam_folder",
        "schedule": SAM_IMPORT_SECONDS,
        "options": {"expires": SAM_IMPORT_SECONDS},
    },
    # Idempotency keys are honoured for 24 hours; older records are deleted daily.
    "api-purge-idempotency-records": {
        "task": "applications.tasks.purge_idempotency_records",
        "schedule": 24 * 3600,
    },
    # Expired API tokens (requests refuse them but no longer sweep them); idempotent.
    "accounts-purge-expired-tokens": {
        "task": "accounts.tasks.purge_expired_tokens",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
}

# Review: flag applications whose review scores spread more than this (0-100 points).
REVIEW_SPREAD_THRESHOLD = env.float("REVIEW_SPREAD_THRESHOLD", default=20.0)
# Reminder offsets before each deadline, in hours (default 7 days and 1 day).
REMINDER_OFFSETS_HOURS = env.list("REMINDER_OFFSETS_HOURS", cast=int, default=[168, 24])
# A reminder's window stays open this long after its offset (and after the deadline for the
# overdue notice); a window missed entirely is not sent late. Deadlines are shown in this zone.
NOTIFICATION_REMINDER_GRACE_HOURS = env.int("NOTIFICATION_REMINDER_GRACE_HOURS", default=24)
NOTIFICATION_DEADLINE_TIME_ZONE = env("NOTIFICATION_DEADLINE_TIME_ZONE", default="America/New_York")
# Awards: days the recipient's AOR has to accept an award after it is issued.
AWARD_ACCEPTANCE_DAYS = env.int("AWARD_ACCEPTANCE_DAYS", default=30)

# Award letters (awards.letters, awards.tasks). Retries back off 5, 10, 20, 40, 80 s (with
# jitter, capped at LETTER_RETRY_BACKOFF_MAX): far below the broker visibility timeout,
# past which Redis would redeliver a waiting retry and run it twice.
LETTER_STYLESHEET = BASE_DIR / "templates" / "letters" / "letter.css"
LETTER_PDF_VARIANT = env("LETTER_PDF_VARIANT", default="pdf/ua-1")
LETTER_OFFICE_NAME = env("LETTER_OFFICE_NAME", default="DPA Title III Program Office")
LETTER_OFFICE_ADDRESS = env.list(
    "LETTER_OFFICE_ADDRESS",
    default=["Office of the Assistant Secretary of Defense for Industrial Base Policy",
             "3330 Defense Pentagon", "Washington, DC 20301-3330"],
)
LETTER_MAX_RETRIES = env.int("LETTER_MAX_RETRIES", default=5)
LETTER_RETRY_BACKOFF = env.int("LETTER_RETRY_BACKOFF", default=5)
LETTER_RETRY_BACKOFF_MAX = env.int("LETTER_RETRY_BACKOFF_MAX", default=600)
# Letters render on the default queue unless LETTER_QUEUE names another (then run a
# worker with -Q celery,<name>).
CELERY_TASK_ROUTES = {
    "awards.tasks.generate_award_letter": {"queue": env("LETTER_QUEUE", default="celery")},
}

# Logs: one JSON object per line in production (LOG_FORMAT=json), readable text for
# `make run` and tests; every record carries the request id (dpa_funding/logging.py).
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
# The worker logs through the LOGGING above (JSON too) instead of Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Sentry, only when a DSN is configured. No personal data is sent (send_default_pii off);
# the Django and Celery integrations are enabled automatically.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=None),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# Webhooks (webhooks/): deliveries retried with exponential backoff (base * 2^(n-1) seconds,
# capped) for WEBHOOK_RETRY_WINDOW_HOURS after the event, then marked failed. Targets must be
# public addresses; WEBHOOK_ALLOWED_NETWORKS (CIDRs) opens private ranges, e.g. a partner VPN.
# WEBHOOK_ALLOW_LOOPBACK_HTTP lets tests send plain HTTP to 127.0.0.1; never in production.
WEBHOOK_RETRY_WINDOW_HOURS = env.int("WEBHOOK_RETRY_WINDOW_HOURS", default=24)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=3600)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])
WEBHOOK_ALLOW_LOOPBACK_HTTP = env.bool("WEBHOOK_ALLOW_LOOPBACK_HTTP", default=False)

# Second factor (django-otp): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="DPA Title III")
# A wrong code slows the next try down (1, 2, 4, ... seconds) on top of the sign-in lockout.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
