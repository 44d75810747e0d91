"""Settings read from the environment, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite://leadbox.sqlite3"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


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
    - ``LEADBOX_COMPILED_OPERATIONS``: ``0`` (or ``false``, ``no``, ``off``) to answer every request
      through the ordinary GraphQL execution; by default the registered inbox operations
      (fastpath/) are answered by their compiled plan.
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
    # The compiled path for registered operations (fastpath/).
    compiled_operations: bool = True
    # Webhooks (jobs/webhooks.py).
    webhooks_allow_insecure: bool = False
    webhooks_timeout_seconds: float = 10.0
    webhooks_poll_seconds: float = 0.2


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUE_WORDS


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
        raise ValueError(f"{name} must be a number of seconds from {low:g} to {high:g}, not {raw!r}.")
    return value


def settings_from_env() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        smtp_host=env.get("LEADBOX_SMTP_HOST") or None,
        smtp_port=int(env.get("LEADBOX_SMTP_PORT") or 25),
        smtp_username=env.get("LEADBOX_SMTP_USERNAME") or None,
        smtp_password=env.get("LEADBOX_SMTP_PASSWORD") or None,
        smtp_starttls=_flag(env.get("LEADBOX_SMTP_STARTTLS")),
        mail_from=env.get("LEADBOX_MAIL_FROM") or None,
        files_dir=env.get("LEADBOX_FILES_DIR") or "var/files",
        max_upload_bytes=int(env.get("LEADBOX_MAX_UPLOAD_MB") or 50) << 20,
        compiled_operations=_flag(env.get("LEADBOX_COMPILED_OPERATIONS") or "1"),
        webhooks_allow_insecure=_flag(env.get("LEADBOX_WEBHOOKS_ALLOW_INSECURE")),
        webhooks_timeout_seconds=_seconds("LEADBOX_WEBHOOKS_TIMEOUT_SECONDS", 10.0, 0.1, 60),
        webhooks_poll_seconds=_seconds("LEADBOX_WEBHOOKS_POLL_SECONDS", 0.2, 0.01, 60),
    )
