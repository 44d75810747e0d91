"""Settings read from the environment, in one place."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "sqlite://leadbox.sqlite3"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Settings:
    """What a deployment chooses, each read from one environment variable:

    - ``DATABASE_URL``: ``sqlite://<file>`` (the default, ``leadbox.sqlite3``) or a PostgreSQL URL.
    - ``LEADBOX_SMTP_HOST``: the SMTP server that sends bulk email; unset, sending email is refused.
    - ``LEADBOX_SMTP_PORT``: its port (default 25; 587 is usual with STARTTLS).
    - ``LEADBOX_SMTP_USERNAME`` and ``LEADBOX_SMTP_PASSWORD``: log in with these when a username
      is set.
    - ``LEADBOX_SMTP_STARTTLS``: ``true`` to switch the connection to TLS before logging in or
      sending (default false).
    - ``LEADBOX_MAIL_FROM``: the address messages are sent from, shown with the sending user's
      name; unset, the sending user's own address. Replies go to the sending user either way.
    - ``LEADBOX_FILES_DIR``: where uploaded imports and finished exports are kept (default
      ``var/files`` under the working directory).
    - ``LEADBOX_MAX_UPLOAD_MB``: the largest file an import accepts, in MB (default 50).
    - ``LEADBOX_FILE_RETENTION_HOURS``: how long a finished export's file is kept (default 72);
      uploaded import files go as soon as their import is over (jobs/file_cleanup.py).
    - ``LEADBOX_RECORD_RETENTION_DAYS``: how long keyed create requests, finished webhook
      deliveries and persisted query texts are kept (default 30).
    - ``LEADBOX_MAX_BODY_KB``: the largest request body other than a file upload, in KB (default
      1024); larger ones are answered 413 before they are read.
    - ``LEADBOX_LOG_FORMAT``: ``text`` (the default) or ``json``, one object a line (core/logs.py).
    - ``LEADBOX_LOG_LEVEL``: the lowest level logged: ``debug``, ``info`` (the default),
      ``warning`` or ``error``.
    - ``LEADBOX_IMPORT_MAX_ROWS``: the most data rows one import file may hold (default 100,000).
    - ``LEADBOX_IMPORT_MAX_EXPANDED_MB``: the most an XLSX workbook may expand to, in MB (default 100).
    - ``LEADBOX_COMPILED_OPERATIONS``: ``0`` (or ``false``, ``no``, ``off``) to answer every request
      through the ordinary GraphQL execution; by default the read engine (fastpath/) answers
      every query it can plan.
    - ``LEADBOX_CORS_ORIGINS``: the browser origins (``https://app.example.com``, comma-separated,
      or ``*``) whose pages may call the API; none by default.
    - ``LEADBOX_INTROSPECTION``: ``0`` to refuse introspection queries (``__schema``, ``__type``).
    - ``LEADBOX_GRAPHIQL``: ``0`` to serve no GraphiQL page (``/graphql`` in a browser answers 404).
    - ``LEADBOX_PERSISTED_QUERIES``: ``0`` to answer hash-only requests ``PERSISTED_QUERY_NOT_SUPPORTED``
      (clients then send the text every time); by default texts are stored under their hash.
    - ``LEADBOX_MAX_QUERY_COST``: the most one operation may cost (schema/cost.py; default 10000);
      a costlier one is refused with MAX_COST_EXCEEDED before anything runs.
    - ``LEADBOX_RATE_LIMIT_POINTS`` and ``LEADBOX_RATE_LIMIT_RESTORE_RATE``: each token's bucket of
      cost points (default 20000) and the points it gets back per second (default 500), for the
      companies whose plan sets neither (``leadbox set-rate-limit``).
    - ``LEADBOX_REDIS_URL``: keep the buckets in this Redis (``redis://host:6379/0``) instead of
      the database.
    - ``LEADBOX_AUTH_FAILURE_LIMIT`` and ``LEADBOX_AUTH_FAILURE_WINDOW``: after this many requests
      with a bad token from one client address (default 20) within this many seconds (default
      60), that address is answered 429 until the window ends.
    - ``LEADBOX_WEBHOOKS_ALLOW_INSECURE``: ``true`` to let webhooks go to http URLs and to
      loopback, private and link-local addresses (tests, local development); default false.
    - ``LEADBOX_WEBHOOKS_TIMEOUT_SECONDS``: how long one webhook delivery may take (default 10).
    - ``LEADBOX_WEBHOOKS_POLL_SECONDS``: how often the webhook dispatcher looks for due
      deliveries when it has nothing to do (default 0.2).
    """

    database_url: str
    # Query limits (SPEC §10.5).
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 4000
    page_size_default: int = 50
    page_size_max: int = 500
    # Outgoing email (bulk email).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str | None = None
    # Uploaded import files and written exports.
    files_dir: str = "var/files"
    max_upload_bytes: int = 50 << 20
    # How long finished exports and bookkeeping rows are kept (jobs/file_cleanup.py).
    file_retention_hours: int = 72
    record_retention_days: int = 30
    # Request bodies other than uploads (core/body_limit.py).
    max_body_bytes: int = 1 << 20
    # What an import file may hold (domain/integration/import_limits.py).
    import_max_rows: int = 100_000
    import_max_expanded_bytes: int = 100 << 20
    # The read engine (fastpath/): planned queries answered from their plans.
    compiled_operations: bool = True
    # Browsers on other origins, and what a deployment exposes (core/serving.py).
    cors_origins: tuple[str, ...] = ()
    introspection: bool = True
    graphiql: bool = True
    persisted_queries: bool = True
    # Query cost and rate limits (SPEC §10.5; core/rate_limit.py, core/auth_throttle.py).
    max_query_cost: int = 10_000
    rate_limit_points: int = 20_000
    rate_limit_restore_rate: int = 500
    redis_url: str | None = None
    auth_failure_limit: int = 20
    auth_failure_window: int = 60
    # Logs (core/logs.py): one line a request, text or JSON.
    log_format: str = "text"
    log_level: str = "info"
    # Webhooks (jobs/webhooks.py).
    webhooks_allow_insecure: bool = False
    webhooks_timeout_seconds: float = 10.0
    webhooks_poll_seconds: float = 0.2


LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("debug", "info", "warning", "error")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number from the environment variable ``name``, or a :class:`SettingsError` saying why not."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        limit = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise SettingsError(f"{name} must be {limit}, not {value}")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (case-insensitive) from the environment variable ``name``."""
    raw = (os.environ.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUE_WORDS


def _switch(name: str, default: bool) -> bool:
    """An on/off variable; anything but the usual words is an error, not a silent "off"."""
    value = (os.environ.get(name) or "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (or true/false, yes/no, on/off), not {value!r}.")


ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def _origins(name: str) -> tuple[str, ...]:
    """Comma-separated browser origins (scheme, host and port, no path), or ``*`` for any."""
    origins = tuple(part.strip().rstrip("/") for part in (os.environ.get(name) or "").split(",") if part.strip())
    for origin in origins:
        if origin != "*" and not ORIGIN.fullmatch(origin):
            raise SettingsError(
                f"{name}: {origin!r} is not an origin such as https://app.example.com or http://localhost:3000."
            )
    return origins


DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "asyncpg")


def database_url_from_env() -> str:
    """``DATABASE_URL``, checked: SQLite or PostgreSQL, and a URL at all (a bare word would
    otherwise become the name of a SQLite file)."""
    raw = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    scheme, sep, rest = raw.partition("://")
    expected = "sqlite://PATH or postgresql://USER@HOST:PORT/DATABASE"
    if not sep:
        raise SettingsError(f"DATABASE_URL must be {expected}, not {raw!r}")
    if scheme.lower() not in DATABASE_SCHEMES:
        # Only the scheme is shown: the rest may hold a password.
        raise SettingsError(f"DATABASE_URL names a database leadbox does not support ({scheme}://...); use {expected}")
    if not rest.strip("/"):
        raise SettingsError(f"DATABASE_URL names no database: use {expected}")
    if scheme.lower() != "sqlite":
        try:
            _ = urlsplit(raw).port
        except ValueError:
            raise SettingsError(
                f"DATABASE_URL has a port that is not a number from 0 to 65535 ({scheme}://...)"
            ) from None
    return raw


def _seconds(name: str, default: float, low: float, high: float) -> float:
    """A number of seconds from the environment, or a clear error naming the variable."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise SettingsError(f"{name} must be a number of seconds from {low:g} to {high:g}, not {raw!r}.")
    return value


def settings_from_env() -> Settings:
    env = os.environ
    return Settings(
        database_url=database_url_from_env(),
        smtp_host=env.get("LEADBOX_SMTP_HOST") or None,
        smtp_port=env_int("LEADBOX_SMTP_PORT", 25, minimum=1, maximum=65535),
        smtp_username=env.get("LEADBOX_SMTP_USERNAME") or None,
        smtp_password=env.get("LEADBOX_SMTP_PASSWORD") or None,
        smtp_starttls=_flag(env.get("LEADBOX_SMTP_STARTTLS")),
        mail_from=env.get("LEADBOX_MAIL_FROM") or None,
        files_dir=env.get("LEADBOX_FILES_DIR") or "var/files",
        max_upload_bytes=env_int("LEADBOX_MAX_UPLOAD_MB", 50, minimum=1) << 20,
        file_retention_hours=env_int("LEADBOX_FILE_RETENTION_HOURS", 72, minimum=1, maximum=24 * 366),
        record_retention_days=env_int("LEADBOX_RECORD_RETENTION_DAYS", 30, minimum=1, maximum=3660),
        compiled_operations=_flag(env.get("LEADBOX_COMPILED_OPERATIONS") or "1"),
        cors_origins=_origins("LEADBOX_CORS_ORIGINS"),
        introspection=_switch("LEADBOX_INTROSPECTION", True),
        graphiql=_switch("LEADBOX_GRAPHIQL", True),
        persisted_queries=_switch("LEADBOX_PERSISTED_QUERIES", True),
        max_query_cost=_positive(env, "LEADBOX_MAX_QUERY_COST", 10_000),
        rate_limit_points=_positive(env, "LEADBOX_RATE_LIMIT_POINTS", 20_000),
        rate_limit_restore_rate=_positive(env, "LEADBOX_RATE_LIMIT_RESTORE_RATE", 500),
        redis_url=env.get("LEADBOX_REDIS_URL") or None,
        auth_failure_limit=_positive(env, "LEADBOX_AUTH_FAILURE_LIMIT", 20),
        auth_failure_window=_positive(env, "LEADBOX_AUTH_FAILURE_WINDOW", 60),
        max_body_bytes=_positive(env, "LEADBOX_MAX_BODY_KB", 1024) << 10,
        log_format=env_choice("LEADBOX_LOG_FORMAT", "text", LOG_FORMATS),
        log_level=env_choice("LEADBOX_LOG_LEVEL", "info", LOG_LEVELS),
        webhooks_allow_insecure=_flag(env.get("LEADBOX_WEBHOOKS_ALLOW_INSECURE")),
        webhooks_timeout_seconds=_seconds("LEADBOX_WEBHOOKS_TIMEOUT_SECONDS", 10.0, 0.1, 60),
        webhooks_poll_seconds=_seconds("LEADBOX_WEBHOOKS_POLL_SECONDS", 0.2, 0.01, 60),
        import_max_rows=_positive(env, "LEADBOX_IMPORT_MAX_ROWS", 100_000),
        import_max_expanded_bytes=_positive(env, "LEADBOX_IMPORT_MAX_EXPANDED_MB", 100) << 20,
    )


class SettingsError(ValueError):
    """An environment variable with a value leadbox cannot use; the message names it."""


def _positive(env: os._Environ[str] | dict[str, str], name: str, default: int) -> int:
    """A whole number greater than zero, or ``default`` when the variable is unset or empty."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise SettingsError(f"{name} must be a whole number greater than 0, not {raw!r}.")
    return int(raw)
