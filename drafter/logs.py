"""Structured (JSON lines) logging. Log records carry ids, hashes and counts, never case text."""

from __future__ import annotations

import json
import logging
from pathlib import Path

# Only these `extra=` fields are written; anything else a caller attaches is dropped, so case text
# cannot reach a log through a careless `extra`.
ALLOWED_FIELDS = ("case_id", "input_sha256", "status", "stage", "item_id", "attempt", "model",
                  "prompt_tokens", "completion_tokens", "error_type", "backend", "seconds", "cases", "skipped",
                  "failed", "items", "items_for_review", "llm_calls")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, event and the allowed fields.

    The event is the message template as written (`%` arguments are never filled in) and exception
    tracebacks are left out: both could carry case text.
    """

    def format(self, record: logging.LogRecord) -> str:
        event = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                 "logger": record.name, "event": event}
        for field in ALLOWED_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        return json.dumps(entry, sort_keys=True, default=lambda value: type(value).__name__)


def log_to_file(path: Path, level: int = logging.INFO) -> logging.Handler:
    """Send the `drafter` loggers to a JSON-lines file; returns the handler (remove it when done)."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("drafter")
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler
