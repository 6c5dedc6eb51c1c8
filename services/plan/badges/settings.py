"""Where the badges of this organisation live on the web, and who issues them (environment variables)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from shared.config import ConfigError, is_production

PUBLIC_PATH = "/api/v1/badges"


@dataclass(frozen=True)
class BadgeSettings:
    base_url: str  # the plan service's public address, as verifiers reach it
    issuer_name: str
    issuer_website: str | None = None

    @classmethod
    def from_env(cls) -> BadgeSettings:
        base = (os.environ.get("GROEIPAD_BADGE_BASE_URL") or "").rstrip("/")
        if not base:
            if is_production():
                raise ConfigError("GROEIPAD_BADGE_BASE_URL must be set when GROEIPAD_ENV=production "
                                  "(the public https address of the plan service)")
            base = f"http://127.0.0.1:{os.environ.get('PLAN_PORT', '8001')}"
        parsed = urlparse(base)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc or parsed.query or parsed.fragment:
            raise ConfigError(f"GROEIPAD_BADGE_BASE_URL must be an http(s) address, got {base!r}")
        if is_production() and parsed.scheme != "https":
            raise ConfigError("GROEIPAD_BADGE_BASE_URL must be an https address in production")
        website = os.environ.get("GROEIPAD_BADGE_ISSUER_WEBSITE") or None
        return cls(base, os.environ.get("GROEIPAD_BADGE_ISSUER_NAME") or "Groeipad", website)

    def url(self, path: str) -> str:
        return f"{self.base_url}{PUBLIC_PATH}{path}"

    def issuer_id(self) -> str:
        return self.url("/issuer")

    def jwks_url(self) -> str:
        return self.url("/jwks.json")

    def status_list_url(self) -> str:
        return self.url("/status/revocation")

    def credential_url(self, credential_id: str) -> str:
        return self.url(f"/credentials/{credential_id}")

    def issuer_profile(self) -> dict[str, Any]:
        """The OB 3.0 Profile of the issuer, as embedded in credentials and served at its id."""
        profile: dict[str, Any] = {"id": self.issuer_id(), "type": ["Profile"], "name": self.issuer_name}
        if self.issuer_website:
            profile["url"] = self.issuer_website
        return profile
