"""One settings module, read from the environment (see docs/operations.md)."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from trygg import config

BASE_DIR = Path(__file__).resolve().parent
MODE = config.mode()
PRODUCTION = MODE == "production"
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(MODE, DATA_DIR)
DEBUG = config.env_bool("TRYGG_DEBUG", False)
ALLOWED_HOSTS = config.env_list(
    "TRYGG_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = config.env_list("TRYGG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "trygg.core",
    "trygg.geo",
    "trygg.reports",
    "trygg.situation",
    "trygg.measures",
    "trygg.walks",
    "trygg.agreements",
    "simple_history",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "trygg.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages, to say why someone is sent to set up a second factor.
    "trygg.core.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trygg.urls"
WSGI_APPLICATION = "trygg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trygg.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": config.database(config.env_str("TRYGG_DATABASE_URL"), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": config.cache(config.env_str("TRYGG_REDIS_URL"))}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "situation:start"
LOGOUT_REDIRECT_URL = "login"

# Ten failed logins lock the account (by username, from any address) for a while.
AXES_FAILURE_LIMIT = config.env_int("TRYGG_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=config.env_int("TRYGG_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Not by address as well: a whole city office often shares one address behind its NAT.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = config.env_int("TRYGG_PROXY_COUNT", 0)
# `required`: staff (policy.needs_second_factor) must set up and use a second factor.
# `optional`: anyone may turn it on, and is then asked for it. The demo and tests run optional.
TRYGG_SECOND_FACTOR = config.env_choice(
    "TRYGG_SECOND_FACTOR", ("required", "optional"), "required" if PRODUCTION else "optional"
)
OTP_TOTP_ISSUER = "Trygg"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
# Leaflet and leaflet.draw come from the django-leaflet wheel; only its static files are used
# (its app module needs GDAL, which Trygg does not).
_leaflet_spec = importlib.util.find_spec("leaflet")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    Path(next(iter(_leaflet_spec.submodule_search_locations))) / "static",
]
STATIC_ROOT = Path(config.env_str("TRYGG_STATIC_ROOT") or DATA_DIR / "static")
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(config.env_str("TRYGG_MEDIA_ROOT") or DATA_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production WhiteNoise serves straight from the app folders, so the demo needs
# no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = config.env_str(
    "TRYGG_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = config.env_str("TRYGG_EMAIL_HOST", "localhost")
EMAIL_PORT = config.env_int("TRYGG_EMAIL_PORT", 25)
EMAIL_HOST_USER = config.env_str("TRYGG_EMAIL_USER")
EMAIL_HOST_PASSWORD = config.env_str("TRYGG_EMAIL_PASSWORD")
EMAIL_USE_TLS = config.env_bool("TRYGG_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = config.env_str("TRYGG_EMAIL_FROM", "Trygg <noreply@trygg.invalid>")

# Base-map tiles come from outside; data layers must render without them (empty = no tiles).
TRYGG_TILE_URL = config.env_str("TRYGG_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# Where links in e-mails (the weekly measures digest) point.
TRYGG_SITE_URL = config.env_str("TRYGG_SITE_URL", "http://localhost:8000")
TRYGG_TILE_ATTRIBUTION = config.env_str("TRYGG_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
TRYGG_MAX_IMPORT_BYTES = config.env_int("TRYGG_MAX_IMPORT_BYTES", 20 * 1024 * 1024)
TRYGG_MAX_PHOTO_BYTES = config.env_int("TRYGG_MAX_PHOTO_BYTES", 10 * 1024 * 1024)
TRYGG_MAX_PHOTOS = config.env_int("TRYGG_MAX_PHOTOS", 5)
TRYGG_MIN_SHARED_COUNT = config.env_int("TRYGG_MIN_SHARED_COUNT", 3)
# Public intake (resident page, Open311): requests per client address or API key.
TRYGG_PUBLIC_RATE = config.env_rate("TRYGG_PUBLIC_RATE", "20/h")
TRYGG_API_KEY_RATE = config.env_rate("TRYGG_API_KEY_RATE", "600/h")
# Reads are cheaper and come in runs (a map refresh, a script paging through a year).
TRYGG_PUBLIC_READ_RATE = config.env_rate("TRYGG_PUBLIC_READ_RATE", "600/h")
TRYGG_API_RATE = config.env_rate("TRYGG_API_RATE", "3600/h")
# How long personal data kept only to answer a resident lives on (`forget_personal_data`):
# a reporter's e-mail after the report is finished, a sign-up after the walk.
TRYGG_CONTACT_RETENTION_DAYS = config.env_int("TRYGG_CONTACT_RETENTION_DAYS", 90)
TRYGG_SIGNUP_RETENTION_DAYS = config.env_int("TRYGG_SIGNUP_RETENTION_DAYS", 30)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

_tile_origin = config.tile_origin(TRYGG_TILE_URL)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([_tile_origin] if _tile_origin else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SECURE_HSTS_SECONDS = config.env_int("TRYGG_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = config.env_bool("TRYGG_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env_str("TRYGG_LOG_LEVEL", "WARNING")},
}
