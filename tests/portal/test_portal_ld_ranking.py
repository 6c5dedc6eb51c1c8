"""L&D's ranking page: every weight with a label and help in both languages, the evaluation saying when it
rests on too few judged queries, a save that respects "only if better" or asks for confirmation, and the
settings history on the page."""

from __future__ import annotations


def test_weights_have_labels_and_help_in_both_languages(signed_in):
    daan = signed_in("daan")
    page = daan.get("/ld/ranking").get_data(as_text=True)
    assert '<label for="taxonomy">Tagged skill' in page and 'id="taxonomy-help"' in page
    assert "Bonus for an offer tagged with the gap" in page
    daan.post("/language", {"lang": "nl", "next": "/ld/ranking"})
    dutch = daan.get("/ld/ranking").get_data(as_text=True)
    assert '<label for="taxonomy">Getagde vaardigheid' in dutch and "Tekstovereenkomst" in dutch
    assert "Bonus for an offer" not in dutch


def test_evaluation_says_when_judged_queries_are_too_few(signed_in):
    daan = signed_in("daan")
    html = daan.post("/ld/ranking", {"text": "1.0", "taxonomy": "0.4", "action": "evaluate"}).get_data(as_text=True)
    assert "Evaluated on 3 judged queries." in html and "too few to tell which settings are better" in html
    assert "at least 20" in html


def test_save_only_if_better_or_with_confirmation(signed_in):
    daan = signed_in("daan")
    base = {"text": "1", "taxonomy": "0.4", "action": "save", "reason": "Proberen"}
    refused = daan.post("/ld/ranking", {**base, "only_if_better": "on"})
    assert refused.status_code == 422 and "Not saved: the proposal does not do better" in refused.get_data(
        as_text=True)
    unconfirmed = daan.post("/ld/ranking", base)
    assert unconfirmed.status_code == 422 and 'id="confirm-errors"' in unconfirmed.get_data(as_text=True)
    assert daan.post("/ld/ranking", {**base, "confirm": "on"}).status_code == 302


def test_settings_history_is_on_the_page_newest_first(signed_in):
    page = signed_in("daan").get("/ld/ranking").get_data(as_text=True)
    history = page[page.index('id="settings-history"'):]
    assert history.index("Version 2") < history.index("Version 1")
    assert "Minder nadruk op tekst" in history and "daan" in history
