"""The portal's configuration, read from the environment once in create_app, with clear errors."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from services.portal.accounts import PORTAL_ROLES
from shared.config import ConfigError, env_bool, env_int, env_str, read_optional_secret, read_secret

LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class OidcSettings:
    """Single sign-on with one OpenID provider (PORTAL_OIDC_*); see the README's "Single sign-on"."""

    issuer: str
    client_id: str
    client_secret: str | None = None  # None: a public client, PKCE alone proves the code is ours
    scopes: str = "openid profile email"
    username_claim: str = "preferred_username"
    username_domain: str | None = None  # "example.org": sophie@example.org signs in as sophie, other domains not
    roles_claim: str | None = None  # None: roles stay the portal's own and only existing accounts get in
    role_map: dict[str, tuple[str, ...]] = field(default_factory=dict)
    default_roles: tuple[str, ...] = ()
    label: str = "single sign-on"
    clock_skew_seconds: int = 120

    @property
    def origin(self) -> str:
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"

    @classmethod
    def from_env(cls) -> OidcSettings | None:
        issuer = os.environ.get("PORTAL_OIDC_ISSUER", "").strip()
        if not issuer:
            return None
        parts = urlsplit(issuer)
        if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
            raise ConfigError(f"PORTAL_OIDC_ISSUER must be the provider's issuer URL, got {issuer!r}")
        secret = read_optional_secret("PORTAL_OIDC_CLIENT_SECRET")  # none: a public client
        scopes = os.environ.get("PORTAL_OIDC_SCOPES", "openid profile email").split()
        if "openid" not in scopes:
            raise ConfigError("PORTAL_OIDC_SCOPES must include openid")
        roles_claim = os.environ.get("PORTAL_OIDC_ROLES_CLAIM", "").strip() or None
        role_map = parse_role_map(os.environ.get("PORTAL_OIDC_ROLE_MAP", ""))
        default_roles = parse_roles("PORTAL_OIDC_DEFAULT_ROLES", os.environ.get("PORTAL_OIDC_DEFAULT_ROLES", ""))
        if roles_claim is None and (role_map or default_roles):
            raise ConfigError("PORTAL_OIDC_ROLE_MAP and PORTAL_OIDC_DEFAULT_ROLES need PORTAL_OIDC_ROLES_CLAIM")
        return cls(
            issuer=issuer,
            client_id=env_str("PORTAL_OIDC_CLIENT_ID"),
            client_secret=secret,
            scopes=" ".join(scopes),
            username_claim=os.environ.get("PORTAL_OIDC_USERNAME_CLAIM", "").strip() or "preferred_username",
            username_domain=os.environ.get("PORTAL_OIDC_USERNAME_DOMAIN", "").strip().lower().lstrip("@") or None,
            roles_claim=roles_claim,
            role_map=role_map,
            default_roles=default_roles,
            label=os.environ.get("PORTAL_OIDC_LABEL", "").strip() or "single sign-on",
            clock_skew_seconds=env_int("PORTAL_OIDC_CLOCK_SKEW_SECONDS", 120),
        )


def parse_roles(variable: str, text: str) -> tuple[str, ...]:
    roles = tuple(sorted({r.strip().lower() for r in text.split(",") if r.strip()}))
    unknown = set(roles) - set(PORTAL_ROLES)
    if unknown:
        raise ConfigError(f"{variable} names unknown roles {sorted(unknown)}; use {', '.join(PORTAL_ROLES)}")
    return roles


def parse_role_map(text: str) -> dict[str, tuple[str, ...]]:
    """'Groeipad HR=hr, Managers=manager' -> {'Groeipad HR': ('hr',), 'Managers': ('manager',)}; a value may repeat."""
    mapping: dict[str, set[str]] = {}
    for pair in (p for p in text.split(",") if p.strip()):
        value, sep, role = pair.rpartition("=")
        if not sep or not value.strip():
            raise ConfigError(f"PORTAL_OIDC_ROLE_MAP: {pair.strip()!r} is not VALUE=ROLE")
        mapping.setdefault(value.strip(), set()).update(parse_roles("PORTAL_OIDC_ROLE_MAP", role))
    return {value: tuple(sorted(roles)) for value, roles in mapping.items()}


@dataclass(frozen=True)
class PortalSettings:
    """Everything the portal reads from the environment (see the final report for the table)."""

    secret_key: str
    plan_url: str
    recommender_url: str
    secure_cookies: bool
    trust_proxy: bool
    session_hours: int
    api_timeout: float
    login_max_failures: int
    login_max_failures_per_ip: int
    login_window_seconds: int
    default_language: str
    demo_password: str
    local_accounts: bool = True
    oidc: OidcSettings | None = None
    notifier_url: str = ""  # empty: no notification centre (the notifier is not deployed)

    @classmethod
    def from_env(cls) -> PortalSettings:
        language = os.environ.get("PORTAL_DEFAULT_LANGUAGE", "nl")
        if language not in LANGUAGES:
            raise ConfigError(f"PORTAL_DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}, got {language!r}")
        timeout = os.environ.get("PORTAL_API_TIMEOUT", "10")
        try:
            api_timeout = float(timeout)
        except ValueError:
            raise ConfigError(f"PORTAL_API_TIMEOUT must be a number of seconds, got {timeout!r}") from None
        return cls(
            secret_key=read_secret("PORTAL_SECRET_KEY"),
            plan_url=env_str("PLAN_SERVICE_URL", f"http://127.0.0.1:{os.environ.get('PLAN_PORT') or 8001}").rstrip("/"),
            recommender_url=env_str(
                "RECOMMENDER_URL", f"http://127.0.0.1:{os.environ.get('RECOMMENDER_PORT') or 8002}").rstrip("/"),
            secure_cookies=env_bool("PORTAL_SECURE_COOKIES", False),
            trust_proxy=env_bool("PORTAL_TRUST_PROXY", False),
            session_hours=env_int("PORTAL_SESSION_HOURS", 8, minimum=1),
            api_timeout=api_timeout,
            login_max_failures=env_int("PORTAL_LOGIN_MAX_FAILURES", 5, minimum=1),
            login_max_failures_per_ip=env_int("PORTAL_LOGIN_MAX_FAILURES_PER_IP", 20, minimum=1),
            login_window_seconds=env_int("PORTAL_LOGIN_WINDOW_SECONDS", 900, minimum=1),
            default_language=language,
            demo_password=os.environ.get("GROEIPAD_DEMO_PASSWORD") or "groeipad-demo",
            local_accounts=env_bool("PORTAL_LOCAL_ACCOUNTS", True),
            oidc=OidcSettings.from_env(),
            notifier_url=env_str(
                "NOTIFIER_URL", f"http://127.0.0.1:{os.environ.get('NOTIFIER_PORT') or 8004}").rstrip("/"),
        )
