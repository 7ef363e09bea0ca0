"""Django settings, derived from lakou.yml (never edited by hand)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from lakou.i18n import LOCALE_DIR
from lakou.portal.database import parse_database_url
from lakou.portal.setup import active_config
from lakou.private import private_dir, private_file

_config = active_config()
DATA_DIR: Path = _config.core.data_dir
private_dir(DATA_DIR)


def _secret_key() -> str:
    if _config.portal.secret_key:
        return _config.portal.secret_key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        private_file(path).write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = _config.portal.debug
ALLOWED_HOSTS = list(_config.portal.allowed_hosts)
# The public names the proxy forwards (Host: ixp.example) are the trusted origins' hosts.
for _origin in _config.portal.trusted_origins:
    _host = urlsplit(_origin).hostname or ""
    _host = "." + _host[2:] if _host.startswith("*.") else _host
    if _host and _host not in ALLOWED_HOSTS:
        ALLOWED_HOSTS.append(_host)
CSRF_TRUSTED_ORIGINS = list(_config.portal.trusted_origins)
LAKOU_CONFIG = _config
LAKOU_LG_TIMEOUT = _config.portal.lg_timeout

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",  # login throttling; its admin pages are the audit of login attempts
    "lakou.registry",
    "lakou.portal",
    "lakou.operations",
    # member accounts; two-factor through django-otp (TOTP + recovery codes)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "lakou.accounts",
    "lakou.peering",  # the peering manager (requests, not-interested marks)
    "ninja",  # serves the API docs (Swagger UI) from local static files, not a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lakou.accounts.twofactor.RequireTwoFactor",  # staff and member admins: 2FA first
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into its answer
]

ROOT_URLCONF = "lakou.portal.urls"
WSGI_APPLICATION = "lakou.portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lakou.portal.context.site",
            ],
        },
    },
]

DATABASES = {"default": parse_database_url(_config.core.effective_database_url())}
if (
    DATABASES["default"]["ENGINE"].endswith("sqlite3")
    and DATABASES["default"]["NAME"] != ":memory:"
):
    # Created empty and 0600 before SQLite opens it (SQLite gives its journal and WAL
    # files the database file's mode), whatever the umask.
    private_file(Path(DATABASES["default"]["NAME"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "lakou.portal.throttle.LoginThrottle",  # first: refuses a locked-out login early
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = _config.core.language
LANGUAGES = [
    (code, name)
    for code, name in (("fr", "Français"), ("en", "English"), ("es", "Español"))
    if code in _config.portal.languages
]
LOCALE_PATHS = [str(LOCALE_DIR)]
USE_I18N = True
TIME_ZONE = "America/Guadeloupe"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = str(DATA_DIR / "static")
LOGIN_URL = "/account/login/"
OTP_TOTP_ISSUER = "lakou"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- web safety (docs/15-operate.md) --------------------------------------------------

# Behind a TLS reverse proxy: its X-Forwarded-Proto says https, cookies only travel over
# HTTPS, and browsers are told to come back over HTTPS only (HSTS, on secure requests).
if _config.portal.behind_proxy:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _config.portal.hsts_seconds
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # the operator's other sites are not ours
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Login throttling (django-axes): N wrong passwords lock the user name, and the client
# address, for the cool-off; every attempt is kept for the admin (Axes > access attempts,
# access failures, access logs).
AXES_FAILURE_LIMIT = _config.portal.login_failure_limit
AXES_COOLOFF_TIME = timedelta(minutes=_config.portal.login_cooloff_minutes)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# waitress puts the client's address in REMOTE_ADDR (from X-Forwarded-For when
# behind_proxy): no other header is believed.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Content-Security-Policy: scripts, styles, fonts and images from the portal itself
# (plotly and the API docs' Swagger UI are served locally), never inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
