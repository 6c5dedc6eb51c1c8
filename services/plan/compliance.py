"""The compliance report: per department, as of any moment, who is compliant, due or overdue, and why.

Read from the views the projector keeps (services/plan/views/), using only rows recorded by the moment asked for:
the requirement versions in force, where each person worked, the completions and certificates known then. So a
report as of a past date never changes when later events arrive (an auditor reproduces last year's report). The
rules per person are services/plan/domain/compliance.py. Groups under MIN_GROUP people show no counts to those
who may not see the people behind them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from services.plan.domain import compliance as rules
from services.plan.views.projection import instant
from services.plan.views.queries import PlanQueries

MIN_GROUP = 5


def moment_of(as_of: date | datetime) -> tuple[date, str]:
    """The day the rules judge, and the instant up to which facts count: a date means the whole day (UTC)."""
    if isinstance(as_of, datetime):
        moment = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
        return moment.astimezone(UTC).date(), instant(moment)
    end = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC) - timedelta(microseconds=1)
    return as_of, instant(end)


class ComplianceReport:
    def __init__(self, views: PlanQueries) -> None:
        self.store = views

    def requirements(self, known_by: str) -> list[dict[str, Any]]:
        """Each requirement's version in force at KNOWN_BY (retired ones left out)."""
        rows = self.store.rows("SELECT r.* FROM {requirement_versions} r WHERE r.valid_from <= ? AND r.version = "
                               "(SELECT MAX(v.version) FROM {requirement_versions} v WHERE v.requirement_id = "
                               "r.requirement_id AND v.valid_from <= ?) ORDER BY r.requirement_id",
                               (known_by, known_by))
        out = []
        for row in rows:
            if row["retired"]:
                continue
            first = self.store.rows("SELECT MIN(valid_from) AS since FROM {requirement_versions} "
                                    "WHERE requirement_id = ?", (row["requirement_id"],))[0]["since"]
            out.append({"requirement_id": row["requirement_id"], "version": row["version"],
                        "since": first, "changed_at": row["valid_from"], "changed_by": row["by_subject"],
                        "reason": row["reason"], **json.loads(row["content"])})
        return out

    def people(self, known_by: str, department: str | None) -> list[dict[str, Any]]:
        """Where each person worked at KNOWN_BY, and since when in that department and role."""
        rows = self.store.rows("SELECT person_id, valid_from, department, job_title FROM {person_history} "
                               "WHERE valid_from <= ? ORDER BY person_id, position", (known_by,))
        people: dict[str, dict[str, Any]] = {}
        for row in rows:
            current = people.get(row["person_id"])
            same = current and (current["department"], current["job_title"]) == (row["department"], row["job_title"])
            if not same:
                people[row["person_id"]] = {"person_id": row["person_id"], "department": row["department"],
                                            "job_title": row["job_title"], "since": row["valid_from"]}
        found = [p for p in people.values() if department is None or p["department"] == department]
        names = {r["person_id"]: r["name"] for r in self.store.rows("SELECT person_id, name FROM {people}")}
        for person in found:
            person["name"] = names.get(person["person_id"], "")
        return sorted(found, key=lambda p: (p["department"], p["person_id"]))

    def completions(self, known_by: str, day: date) -> dict[str, list[dict[str, Any]]]:
        """Per person, the completions known at KNOWN_BY and done by DAY, each with the certificates known then."""
        certificates: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for row in self.store.rows("SELECT plan_id, certificate_id, action_id, issued_on, expires_on FROM "
                                   "{certificates} WHERE recorded_at <= ?", (known_by,)):
            certificates[(row["plan_id"], row["action_id"])].append(
                {"certificate_id": row["certificate_id"], "issued_on": row["issued_on"],
                 "expires_on": row["expires_on"]})
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.store.rows("SELECT * FROM {completions} WHERE recorded_at <= ? AND completed_on <= ?",
                                   (known_by, day.isoformat())):
            out[row["employee_id"]].append({
                "plan_id": row["plan_id"], "action_id": row["action_id"], "offer_id": row["offer_id"],
                "completed_on": date.fromisoformat(row["completed_on"]), "skills": json.loads(row["skills"]),
                "certificates": certificates.get((row["plan_id"], row["action_id"]), [])})
        return out

    def build(self, as_of: date | datetime, department: str | None, detail: bool) -> dict[str, Any]:
        day, known_by = moment_of(as_of)
        requirements = self.requirements(known_by)
        people = self.people(known_by, department)
        done = self.completions(known_by, day)
        departments: dict[str, dict[str, Any]] = {}
        for person in people:
            entry = departments.setdefault(person["department"], {
                "department": person["department"], "people": 0,
                "requirements": {r["requirement_id"]: {"requirement_id": r["requirement_id"], "name": r["name"],
                                                       "applicable": 0, **dict.fromkeys(rules.STATUSES, 0)}
                                 for r in requirements},
                "people_detail": []})
            entry["people"] += 1
            answers = []
            for requirement in requirements:
                if not rules.applies(requirement, person):
                    continue
                since = max(requirement["since"], person["since"])[:10]
                verdict = rules.evaluate(requirement, done.get(person["person_id"], []), day,
                                         date.fromisoformat(since))
                counts = entry["requirements"][requirement["requirement_id"]]
                counts["applicable"] += 1
                counts[verdict["status"]] += 1
                answers.append({"requirement_id": requirement["requirement_id"], "name": requirement["name"],
                                "version": requirement["version"], **verdict})
            if answers:
                entry["people_detail"].append({"person_id": person["person_id"], "name": person["name"],
                                               "job_title": person["job_title"], "requirements": answers})
        result = []
        for entry in departments.values():
            rows = [r for r in entry["requirements"].values() if r["applicable"]]
            for row in rows:
                row["hidden"] = not detail and row["applicable"] < MIN_GROUP
                if row["hidden"]:
                    row.update(dict.fromkeys(rules.STATUSES))
            if not rows:
                continue
            result.append({"department": entry["department"], "people": entry["people"], "requirements": rows,
                           "people_detail": entry["people_detail"] if detail else None})
        return {"as_of": day, "known_by": known_by, "department": department,
                "requirements": [{k: r[k] for k in ("requirement_id", "name", "version", "changed_at", "changed_by",
                                                    "reason", "recurrence_months", "certificate_required")}
                                 for r in requirements],
                "departments": result}
