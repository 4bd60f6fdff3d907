"""Sentence splitting of minutes text keeps facts whole and quotes verbatim."""

from rag.text import normalize_ws, sentences

WRAPPED = """Beslutning:
Randers Kommune opsiger IV- aftalen pr. 15.07.17. Favrskov drøfter aftalen
på udvalgsmøde i august.

Mødet starter kl. 14.00 i mødelokale 1, jf. pkt. 3 på dagsordenen.
 Side 2
"""

DOUBLE_SPACED = """Der var enighed om, at der ikke skal arbejdes med IPS som ramme, men der nedsættes

en arbejdsgruppe, som skal beskrive, hvad der konkret skal arbejdes videre med.

Næste punkt.
"""


def test_abbreviations_and_dates_do_not_split():
    ss = sentences(WRAPPED)
    assert "Randers Kommune opsiger IV- aftalen pr. 15.07.17." in ss
    assert "Mødet starter kl. 14.00 i mødelokale 1, jf. pkt. 3 på dagsordenen." in ss


def test_heading_is_its_own_block():
    assert sentences(WRAPPED)[0] == "Beslutning:"


def test_double_spaced_sentence_is_joined():
    ss = sentences(DOUBLE_SPACED)
    assert ss[0].startswith("Der var enighed") and ss[0].endswith("arbejdes videre med.")


def test_every_sentence_is_a_verbatim_substring():
    for text in (WRAPPED, DOUBLE_SPACED):
        norm = normalize_ws(text)
        assert all(s in norm for s in sentences(text))


def test_bullets_start_new_sentences():
    ss = sentences("Indstilling:\n• At orienteringen tages til efterretning\n• At gruppen nedsættes\n")
    assert ss[1:] == ["• At orienteringen tages til efterretning", "• At gruppen nedsættes"]


def test_an_abbreviation_in_parentheses_ends_no_sentence():
    assert sentences("Der var en drøftelse. PAUSE (kl. 10.20-10.30)") == [
        "Der var en drøftelse.", "PAUSE (kl. 10.20-10.30)"]
