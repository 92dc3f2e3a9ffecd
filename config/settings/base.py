"""Settings shared by every environment. Integrations are switched on by environment variables only."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("BRUPROD_DATA_DIR", BASE_DIR / "var")).resolve()
PLAN_DATA_DIR = BASE_DIR / "data" / "plan"
SEEDS_DIR = Path(os.environ.get("BRUPROD_SEEDS_DIR", BASE_DIR.parent / "shared" / "seeds"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "axes",
    "rest_framework.authtoken",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "core",
    "reference",
    "accounts",
    "geo",
    "plan",
    "strategies",
    "monitoring",
    "indicators",
    "economy",
    "ecosystem",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, which refuses the demo accounts unless DEMO_ACCOUNTS_ALLOWED.
    "accounts.backends.DemoAwareModelBackend",
]
# Lock an account (username + address) for 15 minutes after 5 failed logins.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.site",
                "core.context_processors.navigation",
                "core.context_processors.demo_notice",
            ],
        },
    },
]

# Whether demo or synthetic data exists (core.context_processors.demo_notice): a site-wide notice.
BRUPROD_DEMO_CHECK = "indicators.selectors.demo_data_present"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'bruprod.sqlite3'}", conn_max_age=60
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_config(url: str) -> dict:
    """The default cache from BRUPROD_CACHE_URL: empty or `locmem://` for each process's own
    memory (one server), `redis://host:6379/1` (or rediss://, unix://) for Redis, shared by
    every app server and worker (docs/deploy.md)."""
    if not url or url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bruprod"}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "bruprod",
            # A Redis that is down makes requests fail fast (and /healthz say so), never hang.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    raise ImproperlyConfigured("BRUPROD_CACHE_URL must be empty, locmem://, redis:// or rediss://.")


CACHES = {"default": cache_config(os.environ.get("BRUPROD_CACHE_URL", ""))}

# Background tasks (docs/tasks.md): django-tasks, stored in the project's own database and run by
# `bruprod db_worker` (started by `make run`). Django 6.0 ships this API as django.tasks.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Dutch first: the plan's original language. French is the Region's other official language.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("fr", "Français"), ("en", "English")]
CONTENT_LANGUAGES = ("nl", "fr", "en")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True) if os.environ.get(
    "BRUPROD_ENV"
) != "production" else None
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.backends.DemoAwareTokenAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # limit/offset checked and capped (400 with a message, never 500): core/api.py
    "DEFAULT_PAGINATION_CLASS": "core.api.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bruprod API",
    "DESCRIPTION": (
        "API of Bruprod, the system of the Brussels Industrial Plan 2019: the plan register (measures, sections, "
        "organisations, related strategies), implementation monitoring (validated progress, reports submitted with "
        "a coordinator's token), the boordtabel (indicators, observations) and the productive economy from the "
        "KBO/BCE register (figures, trends, enterprise search)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents its error responses (core.api.add_error_responses).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.add_error_responses",
    ],
}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "monitoring:workspace"
LOGOUT_REDIRECT_URL = "plan:home"
# The public address of the site, for links in e-mails (reminders, password reset).
SITE_URL = os.environ.get("BRUPROD_SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("BRUPROD_FROM_EMAIL", "bruprod@example.org")
# Evidence files attached to progress reports.
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = (
    ".pdf",
    ".docx",
    ".xlsx",
    ".odt",
    ".ods",
    ".csv",
    ".png",
    ".jpg",
    ".jpeg",
    ".txt",
)
FILE_UPLOAD_PERMISSIONS = 0o640
SITE_NAME = _("Bruprod")

# Content-Security-Policy (django-csp), in every mode: scripts and stylesheets from this site only,
# no inline script. Style *attributes* are allowed (`style-src-attr`): the count bars and the
# timeline set CSS variables in style="--w: …"; <style> elements are not. Images also from data:
# URIs (Leaflet, Swagger UI); BRUPROD_CSP_IMG_SRC adds origins, e.g. of map tiles. Why each source
# is there: docs/deploy.md, "Content-Security-Policy".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # No 'unsafe-eval': Vega is embedded with {ast: true} (indicator.js); htmx's own eval is
        # off (allowEval, base.html).
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", *os.environ.get("BRUPROD_CSP_IMG_SRC", "").split()],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# One JSON line per record on stderr, tracebacks of every server error included (config/logging.py).
LOGGING = logging_config(
    level=os.environ.get("BRUPROD_LOG_LEVEL", "INFO").upper(),
    fmt=os.environ.get("BRUPROD_LOG_FORMAT", "json"),
)
