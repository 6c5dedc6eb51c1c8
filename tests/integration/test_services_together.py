"""Plan service, recommender and follower as real processes over HTTP: the learning loop end to end.

The follower is killed with SIGKILL mid-stream again and again; while the plan service is stopped the
recommender says 503 for an employee's suggestions (their gaps are the plan service's) and keeps serving the
catalogue; afterwards the read model equals one rebuilt from scratch.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from recommender.readmodel import build_read_model
from recommender.runtime import build_recommender
from tests.conftest import POSTGRES_URL, drop_postgres_schema, postgres_available, postgres_schema_url
from tests.integration.servers import BIN, ROOT, Service, free_port, groeipad

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stack(request, tmp_path):
    if request.param == "postgres" and not postgres_available():
        pytest.skip("PostgreSQL not reachable")
    urls = ([postgres_schema_url(), postgres_schema_url()] if request.param == "postgres"
            else [f"sqlite:///{tmp_path / name}.sqlite" for name in ("plan", "recommender")])
    env = {"PLAN_DATABASE_URL": urls[0], "RECOMMENDER_DATABASE_URL": urls[1], "GROEIPAD_DATA_DIR": str(tmp_path),
           "RECOMMENDER_FEED_IDLE_MS": "100", "RECOMMENDER_INDEX_CHECK_MS": "200"}
    groeipad("migrate", env=env)
    groeipad("seed-demo", env=env)
    groeipad("seed-recommender-demo", env=env)
    recommender = Service("recommender", "recommender.wsgi:app", env, workers=1)
    plan = Service("plan", "services.plan.wsgi:app", {**env, "RECOMMENDER_URL": recommender.url,
                                                      "NOTIFIER_URL": f"http://127.0.0.1:{free_port()}"}, workers=2)
    recommender.env = {**env, "PLAN_SERVICE_URL": plan.url}  # where an employee's gaps come from, at each request
    plan.start(tmp_path)
    recommender.start(tmp_path)
    follower = Follower({**env, "PLAN_SERVICE_URL": plan.url}, tmp_path)
    yield plan, recommender, follower, env, urls
    follower.stop()
    plan.stop()
    recommender.stop()
    if request.param == "postgres":
        for url in urls:
            drop_postgres_schema(url)


class Follower:
    """`groeipad follow` as its own process, as in production."""

    def __init__(self, env: dict[str, str], log_dir) -> None:
        self.env, self.log = {**os.environ, **env, "GROEIPAD_CREATE_TABLES": "0"}, log_dir / "follower.log"
        self.process = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen([str(BIN / "groeipad"), "follow"], cwd=ROOT, env=self.env,
                                        stdout=self.log.open("a"), stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def bearer(env, subject, *roles):
    args = ["token", "--subject", subject] + [part for role in roles for part in ("--role", role)]
    return {"Authorization": "Bearer " + groeipad(*args, env=env)}


def feed_head(plan, env) -> int:
    answer = requests.get(f"{plan.url}/api/v1/feed?limit=1", headers=bearer(env, "t", "service"), timeout=10)
    return answer.json()["head"]


def wait_until(condition, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def read_model_state(url: str) -> tuple[list, list]:
    app = build_recommender(url, create_tables=False)
    model = build_read_model(app)
    try:
        plans = sorted(r["doc"] for r in model._rows(f"SELECT doc FROM {model.table('plans')}"))
        feedback = [tuple(r.values()) if hasattr(r, "values") else tuple(r) for r in model._rows(
            f"SELECT * FROM {model.table('offer_feedback')} ORDER BY position, seq")]
        return plans, feedback
    finally:
        app.close()


def caught_up(url: str, head: int) -> bool:
    app = build_recommender(url, create_tables=False)
    try:
        return build_read_model(app).position() >= head
    finally:
        app.close()


def test_the_learning_loop_survives_crashes_and_outages(stack):
    plan, recommender, follower, env, urls = stack
    karim, sophie = bearer(env, "karim", "employee"), bearer(env, "sophie", "employee")

    def suggestions(headers, who):
        return requests.get(f"{recommender.url}/api/v1/employees/{who}/recommendations", headers=headers, timeout=10)

    wait_until(lambda: suggestions(karim, "karim").json().get("gaps"), what="Karim's gaps from the plan service")
    answer = suggestions(karim, "karim").json()
    assert answer["recommendations"] and all(r["reasons"] for r in answer["recommendations"])
    gaps = {g["skill"].lower() for g in answer["gaps"]}
    assert {"projectmanagement", "teammanagement"} <= gaps
    top = answer["recommendations"][0]

    karim_plan = requests.get(f"{plan.url}/api/v1/plans", headers=karim, timeout=10).json()["items"][0]["id"]
    accepted = requests.post(
        f"{plan.url}/api/v1/plans/{karim_plan}/recommendations/{top['recommendation_id']}/accept", headers=karim,
        json={"offer_id": top["offer_id"], "means": top["means"], "title": top["title"],
              "planned_start": "2027-01-10", "planned_end": "2027-03-31"}, timeout=10)
    assert accepted.status_code == 201, accepted.json()
    wait_until(lambda: top["offer_id"] not in {r["offer_id"] for r in suggestions(karim, "karim").json()
                                               ["recommendations"]}, what="the accepted offer to leave the list")

    sophie_plan = requests.get(f"{plan.url}/api/v1/plans", headers=sophie, timeout=10).json()["items"][0]["id"]
    stop = threading.Event()

    def keep_writing():
        while not stop.is_set():
            try:
                requests.post(f"{plan.url}/api/v1/plans/{sophie_plan}/progress", headers=sophie,
                              json={"note": "busy"}, timeout=5)
            except requests.RequestException:
                time.sleep(0.1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        for _ in range(4):  # SIGKILL the follower mid-stream, again and again
            time.sleep(0.7)
            follower.kill()
            follower.start()
        plan.stop()  # the plan service goes away: no suggestions from stale gaps, a clear 503 instead
        gone = suggestions(karim, "karim")
        assert gone.status_code == 503 and gone.json()["errors"][0]["field"] == "plan_service"
        assert requests.get(f"{recommender.url}/api/v1/offers?limit=1", headers=karim, timeout=10).status_code == 200
        time.sleep(1.0)
        plan.start(plan.log_path.parent)
    finally:
        stop.set()
        writer.join()
    recommender.stop()  # the recommender and its follower go away while plans change
    follower.stop()
    goal = requests.post(f"{plan.url}/api/v1/plans/{sophie_plan}/goals", headers=sophie, timeout=10, json={
        "title": "Notuleren", "skills": [{"skill": "notuleren", "target_level": 3}], "measure": "notulen goedgekeurd",
        "relevance": "teamoverleg", "deadline": "2027-06-30", "hours_needed": 8})
    assert goal.status_code == 201, "the plan service keeps working without the recommender"
    recommender.start(recommender.log_path.parent)
    follower.start()
    head = feed_head(plan, env)
    wait_until(lambda: caught_up(urls[1], head), what="the follower to catch up after the outages")
    assert "notuleren" in {g["skill"].lower() for g in suggestions(sophie, "sophie").json()["gaps"]}

    # What the crashed-and-restarted follower built must equal a rebuild from scratch, done the operator's way.
    follower.stop()
    survived = read_model_state(urls[1])
    operator_env = {**env, "PLAN_SERVICE_URL": plan.url}
    assert "emptied" in groeipad("rebuild-read-model", "--yes", env=operator_env)
    assert read_model_state(urls[1]) == ([], []), "the rebuild must start from nothing"
    groeipad("follow", "--once", env=operator_env)
    assert read_model_state(urls[1]) == survived, "crashes lost or doubled an event"
    follower.start()

    export = requests.get(f"{plan.url}/api/v1/people/karim/export", headers=karim, timeout=10).json()
    assert export["recommender"]["status"] == "complete"  # no notifier runs in this stack: its part says so
    assert export["complete"] is False and export["notifier"]["status"] == "unavailable"
    assert export["recommender"]["data"]["plans_as_learned_from_the_feed"]

    hr = {**bearer(env, "hanna", "employee", "hr"), "X-Access-Purpose": "gdpr_request"}
    assert requests.post(f"{plan.url}/api/v1/people/karim/erase", headers=hr, timeout=10).status_code == 200
    wait_until(lambda: not any('"employee_id": "karim"' in doc for doc in read_model_state(urls[1])[0]),
               what="the follower to forget Karim")
    assert not suggestions(hr, "karim").json()["gaps"], "the plan service has no gaps of an erased person"
    assert suggestions(sophie, "sophie").json()["gaps"], "forgetting Karim must not touch Sophie"
    dump = store_dump(urls[1])
    # The feed publishes skill names but no free text (contract v2): Sophie's skill is there, her goal's title not.
    assert b"Samenwerkingstools (Teams, SharePoint)" in dump, "the dump must see Sophie's plan, or it proves nothing"
    assert b'"employee_id": "sophie"' in dump and b"Vlot samenwerken in Teams" not in dump
    for text in (b'"employee_id": "karim"', b"Helder communiceren met het team", b"Onderhoudsprojecten zelfstandig"):
        assert text not in dump, f"{text!r} of the erased Karim is still in the recommender's store"


def store_dump(url: str) -> bytes:
    """Every byte of a store: the SQLite files (with the write-ahead log), or a pg_dump of its schema."""
    if url.startswith("sqlite"):
        store = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in sorted(store.parent.glob(store.name + "*")) if p.is_file())
    schema = url.rsplit("schema=", 1)[1]
    return subprocess.run(["pg_dump", "--schema", schema, "--data-only", POSTGRES_URL], capture_output=True,
                          check=True).stdout
