"""Bearer tokens (JWT, HS256) shared by every API: issue, verify, and the request's principal."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import jwt
from flask import Flask, g, request

from shared.config import env_str, read_secret
from shared.errors import ApiError

ROLES = frozenset({"employee", "manager", "hr", "ld", "admin", "service", "scim"})  # scim: an identity provider
ISSUER = "groeipad"
ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's subject and roles."""

    subject: str
    roles: frozenset[str]

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


@dataclass(frozen=True)
class TokenSettings:
    secret: str
    audience: str

    @classmethod
    def from_env(cls) -> TokenSettings:
        return cls(secret=read_secret("GROEIPAD_JWT_SECRET"),
                   audience=env_str("GROEIPAD_JWT_AUDIENCE", "groeipad"))


def issue_token(settings: TokenSettings, subject: str, roles: Iterable[str],
                ttl_seconds: int = 8 * 3600, now: float | None = None) -> str:
    """A signed token for SUBJECT; unknown roles are refused so typos do not silently lock people out."""
    roles = sorted(set(roles))
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(ROLES))}")
    if not subject:
        raise ValueError("subject must not be empty")
    issued = int(now if now is not None else time.time())
    claims = {"sub": subject, "roles": roles, "iss": ISSUER, "aud": settings.audience,
              "iat": issued, "nbf": issued - 5, "exp": issued + ttl_seconds}
    return jwt.encode(claims, settings.secret, algorithm=ALGORITHM)


def verify_token(settings: TokenSettings, token: str) -> Principal:
    """The principal a token names; any doubt about the token is a 401."""
    return _verify(settings, token)[0]


def _verify(settings: TokenSettings, token: str) -> tuple[Principal, tuple[int, int, int]]:
    """The principal and the token's time claims (iat, nbf, exp), checked now."""
    try:
        claims = jwt.decode(
            token, settings.secret, algorithms=[ALGORITHM], audience=settings.audience,
            issuer=ISSUER, options={"require": ["exp", "iat", "nbf", "sub", "aud", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise ApiError(401, "token expired") from None
    except jwt.ImmatureSignatureError:
        raise ApiError(401, "token not yet valid") from None
    except jwt.InvalidTokenError:
        raise ApiError(401, "invalid token") from None
    roles = claims.get("roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise ApiError(401, "invalid token")
    times = (int(claims["iat"]), int(claims["nbf"]), int(claims["exp"]))
    return Principal(subject=str(claims["sub"]), roles=frozenset(roles) & ROLES), times


class VerifiedTokens:
    """Tokens this worker already verified, so a client's every request does not pay the signature check again.

    A token's signature, issuer, audience and roles are fixed once it is signed; only its time claims depend
    on when it is used, and those are checked again on every use, as PyJWT checks them (no leeway). Invalid
    tokens are never kept. The least recently used entry goes when the cache is full.
    """

    def __init__(self, settings: TokenSettings, size: int = 4096) -> None:
        self.settings = settings
        self.size = size
        self._entries: OrderedDict[str, tuple[Principal, tuple[int, int, int]]] = OrderedDict()
        self._lock = threading.Lock()

    def principal(self, token: str) -> Principal:
        with self._lock:
            entry = self._entries.get(token)
            if entry is not None:
                self._entries.move_to_end(token)
        if entry is None:
            entry = _verify(self.settings, token)
            with self._lock:
                self._entries[token] = entry
                if len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            return entry[0]
        principal, (issued, not_before, expires) = entry
        now = time.time()
        if issued > now or not_before > now:
            raise ApiError(401, "token not yet valid")
        if expires <= now:
            with self._lock:
                self._entries.pop(token, None)
            raise ApiError(401, "token expired")
        return principal


PUBLIC_PREFIXES = ("/health", "/ready", "/metrics", "/api/v1/openapi.json", "/api/v1/docs",
                   "/static/")


def init_auth(app: Flask, settings: TokenSettings, public: tuple[str, ...] = ()) -> None:
    """Every API request needs a valid bearer token, except the public probes and docs (and PUBLIC prefixes: what
    a service publishes for anyone, such as the plan service's badge documents)."""
    tokens = VerifiedTokens(settings)
    open_paths = PUBLIC_PREFIXES + tuple(public)

    @app.before_request
    def authenticate() -> None:
        g.principal = None
        if request.path.startswith(open_paths) or request.method == "OPTIONS":
            return
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "missing bearer token")
        g.principal = tokens.principal(token.strip())


def current_principal() -> Principal:
    principal = g.get("principal")
    if principal is None:
        raise ApiError(401, "missing bearer token")
    return principal


def require_role(*roles: str) -> Principal:
    """The principal, if it has one of ROLES; otherwise a 403."""
    principal = current_principal()
    if not principal.has(*roles):
        raise ApiError(403, f"needs one of the roles: {', '.join(roles)}")
    return principal
