"""Documented defaults. instance/config.py, then the environment, override them.

Environment: DATABASE_URL, SECRET_KEY, REDIS_URL, and any other key as
COMMENT_PORTAL_<KEY> (parsed as JSON where possible, so
COMMENT_PORTAL_RATELIMIT_ENABLED=false is the boolean False).
"""

from datetime import timedelta

DEFAULT_SECRET_KEY = "dev-only-insecure-secret-key"


class Defaults:
    # "production" turns on secure-only cookies and refuses a default secret.
    ENV = "development"
    SECRET_KEY = DEFAULT_SECRET_KEY
    # Relative SQLite paths are resolved inside the instance folder.
    SQLALCHEMY_DATABASE_URI = "sqlite:///comment_portal.db"
    SQLITE_BUSY_TIMEOUT_SECONDS = 15
    # Which consultation the resident pages show.
    CONSULTATION_SLUG = "musashino-2021"
    # The resident pages reuse the consultation (period, sections) read at most this long ago;
    # changes made in this process (set-period, load-consultation) apply at once.
    CONSULTATION_CACHE_SECONDS = 10
    # Web comments get their suggestion from a background thread, in batches, right after the
    # receipt is shown (False: in the request). `flask reclassify` catches any left without one.
    SUGGEST_IN_BACKGROUND = True
    # Where trained classifier versions are stored (relative: inside instance/).
    MODEL_DIR = "models"
    BODY_MAX_CHARS = 4000
    # Requests above this size are refused with 413. A full form is at most ~50 KiB (4,000 characters of
    # any script, 4 bytes each in UTF-8, 3 characters each once form-encoded); 1 MiB lets a paste of up to
    # ~100,000 Japanese characters come back with the length message and the text kept.
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    # Key for hashing client IP addresses; derived from SECRET_KEY when unset.
    IP_HASH_KEY = None
    REDIS_URL = None
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Per client address, for the submit step; generous so families and
    # offices behind one address are not bothered.
    SUBMIT_RATE_LIMIT = "20 per hour;5 per minute"
    LOGIN_RATE_LIMIT = "10 per minute"
    # Receipt numbers have ~39 random bits; the limit still stops anyone trying them in bulk on /results.
    RESULTS_LOOKUP_RATE_LIMIT = "10 per minute;60 per hour"
    # After this many wrong passwords in a row an account is locked for LOGIN_LOCKOUT_MINUTES.
    LOGIN_LOCKOUT_THRESHOLD = 5
    LOGIN_LOCKOUT_MINUTES = 15
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    # Signed-in sessions end after this long without a request (refreshed on each request)…
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=60)
    # …and at the latest this long after signing in, however busy (auth/sessions.py).
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = 4 * 3600
    # Days after a consultation closes before `flask purge-personal-data` may remove
    # names, e-mail addresses and IP hashes.
    PERSONAL_DATA_RETENTION_DAYS = 365
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted
    # (0: none; the client address is then the socket peer).
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    TIMEZONE = "Asia/Tokyo"
    # Computed pages (the committee digest). Unset: RedisCache on REDIS_URL when it is set, else
    # SimpleCache in each process. Entries are keyed by a data version, so they never go stale.
    CACHE_TYPE = None
    CACHE_DEFAULT_TIMEOUT = 24 * 3600
    CACHE_KEY_PREFIX = "comment_portal:"
    # Consultations with more opinions than this get their committee digest computed in a background
    # thread (about 4 s per 10,000 opinions), showing the previous one meanwhile, so no request waits
    # beyond the server's timeout.
    COMMITTEE_SYNC_LIMIT = 20_000
