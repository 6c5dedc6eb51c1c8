"""The shapes of the ids that travel between services and end up in URL paths.

One place says what a plan id, a directory id or a role id looks like, so that the APIs that accept
them and the clients that put them into URLs agree; a value that does not match is never sent.
"""

from __future__ import annotations

import re
from uuid import UUID

# A directory id (e.g. `karim`, `p.jansen`, `e12345`): letters, digits and . _ @ - after a letter or
# digit, so that it can never be a path segment such as `..` nor carry `/`, `%`, `?` or `#`.
DIRECTORY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$"
# A role profile id (e.g. `teamleider-technische-dienst`): the same alphabet.
ROLE_ID_PATTERN = DIRECTORY_ID_PATTERN
# A fixed word chosen by the client, such as an operation (`start`) or a report (`catalogue-gaps`).
WORD_PATTERN = r"^[a-z][a-z0-9-]{0,39}$"

_DIRECTORY_ID = re.compile(DIRECTORY_ID_PATTERN)
_WORD = re.compile(WORD_PATTERN)


def is_uuid(value: object) -> bool:
    """True for the canonical text of a UUID (what every service writes), nothing looser."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(UUID(value)) == value
    except ValueError:
        return False


def is_directory_id(value: object) -> bool:
    return isinstance(value, str) and _DIRECTORY_ID.fullmatch(value) is not None


def is_word(value: object) -> bool:
    return isinstance(value, str) and _WORD.fullmatch(value) is not None


# What each path parameter must be, by its name: the one table both clients use.
ID_KINDS = {
    "plan_id": is_uuid, "goal_id": is_uuid, "action_id": is_uuid, "offer_id": is_uuid,
    "recommendation_id": is_uuid, "notification_id": is_uuid, "proposal_id": is_uuid, "credential_id": is_uuid,
    "person_id": is_directory_id, "employee_id": is_directory_id, "role_id": is_directory_id,
    "operation": is_word, "decision": is_word, "report": is_word,
    "checkin_id": is_uuid, "agreement_id": is_directory_id, "cycle_id": is_uuid, "template_id": is_uuid,
    "certificate_id": is_directory_id, "requirement_id": is_uuid,
}
