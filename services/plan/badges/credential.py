"""The shape of an OpenBadgeCredential (Open Badges 3.0 on the W3C Verifiable Credentials 2.0 data model) and of
the Bitstring Status List credential that says which ones were revoked."""

from __future__ import annotations

import base64
import gzip
import hashlib
from datetime import date, datetime
from typing import Any

from services.plan.badges.settings import BadgeSettings

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
ESCO_SKILL = "http://data.europa.eu/esco/skill/"
LIST_SIZE = 131_072  # bits: the spec's minimum (16 KiB), so one credential cannot be singled out by its list
ACHIEVEMENT_TYPES = {"goal": "Competency", "action": "Certificate"}
DESCRIPTIONS = {"goal": "A goal of a personal development plan at {org}, achieved and recorded there.",
                "action": "A learning action of a personal development plan at {org}, completed with a certificate."}


def instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def day_start(day: date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00Z" if isinstance(day, date) else None


def esco_alignment(skill: str, skill_id: str) -> dict[str, Any]:
    """An OB 3.0 Alignment to an ESCO skill, from the taxonomy's id (esco:UUID) of it."""
    code = skill_id.removeprefix("esco:")
    return {"type": ["Alignment"], "targetType": "ceasn:Competency", "targetFramework": "ESCO",
            "targetName": skill, "targetCode": code, "targetUrl": ESCO_SKILL + code}


def identifiers(person: dict[str, Any], salt: str) -> list[dict[str, Any]]:
    """Who earned it: the name as written, and the e-mail address only as a salted hash (OB 3.0 IdentityObject),
    so a relying party can check an address it is given without the credential disclosing it."""
    found = [{"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": person["name"]}]
    if person.get("email"):
        digest = hashlib.sha256((person["email"].strip().lower() + salt).encode()).hexdigest()
        found.append({"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
                      "identityHash": f"sha256${digest}", "salt": salt})
    return found


def open_badge(settings: BadgeSettings, *, credential_id: str, achievement_id: str, achievement: dict[str, Any],
               person: dict[str, Any], alignments: list[dict[str, Any]], status_index: int, issued_at: datetime,
               salt: str) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for ACHIEVEMENT (services/plan/domain/badges.py) earned by PERSON."""
    kind = achievement["kind"]
    criteria = (f"Achieved the goal '{achievement['title']}'" if kind == "goal"
                else f"Completed '{achievement['title']}' with a certificate")
    if achievement.get("measure"):
        criteria += f" ({'measured by' if kind == 'goal' else 'provided by'}: {achievement['measure']})"
    badge: dict[str, Any] = {
        "id": f"urn:uuid:{achievement_id}",
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[kind],
        "name": achievement["title"],
        "description": DESCRIPTIONS[kind].format(org=settings.issuer_name),
        "criteria": {"narrative": criteria + "."},
    }
    if alignments:
        badge["alignment"] = alignments
    if achievement.get("skills"):
        badge["tag"] = list(achievement["skills"])
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "identifier": identifiers(person, salt),
                               "achievement": badge}
    if day_start(achievement.get("started_on")):
        subject["activityStartDate"] = day_start(achievement["started_on"])
    if day_start(achievement.get("achieved_on")):
        subject["activityEndDate"] = day_start(achievement["achieved_on"])
    if achievement.get("hours"):
        subject["creditsEarned"] = float(achievement["hours"])
    url = settings.credential_url(credential_id)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement["title"],
        "issuer": settings.issuer_profile(),
        "validFrom": instant(issued_at),
        **({"validUntil": f"{achievement['valid_until'].isoformat()}T23:59:59Z"} if achievement.get("valid_until")
           else {}),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{settings.status_list_url()}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": settings.status_list_url(),
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def with_jwt_claims(credential: dict[str, Any], issued_at: datetime) -> dict[str, Any]:
    """The credential as a JWT payload: its own members, plus the registered claims OB 3.0's VC-JWT format names
    (iss, jti, nbf), which say the same as issuer, id and validFrom (VC-JOSE-COSE allows them when they agree)."""
    issuer = credential["issuer"]
    return {**credential, "iss": issuer["id"] if isinstance(issuer, dict) else issuer, "jti": credential["id"],
            "nbf": int(issued_at.timestamp()),
            **({"exp": int(datetime.fromisoformat(credential["validUntil"].replace("Z", "+00:00")).timestamp())}
               if credential.get("validUntil") else {})}


def encoded_list(revoked: list[int]) -> str:
    """The bitstring (bit 0 is the first byte's highest bit), GZIP-compressed, as multibase base64url ('u')."""
    bits = bytearray(LIST_SIZE // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def status_list(settings: BadgeSettings, revoked: list[int], now: datetime) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential of every credential this organisation issued."""
    url = settings.status_list_url()
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": settings.issuer_id(),
        "validFrom": instant(now),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": encoded_list(revoked)},
    }
