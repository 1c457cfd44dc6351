"""Django settings, all read from the environment (documented in .env.example)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import dj_database_url

from pilar.conf import PROJECT_ROOT, env_bool, env_int, env_list, env_str, pilar_home

BASE_DIR = PROJECT_ROOT
PILAR_HOME = pilar_home()

DEBUG = env_bool("PILAR_DEBUG", False)
# A development key is generated into PILAR_HOME so `make demo` needs no set-up;
# production sets PILAR_SECRET_KEY.
SECRET_KEY = env_str("PILAR_SECRET_KEY")
if not SECRET_KEY:
    _key_file = PILAR_HOME / "secret_key"
    if not _key_file.exists():
        import secrets

        PILAR_HOME.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env_list("PILAR_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("PILAR_CSRF_TRUSTED_ORIGINS", [])

# The deployment's regency (Kemendagri code): its kecamatan and kelurahan are
# the areas users and data belong to.
PILAR_REGION = env_str("PILAR_REGION", "36.71")
# Roles for which an admin may require TOTP; the policy itself is data (SecurityPolicy).
PILAR_DEMO_PASSWORD = env_str("PILAR_DEMO_PASSWORD", "pilar-demo-2026")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the API docs (Swagger UI) from its static files, no CDN
    "pilar.core",
    # After pilar.core, whose `db_worker` command (a worker that survives a database
    # outage, pilar/core/worker.py) replaces django-tasks-db's.
    "django_tasks",
    "django_tasks_db",
    "pilar.regions",
    "pilar.accounts",
    "pilar.audit",
    "pilar.ppks",
    "pilar.psks",
    "pilar.registry",
    "pilar.exports",
    "pilar.imports",
    "pilar.dedup",
    "pilar.submissions",
    "pilar.freshness",
    "pilar.fieldapp",
    "pilar.assessments",
    "pilar.programs",
    "pilar.cases",
    "pilar.renovations",
    "pilar.figures",
    "pilar.pdp",
    "pilar.performance",
    "pilar.recaps",
    "pilar.web",
    "pilar.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files keep their own caching headers.
    "pilar.core.security.SecurityHeadersMiddleware",
    "pilar.core.middleware.ApiJsonErrorsMiddleware",
    "pilar.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the idle timeout, which leaves a notice for the login page.
    "django.contrib.messages.middleware.MessageMiddleware",
    "pilar.accounts.middleware.IdleTimeoutMiddleware",
    "pilar.core.ratelimit.ApiRateLimitMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pilar.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pilar.audit.middleware.HistoryContextMiddleware",
    "pilar.audit.middleware.DisclosureLogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pilar.urls"
WSGI_APPLICATION = "pilar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pilar" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pilar.core.context_processors.pilar",
                "pilar.submissions.context_processors.submissions",
            ],
        },
    },
]


def _database_url() -> str:
    url = env_str("DATABASE_URL")
    if url:
        return url
    # Only without DATABASE_URL: a production server never loads the embedded one.
    from pilar import embedded_db

    pgdata = Path(env_str("PILAR_PGDATA", str(PILAR_HOME / "pgdata")))
    uri = embedded_db.start(pgdata, throwaway=env_bool("PILAR_PGDATA_THROWAWAY"))
    return embedded_db.ensure_database(uri, "pilar")


def _database_config(url: str) -> dict:
    parsed = urlparse(url)
    socket_host = parse_qs(parsed.query).get("host", [None])[0]
    if socket_host:  # unix-socket URL from the embedded server
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parsed.path.lstrip("/") or "postgres",
            "USER": parsed.username or "postgres",
            "PASSWORD": parsed.password or "",
            "HOST": socket_host,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    # Persistent connections are checked before each request reuses them, so the first
    # request after a database restart opens a fresh one instead of failing.
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    config["ENGINE"] = "django.db.backends.postgresql"
    return dict(config)


DATABASES = {"default": _database_config(_database_url())}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: lock a username+IP after repeated failures.
AXES_FAILURE_LIMIT = env_int("PILAR_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("PILAR_LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# Behind a reverse proxy: the proxies whose X-Forwarded-For is believed (addresses or
# CIDR networks, comma-separated), so lockout and the access log see the real client
# (pilar/accounts/network.py). Empty: the connecting address is the client.
PILAR_TRUSTED_PROXIES = env_list("PILAR_TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "pilar.accounts.network.client_ip"
# Failed logins from one address across all usernames (password spraying) within the
# cool-off time before that address is refused; higher than the per-account limit
# because an office behind one NAT address shares it.
PILAR_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("PILAR_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
# A session unused this long is logged out (0 = only the absolute PILAR_SESSION_SECONDS).
PILAR_IDLE_MINUTES = env_int("PILAR_IDLE_MINUTES", 30)
# API requests per minute per token, session or (anonymous) address; beyond: 429 with
# Retry-After. Counted in the cache (per web process unless a shared cache is set).
PILAR_API_RATE_PER_MINUTE = env_int("PILAR_API_RATE_PER_MINUTE", 600)

OTP_TOTP_ISSUER = "Pilar"
# Roles that must log in with TOTP whatever the admin's security policy says
# (comma list of admin, dinsos, pimpinan, tksk, psm, mitra).
PILAR_REQUIRE_2FA_ROLES = env_list("PILAR_REQUIRE_2FA_ROLES", [])
# API tokens: days until `pilar token create` tokens expire (0 = never; --days
# overrides), and the field app's device tokens.
PILAR_TOKEN_DAYS = env_int("PILAR_TOKEN_DAYS", 90)
PILAR_FIELD_TOKEN_DAYS = env_int("PILAR_FIELD_TOKEN_DAYS", 30)
# Field packages (pilar.fieldapp.package): built households kept per area and data
# version under PILAR_CACHE_DIR; at most this many built at once per server process.
PILAR_CACHE_DIR = Path(env_str("PILAR_CACHE_DIR", str(PILAR_HOME / "cache")))
PILAR_FIELD_PACKAGE_BUILDS = env_int("PILAR_FIELD_PACKAGE_BUILDS", 2)

# Always Indonesian: no LocaleMiddleware, one language, so dates, numbers ("1.234.567",
# "12,5") and Django's own texts (admin, form errors) never follow the browser's
# language (decisions.md, item on one language).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
TIME_ZONE = env_str("PILAR_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("PILAR_STATIC_ROOT", str(PILAR_HOME / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = PILAR_HOME / "media"

# Background work (imports, dedup runs): tasks are rows in PostgreSQL, run by
# `pilar db_worker` (started alongside the web server by `pilar serve`/`pilar demo`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /healthz (pilar/core/health.py): the worker fails the check when a ready task has
# waited longer than this; the disk when a volume has less free space than this.
PILAR_HEALTH_QUEUE_SECONDS = env_int("PILAR_HEALTH_QUEUE_SECONDS", 600)
PILAR_HEALTH_MIN_FREE_MB = env_int("PILAR_HEALTH_MIN_FREE_MB", 1024)
# Largest import file accepted from the web page (the CLI can raise it with --max-mb).
PILAR_IMPORT_MAX_BYTES = env_int("PILAR_IMPORT_MAX_MB", 50) * 1024 * 1024
# Verification chain (verivali) options of the deployment (docs/operations.md).
# A kelurahan deliberation must approve a report before the TKSK verifies it.
PILAR_VERIVALI_MUSYAWARAH = env_bool("PILAR_VERIVALI_MUSYAWARAH", False)
# Validated reports are ratified in batches by a mayor's decree (SK).
PILAR_VERIVALI_SK = env_bool("PILAR_VERIVALI_SK", False)
# Largest evidence photo accepted (the field app resizes photos to ~200-400 KB).
PILAR_REPORT_PHOTO_MAX_BYTES = env_int("PILAR_REPORT_PHOTO_MAX_KB", 1536) * 1024
# Household assessments (docs/operations.md): a household is poor when at least this
# many of BPS's 14 criteria hold; a house is RTLH when its floor area per person is
# under PILAR_RTLH_M2_PER_PERSON m² (or another criterion fails); every assessment is
# due again after PILAR_REASSESS_MONTHS months.
PILAR_POOR_THRESHOLD = env_int("PILAR_POOR_THRESHOLD", 9)
PILAR_REASSESS_MONTHS = env_int("PILAR_REASSESS_MONTHS", 12)
PILAR_RTLH_M2_PER_PERSON = Decimal(env_str("PILAR_RTLH_M2_PER_PERSON", "7.2"))
# An import adding at least this many rows (and half a table's size) loads that table
# with its secondary indexes dropped and rebuilt, locking it meanwhile (operations.md).
PILAR_IMPORT_BULK_MIN_ROWS = env_int("PILAR_IMPORT_BULK_MIN_ROWS", 50_000)
PILAR_IMPORT_WORKERS = env_int("PILAR_IMPORT_WORKERS", 0)  # row-check processes; 0 = auto
# Uploads (the import form) must not be held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Largest request body other than uploaded files (Django's default, 2.5 MB): beyond it
# the answer is 413 (pilar.core.failures).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("PILAR_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS (docs/operations.md, "Production settings"). Behind a reverse proxy that ends
# TLS, PILAR_PROXY_SSL_HEADER=1 makes Django trust its X-Forwarded-Proto: https (only
# safe when the proxy sets or strips that header on every request).
if env_bool("PILAR_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("PILAR_SSL_REDIRECT", False)
# Exempt from the redirect: the health check a load balancer calls over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("PILAR_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PILAR_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("PILAR_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (pilar/core/security.py): empty = Pilar's own policy.
PILAR_CSP = env_str("PILAR_CSP", "")
PILAR_CSP_REPORT_ONLY = env_bool("PILAR_CSP_REPORT_ONLY", False)
SESSION_COOKIE_AGE = env_int("PILAR_SESSION_SECONDS", 8 * 3600)


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("PILAR_LOG_LEVEL", "WARNING")},
    # While the database is down, and for an expected refusal (403, 404...): one line
    # per request with its reason, not a traceback.
    "filters": {
        "quiet_db_outage": {"()": "pilar.core.failures.QuietDatabaseOutage"},
        "one_line_refusals": {"()": "pilar.core.failures.OneLineRefusals"},
    },
    "loggers": {"django.request": {"filters": ["quiet_db_outage", "one_line_refusals"]}},
}

# Days between follow-up visits of an open case (pilar.cases).
PILAR_CASE_FOLLOWUP_DAYS = env_int("PILAR_CASE_FOLLOWUP_DAYS", 30)

# Bedah Rumah (pilar.renovations): the largest photo accepted (photos are stored
# re-encoded at most 1600 px), and the year the city aims to have no RTLH left.
PILAR_RENOVATION_PHOTO_MAX_BYTES = env_int("PILAR_RENOVATION_PHOTO_MAX_KB", 8192) * 1024
PILAR_RTLH_TARGET_YEAR = env_int("PILAR_RTLH_TARGET_YEAR", 2030)

# Official documents (recaps, the monthly report): letterhead and signature
# (docs/operations.md). Blank government/place are taken from PILAR_REGION's name.
PILAR_OFFICE_GOVERNMENT = env_str("PILAR_OFFICE_GOVERNMENT", "")
PILAR_OFFICE_NAME = env_str("PILAR_OFFICE_NAME", "Dinas Sosial")
PILAR_OFFICE_ADDRESS = env_str("PILAR_OFFICE_ADDRESS", "")
PILAR_OFFICE_PLACE = env_str("PILAR_OFFICE_PLACE", "")
PILAR_OFFICE_HEAD_TITLE = env_str("PILAR_OFFICE_HEAD_TITLE", "Kepala Dinas Sosial")
PILAR_OFFICE_HEAD_NAME = env_str("PILAR_OFFICE_HEAD_NAME", "")
PILAR_OFFICE_HEAD_NIP = env_str("PILAR_OFFICE_HEAD_NIP", "")

# Open data (Satu Data Indonesia): aggregated recaps per kecamatan as CSV with a
# data.json catalogue, served without login only when turned on; a count below
# PILAR_OPEN_DATA_MIN_CELL (but above zero) is suppressed.
PILAR_OPEN_DATA = env_bool("PILAR_OPEN_DATA", False)
PILAR_OPEN_DATA_MIN_CELL = env_int("PILAR_OPEN_DATA_MIN_CELL", 5)
# The dashboard map draws the boundaries alone (works offline); an office with a tile
# server may set a URL template such as https://tiles.example.go.id/{z}/{x}/{y}.png.
PILAR_MAP_TILE_URL = env_str("PILAR_MAP_TILE_URL", "")
PILAR_MAP_TILE_ATTRIBUTION = env_str("PILAR_MAP_TILE_ATTRIBUTION", "")

# Personal data law (pilar.pdp): persons dead or moved away for this many years are
# minimised (specific data blanked, older history removed), and archived (written to
# the archive file, live row pseudonymised) after the second figure. A request or a
# breach is "at risk" this many hours before its 3x24-hour deadline.
PILAR_RETENTION_MINIMISE_YEARS = env_int("PILAR_RETENTION_MINIMISE_YEARS", 5)
PILAR_RETENTION_ARCHIVE_YEARS = env_int("PILAR_RETENTION_ARCHIVE_YEARS", 10)
PILAR_PDP_AT_RISK_HOURS = env_int("PILAR_PDP_AT_RISK_HOURS", 24)

# PSKS at work (issue 17). A decree (SK) is flagged this many days before it ends.
PILAR_SK_WARNING_DAYS = env_int("PILAR_SK_WARNING_DAYS", 60)
# Data freshness: a household is visited again at the latest this many months after
# its last verification (UU 13/2011 art. 8: at least every two years), before the
# national update cut-off that would otherwise carry stale data (DTSEN, quarterly:
# each item MM-DD recurs every year, YYYY-MM-DD is a single date), and within
# PILAR_FRESHNESS_EVENT_DAYS days of an event (death, disaster, move).
PILAR_FRESHNESS_MONTHS = env_int("PILAR_FRESHNESS_MONTHS", 24)
PILAR_DTSEN_CUTOFFS = env_list("PILAR_DTSEN_CUTOFFS", ["03-31", "06-30", "09-30", "12-31"])
PILAR_FRESHNESS_EVENT_DAYS = env_int("PILAR_FRESHNESS_EVENT_DAYS", 30)
# The work list shows visits due within this many days.
PILAR_FRESHNESS_SOON_DAYS = env_int("PILAR_FRESHNESS_SOON_DAYS", 30)
# A TKSK is notified when this share (percent) of their kecamatan's households is overdue.
PILAR_OVERDUE_ALERT_PERCENT = env_int("PILAR_OVERDUE_ALERT_PERCENT", 10)
# Where archiving writes the archived persons' records (default MEDIA_ROOT/arsip).
PILAR_ARCHIVE_DIR = env_str("PILAR_ARCHIVE_DIR", "")
