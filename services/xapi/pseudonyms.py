"""The actor of our statements: an account at the organisation's address named by a keyed hash of the person id.

The LRS (often run by someone else) never sees an e-mail address, a name or the directory id itself; without
the key (XAPI_PSEUDONYM_KEY, kept in the secret configuration) a pseudonym cannot be traced to a person.
"""

from __future__ import annotations

import hashlib
import hmac


class Pseudonyms:
    def __init__(self, key: str) -> None:
        if not key:
            raise ValueError("the pseudonym key is empty")
        self.key = key.encode()

    def of(self, person_id: str) -> str:
        return hmac.new(self.key, f"person|{person_id}".encode(), hashlib.sha256).hexdigest()[:32]
