"""Fuzzing the recommender's OpenAPI with schemathesis: no 5xx, every answer as documented."""

from __future__ import annotations

import itertools
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from recommender.app import create_app
from recommender.demo import seed
from shared.auth import TokenSettings, issue_token
from tests.conftest import TEST_SECRET

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CALLERS = [("daan", ("ld",)), ("karim", ("employee",)), ("hanna", ("employee", "hr")), ("root", ("admin",)),
           ("follower", ("service",))]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("GROEIPAD_JWT_SECRET", TEST_SECRET)
    patch.setenv("GROEIPAD_DATA_DIR", str(tmp_path_factory.mktemp("var")))
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'recommender.sqlite'}"
    seed(url)
    app = create_app({"RECOMMENDER_DATABASE_URL": url})
    yield app
    app.extensions["recommender"].close()
    patch.undo()


def auth(subject: str, roles) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(TokenSettings(TEST_SECRET, 'groeipad'), subject, roles)}"}


_callers = itertools.cycle(CALLERS)


def test_no_server_error_and_documented_answers(fuzz_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case):
            subject, roles = next(_callers)
            response = case.call(headers=auth(subject, roles))
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        fuzz()
