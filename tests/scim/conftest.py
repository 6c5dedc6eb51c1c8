"""Fixtures of the SCIM tests: the plan service with a small org, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from services.plan.app import create_app

ORG_CSV = (
    "id,name,email,manager_id,department,job_title\n"
    "boss,Ingrid Bakker,ingrid@example.org,,Directie,Directeur\n"
    "marieke,Marieke de Vries,marieke@example.org,boss,TD,Manager TD\n"
    "karim,Karim El Amrani,karim@example.org,marieke,TD,Monteur\n"
    "hanna,Hanna Mulder,,boss,HR,HR-adviseur\n"
)
SCIM = "/scim/v2"


@pytest.fixture
def scim_app(store_url, tokens):
    app = create_app({"PLAN_DATABASE_URL": store_url})
    response = app.test_client().post("/api/v1/people/import", data=ORG_CSV,
                                      headers={**tokens("hanna", "hr"), "Content-Type": "text/csv"})
    assert response.status_code == 200, response.json
    yield app
    app.extensions["plan_service"].close()


@pytest.fixture
def scim_headers(tokens):
    return {**tokens("entra", "scim"), "Content-Type": "application/scim+json"}


@pytest.fixture
def scim(scim_app, scim_headers):
    """A test client that speaks as the identity provider: scim.post(path, json=...) etc. under /scim/v2."""
    client = scim_app.test_client()

    class Scim:
        def __getattr__(self, method):
            call = getattr(client, method)
            return lambda path, **kw: call(SCIM + path, headers={**scim_headers, **kw.pop("headers", {})}, **kw)

    return Scim()
