"""Settings for the CEJ voice-declaration service.

Every value comes from the environment with a safe default for the embedded mode (SQLite, audio on
disk, a Celery broker on the filesystem): `make run` works on a machine with no server installed.
Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, DEBUG=false and ALLOWED_HOSTS.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from cej.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_path,
    env_str,
    installation_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("VAR_DIR", BASE_DIR / "var")
# Embedded mode keeps its SQLite file, audio and broker queue here.
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Off unless asked for: a forgotten variable must not turn tracebacks and settings into public pages.
DEBUG = env_bool("DEBUG", False)
# Served over HTTPS by a front (nginx in production, which also tells the client's address): secure
# cookies, redirect, HSTS, one proxy hop trusted. On by default with DEBUG off; the embedded mode
# (`make run`, plain HTTP on 127.0.0.1 only) turns it off.
HTTPS = env_bool("HTTPS", not DEBUG)
DATABASE_URL = env_str("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
# The key signs sessions and every JWT: whoever knows it can log in as anyone. Never a literal in the
# code; from the environment, or (one host, SQLite: the embedded mode) a random key made once per
# installation in var/secret_key, readable by its owner only. Hosts sharing a database must share the key.
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not DATABASE_URL.startswith("sqlite"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off and the database is shared (DATABASE_URL is not SQLite): "
            "every host must sign with the same key"
        )
    SECRET_KEY = installation_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "declarations",
    "speech",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cej.security.NoStoreMiddleware",
]

# Scripts, styles, images, audio and API calls from this site only; no inline script or style, no
# frames, no plugins. The pages and the API docs (served as separate files) work within it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

ROOT_URLCONF = "cej.urls"
WSGI_APPLICATION = "cej.wsgi.application"

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
            ],
        },
    },
]

# Persistent connections: each gunicorn or Celery worker keeps its PostgreSQL connection between
# requests (opening one cost ~15 ms a page here), checked before reuse so a server restart is survived.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded mode: web workers and the Celery worker write to one file. WAL lets readers go on
    # while one writes; IMMEDIATE transactions take the write lock up front and wait for it (timeout
    # in seconds) instead of failing with "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT_S", 20),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Session logins load the person with their role in one query (declarations/web/backends.py).
AUTHENTICATION_BACKENDS = ["declarations.web.backends.RoleModelBackend"]

# Sessions read from the cache (Redis in production), written through to the database: a page
# request then makes no session query, and logging out still ends the session everywhere.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Staff pages show personal data: a session lasts a working day (not Django's two weeks), then one logs in
# again; expired sessions are deleted nightly (clear-expired-sessions below).
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 10) * 3600

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# People read French; code and logs stay English.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "/media/"
# Audio goes through STORAGES so web and workers need no shared disk in production
# (django-storages' S3 backend slots in here).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# Uploads: Django spools anything larger than this to a temporary file, never to memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "declarations.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Uploads per person; a 429 carries Retry-After. Counts live in the cache below, shared by every web
    # process. (Passwords: LOGIN_* below.)
    "DEFAULT_THROTTLE_RATES": {
        "uploads": env_str("THROTTLE_UPLOADS", "30/hour"),
    },
    # Proxies in front of the app (X-Forwarded-For entries to trust); 0 trusts none of them.
    "NUM_PROXIES": env_int("NUM_PROXIES", 1 if HTTPS else 0),
}

# Password guessing (declarations/login_limits.py): failures counted per (account, address) and per
# address over a window; nothing per account alone, so nobody can lock someone else out.
LOGIN_FAILURE_WINDOW_S = env_int("LOGIN_FAILURE_WINDOW_S", 15 * 60)
LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS", 5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 50)

# Throttle counts must be shared by all web workers: Redis in production, files otherwise.
CACHE_URL = env_str("CACHE_URL", "")
CACHES: dict[str, dict[str, object]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    )
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 30)),
    "UPDATE_LAST_LOGIN": False,
    # A refresh token works once: refreshing returns a new one and blacklists the old; logout
    # blacklists the current one.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CEJ — déclarations vocales",
    "DESCRIPTION": "API des déclarations vocales du Contrat d'Engagement Jeune.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Declarations and steps both have a "status": name each set, so the schema (and `check --deploy`)
    # has no ambiguous enum.
    "ENUM_NAME_OVERRIDES": {
        "DeclarationStatusEnum": "declarations.models.Declaration.Status",
        "StepStatusEnum": "declarations.models.Step.Status",
        "NotificationKindEnum": "declarations.models.Notification.Kind",
        "StepKindEnum": "declarations.categories.Kind",
    },
}

# --- Celery -----------------------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport, a real broker that needs no server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {
        # A message unacknowledged this long (its worker died) is delivered again. Keep it above the
        # longest processing time: a live task must not be handed to a second worker.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_S", 2 * 3600),
        "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL_S", 10),
        "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
        # fair turns between young people (services._priority): 0 is served first on Redis
        "priority_steps": list(range(10)),
        "sep": ":",
        "queue_order_strategy": "priority",
    }
)
# RabbitMQ: queues accept priorities 0–9 (the highest first there)
CELERY_TASK_QUEUE_MAX_PRIORITY = 10
if CELERY_BROKER_URL.startswith("filesystem"):
    for _folder in ("queue", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "declarations")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE

# A note being processed is touched every PIPELINE_HEARTBEAT_S (pipeline._Heartbeat), so a note untouched
# for PIPELINE_STUCK_AFTER_S lost its worker, whatever its length: the sweep queues it again.
PIPELINE_HEARTBEAT_S = env_float("PIPELINE_HEARTBEAT_S", 30)
PIPELINE_STUCK_AFTER_S = env_int("PIPELINE_STUCK_AFTER_S", 5 * 60)
# A note queued but never started this long is taken for a message the broker lost (a flushed Redis):
# longer than any backlog should be, so a long queue is not filled with copies.
PIPELINE_QUEUED_LOST_AFTER_S = env_int("PIPELINE_QUEUED_LOST_AFTER_S", 6 * 3600)
PIPELINE_MAX_ATTEMPTS = env_int("PIPELINE_MAX_ATTEMPTS", 3)
# For the wait shown to the app while a note is queued (selectors.queue_estimate): how many notes the
# workers process at once, and seconds of recognition per second of audio until some are measured.
PIPELINE_WORKERS = env_int("PIPELINE_WORKERS", env_int("WORKER_CONCURRENCY", os.cpu_count() or 1))
PIPELINE_EXPECTED_RTF = env_float("PIPELINE_EXPECTED_RTF", 0.5)
# Notes stored while the broker was down are sent by this sweep (the upload itself answered 202); the
# grace period leaves the normal path, a message sent right after the commit, to finish first.
PIPELINE_OUTBOX_EVERY_S = env_int("PIPELINE_OUTBOX_EVERY_S", 30)
PIPELINE_OUTBOX_GRACE_S = env_int("PIPELINE_OUTBOX_GRACE_S", 10)
# A broker that does not answer must not hold an upload for long: two quick retries, then the outbox.
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("CELERY_BROKER_CONNECTION_TIMEOUT_S", 2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "requeue-stuck-declarations": {
        "task": "declarations.tasks.requeue_stuck_declarations",
        "schedule": env_int("PIPELINE_SWEEP_EVERY_S", 60),
    },
    "publish-unqueued-declarations": {
        "task": "declarations.tasks.publish_unqueued",
        "schedule": PIPELINE_OUTBOX_EVERY_S,
    },
}

# --- Speech -----------------------------------------------------------------------------------------
VOSK_SMALL_FR_NAME = "vosk-model-small-fr-0.22"
MODELS_DIR = env_path("MODELS_DIR", VAR_DIR / "models")
SPEECH_ENGINE = env_choice("SPEECH_ENGINE", "vosk", ("vosk", "whisper"))
# Notes are queued for their engine ("speech-whisper", "speech-vosk"), maintenance tasks on CELERY_QUEUE.
# A plain `celery -A cej worker` takes both queues; a transcription host added later (a GPU, more
# cores) takes only its engine's: `celery -A cej worker -Q speech-whisper`, web hosts untouched.
PIPELINE_QUEUE = env_str("PIPELINE_QUEUE", f"speech-{SPEECH_ENGINE}")
# Each queue its own exchange and routing key: a note published for one queue reaches that queue only.
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name, type="direct"), routing_key=name)
    for name in dict.fromkeys((CELERY_TASK_DEFAULT_QUEUE, PIPELINE_QUEUE))
)
SPEECH_MODEL_PATH = env_path(
    "SPEECH_MODEL_PATH",
    MODELS_DIR / (VOSK_SMALL_FR_NAME if SPEECH_ENGINE == "vosk" else "faster-whisper-base"),
)
SPEECH_LANGUAGE = env_str("SPEECH_LANGUAGE", "fr")
SPEECH_MAX_UPLOAD_BYTES = env_int("SPEECH_MAX_UPLOAD_BYTES", 25 * 1024 * 1024)
# An upload that sends nothing for this long is given up (408); one that keeps progressing is never
# cut, so a 25 MB note over a poor 3G uplink (~10 minutes) still arrives. See cej/limits.py.
UPLOAD_IDLE_TIMEOUT_S = env_float("UPLOAD_IDLE_TIMEOUT_S", 60)
SPEECH_MAX_DURATION_S = env_float("SPEECH_MAX_DURATION_S", 15 * 60)
# Recorded minutes one young person may send in a day (by the notes' own length, read from the
# container at upload): past it, 429 daily_audio_limit — a typed note is still accepted. 0: no limit.
SPEECH_DAILY_MINUTES = env_int("SPEECH_DAILY_MINUTES", 45)
SPEECH_MIN_DURATION_S = env_float("SPEECH_MIN_DURATION_S", 0.3)
# A note whose first minute holds less speech than this (Silero VAD) is refused before recognition:
# 15 minutes of noise cost a worker nothing. 0 turns the check off.
SPEECH_MIN_SPEECH_RATIO = env_float("SPEECH_MIN_SPEECH_RATIO", 0.1)
WHISPER_COMPUTE_TYPE = env_str("WHISPER_COMPUTE_TYPE", "int8")
# "auto": a GPU when CTranslate2 finds one (a transcription host with WHISPER_DEVICE=cuda), else the CPU.
WHISPER_DEVICE = env_choice("WHISPER_DEVICE", "auto", ("auto", "cpu", "cuda"))
# Beam 5 over greedy: WER 0.224 vs 0.286 on real French speech (speech-dev), 0.207 vs 0.222 on the
# synthetic notes, for 2.5x the compute (RTF 0.50 vs 0.20 on 2 cores): still well under real time, and a
# counsellor's trust in the transcript is worth more than worker time. VAD off: no gain here (0.295 on
# speech-dev), and silence is already refused before recognition. Figures: benchmarks/bench_speech.py.
WHISPER_BEAM_SIZE = env_int("WHISPER_BEAM_SIZE", 5)
WHISPER_VAD_FILTER = env_bool("WHISPER_VAD_FILTER", False)
# One thread per worker process, one process per core (scripts/run.sh): on 2 cores, 2 processes × 1
# thread transcribe 2.1× as many notes an hour as 1 process × 2 threads (benchmarks/bench_throughput.py,
# 20 audio-dev notes, 2026-12-08: 3,555 vs 1,665 notes an hour); CTranslate2's threads share little
# of one note's decoding. 0: CTranslate2's own default.
WHISPER_CPU_THREADS = env_int("WHISPER_CPU_THREADS", 1)
# Hints to the recogniser, decided by figures (benchmarks/bench_prompt.py -n 90, 2026-12-08, beam 5, each
# file under every variant in turn; the 90 audio-dev notes, the 12 real speech-dev clips):
#   hint                      WER real speech  WER audio-dev  audio→steps F1  compute
#   none                      0.252            0.207          0.742           1.00
#   word-list prompt (kept)   0.257            0.204          0.789           1.45
#   French sentence           0.290            0.204          0.767           1.29
#   hotwords (list; 30 notes) 0.362            0.236          0.731           2.95
# The word list gains 0.047 step F1 on the domain notes for +0.005 WER on real voices (one word in 12
# clips: noise); the sentence hurts real voices beyond noise, hotwords hurt both. On 30 notes the list
# looked useless (0.741 vs 0.743): decided on all 90. Whisper wrote the list out as the whole transcript
# of 7 of 120 notes it could not read (steps nobody declared): such an echo is removed
# (speech/engines/whisper.py `_without_echo`).
# Decoding, same run conditions, each with the word-list prompt (compute vs the shipped decoding):
#   shipped: no conditioning, temperature fallback, no VAD  0.257  0.205  0.789  1.00
#   condition_on_previous_text                             0.348  0.230  0.782  1.36
#   no temperature fallback (0 only)                       1.314  0.589  0.789  1.07  (repetition loops)
#   VAD filter                                             0.276  0.211  0.784  0.98
SPEECH_DOMAIN_PROMPT = env_str(
    "SPEECH_DOMAIN_PROMPT",
    "Mission Locale, France Travail, CV, candidature, entretien, alternance, PMSMP, CEJ.",
)
# Words the recogniser is nudged towards (faster-whisper hotwords, a prefix the decoder sees on every
# window); empty by default: see the table above.
SPEECH_HOTWORDS = env_str("SPEECH_HOTWORDS", "")
# A transcribed step whose confidence, recalibrated with how well its evidence was heard, is under
# SPEECH_ATTENTION_BELOW, and whose evidence holds meaning-bearing words heard under
# SPEECH_DOUBTFUL_WORD_CONF, is flagged "mot incertain : … ?" (declarations/extraction/doubt.py).
# Figures from `manage.py fit_recogniser_calibration` (cross-validated by note) in the README.
SPEECH_DOUBTFUL_WORD_CONF = env_float("SPEECH_DOUBTFUL_WORD_CONF", 0.4)
SPEECH_ATTENTION_BELOW = env_float("SPEECH_ATTENTION_BELOW", 0.7)

# --- Declarations -----------------------------------------------------------------------------------
# Steps one declaration may hold (added by the young person, or extracted: the first ones are kept).
MAX_STEPS_PER_DECLARATION = env_int("MAX_STEPS_PER_DECLARATION", 30)
# How steps are found (declarations/extraction/__init__.py build_extractor): rules, learned or combined.
EXTRACTOR_MODE = env_choice("EXTRACTOR_MODE", "combined", ("rules", "learned", "combined"))
DEFAULT_WEEKLY_TARGET_HOURS = 15

# --- Privacy (RGPD) ---------------------------------------------------------------------------------
# A voice is personal data: the recording is deleted this many days after the counsellor's review;
# the transcript and the steps stay. Enforced nightly by celery beat and by `manage.py purge_audio`.
AUDIO_RETENTION_DAYS_AFTER_REVIEW = env_int("AUDIO_RETENTION_DAYS_AFTER_REVIEW", 30)
if AUDIO_RETENTION_DAYS_AFTER_REVIEW < 0:
    raise ImproperlyConfigured("AUDIO_RETENTION_DAYS_AFTER_REVIEW must be 0 or more")
# A note never sent to the counsellor (failed, or left unconfirmed) loses its recording after this many
# days without change; its transcript, steps and failure reason stay, so it can still be confirmed.
AUDIO_RETENTION_DAYS_UNSENT = env_int("AUDIO_RETENTION_DAYS_UNSENT", 90)
if AUDIO_RETENTION_DAYS_UNSENT < 0:
    raise ImproperlyConfigured("AUDIO_RETENTION_DAYS_UNSENT must be 0 or more")
# --- Notifications (declarations/notifications.py) ------------------------------------------------
NOTIFICATION_ADAPTER = env_str("NOTIFICATION_ADAPTER", "declarations.notifications.OutboxOnly")
NOTIFICATION_PUSH_URL = env_str("NOTIFICATION_PUSH_URL", "")
NOTIFICATION_PUSH_TOKEN = env_str("NOTIFICATION_PUSH_TOKEN", "")
NOTIFICATION_RETRY_HOURS = env_int("NOTIFICATION_RETRY_HOURS", 24)
CELERY_BEAT_SCHEDULE["deliver-notifications"] = {
    "task": "declarations.tasks.deliver_notifications",
    "schedule": env_int("NOTIFICATION_EVERY_S", 30),
}
# --- Email: the counsellors' morning digest (declarations/digest.py) --------------------------------
# The embedded default writes emails to the worker's log; production sets an SMTP relay.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_S", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CEJ déclarations <ne-pas-repondre@localhost>")
# The address people open the pages at, for links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
CELERY_BEAT_SCHEDULE["send-counsellor-digests"] = {
    "task": "declarations.tasks.send_counsellor_digests",
    "schedule": crontab(hour=env_int("COUNSELLOR_DIGEST_HOUR", 8), minute=0, day_of_week="mon-fri"),
}
CELERY_BEAT_SCHEDULE["purge-expired-audio"] = {
    "task": "declarations.tasks.purge_expired_audio",
    "schedule": crontab(hour=3, minute=30),
}
CELERY_BEAT_SCHEDULE["clear-expired-sessions"] = {
    "task": "declarations.tasks.clear_expired_sessions",
    "schedule": crontab(hour=3, minute=45),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors_in_one_line": {"()": "cej.security.ClientErrorsInOneLine"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["client_errors_in_one_line"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
