"""pkgwhen's logs: one line per event, plain or JSON, with the request id, and never a secret or a bearer URL.

Slack tokens, the signing secret, `response_url`s (bearer URLs: whoever has one can post as the bot) and
AWS credential material are masked by a filter on the root handler, so no library's log line can leak
them either — botocore's DEBUG lines show session tokens and signatures in canonical requests, headers
and presigned URLs, and whole credentials in the answers of STS and the credential providers.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

request_id: ContextVar[str] = ContextVar("request_id", default="-")

_TOKEN = re.compile(r"\bx(?:oxb|oxp|oxa|oxe|app|oxr)-[A-Za-z0-9-]+")
# Slack's response URLs (and any stand-in's) and incoming webhooks.
_BEARER_URL = re.compile(r"https?://[^\s\"'<>]*(?:hooks\.slack\.com|/response/|/actions/|/commands/)[^\s\"'<>]*")
# A named AWS credential value in any form botocore logs: a header line `x-amz-security-token:V`, a query
# `Signature=V&`, a repr `'X-Amz-Security-Token': b'V'`, JSON `"SecretAccessKey": "V"`, XML `<SessionToken>V<`.
_AWS_CREDENTIAL = re.compile(
    r"(?i)(?P<name>x-amz-security-token|x-amz-signature|x-amz-credential|security[-_]?token|session[-_]?token"
    r"|secret[-_]?access[-_]?key|secret[-_]?key|signature|credential|awsaccesskeyid|access[-_]?key[-_]?id|\btoken)"
    r"(?P<separator>[\"']?\s*[:=>]\s*b?[\"']?)"
    r"(?P<value>[^\s\"'<>&,]+)"
)
# Access key IDs wherever they stand (AKIA: long-term, ASIA: temporary).
_AWS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")


class Redact(logging.Filter):
    """Masks tokens, the given secrets and bearer URLs in every record's final message."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s and len(s) >= 6]

    def mask(self, text: str) -> str:
        text = _TOKEN.sub("[token]", text)
        text = _BEARER_URL.sub("[response_url]", text)
        text = _AWS_CREDENTIAL.sub(r"\g<name>\g<separator>[redacted]", text)
        text = _AWS_KEY_ID.sub("[aws-key-id]", text)
        for secret in self._secrets:
            text = text.replace(secret, "[secret]")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self.mask(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        record.request_id = request_id.get()
        return True


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_text:
            entry["error"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class PlainLines(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        # One event, one line: a message or traceback with line breaks keeps them escaped.
        return super().format(record).replace("\n", "\\n")


# Libraries whose INFO lines ("Found credentials in environment variables", one per client made) say
# nothing an operator acts on: they log from WARNING up unless pkgwhen's own level is DEBUG.
QUIET_LIBRARIES = ("botocore", "boto3", "urllib3", "slack_sdk", "slack_bolt", "websocket")


def configure(level: str = "INFO", fmt: str = "plain", secrets: Iterable[str] = (), stream: TextIO | None = None) -> None:
    """Replace the root handlers with one line-per-event handler that redacts."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines() if fmt == "json" else PlainLines())
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    libraries = logging.DEBUG if logging.getLevelName(level) == logging.DEBUG else max(logging.WARNING, root.level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(libraries)
