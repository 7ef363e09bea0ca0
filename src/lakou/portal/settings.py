"""Django settings, derived from lakou.yml (never edited by hand)."""

from __future__ import annotations

import secrets
from pathlib import Path

from lakou.i18n import LOCALE_DIR
from lakou.portal.database import parse_database_url
from lakou.portal.setup import active_config

_config = active_config()
DATA_DIR: Path = _config.core.data_dir
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if _config.portal.secret_key:
        return _config.portal.secret_key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = _config.portal.debug
ALLOWED_HOSTS = list(_config.portal.allowed_hosts)
LAKOU_CONFIG = _config
LAKOU_LG_TIMEOUT = _config.portal.lg_timeout

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "lakou.registry",
    "lakou.portal",
    "lakou.operations",
    "ninja",  # serves the API docs (Swagger UI) from local static files, not a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
LOGIN_URL = "/admin/login/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
