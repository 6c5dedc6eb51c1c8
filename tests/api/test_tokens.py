"""Bearer tokens: anything doubtful is a 401, and no token ends up in a log where it could be replayed."""

from __future__ import annotations

import base64
import json
import logging
import time
import warnings

import jwt
import pytest

from shared.auth import ISSUER, TokenSettings, issue_token
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
