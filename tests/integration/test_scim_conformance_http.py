"""The SCIM conformance checks of scim2-tester over real HTTP: the plan service under gunicorn (several workers,
its projector in its own process, as deployed), on SQLite and on PostgreSQL, reached with scim2-client's httpx2
engine. Lists come from views a separate process keeps, so this also proves an identity provider reads its own
writes."""

from __future__ import annotations

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import ScimProvider
from scim2_tester import Status, check_server

from services.plan.scim_resources import POLICY
from tests.integration.servers import Service, groeipad

pytestmark = pytest.mark.integration
PASSED = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}


@pytest.fixture
def plan_service(store_url, tmp_path):
    env = {"PLAN_DATABASE_URL": store_url, "GROEIPAD_DATA_DIR": str(tmp_path / "var")}
    groeipad("migrate", env=env)
    service = Service("plan", "services.plan.wsgi:app", env, workers=2).start(tmp_path)
    yield service, env
    service.stop()


def test_every_conformance_check_passes_over_http(plan_service):
    service, env = plan_service
    token = groeipad("token", "--subject", "entra", "--role", "scim", env=env)
    with httpx2.Client(base_url=f"{service.url}/scim/v2", headers={"Authorization": f"Bearer {token}"},
                       timeout=30) as http:
        results = check_server(SyncSCIMClient(http, provider=ScimProvider(policy=POLICY)))
    failed = [f"{r.status.name} {r.title} [{r.resource_type}]: {r.reason}" for r in results if r.status not in PASSED]
    assert not failed, "\n".join(failed)
    assert len(results) >= 120
