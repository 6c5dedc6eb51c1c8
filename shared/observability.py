"""Request ids, JSON logs and Prometheus metrics, the same in every service.

A request id arrives in `X-Request-ID` (or is made here), is stamped on every log line of the request,
is echoed in the response and travels on to the next service through `outgoing_headers()`.
Under gunicorn with several workers, metrics are aggregated across workers when
PROMETHEUS_MULTIPROC_DIR names a directory (deploy/gunicorn.conf.py cleans up after dead workers).
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import time
import uuid
from ipaddress import ip_address

from flask import Flask, Response, g, has_request_context, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest, multiprocess
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")

HTTP_LATENCY = Histogram(
    "groeipad_http_request_duration_seconds", "HTTP request latency by service, endpoint and status",
    ["service", "method", "endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def outgoing_headers() -> dict[str, str]:
    """Headers that carry the current request id to another service."""
    rid = request_id()
    return {REQUEST_ID_HEADER: rid} if rid else {}


def _install_request_id_on_records() -> None:
    """Every log record, whatever handler takes it, carries the request id of its request."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "adds_request_id", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        record.request_id = request_id()
        return record

    factory.adds_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def configure_logging(service: str) -> None:
    """One JSON object per line on stderr, with the service name and the request id."""
    _install_request_id_on_records()
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                                       static_fields={"service": service},
                                       rename_fields={"levelname": "level", "asctime": "time"}))
    root.addHandler(handler)  # beside, not instead of, handlers others installed (pytest's, an APM agent's)
    root.setLevel(os.environ.get("GROEIPAD_LOG_LEVEL", "INFO").upper())


def metrics_allowed() -> bool:
    """With GROEIPAD_METRICS_TOKEN set, /metrics needs it as a bearer token; without it, only this host asks."""
    token = os.environ.get("GROEIPAD_METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode("utf-8"), f"Bearer {token}".encode())
    try:
        return ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def init_observability(app: Flask, service: str) -> None:
    configure_logging(service)

    @app.before_request
    def start_request() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish_request(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        started = g.get("request_started")
        if started is not None:
            endpoint = request.url_rule.rule if request.url_rule else "unmatched"
            HTTP_LATENCY.labels(service, request.method, endpoint, str(response.status_code)).observe(
                time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        """Prometheus text format; aggregated over gunicorn workers in multiprocess mode."""
        if not metrics_allowed():
            return Response('{"status": 403, "message": "metrics need the bearer token GROEIPAD_METRICS_TOKEN", '
                            '"errors": []}', status=403, mimetype="application/json")
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)
