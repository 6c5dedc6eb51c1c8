"""Open Badges over real processes: the plan service (gunicorn, with its projector) and the recommender's skills
taxonomy, both over HTTP; the credentials checked as a relying party would, without the issuing code.

The verifier is PyJWT (the service signs with joserfc) with the key set fetched over HTTP from the running service
by PyJWKClient; the revocation list is decoded here (multibase base64url, GZIP, the W3C bit order). The signing key
is rotated by restarting the service with a new key and the old one as a previous key."""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import subprocess
import time
from pathlib import Path

import jwt as pyjwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.auth import TokenSettings, issue_token
from tests.conftest import TEST_SECRET
from tests.integration.servers import Service, groeipad

pytestmark = pytest.mark.integration
VERIFIER = Path(__file__).resolve().parents[1] / "badge_verifier"  # node: jose and Digital Bazaar's status list
ORG = ("id,name,email,manager_id,department,job_title\nboss,Ingrid Bakker,,,Directie,Directeur\n"
       "karim,Karim El Amrani,karim@example.org,boss,TD,Monteur\nhanna,Hanna Mulder,,boss,HR,HR-adviseur\n")
ESCO_URI = "http://data.europa.eu/esco/skill/4b3e5f8a-team-leadership-example"
ESCO_CSV = ("conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description\n"
            f"KnowledgeSkillCompetence,{ESCO_URI},skill/competence,cross-sector,lead a team,\"manage a team\","
            "Lead and supervise a group of people.\n")
FIRST_KEY, SECOND_KEY = "first-badge-signing-secret-" + "a" * 20, "second-badge-signing-secret-" + "b" * 20


def auth(subject: str, *roles: str) -> dict[str, str]:
    token = issue_token(TokenSettings(secret=TEST_SECRET, audience="groeipad"), subject, roles or ("employee",))
    headers = {"Authorization": f"Bearer {token}"}
    if "hr" in roles:
        headers["X-Access-Purpose"] = "audit"
    return headers


def ok(response: requests.Response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def verify(plan_url: str, token: str) -> dict:
    """A relying party's check: the key the token names, from the issuer's published key set, over HTTP."""
    client = pyjwt.PyJWKClient(f"{plan_url}/api/v1/badges/jwks.json", cache_keys=False)
    key = client.get_signing_key_from_jwt(token)
    return pyjwt.decode(token, key.key, algorithms=["EdDSA"], options={"verify_aud": False})


def node_verifier() -> None:
    """The JavaScript verifier's packages, from its lock file (CI installs them in .ci/run)."""
    assert shutil.which("node") and shutil.which("npm"), "node and npm are needed (apt-get install nodejs npm)"
    marker = VERIFIER / "node_modules" / ".package-lock.json"
    if not marker.exists() or marker.stat().st_mtime < (VERIFIER / "package-lock.json").stat().st_mtime:
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=VERIFIER,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr


def verify_in_node(plan_url: str, token: str) -> dict:
    """The same credential checked by jose and Digital Bazaar's Bitstring Status List library (another language,
    other implementations): signature, key from the JWKS, status entry, revocation bit."""
    done = subprocess.run(["node", str(VERIFIER / "verify.mjs"), f"{plan_url}/api/v1/badges/jwks.json"],
                          input=token, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError(f"the node verifier refused the credential: {done.stderr.strip()}")
    return json.loads(done.stdout)


def revoked(plan_url: str, index: int) -> bool:
    response = requests.get(f"{plan_url}/api/v1/badges/status/revocation", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/vc+jwt")
    status = verify(plan_url, response.text)
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = status["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"][1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    assert len(bits) >= 16 * 1024
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def check_open_badge(credential: dict, plan_url: str) -> None:
    """What Open Badges 3.0 (on VC 2.0) requires of an OpenBadgeCredential, property by property."""
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["@context"][1].startswith("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0")
    assert {"VerifiableCredential", "OpenBadgeCredential"} <= set(credential["type"])
    assert credential["id"].startswith(f"{plan_url}/api/v1/badges/credentials/")
    assert credential["validFrom"].endswith("Z")
    assert (credential["iss"], credential["jti"]) == (credential["issuer"]["id"], credential["id"])  # OB 3.0 8.2
    issuer = credential["issuer"]
    assert issuer["id"] == f"{plan_url}/api/v1/badges/issuer" and "Profile" in issuer["type"]
    subject = credential["credentialSubject"]
    assert "AchievementSubject" in subject["type"]
    achievement = subject["achievement"]
    assert achievement["id"].startswith("urn:uuid:") and "Achievement" in achievement["type"]
    assert achievement["name"] and achievement["description"] and achievement["criteria"]["narrative"]
    for identity in subject["identifier"]:
        assert identity["type"] == "IdentityObject" and isinstance(identity["hashed"], bool)
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == f"{plan_url}/api/v1/badges/status/revocation"
    assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"


@pytest.fixture
def stack(tmp_path):
    env = {"PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}", "GROEIPAD_DATA_DIR": str(tmp_path),
           "RECOMMENDER_DATABASE_URL": f"sqlite:///{tmp_path / 'recommender.sqlite'}",
           "RECOMMENDER_INDEX_CHECK_MS": "200", "GROEIPAD_BADGE_ISSUER_NAME": "Voorbeeld BV",
           "GROEIPAD_BADGE_SIGNING_KEY": FIRST_KEY}
    groeipad("migrate", env=env)
    recommender = Service("recommender", "recommender.wsgi:app", env, workers=1).start(tmp_path)
    plan = Service("plan", "services.plan.wsgi:app", {**env, "RECOMMENDER_URL": recommender.url}, workers=2)
    plan.env["GROEIPAD_BADGE_BASE_URL"] = plan.url
    plan.start(tmp_path)
    yield plan, recommender, tmp_path
    plan.stop()
    recommender.stop()


def test_badges_verify_independently_survive_key_rotation_and_are_revoked(stack):
    plan, recommender, log_dir = stack
    node_verifier()
    ok(requests.post(f"{recommender.url}/api/v1/skills/import?format=esco&language=en", data=ESCO_CSV,
                     headers={**auth("daan", "ld"), "Content-Type": "text/csv"}, timeout=10))
    deadline = time.monotonic() + 30  # each recommender worker picks the new taxonomy up on its next check
    search = f"{recommender.url}/api/v1/skills?q=manage+a+team"
    while not any(s["id"].startswith("esco:")
                  for s in ok(requests.get(search, headers=auth("x"), timeout=10))["skills"]):
        assert time.monotonic() < deadline, "the recommender did not take the ESCO skills in"
        time.sleep(0.2)
    imported = requests.post(f"{plan.url}/api/v1/people/import", data=ORG, timeout=10,
                             headers={**auth("hanna", "hr"), "Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.text
    position = imported.headers["X-Position"]
    karim = auth("karim")
    deadline = time.monotonic() + 30  # the projector process has the directory in its views
    while requests.get(f"{plan.url}/api/v1/people/karim", timeout=10,
                       headers={**karim, "X-Min-Position": position}).status_code != 200:
        assert time.monotonic() < deadline, "the projector did not project the directory"
        time.sleep(0.2)
    plan_id = ok(requests.post(f"{plan.url}/api/v1/plans", headers=karim, timeout=10, json={
        "employee_id": "karim", "period_start": "2026-01-01", "period_end": "2026-12-31",
        "trigger": "career_project", "available_hours": 100, "available_budget": 2000}), 201)["id"]
    goal_id = ok(requests.post(f"{plan.url}/api/v1/plans/{plan_id}/goals", headers=karim, timeout=10, json={
        "title": "Een team leiden", "skills": [{"skill": "Manage a team", "target_level": 3}],
        "measure": "360-feedback", "relevance": "teamleider worden", "deadline": "2026-11-01",
        "hours_needed": 40}), 201)["goal_id"]
    ok(requests.post(f"{plan.url}/api/v1/plans/{plan_id}/goals/{goal_id}/achieve", headers=karim, json={},
                     timeout=10))
    goal_badge = ok(requests.post(f"{plan.url}/api/v1/plans/{plan_id}/credentials", headers=karim, timeout=10,
                                  json={"kind": "goal", "item_id": goal_id}), 201)

    credential = verify(plan.url, goal_badge["jwt"])
    check_open_badge(credential, plan.url)
    assert credential["issuer"]["name"] == "Voorbeeld BV"
    assert credential["credentialSubject"]["achievement"]["alignment"] == [{
        "type": ["Alignment"], "targetType": "ceasn:Competency", "targetFramework": "ESCO",
        "targetName": "Manage a team", "targetCode": ESCO_URI.rsplit("/", 1)[1], "targetUrl": ESCO_URI}]
    public = requests.get(goal_badge["url"], headers={"Accept": "application/vc+jwt"}, timeout=10)
    assert public.status_code == 200 and public.text == goal_badge["jwt"]  # no sign-in
    assert not revoked(plan.url, goal_badge["status_index"])
    in_node = verify_in_node(plan.url, goal_badge["jwt"])
    assert in_node == {"kid": goal_badge["kid"], "revoked": False, "credential": credential}

    forged_key = Ed25519PrivateKey.generate()
    forged = pyjwt.encode(credential, forged_key, algorithm="EdDSA",
                          headers={"kid": pyjwt.get_unverified_header(goal_badge["jwt"])["kid"], "typ": "vc+jwt"})
    with pytest.raises(pyjwt.InvalidSignatureError):
        verify(plan.url, forged)
    with pytest.raises(AssertionError, match="signature verification failed"):
        verify_in_node(plan.url, forged)

    # Rotation: a new signing key; the old one stays published, so the badge issued with it still verifies.
    plan.stop()
    plan.env.update(GROEIPAD_BADGE_SIGNING_KEY=SECOND_KEY, GROEIPAD_BADGE_PREVIOUS_KEYS=FIRST_KEY)
    plan.start(log_dir)
    kids = [key["kid"] for key in ok(requests.get(f"{plan.url}/api/v1/badges/jwks.json", timeout=10))["keys"]]
    assert len(kids) == 2 and kids[1] == goal_badge["kid"]
    assert verify(plan.url, goal_badge["jwt"]) == credential
    assert verify_in_node(plan.url, goal_badge["jwt"])["kid"] == goal_badge["kid"]
    action_id = ok(requests.post(f"{plan.url}/api/v1/plans/{plan_id}/actions", headers=karim, timeout=10, json={
        "goal_ids": [goal_id], "means": "external_course", "title": "Leidinggeven in de praktijk",
        "provider": "Academie", "planned_start": "2026-02-01", "planned_end": "2026-03-01", "hours": 16,
        "certificate": True}), 201)["action_id"]
    ok(requests.post(f"{plan.url}/api/v1/plans/{plan_id}/actions/{action_id}/start", headers=karim, timeout=10,
                     json={"date": "2026-02-01"}))
    ok(requests.post(f"{plan.url}/api/v1/plans/{plan_id}/actions/{action_id}/complete", headers=karim, timeout=10,
                     json={"date": "2026-02-20", "evaluation": 5}))
    ok(requests.post(f"{plan.url}/api/v1/plans/{plan_id}/actions/{action_id}/certificates", headers=karim,
                     timeout=10, data={"number": "LP-7", "issuer": "Academie", "issued_on": "2026-02-20"}), 201)
    action_badge = ok(requests.post(f"{plan.url}/api/v1/plans/{plan_id}/credentials", headers=karim, timeout=10,
                                    json={"kind": "action", "item_id": action_id}), 201)
    assert action_badge["kid"] == kids[0] != goal_badge["kid"]
    assert pyjwt.get_unverified_header(action_badge["jwt"])["kid"] == kids[0]
    check_open_badge(verify(plan.url, action_badge["jwt"]), plan.url)

    # Revocation by the holder, then erasure of the person revokes the rest.
    ok(requests.post(f"{plan.url}/api/v1/plans/{plan_id}/credentials/{action_badge['credential_id']}/revoke",
                     headers=karim, json={"reason": "ik deel hem niet meer"}, timeout=10))
    assert revoked(plan.url, action_badge["status_index"])
    assert verify_in_node(plan.url, action_badge["jwt"])["revoked"] is True
    assert not revoked(plan.url, goal_badge["status_index"])
    ok(requests.post(f"{plan.url}/api/v1/people/karim/erase", headers=auth("hanna", "hr"), json={}, timeout=10))
    assert revoked(plan.url, goal_badge["status_index"])
    assert verify_in_node(plan.url, goal_badge["jwt"])["revoked"] is True
    assert requests.get(goal_badge["url"], timeout=10).status_code == 410
