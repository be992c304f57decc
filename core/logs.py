"""Logs: `PIX_LTI_LOG_FORMAT=json` (production: one JSON object a line, for journald/Loki/ELK) or `text` (the
default, for the demo). Every line carries the instance name and, inside a request, the request id (`X-Request-ID`,
echoed in the response). What is logged never carries personal data: the call sites log ids, codes and route
templates — never names, claims, answers, tokens or query strings (tests/observability check it on a real login)."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

from core.metrics import instance_name

REQUEST_ID: ContextVar[str | None] = ContextVar("pix_lti_request_id", default=None)
_HANDLER_MARK = "_pix_lti_handler"
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "taskName"}


class ContextFilter(logging.Filter):
    """Adds `request_id` (None outside a request) and `instance` to every record."""

    def __init__(self) -> None:
        super().__init__()
        self.instance = instance_name()

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        record.instance = self.instance
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, instance, and the record's extra fields
    (e.g. the access line's method, route, status, duration_ms). An exception is reduced to its class name and
    the traceback's frames without locals (SQLAlchemy errors carry no parameters: `hide_parameters`)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "instance": getattr(record, "instance", None),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            entry["error"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
        line = super().format(record)
        if record.name == ACCESS_LOGGER:
            line += " {method} {route} {status} {duration_ms}ms".format(**{
                k: getattr(record, k, "-") for k in ("method", "route", "status", "duration_ms")})
        return line


ACCESS_LOGGER = "pix_lti.access"


def log_format() -> str:
    value = os.environ.get("PIX_LTI_LOG_FORMAT", "text").strip().lower()
    return value if value in ("json", "text") else "text"


def make_handler(stream: object = None, fmt: str | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(JsonFormatter() if (fmt or log_format()) == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    setattr(handler, _HANDLER_MARK, True)
    return handler


def quiet_libraries() -> None:
    """httpx logs one INFO line per call with its full URL (query strings included): not ours to log."""
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def configure_logging(level: int | None = None) -> None:
    """Install one handler on the root logger (idempotent: a second call replaces ours, never a test's handler).
    `PIX_LTI_LOG_LEVEL` (default INFO) sets the level; `PIX_LTI_ACCESS_LOG=0` silences the per-request lines."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    root.addHandler(make_handler())
    name = os.environ.get("PIX_LTI_LOG_LEVEL", "INFO").upper()
    root.setLevel(level if level is not None else logging.getLevelNamesMapping().get(name, logging.INFO))
    quiet_libraries()
    access = os.environ.get("PIX_LTI_ACCESS_LOG", "1").strip().lower() not in ("0", "false", "no")
    logging.getLogger(ACCESS_LOGGER).disabled = not access
