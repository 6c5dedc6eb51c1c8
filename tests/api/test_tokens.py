"""Bearer tokens: anything doubtful is a 401, and no token ends up in a log where it could be replayed."""

from __future__ import annotations

import base64
import json
import logging
import time
import warnings

import jwt
import pytest

from shared.auth import ISSUER, TokenSettings, VerifiedTokens, issue_token
from shared.errors import ApiError
from tests.conftest import TEST_SECRET

SETTINGS = TokenSettings(secret=TEST_SECRET, audience="groeipad")


def claims(**overrides):
    now = int(time.time())
    return {"sub": "karim", "roles": ["employee"], "iss": ISSUER, "aud": "groeipad", "iat": now, "nbf": now - 5,
            "exp": now + 600, **overrides}


def unsigned(payload: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


def hs512(payload: dict) -> str:
    """A token signed with another algorithm; PyJWT warns that the test key is short for it, which is moot."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jwt.encode(payload, TEST_SECRET, algorithm="HS512")


BAD_TOKENS = {
    "expired": jwt.encode(claims(exp=int(time.time()) - 10, iat=int(time.time()) - 700), TEST_SECRET),
    "not yet valid": jwt.encode(claims(nbf=int(time.time()) + 600), TEST_SECRET),
    "wrong signature": jwt.encode(claims(), TEST_SECRET + "-other"),
    "another deployment's key": issue_token(TokenSettings("x" * 48, "groeipad"), "karim", ["employee"]),
    "wrong audience": jwt.encode(claims(aud="someone-else"), TEST_SECRET),
    "wrong issuer": jwt.encode(claims(iss="evil"), TEST_SECRET),
    "alg none": unsigned(claims()),
    "HS512 instead of HS256": hs512(claims()),
    "no expiry": jwt.encode({k: v for k, v in claims().items() if k != "exp"}, TEST_SECRET),
    "roles not a list": jwt.encode(claims(roles="admin"), TEST_SECRET),
    "garbage": "not.a.token",
}


@pytest.mark.parametrize("name", sorted(BAD_TOKENS))
def test_doubtful_tokens_get_401_and_are_never_logged(client, name, caplog):
    token = BAD_TOKENS[name]
    with caplog.at_level(logging.DEBUG):
        response = client.get("/api/v1/plans", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, name
    assert set(response.json) == {"status", "message", "errors"}
    assert token not in caplog.text and token not in response.get_data(as_text=True)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer   ", "Basic a2FyaW06cHc=", "bearer"])
def test_missing_or_malformed_authorization_is_401(client, header):
    headers = {} if header is None else {"Authorization": header}
    assert client.get("/api/v1/plans", headers=headers).status_code == 401


def test_a_valid_token_passes_and_unknown_roles_are_ignored(client):
    token = jwt.encode(claims(roles=["employee", "superuser"]), TEST_SECRET)
    assert client.get("/api/v1/plans", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/api/v1/access-log", headers={"Authorization": f"Bearer {token}"}).status_code == 403


def test_issuing_refuses_unknown_roles_and_empty_subjects():
    with pytest.raises(ValueError, match="unknown role"):
        issue_token(SETTINGS, "karim", ["employe"])
    with pytest.raises(ValueError, match="subject"):
        issue_token(SETTINGS, "", ["employee"])


class Clock:
    """time.time() as the token cache sees it; PyJWT keeps the real clock."""

    def __init__(self, monkeypatch, now: float):
        self.now = now
        monkeypatch.setattr("shared.auth.time.time", lambda: self.now)


def test_a_verified_token_is_not_verified_again_but_its_times_are_checked_on_every_use(monkeypatch):
    issued = int(time.time())
    token = issue_token(SETTINGS, "karim", ["employee"], ttl_seconds=60, now=issued)
    cache = VerifiedTokens(SETTINGS)
    clock = Clock(monkeypatch, issued + 1)
    assert cache.principal(token).subject == "karim"

    def no_second_check(*args, **kwargs):
        raise AssertionError("the signature was checked already")

    monkeypatch.setattr("shared.auth.jwt.decode", no_second_check)
    assert cache.principal(token).roles == frozenset({"employee"})
    clock.now = issued - 10  # before nbf (issued - 5): a clock set back does not make the token valid
    with pytest.raises(ApiError, match="not yet valid"):
        cache.principal(token)
    clock.now = issued + 60  # exp is not inclusive, as in PyJWT
    with pytest.raises(ApiError, match="token expired"):
        cache.principal(token)


def test_doubtful_tokens_are_checked_every_time_and_never_kept(monkeypatch):
    cache, checks = VerifiedTokens(SETTINGS), []
    decode = jwt.decode
    monkeypatch.setattr("shared.auth.jwt.decode", lambda *a, **k: checks.append(1) or decode(*a, **k))
    for _ in range(2):
        with pytest.raises(ApiError):
            cache.principal(BAD_TOKENS["wrong signature"])
    assert len(checks) == 2


def test_the_token_cache_keeps_the_most_recently_used_tokens():
    cache = VerifiedTokens(SETTINGS, size=2)
    tokens = [issue_token(SETTINGS, name, ["employee"]) for name in ("ann", "bob", "cor")]
    for token in (tokens[0], tokens[1], tokens[0], tokens[2]):
        cache.principal(token)
    assert list(cache._entries) == [tokens[0], tokens[2]]
