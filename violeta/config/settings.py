"""Violeta's one settings module. Everything an operator may change is an environment variable.

See README.md ("Configuración") for the full list. Nothing here is read by app code at import
time: apps read ``django.conf.settings`` when they need a value.
"""

from __future__ import annotations

import secrets
import zoneinfo
from pathlib import Path

import dj_database_url
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
    "violeta.accounts",
    "violeta.catalogs",
    "violeta.portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "violeta.portal.middleware.SpanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "violeta.config.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            ],
        },
    },
]

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
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
if env.get_bool("BEHIND_TLS_PROXY", default=False):
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
# Django's W003 looks for its own CSRF middleware by name; ours subclasses it (see
# violeta/config/csrf.py) and violeta.config.checks verifies it is installed instead.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

# --- Site -----------------------------------------------------------------------------------
# Where "Salida rápida" sends a visitor: a neutral page that says nothing about this site.
QUICK_EXIT_URL = (
    env.get_url("QUICK_EXIT_URL", schemes=("https",))
    or "https://www.google.com/search?q=clima+chihuahua"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", default="INFO")},
}
