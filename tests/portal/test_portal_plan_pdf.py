"""The plan PDF read back as text (pypdf): dates in the reader's language, the funding request with its
decision, whole words (no word broken over two lines), left-aligned text (no word spacing stretched for
justification), and the document's language set."""

from __future__ import annotations

import io
import re

import pypdf
import pytest


def pdf_of(person, language: str):
    person.post("/language", {"lang": language, "next": "/plan"})
    html = person.get("/plan").get_data(as_text=True)
    plan_id = re.search(r"/plans/([0-9a-f-]{36})", html).group(1)
    response = person.get(f"/plans/{plan_id}/export.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.data))


def text_of(reader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.parametrize("language, period, funding, decided", [
    ("nl", "1 jan 2026 tot 31 dec 2027", "€ 850,00", "Financiering goedgekeurd"),
    ("en", "Jan 1, 2026 to Dec 31, 2027", "€850.00", "Funding approved"),
])
def test_plan_pdf_in_each_language(signed_in, language, period, funding, decided):
    reader = pdf_of(signed_in("karim"), language)
    text = text_of(reader)
    assert period in text, text[:400]
    assert funding in text and decided in text, "the funding request and its decision are in the PDF"
    for words in ("Training interpersoonlijke communicatie", "Doorgroeien naar teamleider binnen twee jaar",
                  "Onderhoudsprojecten zelfstandig leiden"):
        assert words in text, f"{words!r} is broken up in the PDF"
    assert "-\n" not in "\n".join(page.extract_text() for page in reader.pages), "a word hyphenated over lines"
    for page in reader.pages:
        content = page.get_contents().get_data()
        stretched = [m for m in re.findall(rb"(-?[\d.]+) Tw", content) if float(m) != 0]
        assert not stretched, "justified text: word spacing stretched"
    assert reader.trailer["/Root"].get("/Lang") == language


def test_plan_pdf_says_when_nothing_was_funded(signed_in):
    text = text_of(pdf_of(signed_in("sophie"), "en"))
    assert "Funding" in text and "No funding requested." in text
