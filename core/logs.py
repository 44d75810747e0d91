"""Logging set-up for the server and the CLI: one handler on stderr, text or JSON lines.

The standard library's ``logging`` is enough: uvicorn, tortoise and strawberry log through it
already, and a JSON line is one ``orjson.dumps`` of the record's fields, so a structured-logging
library (structlog) would add a dependency and a second pipeline to bridge into this one.

``LEADBOX_LOG_FORMAT=json`` writes one JSON object a line (``ts``, ``level``, ``logger``,
``message``, plus a request line's fields, plus ``exc`` with the traceback when there is one);
the default text format writes ``<time> <LEVEL> <logger>: <message>``.
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.config
from typing import Any

import orjson

from core.config import Settings

# Loggers too chatty at INFO for a server's log (start-up and shut-down notes, SQL): quieter
# unless LEADBOX_LOG_LEVEL=debug asks for everything.
QUIET = {"tortoise": "WARNING", "aiosqlite": "WARNING", "asyncio": "WARNING", "python_multipart": "WARNING"}


def _timestamp(record: logging.LogRecord) -> str:
    stamp = dt.datetime.fromtimestamp(record.created, dt.UTC)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object a line; a record's ``fields`` extra (a dict) is merged into it."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def logging_config(settings: Settings) -> dict[str, Any]:
    """A ``dictConfig`` for the whole process; uvicorn applies it in every worker process."""
    formatter = JsonFormatter if settings.log_format == "json" else TextFormatter
    level = settings.log_level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"leadbox": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "leadbox", "stream": "ext://sys.stderr"}
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            # uvicorn's own loggers go to the root handler, so they share the format; its access
            # line is replaced by the request line of core/request_log.py.
            "uvicorn": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            **({} if level == "DEBUG" else {name: {"level": quiet} for name, quiet in QUIET.items()}),
        },
    }


def configure_logging(settings: Settings) -> None:
    logging.config.dictConfig(logging_config(settings))
