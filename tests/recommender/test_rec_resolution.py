"""Gap resolution: exact beats partial beats fuzzy, the lexicon and the taxonomy both count, compounds split."""

from __future__ import annotations

from recommender.matcher import Context, Gap, Matcher, OfferIndex
from recommender.taxonomy import Lexicon, Taxonomy, split_compound


def fitted(offers: list[dict], **weights) -> Matcher:
    taxonomy = Taxonomy.build()
    index = OfferIndex().fit([{"means": "mooc", "external_id": o["offer_id"], **o} for o in offers], version=1)
    index.tag_skills(taxonomy)
    return Matcher(index, taxonomy, weights)


def test_tiers_are_label_synonym_partial_fuzzy():
    taxonomy = Taxonomy.build()
    assert taxonomy.resolve_tiered("project management")[0][1] == "label"
    assert taxonomy.resolve_tiered("transformation")[0][1] == "synonym"
    assert {tier for _, tier in taxonomy.resolve_tiered("Geavanceerd Excel")} == {"partial"}
    assert {tier for _, tier in taxonomy.resolve_tiered("projectmanagment")} == {"fuzzy"}
    assert taxonomy.resolve_tiered("projectmanagment", fuzzy=False) == []


def test_an_exact_translation_beats_a_fuzzy_taxonomy_spelling():
    matcher = fitted([{"offer_id": "cs", "title": "Introduction to computer science"},
                      {"offer_id": "bio", "title": "Bioinformatics and genomics"}])
    assert Taxonomy.build().resolve_tiered("informatica")[0][1] == "fuzzy"  # what used to win
    texts, entries, tier = matcher.query_texts(Gap("informatica"))
    assert "genetics" not in [entry.id for entry in entries]
    assert ("computer science", 1.0) in texts
    found = [i["offer_id"] for i in matcher.recommend([Gap("informatica")], Context())]
    assert found[0] == "cs"


def test_the_lexicon_adds_its_english_when_the_taxonomy_also_knows_the_word():
    matcher = fitted([{"offer_id": "a", "title": "Customer focus in retail"}])
    texts, entries, tier = matcher.query_texts(Gap("klantgerichtheid"))
    assert tier == "label" and entries
    assert ("customer focus", 1.0) in texts


def test_looser_tiers_weigh_the_taxonomy_less():
    matcher = fitted([{"offer_id": "a", "title": "Project management"}])
    def expansion_weight(skill):
        texts, _, _ = matcher.query_texts(Gap(skill))
        return sum(weight for _, weight in texts[1:])
    assert expansion_weight("project management") > expansion_weight("projectmanagment") > 0


def test_compounds_split_into_words_the_catalogue_knows():
    assert split_compound("sprintplanning", {"sprint", "planning"}.__contains__) == ["sprint", "planning"]
    assert split_compound("klantenservicetraining", {"klant", "service", "training"}.__contains__) == [
        "klant", "service", "training"]
    assert split_compound("cooking", {"cook"}.__contains__) is None
    lexicon = Lexicon({"klant": ["customer"]})
    catalogue = {"sprint", "planning", "service", "training"}.__contains__
    assert lexicon.translate("sprintplanning", catalogue)[0] == "sprint planning"
    assert lexicon.translate("klantenservice", catalogue)[0] == "customer service"
    assert lexicon.translate("planning", catalogue) is None  # a known word is not split
    matcher = fitted([{"offer_id": "s", "title": "Agile sprint planning"},
                      {"offer_id": "c", "title": "Cooking"}])
    assert [i["offer_id"] for i in matcher.recommend([Gap("sprintplanning")], Context())] == ["s"]


def test_the_most_exact_tier_wins_across_the_typed_words_and_their_english():
    matcher = fitted([{"offer_id": "a", "title": "Excel"}])
    for variants in (["projectmanagment", "Geavanceerd Excel"], ["Geavanceerd Excel", "projectmanagment"]):
        entries, tier = matcher.resolve(variants)
        assert tier == "partial" and [e.id for e in entries] == ["spreadsheets"], variants  # partial beats fuzzy
    for variants in (["Geavanceerd Excel", "project management"], ["project management", "Geavanceerd Excel"]):
        entries, tier = matcher.resolve(variants)
        assert tier == "label" and entries[0].id == "project-management", variants  # exact beats partial
    assert matcher.resolve(["projectmanagment"], fuzzy=False) == ([], None)  # the lexicon knew: no near miss


def test_any_two_or_three_known_words_joined_the_dutch_way_split_back():
    words = ["veiligheid", "data", "analyse", "leider", "schap", "plan", "training", "klant"]
    known = set(words).__contains__
    for first in words:
        for second in words:
            for link in ("", "s", "en"):
                joined = f"{first}{link}{second}"
                parts = split_compound(joined, known)
                assert parts is not None and "".join(parts) in {joined, f"{first}{second}"}, joined
                assert len(parts) <= 3, (joined, parts)
    assert split_compound("gegevensbeheer", known) is None  # parts nobody knows are not guessed
