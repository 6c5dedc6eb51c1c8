"""A long list of suggestions collapses per gap: the first three show, the rest wait behind a summary that
names how many more there are for which gap (in the reader's language)."""

from __future__ import annotations

import re

from tests.portal.test_portal_employee import plan_id_of


def test_long_suggestion_lists_collapse_per_gap(signed_in, recommender_app):
    recommender_app.config["means_per_gap"] = ("mooc", "internal_training", "external_course", "workshop",
                                               "coaching")
    karim = signed_in("karim")
    html = karim.get(f"/plans/{plan_id_of(karim)}/suggestions").get_data(as_text=True)
    sections = re.findall(r'<section class="gap">(.*?)</section>', html, re.S)
    assert sections, "no gap on the page"
    for section in sections:
        shown, _sep, hidden = section.partition('<details class="more-suggestions">')
        assert shown.count('class="card suggestion"') == 3
        assert hidden.count('class="card suggestion"') == 2
        assert re.search(r"<summary>2 more suggestions for [^<]+</summary>", hidden)
    karim.post("/language", {"lang": "nl", "next": "/plan"})
    dutch = karim.get(f"/plans/{plan_id_of(karim)}/suggestions").get_data(as_text=True)
    assert re.search(r"<summary>nog 2 suggesties voor [^<]+</summary>", dutch)


def test_short_lists_do_not_collapse(signed_in):
    karim = signed_in("karim")
    html = karim.get(f"/plans/{plan_id_of(karim)}/suggestions").get_data(as_text=True)
    assert 'class="card suggestion"' in html and "more-suggestions" not in html
