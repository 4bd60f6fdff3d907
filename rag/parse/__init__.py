"""Minutes text -> ``Meeting`` with agenda items (pure, no I/O).

Modules, in pipeline order:

- ``clean``         normalisation: page marks, letterheads, web chrome, bullets, hyphenation
- ``blocks``        metadata/attendance blocks ("Deltagere:", "Tid og sted:") and participants
- ``candidates``    lines that could open an agenda item, titles read as printed
- ``items``         the agenda: best increasing chain 1..N, agenda list first, title matching
- ``sections``      an item's sections (indstilling, sagsfremstilling, beslutning, ...)
- ``meeting_date``  which date is the meeting's
- ``cluster``       which health cluster, from names and places in the text
- ``meta``          title, body (the group that met) and place
- ``minutes``       ``parse_minutes``, wiring the above together
- ``output``        ``meeting_to_dict`` and ``format_outline``
"""

from rag.parse.minutes import parse_minutes
from rag.parse.output import format_outline, meeting_to_dict

__all__ = ["format_outline", "meeting_to_dict", "parse_minutes"]
