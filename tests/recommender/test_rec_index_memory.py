"""What a worker keeps in memory: compact offer records in the replica, a lean index that pickles."""

from __future__ import annotations

import pickle

from recommender.application import OfferRecord
from recommender.domainmodel import offer_id
from recommender.matcher import Context, Gap, Matcher, OfferIndex
from recommender.taxonomy import Taxonomy

ACTOR = {"subject": "t", "role": "ld"}


def test_replica_keeps_records_and_hands_out_full_offers(runtime):
    app = runtime.app
    app.import_offers([(1, {"external_id": "a", "title": "Excel basics", "means": "mooc",
                            "description": "Formulas and pivot tables", "learning_outcomes": ["Use VLOOKUP"]}),
                       (2, {"external_id": "b", "title": "Leidinggeven", "means": "workshop"})], ACTOR)
    app.import_offers([(1, {"external_id": "a", "title": "Excel basics", "means": "mooc", "hours": 4})], ACTOR)
    app.retire_offer(offer_id("b"), ACTOR)
    assert all(isinstance(r, OfferRecord) for r in app.replica.offer_records())
    full = app.get_offer(offer_id("a"))
    assert full["description"] == "Formulas and pivot tables" and full["hours"] == 4 and full["version"] == 2
    listing = app.offer_listing("all")
    assert {o["external_id"]: o["status"] for o in listing} == {"a": "published", "b": "retired"}
    assert app.offer_page([o["offer_id"] for o in listing if o["status"] == "published"]) == [full]
    assert app.offer_titles()[str(offer_id("b"))] == "Leidinggeven"
    app.replica.get(offer_id("a")).fields["title"] = "changed"  # a copy: the record stays
    assert app.get_offer(offer_id("a"))["title"] == "Excel basics"


def test_index_is_one_inverted_matrix_that_pickles_without_caches():
    offers = [{"offer_id": str(i), "external_id": str(i), "title": t, "means": "mooc"}
              for i, t in enumerate(["Project management basics", "Excel for business", "Cooking"])]
    index = OfferIndex().fit(offers, 1)
    matcher = Matcher(index, Taxonomy.build())
    before = matcher.recommend([Gap("projectmanagement")], Context())
    assert [r["external_id"] for r in before] == ["0"]
    assert not hasattr(index, "words_") and not hasattr(index, "word_")
    assert index.words_t_.has_sorted_indices and index.words_t_.dtype.name == "float32"
    copy = pickle.loads(pickle.dumps(index))
    assert Matcher(copy, Taxonomy.build()).recommend([Gap("projectmanagement")], Context()) == before
