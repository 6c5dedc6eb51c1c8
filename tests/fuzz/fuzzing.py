"""The schemathesis loop both services' fuzz tests share: every operation, valid tokens for every role."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from shared.auth import TokenSettings, issue_token
from tests.conftest import TEST_SECRET

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))


def bearer(subject: str, roles) -> dict[str, str]:
    token = issue_token(TokenSettings(TEST_SECRET, "groeipad"), subject, roles)
    return {"Authorization": f"Bearer {token}", "X-Access-Purpose": "audit", "X-Access-Reason": "fuzzing"}


def fuzz_every_operation(app, callers: list[tuple], minimum_operations: int,
                         prepare: Callable[[object], None] = lambda case: None,
                         document: str = "/api/v1/openapi.json",
                         credentials: Callable[..., dict] = lambda subject, roles: {"headers": bearer(subject, roles)},
                         ) -> None:
    """EXAMPLES generated cases per operation of DOCUMENT, each sent with the next caller's CREDENTIALS
    (keyword arguments of the call: by default the headers with a token of (subject, roles)): no 5xx,
    and every answer matches the document. PREPARE may point a case at real data."""
    schema = schemathesis.openapi.from_wsgi(document, app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= minimum_operations
    rotation = itertools.cycle(callers)
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case):
            caller = next(rotation)
            prepare(case)
            response = case.call(**credentials(*caller))
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        fuzz()
