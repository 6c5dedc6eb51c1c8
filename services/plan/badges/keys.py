"""The organisation's Ed25519 badge keys, derived from secrets in the configuration, with rotation.

GROEIPAD_BADGE_SIGNING_KEY signs every new credential; GROEIPAD_BADGE_PREVIOUS_KEYS (comma-separated) are the
secrets of keys signed with before: never used to sign again, but their public halves stay in the published key
set, so every credential issued with them still verifies. A key is named by its RFC 7638 thumbprint.
Badges are optional: in production without a signing key they are off; in development a key is generated.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from joserfc import jwt
from joserfc.jwk import OKPKey

from shared.config import is_production, read_optional_secret, read_secret

SIGNING_KEY = "GROEIPAD_BADGE_SIGNING_KEY"
ALGORITHM = "EdDSA"  # what verifiers support today (RFC 9864's "Ed25519" name is not yet in PyJWT or most wallets)


def key_from_secret(secret: str) -> OKPKey:
    """An Ed25519 key whose seed is derived from SECRET (any length; production asks for 32+ characters)."""
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"groeipad-badges", info=b"ed25519").derive(
        secret.encode())
    return OKPKey.import_key(Ed25519PrivateKey.from_private_bytes(seed))


@dataclass(frozen=True)
class BadgeKeys:
    current: OKPKey
    previous: tuple[OKPKey, ...] = ()

    @classmethod
    def from_env(cls) -> BadgeKeys | None:
        """The configured keys; None (badges off) in production when no signing key is set."""
        secret = read_optional_secret("GROEIPAD_BADGE_SIGNING_KEY")
        if secret is None:
            if is_production():
                return None
            secret = read_secret(SIGNING_KEY)  # development: made once under the data dir
        current = key_from_secret(secret)
        older = read_optional_secret("GROEIPAD_BADGE_PREVIOUS_KEYS") or ""
        previous = tuple(key_from_secret(s.strip()) for s in older.split(",") if s.strip())
        return cls(current, tuple(k for k in previous if k.thumbprint() != current.thumbprint()))

    @property
    def kid(self) -> str:
        return self.current.thumbprint()

    def jwks(self) -> dict[str, Any]:
        """The public key set: the signing key first, then the earlier ones (for credentials issued before)."""
        return {"keys": [{**key.as_dict(private=False), "kid": key.thumbprint(), "alg": ALGORITHM, "use": "sig"}
                         for key in (self.current, *self.previous)]}

    def sign(self, claims: dict[str, Any], typ: str) -> str:
        """CLAIMS as a compact JWS (VC-JOSE-COSE: the payload is the credential itself) with the current key."""
        header = {"alg": ALGORITHM, "kid": self.kid, "typ": typ}
        if typ.endswith("+jwt"):  # vc+jwt carries cty vc; a plain JWT none (cty JWT would announce a nested JWT)
            header["cty"] = typ.removesuffix("+jwt")
        with warnings.catch_warnings():  # joserfc flags EdDSA as superseded by RFC 9864; see ALGORITHM
            warnings.simplefilter("ignore")
            return jwt.encode(header, claims, self.current, algorithms=[ALGORITHM])
