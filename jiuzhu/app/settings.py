"""The one settings module. Everything a deployment changes comes from environment variables.

JIUZHU_HOME        where the embedded default keeps its files (default ./var)
DATABASE_URL       postgresql://… to use PostgreSQL instead of SQLite in JIUZHU_HOME
JIUZHU_SECRET_KEY  the secret key (default: generated once into JIUZHU_HOME/secret_key)
JIUZHU_AUDIT_KEY   the audit chain's key (default: generated once into JIUZHU_HOME/audit_key; back it up)
JIUZHU_DEBUG       1 to turn on Django's debug pages (never in production)
JIUZHU_ALLOWED_HOSTS  comma-separated host names (default 127.0.0.1,localhost)
JIUZHU_HTTPS       1 behind a TLS proxy (deploy/nginx): trust its X-Forwarded-Proto, secure cookies
JIUZHU_LOG_FILE    write the JSON-lines log there instead of stderr (JIUZHU_LOG_LEVEL: INFO, WARNING …)
JIUZHU_MIN_FREE_MB /healthz fails below this much free disk in JIUZHU_HOME (default 500)
EMAIL_HOST …       Django's mail settings (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
                   EMAIL_USE_TLS=1, EMAIL_USE_SSL=1, DEFAULT_FROM_EMAIL): notices are e-mailed when EMAIL_HOST is set
JIUZHU_SITE_URL    the platform's address, for whole links in notice e-mails
JIUZHU_UPLOAD_MAX_MB      largest registry file accepted on the upload page and the API (default 100)
JIUZHU_API_CALLS_PER_MINUTE  calls to /api/v1/ a unit may make in a minute before 429 (default 120)
JIUZHU_IMPORTS_AT_ONCE    imports the background workers run at the same time (default 1)
JIUZHU_HOLD_BELOW         a new snapshot with fewer rows than this share of the current one is held (default 0.5)
JIUZHU_PARSE_MEMORY_MB, JIUZHU_PARSE_SECONDS   limits of the process that reads one file (docs/intake.md)
"""

from __future__ import annotations

import os
import secrets

import dj_database_url

from jiuzhu.app.ops.database import SQLITE_NAME
from jiuzhu.app.ops.logs import logging_config
from jiuzhu.engine.home import jiuzhu_home

HOME = jiuzhu_home()
BASE_DIR = os.path.dirname(os.path.abspath(__file__))


def _home_secret(env: str, file_name: str) -> str:
    """From the environment, else generated once into JIUZHU_HOME (owner-only)."""
    if os.environ.get(env):
        return os.environ[env]
    path = HOME / file_name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _home_secret("JIUZHU_SECRET_KEY", "secret_key")
# Keys the audit chain and the keyed hashes of personal values in it (accounts/chain.py). Kept out of the
# database on purpose: whoever can write the database but lacks this key cannot forge the trail.
JIUZHU_AUDIT_KEY = _home_secret("JIUZHU_AUDIT_KEY", "audit_key")
DEBUG = os.environ.get("JIUZHU_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("JIUZHU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "jiuzhu.app.accounts",
    "jiuzhu.app.config",
    "jiuzhu.app.clues",
    "jiuzhu.app.persons",
    "jiuzhu.app.casework",
    "jiuzhu.app.referrals",
    "jiuzhu.app.reports",
    "jiuzhu.app.web",
    "jiuzhu.app.api",
    "jiuzhu.app.jobs",
    "jiuzhu.app.registries",
    "axes",  # login throttling and lock-out
    "ninja",  # serves the API docs' Swagger files locally instead of from a CDN
]

MIDDLEWARE = [
    "jiuzhu.app.ops.logs.RequestLogMiddleware",  # first: its duration covers the whole request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jiuzhu.app.web.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jiuzhu.app.web.middleware.AuditContextMiddleware",
    "jiuzhu.app.web.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "jiuzhu.app.urls"
WSGI_APPLICATION = "jiuzhu.app.wsgi.application"

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
                "jiuzhu.app.accounts.context.current_profile",
                "jiuzhu.app.web.context.navigation",
            ],
        },
    },
]

_db_url = os.environ.get("DATABASE_URL")
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(HOME / SQLITE_NAME),
            # Wait for a writer instead of failing at once: the CLI and the web app share the file.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = str(HOME / "static")
(HOME / "static").mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve from the package in the embedded default: no collectstatic step
MEDIA_ROOT = str(HOME / "uploads")

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "jiuzhu.app.web.errors.csrf_failure"

# --- Hardening (docs/security.md) ---------------------------------------------------------------------------
# Idle sessions end: JIUZHU_SESSION_IDLE_MINUTES without a request logs out. A request renews the session at most
# once a minute (web.middleware.SessionRenewalMiddleware), not on every page: one write a minute, not one a page.
SESSION_COOKIE_AGE = int(os.environ.get("JIUZHU_SESSION_IDLE_MINUTES", "30")) * 60
# Django's database sessions; each page's read of its session in SQL written once (accounts/sessions.py)
SESSION_ENGINE = "jiuzhu.app.accounts.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): JIUZHU_LOGIN_FAILURES wrong passwords for one user name from one address lock
# that pair out for JIUZHU_LOCKOUT_MINUTES; the right password is refused meanwhile.
AUTHENTICATION_BACKENDS = [
    "jiuzhu.app.accounts.backends.ThrottledLogins",
    "jiuzhu.app.accounts.backends.Accounts",  # ModelBackend, the user read with profile and unit
]
AXES_FAILURE_LIMIT = int(os.environ.get("JIUZHU_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("JIUZHU_LOCKOUT_MINUTES", "30")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # its pages list typed user names (sometimes passwords); none in the admin
AXES_LOCKOUT_CALLABLE = "jiuzhu.app.web.errors.locked_out"
AXES_VERBOSE = False  # its log lines carry the typed user name; the audit trail has the attempts
AXES_CLIENT_IP_CALLABLE = "jiuzhu.app.accounts.audit.client_ip"
# How many proxies of ours stand before the platform (nginx: 1): the client's address is then the one they
# appended to X-Forwarded-For; anything a client wrote there itself is ignored.
PROXY_COUNT = int(os.environ.get("JIUZHU_PROXY_COUNT", "0"))

# Passwords (等级保护 practice): 12 characters or more, three kinds of character, not common, not all digits,
# not like the user's own name.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jiuzhu.app.accounts.passwords.CharacterKindsValidator", "OPTIONS": {"kinds": 3}},
]

# HTTPS behind a TLS proxy (nginx): JIUZHU_HTTPS=1 turns on secure cookies, redirects and HSTS and trusts the
# proxy's X-Forwarded-Proto; JIUZHU_CSRF_TRUSTED_ORIGINS lists the https:// origins users type.
HTTPS = os.environ.get("JIUZHU_HTTPS", "") == "1"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]  # the local health probe speaks plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("JIUZHU_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("JIUZHU_HSTS_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("JIUZHU_HSTS_PRELOAD", "1") == "1"
_origins = os.environ.get("JIUZHU_CSRF_TRUSTED_ORIGINS", "")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in _origins.split(",") if o.strip()] or (
    [f"https://{h}" for h in ALLOWED_HOSTS if h and h not in ("testserver",)] if HTTPS else [])
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Only the platform's own files: no inline script or style, no other site (jiuzhu.app.web.middleware).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Files the platform writes in JIUZHU_HOME (databases, uploads, reports) are the owner's alone.
os.umask(0o077)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jiuzhu@localhost")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
# The address users open the platform at, so that links in notice e-mails are whole (e.g. https://jiuzhu.example)
SITE_URL = os.environ.get("JIUZHU_SITE_URL", "")

# Uploads and background jobs (docs/intake.md "Limits").
JIUZHU_UPLOAD_MAX_MB = int(os.environ.get("JIUZHU_UPLOAD_MAX_MB", "100"))
# Calls a unit may make to /api/v1/ in a minute (all its tokens together); more get 429.
JIUZHU_API_CALLS_PER_MINUTE = int(os.environ.get("JIUZHU_API_CALLS_PER_MINUTE", "120"))
JIUZHU_IMPORTS_AT_ONCE = int(os.environ.get("JIUZHU_IMPORTS_AT_ONCE", "1"))
# Django chmods stored uploads itself (default 0644, whatever the umask): owner only, like everything in the home.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_HANDLERS = [
    "jiuzhu.app.referrals.services.upload.SizeLimitUploadHandler",  # stops a file over the limit
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# JSON lines to stderr (or JIUZHU_LOG_FILE): one line per request with its id, user, unit and duration;
# warnings and errors of the rest; no request bodies, paths or query strings (jiuzhu/app/ops/logs.py).
LOGGING = logging_config(os.environ.get("JIUZHU_LOG_FILE", ""), os.environ.get("JIUZHU_LOG_LEVEL", "INFO"))
# django-axes warns of each failed login with the typed user name: the audit trail has them, keyed.
LOGGING.setdefault("loggers", {})["axes"] = {"level": "ERROR"}
