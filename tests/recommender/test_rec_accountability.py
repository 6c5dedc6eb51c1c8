"""Accountability (EU AI Act Annex III): the log of what was shown, a person's switch and dismissals,
explanations, L&D's pins and rollbacks, the fairness report and the model card, through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rec_feed_fake import PlanEvents, story

from recommender.accountability import AccountabilityLog, now, retention_days
from recommender.app import create_app
from recommender.demo import seed
from recommender.fairness import fairness_report
from shared.config import ConfigError
from tests.live_plan_service import LivePlanService

EXCEL = {"gaps": [{"skill": "Excel", "current_level": 1, "target_level": 3}], "limit": 10,
         "context": {"employee_id": "sophie"}}


@pytest.fixture
def app(runtime, tmp_path):
    """Explanations weigh an offer against the plan as the plan service has it: a real one, over HTTP."""
    plan_service = LivePlanService(tmp_path)
    yield create_app({"RUNTIME": runtime, "PLAN_GAPS": plan_service.gaps_client()})
    plan_service.close()


@pytest.fixture
def demo(runtime, sqlite_url):
    seed(sqlite_url)
    runtime.matcher.refresh()
    return runtime


def ask(client, headers, body=EXCEL) -> dict:
    answer = client.post("/api/v1/recommendations", json=body, headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def hr_asking(tokens, *roles: str) -> dict[str, str]:
    """HR asking about someone who is not their report: they state why (the read is in the access log)."""
    return {**tokens("hanna", *(roles or ("hr",))), "X-Access-Purpose": "employee_request"}


def offers_of(answer) -> dict[str, dict]:
    return {item["offer_id"]: item for item in answer["recommendations"]}


def fields_of(runtime, offer_id) -> dict:
    index = runtime.matcher.current().index
    return index.offers_[index.row_of_[offer_id]]


def dismiss(client, headers, offer_id, reason, gap="Excel", person="sophie"):
    return client.post(f"/api/v1/people/{person}/dismissals", headers=headers,
                       json={"offer_id": offer_id, "reason": reason, "gap": gap})


def test_a_dismissal_with_a_reason_changes_the_next_answer_at_once(client, demo, employee, tokens):
    first = ask(client, employee)
    costly = next(o for o in first["recommendations"] if (o["cost"] or 0) > 0)
    assert dismiss(client, employee, costly["offer_id"], "too_expensive").status_code == 201
    second = offers_of(ask(client, employee))
    assert costly["offer_id"] not in second and second
    assert all((o["cost"] or 0) < costly["cost"] for o in second.values())

    known = next(o for o in second.values() if fields_of(demo, o["offer_id"]).get("level") == "intermediate")
    assert dismiss(client, employee, known["offer_id"], "known").status_code == 201
    third = offers_of(ask(client, employee))
    assert third and all(fields_of(demo, o).get("level") == "advanced" for o in third)

    # someone else's answer is not narrowed by sophie's dismissals
    other = offers_of(ask(client, hr_asking(tokens), {**EXCEL, "context": {"employee_id": "karim"}}))
    assert costly["offer_id"] in other and known["offer_id"] in other


def test_dismissals_are_the_persons_own_and_checked(client, demo, employee, tokens):
    offer_id = ask(client, employee)["recommendations"][0]["offer_id"]
    assert dismiss(client, tokens("karim"), offer_id, "known").status_code == 403
    assert dismiss(client, employee, offer_id, "because").status_code == 422
    assert dismiss(client, employee, "no-such-offer", "known").status_code == 422


def test_a_person_switches_suggestions_off_for_themselves(client, demo, employee, tokens):
    assert client.put("/api/v1/people/sophie/suggestions", json={"enabled": False},
                      headers=tokens("karim")).status_code == 403
    switched = client.put("/api/v1/people/sophie/suggestions", json={"enabled": False}, headers=employee)
    assert switched.status_code == 200 and switched.json["suggestions"] is False
    off = ask(client, employee)
    assert off["recommendations"] == [] and off["suggestions_off"] is True
    assert demo.log.shown_to("sophie") == []
    assert ask(client, hr_asking(tokens), {**EXCEL, "context": {"employee_id": "karim"}})["recommendations"]
    client.put("/api/v1/people/sophie/suggestions", json={"enabled": True}, headers=employee)
    assert ask(client, employee)["recommendations"]


def test_only_those_who_may_see_a_persons_suggestions_ask_in_their_name(client, demo, tokens):
    refused = client.post("/api/v1/recommendations", json=EXCEL, headers=tokens("karim"))
    assert refused.status_code == 403 and demo.log.shown_to("sophie") == []
    assert client.post("/api/v1/recommendations", json=EXCEL, headers=tokens("lena", "ld")).status_code == 403
    assert client.post("/api/v1/recommendations", json={**EXCEL, "context": {}}, headers=tokens("karim")
                       ).status_code == 200
    # HR names a person only with a purpose, and that read is in the recommender's access log
    unstated = client.post("/api/v1/recommendations", json=EXCEL, headers=tokens("hanna", "hr"))
    assert unstated.status_code == 422 and unstated.json["errors"][0]["field"] == "X-Access-Purpose"
    ask(client, hr_asking(tokens))
    assert [(e["what"], e["by"]["subject"], e["purpose"]) for e in demo.readmodel.access_log("sophie")] == [
        ("recommendations", "hanna", "employee_request")]


def test_the_log_holds_what_was_shown_with_model_version_and_reasons(client, demo, employee, tokens):
    answer = ask(client, hr_asking(tokens, "employee", "hr"))
    export = client.get("/api/v1/people/sophie/export", headers=employee).json
    shown = export["suggestions_shown"]
    assert [e["offer_id"] for e in sorted(shown, key=lambda e: e["rank"])] == [
        i["offer_id"] for i in answer["recommendations"]]
    matcher = demo.matcher.current()
    for entry, item in zip(sorted(shown, key=lambda e: e["rank"]), answer["recommendations"], strict=True):
        assert entry["model_version"] == answer["model_version"] == matcher.model_version
        assert (entry["settings_version"], entry["index_version"]) == (matcher.settings_version,
                                                                         matcher.index.version_)
        assert entry["reasons"] == [{"code": r["code"], "params": r["params"]} for r in item["reasons"]]
        assert entry["viewer"] == "hanna" and entry["gap"] == "Excel"
    assert export["retention_days"] == 183
    ask(client, employee, {**EXCEL, "context": {}})  # not about a person: not logged
    assert len(demo.log.shown_to("sophie")) == len(shown)


def test_the_log_keeps_entries_for_its_retention_period_and_prunes_older_ones(demo):
    log = AccountabilityLog(demo.readmodel, days=30)
    model = {"model_version": "catalogue-1.settings-0", "settings_version": 0, "index_version": 1}
    item = {"recommendation_id": "r", "offer_id": "o", "gap": "Excel", "reasons": [], "score": 1.0}
    log.record_shown("sophie", "sophie", [item], model, at=now() - timedelta(days=45))
    assert AccountabilityLog(demo.readmodel, days=365).shown_to("sophie") == []  # a process's first write prunes
    log.record_shown("sophie", "sophie", [item], model, at=now() - timedelta(days=45))  # then at most hourly
    log.record_shown("sophie", "sophie", [{**item, "offer_id": "p"}], model, at=now() - timedelta(days=10))
    assert [e["offer_id"] for e in log.shown_to("sophie")] == ["p"]  # older entries are not shown, even unpruned
    assert log.prune() == 1
    assert AccountabilityLog(demo.readmodel, days=365).shown_to("sophie")[0]["offer_id"] == "p"


def test_the_retention_period_is_configured(monkeypatch):
    assert retention_days() == 183
    monkeypatch.setenv("RECOMMENDER_LOG_RETENTION_DAYS", "30")
    assert retention_days() == 30
    monkeypatch.setenv("RECOMMENDER_LOG_RETENTION_DAYS", "half a year")
    with pytest.raises(ConfigError, match="RECOMMENDER_LOG_RETENTION_DAYS"):
        retention_days()


def test_an_erased_person_leaves_no_log(client, demo, employee):
    ask(client, employee)
    dismiss(client, employee, ask(client, employee)["recommendations"][0]["offer_id"], "known")
    event = PlanEvents("sophie")("PersonErased")
    demo.readmodel.apply_page([{**event, "plan_id": ""}], event["position"])
    assert demo.log.person_data("sophie")["suggestions_shown"] == []
    assert demo.log.dismissals("sophie") == []


def test_a_person_asks_why_an_offer_was_or_was_not_shown(client, demo, employee, tokens):
    answer = ask(client, employee)
    shown = answer["recommendations"][0]
    why = client.get(f"/api/v1/people/sophie/explanation?offer_id={shown['offer_id']}", headers=employee).json
    assert [r["code"] for r in why["shown"][0]["reasons"]] == [r["code"] for r in shown["reasons"]]
    assert why["shown"][0]["rank"] == 1
    assert why["gaps_considered"] == ["Excel"]
    assert [c["code"] for c in why["now"]] == ["rank"] and why["now"][0]["params"]["rank"] == 1

    dismiss(client, employee, shown["offer_id"], "not_relevant")
    codes = [c["code"] for c in client.get(f"/api/v1/people/sophie/explanation?offer_id={shown['offer_id']}",
                                           headers=employee).json["now"]]
    assert "dismissed_by_you" in codes

    unrelated = next(o for o in client.get("/api/v1/offers?limit=200", headers=employee).json["offers"]
                     if "excel" not in (o["title"] + " " + (o.get("description") or "")).lower()
                     and o["offer_id"] not in offers_of(answer) and o["means"] != "mentoring")
    never = client.get(f"/api/v1/people/sophie/explanation?offer_id={unrelated['offer_id']}", headers=employee).json
    assert never["shown"] == [] and [c["code"] for c in never["now"]] in (["matches_no_gap"], ["rank"])
    gone = client.get("/api/v1/people/sophie/explanation?offer_id=nope", headers=employee).json
    assert [c["code"] for c in gone["now"]] == ["not_in_catalogue"]
    assert client.get("/api/v1/people/sophie/explanation?offer_id=x", headers=tokens("karim")).status_code == 403
    assert client.get("/api/v1/people/sophie/explanation?offer_id=x", headers=tokens("hanna", "hr")).status_code == 422
    assert client.get("/api/v1/people/sophie/explanation?offer_id=x", headers=hr_asking(tokens)).status_code == 200
    assert [(e["what"], e["purpose"]) for e in demo.readmodel.access_log("sophie")] == [
        ("explanation", "employee_request")]


def test_ld_pins_and_excludes_offers_for_a_skill_with_a_reason(client, demo, employee, ld):
    before = ask(client, employee)["recommendations"]
    top, last = before[0]["offer_id"], before[-1]["offer_id"]
    answer = client.put("/api/v1/skills/spreadsheets/curation", headers=ld,
                        json={"pinned": [last], "excluded": [top], "reason": "the vendor course is better"})
    assert answer.status_code == 200, answer.json
    demo.matcher.refresh()
    after = ask(client, employee)["recommendations"]
    assert after[0]["offer_id"] == last and top not in offers_of({"recommendations": after})
    assert after[0]["reasons"][0]["code"] == "chosen_by_ld"
    assert after[0]["reasons"][0]["text"] == "Chosen by the learning and development team for spreadsheets"
    history = client.get("/api/v1/settings/history", headers=ld).json["history"]
    assert history[-1]["reason"] == "the vendor course is better" and history[-1]["actor"]["subject"] == "lena"
    # a weights change keeps the pins
    client.put("/api/v1/settings", headers=ld, json={"weights": {"level": 0.1}, "reason": "level counts more"})
    assert client.get("/api/v1/settings", headers=ld).json["curation"]["spreadsheets"]["pinned"] == [last]
    assert client.put("/api/v1/skills/no-such-skill/curation", headers=ld,
                      json={"reason": "x"}).status_code == 404


def test_settings_roll_back_to_an_earlier_version(client, demo, ld):
    client.put("/api/v1/settings", headers=ld, json={"weights": {"text": 2.0}, "reason": "first"})
    client.put("/api/v1/settings", headers=ld, json={"weights": {"text": 3.0}, "reason": "second"})
    first = client.get("/api/v1/settings/history", headers=ld).json["history"][0]["version"]
    rolled = client.post("/api/v1/settings/rollback", headers=ld, json={"version": first, "reason": "worse"})
    assert rolled.status_code == 200 and rolled.json["restored_from"] == first
    assert client.get("/api/v1/settings", headers=ld).json["weights"]["text"] == 2.0
    history = client.get("/api/v1/settings/history", headers=ld).json["history"]
    assert history[-1]["reason"] == f"rollback to version {first}: worse" and len(history) == 3
    missing = client.post("/api/v1/settings/rollback", headers=ld, json={"version": 99, "reason": "x"})
    assert missing.status_code == 422 and missing.json["errors"][0]["field"] == "version"


def test_the_fairness_report_hides_small_groups_and_names_its_measure(client, demo, tokens):
    hr = hr_asking(tokens)
    people = [{"person_id": f"s{i}", "groups": {"department": "Sales", "language": "nl"}} for i in range(6)]
    people += [{"person_id": f"f{i}", "groups": {"department": "Finance", "language": "nl"}} for i in range(3)]
    people += [{"person_id": f"i{i}", "groups": {"department": "IT", "language": "en"}} for i in range(5)]
    assert client.put("/api/v1/fairness/groups", json={"people": people}, headers=hr).json == {"updated": 14}
    for i in range(6):
        ask(client, hr, {**EXCEL, "context": {"employee_id": f"s{i}"}})
    for i in range(2):
        ask(client, hr, {**EXCEL, "context": {"employee_id": f"i{i}"}})
    report = client.get("/api/v1/reports/fairness", headers=hr).json
    assert report["measure"]["name"] == "disparate impact ratio" and "four-fifths" in report["measure"]["explanation"]
    department = next(d for d in report["dimensions"] if d["dimension"] == "department")
    assert [g["group"] for g in department["groups"]] == ["IT", "Sales"] and department["hidden_groups"] == 1
    it, sales = department["groups"]
    assert (it["exposure_rate"], sales["exposure_rate"]) == (0.4, 1.0)
    assert it["disparity"]["exposure_rate"] == {"ratio": 0.4, "flagged": True}
    assert sales["disparity"]["exposure_rate"] == {"ratio": 1.0, "flagged": False}
    assert "Finance" not in str(report)
    aggregate = client.get("/api/v1/reports/suggestions-shown", headers=hr).json
    assert aggregate["periods"][0]["people"] == 8 and aggregate["periods"][0]["suggestions"] > 8
    assert client.put("/api/v1/fairness/groups", json={"people": people}, headers=tokens("lena", "ld")
                      ).status_code == 403


def test_acceptance_and_evaluation_per_group():
    groups = {f"a{i}": {"department": "A"} for i in range(5)} | {f"b{i}": {"department": "B"} for i in range(5)}
    shown = [{"employee_id": p, "offer_id": o} for p in groups for o in ("x", "y")]
    accepted = {("a0", "x"), ("a1", "x"), ("a2", "y"), ("a3", "y"), ("b0", "x")}
    report = fairness_report(groups, shown, accepted)
    rows = {g["group"]: g for g in report["dimensions"][0]["groups"]}
    assert rows["A"]["acceptance_rate"] == 0.4 and rows["B"]["acceptance_rate"] == 0.1
    assert rows["B"]["disparity"]["acceptance_rate"] == {"ratio": 0.25, "flagged": True}


def test_the_model_card_is_generated_from_the_settings_in_use(client, demo, ld, employee):
    client.put("/api/v1/settings", headers=ld, json={"weights": {"text": 1.7}, "reason": "card test"})
    matcher = demo.matcher.refresh()
    card = client.get("/api/v1/model-card", headers=employee)
    assert card.status_code == 200 and card.mimetype == "text/markdown"
    assert "attachment" in card.headers["Content-Disposition"]
    text = card.get_data(as_text=True)
    assert "| text | 1.7 |" in text and f"| model version | {matcher.model_version} |" in text
    assert "by lena (ld)" in text and "card test" in text
    assert f"| offers in the index | {len(matcher.index.offers_)} |" in text
    assert "## Known limits" in text and "disparate impact ratio" in text
    page = client.get("/api/v1/model-card?format=html", headers=employee)
    assert page.mimetype == "text/html" and "<td>1.7</td>" in page.get_data(as_text=True)
    assert client.get("/api/v1/model-card?format=pdf", headers=employee).status_code == 422


def test_the_prune_command_applies_the_configured_retention(demo, sqlite_url, monkeypatch):
    from click.testing import CliRunner

    from services.cli import main

    model = {"model_version": "catalogue-1.settings-0", "settings_version": 0, "index_version": 1}
    item = {"recommendation_id": "r", "offer_id": "o", "gap": "Excel", "reasons": [], "score": 1.0}
    demo.log.record_shown("sophie", "sophie", [item], model, at=now() - timedelta(days=40))
    demo.log.record_shown("sophie", "sophie", [{**item, "offer_id": "p"}], model, at=now() - timedelta(days=20))
    monkeypatch.setenv("RECOMMENDER_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("RECOMMENDER_LOG_RETENTION_DAYS", "30")
    result = CliRunner().invoke(main, ["prune-recommendation-log"], catch_exceptions=False)
    assert result.exit_code == 0 and result.output.startswith("1 log entry older than 30 days deleted")
    assert [e["offer_id"] for e in AccountabilityLog(demo.readmodel, days=365).shown_to("sophie")] == ["p"]


def test_a_rebuild_of_the_read_model_keeps_the_recommenders_own_records(client, demo, employee):
    ask(client, employee)
    client.put("/api/v1/people/sophie/suggestions", json={"enabled": False}, headers=employee)
    shown = demo.log.shown_to("sophie")
    demo.readmodel.reset()
    assert demo.log.shown_to("sophie") == shown and not demo.log.suggestions_on("sophie")


def test_an_evaluation_run_reports_per_group(client, demo, ld, tokens):
    excel = ask(client, ld, {**EXCEL, "context": {}})["recommendations"][0]["offer_id"]
    unrelated = next(o["offer_id"] for o in client.get("/api/v1/offers?limit=200", headers=ld).json["offers"]
                     if "excel" not in (o["title"] + " " + (o.get("description") or "")).lower())
    events = []
    for i in range(5):
        events += story(f"a{i}", excel) + story(f"b{i}", unrelated) + story(f"c{i}", excel)
    events.sort(key=lambda e: e["position"])
    demo.readmodel.apply_page(events, events[-1]["position"])
    people = ([{"person_id": f"a{i}", "groups": {"job_level": "junior"}} for i in range(5)]
              + [{"person_id": f"b{i}", "groups": {"job_level": "senior"}} for i in range(5)]
              + [{"person_id": f"c{i}", "groups": {"job_level": "lead"}} for i in range(2)])
    client.put("/api/v1/fairness/groups", json={"people": people}, headers=tokens("hanna", "hr"))
    run = client.post("/api/v1/evaluation", json={"by_group": "job_level"}, headers=ld)
    assert run.status_code == 200, run.json
    by_group = run.json["by_group"]
    assert by_group["measure"] == "disparate impact ratio" and by_group["hidden_groups"] == 1
    rows = {g["group"]: g for g in by_group["groups"]}
    assert set(rows) == {"junior", "senior"}
    assert rows["junior"]["current"]["ndcg@10"] > rows["senior"]["current"]["ndcg@10"]
    assert rows["senior"]["disparity"]["ndcg@10"]["flagged"] is True
    assert rows["junior"]["proposed"]["queries"] == 1
    refused = client.post("/api/v1/evaluation", headers=ld,
                          json={"by_group": "job_level", "queries": [{"query": "excel", "relevant": ["x"]}]})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "by_group"


def test_the_records_work_on_both_stores(store_url):
    from recommender.runtime import Runtime

    rt = Runtime.build(store_url, create_tables=True)
    try:
        log = rt.log
        model = {"model_version": "catalogue-1.settings-0", "settings_version": 0, "index_version": 1}
        item = {"recommendation_id": "r", "offer_id": "o", "gap": "Excel", "reasons": [{"code": "x"}], "score": 0.5}
        log.record_shown("sophie", "marieke", [item, {**item, "offer_id": "p"}], model)
        log.record_shown("sophie", "sophie", [item], model, at=now() - timedelta(days=400))
        assert [(e["offer_id"], e["rank"], e["reasons"]) for e in log.shown_to("sophie")] == [
            ("o", 1, [{"code": "x"}]), ("p", 2, [{"code": "x"}])]
        assert log.prune() == 1
        log.record_dismissal("sophie", {"offer_id": "o", "cost": 100.0, "hours": 4.0, "level": "beginner"},
                             "Excel", "too_expensive", None)
        assert log.dismissals("sophie")[0]["cost"] == 100.0
        log.set_suggestions("sophie", False)
        log.set_suggestions("sophie", False)
        assert not log.suggestions_on("sophie") and log.suggestions_on("karim")
        log.set_groups([{"person_id": "sophie", "groups": {"department": "Sales"}}])
        log.set_groups([{"person_id": "sophie", "groups": {"department": "IT"}}])
        assert log.groups() == {"sophie": {"department": "IT"}}
        event = PlanEvents("sophie")("PersonErased")
        rt.readmodel.apply_page([{**event, "plan_id": ""}], event["position"])
        assert log.person_data("sophie") == {"suggestions_shown": [], "retention_days": 183, "dismissals": [],
                                             "preferences": {"employee_id": "sophie", "suggestions": True,
                                                             "changed_at": None}, "groups": {}}
    finally:
        rt.close()
