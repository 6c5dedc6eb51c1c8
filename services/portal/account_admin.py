"""Account management for administrators: the list of accounts, their audit trail and sign-ins, and
password resets by a one-time link.

The list reads the store's own log of account-created records (filtered by topic in the database); the
audit trail is the account's own events (who did what, when). A reset link carries a random token; only
its SHA-256 decides the id of the PasswordReset aggregate, so the store never holds a usable link, and the
reset is used and the password changed in one save (optimistic concurrency makes a second use fail).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from services.portal.accounts import HASHER, Account, AccountError, PortalStore, account_id, check_password

RESET_SECONDS = 24 * 3600
AUDITED = ("Created", "ProfileChanged", "PasswordChanged", "SignedOutEverywhere", "Disabled", "Enabled",
           "PasswordResetIssued", "Erased")


class PasswordResetError(Exception):
    """The link is unknown, used or expired (one answer for all three: the link tells nothing more)."""


def reset_id(token: str) -> UUID:
    return uuid5(NAMESPACE_URL, "groeipad:password-reset:" + hashlib.sha256(token.encode()).hexdigest())


class PasswordReset(Aggregate):
    """A one-time link to set a password: for whom, until when, and whether it was used."""

    used = False

    @staticmethod
    def create_id(token_hash_id: UUID) -> UUID:
        return token_hash_id

    @event("Issued")
    def __init__(self, token_hash_id: UUID, username: str, expires_at: float, actor: str) -> None:
        self.username, self.expires_at = username, expires_at

    @event("Used")
    def use(self) -> None:
        self.used = True


def list_accounts(store: PortalStore, q: str = "", limit: int = 25, offset: int = 0) -> tuple[list[dict], int]:
    """Accounts by username, those matching Q (in the username or the name), a page of them, and the count."""
    usernames, start = [], 1
    created = get_topic(Account.Created)
    while True:
        page = store.notification_log.select(start, store.log_section_size, topics=[created])
        usernames += [store.mapper.to_domain_event(n).username for n in page]
        if len(page) < store.log_section_size:
            break
        start = page[-1].id + 1
    needle = (q or "").strip().lower()
    rows = []
    for username in sorted(set(usernames)):
        account = store.account(username)
        if account is None:
            continue
        if needle and needle not in username and needle not in (account.display_name or "").lower():
            continue
        rows.append(account)
    return [summary(a) for a in rows[offset:offset + limit]], len(rows)


def summary(account: Account) -> dict[str, Any]:
    return {"username": account.username, "display_name": account.display_name, "roles": list(account.roles),
            "disabled": account.disabled, "erased": account.erased,
            "last_sign_in": last_sign_in(account)}


def last_sign_in(account: Account) -> str | None:
    if not account.last_sign_in:
        return None
    return datetime.fromtimestamp(account.last_sign_in, UTC).isoformat()


def activity(store: PortalStore, username: str, limit: int = 100) -> tuple[list[dict], list[dict]]:
    """The account's changes (who, when, what) and its sign-ins, newest first."""
    changes, sign_ins = [], []
    for domain_event in store.events.get(account_id(username), desc=True, limit=limit):
        kind = type(domain_event).__name__
        when = domain_event.timestamp.isoformat()
        if kind == "SignedIn":
            sign_ins.append({"at": when, "provider": domain_event.provider})
        elif kind in AUDITED:
            detail = {}
            if kind in ("Created", "ProfileChanged"):
                detail["roles"] = list(domain_event.roles)
            if kind == "PasswordResetIssued":
                detail["expires_at"] = domain_event.expires_at
            changes.append({"at": when, "what": kind, "actor": getattr(domain_event, "actor", ""), **detail})
    return changes, sign_ins


def create_account(store: PortalStore, username: str, display_name: str, roles: list[str], actor: str) -> str:
    """A new account without a usable password, and the one-time link its owner sets one with."""
    store.create_account(username, display_name, roles, secrets.token_urlsafe(32), actor=actor)
    return issue_reset(store, username, actor)


def change_roles(store: PortalStore, username: str, roles: list[str], actor: str) -> None:
    account = store.account(username)
    if account is None:
        raise AccountError("username", f"no account {username!r}")
    store.update_profile(username, account.display_name, roles, actor=actor)


def issue_reset(store: PortalStore, username: str, actor: str, seconds: int = RESET_SECONDS) -> str:
    """A one-time token to set USERNAME's password, valid for SECONDS; the issue is on the account's record."""
    account = store.account(username)
    if account is None or account.erased:
        raise AccountError("username", f"no account {username!r}")
    token = secrets.token_urlsafe(32)
    expires_at = time.time() + seconds
    account.issue_password_reset(expires_at, actor=actor)
    store.save(account, PasswordReset(token_hash_id=reset_id(token), username=username, expires_at=expires_at,
                                      actor=actor))
    return token


def pending_reset(store: PortalStore, token: str) -> PasswordReset:
    """The reset TOKEN opens, if it is still unused and in time."""
    try:
        reset = store.repository.get(reset_id(token or ""))
    except AggregateNotFoundError:
        raise PasswordResetError() from None
    if not isinstance(reset, PasswordReset) or reset.used or reset.expires_at < time.time():
        raise PasswordResetError()
    account = store.account(reset.username)
    if account is None or account.erased or account.blocked:
        raise PasswordResetError()
    return reset


def use_reset(store: PortalStore, token: str, password: str) -> str:
    """Set the password through the link, once: returns the username."""
    check_password(password)
    reset = pending_reset(store, token)
    account = store.account(reset.username)
    account.change_password(HASHER.hash(password), actor=reset.username)
    reset.use()
    try:
        store.save(account, reset)
    except IntegrityError:
        raise PasswordResetError() from None  # used at the same moment by another request
    return reset.username
