"""Issue, list, revoke and publish the organisation's Open Badges: the plan decides what may be issued
(services/plan/domain/badges.py), this module signs and records it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from services.plan.application import Access, ForbiddenError, PlanService
from services.plan.badges import credential as vc
from services.plan.badges.keys import BadgeKeys
from services.plan.badges.settings import BadgeSettings
from services.plan.badges.store import CredentialStore
from services.plan.domain.badges import achievement_of, achievements
from services.plan.domain.errors import InvalidStateError, RuleViolationError
from shared.auth import Principal
from shared.sealing import PersonErasedError

ISSUE_ATTEMPTS = 5
REVOKERS = ("owner", "hr", "admin")
MAX_REASON = 500


class CredentialNotFoundError(Exception):
    """No such credential, or none the caller may know of."""


class CredentialErasedError(Exception):
    """The credential was issued, but its holder's data was erased since."""


Alignments = Callable[[list[str]], list[dict[str, Any]]]


class BadgeIssuer:
    def __init__(self, service: PlanService, keys: BadgeKeys, settings: BadgeSettings,
                 alignments: Alignments | None = None) -> None:
        self.service = service
        self.keys = keys
        self.settings = settings
        self.alignments = alignments or (lambda skills: [])
        self.store: CredentialStore = service.credentials

    # -- the employee's side ------------------------------------------------------------------------------
    def issue(self, principal: Principal, plan_id: UUID, kind: str, item_id: str) -> tuple[dict[str, Any], bool]:
        """The credential for an achievement of the caller's own plan: the one issued before if it still stands,
        else a new one. Returns it and whether it is new."""
        plan = self.service.get_plan(plan_id, principal)
        if self.service.relation(principal, plan.employee_id) != "owner":
            raise ForbiddenError("only the employee whose plan it is asks for their badge")
        if self.service.person_is_erased(plan.employee_id):
            raise PersonErasedError(plan.employee_id)
        achievement = achievement_of(plan, kind, item_id)
        for _ in range(ISSUE_ATTEMPTS):
            existing = self.store.current(str(plan_id), kind, item_id)
            if existing is not None and existing["revoked_at"] is None:
                return self._answer(existing), False
            generation = existing["generation"] + 1 if existing else 0
            if self._issue(principal, plan, achievement, generation):
                return self._answer(self.store.current(str(plan_id), kind, item_id)), True
        raise InvalidStateError("item_id", "the badge is being issued by another request; retry")

    def _issue(self, principal: Principal, plan: Any, achievement: dict[str, Any], generation: int) -> bool:
        person = self.service.views.person(plan.employee_id) or {"name": plan.employee_id, "email": ""}
        credential_id = str(uuid4())
        achievement_id = uuid5(NAMESPACE_URL, f"groeipad:{plan.id}:{achievement['kind']}:{achievement['item_id']}")
        issued_at = datetime.now(UTC).replace(microsecond=0)
        index = self.store.free_index()
        body = vc.open_badge(self.settings, credential_id=credential_id, achievement_id=str(achievement_id),
                             achievement=achievement, person=person,
                             alignments=self.alignments(achievement["skills"]), status_index=index,
                             issued_at=issued_at, salt=secrets.token_hex(8))
        token = self.keys.sign(vc.with_jwt_claims(body, issued_at), "JWT")  # OB 3.0 §8.2: typ, if present, is JWT
        row = {"credential_id": credential_id, "plan_id": str(plan.id), "employee_id": plan.employee_id,
               "kind": achievement["kind"], "item_id": achievement["item_id"], "generation": generation,
               "status_index": index, "kid": self.keys.kid, "issued_at": issued_at.isoformat(),
               "issued_by": principal.subject}
        return self.store.insert(row, token)

    def of_plan(self, principal: Principal, plan_id: UUID, audit: Access | None = None) -> dict[str, Any]:
        """The credentials issued for a plan, and what in it may become one (with its standing credential, if any),
        for whoever may read the plan."""
        plan = self.service.get_plan(plan_id, principal, audit=audit or Access("credentials"))
        items = [self._summary(row) for row in self.store.of_plan(str(plan_id))]
        standing = {(i["kind"], i["item_id"]): i["credential_id"] for i in items if not i["revoked"]}
        eligible = [{**found, "credential_id": standing.get((found["kind"], found["item_id"]))}
                    for found in achievements(plan)]
        return {"items": items, "eligible": eligible}

    def revoke(self, principal: Principal, plan_id: UUID, credential_id: str, reason: str) -> dict[str, Any]:
        """The holder, HR or an admin withdraws a credential: the status list says so from now on."""
        row = self.store.get(credential_id)
        if row is None or row["plan_id"] != str(plan_id):
            raise CredentialNotFoundError(credential_id)
        plan = self.service.get_plan(plan_id, principal)  # 404 for whoever may not know of the plan
        if self.service.relation(principal, plan.employee_id) not in REVOKERS:
            raise ForbiddenError("the holder, HR or an admin revokes a badge")
        reason = (reason or "").strip()
        if not reason or len(reason) > MAX_REASON:
            raise RuleViolationError("reason", f"say why, in 1 to {MAX_REASON} characters")
        if row["revoked_at"] is not None:
            raise InvalidStateError("credential_id", "this badge was already revoked")
        self.store.revoke(credential_id, principal.subject, reason)
        return self._summary(self.store.get(credential_id))

    # -- the public side (no sign-in) ---------------------------------------------------------------------
    def public(self, credential_id: str) -> dict[str, Any]:
        """A credential as anyone holding its link sees it: the signed credential and whether it was revoked."""
        row = self.store.get(credential_id)
        if row is None:
            raise CredentialNotFoundError(credential_id)
        token = self.store.token(row)
        if token is None:
            raise CredentialErasedError(credential_id)
        return {"id": self.settings.credential_url(credential_id), "jwt": token,
                "revoked": row["revoked_at"] is not None, "kid": row["kid"], "jwks": self.settings.jwks_url(),
                "status_list": self.settings.status_list_url(), "status_index": row["status_index"]}

    def status_list(self) -> str:
        """The signed revocation list of every credential issued, as of now."""
        now = datetime.now(UTC).replace(microsecond=0)
        return self.keys.sign(vc.with_jwt_claims(vc.status_list(self.settings, self.store.revoked_indexes(), now),
                                                 now), "vc+jwt")

    # -- answers --------------------------------------------------------------------------------------------
    def _summary(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"credential_id": row["credential_id"], "kind": row["kind"], "item_id": row["item_id"],
                "url": self.settings.credential_url(row["credential_id"]), "issued_at": row["issued_at"],
                "kid": row["kid"], "status_index": row["status_index"], "revoked": row["revoked_at"] is not None,
                "revoked_at": row["revoked_at"], "revoked_reason": row["revoked_reason"]}

    def _answer(self, row: dict[str, Any]) -> dict[str, Any]:
        return {**self._summary(row), "jwt": self.store.token(row)}
