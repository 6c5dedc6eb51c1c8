"""The notifier's directory client against the real plan service (in-process, reached through requests):
a service token reads anyone, an unknown person is None, and views that lag a feed event fail the look-up."""

from __future__ import annotations

import pytest
import requests
from requests.adapters import BaseAdapter

from services.notifier.directory import DirectoryUnavailableError, PlanDirectory, ServiceToken
from services.plan.app import create_app
from services.plan.views.projector import Projector
from shared.auth import TokenSettings
from tests.conftest import TEST_SECRET

ORG = ("id,name,email,manager_id,department,job_title\nmarieke,Marieke,marieke@example.org,,TD,Manager\n"
       "karim,Karim,karim@example.org,marieke,TD,Monteur\n")
BASE = "http://plan.test"


class FlaskAdapter(BaseAdapter):
    """requests -> the plan app's test client, so the client's own HTTP handling is what is tested."""

    def __init__(self, app) -> None:
        super().__init__()
        self.client = app.test_client()

    def send(self, prepared, **kwargs):
        answer = self.client.open(prepared.path_url, method=prepared.method, headers=dict(prepared.headers))
        response = requests.Response()
        response.status_code, response._content = answer.status_code, answer.data
        response.headers.update(answer.headers)
        response.url, response.request = prepared.url, prepared
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def plan(tmp_path, tokens, monkeypatch):
    monkeypatch.delenv("PLAN_VIEWS_INLINE")  # the views lag until the projector runs, as in production
    app = create_app({"PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"})
    app.config["VIEWS_WAIT_SECONDS"] = 0.1
    imported = app.test_client().post("/api/v1/people/import", data=ORG,
                                      headers={**tokens("hanna", "hr"), "Content-Type": "text/csv"})
    yield app, int(imported.headers["X-Position"])
    app.extensions["plan_service"].close()


def directory(app) -> PlanDirectory:
    session = requests.Session()
    session.mount(BASE, FlaskAdapter(app))
    return PlanDirectory(BASE, ServiceToken(TokenSettings(TEST_SECRET, "groeipad")), session=session)


def test_views_behind_a_feed_event_fail_the_look_up_and_then_answer(plan):
    app, position = plan
    lookup = directory(app)
    with pytest.raises(DirectoryUnavailableError):
        lookup.person("karim", at_least=position)
    Projector(app.extensions["plan_service"]).catch_up()
    karim = lookup.person("karim", at_least=position)
    assert karim["email"] == "karim@example.org" and karim["manager_id"] == "marieke"
    assert lookup.person("nobody", at_least=position) is None
    assert lookup.person("marieke")["name"] == "Marieke"  # a service reads anyone, not only itself
