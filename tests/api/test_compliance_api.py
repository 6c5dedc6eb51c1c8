"""Mandatory learning (versioned requirements) and the compliance report as of any date, from the views."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from plan_api_helpers import API, error_fields, ok

TODAY = date.today()
PDF = b"%PDF-1.4\n%%EOF\n"
PRODUCTIE = "".join(f"p{n},Productie {n},,boss,Productie,Operator\n" for n in range(1, 7))
VCA = {"name": "VCA Basis", "departments": ["Productie"], "roles": ["Monteur"], "recurrence_months": 24,
       "offer_ids": ["vca-basis"], "certificate_required": True, "grace_days": 30,
       "reason": "Wettelijk verplicht voor werk op de werkvloer"}


def import_people(client, auth, csv):
    ok(client.post(f"{API}/people/import", data="id,name,email,manager_id,department,job_title\n" + csv,
                   headers={**auth("hanna"), "Content-Type": "text/csv"}))


def certified_completion(client, auth, person, expires_on, offer_id="vca-basis", start="2026-01-01"):
    """PERSON's plan with the VCA offer completed and a certificate until EXPIRES_ON."""
    me = auth(person)
    plan = ok(client.post(f"{API}/plans", headers=me, json={
        "employee_id": person, "period_start": start, "period_end": "2027-12-31", "trigger": "continuous_development",
        "available_hours": 40}), 201)["id"]
    action = ok(client.post(f"{API}/plans/{plan}/actions", headers=me, json={
        "means": "internal_training", "title": "VCA Basis", "offer_id": offer_id, "planned_start": "2026-03-01",
        "planned_end": "2026-03-02"}), 201)["action_id"]
    ok(client.post(f"{API}/plans/{plan}/actions/{action}/start", headers=me, json={"date": "2026-03-01"}))
    ok(client.post(f"{API}/plans/{plan}/actions/{action}/complete", headers=me,
                   json={"date": "2026-03-02", "evaluation": 4}))
    ok(client.post(f"{API}/plans/{plan}/actions/{action}/certificates", headers=me, content_type="multipart/form-data",
                   data={"number": f"VCA-{person}", "issuer": "SSVV", "issued_on": "2026-03-02",
                         "expires_on": expires_on.isoformat(), "file": (io.BytesIO(PDF), "vca.pdf")}), 201)
    return plan, action


def report(client, headers, as_of, department=None):
    query = f"?as_of={as_of}" + (f"&department={department}" if department else "")
    return client.get(f"{API}/reports/compliance{query.replace('+', '%2B')}", headers=headers)


def statuses(body, department):
    [entry] = [d for d in body["departments"] if d["department"] == department]
    return {p["person_id"]: p["requirements"][0]["status"] for p in entry["people_detail"]}


def test_hr_and_ld_define_and_revise_requirements_with_who_when_and_why(client, auth):
    created = ok(client.post(f"{API}/requirements", headers=auth("daan"), json=VCA), 201)
    assert created["version"] == 1 and created["history"][0]["actor"] == {"subject": "daan", "role": "ld"}
    path = f"{API}/requirements/{created['requirement_id']}"
    revised = ok(client.put(path, headers=auth("hanna"), json={**VCA, "recurrence_months": 12,
                                                               "reason": "Nieuwe cao: jaarlijks"}))
    assert revised["version"] == 2 and revised["recurrence_months"] == 12
    assert [(h["type"], h["reason"]) for h in revised["history"]] == [
        ("created", VCA["reason"]), ("revised", "Nieuwe cao: jaarlijks")]
    response = client.put(path, headers=auth("hanna"), json={**VCA, "reason": ""})
    assert response.status_code == 422 and "reason" in error_fields(response)
    response = client.post(f"{API}/requirements", headers=auth("hanna"), json={**VCA, "offer_ids": [], "skills": []})
    assert response.status_code == 422 and error_fields(response) == ["offer_ids"]
    assert client.post(f"{API}/requirements", headers=auth("karim"), json=VCA).status_code == 403
    listed = ok(client.get(f"{API}/requirements", headers=auth("karim")))["items"]
    assert [(r["name"], r["version"]) for r in listed] == [("VCA Basis", 2)]
    ok(client.post(f"{path}/retire", headers=auth("hanna"), json={"reason": "vervangen"}))
    assert ok(client.get(f"{API}/requirements", headers=auth("karim")))["items"] == []


def test_who_is_compliant_due_or_overdue_per_department_with_the_evidence(client, auth):
    import_people(client, auth, PRODUCTIE)
    ok(client.post(f"{API}/requirements", headers=auth("hanna"), json=VCA), 201)
    plan, action = certified_completion(client, auth, "karim", TODAY + timedelta(days=700))
    certified_completion(client, auth, "p1", TODAY + timedelta(days=30))
    body = ok(report(client, auth("hanna"), TODAY.isoformat()))
    assert statuses(body, "TD") == {"karim": "compliant", "jeroen": "due"}  # Monteurs; jeroen is in his grace period
    assert statuses(body, "Productie") == {"p1": "due", **{f"p{n}": "due" for n in range(2, 7)}}
    [karim] = [p for d in body["departments"] for p in d["people_detail"] if p["person_id"] == "karim"]
    [evidence] = karim["requirements"][0]["evidence"]
    assert (evidence["plan_id"], evidence["action_id"], evidence["certified"], evidence["decisive"]) == (
        plan, action, True, True)
    assert evidence["valid_until"] == (TODAY + timedelta(days=700)).isoformat()
    later = ok(report(client, auth("hanna"), (TODAY + timedelta(days=60)).isoformat()))
    assert statuses(later, "TD") == {"karim": "compliant", "jeroen": "overdue"}  # the grace period is over
    assert statuses(later, "Productie") == {f"p{n}": "overdue" for n in range(1, 7)}  # p1's certificate expired
    only = ok(report(client, auth("hanna"), TODAY.isoformat(), "TD"))
    assert [d["department"] for d in only["departments"]] == ["TD"]


def test_ld_sees_numbers_only_and_groups_under_five_hidden(client, auth):
    import_people(client, auth, PRODUCTIE)
    ok(client.post(f"{API}/requirements", headers=auth("hanna"), json=VCA), 201)
    certified_completion(client, auth, "p1", TODAY + timedelta(days=700))
    body = ok(report(client, auth("daan"), TODAY.isoformat()))
    rows = {d["department"]: d for d in body["departments"]}
    assert all(d["people_detail"] is None for d in rows.values())
    [td] = rows["TD"]["requirements"]
    assert td["hidden"] and td["compliant"] is None and td["applicable"] == 2
    [productie] = rows["Productie"]["requirements"]
    assert not productie["hidden"] and (productie["compliant"], productie["due"]) == (1, 5)
    assert report(client, auth("karim"), TODAY.isoformat()).status_code == 403
    assert report(client, auth("marieke"), TODAY.isoformat()).status_code == 403
    response = report(client, auth("hanna"), "gisteren")
    assert response.status_code == 422 and error_fields(response) == ["as_of"]


def test_a_report_as_of_a_past_moment_is_unchanged_by_later_events(client, auth):
    requirement = ok(client.post(f"{API}/requirements", headers=auth("hanna"), json=VCA), 201)
    certified_completion(client, auth, "karim", TODAY + timedelta(days=700))
    moment = datetime.now(UTC).isoformat()
    before = ok(report(client, auth("hanna"), moment))
    assert statuses(before, "TD") == {"karim": "compliant", "jeroen": "due"}
    # Later: jeroen completes it (dated before that moment), the requirement is revised, karim changes department.
    certified_completion(client, auth, "jeroen", TODAY + timedelta(days=700))
    ok(client.put(f"{API}/requirements/{requirement['requirement_id']}", headers=auth("hanna"),
                  json={**VCA, "recurrence_months": 12, "reason": "strenger"}))
    import_people(client, auth, "karim,Karim El Amrani,karim@example.org,marieke,Productie,Monteur\n")
    assert ok(report(client, auth("hanna"), moment)) == before  # the auditor's reproduction
    now = ok(report(client, auth("hanna"), datetime.now(UTC).isoformat()))
    assert statuses(now, "TD") == {"jeroen": "compliant"} and statuses(now, "Productie") == {"karim": "compliant"}
    assert now["requirements"][0]["version"] == 2
    yesterday = ok(report(client, auth("hanna"), (TODAY - timedelta(days=1)).isoformat()))
    assert yesterday["requirements"] == [] and yesterday["departments"] == []  # nothing was defined yet
