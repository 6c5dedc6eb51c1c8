"""gunicorn's access log as one JSON object per line, with the request id the service answered with.

gunicorn's own access() builds a dict of every request header, response header and environ variable for
each request and then fills a template, which costs more than some of the requests it logs; a template
also cannot escape what it inserts, so a path with a backslash made the line invalid JSON. This logger
writes the same fields with json.dumps. deploy/gunicorn.conf.py names it as `logger_class`.
"""

from __future__ import annotations

import json

from gunicorn.glogging import Logger


class JsonAccessLogger(Logger):
    def access(self, resp, req, environ, request_time) -> None:
        """One line per request: time, method, path, status, duration, bytes and request id."""
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else str(resp.status)
        sent = getattr(resp, "sent", None)
        line = {
            "time": self.now(), "method": environ.get("REQUEST_METHOD"), "path": environ.get("PATH_INFO"),
            "status": status,
            "duration_ms": str(request_time.seconds * 1000 + request_time.microseconds // 1000),
            "bytes": "-" if sent is None else str(sent),
            # The id the service answered with: the caller's when it sent a valid one, else the one it made.
            "request_id": (_header(getattr(resp, "headers", None), "x-request-id")
                           or _header(getattr(req, "headers", req), "x-request-id") or "-"),
        }
        try:
            self.access_log.info(json.dumps(line))
        except Exception:
            self.exception("could not write the access log line")


def _header(headers, name: str) -> str | None:
    """The value of header NAME (lower case) in gunicorn's (name, value) pairs or a mapping, or None."""
    if hasattr(headers, "items"):
        headers = headers.items()
    for key, value in headers or ():
        if key.lower() == name:
            return value
    return None
