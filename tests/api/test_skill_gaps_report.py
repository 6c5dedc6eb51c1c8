"""GET /reports/skill-gaps: open gaps per skill over everyone, computed in SQL, agreeing with the gap rule that
`GET /people/{id}/skills` applies to one person, with groups under five hidden."""

from __future__ import annotations

from plan_api_helpers import API, ORG_CSV, add_goal, ok, start_plan

from services.plan.views.queries import SMALL_GROUP

PEOPLE = [f"w{i}" for i in range(7)]


def assess(client, tokens, who, plan, skill, level, status=None):
    ok(client.post(f"{API}/plans/{plan}/assessments", headers=tokens(who, "employee"), json={
        "skill": skill, "category": "technical", "level": level, **({"status": status} if status else {})}), 201)


def everyones_gaps(client, auth) -> dict[str, set[str]]:
    """Skill key -> people with a gap in it, as each person's skills answer says (the Python rule)."""
    out: dict[str, set[str]] = {}
    for who in PEOPLE:
        for item in ok(client.get(f"{API}/people/{who}/skills", headers=auth("recommender")))["items"]:
            if item["gap"]:
                out.setdefault(item["skill"].casefold(), set()).add(who)
    return out


def test_the_report_counts_what_each_person_s_skills_say_and_hides_small_groups(store_client, auth, tokens):
    client = store_client
    rows = "".join(f"{who},Werker {who},,marieke,TD,Monteur\n" for who in PEOPLE)
    ok(client.post(f"{API}/people/import", data=ORG_CSV.split("\n", 1)[0] + "\n" + rows,
                   headers={**auth("hanna"), "Content-Type": "text/csv"}))
    for i, who in enumerate(PEOPLE):
        me = tokens(who, "employee")
        plan = start_plan(client, me, employee_id=who)
        assess(client, tokens, who, plan, "Lassen", i % 3)  # below the goal's 3: a gap for everyone
        assess(client, tokens, who, plan, "Excel", 5 if i == 6 else 2, "to_improve")  # one up, never above 5
        assess(client, tokens, who, plan, "Veiligheid", 4)  # above the goal's 3: no gap
        add_goal(client, me, plan, skills=[{"skill": "Lassen", "target_level": 3},
                                           {"skill": "Planning", "target_level": 2},  # nobody rated it: from 0
                                           {"skill": "Veiligheid", "target_level": 3}])
        dropped = add_goal(client, me, plan, skills=[{"skill": "Rapporteren", "target_level": 4}])
        ok(client.post(f"{API}/plans/{plan}/goals/{dropped}/abandon", headers=me, json={"reason": "later"}))
        if i < 3:  # three people: a group too small to show
            assess(client, tokens, who, plan, "Solderen", 0, "to_improve")

    report = ok(client.get(f"{API}/reports/skill-gaps", headers=auth("recommender")))
    assert report["minimum_group"] == SMALL_GROUP
    counted = {row["skill"].casefold(): row["people"] for row in report["items"]}
    assert counted == {"lassen": 7, "planning": 7, "excel": 6}
    decided = everyones_gaps(client, auth)
    assert "solderen" in decided and "veiligheid" not in decided and "rapporteren" not in decided
    assert counted == {skill: len(people) for skill, people in decided.items() if len(people) >= SMALL_GROUP}
    by_skill = {row["skill"].casefold(): row for row in report["items"]}
    assert (by_skill["excel"]["mean_current_level"], by_skill["excel"]["mean_target_level"]) == (2.0, 3.0)
    assert (by_skill["planning"]["mean_current_level"], by_skill["planning"]["mean_target_level"]) == (0.0, 2.0)
    assert [row["people"] for row in report["items"]] == sorted(counted.values(), reverse=True)
    for who in ("hanna", "daan", "root"):
        assert client.get(f"{API}/reports/skill-gaps", headers=auth(who)).status_code == 200
    for who in ("karim", "marieke"):
        assert client.get(f"{API}/reports/skill-gaps", headers=auth(who)).status_code == 403
