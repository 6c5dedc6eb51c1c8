"""Authorisation matrix of the recommender, generated from its OpenAPI document: operation x caller.

L&D (and admins) own the catalogue and the tuning; HR, L&D and admins maintain role profiles; every
signed-in person reads the catalogue and asks for suggestions; an employee's own suggestions and gaps
are for them, their direct and indirect managers as the directory on the feed stands now (not whoever acted
on their plan), HR and admins stating a purpose; HR reads who read what. A person alone switches their
suggestions and dismisses them; they, and HR and admins stating a purpose, read the switch and the
explanations from the log. HR (and admins) assign fairness groups and read the log in aggregate; HR and L&D
read the fairness report; L&D pins, excludes and rolls settings back; everyone reads the model card. A new
endpoint without a row fails.
"""

from __future__ import annotations

import pytest

from recommender.app import create_app
from recommender.demo import seed
from shared.auth import TokenSettings, issue_token
from tests.conftest import TEST_SECRET
from tests.live_plan_service import LivePlanService
from tests.recommender.rec_feed_fake import person, story

CALLERS = {"karim": ("employee",), "sophie": ("employee",), "marieke": ("employee", "manager"),
           "petra": ("employee", "manager"), "jan": ("employee", "manager"), "hanna": ("employee", "hr"),
           "daan": ("ld",), "root": ("admin",), "follower": ("service",)}
EVERYONE = set(CALLERS)


def allow(*callers: str, status: int = 200) -> dict[str, int]:
    return {c: (status if c in callers else 403) for c in CALLERS}


LD = ("daan", "root")
ABOUT_KARIM = ("karim", "marieke", "petra", "hanna", "root")  # petra: his indirect manager
OFFER = {"external_id": "matrix-offer", "title": "Matrix course", "means": "mooc"}
MATRIX = {
    ("GET", "/api/v1/offers"): (allow(*EVERYONE), None),
    ("POST", "/api/v1/offers"): (allow(*LD, status=201), OFFER),
    ("GET", "/api/v1/offers/{offer_id}"): (allow(*EVERYONE), None),
    ("PATCH", "/api/v1/offers/{offer_id}"): (allow(*LD), {"title": "Renamed"}),
    ("POST", "/api/v1/offers/{offer_id}/retire"): (allow(*LD), {}),
    ("GET", "/api/v1/offers/{offer_id}/history"): (allow(*EVERYONE), None),
    ("POST", "/api/v1/catalogue/import"): (allow(*LD), "ndjson"),
    ("GET", "/api/v1/catalogue/export"): (allow(*EVERYONE), None),
    ("GET", "/api/v1/skills"): (allow(*EVERYONE), None),
    ("GET", "/api/v1/skills/{skill_id}"): (allow(*EVERYONE), None),
    ("POST", "/api/v1/skills/import"): (allow(*LD), "csv"),
    ("GET", "/api/v1/roles"): (allow(*EVERYONE), None),
    ("GET", "/api/v1/roles/{role_id}"): (allow(*EVERYONE), None),
    ("PUT", "/api/v1/roles/{role_id}"): (allow("hanna", *LD), {"name": "Team leader",
                                                              "skills": [{"skill": "teamwork", "level": 3}]}),
    ("GET", "/api/v1/roles/{role_id}/gap"): (allow(*ABOUT_KARIM), "?employee=karim"),
    ("POST", "/api/v1/recommendations"): (allow(*EVERYONE), {"gaps": [{"skill": "excel"}]}),
    ("GET", "/api/v1/employees/{employee_id}/recommendations"): (allow(*ABOUT_KARIM), None),
    ("GET", "/api/v1/settings"): (allow(*LD), None),
    ("PUT", "/api/v1/settings"): (allow(*LD), {"reason": "matrix", "weights": {}}),
    ("GET", "/api/v1/settings/history"): (allow(*LD), None),
    ("POST", "/api/v1/evaluation"): (allow(*LD), {"queries": [{"query": "excel", "relevant": ["x"]}]}),
    ("GET", "/api/v1/reports/demand"): (allow("hanna", *LD), None),
    ("GET", "/api/v1/reports/catalogue-gaps"): (allow(*LD), None),
    ("GET", "/api/v1/reports/effectiveness"): (allow("hanna", *LD), None),
    ("GET", "/api/v1/people/{person_id}/export"): (allow("karim", "hanna", "root", "follower"), None),
    ("GET", "/api/v1/access-log"): (allow("hanna", "root"), None),
    ("GET", "/api/v1/people/{person_id}/suggestions"): (allow("karim", "hanna", "root"), None),
    ("PUT", "/api/v1/people/{person_id}/suggestions"): (allow("karim"), {"enabled": True}),
    ("POST", "/api/v1/people/{person_id}/dismissals"): (allow("karim", status=201),
                                                         {"offer_id": "{offer_id}", "reason": "not_relevant"}),
    ("GET", "/api/v1/people/{person_id}/explanation"): (allow("karim", "hanna", "root"), "?offer_id=x"),
    ("PUT", "/api/v1/skills/{skill_id}/curation"): (allow(*LD), {"pinned": [], "excluded": [], "reason": "matrix"}),
    ("POST", "/api/v1/settings/rollback"): (allow(*LD), {"version": 1, "reason": "matrix"}),
    ("PUT", "/api/v1/fairness/groups"): (allow("hanna", "root"), {"people": [{"person_id": "karim",
                                                                            "groups": {"department": "Sales"}}]}),
    ("GET", "/api/v1/reports/fairness"): (allow("hanna", *LD), None),
    ("GET", "/api/v1/reports/suggestions-shown"): (allow("hanna", "root"), None),
    ("GET", "/api/v1/model-card"): (allow(*EVERYONE), None),
}


def headers(caller: str, purpose: str | None = "audit") -> dict[str, str]:
    token = issue_token(TokenSettings(TEST_SECRET, "groeipad"), caller, CALLERS[caller])
    return {"Authorization": f"Bearer {token}", **({"X-Access-Purpose": purpose} if purpose else {})}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("GROEIPAD_JWT_SECRET", TEST_SECRET)
    patch.setenv("GROEIPAD_DATA_DIR", str(tmp_path_factory.mktemp("var")))
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'recommender.sqlite'}"
    seed(url)
    plan_service = LivePlanService(tmp_path_factory.mktemp("plan"))  # where an employee's gaps come from
    application = create_app({"RECOMMENDER_DATABASE_URL": url, "PLAN_GAPS": plan_service.gaps_client()})
    # The directory decides a manager's access: petra manages marieke, who manages karim. Jan, a manager
    # elsewhere, acted on karim's plan once: that gives him nothing.
    directory = [person("petra"), person("marieke", "petra"), person("karim", "marieke"), person("sophie", "petra"),
                 person("jan")]
    events = [*directory, *story("karim", "offer-x", manager="jan")]
    application.extensions["recommender"].readmodel.apply_page(events, events[-1]["position"])
    client = application.test_client()
    assert client.put("/api/v1/roles/team-leader", headers=headers("daan"), json=MATRIX[
        ("PUT", "/api/v1/roles/{role_id}")][1]).status_code == 200
    assert client.put("/api/v1/settings", headers=headers("daan"), json={"reason": "a version to roll back to"}
                      ).status_code == 200
    yield application
    application.extensions["recommender"].close()
    plan_service.close()
    patch.undo()


def spec_operations(app) -> set[tuple[str, str]]:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    return {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops if m in {"get", "post", "put", "patch"}}


def test_every_operation_has_a_row(app):
    assert spec_operations(app) == set(MATRIX), "the matrix and the OpenAPI document disagree"


@pytest.mark.parametrize(("operation", "caller"), [(op, c) for op in MATRIX for c in CALLERS],
                         ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)
def test_cell(app, operation, caller):
    method, template = operation
    expected, body = MATRIX[operation]
    client = app.test_client()
    offer_id = client.get("/api/v1/offers?limit=1", headers=headers("daan")).get_json()["offers"][0]["offer_id"]
    path = template.format(offer_id=offer_id, skill_id="spreadsheets", role_id="team-leader", employee_id="karim",
                           person_id="karim")
    request_headers = headers(caller)
    if body == "ndjson":
        response = client.post(path, data=b'{"external_id": "m1", "title": "M", "means": "mooc"}\n',
                               headers={**request_headers, "Content-Type": "application/x-ndjson"})
    elif body == "csv":
        response = client.post(path, data=b"id,type,en,nl\nmatrix-skill,technical,Matrix,Matrix\n",
                               headers={**request_headers, "Content-Type": "text/csv"})
    elif isinstance(body, str):
        response = client.open(path + body, method=method, headers=request_headers)
    elif body is OFFER:
        response = client.post(path, json={**OFFER, "external_id": f"matrix-{caller}"}, headers=request_headers)
    else:
        if isinstance(body, dict):  # "{offer_id}" in a body names the real offer
            body = {k: v.format(offer_id=offer_id) if isinstance(v, str) else v for k, v in body.items()}
        response = client.open(path, method=method, json=body, headers=request_headers)
    assert response.status_code == expected[caller], (caller, response.get_json())
    if expected[caller] >= 400:
        assert set(response.get_json()) == {"status", "message", "errors"}, "an error must carry no data"


def apply(app, *events) -> None:
    readmodel = app.extensions["recommender"].readmodel
    readmodel.apply_page(list(events), events[-1]["position"])


def test_a_reorganisation_takes_a_managers_access_away_at_once(app):
    client = app.test_client()
    about_karim = ("/api/v1/roles/team-leader/gap?employee=karim", "/api/v1/employees/karim/recommendations")
    try:
        apply(app, person("karim", "jan", kind="PersonUpdated"))  # karim moves to jan's team
        for path in about_karim:
            assert client.get(path, headers=headers("jan")).status_code == 200, path
            for former in ("marieke", "petra"):  # his former direct and indirect managers
                assert client.get(path, headers=headers(former)).status_code == 403, (path, former)
    finally:
        apply(app, person("karim", "marieke", kind="PersonUpdated"))
    assert client.get(about_karim[0], headers=headers("petra")).status_code == 200
    assert client.get(about_karim[0], headers=headers("jan")).status_code == 403


def test_every_read_by_someone_else_is_in_the_access_log_with_its_purpose(app):
    client = app.test_client()
    hanna = headers("hanna", purpose=None)
    refused = client.get("/api/v1/employees/karim/recommendations", headers=hanna)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "X-Access-Purpose"
    unknown = client.get("/api/v1/people/karim/export", headers={**hanna, "X-Access-Purpose": "curiosity"})
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["field"] == "X-Access-Purpose"
    before = client.get("/api/v1/access-log?employee_id=karim&limit=1000", headers=hanna).get_json()["items"]
    assert client.get("/api/v1/people/karim/export", headers={**hanna, "X-Access-Purpose": "gdpr_request"}
                      ).status_code == 200
    assert client.get("/api/v1/employees/karim/recommendations", headers=headers("marieke", None)).status_code == 200
    assert client.get("/api/v1/employees/karim/recommendations", headers=headers("karim", None)).status_code == 200
    on_behalf = {**headers("follower", None), "X-Access-On-Behalf-Of": "karim"}
    assert client.get("/api/v1/people/karim/export", headers=on_behalf).status_code == 200  # his own export
    after = client.get("/api/v1/access-log?employee_id=karim&limit=1000", headers=hanna).get_json()["items"]
    new = [{k: e[k] for k in ("what", "by", "purpose")} for e in after[: len(after) - len(before)]]
    assert new == [{"what": "recommendations", "by": {"subject": "marieke", "role": "manager"}, "purpose": None},
                   {"what": "export", "by": {"subject": "hanna", "role": "hr"}, "purpose": "gdpr_request"}]
    export = client.get("/api/v1/people/karim/export", headers=headers("karim")).get_json()
    assert export["directory_entry"]["manager_id"] == "marieke" and "name" not in export["directory_entry"]
    assert {e["what"] for e in export["access_log"]} >= {"export", "recommendations"}
