"""Minimal reproductions of parser failures found on minutes in layouts the parser had never
seen (tests/parse/unseen/): "Sag nr. N:" items, PDF number boxes, glued page marks, tab-separated
metadata tables, "Beslutning – sentence", web chrome lines, forwarded e-mails, lower-case group names."""

from __future__ import annotations

import io
import textwrap

import docx

from rag.ingest import docx as docx_loader
from rag.ingest import html as html_loader
from rag.parse import parse_minutes


def parse(text: str, source: str = "fixture.txt"):
    return parse_minutes(textwrap.dedent(text).lstrip("\n"), source)


def test_sag_nr_headings():  # E: whole file skipped ("no agenda items found")
    m = parse(
        """
        Klyngestyregruppen i Midtklyngen
        Mødested: Regionshospitalet Silkeborg

        Sag nr. 1: Godkendelse af dagsorden
        Konklusion:
        Godkendt.

        Sag nr. 2: Budget 2024 for klyngesekretariatet
        Konklusion:
        Budgettet på 1.200.000 kr. blev godkendt.
        """
    )
    assert [(i.number, i.title) for i in m.items] == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Budget 2024 for klyngesekretariatet"),
    ]


def test_referent_block_does_not_swallow_first_item():  # E (participants got "Sag nr. 1: ... (referent)")
    m = parse(
        """
        Klyngestyregruppen i Midtklyngen
        Referent: Anne Mohr, specialkonsulent

        Sag nr. 1: Godkendelse af dagsorden
        Konklusion: Godkendt.
        """
    )
    assert m.participants == ("Anne Mohr, specialkonsulent (referent)",)


def test_numbered_title_without_punctuation_ends_participant_list():  # D: item 1 lost in the header
    m = parse(
        """
        Referat – Temagruppe for psykiatri og misbrug, Aarhusklyngen
        Deltagere
        Aarhus Kommune
        Louise Grøn, chef for Socialpsykiatri
        1 Velkomst og godkendelse af dagsorden
        BESLUTNING
        Dagsordenen blev godkendt.
        2 Udskrivning til botilbud
        BESLUTNING
        Temagruppen tilsluttede sig forslaget.
        """
    )
    assert [i.number for i in m.items] == ["1", "2"]
    assert m.items[0].decision == "Dagsordenen blev godkendt."
    assert m.body == "Temagruppe for psykiatri og misbrug"  # was "Temagruppen"


def test_glued_page_mark_is_removed():  # D: "Side 1 af 3Sundhedssamarbejdet i X" stayed in the title
    from rag.parse.clean import clean_text

    cleaned = clean_text("Referat\nSide 1 af 3Sundhedssamarbejdet i Aarhusklyngen\nTekst")
    lines = [ln.text for ln in cleaned.lines if ln.text]
    assert lines == ["Referat", "Tekst"]


def test_dash_inline_decision():  # B: "Beslutning – <sentence>" gave no decision
    m = parse(
        """
        Referat fra møde i Koordineringsgruppen, Klynge Syd

        1. Budgetopfølgning
        Sagsfremstilling: Der er et mindreforbrug på 315.000 kr.
        Beslutning – Mindreforbruget på 315.000 kr. overføres til 2024.

        2. Eventuelt
        Beslutning: Intet.
        """
    )
    assert m.items[0].decision == "Mindreforbruget på 315.000 kr. overføres til 2024."


def test_tab_separated_metadata_table():  # A: place = garbage from an over-long title
    m = parse(
        "Referat – Klyngestyregruppen\n"
        "Klyngen i Horsens\n"
        "Mødedato\tTorsdag den 14. marts 2024\n"
        "Mødested\tRegionshospitalet Horsens, mødelokale 5\n"
        "Mødeleder\tLone Kragh Sørensen, direktør, Horsens Kommune\n\n"
        "Deltagere\n"
        "Navn\tFunktion\tOrganisation\n"
        "Peter Aagaard Holm\tHospitalsdirektør\tRegionshospitalet Horsens\n\n"
        "Punkt 1. Godkendelse af dagsorden\nBeslutning\nGodkendt.\n"
    )
    assert m.place == "Regionshospitalet Horsens, mødelokale 5"
    assert m.title == "Referat – Klyngestyregruppen Klyngen i Horsens"
    assert "Navn\tFunktion\tOrganisation" not in m.participants
    assert "Peter Aagaard Holm, Hospitalsdirektør, Regionshospitalet Horsens" in m.participants
    assert "Lone Kragh Sørensen, direktør, Horsens Kommune (mødeleder)" in m.participants


def test_email_envelope_and_unlabelled_place():  # F: date = the e-mail's "Sendt:" date, place None
    m = parse(
        """
        Fra: Karen Møller Nielsen <kamoni@rm.dk>
        Sendt: 5. oktober 2023 09:41
        Til: Temagruppe Demens – Sundhedsklynge Vest
        Emne: Referat fra møde i Temagruppe Demens 3/10-2023

        REFERAT
        Temagruppe Demens, Sundhedsklynge Vest
        Tirsdag d. 3/10-2023 kl. 13-15
        Mødelokale 2, Regionshuset Viborg

        Ad. 1 Godkendelse af dagsorden
        Konklusion: Godkendt.

        Ad. 2 Eventuelt
        Konklusion: Intet.
        """
    )
    assert (m.date, m.place, m.cluster) == ("2023-10-03", "Mødelokale 2, Regionshuset Viborg", "Vestklyngen")


def test_wrapped_comma_separated_participants():  # F: entries cut at line wraps
    m = parse(
        """
        Referat – Temagruppe Demens, Sundhedsklynge Vest
        Deltagere: Karen Møller Nielsen (sekretariatet), Anja Thorup
        (demenskoordinator, Herning Kommune), Bent Lauridsen (sundhedschef,
        Holstebro Kommune)

        1. Godkendelse af dagsorden
        Beslutning: Godkendt.
        """
    )
    assert list(m.participants) == [
        "Karen Møller Nielsen (sekretariatet)",
        "Anja Thorup (demenskoordinator, Herning Kommune)",
        "Bent Lauridsen (sundhedschef, Holstebro Kommune)",
    ]


def test_letterhead_and_beslutningsreferat_title():  # E: body None
    m = parse(
        """
        HOSPITALSENHED MIDT · VIBORG KOMMUNE · SKIVE KOMMUNE

        Beslutningsreferat
        Klyngestyregruppen i Midtklyngen

        1. Godkendelse af dagsorden
        Konklusion: Godkendt.
        """
    )
    assert m.body == "Klyngestyregruppen"


_PORTAL = """<html><body>
<main><h1>Klyngestyregruppen Randersklyngen - Referat</h1>
<h2>Medlemmer</h2><ul>
<li>Søren Hald, hospitalsdirektør, Regionshospitalet Randers</li>
<li>Jakob Mørk, direktør for Social og Sundhed, Norddjurs Kommune</li>
<li>Niels Kragh, praksiskonsulent, almen praksis</li></ul>
<h3>1. Godkendelse af dagsorden</h3><h4>Beslutning</h4><p>Godkendt.</p>
<h3>2. Eventuelt</h3><h4>Beslutning</h4><p>Intet.</p>
<div class="print-links"><a href="#">Udskriv</a> <a href="#">Hent som PDF</a></div>
</main>
<div class="site-footer"><h2>Kontakt</h2><p>Favrskov Kommune<br>Skovvej 20<br>8382 Hinnerup</p>
<p><a href="#">Tilgængelighedserklæring</a></p></div>
</body></html>"""


def test_portal_members_and_footer():  # C: members missing, footer in the last item
    text = html_loader.extract(_PORTAL.encode(), "p.html").text
    m = parse_minutes(text, "p.html")
    assert m.items[-1].text == "Beslutning\nIntet."
    assert "Jakob Mørk, direktør for Social og Sundhed, Norddjurs Kommune" in m.participants
    assert "Niels Kragh, praksiskonsulent, almen praksis" in m.participants


def test_docx_bold_dash_decision_run():  # B end to end through the DOCX loader
    d = docx.Document()
    d.add_paragraph("Referat fra møde i Koordineringsgruppen, Klynge Syd")
    for title, dec in (("Budgetopfølgning", "Mindreforbruget overføres til 2024."), ("Eventuelt", "Intet.")):
        d.add_paragraph(style="List Number").add_run(title).bold = True
        p = d.add_paragraph()
        p.add_run("Beslutning").bold = True
        p.add_run(" – " + dec)
    buf = io.BytesIO()
    d.save(buf)
    m = parse_minutes(docx_loader.extract(buf.getvalue(), "b.docx").text, "b.docx")
    assert [i.decision for i in m.items] == ["Mindreforbruget overføres til 2024.", None]
