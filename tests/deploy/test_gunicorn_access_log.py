"""gunicorn's access log: one JSON object per line, whatever the path holds, with the request id answered."""

from __future__ import annotations

import json
from datetime import timedelta

from gunicorn.config import Config

from shared.accesslog import JsonAccessLogger


class Answer:
    status = "201 CREATED"
    sent = 93
    headers = [("Content-Type", "application/json"), ("X-Request-ID", "made-by-the-service")]


class Asked:
    headers = [("HOST", "plan"), ("X-REQUEST-ID", "not valid, so replaced")]


def access_line(tmp_path, answer=Answer, asked=Asked, path="/api/v1/plans") -> dict:
    log = tmp_path / f"access-{len(list(tmp_path.iterdir()))}.log"
    config = Config()
    config.set("accesslog", str(log))
    logger = JsonAccessLogger(config)
    logger.access(answer, asked, {"REQUEST_METHOD": "POST", "PATH_INFO": path}, timedelta(milliseconds=12.7))
    for handler in logger.access_log.handlers:
        handler.close()
    [line] = log.read_text().splitlines()
    return json.loads(line)


def test_the_line_has_the_fields_and_the_request_id_the_service_answered_with(tmp_path):
    line = access_line(tmp_path)
    assert {k: v for k, v in line.items() if k != "time"} == {
        "method": "POST", "path": "/api/v1/plans", "status": "201", "duration_ms": "12", "bytes": "93",
        "request_id": "made-by-the-service"}
    assert line["time"].startswith("[") and line["time"].endswith("]")


def test_quotes_backslashes_and_control_characters_in_the_path_stay_valid_json(tmp_path):
    path = '/api/v1/plans/a"b\\\\c\\x01'
    assert access_line(tmp_path, path=path)["path"] == path


def test_without_an_answered_id_the_asked_one_or_a_dash(tmp_path):
    class Bare(Answer):
        headers = [("Content-Type", "text/plain")]
        sent = None

    assert access_line(tmp_path, Bare)["request_id"] == "not valid, so replaced"
    assert access_line(tmp_path, Bare, asked=[("HOST", "plan")])["bytes"] == "-"
