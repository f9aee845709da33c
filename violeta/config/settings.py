"""Violeta's one settings module. Everything an operator may change is an environment variable.

See README.md ("Configuración") for the full list. Nothing here is read by app code at import
time: apps read ``django.conf.settings`` when they need a value.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from violeta.config.env import Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / env.get_str("VIOLETA_VAR_DIR", "var")  # relative paths: to the checkout

DEBUG = env.get_bool("DEBUG", default=False)


def _secret_key() -> str:
    explicit = env.get_optional_str("SECRET_KEY")
    if explicit:
        if len(explicit) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
        return explicit
    # `make run` and `make test` write this file; production sets SECRET_KEY or SECRET_KEY_FILE.
    generated = VAR_DIR / "secret_key"
    if generated.exists():
        return generated.read_text(encoding="utf-8").strip()
    if DEBUG:
        return secrets.token_urlsafe(64)
    raise ImproperlyConfigured(
        "SECRET_KEY must be set (or SECRET_KEY_FILE), or run `make run` to create var/secret_key."
    )


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "violeta.config",
    "violeta.audit",
    "violeta.crypto",
    "violeta.accounts",
    "violeta.catalogs",
    "violeta.notifications",
    "violeta.protocols",
    "violeta.cases",
    "violeta.detection",
    "violeta.referrals",
    "violeta.sanctions",
    "violeta.reports",
    "violeta.training",
    "violeta.stats",
    "violeta.synthetic",
    "violeta.bench",
    "violeta.portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything below, so that every response but a static file is seen by both:
    # redirects, CSRF failures, lockouts and error pages included.
    "violeta.config.middleware.PrivateCacheControlMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "violeta.portal.middleware.SpanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "violeta.config.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "violeta.accounts.middleware.SecondFactorRequiredMiddleware",
    "violeta.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout detected during login into our page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "violeta.config.urls"
WSGI_APPLICATION = "violeta.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "violeta" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "violeta.portal.context_processors.site",
                "violeta.notifications.context_processors.notices",
            ],
        },
    },
]

# Widgets (a select of every dependencia, type and stage, a formset's fields) are rendered with
# Django's own Jinja2 widget templates where they exist: the same markup, a fraction of the time.
FORM_RENDERER = "violeta.config.renderers.WidgetRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env.get_url("DATABASE_URL", schemes=("sqlite", "postgres", "postgresql"))
if DATABASE_URL is None:
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'violeta.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env.get_int("DATABASE_CONN_MAX_AGE", default=60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, writing small multi-row inserts as VALUES (violeta.backends).
    DATABASES["default"]["ENGINE"] = "violeta.backends.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer writes; IMMEDIATE takes the write lock at the
    # start of each transaction, so two writers queue (up to the timeout) instead of failing
    # half-way. Tests use a file too: the in-memory test database locks whole tables.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # One file per test process, so two test runs at once never share (and destroy) one.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"violeta-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, rate-limit counters ---------------------------------------------------
# With REDIS_URL every app server shares one cache, so sessions and counters survive a request
# landing on another server. Without it the process-local cache is enough for one machine.
REDIS_URL = env.get_url("REDIS_URL", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "violeta",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.get_int("SESSION_IDLE_MINUTES", default=15, minimum=1, maximum=720) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age above is therefore an inactivity timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AUTHENTICATION_BACKENDS = [
    # django-axes refuses a locked-out login before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Second factor (django-otp) -------------------------------------------------------------
# Who must use one is decided by violeta.accounts.roles.requires_second_factor; the middleware
# violeta.accounts.middleware enforces it on every page.
OTP_TOTP_ISSUER = "Violeta"
# Seconds to wait after the first wrong code, doubling with each further one (1, 2, 4, ...).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# --- Failed logins (django-axes) ------------------------------------------------------------
AXES_FAILURE_LIMIT = env.get_int("LOGIN_MAX_FAILURES", default=5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = timedelta(
    minutes=env.get_int("LOGIN_LOCKOUT_MINUTES", default=15, minimum=1, maximum=24 * 60)
)
# Failures are counted per account *and* address together. By account alone, anybody who knows
# a colleague's e-mail (the person she reported, say) could keep her out of Violeta from any
# computer by typing wrong passwords. By address alone, one person in an office behind a shared
# address would lock out the whole office. Together, an attacker can only lock the account out
# from where the attacker is; guessing from many addresses is still slow (Argon2, 12-character
# passwords), and a guessed password alone does not reach case data: those roles also need the
# second factor, whose own failures count here too (see accounts.views).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "violeta.accounts.lockout.username_for_lockout"
AXES_CLIENT_IP_CALLABLE = "violeta.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "violeta.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# A successful login clears the count, so a few typos spread over weeks never add up.
AXES_RESET_ON_SUCCESS = True
# The lockout page tells the person when she may try again; further attempts during the
# lockout must not move that time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Kept in the database so every app server and restart sees the same counts. Only the counters
# the lockout needs are kept, and they expire with the cool-off; who logged in when is the
# audit log's business, not a second, unmanaged copy here.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Administración unlocks accounts from the user list (an admin action), not from axes' tables.
AXES_ENABLE_ADMIN = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code"]
# Quiet: no start-up banner in every command's output, and no user agents in the logs.
AXES_VERBOSE = False

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", _("Español (México)")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "violeta" / "locale"]
LANGUAGE_COOKIE_NAME = "violeta_idioma"
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.get_str("TIME_ZONE", default="America/Chihuahua")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known time zone.") from exc

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.get_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Served by WhiteNoise from STATIC_ROOT after `collectstatic`, or straight from the apps when
# that has not been run (development, tests).
WHITENOISE_USE_FINDERS = True
# Encrypted attachments (violeta.crypto.attachments): only ciphertext, under random names, is
# written here, and never served by URL (a view decrypts and sends it). Production may point
# the "attachments" entry at S3-compatible object storage instead (e.g. django-storages), so
# app servers keep no uploads; see docs/architecture.md. Relative paths: to the checkout.
ATTACHMENTS_DIR = BASE_DIR / env.get_str("ATTACHMENTS_DIR", str(VAR_DIR / "attachments"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(ATTACHMENTS_DIR),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}

# --- HTTP security --------------------------------------------------------------------------
# Production sits behind a TLS-terminating proxy; see README ("Despliegue").
SECURE_COOKIES = env.get_bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "violeta_sesion"
CSRF_COOKIE_NAME = "violeta_csrf"
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", default=False)
# Behind the proxy, the client's address for login lockouts is the last X-Forwarded-For entry,
# the one our proxy added (violeta.accounts.lockout.client_ip).
BEHIND_TLS_PROXY = env.get_bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.get_int(
    "SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.get_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only our own files: no inline script or style, no third-party origin, no framing, no plugins.
# The public pages, the staff pages and the Django admin all work under it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Django's W003 looks for its own CSRF middleware by name; ours subclasses it (see
# violeta/config/csrf.py) and violeta.config.checks verifies it is installed instead.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

# --- Encryption keys ------------------------------------------------------------------------
# The keyring (key-encryption keys and the blind-index key) lives outside the database: a copy
# of the database or of its backups alone decrypts nothing. See docs/security.md.
VIOLETA_KEY_PROVIDER = env.get_str("VIOLETA_KEY_PROVIDER", "violeta.crypto.keys.FileKeyProvider")
VIOLETA_KEYRING = env.get_optional_str("VIOLETA_KEYRING")
VIOLETA_KEYRING_FILE = str(
    BASE_DIR / env.get_str("VIOLETA_KEYRING_FILE", str(VAR_DIR / "keyring.json"))
)

# --- Cases ----------------------------------------------------------------------------------
CASE_FOLIO_PREFIX = env.get_str("CASE_FOLIO_PREFIX", "IMM")
# How long an acceso de emergencia (break-glass) lasts.
EMERGENCY_ACCESS_MINUTES = env.get_int(
    "EMERGENCY_ACCESS_MINUTES", default=120, minimum=5, maximum=1440
)
# The comité's quorum; 0 means a majority of its active members.
COMITE_QUORUM = env.get_int("COMITE_QUORUM", default=0, minimum=0, maximum=50)
# Days before a medida de protección ends when those who conduct the procedure are warned.
MEASURE_REMINDER_DAYS = env.get_int("MEASURE_REMINDER_DAYS", default=3, minimum=1, maximum=60)


# The public address of the site, printed on constancias and in their QR codes.
PUBLIC_BASE_URL = env.get_str("PUBLIC_BASE_URL", "")


# --- Public reporting channel ---------------------------------------------------------------
def _receipt_pepper() -> str:
    """The secret mixed into every receipt's hash, kept outside the database: RECEIPT_PEPPER,
    or the file `make run` and `make test` write (shared by every app server in production)."""
    explicit = env.get_optional_str("RECEIPT_PEPPER")
    if explicit:
        if len(explicit) < 32:
            raise ImproperlyConfigured("RECEIPT_PEPPER must be at least 32 characters long.")
        return explicit
    generated = VAR_DIR / "receipt_pepper"
    if generated.exists():
        return generated.read_text(encoding="utf-8").strip()
    return ""  # the deploy check and the first report say it is missing


RECEIPT_PEPPER = _receipt_pepper()
RECEIPT_ARGON2_TIME_COST = env.get_int("RECEIPT_ARGON2_TIME_COST", default=3, minimum=1, maximum=10)
RECEIPT_ARGON2_MEMORY_KIB = env.get_int(
    "RECEIPT_ARGON2_MEMORY_KIB", default=65536, minimum=1024, maximum=1048576
)
# Reports never turned into a case are destroyed this many days after they arrive; staff are
# warned REPORT_EXPIRY_WARNING_DAYS before.
# Statistics: a published cell counting fewer people than this is suppressed (with its
# complements). 5 follows the GBVIMS information-sharing practice; never lower than 3.
STATS_MIN_CELL = env.get_int("STATS_MIN_CELL", default=5, minimum=3, maximum=50)
# INEGI keys of the state and municipality that register, for the national registry's export
# (08 Chihuahua; 019 the municipality of Chihuahua).
STATS_ENTIDAD = env.get_str("STATS_ENTIDAD", default="08")
STATS_MUNICIPIO = env.get_str("STATS_MUNICIPIO", default="019")
REPORT_RETENTION_DAYS = env.get_int("REPORT_RETENTION_DAYS", default=90, minimum=7, maximum=3650)
REPORT_EXPIRY_WARNING_DAYS = env.get_int(
    "REPORT_EXPIRY_WARNING_DAYS", default=7, minimum=1, maximum=60
)
REPORT_MAX_UPLOAD_MB = env.get_int("REPORT_MAX_UPLOAD_MB", default=10, minimum=1, maximum=50)
# Abuse resistance: reports per client per hour, wrong receipts per client per 15 minutes, and
# the least seconds a person takes to fill the form (faster is a program).
REPORT_SUBMIT_LIMIT = env.get_int("REPORT_SUBMIT_LIMIT", default=5, minimum=1, maximum=1000)
RECEIPT_FAILURE_LIMIT = env.get_int("RECEIPT_FAILURE_LIMIT", default=5, minimum=1, maximum=100)
REPORT_MIN_SECONDS = env.get_int("REPORT_MIN_SECONDS", default=5, minimum=0, maximum=600)

# --- E-mail -----------------------------------------------------------------------------------
# Notices by e-mail never carry case details. Without EMAIL_HOST they are printed to the console.
EMAIL_HOST = env.get_optional_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.get_int("EMAIL_PORT", default=587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "violeta@localhost")
# Public address of this installation, for links in e-mails.
SITE_URL = env.get_url("SITE_URL", schemes=("https", "http")) or "http://127.0.0.1:8000"

# --- Protocols ---------------------------------------------------------------------------------
DEFAULT_PROTOCOL = env.get_str("DEFAULT_PROTOCOL", "chihuahua-municipal")

# --- Site -----------------------------------------------------------------------------------
# Where "Salida rápida" sends a visitor: a neutral page that says nothing about this site.
QUICK_EXIT_URL = (
    env.get_url("QUICK_EXIT_URL", schemes=("https",))
    or "https://www.google.com/search?q=clima+chihuahua"
)

DEFAULT_EXCEPTION_REPORTER_FILTER = "violeta.config.reporting.ConfidentialExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", default="INFO")},
}
