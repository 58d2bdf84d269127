"""Keep respondents' tokens out of every log line: a token with the database links to answers."""

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger

TOKEN_PATH = re.compile(r"/svar/[a-z2-7]{32}")
REDACTED = "/svar/[token]"


def redact(text: str) -> str:
    """`/svar/abc…/side/1/` → `/svar/[token]/side/1/`."""
    return TOKEN_PATH.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    """A logging filter that masks tokens in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                key: redact(value) if isinstance(value, str) else value
                for key, value in record.args.items()
            }
        # Django attaches the request; its path would otherwise reach handlers that format it.
        if hasattr(record, "request"):
            record.request = None
        return True


class RedactingAccessLogger(GunicornLogger):  # type: ignore[misc]
    """gunicorn's access log, with tokens masked in the request line, path and referrer."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "q"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
