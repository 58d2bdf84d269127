"""Django settings, read from environment variables (see docs/configuration.md)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from omstil.lib.env import ConfigurationError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("OMSTIL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY skal være sat, når DEBUG er slået fra. / "
            "SECRET_KEY must be set when DEBUG is off."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"

BASE_URL = env_str("OMSTIL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [BASE_URL])

# Behind HTTPS (the default in production) cookies are secure and browsers are told to stay on it.
HTTPS = env_bool("OMSTIL_HTTPS", default=BASE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("OMSTIL_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("OMSTIL_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("OMSTIL_BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# A session lasts a working day from signing in (or from the last change to it), then the
# person signs in again; closing the browser ends it too.
SESSION_COOKIE_AGE = max(1, env_int("OMSTIL_SESSION_HOURS", 8)) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
# Every page is sent with a Content Security Policy: Omstil's pages use no script at all and
# only their own style sheets, images and fonts (inline SVG charts and QR codes included), so
# nothing injected into a page could run or load from elsewhere. No page may be framed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "omstil.core",
    "omstil.accounts",
    # Before the apps whose `org` and `round` commands it extends: Django runs the first app's.
    "omstil.privacy",
    "omstil.organisations",
    "omstil.instruments",
    "omstil.rounds",
    "omstil.responses",
    "omstil.mapping",
    "omstil.reports",
    "omstil.selfassessment",
    "omstil.development",
    "omstil.programmes",
    "omstil.site",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp marks the user verified when the session holds a device that checked a code;
    # Omstil's rule then sends administrators to set up or enter their second factor.
    "django_otp.middleware.OTPMiddleware",
    "omstil.core.middleware.LanguageMiddleware",
    "omstil.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Logging in (Omstil's page and Django's admin alike) is limited per account and per client
# address by django-axes: after AXES_FAILURE_LIMIT failed attempts, either is locked for
# AXES_COOLOFF_TIME. Attempts are kept in the database, so every server process shares them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("OMSTIL_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("OMSTIL_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "omstil.core.clients.client_address"
AXES_USERNAME_FORM_FIELD = "username"
# Successful logins are not kept as a log of their own: who signed in when is personal data.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

ROOT_URLCONF = "omstil.urls"
WSGI_APPLICATION = "omstil.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "omstil" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'omstil.sqlite3'}"
# Connections are kept, not opened anew for every request (half of a request's cost): on
# PostgreSQL in a pool per process (psycopg's pool, `DATABASE_POOL_SIZE` connections at most,
# by default one per server thread), elsewhere for `DATABASE_CONN_MAX_AGE` seconds. Behind
# PgBouncer (`DATABASE_PGBOUNCER=1`) PgBouncer pools them instead (docs/deployment.md).
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
_database = DATABASES["default"]
_database.setdefault("OPTIONS", {})
_PGBOUNCER = env_bool("DATABASE_PGBOUNCER", default=False)
if _database["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_POOL", default=not _PGBOUNCER
):
    _database["CONN_MAX_AGE"] = 0  # the pool keeps them
    _database["OPTIONS"].setdefault(
        "pool",
        {
            "min_size": max(0, env_int("DATABASE_POOL_MIN_SIZE", 1)),
            "max_size": max(1, env_int("DATABASE_POOL_SIZE", env_int("OMSTIL_THREADS", 4))),
            # Seconds a request waits for a free connection before it fails.
            "timeout": max(1, env_int("DATABASE_POOL_TIMEOUT", 10)),
        },
    )
else:
    _database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    _database["CONN_HEALTH_CHECKS"] = True
if _PGBOUNCER:
    # PgBouncer's transaction pooling cannot hold a cursor open across transactions.
    _database["DISABLE_SERVER_SIDE_CURSORS"] = True
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes.
    _database["OPTIONS"].setdefault(
        # A page cache of up to 64 MB instead of 2 MB: counting a region's answers for its
        # reports reads the whole answer index (`docs/performance.md`).
        "init_command",
        # `secure_delete` overwrites deleted content, so that a deleted person's name is gone from
        # the database file too (docs/privacy.md).
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
        "PRAGMA secure_delete=ON;",
    )
    _database["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    # Wait for the write lock (held briefly by the worker while it hands an e-mail to the server).
    _database["OPTIONS"].setdefault("timeout", 30)


def _cache(url: str) -> dict[str, object]:
    """The shared cache `CACHE_URL` names: unset, the database; redis:// or valkey://, that
    server; locmem://, each process its own (one process only: limits are then per process)."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else "db" if not url else ""
    if scheme == "db":
        return {
            "BACKEND": "omstil.core.cache.DatabaseCache",
            "LOCATION": "omstil_cache",
            # Rate limits add an entry per client address; culling starts only past this many.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    if scheme in ("redis", "rediss", "valkey", "valkeys", "unix"):
        secure = scheme in ("rediss", "valkeys")
        location = (
            url if scheme == "unix" else ("rediss" if secure else "redis") + url[len(scheme) :]
        )
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ConfigurationError(
        f"CACHE_URL={url!r}: ukendt type / unknown scheme (use db://, redis://, rediss://, "
        "valkey://, valkeys://, unix:// or locmem://)"
    )


# What every server process must share (the rate limits, the questionnaires of open rounds) is
# kept in this cache; sessions are kept in the database (docs/deployment.md).
CACHES = {"default": {**_cache(env_str("CACHE_URL")), "KEY_PREFIX": "omstil"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
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

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "omstil" / "locale"]
LANGUAGE_COOKIE_NAME = "omstil_language"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
# "2. dec. 2026" in Danish, "2 Dec 2026" in English, wherever a date is shown (core/formats).
FORMAT_MODULE_PATH = ["omstil.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [("dkfds", BASE_DIR / "node_modules" / "dkfds" / "dist")]
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
MEDIA_ROOT = VAR_DIR / "media"
# Days a zip of every leader's report is kept after it is made (`omstil round tick` deletes it).
OMSTIL_ARCHIVE_DAYS = max(1, env_int("OMSTIL_ARCHIVE_DAYS", 7))
# Organisation and system administrators who sign in locally (a password or a sign-in link)
# must use two-factor authentication (docs/security.md). Off only in the test suite
# (tests/settings.py) or for a trial without authenticator apps.
OMSTIL_TWO_FACTOR_REQUIRED = env_bool("OMSTIL_TWO_FACTOR_REQUIRED", default=True)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Omstil"
# Django's admin lists devices without their keys or recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# How long a link to reset one's password may be used (once). Sign-in links are made the same
# way, so they, too, last at most this long.
PASSWORD_RESET_TIMEOUT = max(1, env_int("OMSTIL_PASSWORD_RESET_MINUTES", 60)) * 60
# How long a sign-in link sent by e-mail may be used (once).
OMSTIL_SIGN_IN_LINK_MINUTES = max(1, env_int("OMSTIL_SIGN_IN_LINK_MINUTES", 30))
OMSTIL_REPORT_READY_LINK_HOURS = max(1, env_int("OMSTIL_REPORT_READY_LINK_HOURS", 72))
# While a round runs, the counts of who took part that leaders and HR see are refreshed this
# often, so that a change cannot be tied to one person's submit (docs/disclosure.md).
OMSTIL_PARTICIPATION_REFRESH_SECONDS = max(0, env_int("OMSTIL_PARTICIPATION_REFRESH_SECONDS", 3600))
# Processes that make the PDFs of such a zip at once (at a lower priority than the web server):
# by default one per core this process may use, at most 4 (each holds WeasyPrint, some 60 MB).
OMSTIL_PDF_PROCESSES = max(1, env_int("OMSTIL_PDF_PROCESSES", min(4, len(os.sched_getaffinity(0)))))


def _subprocessors(name: str) -> list[tuple[str, str, str]]:
    """A list of sub-processors, "name|purpose|location;…", as (name, purpose, location)."""
    found = []
    for entry in env_str(name, "").split(";"):
        if not entry.strip():
            continue
        parts = [part.strip() for part in entry.split("|")]
        if len(parts) > 3 or not parts[0]:
            raise ConfigurationError(
                f"{name}: {entry.strip()!r} is not name|purpose|location "
                "(separate sub-processors with ;)"
            )
        parts += ["", ""]
        found.append((parts[0], parts[1], parts[2]))
    return found


# Who runs Omstil for the organisations (the data processor), how to reach them and their data
# protection officer, the sub-processors they use besides the mail server and an organisation's
# own login, and how many days they keep backups. All are named in each organisation's record
# of processing and draft data processing annex (docs/privacy.md).
OMSTIL_OPERATOR_NAME = env_str("OMSTIL_OPERATOR_NAME", "")
OMSTIL_OPERATOR_CONTACT = env_str("OMSTIL_OPERATOR_CONTACT", "")
OMSTIL_DPO_CONTACT = env_str("OMSTIL_DPO_CONTACT", "")
OMSTIL_SUBPROCESSORS = _subprocessors("OMSTIL_SUBPROCESSORS")
OMSTIL_BACKUP_DAYS = max(1, env_int("OMSTIL_BACKUP_DAYS", 35))

EMAIL_URL = env_str("EMAIL_URL", "console://")
_email = dj_email_url.parse(EMAIL_URL)
if "EMAIL_BACKEND" not in _email:
    raise ImproperlyConfigured(
        f"EMAIL_URL={EMAIL_URL!r}: ukendt type / unknown scheme "
        f"(use one of {', '.join(sorted(dj_email_url.SCHEMES))})"
    )
_smtp = _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {
                "host": _email["EMAIL_HOST"] or "localhost",
                "port": _email["EMAIL_PORT"] or 25,
                "username": _email["EMAIL_HOST_USER"] or "",
                "password": _email["EMAIL_HOST_PASSWORD"] or "",
                "use_tls": bool(_email["EMAIL_USE_TLS"]),
                "use_ssl": bool(_email["EMAIL_USE_SSL"]),
                "timeout": env_int("EMAIL_TIMEOUT", 30),
            }
            if _smtp
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Omstil <omstil@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work runs in two queues, so that making a zip of 2,000 PDFs never holds up an
# invitation: "email" (invitations, reminders, notices) and "files" (zips of reports). Each
# `omstil worker` takes every queue, or those `--queue` names (docs/deployment.md).
TASK_QUEUES = ["email", "files"]
TASKS = {
    "default": {
        "BACKEND": env_str("OMSTIL_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": TASK_QUEUES,
    }
}

INSTRUMENT_LIBRARY_DIR = BASE_DIR / "omstil" / "instruments" / "library"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_tokens": {"()": "omstil.core.logging.RedactTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
CSRF_FAILURE_VIEW = "omstil.core.views.csrf_failure"
