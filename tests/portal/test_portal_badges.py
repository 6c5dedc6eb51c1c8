"""The employee turns a certified completed action into an Open Badge from the portal, downloads it, shares its
link and withdraws it; the words are Dutch or English."""

from __future__ import annotations

import re

import jwt as pyjwt

from tests.portal.test_portal_employee import plan_id_of

ISSUE_FORM = re.compile(r'name="kind" value="(goal|action)"><input type="hidden" name="item_id" value="([^"]+)"')


def certified_course(plan_app, tokens, plan_id: str) -> str:
    """Karim's completed course of the demo, with its certificate recorded (the plan API's certificate form)."""
    plan = plan_app.test_client().get(f"/api/v1/plans/{plan_id}", headers=tokens("karim")).get_json()
    course = next(a["action_id"] for a in plan["actions"] if a["status"] == "completed" and a["certificate"])
    added = plan_app.test_client().post(f"/api/v1/plans/{plan_id}/actions/{course}/certificates",
                                        headers=tokens("karim"), data={"number": "SN-2026-0417",
                                                                       "issuer": "Schouten & Nelissen",
                                                                       "issued_on": "2026-06-26"})
    assert added.status_code == 201, added.get_json()
    return course


def test_a_certified_action_becomes_a_badge_to_download_share_and_withdraw(signed_in, plan_app, tokens):
    karim = signed_in("karim")
    plan_id = plan_id_of(karim)
    course = certified_course(plan_app, tokens, plan_id)
    page = karim.get(f"/plans/{plan_id}/actions/{course}").get_data(as_text=True)
    assert ("action", course) in ISSUE_FORM.findall(page)
    assert "Issue as Open Badge" in page

    issued = karim.post(f"/plans/{plan_id}/badges", {"kind": "action", "item_id": course})
    assert issued.status_code == 302 and issued.headers["Location"].endswith(f"/plans/{plan_id}/badges")
    page = karim.get(f"/plans/{plan_id}/badges").get_data(as_text=True)
    assert "Your badge is ready" in page and "Training interpersoonlijke communicatie" in page
    [credential_id] = re.findall(r'id="badge-([0-9a-f-]{36})"', page)
    link = re.search(r'readonly value="([^"]+)"', page).group(1)
    assert link.endswith(f"/api/v1/badges/credentials/{credential_id}")
    assert "Your Open Badge" in karim.get(f"/plans/{plan_id}/actions/{course}").get_data(as_text=True)

    download = karim.get(f"/plans/{plan_id}/badges/{credential_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/vc+jwt"
    assert "attachment" in download.headers["Content-Disposition"]
    jwks = plan_app.test_client().get("/api/v1/badges/jwks.json").get_json()
    token = download.get_data(as_text=True)
    key = pyjwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == pyjwt.get_unverified_header(token)["kid"]))
    credential = pyjwt.decode(token, key.key, algorithms=["EdDSA"])
    assert credential["credentialSubject"]["achievement"]["name"] == "Training interpersoonlijke communicatie"

    refused = karim.post(f"/plans/{plan_id}/badges/{credential_id}/revoke", {"reason": ""})
    assert refused.status_code == 302
    assert "Say why" in karim.get(f"/plans/{plan_id}/badges").get_data(as_text=True)
    withdrawn = karim.post(f"/plans/{plan_id}/badges/{credential_id}/revoke", {"reason": "niet meer delen"})
    assert withdrawn.status_code == 302
    page = karim.get(f"/plans/{plan_id}/badges").get_data(as_text=True)
    assert "The badge is withdrawn" in page and "Withdrawn" in page
    public = plan_app.test_client().get(f"/api/v1/badges/credentials/{credential_id}").get_json()
    assert public["revoked"] is True


def test_what_cannot_be_a_badge_is_refused_with_a_message(signed_in, plan_app, tokens):
    karim = signed_in("karim")
    plan_id = plan_id_of(karim)
    plan = plan_app.test_client().get(f"/api/v1/plans/{plan_id}", headers=tokens("karim")).get_json()
    open_goal = next(g["goal_id"] for g in plan["goals"] if g["status"] == "open")
    assert ("goal", open_goal) not in ISSUE_FORM.findall(karim.get(f"/plans/{plan_id}").get_data(as_text=True))
    for form in ({"kind": "goal", "item_id": open_goal}, {"kind": "plan", "item_id": open_goal},
                 {"kind": "goal", "item_id": "x" * 500}, {}):
        response = karim.post(f"/plans/{plan_id}/badges", form)
        assert response.status_code == 302, form
        assert "cannot become a badge" in karim.get(f"/plans/{plan_id}/badges").get_data(as_text=True)
    assert karim.get(f"/plans/{plan_id}/badges/not-an-id/download").status_code == 404


def test_the_badges_page_speaks_dutch(signed_in, plan_app, tokens):
    karim = signed_in("karim")
    plan_id = plan_id_of(karim)
    certified_course(plan_app, tokens, plan_id)
    page = karim.get(f"/plans/{plan_id}/badges", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Klaar om een badge te worden" in page and "Nog geen badges uitgegeven." in page
    assert "Open Badges" in page and "je" in page


def test_a_goal_achieved_in_the_portal_gets_its_badge_button_on_the_plan_page(signed_in, plan_app, tokens):
    karim = signed_in("karim")
    plan_id = plan_id_of(karim)
    plan = plan_app.test_client().get(f"/api/v1/plans/{plan_id}", headers=tokens("karim")).get_json()
    goal = next(g["goal_id"] for g in plan["goals"] if g["status"] == "open")
    assert karim.post(f"/plans/{plan_id}/goals/{goal}/achieve", {"note": "gelukt"}).status_code == 302
    page = karim.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert ("goal", goal) in ISSUE_FORM.findall(page)
    assert karim.post(f"/plans/{plan_id}/badges", {"kind": "goal", "item_id": goal}).status_code == 302
    page = karim.get(f"/plans/{plan_id}", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert ("goal", goal) not in ISSUE_FORM.findall(page) and "Je Open Badge" in page
    marieke = signed_in("marieke")  # the manager sees the badge, and no button to issue or withdraw it
    page = marieke.get(f"/plans/{plan_id}/badges").get_data(as_text=True)
    assert re.findall(r'id="badge-([0-9a-f-]{36})"', page) and "Withdraw the badge" not in page
    assert not ISSUE_FORM.findall(marieke.get(f"/plans/{plan_id}").get_data(as_text=True))
