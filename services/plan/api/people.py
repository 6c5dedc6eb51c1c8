"""The org directory: who works where and reports to whom (HR and admin maintain it)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from urllib.parse import quote

import requests
from flask import request
from flask.views import MethodView

from services.plan.api import schemas as s
from services.plan.api.common import access, service, views_read
from services.plan.api.views import plan_view
from services.plan.application import Access, history_entry, jsonable
from services.plan.domain import skills as skill_rules
from services.plan.people_csv import PeopleCsvError, read_people_csv
from shared.auth import TokenSettings, current_principal, issue_token, require_role
from shared.errors import ApiError
from shared.httpapi import Blueprint
from shared.ids import is_directory_id
from shared.observability import outgoing_headers
from shared.purposes import ON_BEHALF_HEADER, PURPOSE_HEADER

blp = Blueprint("people", __name__, url_prefix="/api/v1/people",
                description="The org directory that decides who sees and reviews whose plan.")


@blp.route("")
class People(MethodView):
    @blp.arguments(s.PeopleQuerySchema, location="query")
    @blp.response(200, s.PeopleListSchema)
    def get(self, query):
        """People the caller may see (HR and admin everyone, a manager their reports, others themselves),
        searchable by name, id or e-mail, paged."""
        headers = views_read()
        principal = current_principal()
        items, total = service().views.people(service().viewer(principal), q=query.get("q"),
                                              department=query.get("department"),
                                              manager_id=query.get("manager_id"), sort=query["sort"],
                                              limit=query["limit"], offset=query["offset"])
        return {"items": items, "total": total, "limit": query["limit"], "offset": query["offset"]}, 200, headers

    @blp.arguments(s.PersonSchema)
    @blp.response(201, s.ImportCountsSchema)
    def post(self, body):
        """Create or update one person (HR, admin)."""
        principal = require_role("hr", "admin")
        return counted(service().upsert_people({"subject": principal.subject, "role": "hr"}, [body]), 201)


@blp.route("/import", methods=["POST"])
@blp.response(200, s.ImportCountsSchema)
@blp.doc(requestBody={"content": {"text/csv": {"schema": {"type": "string"}}}})
def import_people():
    """Create or update people from CSV: id,name,email,manager_id,department,job_title (HR, admin)."""
    principal = require_role("hr", "admin")
    try:
        rows = read_people_csv(request.get_data().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ApiError(422, "the CSV is not UTF-8", [{"field": "body", "reason": "not UTF-8 text"}]) from None
    except PeopleCsvError as error:
        raise ApiError(422, str(error), [{"field": "body", "reason": str(error)}]) from None
    return counted(service().upsert_people({"subject": principal.subject, "role": "hr"}, rows), 200)


def counted(counts: dict, status: int) -> tuple[dict, int, dict]:
    """Import counts, with the log position of the last change in X-Position (read the views that far)."""
    position = counts.pop("position")
    return counts, status, {} if position is None else {"X-Position": str(position)}


import_people.accepts = {"text/csv"}


@blp.route("/<person_id>/erase", methods=["POST"])
@blp.response(200, s.ErasureSchema)
def erase_person(person_id):
    """Forget a person (GDPR erasure): destroy their keys; the event log stays intact but unreadable (HR, admin)."""
    principal = require_role("hr", "admin")
    return service().erase_person({"subject": principal.subject, "role": "hr"}, person_id)


@blp.route("/<person_id>/export")
@blp.arguments(s.AccessHeadersSchema, location="headers")
@blp.response(200, s.PersonExportSchema)
def export_person(_purpose, person_id):
    """Everything held about a person across the services, as JSON (the person, or HR stating a purpose)."""
    principal = current_principal()
    audit = access("export")
    held = service().export_person(principal, person_id, audit)
    plans = [{**plan_view(item["plan"], held["person"]["name"]),
              "history": [history_entry(event) for event in item["history"]]} for item in held["plans"]]
    recommender = recommender_export(person_id, principal, audit)
    notifier = notifier_export(person_id, principal, audit)
    return {"person": held["person"], "erased": held["erased"], "plans": jsonable(plans),
            "access_log": held["access_log"], "credentials": held["credentials"],
            "certificate_files": held["certificate_files"], "recommender": recommender,
            "notifier": notifier, "complete": recommender.get("status") == notifier.get("status") == "complete",
            "exported_at": datetime.now(UTC).isoformat()}


def recommender_export(person_id: str, principal, audit: Access) -> dict:
    """What the recommender holds (suggestions shown, accepted, dismissed); marked when it cannot answer.

    The recommender logs the read as the plan service's on behalf of the caller, with the caller's purpose."""
    return service_export("recommender", recommender_url(), person_id, principal, audit)


def notifier_export(person_id: str, principal, audit: Access) -> dict:
    """What the notifier holds (notifications, delivery choices, what it follows of their actions and check-ins)."""
    return service_export("notifier", notifier_url(), person_id, principal, audit)


def service_export(name: str, base_url: str, person_id: str, principal, audit: Access) -> dict:
    """GET {base_url}/api/v1/people/{id}/export with a short-lived service token, stating on whose behalf and why."""
    if not is_directory_id(person_id):  # never put a value into another service's URL unchecked
        return {"status": "unavailable", "reason": f"not a directory id, so the {name} holds nothing for it"}
    url = f"{base_url}/api/v1/people/{quote(person_id, safe='')}/export"
    token = issue_token(TokenSettings.from_env(), "plan-service", ["service"], ttl_seconds=60)
    stated = {ON_BEHALF_HEADER: principal.subject}
    if audit.purpose:
        stated[PURPOSE_HEADER] = audit.purpose
    try:
        response = requests.get(url, headers={"Authorization": f"Bearer {token}", **stated, **outgoing_headers()},
                                timeout=5)
    except requests.RequestException as error:
        return {"status": "unavailable", "reason": f"the {name} did not answer: {type(error).__name__}"}
    if response.status_code != 200:
        return {"status": "unavailable", "reason": f"the {name} answered {response.status_code}"}
    return {"status": "complete", "data": response.json()}


def notifier_url() -> str:
    return os.environ.get("NOTIFIER_URL") or f"http://127.0.0.1:{os.environ.get('NOTIFIER_PORT', '8004')}"


def recommender_url() -> str:
    return os.environ.get("RECOMMENDER_URL") or f"http://127.0.0.1:{os.environ.get('RECOMMENDER_PORT', '8002')}"


@blp.route("/<person_id>")
@blp.response(200, s.PersonViewSchema)
def get_person(person_id):
    """One person, if the caller may see them (services too: the notifier looks up whom to tell, and where);
    `X-Min-Position` waits for the views to reach a log position first, as for lists."""
    headers = views_read()
    principal = current_principal()
    person = service().views.person(person_id)
    if person is None or (service().relation(principal, person_id) is None and not principal.has("service")):
        raise ApiError(404, "person not found", headers=headers)  # X-Views-Stale: maybe not known *yet*
    return person, 200, headers


@blp.route("/<person_id>/skills")
@blp.response(200, s.PersonSkillsSchema)
def person_skills(person_id):
    """The person's current skill levels (where each came from), targets and gaps, from their current plan, and the
    catalogue offers its learning actions take up (the recommender leaves those out of its suggestions)."""
    principal = current_principal()
    if service().views.person(person_id) is None or (
            service().relation(principal, person_id) is None and not principal.has("service")):
        raise ApiError(404, "person not found")
    headers = views_read()
    plan, items = service().views.skills_of(person_id)
    offers = service().views.offers_in_plan(plan["plan_id"]) if plan else []
    return ({"person_id": person_id, "plan_id": plan["plan_id"] if plan else None, "rule": skill_rules.__doc__,
             "items": items, "offers": offers}, 200, headers)
