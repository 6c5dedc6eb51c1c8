"""The people import is all or nothing, on SQLite and PostgreSQL (issue 13 §4): a NUL character or an id that
is no directory id is a 422 before anything is written, so no key is ever left without its person."""

from __future__ import annotations

import pytest
from plan_api_helpers import API

from services.plan.domain.person import person_uuid

HEADER = "id,name,email,manager_id,department,job_title\n"


@pytest.mark.parametrize("rows, line", [
    ("nulperson,Nul\x00Persoon,,,,\n", 2),
    ("fine,Fine,,,,\nnulperson,Nul,,,IT\x00,\n", 3),
    ("fine,Fine,,,,\n../erase,Hacker,,,,\n", None),
    ("fine,Fine,,,,\nnulperson,Nul,,,,\n" + "x,\x00\n", 4),
])
def test_a_bad_row_writes_nothing(store_app, auth, rows, line):
    client, service = store_app.test_client(), store_app.extensions["plan_service"]
    before = service.recorder.max_notification_id()
    answer = client.post(f"{API}/people/import", data=(HEADER + rows).encode("utf-8"),
                         headers={**auth("hanna"), "Content-Type": "text/csv"})
    assert answer.status_code == 422, answer.json
    assert line is None or f"line {line}" in answer.json["message"]
    assert service.recorder.max_notification_id() == before, "nothing was recorded"
    for person in ("fine", "nulperson"):
        assert service.keys.key(str(person_uuid(person))) is None, "no key without its person"
        assert client.get(f"{API}/people/{person}", headers=auth("hanna")).status_code == 404


def test_one_person_with_a_nul_character_is_refused(client, auth):
    answer = client.post(f"{API}/people", json={"id": "nul", "name": "A\u0000B"}, headers=auth("hanna"))
    assert answer.status_code in (400, 422)
