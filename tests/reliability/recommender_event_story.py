"""A story recording every recommender event type once, for the stored-shape fixtures.

`python -m tests.reliability.recommender_event_story > tests/fixtures/recommender_events_v1.jsonl` writes the
current shapes; never overwrite an old version's file, add a new one beside it.
"""

from __future__ import annotations

import json
import sys

from eventsourcing.persistence import Mapper

from recommender.application import Recommender
from recommender.domainmodel import LearningOffer, MatcherSettings, RoleProfile, Skill

ACTOR = {"subject": "daan", "role": "ld"}


def record_story() -> list:
    offer = LearningOffer.publish("ext-1", {"title": "Excel", "means": "mooc", "hours": 4, "cost": 10.5,
                                            "skills": [{"skill": "excel", "level": 2}]}, ACTOR)
    offer.revise({"title": "Excel basics"}, ACTOR)
    offer.retire(ACTOR, "outdated")
    offer.reinstate(ACTOR)
    skill = Skill.define({"id": "excel", "type": "technical", "labels": {"en": "Excel", "nl": "Excel"},
                          "synonyms": {"en": ["spreadsheets"], "nl": ["rekenbladen"]}}, ACTOR)
    skill.redefine({"id": "excel", "type": "technical", "labels": {"en": "Excel", "nl": "Excel"},
                    "synonyms": {"en": ["spreadsheets", "sheets"], "nl": []}}, ACTOR)
    role = RoleProfile.define("team-leader", {"name": "Team leader", "skills": [{"skill": "teamwork", "level": 3}]},
                              ACTOR)
    role.revise({"name": "Team leader", "skills": [{"skill": "teamwork", "level": 4}]}, ACTOR)
    settings = MatcherSettings.create({"weights": {}, "synonyms": {}}, ACTOR, "first")
    settings.change({"weights": {}, "synonyms": {"excel": ["xls"]}}, ACTOR, "more synonyms")
    events = [e for agg in (offer, skill, role, settings) for e in agg.collect_events()]
    app = Recommender(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    plain = Mapper(transcoder=app.construct_transcoder())
    return [plain.to_stored_event(event) for event in events]


def main() -> None:
    for stored in record_story():
        sys.stdout.write(json.dumps({"topic": stored.topic, "originator_version": stored.originator_version,
                                     "state": json.loads(stored.state)}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
