"""Settings for the fact-check workbench, read from the environment only.

Development (the default) needs no variable at all: SQLite next to the code and a secret
generated once into a git-ignored file. Production mode (``WORKBENCH_PRODUCTION=1``) refuses to
start without ``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on every protection that
``manage.py check --deploy`` asks for. Every variable is listed in ``.env.example``.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def development_secret(path: Path) -> str:
    """Return the development secret kept in ``path``, creating it once with owner-only access."""
    try:
        secret = path.read_text().strip()
    except FileNotFoundError:
        secret = ""
    if not secret:
        secret = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secret + "\n")
    return secret


PRODUCTION = env_flag("WORKBENCH_PRODUCTION")
DEBUG = env_flag("DEBUG") and not PRODUCTION

if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to at least 50 random characters when WORKBENCH_PRODUCTION is on."
        )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list the site's host names when WORKBENCH_PRODUCTION is on."
        )
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or development_secret(
        Path(os.environ.get("WORKBENCH_SECRET_FILE", BASE_DIR / ".secret_key"))
    )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "annotations",
    "sources",
    "axes",
    # Last, so its admin module can re-register the user admin that django.contrib.auth registers.
    "workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "workbench.middleware.ApiOptionalSlashMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Turns a locked-out login (the page or the admin's) into the lockout page; axes asks to be last.
    "axes.middleware.AxesMiddleware",
    "workbench.middleware.DatabaseUnavailableMiddleware",
]
# The HTTP benchmark reads each request's SQL query count from a response header.
if env_flag("WORKBENCH_QUERY_COUNT_HEADER"):
    MIDDLEWARE.insert(0, "workbench.querycount.QueryCountMiddleware")

ROOT_URLCONF = "workbench.urls"
WSGI_APPLICATION = "workbench.wsgi.application"
ASGI_APPLICATION = "workbench.asgi.application"

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
                "django.template.context_processors.csp",
                "annotations.context_processors.keyboard",
            ],
        },
    },
]

# Persistent connections with health checks: a new PostgreSQL connection per request costs
# about 8 ms and most of the throughput (DESIGN.md, Scale).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Read replicas, each a URL like DATABASE_URL: GET requests read from them, everything else uses
# the primary (workbench.routers). In tests each replica mirrors the primary's test database.
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    DATABASES[f"replica{number}"] = dj_database_url.parse(
        url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    ) | {"TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["workbench.routers.PrimaryReplicaRouter"] if len(DATABASES) > 1 else []
if DATABASE_ROUTERS:
    # Before any view runs: a request that may write reads from the primary only.
    MIDDLEWARE.insert(0, "workbench.routers.PrimaryForWritesMiddleware")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock when a
    # transaction begins, so concurrent writers wait (busy_timeout) instead of failing midway.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
for database in DATABASES.values():
    if database["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL compiles a query to machine code (JIT) once the planner's estimate passes
        # jit_above_cost. Correlated subqueries per row (the ClaimReview export's dates, blind
        # review's annotations) pass it at a few thousand claims, and compiling then took longer
        # than running: 1.6 s of a 1.9 s export of 16,000 claims. The app's queries are short.
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Throttle counters live in the database, so every app process shares them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "workbench_cache",
    }
}

# The lockout check comes first, so a locked-out client learns nothing from a right password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Production serves collected assets from STATIC_ROOT; development serves them from the apps.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles")) if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
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
# Outside production the app serves assets straight from the apps' static folders, so a
# fresh checkout needs no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Bulk imports carry up to 500 articles in one request body.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(32 * 1024 * 1024)))
# A JSON body's bounds beyond its size (workbench.parsers): nesting far past what any endpoint
# takes, and keys and items enough for a bulk import of 500 articles with all their tags.
DATA_UPLOAD_MAX_JSON_DEPTH = int(os.environ.get("DATA_UPLOAD_MAX_JSON_DEPTH", "32"))
DATA_UPLOAD_MAX_JSON_FIELDS = int(os.environ.get("DATA_UPLOAD_MAX_JSON_FIELDS", "50000"))

# How many reverse proxies stand in front of the app, each appending the address it was called
# from to X-Forwarded-For. 0 (the default): the client is REMOTE_ADDR and the header, which any
# client can write, is ignored. With N proxies the client is the N-th address from the right.
# Throttles (DRF's NUM_PROXIES) and login lockouts (workbench.login_throttling) both read it.
WORKBENCH_NUM_PROXIES = int(os.environ.get("WORKBENCH_NUM_PROXIES", "0"))

REST_FRAMEWORK = {
    "NUM_PROXIES": WORKBENCH_NUM_PROXIES,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header is what turns "not logged in" into a 401.
        "workbench.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["workbench.filters.FilterBackend"],
    "DEFAULT_PARSER_CLASSES": ["workbench.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "workbench.pagination.PageNumberPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_SCHEMA_CLASS": "workbench.schema.AutoSchema",
    "EXCEPTION_HANDLER": "workbench.api_errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("TOKEN_THROTTLE_RATE", "10/min")},
    "PAGE_SIZE": 50,
    # The API parses JSON only, so test clients send it unless told otherwise.
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check workbench API",
    "DESCRIPTION": (
        "Highlight claims in articles, give verdicts with evidence, review blind and resolve "
        "disagreements. Errors are JSON: 400 answers `{field: [reason, ...]}`, every other error "
        '`{"detail": reason}`; objects of projects the caller is not a member of answer 404.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "RatingEnum": "annotations.models.verdicts.Rating",
        "ConfidenceEnum": "annotations.models.verdicts.Confidence",
        "SourceKindEnum": "sources.models.Kind",
        "DisagreementKindEnum": "annotations.models.review.DisagreementKind",
        # Claims and their similar claims share the status enum; named as when claims alone had it.
        "AnnotationStatusEnum": "annotations.models.annotations.Status",
    },
}

# Slow work (fetching an article from a URL) runs on Django's tasks framework; the queue is a
# table of the database, worked by `manage.py db_worker` (README, "Workers in production").
# TASKS_BACKEND names another backend of Django's tasks API (RQ, Celery) with no code change.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND") or "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Fetching an article from a URL (annotations.fetching): the bounds of one fetch, redirects
# included. Loopback addresses stay refused outside the tests that serve pages on 127.0.0.1.
URL_IMPORT_TIMEOUT = float(os.environ.get("URL_IMPORT_TIMEOUT", "15"))
URL_IMPORT_MAX_BYTES = int(os.environ.get("URL_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
URL_IMPORT_MAX_REDIRECTS = 5
URL_IMPORT_ALLOW_LOOPBACK = False

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# X-Forwarded-Proto says "https" only when a proxy that sets it (and drops what clients send)
# stands in front; trusted from anyone, it makes a plain-HTTP request look secure.
if env_flag("WORKBENCH_PROXY_SETS_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy: scripts, styles, images, fonts and connections from this site only,
# nothing inline except what carries the request's nonce (the admin's one <style>), no plugins,
# no framing, forms post back here only. The API docs page widens img-src (workbench.api_docs).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Login lockout (django-axes) on every way in: the login page, the admin's, the token endpoint.
# A username fails LOGIN_FAILURE_LIMIT times from one client address: that pair is refused for
# LOGIN_COOLOFF_MINUTES (429, with Retry-After), a right password included. Attempts while locked
# out do not extend the lockout, so an attacker cannot keep a reviewer out for good. One client
# address that fails LOGIN_ADDRESS_FAILURE_LIMIT times within the cool-off, over any usernames (a
# password spray), is refused for every username until its failures age past the cool-off; the
# limit is high, since a whole newsroom may share one address.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
AXES_FAILURE_LIMIT = "workbench.login_throttling.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "workbench.login_throttling.client_address"
AXES_USERNAME_CALLABLE = "workbench.login_throttling.client_username"
AXES_LOCKOUT_CALLABLE = "workbench.login_throttling.lockout_response"
# Successful logins are not logged row by row; failures are kept as long as they count.
AXES_DISABLE_ACCESS_LOG = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
