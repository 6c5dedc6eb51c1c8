"""Fuzzing the recommender's OpenAPI with schemathesis: no 5xx, every answer as documented."""

from __future__ import annotations

import itertools

import pytest

from recommender.app import create_app
from recommender.demo import seed
from tests.conftest import TEST_SECRET
from tests.fuzz.fuzzing import fuzz_every_operation
from tests.live_plan_service import LivePlanService

CALLERS = [("daan", ("ld",)), ("karim", ("employee",)), ("hanna", ("employee", "hr")), ("root", ("admin",)),
           ("follower", ("service",))]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("GROEIPAD_JWT_SECRET", TEST_SECRET)
    patch.setenv("GROEIPAD_DATA_DIR", str(tmp_path_factory.mktemp("var")))
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'recommender.sqlite'}"
    seed(url)
    plan_service = LivePlanService(tmp_path_factory.mktemp("plan"))  # where an employee's gaps come from
    app = create_app({"RECOMMENDER_DATABASE_URL": url, "PLAN_GAPS": plan_service.gaps_client()})
    yield app
    app.extensions["recommender"].close()
    plan_service.close()
    patch.undo()


def test_no_server_error_and_documented_answers(fuzz_app):
    """Every operation of the document; offer paths point at real offers two times in three."""
    offers = itertools.cycle(o["offer_id"] for o in fuzz_app.extensions["recommender"].app.offers())
    real = itertools.cycle((True, True, False))

    def at_a_real_offer(case) -> None:
        if "offer_id" in (case.path_parameters or {}) and next(real):
            case.path_parameters["offer_id"] = next(offers)

    fuzz_every_operation(fuzz_app, CALLERS, minimum_operations=15, prepare=at_a_real_offer)
