"""The portal's own store: sign-in accounts and login throttles, as an eventsourcing application.

Accounts are keyed by uuid5(username), so creating one twice is detected by the store itself and
an account is found without an index. The username is the person id of the org directory.
"""

from __future__ import annotations

import re
import time
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from shared.config import store_settings

PORTAL_ROLES = ("employee", "manager", "hr", "ld", "admin")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
MIN_PASSWORD = 8
HASHER = PasswordHasher()
# Verified when the username is unknown, so a miss costs the same time as a wrong password.
DUMMY_HASH = HASHER.hash("groeipad-no-such-account")


class AccountError(Exception):
    """An account command was refused; `field` names the input at fault."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def account_id(username: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"groeipad:portal-account:{username}")


def throttle_id(key: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"groeipad:portal-throttle:{key}")


class Account(Aggregate):
    """One person's sign-in: roles, password hash, and the epoch that sign-out-everywhere moves."""

    @staticmethod
    def create_id(username: str) -> UUID:
        return account_id(username)

    @event("Created")
    def __init__(self, username: str, display_name: str, roles: list[str], password_hash: str,
                 actor: str) -> None:
        self.username, self.display_name, self.roles = username, display_name, list(roles)
        self.password_hash = password_hash
        self.session_epoch = 0
        self.disabled = False

    @event("PasswordChanged")
    def change_password(self, password_hash: str, actor: str) -> None:
        self.password_hash = password_hash
        self.session_epoch += 1  # a new password ends every other session

    @event("ProfileChanged")
    def change_profile(self, display_name: str, roles: list[str], actor: str) -> None:
        self.display_name, self.roles = display_name, list(roles)

    @event("SignedOutEverywhere")
    def sign_out_everywhere(self, actor: str) -> None:
        self.session_epoch += 1

    @event("Disabled")
    def disable(self, actor: str) -> None:
        self.disabled = True
        self.session_epoch += 1


class LoginThrottle(Aggregate):
    """Recent failed sign-ins for one username or one client address."""

    @staticmethod
    def create_id(key: str) -> UUID:
        return throttle_id(key)

    @event("Started")
    def __init__(self, key: str) -> None:
        self.key = key
        self.failures: list[float] = []

    @event("FailureRecorded")
    def record_failure(self, at: float) -> None:
        self.failures = [*self.failures[-49:], at]

    @event("Cleared")
    def clear(self) -> None:
        self.failures = []


class PortalStore(Application[UUID]):
    """Commands and queries on accounts and throttles; the application is the repository."""

    name = "portal"
    env = {"IS_SNAPSHOTTING_ENABLED": "y"}
    snapshotting_intervals = {LoginThrottle: 20, Account: 50}

    # -- accounts ----------------------------------------------------------------------------
    def create_account(self, username: str, display_name: str, roles: list[str] | tuple[str, ...],
                       password: str, actor: str = "cli") -> dict[str, Any]:
        username = (username or "").strip().lower()
        if not USERNAME.match(username):
            raise AccountError("username", "use 1-100 lower-case letters, digits, dots, dashes or underscores")
        roles = clean_roles(roles)
        check_password(password)
        account = Account(username=username, display_name=(display_name or username).strip(), roles=roles,
                          password_hash=HASHER.hash(password), actor=actor)
        try:
            self.save(account)
        except IntegrityError:
            raise AccountError("username", f"an account {username!r} exists already") from None
        return account_view(account)

    def account(self, username: str) -> Account | None:
        if not username or not USERNAME.match(username):
            return None
        try:
            return self.repository.get(account_id(username))
        except AggregateNotFoundError:
            return None

    def verify_password(self, username: str, password: str) -> Account | None:
        """The account when the password is right; None otherwise, after the same amount of work."""
        account = self.account((username or "").strip().lower())
        candidate = account.password_hash if account and not account.disabled else DUMMY_HASH
        try:
            HASHER.verify(candidate, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if account is None or account.disabled:
            return None
        return account

    def set_password(self, username: str, password: str, actor: str) -> None:
        check_password(password)
        account = self._existing(username)
        account.change_password(HASHER.hash(password), actor=actor)
        self.save(account)

    def update_profile(self, username: str, display_name: str, roles: list[str], actor: str) -> None:
        account = self._existing(username)
        account.change_profile(display_name.strip() or username, clean_roles(roles), actor=actor)
        self.save(account)

    def sign_out_everywhere(self, username: str, actor: str) -> None:
        account = self._existing(username)
        account.sign_out_everywhere(actor=actor)
        self.save(account)

    def disable(self, username: str, actor: str) -> None:
        account = self._existing(username)
        account.disable(actor=actor)
        self.save(account)

    def _existing(self, username: str) -> Account:
        account = self.account(username)
        if account is None:
            raise AccountError("username", f"no account {username!r}")
        return account

    # -- throttles ---------------------------------------------------------------------------
    def recent_failures(self, key: str, window: float, now: float | None = None) -> list[float]:
        now = time.time() if now is None else now
        try:
            throttle = self.repository.get(throttle_id(key))
        except AggregateNotFoundError:
            return []
        return [t for t in throttle.failures if now - t < window]

    def record_failure(self, key: str, now: float | None = None) -> None:
        at = time.time() if now is None else now
        for _ in range(3):  # another worker may have saved the same throttle a moment ago
            try:
                throttle = self.repository.get(throttle_id(key))
            except AggregateNotFoundError:
                throttle = LoginThrottle(key=key)
            throttle.record_failure(at)
            try:
                self.save(throttle)
                return
            except IntegrityError:
                continue

    def clear_failures(self, key: str) -> None:
        try:
            throttle = self.repository.get(throttle_id(key))
        except AggregateNotFoundError:
            return
        if throttle.failures:
            throttle.clear()
            self._save_quietly(throttle)

    def _save_quietly(self, aggregate: Aggregate) -> None:
        """Best effort: losing this race changes nothing the user relies on."""
        try:
            self.save(aggregate)
        except IntegrityError:
            pass


def clean_roles(roles: list[str] | tuple[str, ...]) -> list[str]:
    roles = sorted({r.strip().lower() for r in roles if r and r.strip()})
    unknown = set(roles) - set(PORTAL_ROLES)
    if unknown or not roles:
        raise AccountError("roles", f"give one or more of: {', '.join(PORTAL_ROLES)}")
    return roles


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError("password", f"use at least {MIN_PASSWORD} characters")


def account_view(account: Account) -> dict[str, Any]:
    return {"username": account.username, "display_name": account.display_name, "roles": list(account.roles),
            "disabled": account.disabled}


def build_portal_store(url: str | None = None, create_tables: bool | None = None) -> PortalStore:
    """The portal store on PORTAL_DATABASE_URL (default: portal.sqlite in the data dir)."""
    settings = store_settings("PORTAL_DATABASE_URL", "portal.sqlite")
    if url is not None:
        settings = type(settings)(url=url, create_table=settings.create_table)
    if create_tables is not None:
        settings = type(settings)(url=settings.url, create_table=create_tables)
    return PortalStore(env=settings.eventsourcing_env())


DEMO_ACCOUNTS = (
    ("sophie", "Sophie Willems", ("employee",)),
    ("karim", "Karim El Amrani", ("employee",)),
    ("marieke", "Marieke de Vries", ("employee", "manager")),
    ("petra", "Petra Jansen", ("employee", "manager")),
    ("hanna", "Hanna Mulder", ("employee", "hr")),
    ("daan", "Daan Peeters", ("employee", "ld")),
    ("admin", "Beheerder Groeipad", ("admin",)),
)


def seed_demo_accounts(store: PortalStore, password: str) -> list[str]:
    """Create the demo accounts that do not exist yet; returns the usernames made."""
    made = []
    for username, name, roles in DEMO_ACCOUNTS:
        if store.account(username) is None:
            try:
                store.create_account(username, name, list(roles), password, actor="seed-demo")
            except AccountError:
                continue  # created by a concurrent seed
            made.append(username)
    return made
