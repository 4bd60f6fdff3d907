"""Normalisation: page marks, letterheads, web chrome, bullets, hyphenation, pages."""

from __future__ import annotations

from rag.parse.clean import clean_text
from rag.types import PAGE_BREAK
from tests.parse.conftest import item, outline, parse


def _texts(raw: str) -> list[str]:
    return [ln.text for ln in clean_text(raw).lines]


def test_page_marks_and_lone_page_numbers_are_removed() -> None:
    lines = _texts("Første linje\n Side 2 \nAnden linje\nSide 2 af 6\nTredje\n- 4 -\nFjerde\n11\nFemte\n")
    assert [x for x in lines if x] == ["Første linje", "Anden linje", "Tredje", "Fjerde", "Femte"]


def test_numbers_inside_flattened_tables_are_kept() -> None:
    lines = _texts("Indikator 1b\n2019\n87\n2018\nNej\n")
    assert "87" in lines


def test_side_n_marks_give_item_pages() -> None:
    m = parse(
        """
        Referat fra møde i Klyngestyregruppen, Vestklyngen 12. juni 2020

        1. Godkendelse af dagsorden
        Beslutning: Godkendt.
         Side 2
        2. Samarbejdsaftale for IV behandling i nærområdet
        Sagsfremstilling:
        Aftalen er godkendt i de fleste kommuner.
         Side 3
        Beslutning:
        Der oprettes en følgegruppe.
         Side 4
        3. Eventuelt
        Intet.
        """
    )
    assert [it.pages for it in m.items] == [(1,), (2, 3), (4,)]
    assert "Side" not in item(m, "2").text


def test_form_feeds_give_pages_and_running_headers_go() -> None:
    pages = [
        "Referat – Klyngestyregruppen Horsensklyngen\nMødedato: 2. februar 2023\n\n"
        "1. Godkendelse af dagsorden\n"
        "Beslutning: Godkendt.\n\nReferat Klyngestyregruppen 02.02.2023\nSide 1 af 3",
        "Referat Klyngestyregruppen 02.02.2023\n2. Status på akutfunktionen\nSagsfremstilling:\n"
        "Der er travlt i akutfunktionen.\nBeslutning:\nTaget til efterretning.\nSide 2 af 3",
        "Referat Klyngestyregruppen 02.02.2023\n3. Eventuelt\nIntet.\nSide 3 af 3",
    ]
    m = parse(PAGE_BREAK.join(pages))
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Status på akutfunktionen"),
        ("3", "Eventuelt"),
    ]
    assert [it.pages for it in m.items] == [(1,), (2,), (3,)]
    assert all("02.02.2023" not in it.text for it in m.items)
    assert m.date == "2023-02-02"


def test_letterhead_inside_item_goes_to_header() -> None:
    m = parse(
        """
        Referat fra møde i Fokusgruppe Sundhed for voksne, Vestklyngen

        1. Godkendelse af dagsorden

        Beslutning: Dagsordenen blev godkendt.

        Dato: 12. juni 2020

        Gunna Estrid Andersen

        Mail: guande@rm.dk

        Lokaltlf.: +45 7843 8712

        Mobil: +45 2155 5628
         Side 2

        2. Eventuelt

        Intet.
        """
    )
    one = item(m, "1").text
    assert one == "Beslutning: Dagsordenen blev godkendt."
    assert "Mail: guande@rm.dk" in m.header.text


def test_participant_list_with_emails_is_not_a_letterhead() -> None:
    lines = _texts(
        "I mødet deltog:\nSundhedschef Lene Jensen, lene.jensen@randers.dk\n"
        "Direktør Kate Bøgh katb@favrskov.dk\n"
    )
    assert "Direktør Kate Bøgh katb@favrskov.dk" in lines


def test_hyphenated_line_breaks() -> None:
    lines = _texts(
        "Der er udfordringer med IV-\nbehandling i eget hjem.\n"
        "Opslaget: http://www.rm.dk/folkesundhed-i-\nmidten/ansogning/\n"
        "de kommunale sundheds-\nog ældrechefer\n"
        "Varsling af opsigelse af IV- aftale\n"
        "et formål med aftalen og for-\nmål\n"
    )
    assert "Der er udfordringer med IV-behandling" in lines
    assert "i eget hjem." in lines
    assert "Opslaget: http://www.rm.dk/folkesundhed-i-midten/ansogning/" in lines
    assert "de kommunale sundheds-" in lines and "og ældrechefer" in lines
    assert "Varsling af opsigelse af IV- aftale" in lines
    assert "et formål med aftalen og formål" in lines  # "formål" occurs elsewhere: a soft break


def test_private_use_bullets_and_web_artefacts() -> None:
    raw = (
        "Abonnér\nSe alle dagsordener og referater fra dette mødeforum\n\nReferat\n"
        "Sagnr.: 1-00-3-23\n\n1. Mødedeltagere\n\uf0b7 Anne Hansen\n\uf0a7 Bo Jensen\n"
        "Tilbage til toppen\nRandom..docx\n"
    )
    lines = [x for x in _texts(raw) if x]
    assert lines == ["Referat", "1. Mødedeltagere", "• Anne Hansen", "• Bo Jensen"]


def test_double_spaced_text_is_collapsed_but_paragraphs_survive() -> None:
    para = (
        "Der er udarbejdet en delrapport, som sendes til styregruppen efter mødet\n\n"
        "sammen med bilagene fra arbejdsgruppen og kommunerne i klyngen\n\n"
    )
    raw = (para * 6) + "\n\nNyt afsnit begynder her.\n\nog fortsætter på næste linje\n"
    lines = _texts(raw)
    assert lines[:2] == [
        "Der er udarbejdet en delrapport, som sendes til styregruppen efter mødet",
        "sammen med bilagene fra arbejdsgruppen og kommunerne i klyngen",
    ]
    i = lines.index("Nyt afsnit begynder her.")
    assert lines[i - 1] == "" and lines[i + 1] == "og fortsætter på næste linje"


def test_web_export_keeps_blank_lines_between_paragraphs() -> None:
    raw = "\n\n".join(
        f"Afsnit {i} er et helt afsnit på én lang linje, som det ses i webeksporter." for i in range(12)
    )
    lines = _texts(raw)
    assert lines[1] == ""


def test_running_header_on_first_page_is_kept_as_title() -> None:
    pages = [
        "Klyngestyregruppen – Referat 12. maj 2021\nRandersklyngen\nSted: Regionshospitalet Randers\n\n"
        "1. Godkendelse af dagsorden\nGodkendt.\n\n2. Status på samarbejdsaftale om\ninfektionshygiejne\n"
        "Sagsfremstilling:\nTekst om aftalen.",
        "Klyngestyregruppen – Referat 12. maj 2021\nFortsat tekst om aftalen.\nBeslutning:\nGodkendt.\n\n"
        "3. Opfølgning på budget\nBeslutning: Taget til efterretning.",
        "Klyngestyregruppen – Referat 12. maj 2021\n4. Eventuelt\nIntet.\n\nSide 3 af 3",
    ]
    m = parse(PAGE_BREAK.join(pages))
    assert m.title == "Klyngestyregruppen – Referat 12. maj 2021 Randersklyngen"
    assert (m.date, m.cluster, m.body) == ("2021-05-12", "Randersklyngen", "Klyngestyregruppen")
    assert item(m, "2").title == "Status på samarbejdsaftale om infektionshygiejne"
    assert "Referat 12. maj" not in item(m, "2").text and item(m, "2").pages == (1, 2)


def test_ligatures_and_unicode_spaces_are_normalised_but_danish_letters_kept() -> None:
    lines = _texts("Økonomi og \ufb01nansiering\u00a0i Århus\u200b\r\nNæste linje\r\n")
    assert lines[:2] == ["Økonomi og finansiering i Århus", "Næste linje"]


def test_breaks_in_the_schedule_are_no_item_text():
    from rag.parse.clean import _is_artefact

    assert _is_artefact("PAUSE (kl. 10.20-10.30)") and _is_artefact("Frokost kl. 12.00-12.30")
    assert not _is_artefact("Pause i arbejdet med projektet blev drøftet")
