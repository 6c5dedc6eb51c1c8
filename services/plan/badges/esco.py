"""Alignments of a badge to ESCO skills, where the skills taxonomy (the recommender's) knows the skill as one.

The taxonomy is the recommender's: the plan service asks its public API, with a short-lived service token, and
issues the badge without alignments when the recommender does not answer (a badge is never refused for it).
"""

from __future__ import annotations

import logging
from typing import Any

import requests

from services.plan.api.people import recommender_url
from services.plan.badges.credential import ESCO_SKILL, esco_alignment
from shared.auth import TokenSettings, issue_token
from shared.observability import outgoing_headers

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 3
MAX_SKILLS = 20


def recommender_alignments(skills: list[str]) -> list[dict[str, Any]]:
    """An ESCO alignment per skill whose name (in any language) or id the taxonomy holds as an ESCO skill."""
    found: list[dict[str, Any]] = []
    token = None
    for skill in skills[:MAX_SKILLS]:
        if skill.startswith(ESCO_SKILL):  # the skill was named by its ESCO URI
            found.append(esco_alignment(skill, "esco:" + skill.removeprefix(ESCO_SKILL)))
            continue
        token = token or issue_token(TokenSettings.from_env(), "plan-service", ["service"], ttl_seconds=60)
        try:
            response = requests.get(f"{recommender_url()}/api/v1/skills", params={"q": skill, "limit": 5},
                                    headers={"Authorization": f"Bearer {token}", **outgoing_headers()},
                                    timeout=TIMEOUT_SECONDS)
        except requests.RequestException as error:
            log.warning("no ESCO alignments: the recommender did not answer (%s)", type(error).__name__)
            return found
        if response.status_code != 200:
            log.warning("no ESCO alignments: the recommender answered %s", response.status_code)
            return found
        match = esco_match(skill, response.json().get("skills") or [])
        if match is not None:
            found.append(esco_alignment(skill, match))
    return found


def esco_match(skill: str, candidates: list[dict[str, Any]]) -> str | None:
    """The id of the ESCO skill among CANDIDATES named exactly SKILL (a label or synonym in any language, any case),
    if there is one."""
    wanted = " ".join(skill.split()).casefold()
    for candidate in candidates:
        skill_id = str(candidate.get("id") or "")
        if not skill_id.startswith("esco:"):
            continue
        synonyms = [name for names in (candidate.get("synonyms") or {}).values() for name in names]
        labels = [*(candidate.get("labels") or {}).values(), *synonyms, skill_id]
        if any(" ".join(str(label).split()).casefold() == wanted for label in labels):
            return skill_id
    return None
