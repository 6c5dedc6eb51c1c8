"""The portal's configuration, read from the environment once in create_app, with clear errors."""

from __future__ import annotations

import os
from dataclasses import dataclass

from shared.config import ConfigError, env_bool, env_int, env_str, read_secret

LANGUAGES = ("nl", "en")


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
            notifier_url=env_str(
                "NOTIFIER_URL", f"http://127.0.0.1:{os.environ.get('NOTIFIER_PORT') or 8004}").rstrip("/"),
        )
