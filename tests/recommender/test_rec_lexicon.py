"""The Dutch -> English workplace lexicon: Dutch words the taxonomy does not know still find English offers."""

from __future__ import annotations

from recommender.matcher import Context, Gap, Matcher, OfferIndex
from recommender.taxonomy import Lexicon, Taxonomy, starter_lexicon


def test_words_phrases_endings_and_compounds_translate():
    lexicon = starter_lexicon()
    assert lexicon.translate("bedrijfsprocessen") == ("business processes", "business processes")
    assert lexicon.translate("Verkoopvaardigheden")[0] == "sales skills"
    assert lexicon.translate("kwaliteitsmanagementsysteem")[0] == "quality management system"
    assert lexicon.translate("financiële planning")[0] == "financial planning"
    first, every = lexicon.translate("klantgerichtheid")
    assert first == "customer focus" and "customer orientation" in every
    assert lexicon.translate("fouten opsporen")[0] == "debugging"  # an idiom, not "errors tracing"
    assert lexicon.translate("beleggingsstrategieën")[0] == "investment strategies"
    assert "song" in lexicon.translate("liedjes")[0]  # a diminutive plural


def test_english_stays_english():
    lexicon = starter_lexicon()
    for text in ("machine learning", "visual arts", "project management", "data analysis", "planet",
                 "public speaking", "customer service", "creative writing", "risk assessment", "supply chain",
                 "intern", "applied statistics", "storing data"):
        assert lexicon.translate(text) is None


def test_the_shipped_lexicon_is_broad():
    assert len(starter_lexicon().entries) >= 3000


def test_compound_splitting_uses_linking_letters_and_fewest_parts():
    lexicon = Lexicon({"klant": ["customer"], "tevredenheid": ["satisfaction"], "risico": ["risk"],
                       "beheer": ["management"], "onderzoek": ["research"]})
    assert lexicon.split("klanttevredenheid") == ["klant", "tevredenheid"]
    assert lexicon.split("klantenonderzoek") == ["klant", "onderzoek"]
    assert lexicon.word("risicobeheer") == ["risk management"]
    assert lexicon.split("cooking") is None


def test_a_dutch_gap_the_taxonomy_does_not_know_finds_english_offers():
    offers = [{"offer_id": "p", "external_id": "p", "title": "Modelling business processes", "means": "mooc"},
              {"offer_id": "c", "external_id": "c", "title": "Cooking for beginners", "means": "mooc"}]
    taxonomy = Taxonomy.build()
    assert not taxonomy.resolve("bedrijfsprocessen")
    index = OfferIndex().fit(offers, version=1)
    index.tag_skills(taxonomy)
    found = Matcher(index, taxonomy).recommend([Gap("bedrijfsprocessen")], Context())
    assert [item["offer_id"] for item in found] == ["p"]
