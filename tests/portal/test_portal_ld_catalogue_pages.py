"""L&D's catalogue search against the real recommender (its 164-offer demo catalogue): the results come a page at a
time, the pager's links lead to the next and previous page with the search kept, and a typo still finds the offer."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from services.portal.views.ld import CATALOGUE_PAGE
from tests.portal.conftest import Browser


@pytest.fixture
def daan(real_portal, real_recommender, tokens):
    browser = Browser(real_portal.test_client())
    browser.login("daan")
    browser.offers = lambda **query: real_recommender.test_client().get(
        "/api/v1/offers", query_string={"limit": CATALOGUE_PAGE, **query}, headers=tokens("daan", "ld")).get_json()
    return browser


def listed(page: str) -> list[str]:
    """The offer ids of the catalogue table's rows, in order."""
    return re.findall(r'<th scope="row"><a href="/ld/catalogue/([0-9a-f-]{36})">', page)


def pager(page: str) -> dict[str, dict[str, list[str]]]:
    """The pager's links by their text, each as its query."""
    if 'id="catalogue-pages"' not in page:
        return {}
    nav = page[page.index('id="catalogue-pages"'):]
    nav = nav[:nav.index("</nav>")]
    return {text: parse_qs(urlsplit(html.unescape(href)).query)
            for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav)}


def test_more_offers_than_a_page_come_a_page_at_a_time_with_a_pager(daan):
    total = daan.offers()["total"]
    pages = -(-total // CATALOGUE_PAGE)
    assert pages >= 3, "the demo catalogue is several pages long"
    first = daan.get("/ld/catalogue").get_data(as_text=True)
    assert listed(first) == [o["offer_id"] for o in daan.offers()["offers"]]
    assert f"{total} offers · page 1 of {pages}" in first
    assert set(pager(first)) == {"Next page"} and pager(first)["Next page"]["page"] == ["2"]

    second = daan.get("/ld/catalogue", query_string=pager(first)["Next page"]).get_data(as_text=True)
    assert listed(second) == [o["offer_id"] for o in daan.offers(offset=CATALOGUE_PAGE)["offers"]]
    assert not set(listed(second)) & set(listed(first))
    assert f"page 2 of {pages}" in second
    assert pager(second)["Previous page"]["page"] == ["1"] and pager(second)["Next page"]["page"] == ["3"]

    last = daan.get("/ld/catalogue", query_string={"page": pages}).get_data(as_text=True)
    assert len(listed(last)) == total - (pages - 1) * CATALOGUE_PAGE
    assert set(pager(last)) == {"Previous page"}


def test_a_typo_still_finds_the_offer(daan):
    page = daan.get("/ld/catalogue", query_string={"q": "Exel gevorderen"}).get_data(as_text=True)
    assert "Excel voor gevorderden" in page
    assert "No offers match." in daan.get("/ld/catalogue", query_string={"q": "xqzwv"}).get_data(as_text=True)


def test_the_pager_keeps_a_misspelt_search(daan):
    found = daan.offers(q="managment")
    assert found["total"] > CATALOGUE_PAGE, "a search with more results than a page"
    first = daan.get("/ld/catalogue", query_string={"q": "managment"}).get_data(as_text=True)
    assert f"{found['total']} offers · page 1 of {-(-found['total'] // CATALOGUE_PAGE)}" in first
    following = pager(first)["Next page"]
    assert following["q"] == ["managment"] and following["page"] == ["2"]
    second = daan.get("/ld/catalogue", query_string=following).get_data(as_text=True)
    assert listed(second) == [o["offer_id"] for o in daan.offers(q="managment", offset=CATALOGUE_PAGE)["offers"]]
    assert pager(second)["Previous page"]["q"] == ["managment"]
    assert 'value="managment"' in second  # the search field keeps what was typed
