"""The portal's own store: sign-in accounts and login throttles, as an eventsourcing application.

Accounts are keyed by uuid5(username), so creating one twice is detected by the store itself and
an account is found without an index. The username is the person id of the org directory.

Personal fields (the display name, in events named `name`) are sealed per account with the plan
shared PersonalDataMapper (shared/sealing.py) and a key store beside this store, keyed by the username: erasing an
account destroys its key, so its events stay in place but the name reads "[erased]" for good.
"""

from __future__ import annotations

import os
import re
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from services.portal.throttle import throttle_store_for
from shared.config import data_dir, read_secret, store_settings
from shared.keystore import KeyStore, keystore_for
from shared.sealing import ERASED, PersonalDataMapper, PersonErasedError

PORTAL_ROLES = ("employee", "manager", "hr", "ld", "admin")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
MIN_PASSWORD = 8
HASHER = PasswordHasher()
# Verified when the username is unknown, so a miss costs the same time as a wrong password.
DUMMY_HASH = HASHER.hash("groeipad-no-such-account")
# The hash of an account made by single sign-on: no password ever matches it (argon2 refuses it).
NO_PASSWORD = "!"


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


def _name_from_display_name(state: dict[str, Any]) -> None:
    """Version 1 events carried the display name as `display_name`, which the mapper does not seal."""
    state["name"] = state.pop("display_name", None)


class Account(Aggregate):
    """One person's sign-in: roles, password hash, and the epoch that sign-out-everywhere moves."""

    disabled = False
    erased = False  # snapshots older than erasure lack the attribute
    deactivated = False  # the directory deactivated the person (SCIM active=false); undone by reactivation

    class Created(Aggregate.Created):
        class_version = 2  # the display name travels as `name`: a personal field the mapper seals
        PERSONAL_TEXT = ("name",)
        NOT_PERSONAL = ("username", "roles", "password_hash", "actor")
        username: str
        name: str
        roles: list[str]
        password_hash: str
        actor: str
        upcast_v1_v2 = staticmethod(_name_from_display_name)

    class ProfileChanged(Aggregate.Event):
        class_version = 2
        PERSONAL_TEXT = ("name",)
        NOT_PERSONAL = ("roles", "actor")
        name: str
        roles: list[str]
        actor: str
        upcast_v1_v2 = staticmethod(_name_from_display_name)

    @staticmethod
    def create_id(username: str) -> UUID:
        return account_id(username)

    @event(Created)
    def __init__(self, username: str, name: str, roles: list[str], password_hash: str, actor: str) -> None:
        self.username, self.display_name, self.roles = username, name, list(roles)
        self.password_hash = password_hash
        self.session_epoch = 0
        self.disabled = False

    @event("PasswordChanged")
    def change_password(self, password_hash: str, actor: str) -> None:
        self.password_hash = password_hash
        self.session_epoch += 1  # a new password ends every other session

    @event(ProfileChanged)
    def change_profile(self, name: str, roles: list[str], actor: str) -> None:
        self.display_name, self.roles = name, list(roles)

    @event("SignedOutEverywhere")
    def sign_out_everywhere(self, actor: str) -> None:
        self.session_epoch += 1

    @event("Disabled")
    def disable(self, actor: str) -> None:
        self.disabled = True
        self.session_epoch += 1

    @event("Deactivated")
    def deactivate(self, actor: str) -> None:
        self.deactivated = True
        self.session_epoch += 1  # every session ends now

    @event("Reactivated")
    def reactivate(self, actor: str) -> None:
        self.deactivated = False

    @property
    def blocked(self) -> bool:
        """Whether the account may not sign in: disabled here, or deactivated in the directory."""
        return self.disabled or self.deactivated

    @event("Erased")
    def erase(self, actor: str) -> None:
        """GDPR erasure: never signs in again; the key of its personal fields is destroyed next."""
        self.erased = self.disabled = True
        self.display_name = ERASED
        self.session_epoch += 1


class LoginThrottle(Aggregate):
    """Failed sign-ins as events: no longer written (see services/portal/throttle.py); kept to read old stores."""

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


class PortalSession(Aggregate):
    """One signed-in browser session: signing out ends it here, so a copied cookie opens nothing afterwards."""

    ended = False

    @event("Started")
    def __init__(self, username: str) -> None:
        self.username = username

    @event("Ended")
    def end(self) -> None:
        self.ended = True


class PortalStore(Application[UUID]):
    """Commands and queries on accounts and throttles; the application is the repository."""

    name = "portal"
    env = {"IS_SNAPSHOTTING_ENABLED": "y"}
    snapshotting_intervals = {LoginThrottle: 20, Account: 50}
    keys: KeyStore

    def construct_mapper(self):
        """Seal personal fields with a key per account (crypto-shredding), as the plan service does."""
        self.keys = keystore_for(self.env, read_secret("GROEIPAD_MASTER_KEY"), owner="portal")
        return PersonalDataMapper(transcoder=self.construct_transcoder(), keys=self.keys,
                                  subject_of=self._subject_of)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.throttles = throttle_store_for(self.env)

    def close(self) -> None:
        super().close()
        self.keys.close()
        self.throttles.close()

    def _subject_of(self, key_id: str) -> str | None:
        """Whose aggregate KEY_ID is when it has no key yet (stored before keys, or a throttle's snapshot)."""
        for stored in self.recorder.select_events(UUID(key_id), limit=1):
            first = self.mapper.to_domain_event(stored)
            return getattr(first, "username", None) or getattr(first, "key", None)
        return None

    # -- accounts ----------------------------------------------------------------------------
    def create_account(self, username: str, display_name: str, roles: list[str] | tuple[str, ...],
                       password: str, actor: str = "cli") -> dict[str, Any]:
        username = (username or "").strip().lower()
        if not USERNAME.match(username):
            raise AccountError("username", "use 1-100 lower-case letters, digits, dots, dashes or underscores")
        roles = clean_roles(roles)
        check_password(password)
        account = Account(username=username, name=(display_name or username).strip(), roles=roles,
                          password_hash=HASHER.hash(password), actor=actor)
        self.keys.create(str(account.id), username)  # the key names its subject before the first event
        try:
            self.save(account)
        except (IntegrityError, PersonErasedError):
            raise AccountError("username", f"an account {username!r} exists already") from None
        return account_view(account)

    def sync_external_account(self, username: str, display_name: str, roles: list[str], actor: str) -> Account:
        """The account of someone the identity provider vouches for, with the provider's name and roles.

        Made on first sign-in (without a password); a disabled or erased account stays so.
        """
        name = (display_name or username).strip() or username
        roles = clean_roles(roles)
        for _ in range(3):  # two first sign-ins at once: the second one updates what the first made
            account = self.account(username)
            if account is None:
                if not USERNAME.match(username or ""):
                    raise AccountError("username", "not a directory id")
                account = Account(username=username, name=name, roles=roles, password_hash=NO_PASSWORD, actor=actor)
                self.keys.create(str(account.id), username)
            elif account.blocked or (account.display_name == name and sorted(account.roles) == roles):
                return account
            else:
                account.change_profile(name, roles, actor=actor)
            try:
                self.save(account)
                return account
            except IntegrityError:
                continue
        raise AccountError("username", f"the account {username!r} keeps changing; try again")

    def account(self, username: str) -> Account | None:
        if not username or not USERNAME.match(username):
            return None
        try:
            return self._load(account_id(username))
        except AggregateNotFoundError:
            return None

    def _load(self, aggregate_id: UUID) -> Account:
        key_id = str(aggregate_id)
        if self.keys.key(key_id) is None and self.keys.is_erased(key_id):
            return self._replay(aggregate_id)  # a sealed snapshot cannot be opened any more
        account = self.repository.get(aggregate_id)
        if account.erased:  # erased by another process: drop the key this one may still hold
            self.keys.evict(key_id)
            return self._replay(aggregate_id)
        return account

    def _replay(self, aggregate_id: UUID) -> Account:
        account = None
        for domain_event in self.events.get(aggregate_id):
            account = domain_event.mutate(account)
        if account is None:
            raise AggregateNotFoundError(aggregate_id)
        return account

    def verify_password(self, username: str, password: str) -> Account | None:
        """The account when the password is right; None otherwise, after the same amount of work."""
        account = self.account((username or "").strip().lower())
        candidate = account.password_hash if account and not account.blocked else DUMMY_HASH
        try:
            HASHER.verify(candidate, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if account is None or account.blocked:
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

    def set_deactivated(self, username: str, deactivated: bool, actor: str) -> bool:
        """Follow the directory: a deactivated person cannot sign in and their sessions end; reactivation undoes
        only that. A person without an account gets a blocked one (no password, no roles), so that a first
        single sign-on cannot get round it. False when nothing changed."""
        for _ in range(3):
            account = self.account(username)
            if account is None:
                if not deactivated or not USERNAME.match(username or ""):
                    return False
                account = Account(username=username, name=username, roles=[], password_hash=NO_PASSWORD, actor=actor)
                self.keys.create(str(account.id), username)
            if account.erased or account.deactivated == deactivated:
                return False
            if deactivated:
                account.deactivate(actor=actor)
            else:
                account.reactivate(actor=actor)
            try:
                self.save(account)
                return True
            except IntegrityError:
                continue
        raise AccountError("username", f"the account {username!r} keeps changing; try again")

    def erase_account(self, username: str, actor: str) -> bool:
        """Forget the account's personal fields (GDPR) and end its sign-in for good; False when none exists."""
        account = self.account(username)
        if account is None:
            return False
        if not account.erased:
            account.erase(actor=actor)
            self.save(account)
        self.keys.erase_key(str(account.id))  # this account's key only: a shared key table holds other services'
        return True

    def _existing(self, username: str) -> Account:
        account = self.account(username)
        if account is None:
            raise AccountError("username", f"no account {username!r}")
        if account.erased:
            raise AccountError("username", f"the account {username!r} was erased")
        return account

    # -- sessions ----------------------------------------------------------------------------
    def start_session(self, username: str) -> str:
        """A new server-side session for USERNAME; its random id goes into the signed cookie."""
        record = PortalSession(username=username)
        self.save(record)
        return str(record.id)

    def session_alive(self, session_id: object, username: str) -> bool:
        try:
            record = self.repository.get(UUID(str(session_id)))
        except (ValueError, AggregateNotFoundError):
            return False
        return isinstance(record, PortalSession) and record.username == username and not record.ended

    def end_session(self, session_id: object) -> None:
        """Sign-out on the server: the session cannot be used again, whoever holds its cookie."""
        try:
            record = self.repository.get(UUID(str(session_id)))
        except (ValueError, AggregateNotFoundError):
            return
        if isinstance(record, PortalSession) and not record.ended:
            record.end()
            self._save_quietly(record)

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
    settings = store_settings("PORTAL_DATABASE_URL", "portal.sqlite", url, create_tables)
    return PortalStore(env=settings.eventsourcing_env())


def erase_portal_account(username: str, actor: str) -> bool | None:
    """Forget USERNAME's portal account (`groeipad erase-person`); None when no portal store is configured here."""
    if not os.environ.get("PORTAL_DATABASE_URL") and not (data_dir() / "portal.sqlite").exists():
        return None
    store = build_portal_store()
    try:
        return store.erase_account(username, actor=actor)
    finally:
        store.close()


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
