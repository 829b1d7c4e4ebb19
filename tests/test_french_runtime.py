"""French for a Quebec organisation beyond the documents: articles before its name, messages of
``validate`` and of every command, the interview, the browser questionnaire and the CLI's reports."""

from __future__ import annotations

import re

import pytest
from content_support import markdown, policy

from policygen.locale import with_preposition

QUEBEC = "ca-quebec-cooperative"


# ---------------------------------------------------------------- à / de before the organisation's name

@pytest.mark.parametrize(("name", "de", "a"), [
    ("Le Groupe Alpha", "du Groupe Alpha", "au Groupe Alpha"),
    ("Les Amis du parc", "des Amis du parc", "aux Amis du parc"),
    ("La Coop du quartier", "de La Coop du quartier", "à La Coop du quartier"),
    ("L’Atelier", "de L’Atelier", "à L’Atelier"),
    ("L'Atelier", "de L'Atelier", "à L'Atelier"),
    ("Acme inc.", "d’Acme inc.", "à Acme inc."),
    ("Boulangerie Lesage", "de Boulangerie Lesage", "à Boulangerie Lesage"),
    ("Groupe Le Duc", "de Groupe Le Duc", "à Groupe Le Duc"),
    ("le Cercle", "du Cercle", "au Cercle"),
])
def test_a_and_de_contract_with_the_article_that_opens_a_name(name: str, de: str, a: str) -> None:
    assert with_preposition(name, "de") == de
    assert with_preposition(name, "à") == a


def test_french_clauses_contract_the_article_of_the_organisations_name() -> None:
    text = markdown(policy({"org.name": "Le Groupe Boréal", "org.short_name": "Le Groupe"}, base=QUEBEC))
    assert "au nom du Groupe" in text and "appartiennent au Groupe" in text
    assert not re.search(r"\b(de|à) Le\b", text), "à/de + le must contract"
    plain = markdown(policy({"org.name": "Atelier Boréal", "org.short_name": "Atelier"}, base=QUEBEC))
    assert "au nom d’Atelier" in plain and "au nom de Atelier" not in plain
