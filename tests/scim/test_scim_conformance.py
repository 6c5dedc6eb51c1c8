"""The SCIM endpoints pass the conformance checks of scim2-tester, run against the plan service's WSGI app on
SQLite and on PostgreSQL: discovery, create, read, list, search, replace, PATCH add/replace/remove on every
attribute, delete, errors. Every check must run and succeed: none skipped, none a mere deviation."""

from __future__ import annotations

from collections import Counter

from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_models import ScimProvider
from scim2_tester import Status, check_server

from services.plan.scim_resources import POLICY

PASSED = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}


def test_every_conformance_check_passes(scim_app, scim_headers):
    client = WSGISCIMClient(scim_app, base_url="http://localhost/scim/v2", headers=scim_headers,
                            provider=ScimProvider(policy=POLICY))
    results = check_server(client, raise_exceptions=False)
    failed = [f"{r.status.name} {r.title} [{r.resource_type}]: {r.reason}" for r in results if r.status not in PASSED]
    assert not failed, "\n".join(failed)
    ran = Counter((r.resource_type, r.title) for r in results)
    assert len(results) >= 120, Counter(r.status.name for r in results)
    for resource_type in ("User", "Group"):
        for check in ("object_creation", "object_query", "object_query_without_id", "object_replacement",
                      "object_deletion", "check_add_attribute", "check_replace_attribute",
                      "check_remove_attribute", "search_with_attributes"):
            assert ran[(resource_type, check)], (resource_type, check, sorted(ran))
