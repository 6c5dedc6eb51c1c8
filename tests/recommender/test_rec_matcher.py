"""The matcher and its live index as units: filters, level fit, quality prior, diversity, swaps."""

from __future__ import annotations

import threading
import time
from datetime import date

from recommender.catalogue_io import parse_catalogue
from recommender.demo import demo_catalogue_text
from recommender.live_index import LiveMatcher
from recommender.matcher import Context, Gap, Matcher, OfferIndex, OfferStats, level_for, surface_forms, surface_words
from recommender.taxonomy import Taxonomy


def offer(i: str, title: str, means: str = "mooc", **fields) -> dict:
    return {"offer_id": i, "external_id": i, "title": title, "means": means, **fields}


def matcher(offers, stats=None, **weights) -> Matcher:
    taxonomy = Taxonomy.build()
    index = OfferIndex().fit(offers, version=1)
    index.tag_skills(taxonomy)
    return Matcher(index, taxonomy, weights, stats)


CATALOGUE = [
    offer("a", "Project management basics", level="beginner", cost=0, hours=10, language="en"),
    offer("b", "Advanced project management", level="advanced", cost=900, hours=40, language="en"),
    offer("c", "Projectmanagement voor technici", "internal_training", language="nl", hours=8,
          sessions=[{"start": "2027-02-01"}]),
    offer("d", "Cooking for beginners"),
]


def ids(items):
    return [i["offer_id"] for i in items]


def test_text_and_compounds_find_offers_and_unrelated_ones_stay_out():
    found = ids(matcher(CATALOGUE).recommend([Gap("projectmanagement")], Context()))
    assert set(found) == {"a", "b", "c"}


def test_hard_filters():
    m = matcher(CATALOGUE)
    today = date(2026, 6, 1)
    assert ids(m.recommend([Gap("project management")], Context(language="nl"))) == ["c"]
    assert "b" not in ids(m.recommend([Gap("project management")], Context(max_cost=500)))
    assert ids(m.recommend([Gap("project management")], Context(means=["internal_training"]))) == ["c"]
    soon = Context(deadline=date(2026, 8, 1), hours_per_week=2, today=today)
    assert ids(m.recommend([Gap("project management")], soon)) == ["a"]  # b too long, c too late


def test_the_typed_word_outweighs_a_broad_skills_synonyms():
    """"Figma" is a synonym inside UX design: the offer about Figma must not drown under offers that
    match many of UX design's other names."""
    offers = [offer("figma", "Figma for product teams",
                    description="Design screens in Figma: components, auto layout and prototyping."),
              offer("ux", "User experience design", description="UX research, usability testing and wireframing."),
              offer("ui", "Interaction design", description="UI design with wireframes and prototypes."),
              offer("research", "User research methods", description="Interviews and usability studies."),
              offer("cooking", "Cooking for beginners")]
    capped, uncapped = matcher(offers, feedback=0), matcher(offers, feedback=0, expansion=100.0)
    assert ids(capped.recommend([Gap("Figma")], Context()))[0] == "figma"
    assert ids(uncapped.recommend([Gap("Figma")], Context()))[0] != "figma"


def test_level_fit_orders_between_equal_offers():
    m = matcher(CATALOGUE[:2], level=1.0)
    assert ids(m.recommend([Gap("project management", 0, 2)], Context()))[0] == "a"
    assert ids(m.recommend([Gap("project management", 4, 5)], Context()))[0] == "b"
    assert level_for(None, 5) == "intermediate" and level_for(None, None) is None


def test_quality_is_shrunk_towards_the_mean():
    twins = [offer("x", "Excel for business"), offer("y", "Excel for business")]
    one_rating = matcher(twins, {"x": OfferStats(rating_sum=1, rating_count=1)})
    many = matcher(twins, {"x": OfferStats(rating_sum=10, rating_count=10, dismissed=10),
                           "y": OfferStats(rating_sum=50, rating_count=10, completions=10)})
    assert abs(one_rating.quality_[0] - one_rating.quality_[1]) < 0.25  # one rating moves little
    assert many.quality_[1] > many.quality_[0] + 0.3
    assert ids(many.recommend([Gap("excel")], Context()))[0] == "y"


def test_means_cap_keeps_lists_varied():
    moocs = [offer(f"m{i}", f"Excel course {i}") for i in range(10)]
    others = [offer("w", "Excel werkplaats", "workshop"), offer("t", "Excel mentor", "mentoring")]
    items = matcher(moocs + others).recommend([Gap("excel")], Context(), limit=5)
    assert {"w", "t"} <= set(ids(items))


def test_reasons_are_codes_with_parameters():
    text = demo_catalogue_text()
    offers = [{**f, "offer_id": f["external_id"]} for _, f in parse_catalogue(text, "jsonl")[0]]
    [item] = matcher(offers).recommend([Gap("Geavanceerd Excel", 2, 4)], Context(max_cost=1000,
                                       hours_per_week=2, language="nl"), limit=1)
    reasons = {r["code"]: r["params"] for r in item["reasons"]}
    assert reasons["teaches_skill"]["skill_id"] == "spreadsheets"
    assert reasons["understood_as"]["query"] == "Geavanceerd Excel"
    assert reasons["within_budget"]["budget"] == 1000 and reasons["fits_hours"]["hours_per_week"] == 2
    assert reasons["in_language"] == {"language": "nl"}
    assert "excel" in reasons["matched_words"]["words"]


def test_a_mentor_is_named_by_person_id_only():
    mentoring = offer("m", "Mentor projectleiding", "mentoring", mentor="marieke")
    [item] = matcher([mentoring]).recommend([Gap("projectleiding")], Context(), limit=1)
    assert {"code": "mentor_colleague", "params": {"person_id": "marieke"}} in item["reasons"]


def test_matched_words_are_words_of_the_query_not_index_terms():
    """The index strips accents and pairs words across stop words; a reason shows what was typed."""
    offers = [offer("x", "Café management of projects", description="Running a café: management of projects")]
    [item] = matcher(offers).recommend([Gap("café management of projects")], Context(), limit=1)
    [words] = [r["params"]["words"] for r in item["reasons"] if r["code"] == "matched_words"]
    assert words and "cafe" not in words and "management projects" not in words
    query_words = ["café", "management", "of", "projects"]
    assert all(part in query_words for word in words for part in word.split())
    assert "café management" in words or "café" in words


def test_surface_words_keep_phrases_and_drop_their_parts():
    surface = surface_forms(["Project management for the Café", "management of projects"])
    assert surface_words(["project management", "project", "cafe", "management projects"], surface) == [
        "project management", "café", "projects"]


def test_empty_catalogue_answers_nothing():
    assert matcher([]).recommend([Gap("excel")], Context()) == []


def test_live_matcher_rebuilds_in_background_and_swaps(runtime):
    app = runtime.app
    app.import_offers([(1, {"external_id": "e1", "title": "Excel basics", "means": "mooc"})],
                      {"subject": "t", "role": "ld"})
    live = LiveMatcher(app, check_seconds=0)
    first = live.current()
    assert len(first.index.offers_) == 1
    app.import_offers([(1, {"external_id": "e2", "title": "Excel advanced", "means": "mooc"})],
                      {"subject": "t", "role": "ld"})
    gate = threading.Event()
    original = live.build

    def slow_build():
        gate.wait(5)
        return original()

    live.build = slow_build
    started = time.monotonic()
    assert live.current() is first  # a query during the rebuild gets the old index at once
    assert time.monotonic() - started < 0.5
    gate.set()
    live.wait_for_rebuild()
    assert len(live.current().index.offers_) == 2
