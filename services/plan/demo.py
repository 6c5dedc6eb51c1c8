"""Demo data: an organisation of four departments (one a sub-department with its own team leader, so a
manager has indirect reports) and the plans of its people, made through the HTTP API.

Seeding goes through the same endpoints a user calls (validation, rules, actors and all), so the
histories tell the story the way the product would record it. Each step happens on its own day in the
past months (a DemoClock gives the plan events their times), so the plan as it stood on an earlier date
differs from today's. Running it twice changes nothing: each plan's id follows from its employee and
period, and the seed stops where a plan exists.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

from services.plan.app import build_plan_service, create_app
from services.plan.domain.events import events_recorded_by
from services.plan.views.projector import Projector
from shared.auth import TokenSettings, issue_token

PERIOD = {"period_start": "2026-01-01", "period_end": "2027-12-31"}


class SeedError(Exception):
    """A demo step was refused; the message shows the API's answer."""


class DemoClock:
    """The times of a past history: from the day last set, each event a few minutes after the one before,
    never later than now (a demo seeded before those days are past gets them in order, as of now)."""

    def __init__(self) -> None:
        self.moment = datetime(2000, 1, 1, tzinfo=UTC)

    def on(self, day: str) -> None:
        self.moment = max(self.moment, datetime.fromisoformat(f"{day}T08:30:00+00:00"))

    def __call__(self) -> datetime:
        self.moment += timedelta(minutes=3)
        return min(self.moment, datetime.now(UTC))


class Caller:
    """A signed-in demo person talking to the plan API through the Flask test client."""

    def __init__(self, client, tokens: TokenSettings, subject: str, *roles: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {issue_token(tokens, subject, roles)}"}

    def post(self, path: str, body: dict[str, Any] | None = None, ok: tuple[int, ...] = (200, 201)):
        response = self.client.post(f"/api/v1{path}", json=body or {}, headers=self.headers)
        if response.status_code not in ok:
            raise SeedError(f"POST {path}: {response.status_code} {response.get_json()}")
        return response.get_json()

    def patch(self, path: str, body: dict[str, Any]):
        response = self.client.patch(f"/api/v1{path}", json=body, headers=self.headers)
        if response.status_code != 200:
            raise SeedError(f"PATCH {path}: {response.status_code} {response.get_json()}")
        return response.get_json()


def seed() -> str:
    service = build_plan_service()
    try:
        app = create_app({"PLAN_SERVICE": service})
        tokens = TokenSettings.from_env()
        client = app.test_client()
        hr = Caller(client, tokens, "hanna", "employee", "hr")
        people_csv = resources.files("services.plan.demo_data").joinpath("people.csv").read_text()
        response = client.post("/api/v1/people/import", data=people_csv.encode(),
                               headers={**hr.headers, "Content-Type": "text/csv"})
        if response.status_code != 200:
            raise SeedError(f"people import: {response.get_json()}")
        Projector(service).catch_up()
        made = []
        for person, seed_plan in [("sophie", seed_sophie), ("karim", seed_karim)] + [
                (c[0], lambda client, tokens, clock, c=c: seed_colleague(client, tokens, clock, *c))
                for c in COLLEAGUES]:  # enough people per department for its reports to show
            if not service.views.plans_of(person):
                clock = DemoClock()
                with events_recorded_by(clock):
                    seed_plan(client, tokens, clock)
                made.append(person)
        Projector(service).catch_up()
    finally:
        service.close()
    return f"demo: {len(made)} plan(s) seeded" + (f" ({', '.join(made)})" if made else ", already there")


def seed_sophie(client, tokens: TokenSettings, clock: DemoClock) -> None:
    """Administrative employee with a digital skills gap: a MOOC and an internal training."""
    sophie = Caller(client, tokens, "sophie", "employee")
    petra = Caller(client, tokens, "petra", "employee", "manager")
    clock.on("2026-01-12")
    plan = sophie.post("/plans", {"employee_id": "sophie", **PERIOD, "trigger": "appraisal_interview",
                                  "career_project": "Digitaal vaardiger worden nu de administratie "
                                                    "overgaat op online samenwerken",
                                  "available_hours": 80, "available_budget": 1200})
    pid = plan["id"]
    for skill, category, level, status in [
        ("Samenwerkingstools (Teams, SharePoint)", "technical", 1, "to_improve"),
        ("Geavanceerd Excel", "technical", 2, "to_improve"),
        ("Nauwkeurigheid", "behavioural", 4, "strength"),
        ("Klantgerichtheid", "behavioural", 4, "strength"),
        ("Archiveren op papier", "technical", 4, "obsolete"),
    ]:
        sophie.post(f"/plans/{pid}/assessments", {"skill": skill, "category": category, "level": level,
                                                  "assessor": "self", "status": status})
    clock.on("2026-01-14")
    digital = sophie.post(f"/plans/{pid}/goals", {
        "title": "Vlot samenwerken in Teams en SharePoint",
        "skills": [{"skill": "Samenwerkingstools (Teams, SharePoint)", "target_level": 3}],
        "measure": "Alle dossiers van het team staan in SharePoint; Sophie geeft collega's uitleg",
        "hours_needed": 24, "budget_needed": 0,
        "relevance": "De afdeling werkt vanaf 2026 digitaal samen", "deadline": "2026-09-30"})["goal_id"]
    office = sophie.post(f"/plans/{pid}/goals", {
        "title": "Rapportages zelf maken in Excel",
        "skills": [{"skill": "Geavanceerd Excel", "target_level": 4}],
        "measure": "Maandrapportage met draaitabellen zonder hulp opgeleverd",
        "hours_needed": 16, "budget_needed": 450,
        "relevance": "Minder handwerk in de maandafsluiting", "deadline": "2026-12-31"})["goal_id"]
    clock.on("2026-01-19")
    mooc = sophie.post(f"/plans/{pid}/actions", {
        "goal_ids": [digital], "means": "mooc", "title": "Samenwerken met Microsoft 365 (online cursus)",
        "provider": "LinkedIn Learning", "planned_start": "2026-02-01", "planned_end": "2026-04-30",
        "hours": 12, "cost": 0})["action_id"]
    sophie.post(f"/plans/{pid}/actions", {
        "goal_ids": [office], "means": "internal_training", "title": "Excel voor gevorderden",
        "provider": "Interne academie", "planned_start": "2026-09-07", "planned_end": "2026-10-12",
        "hours": 16, "cost": 450})
    clock.on("2026-01-20")
    sophie.post(f"/plans/{pid}/submit", {"note": "Graag bespreken in het jaargesprek"})
    clock.on("2026-01-27")
    petra.post(f"/plans/{pid}/review", {"outcome": "approved", "comment": "Goed plan, past bij de digitalisering."})
    clock.on("2026-02-03")
    sophie.post(f"/plans/{pid}/actions/{mooc}/start", {"date": "2026-02-03"})


# Colleagues: (id, skills with their levels, a learning action's title, hours, cost, the month it starts).
COLLEAGUES = [
    ("bram", {"Preventief onderhoud": 3, "Hydrauliek": 2}, "Hydrauliek in de praktijk", 16, 450, 2),
    ("noor", {"PLC-programmeren": 2, "NEN 3140": 3}, "PLC-programmeren voor gevorderden", 24, 900, 2),
    ("ruben", {"Werkvoorbereiding": 3, "Planning": 2}, "Planning en werkvoorbereiding", 12, 300, 3),
    ("fatima", {"NEN 3140": 2, "PLC-programmeren": 3}, "NEN 3140 herhaling", 8, 250, 3),
    ("tim", {"Preventief onderhoud": 2, "Veiligheid (VCA)": 3}, "VCA-VOL", 16, 350, 4),
    ("lotte", {"Geavanceerd Excel": 2, "Klantgerichtheid": 3}, "Excel: draaitabellen en grafieken", 8, 200, 2),
    ("eva", {"Loonadministratie": 3, "Geavanceerd Excel": 2}, "Actualiteiten loonheffingen", 8, 395, 3),
    ("mohammed", {"Boekhouden": 2, "Geavanceerd Excel": 3}, "Praktijkdiploma boekhouden", 40, 1100, 4),
    ("anouk", {"Debiteurenbeheer": 2, "Klantgerichtheid": 3}, "Incasso en betalingsherinneringen", 8, 300, 3),
    ("lisa", {"Leidinggeven": 2, "Crediteurenbeheer": 4}, "Leidinggeven aan een klein team", 24, 950, 2),
    ("jesse", {"Crediteurenbeheer": 2, "Geavanceerd Excel": 2}, "Crediteurenbeheer in de praktijk", 12, 350, 3),
    ("sanne", {"Crediteurenbeheer": 3, "Samenwerkingstools (Teams, SharePoint)": 1},
     "Samenwerken met Microsoft 365 (online cursus)", 12, 0, 4),
    ("milan", {"Inkoopfacturen verwerken": 2, "Nauwkeurigheid": 3}, "Factuurverwerking en de btw", 8, 275, 5),
    ("yara", {"Inkoopfacturen verwerken": 2, "Klantgerichtheid": 2}, "Klantgericht communiceren", 12, 450, 5),
]


def seed_colleague(client, tokens: TokenSettings, clock: DemoClock, person: str, skills: dict[str, int],
                   course: str, hours: int, cost: int, month: int) -> None:
    """A colleague's plan in progress: started in MONTH, a self-evaluation, a learning action planned a week
    later and under way a month after that."""
    me = Caller(client, tokens, person, "employee")
    clock.on(f"2026-{month:02d}-02")
    plan = me.post("/plans", {"employee_id": person, **PERIOD, "trigger": "continuous_development",
                              "career_project": "Vakkennis op peil houden", "available_hours": 60,
                              "available_budget": 1000})
    pid = plan["id"]
    for skill, level in skills.items():
        me.post(f"/plans/{pid}/assessments", {"skill": skill, "category": "technical", "level": level,
                                              "assessor": "self", "status": "to_improve" if level < 3 else None})
    clock.on(f"2026-{month:02d}-09")
    start = f"2026-{month + 1:02d}-02"
    action = me.post(f"/plans/{pid}/actions", {"means": "external_course", "title": course,
                                               "planned_start": start, "planned_end": f"2026-{month + 3:02d}-28",
                                               "hours": hours, "cost": cost})
    clock.on(start)
    me.post(f"/plans/{pid}/actions/{action['action_id']}/start", {"date": start})


def seed_karim(client, tokens: TokenSettings, clock: DemoClock) -> None:
    """Maintenance technician aiming at team leader within two years; feedback revises the plan."""
    karim = Caller(client, tokens, "karim", "employee")
    marieke = Caller(client, tokens, "marieke", "employee", "manager")
    clock.on("2026-01-08")
    plan = karim.post("/plans", {"employee_id": "karim", **PERIOD, "trigger": "career_project",
                                 "career_project": "Doorgroeien naar teamleider binnen twee jaar",
                                 "target_role": "teamleider-technische-dienst",
                                 "available_hours": 120, "available_budget": 3000})
    pid = plan["id"]
    for skill, category, level, status, extra in [
        ("Interpersoonlijke communicatie", "behavioural", 2, "to_improve", {}),
        ("Projectmanagement", "technical", 1, "to_improve", {}),
        ("Teammanagement", "behavioural", 1, "to_improve", {}),
        ("Storingsanalyse", "technical", 4, "strength",
         {"transferable_to": ["Technisch adviseur", "Installatietechniek"]}),
    ]:
        karim.post(f"/plans/{pid}/assessments", {"skill": skill, "category": category, "level": level,
                                                 "assessor": "self", "status": status, **extra})
    clock.on("2026-01-09")
    communication = karim.post(f"/plans/{pid}/goals", {
        "title": "Helder communiceren met het team",
        "skills": [{"skill": "Interpersoonlijke communicatie", "target_level": 4}],
        "measure": "360-graden feedback van vijf collega's gemiddeld 4 of hoger",
        "hours_needed": 30, "budget_needed": 900,
        "relevance": "Een teamleider stuurt mensen aan; communicatie is de basis",
        "deadline": "2026-12-31"})["goal_id"]
    projects = karim.post(f"/plans/{pid}/goals", {
        "title": "Onderhoudsprojecten zelfstandig leiden",
        "skills": [{"skill": "Projectmanagement", "target_level": 3},
                   {"skill": "Teammanagement", "target_level": 3}],
        "measure": "Eén revisieproject binnen planning en budget opgeleverd",
        "hours_needed": 60, "budget_needed": 1800,
        "relevance": "Projecten leiden hoort bij de rol van teamleider", "deadline": "2027-12-31"})["goal_id"]
    clock.on("2026-01-12")
    course = karim.post(f"/plans/{pid}/actions", {
        "goal_ids": [communication], "means": "external_course",
        "title": "Training interpersoonlijke communicatie", "provider": "Schouten & Nelissen",
        "planned_start": "2026-02-02", "planned_end": "2026-06-30", "hours": 24, "cost": 850,
        "certificate": True})["action_id"]
    karim.post(f"/plans/{pid}/actions", {
        "goal_ids": [projects], "means": "external_course", "title": "Projectmanagement (IPMA-D)",
        "provider": "Externe opleider", "planned_start": "2027-02-01", "planned_end": "2027-06-30",
        "hours": 40, "cost": 1750, "certificate": True})
    karim.post(f"/plans/{pid}/actions/{course}/funding", {
        "amount": 850, "justification": "Betere afstemming tussen ploegen vermindert stilstand "
                                        "van de productielijnen"})
    clock.on("2026-01-13")
    karim.post(f"/plans/{pid}/submit", {"note": "Mijn plan richting teamleider"})
    clock.on("2026-01-16")
    marieke.post(f"/plans/{pid}/review", {"outcome": "approved", "comment": "Ambitieus en realistisch."})
    marieke.post(f"/plans/{pid}/actions/{course}/funding/approve",
                 {"comment": "Past binnen het opleidingsbudget van de dienst."})
    clock.on("2026-02-02")
    karim.post(f"/plans/{pid}/actions/{course}/start", {"date": "2026-02-02"})
    clock.on("2026-06-26")
    karim.post(f"/plans/{pid}/actions/{course}/complete", {
        "date": "2026-06-26", "evaluation": 4,
        "reflection": "Ik luister beter en vat samen voordat ik reageer.",
        "skill_levels": [{"skill": "Interpersoonlijke communicatie", "level": 3}]})
    clock.on("2026-07-03")
    marieke.post(f"/plans/{pid}/feedback", {
        "source": "manager", "goal_id": communication,
        "text": "Sinds de training merk ik dat je in het werkoverleg rustiger uitlegt. Oefen nu met "
                "lastige gesprekken; begin eerder met het leiden van kleine projecten."})
    clock.on("2026-07-10")
    karim.patch(f"/plans/{pid}/goals/{projects}", {
        "reason": "Na feedback van Marieke: eerder beginnen met kleine projecten",
        "deadline": "2027-09-30",
        "measure": "Twee kleine onderhoudsprojecten en één revisieproject binnen planning opgeleverd"})
    clock.on("2026-07-15")
    karim.post(f"/plans/{pid}/progress", {"goal_id": communication, "progress": 75,
                                          "note": "Training afgerond, nu oefenen in de praktijk"})
