"""AIGVA settings: everything comes from the environment, with dev-safe defaults (SPEC R-2, R-3)."""

from datetime import timedelta
from pathlib import Path

from environs import Env
from marshmallow.validate import Length

from aigva import bundled_redis
from aigva.secret_key import data_dir_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

# Deferred validation: every malformed variable is reported at once by env.seal() below.
env = Env(eager=False)
env.read_env(str(BASE_DIR / ".env"), recurse=False)

# Off unless set: a debug page shows settings and environment to whoever triggers an error.
DEBUG = env.bool("DEBUG", default=False)
DATA_DIR = env.path("AIGVA_DATA_DIR", default=BASE_DIR / "var").resolve()
# Unset, a key made once in the data dir, which `make run` and every manage.py command share; set it (50+
# random characters) wherever several machines serve one site.
SECRET_KEY = env.str("SECRET_KEY", default=None,
                     validate=Length(min=50, error="SECRET_KEY must be at least 50 random characters."))
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {
    "default": env.dj_db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}", conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker's threads all write: each transaction takes the write lock when it
    # begins and waits for it (a deferred one that must upgrade fails at once with "database is locked"),
    # and WAL lets readers carry on meanwhile.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 30,
                                       "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
# Unset: the Redis `make run` bundles for this data dir while it runs, else the usual local port.
REDIS_URL = env.str("REDIS_URL", default=bundled_redis.running_url(DATA_DIR) or "redis://127.0.0.1:6379/0")
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None  # compose passes "" for unset
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
MEDIA_ROOT = env.path("AIGVA_MEDIA_ROOT", default=DATA_DIR / "media")
# Largest accepted upload; bigger files are refused before a byte is stored.
AIGVA_MAX_UPLOAD_BYTES = env.int("AIGVA_MAX_UPLOAD_BYTES", default=20 * 1024**3)
# An upload is stored only when this much disk stays free after it (the database and logs need room too).
AIGVA_MIN_FREE_BYTES = env.int("AIGVA_MIN_FREE_BYTES", default=512 * 1024**2)
# Largest frame accepted (8K): a bigger one would need gigabytes of memory to decode and convert.
AIGVA_MAX_FRAME_PIXELS = env.int("AIGVA_MAX_FRAME_PIXELS", default=7680 * 4320)
# When set (e.g. "/protected-media/"), media is handed to nginx with X-Accel-Redirect after the check.
AIGVA_MEDIA_ACCEL_PREFIX = env.str("AIGVA_MEDIA_ACCEL_PREFIX", default="")
# A running job whose heartbeat is older than this is taken to have lost its worker.
AIGVA_JOB_STALE_SECONDS = env.int("AIGVA_JOB_STALE_SECONDS", default=120)
# ... and is sent to another worker, up to this many runs in all; then it fails with the reason.
AIGVA_JOB_MAX_ATTEMPTS = env.int("AIGVA_JOB_MAX_ATTEMPTS", default=3)
AIGVA_JOB_HEARTBEAT_SECONDS = env.float("AIGVA_JOB_HEARTBEAT_SECONDS", default=5.0)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
# Trust X-Forwarded-Proto only behind a proxy that sets it; otherwise any client could claim https.
AIGVA_BEHIND_HTTPS_PROXY = env.bool("AIGVA_BEHIND_HTTPS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if AIGVA_BEHIND_HTTPS_PROXY else None
# How many proxies in front each append the address they saw to X-Forwarded-For (compose's nginx: 1; a TLS proxy
# before it: 2). 0: the socket's address is the client's, and whatever a client puts in that header is ignored.
AIGVA_TRUSTED_PROXIES = env.int("AIGVA_TRUSTED_PROXIES", default=0)
# Login throttling (django-axes): this many failed logins lock the account, and the address, for the cool-off.
AXES_FAILURE_LIMIT = env.int("AIGVA_LOGIN_FAILURE_LIMIT", default=10)
AIGVA_LOGIN_COOLOFF_MINUTES = env.int("AIGVA_LOGIN_COOLOFF_MINUTES", default=15)
# Prediction (SPEC R-5, M-1): device, backbone, and custom models as {"name": "module:function"}.
AIGVA_DEVICE = env.str("AIGVA_DEVICE", default="auto", validate=lambda v: v in ("auto", "cpu", "cuda"))
AIGVA_BACKBONE = env.str(
    "AIGVA_BACKBONE", default="resnet34", validate=lambda v: v in ("resnet34", "efficientnet_lite0")
)
AIGVA_ALLOW_RANDOM_INIT = env.bool("AIGVA_ALLOW_RANDOM_INIT", default=False)
# bfloat16 doubles CPU speed but can change a model's labels: "auto" verifies it on each job's first frames and
# keeps it only where it kept 99.5 % of their labels (prediction.ml.pipeline.TorchClassifier).
AIGVA_BF16 = env.str("AIGVA_BF16", default="auto", validate=lambda v: v in ("auto", "on", "off"))
# The probe's one decode of a new video also runs the backbone on the frames gated prediction would classify
# (V-5), so sampling, head-only training and the first prediction decode almost nothing again. Off: the probe
# only counts frames (and in parallel processes), and the first prediction decodes the whole video.
AIGVA_INGEST_FEATURES = env.bool("AIGVA_INGEST_FEATURES", default=True)
AIGVA_PREDICT_BATCH = env.int("AIGVA_PREDICT_BATCH", default=None)  # None: prediction.ml.device.batch_size_for
AIGVA_CUSTOM_MODELS = env.json("AIGVA_CUSTOM_MODELS", default={})
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)
env.seal()
if not SECRET_KEY:  # made only once every setting is known to be well-formed
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production" if DEBUG else data_dir_secret_key(DATA_DIR)

AXES_COOLOFF_TIME = timedelta(minutes=AIGVA_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one: guessing one account, or many from one address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "aigva.login_throttle.client_address"
AXES_VERBOSE = False

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)  # so manage.py works on a fresh checkout too

if AWS_STORAGE_BUCKET_NAME:
    DEFAULT_STORAGE = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_EXPIRE = 3600
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage."
        + ("CompressedStaticFilesStorage" if DEBUG else "CompressedManifestStaticFilesStorage")
    },
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_dramatiq",
    "axes",
    "projects",
    "videos",
    "labelling",
    "learning",
    "prediction",
    "exports",
    "reviews",
    "ninja",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "aigva.middleware.pages_never_cached",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out login with the page saying so
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Scripts only from our own static files: no inline script, no eval (htmx's allowEval is off too).
# Inline style attributes carry class colours. Media and images may come from the S3 endpoint.
_MEDIA_ORIGINS = [AWS_S3_ENDPOINT_URL or "https://*.amazonaws.com"] if AWS_STORAGE_BUCKET_NAME else []
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", *_MEDIA_ORIGINS], "media-src": ["'self'", "blob:", *_MEDIA_ORIGINS],
    "connect-src": ["'self'"], "object-src": ["'none'"], "base-uri": ["'self'"], "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}}

ROOT_URLCONF = "aigva.urls"
WSGI_APPLICATION = "aigva.wsgi.application"
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
                "aigva.context_processors.theme",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "projects:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
MEDIA_URL = "media/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads always go to a temporary file in chunks, never into memory (SPEC V-1).
FILE_UPLOAD_HANDLERS = ["videos.uploads.LimitedTemporaryFileUploadHandler"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024**2  # request bodies other than files: an API import of 20,000 rows fits

DRAMATIQ_BROKER = {
    "BROKER": "dramatiq.brokers.redis.RedisBroker",
    "OPTIONS": {"url": REDIS_URL},
    "MIDDLEWARE": [
        "dramatiq.middleware.AgeLimit",
        "dramatiq.middleware.TimeLimit",
        "dramatiq.middleware.Callbacks",
        "dramatiq.middleware.Retries",
        "django_dramatiq.middleware.DbConnectionsMiddleware",
        "projects.sweeper.StaleJobSweeper",
        "aigva.processes.WorkerDiesWithItsMain",
    ],
}
DRAMATIQ_AUTODISCOVER_MODULES = ["actors"]

SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers and compose probe it over plain http
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Cookies go over https only where the site is served over https: it redirects there itself, or a TLS proxy in
# front says so (whichever redirects). `make run` serves plain http on the loopback.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT or AIGVA_BEHIND_HTTPS_PROXY

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"botocore": {"level": "WARNING"}},  # not "Found credentials..." at every command
}
