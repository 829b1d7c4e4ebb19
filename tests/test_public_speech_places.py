"""A public body that employs people in the US and elsewhere tells each group of staff its own rules.

The clause ``public.your-speech`` has a US text (the First Amendment balance) and a text for public
servants elsewhere (codes of conduct, applied narrowly). An organisation in both places gets both,
each introduced by the staff it applies to; an organisation in one place gets only its own text,
with no such lead-in (the example snapshots hold those texts byte for byte).
"""

from __future__ import annotations

from typing import Any

import pytest
from content_support import policy, squash

PUBLIC = {"org.kind": "public_body"}
# language -> (US text, text elsewhere, US lead-in, UK lead-in, lead-in for "somewhere else")
WORDS = {
    "en-US": ("As a public employee in the US", "As a public servant, you keep the right",
              "If you work in the United States:", "If you work in the United Kingdom:",
              "If you work outside the United States:"),
    "fr-CA": ("Comme employé public aux États-Unis", "Comme membre de la fonction publique, vous gardez",
              "Si vous travaillez aux États-Unis :", "Si vous travaillez au Royaume-Uni :",
              "Si vous travaillez ailleurs qu\u2019aux États-Unis :"),
}


def _speech(language: str, places: list[str], **more: Any) -> str:
    composed = policy({**PUBLIC, "org.language": language, "org.jurisdictions": places, **more})
    found = [clause.text for clause in composed.clauses() if clause.id == "public.your-speech"]
    assert found, "public.your-speech is missing"
    return squash(found[0])


@pytest.mark.parametrize("language", sorted(WORDS))
def test_us_and_uk_staff_each_get_their_own_scoped_text(language: str) -> None:
    us_text, other_text, us_lead, uk_lead, _ = WORDS[language]
    text = _speech(language, ["us", "uk"])
    assert us_text in text and other_text in text
    # each text follows its own lead-in, US first
    assert text.index(us_lead) < text.index(us_text) < text.index(uk_lead) < text.index(other_text)


@pytest.mark.parametrize("language", sorted(WORDS))
def test_somewhere_else_is_scoped_as_outside_the_us(language: str) -> None:
    us_text, other_text, us_lead, _, else_lead = WORDS[language]
    text = _speech(language, ["us", "uk", "other"])
    assert text.index(us_lead) < text.index(us_text) < text.index(else_lead) < text.index(other_text)


@pytest.mark.parametrize("language", sorted(WORDS))
def test_us_and_australia_keep_the_australian_note(language: str) -> None:
    _, other_text, _, _, _ = WORDS[language]
    text = _speech(language, ["us", "au"], **{"org.au_states": []})
    assert other_text in text
    assert ("anonymous posts" if language == "en-US" else "publications anonymes") in text


@pytest.mark.parametrize("language", sorted(WORDS))
@pytest.mark.parametrize("places", [["us"], ["uk"]])
def test_one_place_gets_one_text_without_lead_in(language: str, places: list[str]) -> None:
    us_text, other_text, us_lead, uk_lead, _ = WORDS[language]
    text = _speech(language, places)
    assert (us_text in text) == (places == ["us"])
    assert (other_text in text) == (places == ["uk"])
    assert us_lead not in text and uk_lead not in text


@pytest.mark.parametrize("language", sorted(WORDS))
def test_every_place_the_questionnaire_offers_has_a_lead_in_beside_the_us(language: str) -> None:
    # The lead-ins name each place in the template: a place added to org.jurisdictions without one there
    # would fail to render for a public body that also employs people in the US.
    from content_support import questionnaire

    question = questionnaire().question("org.jurisdictions")
    assert question is not None
    us_lead = WORDS[language][2]
    lead = us_lead[:us_lead.index(" aux " if language == "fr-CA" else " in ")]  # "If you work", "Si vous travaillez"
    for choice in question.choice_values():
        if choice != "us":
            assert squash(us_lead) in _speech(language, ["us", choice])
            assert _speech(language, ["us", choice]).count(lead) == 2, choice
