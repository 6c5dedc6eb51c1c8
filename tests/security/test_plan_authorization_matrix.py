"""Authorisation matrix of the plan service, generated from its OpenAPI document.

Every operation x every kind of caller, against a plan of a fresh employee who reports to marieke
(who reports to boss): the expected status of each cell. An operation the table does not know fails
the test, so a new endpoint cannot ship without its row.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest

from services.plan.app import create_app
from shared.auth import TokenSettings, issue_token
from tests.conftest import TEST_SECRET

ORG = ("id,name,email,manager_id,department,job_title\nboss,Boss,,,D,Director\nmarieke,Marieke,,boss,TD,Manager\n"
       "petra,Petra,,boss,AD,Manager\nsophie,Sophie,,petra,AD,Employee\nhanna,Hanna,,boss,HR,HR\n"
       "daan,Daan,,hanna,HR,L&D\n")
# Callers and their roles; "owner" is the fresh employee whose plan each cell uses.
CALLERS = {
    "owner": ("employee",), "marieke": ("employee", "manager"), "boss": ("employee", "manager"),
    "petra": ("employee", "manager"), "sophie": ("employee",), "hanna": ("employee", "hr"),
    "daan": ("ld",), "root": ("admin",), "recommender": ("service",), "idp": ("scim",),
}
MANAGERS = {"marieke", "boss"}
READERS = {"owner", *MANAGERS, "hanna", "root"}
OUTSIDERS = {"petra", "sophie", "recommender", "idp"}
NOT_HR = set(CALLERS) - {"hanna", "root"}


def expect(ok: set[str], status: int, forbidden: set[str] = frozenset(), hidden: set[str] = OUTSIDERS,
           ) -> dict[str, int]:
    """OK callers get STATUS, FORBIDDEN 403, HIDDEN 404, and L&D 403 unless said otherwise."""
    table = {caller: 403 for caller in CALLERS}
    table.update({caller: 404 for caller in hidden})
    table.update({caller: 403 for caller in forbidden})
    table.update({caller: status for caller in ok})
    return table


OWNER_WRITE = dict(ok={"owner"}, forbidden={*MANAGERS, "hanna", "root", "daan"})
DECIDER_WRITE = dict(ok={*MANAGERS, "hanna", "root"}, forbidden={"owner", "daan"})
FOLLOW_UP = dict(ok=READERS, forbidden={"daan"})


@dataclass
class Row:
    expected: dict[str, int]
    state: str = "draft"  # what the plan looks like before the call
    body: Any = field(default_factory=dict)
    query: str = ""


def body_for(row: Row, caller: str) -> Any:
    return row.body(caller) if callable(row.body) else row.body


ACTION = {"means": "mooc", "title": "Course", "planned_start": "2026-03-01", "planned_end": "2026-04-01",
          "cost": 300}
REPORTED = {"on": "2026-03-20", "source": "xapi", "statement_id": "6f0d2c1e-3b1a-4c55-9a0e-1d2f3a4b5c6d",
            "success": True, "score": 0.9}
CHECKIN = {"on": "2026-06-01", "at": "10:00", "duration_minutes": 30, "location": "Room 1"}
TEMPLATE = {"name": "T", "milestones": [{"kind": "conversation", "offset_days": 28}], "hours_norm": 40}
TEMPLATE_AUTHORS = {"hanna", "daan", "root"}
REQUIREMENT = {"name": "VCA", "departments": ["TD"], "recurrence_months": 24, "offer_ids": ["vca"]}
CYCLE_READERS = {"hanna", "root", "marieke", "boss", "petra", "recommender"}  # HR, managers for their reports,
# and services (the notifier's sweep reads milestones and dashboards)
CYCLE = {"name": "C", "period_start": "2030-01-01", "period_end": "2030-12-31",
         "scope": {"kind": "people", "people": ["{owner}"]}, "templates": {"default": "{template_id}"},
         "milestones": [{"kind": "conversation", "due": "2030-02-01"}]}
PDF = b"%PDF-1.4\n%%EOF\n"


class Form(dict):
    """A multipart/form-data body; its `file` part is a small PDF."""


CERTIFICATE = Form(number="N-1", issuer="SSVV", issued_on="2026-03-20", expires_on="2026-04-01")
CERTIFIERS = {"owner", "hanna", "root"}
GAP_READERS = {"hanna", "daan", "root", "recommender"}  # demand for training: HR, L&D, the recommender


SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
SCIM_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
SCIM_SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
SCIM_PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_DEACTIVATE = {"schemas": [SCIM_PATCH], "Operations": [{"op": "replace", "path": "active", "value": False}]}


def scim_only(status: int) -> dict[str, int]:
    table = {caller: 403 for caller in CALLERS}
    table["idp"] = status
    return table


MATRIX: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/plans"): Row({c: 200 for c in CALLERS}),
    ("POST", "/api/v1/plans"): Row(expect({"owner", *MANAGERS, "hanna", "root"}, 201, forbidden={"daan", *OUTSIDERS}),
                                   body={"period_start": "2030-01-01", "period_end": "2030-12-31",
                                         "trigger": "continuous_development"}),
    ("GET", "/api/v1/plans/{plan_id}"): Row(expect(READERS, 200)),
    ("GET", "/api/v1/plans/{plan_id}/history"): Row(expect(READERS, 200)),
    ("GET", "/api/v1/plans/{plan_id}/diff"): Row(expect(READERS, 200), query="?from=1&to=2"),
    ("GET", "/api/v1/plans/{plan_id}/access-log"): Row(expect({"owner", "hanna", "root"}, 200,
                                                              hidden={*OUTSIDERS, *MANAGERS, "daan"})),
    ("PATCH", "/api/v1/plans/{plan_id}/details"): Row(expect(status=200, **OWNER_WRITE),
                                                     body={"available_budget": 1200, "reason": "more room"}),
    ("POST", "/api/v1/plans/{plan_id}/assessments/withdraw"): Row(
        expect({"owner", *MANAGERS}, 200, forbidden={"hanna", "root", "daan"}), state="assessed",
        body={"skill": "excel"}),
    ("POST", "/api/v1/plans/{plan_id}/assessments"): Row(
        expect({"owner", *MANAGERS}, 201, forbidden={"hanna", "root", "daan"}),
        body=lambda c: {"skill": "excel", "category": "technical", "level": 2,
                        "assessor": "manager" if c in MANAGERS else "self"}),
    ("POST", "/api/v1/plans/{plan_id}/goals"): Row(expect(status=201, **OWNER_WRITE), body={
        "title": "Goal", "skills": [{"skill": "python", "target_level": 2}], "measure": "m", "relevance": "r",
        "deadline": "2026-10-01", "hours_needed": 1}),
    ("GET", "/api/v1/plans/{plan_id}/budget-check"): Row(expect(READERS, 200), query="?hours=10&cost=250"),
    ("POST", "/api/v1/plans/{plan_id}/goals/check"): Row(expect(READERS, 200), body={
        "skills": [{"skill": "python", "target_level": 2}], "measure": "m", "deadline": "2026-10-01"}),
    ("PATCH", "/api/v1/plans/{plan_id}/goals/{goal_id}"): Row(expect(status=200, **OWNER_WRITE),
                                                             body={"reason": "later", "deadline": "2026-11-01"}),
    ("POST", "/api/v1/plans/{plan_id}/goals/{goal_id}/achieve"): Row(
        expect({"owner", *MANAGERS}, 200, forbidden={"hanna", "root", "daan"})),
    ("POST", "/api/v1/plans/{plan_id}/goals/{goal_id}/abandon"): Row(expect(status=200, **OWNER_WRITE),
                                                                    body={"reason": "changed role"}),
    ("POST", "/api/v1/plans/{plan_id}/actions"): Row(expect(status=201, **OWNER_WRITE), body=ACTION),
    ("POST", "/api/v1/plans/{plan_id}/actions/{action_id}/start"): Row(expect(status=200, **OWNER_WRITE),
                                                                      body={"date": "2026-03-02"}),
    ("POST", "/api/v1/plans/{plan_id}/actions/{action_id}/complete"): Row(
        expect(status=200, **OWNER_WRITE), state="started", body={"date": "2026-03-20", "evaluation": 4}),
    ("POST", "/api/v1/plans/{plan_id}/actions/{action_id}/cancel"): Row(expect(status=200, **OWNER_WRITE),
                                                                       body={"reason": "no time"}),
    ("POST", "/api/v1/plans/{plan_id}/actions/{action_id}/reschedule"): Row(
        expect(status=200, **OWNER_WRITE),
        body={"planned_start": "2026-05-01", "planned_end": "2026-06-01", "reason": "busy"}),
    ("POST", "/api/v1/plans/{plan_id}/actions/{action_id}/funding"): Row(
        expect(status=201, **OWNER_WRITE), body={"amount": 300, "justification": "serves the team"}),
    ("POST", "/api/v1/plans/{plan_id}/actions/{action_id}/funding/approve"): Row(
        expect(status=200, **DECIDER_WRITE), state="funding_requested"),
    ("POST", "/api/v1/plans/{plan_id}/actions/{action_id}/funding/decline"): Row(
        expect(status=200, **DECIDER_WRITE), state="funding_requested", body={"reason": "no budget"}),
    # Completions a learning record store reported: the xAPI sync (a service) records or proposes, the owner decides.
    ("POST", "/api/v1/plans/{plan_id}/actions/{action_id}/record-completion"): Row(
        expect({"recommender"}, 200, hidden=set()), body=REPORTED),
    ("POST", "/api/v1/plans/{plan_id}/completion-proposals"): Row(
        expect({"recommender"}, 201, hidden=set()), body={**REPORTED, "action_ids": ["{action_id}"], "match": "url"}),
    ("POST", "/api/v1/plans/{plan_id}/completion-proposals/{proposal_id}/accept"): Row(
        expect(status=200, **OWNER_WRITE), state="proposal", body={"action_id": "{action_id}", "evaluation": 4}),
    ("POST", "/api/v1/plans/{plan_id}/completion-proposals/{proposal_id}/reject"): Row(
        expect(status=200, **OWNER_WRITE), state="proposal"),
    ("POST", "/api/v1/plans/{plan_id}/progress"): Row(expect(status=201, **FOLLOW_UP), body={"note": "halfway"}),
    ("POST", "/api/v1/plans/{plan_id}/feedback"): Row(
        expect(status=201, **FOLLOW_UP), body=lambda c: {"source": "self" if c == "owner" else "manager",
                                                         "text": "good"}),
    ("POST", "/api/v1/plans/{plan_id}/submit"): Row(expect(status=200, **OWNER_WRITE)),
    ("POST", "/api/v1/plans/{plan_id}/review"): Row(expect(status=200, **DECIDER_WRITE), state="submitted",
                                                    body={"outcome": "approved"}),
    ("POST", "/api/v1/plans/{plan_id}/close"): Row(expect(status=200, **FOLLOW_UP)),
    ("POST", "/api/v1/plans/{plan_id}/recommendations/{recommendation_id}/accept"): Row(
        expect(status=201, **OWNER_WRITE), body={**ACTION, "offer_id": "o1"}),
    ("POST", "/api/v1/plans/{plan_id}/recommendations/{recommendation_id}/dismiss"): Row(
        expect(status=200, **OWNER_WRITE), body={"offer_id": "o1", "reason": "not for me"}),
    ("POST", "/api/v1/plans/{plan_id}/checkins"): Row(expect(status=201, **FOLLOW_UP), body=CHECKIN),
    ("POST", "/api/v1/plans/{plan_id}/checkins/{checkin_id}/agenda"): Row(
        expect(status=201, **FOLLOW_UP), state="checkin", body={"point": "budget"}),
    ("POST", "/api/v1/plans/{plan_id}/checkins/{checkin_id}/reschedule"): Row(
        expect(status=200, **FOLLOW_UP), state="checkin", body={**CHECKIN, "at": "15:00", "reason": "ill"}),
    ("POST", "/api/v1/plans/{plan_id}/checkins/{checkin_id}/cancel"): Row(
        expect(status=200, **FOLLOW_UP), state="checkin", body={"reason": "moved"}),
    ("POST", "/api/v1/plans/{plan_id}/checkins/{checkin_id}/record"): Row(
        expect(status=200, **FOLLOW_UP), state="checkin", body={"notes": "fine", "agreements": ["later"]}),
    ("POST", "/api/v1/plans/{plan_id}/checkins/{checkin_id}/agreements/{agreement_id}/goal-revision"): Row(
        expect(status=200, **OWNER_WRITE), state="checkin_held",
        body={"goal_id": "{goal_id}", "deadline": "2026-11-01"}),
    ("POST", "/api/v1/plans/{plan_id}/checkins/{checkin_id}/agreements/{agreement_id}/action"): Row(
        expect(status=201, **OWNER_WRITE), state="checkin_held", body=ACTION),
    # Certificates: the employee and HR add them (also to a closed plan) and open a recertification; readers read.
    ("POST", "/api/v1/plans/{plan_id}/actions/{action_id}/certificates"): Row(
        expect(CERTIFIERS, 201, forbidden={*MANAGERS, "daan"}), state="completed", body=CERTIFICATE),
    ("GET", "/api/v1/plans/{plan_id}/certificates/{certificate_id}/file"): Row(expect(READERS, 200),
                                                                              state="certified"),
    ("POST", "/api/v1/plans/{plan_id}/certificates/{certificate_id}/recertify"): Row(
        expect(CERTIFIERS, 201, forbidden={*MANAGERS, "daan"}), state="certified",
        body={"planned_start": "2026-12-01", "planned_end": "2026-12-20"}),
    # Mandatory learning: HR, L&D and admins define it; everyone reads it; the report for HR, L&D and admins.
    ("GET", "/api/v1/requirements"): Row({c: 200 for c in CALLERS}),
    ("POST", "/api/v1/requirements"): Row(expect(TEMPLATE_AUTHORS, 201, forbidden=set(CALLERS) - TEMPLATE_AUTHORS),
                                          body=REQUIREMENT),
    ("GET", "/api/v1/requirements/{requirement_id}"): Row({c: 200 for c in CALLERS}, state="requirement"),
    ("PUT", "/api/v1/requirements/{requirement_id}"): Row(
        expect(TEMPLATE_AUTHORS, 200, forbidden=set(CALLERS) - TEMPLATE_AUTHORS), state="requirement",
        body={**REQUIREMENT, "recurrence_months": 12, "reason": "yearly"}),
    ("POST", "/api/v1/requirements/{requirement_id}/retire"): Row(
        expect(TEMPLATE_AUTHORS, 200, forbidden=set(CALLERS) - TEMPLATE_AUTHORS), state="requirement",
        body={"reason": "replaced"}),
    ("GET", "/api/v1/reports/compliance"): Row(expect(TEMPLATE_AUTHORS, 200, forbidden=set(CALLERS) - TEMPLATE_AUTHORS),
                                               query="?as_of=2026-06-30"),
    # Open Badges: the employee issues their own; the holder, HR or an admin revokes; verifiers need no sign-in.
    ("GET", "/api/v1/plans/{plan_id}/credentials"): Row(expect(READERS, 200), state="issued"),
    ("POST", "/api/v1/plans/{plan_id}/credentials"): Row(expect(status=201, **OWNER_WRITE), state="achieved",
                                                         body={"kind": "goal", "item_id": "{goal_id}"}),
    ("POST", "/api/v1/plans/{plan_id}/credentials/{credential_id}/revoke"): Row(
        expect({"owner", "hanna", "root"}, 200, forbidden={*MANAGERS, "daan"}), state="issued",
        body={"reason": "issued in error"}),
    ("GET", "/api/v1/badges/credentials/{credential_id}"): Row({c: 200 for c in CALLERS}, state="issued"),
    ("GET", "/api/v1/badges/status/revocation"): Row({c: 200 for c in CALLERS}),
    ("GET", "/api/v1/badges/jwks.json"): Row({c: 200 for c in CALLERS}),
    ("GET", "/api/v1/badges/issuer"): Row({c: 200 for c in CALLERS}),
    ("GET", "/api/v1/templates"): Row({c: 200 for c in CALLERS}),
    ("POST", "/api/v1/templates"): Row(expect(TEMPLATE_AUTHORS, 201, forbidden=set(CALLERS) - TEMPLATE_AUTHORS),
                                       body=TEMPLATE),
    ("GET", "/api/v1/templates/{template_id}"): Row({c: 200 for c in CALLERS}, state="template"),
    ("PUT", "/api/v1/templates/{template_id}"): Row(
        expect(TEMPLATE_AUTHORS, 200, forbidden=set(CALLERS) - TEMPLATE_AUTHORS), state="template",
        body={**TEMPLATE, "hours_norm": 50}),
    ("POST", "/api/v1/templates/{template_id}/retire"): Row(
        expect(TEMPLATE_AUTHORS, 200, forbidden=set(CALLERS) - TEMPLATE_AUTHORS), state="template"),
    ("GET", "/api/v1/cycles"): Row(expect(CYCLE_READERS, 200, forbidden=set(CALLERS) - CYCLE_READERS)),
    ("POST", "/api/v1/cycles"): Row(expect({"hanna", "root"}, 201, forbidden=NOT_HR), state="template", body=CYCLE),
    ("GET", "/api/v1/cycles/{cycle_id}"): Row(expect(CYCLE_READERS, 200, forbidden=set(CALLERS) - CYCLE_READERS),
                                              state="cycle"),
    ("POST", "/api/v1/cycles/{cycle_id}/launch"): Row(expect({"hanna", "root"}, 200, forbidden=NOT_HR),
                                                      state="cycle"),
    ("POST", "/api/v1/cycles/{cycle_id}/close"): Row(expect({"hanna", "root"}, 200, forbidden=NOT_HR),
                                                     state="cycle"),
    ("GET", "/api/v1/cycles/{cycle_id}/dashboard"): Row(
        expect(CYCLE_READERS, 200, forbidden=set(CALLERS) - CYCLE_READERS), state="cycle"),
    ("GET", "/api/v1/cycles/{cycle_id}/people"): Row(
        expect(CYCLE_READERS, 200, forbidden=set(CALLERS) - CYCLE_READERS), state="cycle",
        query="?milestone=conversation&state=due"),
    ("GET", "/api/v1/people"): Row({c: 200 for c in CALLERS}),
    ("POST", "/api/v1/people"): Row(expect({"hanna", "root"}, 201, forbidden=set(CALLERS) - {"hanna", "root"}),
                                    body={"id": "new", "name": "New Person"}),
    ("POST", "/api/v1/people/import"): Row(expect({"hanna", "root"}, 200, forbidden=set(CALLERS) - {"hanna", "root"}),
                                           body="id,name\nnew,New Person\n"),
    ("POST", "/api/v1/people/{person_id}/erase"): Row(
        expect({"hanna", "root"}, 200, forbidden=set(CALLERS) - {"hanna", "root"})),
    ("GET", "/api/v1/people/{person_id}/export"): Row(
        expect({"owner", "hanna", "root"}, 200, forbidden=set(CALLERS) - {"owner", "hanna", "root"})),
    ("GET", "/api/v1/people/{person_id}"): Row(expect(READERS | {"recommender"}, 200,
                                                     hidden={"petra", "sophie", "daan", "idp"})),  # services: notifier
    ("GET", "/api/v1/people/{person_id}/skills"): Row(expect(READERS | {"recommender"}, 200,
                                                            hidden={"petra", "sophie", "daan", "idp"})),
    ("GET", "/api/v1/teams/{manager_id}/overview"): Row(expect({"marieke", "boss", "hanna", "root"}, 200,
                                                              hidden=set(CALLERS) - {"marieke", "boss", "hanna",
                                                                                     "root"})),
    ("GET", "/api/v1/reports/departments"): Row(expect({"hanna", "root"}, 200, forbidden=NOT_HR)),
    ("GET", "/api/v1/reports/plan-status"): Row(expect({"hanna", "root"}, 200, forbidden=NOT_HR)),
    ("GET", "/api/v1/reports/skills-coverage"): Row(expect({"hanna", "root"}, 200, forbidden=NOT_HR)),
    ("GET", "/api/v1/reports/skill-gaps"): Row(expect(GAP_READERS, 200, forbidden=set(CALLERS) - GAP_READERS)),
    ("GET", "/api/v1/reports/training"): Row(expect({"hanna", "root"}, 200, forbidden=NOT_HR)),
    ("GET", "/api/v1/feed"): Row(expect({"recommender", "root"}, 200,
                                        forbidden=set(CALLERS) - {"recommender", "root"})),
    ("GET", "/api/v1/actions/overdue"): Row(expect(set(CALLERS) - {"daan"}, 200, forbidden={"daan"})),
    ("GET", "/api/v1/access-log"): Row(expect({"hanna", "root"}, 200, forbidden=set(CALLERS) - {"hanna", "root"})),
    # SCIM provisioning: the identity provider's token (role scim) only; everyone else gets a SCIM 403.
    ("GET", "/scim/v2/ServiceProviderConfig"): Row(scim_only(200)),
    ("GET", "/scim/v2/Schemas"): Row(scim_only(200)),
    ("GET", "/scim/v2/Schemas/{schema_id}"): Row(scim_only(200)),
    ("GET", "/scim/v2/ResourceTypes"): Row(scim_only(200)),
    ("GET", "/scim/v2/ResourceTypes/{type_id}"): Row(scim_only(200)),
    ("GET", "/scim/v2/Users"): Row(scim_only(200), query='?filter=userName eq "marieke"'),
    ("POST", "/scim/v2/Users"): Row(scim_only(201), body={"schemas": [SCIM_USER], "userName": "new.hire"}),
    ("POST", "/scim/v2/Users/.search"): Row(scim_only(200), body={"schemas": [SCIM_SEARCH], "count": 5}),
    ("GET", "/scim/v2/Users/{person_id}"): Row(scim_only(200)),
    ("PUT", "/scim/v2/Users/{person_id}"): Row(scim_only(200), body={"schemas": [SCIM_USER], "userName": "{owner}",
                                                                      "displayName": "Renamed"}),
    ("PATCH", "/scim/v2/Users/{person_id}"): Row(scim_only(200), body=SCIM_DEACTIVATE),
    ("DELETE", "/scim/v2/Users/{person_id}"): Row(scim_only(204)),
    ("GET", "/scim/v2/Groups"): Row(scim_only(200), state="group"),
    ("POST", "/scim/v2/Groups"): Row(scim_only(201), body={"schemas": [SCIM_GROUP], "displayName": "G {owner}"}),
    ("POST", "/scim/v2/Groups/.search"): Row(scim_only(200), body={"schemas": [SCIM_SEARCH]}),
    ("GET", "/scim/v2/Groups/{group_id}"): Row(scim_only(200), state="group"),
    ("PUT", "/scim/v2/Groups/{group_id}"): Row(scim_only(200), state="group",
                                               body={"schemas": [SCIM_GROUP], "displayName": "Renamed {owner}"}),
    ("PATCH", "/scim/v2/Groups/{group_id}"): Row(scim_only(200), state="group", body={
        "schemas": [SCIM_PATCH], "Operations": [{"op": "add", "path": "members", "value": [{"value": "{owner}"}]}]}),
    ("DELETE", "/scim/v2/Groups/{group_id}"): Row(scim_only(204), state="group"),
    ("POST", "/scim/v2/.search"): Row(scim_only(200), body={"schemas": [SCIM_SEARCH]}),
    ("GET", "/scim/v2/{unknown}"): Row(scim_only(404)),
    ("POST", "/scim/v2/{unknown}"): Row(scim_only(404)),
    ("PUT", "/scim/v2/{unknown}"): Row(scim_only(404)),
    ("PATCH", "/scim/v2/{unknown}"): Row(scim_only(404)),
    ("DELETE", "/scim/v2/{unknown}"): Row(scim_only(404)),
}


def spec_operations(app) -> set[tuple[str, str]]:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    return {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops
            if method in {"get", "post", "put", "patch", "delete"}}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("GROEIPAD_JWT_SECRET", TEST_SECRET)
    patch.setenv("GROEIPAD_DATA_DIR", str(tmp_path_factory.mktemp("var")))
    patch.setenv("RECOMMENDER_URL", "http://127.0.0.1:9")  # the export's recommender part: unavailable, quickly
    application = create_app({"PLAN_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'plan.sqlite'}"})
    client = application.test_client()
    response = client.post("/api/v1/people/import", data=ORG, headers={**headers("hanna"), "Content-Type": "text/csv"})
    assert response.status_code == 200
    yield application
    application.extensions["plan_service"].close()
    patch.undo()


def headers(caller: str, owner: str = "owner") -> dict[str, str]:
    settings = TokenSettings(secret=TEST_SECRET, audience="groeipad")
    subject = owner if caller == "owner" else caller
    return {"Authorization": f"Bearer {issue_token(settings, subject, CALLERS[caller])}",
            "X-Access-Purpose": "audit", "X-Access-Reason": "authorisation matrix"}


_counter = itertools.count()


def fill(body: Any, ids: dict[str, str]) -> Any:
    """"{goal_id}" and the like, anywhere in BODY, name this cell's plan's items."""
    if isinstance(body, dict):
        return {k: fill(v, ids) for k, v in body.items()}
    if isinstance(body, list):
        return [fill(v, ids) for v in body]
    return body.format(**ids) if isinstance(body, str) and body.startswith("{") else body


def prepare(client, state: str) -> dict[str, str]:
    """A fresh employee under marieke with a plan in STATE; returns the ids the paths need."""
    owner = f"emp{next(_counter)}"
    hr = headers("hanna")
    assert client.post("/api/v1/people", json={"id": owner, "name": owner, "manager_id": "marieke"},
                       headers=hr).status_code == 201
    me = headers("owner", owner)

    def call(method, path, body=None, status=(200, 201)):
        response = client.open(path, method=method, json=body or {}, headers=me if method != "REVIEW" else hr)
        assert response.status_code in status, (path, response.get_json())
        return response.get_json()

    plan = call("POST", "/api/v1/plans", {"employee_id": owner, "period_start": "2026-01-01",
                                          "period_end": "2026-12-31", "trigger": "career_project",
                                          "available_hours": 100, "available_budget": 1000})
    pid = plan["id"]
    goal = call("POST", f"/api/v1/plans/{pid}/goals", {
        "title": "G", "skills": [{"skill": "excel", "target_level": 3}], "measure": "m", "relevance": "r",
        "deadline": "2026-09-01", "hours_needed": 1})["goal_id"]
    action = call("POST", f"/api/v1/plans/{pid}/actions", ACTION)["action_id"]
    if state == "assessed":
        call("POST", f"/api/v1/plans/{pid}/assessments", {"skill": "Excel", "category": "technical", "level": 2})
    if state in {"started", "completed", "certified"}:
        call("POST", f"/api/v1/plans/{pid}/actions/{action}/start", {"date": "2026-03-02"})
    certificate = "none"
    if state in {"completed", "certified"}:
        call("POST", f"/api/v1/plans/{pid}/actions/{action}/complete", {"date": "2026-03-20", "evaluation": 4})
    if state == "certified":
        response = client.post(f"/api/v1/plans/{pid}/actions/{action}/certificates", headers=me,
                               data={**CERTIFICATE, "file": (io.BytesIO(PDF), "c.pdf")},
                               content_type="multipart/form-data")
        assert response.status_code == 201, response.get_json()
        certificate = response.get_json()["certificate_id"]
    if state == "funding_requested":
        call("POST", f"/api/v1/plans/{pid}/actions/{action}/funding", {"amount": 300, "justification": "team"})
    if state == "submitted":
        call("POST", f"/api/v1/plans/{pid}/submit")
    credential = "none"
    if state in {"achieved", "issued"}:
        call("POST", f"/api/v1/plans/{pid}/goals/{goal}/achieve")
        certified = call("POST", f"/api/v1/plans/{pid}/actions", {**ACTION, "certificate": True})["action_id"]
        call("POST", f"/api/v1/plans/{pid}/actions/{certified}/start", {"date": "2026-03-02"})
        call("POST", f"/api/v1/plans/{pid}/actions/{certified}/complete", {"date": "2026-03-20", "evaluation": 4})
    if state == "issued":
        credential = call("POST", f"/api/v1/plans/{pid}/credentials", {"kind": "goal", "item_id": goal})[
            "credential_id"]
    template = cycle = requirement = "none"
    if state == "requirement":
        response = client.post("/api/v1/requirements", json=REQUIREMENT, headers=hr)
        assert response.status_code == 201, response.get_json()
        requirement = response.get_json()["requirement_id"]
    if state in {"template", "cycle"}:
        response = client.post("/api/v1/templates", json=TEMPLATE, headers=hr)
        assert response.status_code == 201, response.get_json()
        template = response.get_json()["template_id"]
    if state == "cycle":
        body = fill(CYCLE, {"owner": owner, "template_id": template})
        response = client.post("/api/v1/cycles", json=body, headers=hr)
        assert response.status_code == 201, response.get_json()
        cycle = response.get_json()["cycle_id"]
    checkin = agreement = "none"
    if state in {"checkin", "checkin_held"}:
        checkin = call("POST", f"/api/v1/plans/{pid}/checkins", CHECKIN)["checkin_id"]
        if state == "checkin_held":
            call("POST", f"/api/v1/plans/{pid}/checkins/{checkin}/record", {"agreements": ["later"]})
            agreement = f"{checkin}-1"
    group = "none"
    if state == "group":
        response = client.post("/scim/v2/Groups", headers=headers("idp"),
                               json={"schemas": [SCIM_GROUP], "displayName": f"Group of {owner}"})
        assert response.status_code == 201, response.get_json()
        group = response.get_json()["id"]
    proposal = "none"
    if state == "proposal":
        response = client.post(f"/api/v1/plans/{pid}/completion-proposals", headers=headers("recommender"),
                               json={**REPORTED, "action_ids": [action], "match": "url"})
        assert response.status_code == 201, response.get_json()
        proposal = response.get_json()["proposal_id"]
    return {"plan_id": pid, "goal_id": goal, "action_id": action, "recommendation_id": "rec-1", "person_id": owner,
            "owner": owner, "manager_id": "marieke", "checkin_id": checkin, "agreement_id": agreement,
            "template_id": template, "cycle_id": cycle, "proposal_id": proposal, "credential_id": credential,
            "group_id": group, "schema_id": SCIM_USER, "type_id": "User", "unknown": "Nothing",
            "certificate_id": certificate, "requirement_id": requirement}


def test_every_operation_in_the_openapi_document_has_a_row(app):
    missing = spec_operations(app) - set(MATRIX)
    assert not missing, f"add these operations to the authorisation matrix: {sorted(missing)}"
    stale = set(MATRIX) - spec_operations(app)
    assert not stale, f"the matrix names operations that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize(("operation", "caller"), [(op, c) for op in MATRIX for c in CALLERS],
                         ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)
def test_cell(app, operation, caller):
    method, template = operation
    row = MATRIX[operation]
    client = app.test_client()
    ids = prepare(client, row.state)
    path = template.format(**ids) + row.query
    body = body_for(row, caller)
    if operation == ("POST", "/api/v1/plans"):
        body = {**body, "employee_id": ids["owner"]}
    body = fill(body, ids)
    request_headers = headers(caller, ids["owner"])
    if isinstance(row.body, Form):
        response = client.open(path, method=method, data={**body, "file": (io.BytesIO(PDF), "c.pdf")},
                               headers=request_headers, content_type="multipart/form-data")
    elif isinstance(body, str):
        response = client.open(path, method=method, data=body, headers={**request_headers, "Content-Type": "text/csv"})
    else:
        response = client.open(path, method=method, json=body if method != "GET" else None, headers=request_headers)
    expected = row.expected[caller]
    assert response.status_code == expected, (caller, response.get_json())
    if expected >= 400 and template.startswith("/scim/"):
        payload = response.get_json(force=True)
        assert response.mimetype == "application/scim+json" and payload["schemas"] == [SCIM_ERROR], payload
        assert payload["status"] == str(expected) and set(payload) <= {"schemas", "status", "detail", "scimType"}
    elif expected >= 400:
        payload = response.get_json()
        assert set(payload) == {"status", "message", "errors"}, "an error must carry no data"
    if operation == ("GET", "/api/v1/plans"):
        visible = {item["employee_id"] for item in response.get_json()["items"]}
        assert (ids["owner"] in visible) == (caller in READERS), "the list shows exactly the plans one may read"
