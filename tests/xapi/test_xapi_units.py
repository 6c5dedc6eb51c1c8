"""The xAPI sync's parts on their own: statements, pseudonyms, URL matching, configuration, the Procfile entry."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from services.xapi import statements as xs
from services.xapi.pseudonyms import Pseudonyms
from services.xapi.readback import Readback, loose
from services.xapi.runtime import home_page, lrs_from_env
from shared.config import ConfigError

ROOT = Path(__file__).parents[2]


def test_statement_ids_come_from_the_event_and_nothing_else():
    one = xs.statement_id("https://org.example", "plan-1", "7", "completed")
    assert one == xs.statement_id("https://org.example", "plan-1", "7", "completed")
    assert one != xs.statement_id("https://org.example", "plan-1", "7", "passed")
    assert one != xs.statement_id("https://other.example", "plan-1", "7", "completed")


def test_pseudonyms_are_keyed_and_reveal_nothing():
    karim = Pseudonyms("key-one").of("karim")
    assert karim == Pseudonyms("key-one").of("karim") and len(karim) == 32
    assert karim != Pseudonyms("key-two").of("karim") and karim != Pseudonyms("key-one").of("sophie")
    assert "karim" not in karim
    with pytest.raises(ValueError):
        Pseudonyms("")


def test_a_statement_is_checked_before_it_is_queued():
    good = xs.statement(id=xs.statement_id("a"), actor=xs.agent("https://org.example", "p1"), verb_name="completed",
                        obj=xs.activity("https://org.example/x", "Course", "mooc"), when="2026-03-01T00:00:00+00:00",
                        plan_id="p", action_id="a", result={"completion": True, "duration": "P14D"})
    assert good["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    for bad in ({**good, "actor": {"objectType": "Agent"}},
                {**good, "actor": {**good["actor"], "mbox": "mailto:karim@example.org"}},
                {**good, "result": {"duration": "14 days"}}, {**good, "id": "not-a-uuid"}):
        with pytest.raises(ValueError):
            xs.check(bad)


def test_durations_and_timestamps():
    assert xs.days_duration(date(2026, 2, 2), date(2026, 2, 16)) == "P14D"
    assert xs.days_duration(None, date(2026, 2, 16)) == "P0D"
    assert xs.timestamp(date(2026, 2, 16), "2026-02-16T09:30:00+00:00") == "2026-02-16T09:30:00+00:00"
    assert xs.timestamp(date(2026, 2, 16), "2026-03-01T09:30:00+00:00") == "2026-02-16T00:00:00+00:00"


def test_loose_url_matching():
    assert loose("https://www.LMS.example.org/course/42/") == loose("http://lms.example.org/course/42")
    assert loose("https://lms.example.org/course/view.php?id=7") != loose("https://lms.example.org/course/view.php?id=8")
    assert loose("https://lms.example.org/a#part") == loose("https://lms.example.org/a")


def test_the_completion_sent_to_the_plan_service():
    statement = {"id": "5b0c1a2e-0000-4000-8000-000000000001", "verb": {"id": xs.VERBS["passed"]},
                 "timestamp": "2026-03-10T10:00:00Z", "result": {"score": {"scaled": 0.75}}}
    assert Readback.completion(statement) == {"on": "2026-03-10", "source": "xapi", "success": True, "score": 0.75,
                                              "statement_id": "5b0c1a2e-0000-4000-8000-000000000001"}


def test_configuration_fails_fast_with_the_variable_named(monkeypatch):
    monkeypatch.delenv("XAPI_LRS_URL", raising=False)
    with pytest.raises(ConfigError, match="XAPI_LRS_URL"):
        lrs_from_env()
    monkeypatch.setenv("XAPI_LRS_URL", "lrs.example.org")
    with pytest.raises(ConfigError, match="XAPI_LRS_URL"):
        lrs_from_env()
    monkeypatch.setenv("XAPI_LRS_URL", "https://lrs.example.org/xAPI/")
    monkeypatch.setenv("XAPI_LRS_USERNAME", "groeipad")
    monkeypatch.setenv("XAPI_LRS_PASSWORD", "secret")
    lrs = lrs_from_env()
    assert (lrs.url, lrs.auth) == ("https://lrs.example.org/xAPI/", ("groeipad", "secret"))
    monkeypatch.setenv("XAPI_HOMEPAGE", "ftp://org.example")
    with pytest.raises(ConfigError, match="XAPI_HOMEPAGE"):
        home_page()


def test_make_run_starts_the_sync_only_with_an_lrs():
    entry = (ROOT / "deploy" / "Procfile.xapi").read_text()
    assert re.search(r"^xapi: .*\bgroeipad xapi-sync$", entry, re.M)
    makefile = (ROOT / "Makefile").read_text()
    assert 'if [ -n "$$XAPI_LRS_URL" ]; then cat deploy/Procfile deploy/Procfile.xapi' in makefile
    from services.cli import main

    assert "xapi-sync" in main.commands
