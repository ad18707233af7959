"""Settings of «Открытая дверь». Every knob is an environment variable listed in .env.example."""

from pathlib import Path

import dj_database_url

from core.production import DEMO_SECRET_KEY
from lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("OPENDOOR_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("OPENDOOR_DEBUG", False)
# The demo (make run, make serve) must be asked for explicitly: anything else is production and must be safe.
DEMO = env_bool("OPENDOOR_DEMO", False)
SECRET_KEY = env_str("OPENDOOR_SECRET_KEY") or (DEMO_SECRET_KEY if (DEBUG or DEMO) else "")

ALLOWED_HOSTS = env_list("OPENDOOR_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("OPENDOOR_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "accounts",
    "people",
    "referrals",
    "cases",
    "audit",
    "safety",
    "reports",
    "events",
    "core",
    "ops",
    "demo",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "methods",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SessionGuardMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "opendoor.urls"
WSGI_APPLICATION = "opendoor.wsgi.application"

# Inputs and selects written in Python (lib/renderers.py): the same HTML, without a template per <option>.
FORM_RENDERER = "lib.renderers.FastRenderer"

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
                "core.context.navigation",
            ],
            # {% status value label %} and other row-level pieces, without {% load %} in every template.
            "builtins": ["core.templatetags.ui"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'opendoor.sqlite3'}",
        # Each app thread keeps its connection for a minute instead of opening one per request (a PostgreSQL
        # connection is a new server process); a broken one is noticed before the request uses it.
        conn_max_age=env_int("OPENDOOR_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the server read while a write is in flight; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.LettersAndDigitsValidator"},
]
# Failed logins in 15 minutes before each further one doubles the wait (1 → 15 min, never a permanent lock);
# an address is refused for 15 minutes after OPENDOOR_ADDRESS_LIMIT failures.
OPENDOOR_LOCK_AFTER = env_int("OPENDOOR_LOCK_AFTER", 5)
OPENDOOR_ADDRESS_LIMIT = env_int("OPENDOOR_ADDRESS_LIMIT", 20)
# Two-factor login (TOTP) for coordinators, facilitators and administrators.
OPENDOOR_REQUIRE_2FA = env_bool("OPENDOOR_REQUIRE_2FA", True)
# Wrong second-factor codes in a row (each doubling the wait) before the session ends and the password is asked again.
OPENDOOR_2FA_MAX_FAILURES = env_int("OPENDOOR_2FA_MAX_FAILURES", 10)
OPENDOOR_BEHIND_PROXY = env_bool("OPENDOOR_BEHIND_PROXY", False)
# Peers whose X-Forwarded-For is believed (lib/net.py): the reverse proxy's own addresses or networks.
# Behind the bundled nginx on the same machine that is loopback, which OPENDOOR_BEHIND_PROXY=true means by itself.
OPENDOOR_TRUSTED_PROXIES = (env_list("OPENDOOR_TRUSTED_PROXIES", [])
                            or (["127.0.0.1", "::1"] if OPENDOOR_BEHIND_PROXY else []))

# Russian for everyone, whatever language the browser asks for (the catalogue's msgids are English).
# The backup's format: Django's JSON with times to the microsecond (lib/backup_json.py).
SERIALIZATION_MODULES = {"backup": "lib.backup_json"}

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("OPENDOOR_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

# A shared cache (Redis) when several app processes serve the region; a per-process cache otherwise.
_CACHE_URL = env_str("OPENDOOR_CACHE_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
    if _CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if _CACHE_URL and env_bool("OPENDOOR_CACHED_SESSIONS", True):
    # Sessions are read on every request: from the cache, written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing (before collectstatic)
# Hashed file names with gzip/brotli copies: browsers cache static files for a year, whitenoise serves them.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A session ends after this many minutes without a request.
SESSION_COOKIE_AGE = env_int("OPENDOOR_IDLE_MINUTES", 30) * 60
# Activity renews the session at most once a minute (accounts.middleware.SessionGuardMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("OPENDOOR_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    SECURE_SSL_REDIRECT = env_bool("OPENDOOR_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("OPENDOOR_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env_str("OPENDOOR_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("OPENDOOR_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("OPENDOOR_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("OPENDOOR_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("OPENDOOR_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("OPENDOOR_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("OPENDOOR_EMAIL_FROM", "opendoor@localhost")

# Background work (reminders, e-mails): the database backend and `manage.py run_worker`.
TASKS = {
    "default": {
        "BACKEND": env_str("OPENDOOR_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A task running longer than this is taken for the work of a dead worker and queued again (the daily run).
OPENDOOR_TASK_LEASE_MINUTES = env_int("OPENDOOR_TASK_LEASE_MINUTES", 60)
# The audit chain's MAC key (audit/models.py): in the environment, never in the database. The demo derives one.
OPENDOOR_AUDIT_KEY = env_str("OPENDOOR_AUDIT_KEY") or (
    "demo-audit-" + SECRET_KEY if (DEBUG or DEMO) else "")
# Where the daily audit anchors are appended (besides the e-mail to administrators); keep it off the database host.
OPENDOOR_AUDIT_ANCHOR_FILE = env_str("OPENDOOR_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.log"))
# Backups and full exports are sealed with this key (lib/sealed.py): 32 random bytes in base64, in the environment.
# `python manage.py backup --new-key` makes one. The demo derives one from its secret key.
OPENDOOR_BACKUP_KEY = env_str("OPENDOOR_BACKUP_KEY") or (
    __import__("base64").urlsafe_b64encode(__import__("hashlib").sha256(
        ("demo-backup-" + SECRET_KEY).encode()).digest()).decode() if (DEBUG or DEMO) else "")
# Hour (local time) at which the daily reminder run starts.
OPENDOOR_REMINDER_HOUR = env_int("OPENDOOR_REMINDER_HOUR", 7)
# Days before a deadline that a reminder goes out.
OPENDOOR_REMIND_DAYS_BEFORE = env_int("OPENDOOR_REMIND_DAYS_BEFORE", 3)
OPENDOOR_BASE_URL = env_str("OPENDOOR_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Attachments live here, outside static files; only the access-checked view serves them.
OPENDOOR_FILES_DIR = env_str("OPENDOOR_FILES_DIR", str(VAR_DIR / "files"))
OPENDOOR_MAX_UPLOAD_MB = env_int("OPENDOOR_MAX_UPLOAD_MB", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = (OPENDOOR_MAX_UPLOAD_MB + 1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# Seconds a monitoring report's figures stay in the cache (0: always computed afresh).
OPENDOOR_REPORT_CACHE_SECONDS = env_int("OPENDOOR_REPORT_CACHE_SECONDS", 300)

# Certificate verification requests per address and minute (no enumeration of certificates).
OPENDOOR_VERIFY_PER_MINUTE = env_int("OPENDOOR_VERIFY_PER_MINUTE", 20)
# Public registrations per address and minute; hours a public registration waits for its e-mail link.
OPENDOOR_REGISTER_PER_MINUTE = env_int("OPENDOOR_REGISTER_PER_MINUTE", 5)
OPENDOOR_REGISTRATION_CONFIRM_HOURS = env_int("OPENDOOR_REGISTRATION_CONFIRM_HOURS", 48)
# Registry look-ups per user and minute (search before create while typing a referral).
OPENDOOR_MATCH_PER_MINUTE = env_int("OPENDOOR_MATCH_PER_MINUTE", 60)
# «Forgot your password?» requests per address and minute; a link works once, for PASSWORD_RESET_TIMEOUT (3 days,
# the life of an invitation too).
OPENDOOR_RESET_PER_MINUTE = env_int("OPENDOOR_RESET_PER_MINUTE", 5)

# Closed cases are depersonalised this many years after closing (152-ФЗ: no longer than needed).
OPENDOOR_RETENTION_YEARS = env_int("OPENDOOR_RETENTION_YEARS", 5)
# Training hours a facilitator needs to lead a program alone (a trainee is assigned only with a qualified one).
OPENDOOR_SOLO_HOURS = env_int("OPENDOOR_SOLO_HOURS", 72)

# Regional setting: days the service has to answer a referral (DESIGN §4.1).
OPENDOOR_ANSWER_DAYS = env_int("OPENDOOR_ANSWER_DAYS", 30)

# Log lines carry opaque codes and ids only; personal data never reaches the log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("OPENDOOR_LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}



# --- REST API for agency systems (/api/v1/) -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.TokenAuthentication",
                                       "rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Calls per minute per key (or per address without one).
OPENDOOR_API_RATE = env_str("OPENDOOR_API_RATE", "120/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "«Открытая дверь» — API для информационных систем организаций",
    "DESCRIPTION": ("Направления в службу примирения, их статус и ответ службы; справочники. Ключ выдаёт "
                    "администратор системы; он передаётся в заголовке Authorization: Bearer od_…. Ошибки — JSON "
                    "{\"error\": {\"code\", \"message\", \"fields\"}} с сообщением на русском языке."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
