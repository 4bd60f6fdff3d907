"""Deterministic synthetic minutes for scale benchmarks: the sample minutes' items recombined.

``generate(out_dir, n_items, seed)`` writes ``n_items // ITEMS_PER_MEETING`` meetings as
``.txt`` minutes in one plain layout the parser reads back (title line with body, cluster and
date; place; participants; agenda; numbered items with "Sagsfremstilling"/"Beslutning"). Item
texts, titles and decisions come from the parsed sample minutes; cluster, date (2015-2025),
item order and numbering vary by a seeded RNG, so the same seed gives byte-identical files.

    python -m bench.synth OUT_DIR 1000 [--seed 7]
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.common import MINUTES
from rag.parse import parse_minutes
from rag.settings import DEFAULT_CLUSTER_ALIASES

ITEMS_PER_MEETING = 20
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
          "oktober", "november", "december")
CLUSTERS = tuple(DEFAULT_CLUSTER_ALIASES)
PLACES = ("Regionshospitalet Randers, mødelokale 1", "RH Viborg, mødelokale 22", "Online",
          "Regionshospitalet Horsens", "Aarhus Universitetshospital", "Regionshospitalet Gødstrup")
# A body line must not look like an agenda number or a section heading of the layout.
_NUMBERED = re.compile(r"^\s*(\d{1,3}[.)]|[ivx]+\.|[a-z]\))\s", re.IGNORECASE)


@dataclass(frozen=True)
class _Item:
    title: str
    body: str
    decision: str


def _one_line(s: str) -> str:
    return " ".join(s.split())


def _tidy(text: str) -> str:
    lines = []
    for line in text.splitlines():
        line = line.rstrip()
        lines.append(("- " + line.lstrip()) if _NUMBERED.match(line) else line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def sample_items(minutes: Path = MINUTES) -> list[_Item]:
    """Title, body (item text minus its decision section) and decision of every sample item."""
    out: list[_Item] = []
    for path in sorted(minutes.glob("*.txt")):
        meeting = parse_minutes(path.read_text(encoding="utf-8"), path.name)
        for item in meeting.items:
            parts = [s.text for s in item.sections if s.name != "beslutning" and s.text.strip()]
            body = "\n\n".join(parts) if parts else item.text
            title = _one_line(item.title)[:120] or "Orientering"
            decision = _tidy(item.decision or "") or "Punktet blev taget til efterretning."
            out.append(_Item(title, _tidy(body) or title, decision))
    return out


def _participants(rng: random.Random) -> list[str]:
    first = ("Anne", "Lars", "Mette", "Søren", "Hanne", "Jørgen", "Lene", "Per", "Marie", "Kim")
    last = ("Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Kjær", "Bøgh", "Sørensen")
    role = ("sundhedschef", "lægefaglig direktør", "omsorgschef", "praktiserende læge", "hospitalsdirektør")
    return [f"{rng.choice(first)} {rng.choice(last)}, {rng.choice(role)}" for _ in range(rng.randint(6, 12))]


def render(cluster: str, date: tuple[int, int, int], place: str, participants: list[str],
           items: list[_Item]) -> str:
    """One set of minutes in the synthetic layout."""
    y, m, d = date
    lines = [
        f"Referat fra møde i Klyngestyregruppen for {cluster}",
        f"den {d}. {MONTHS[m - 1]} {y} kl. 13.00",
        f"Sted: {place}",
        "",
        "Deltagere:",
        *participants,
        "",
        "Dagsorden:",
        *(f"{n}. {it.title}" for n, it in enumerate(items, 1)),
        "",
    ]
    for n, it in enumerate(items, 1):
        lines += ["", f"{n}. {it.title}", "", "Sagsfremstilling", "", it.body, "", "Beslutning", "",
                  it.decision, ""]
    return "\n".join(lines) + "\n"


def generate(out_dir: Path, n_items: int, seed: int = 7, per_meeting: int = ITEMS_PER_MEETING) -> list[Path]:
    """Write ceil(n_items / per_meeting) minutes files to ``out_dir``; returns their paths."""
    rng = random.Random(seed)
    pool = sample_items()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    left = n_items
    n = 0
    while left > 0:
        k = min(per_meeting, left)
        date = (rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28))
        items = [pool[i] for i in rng.sample(range(len(pool)), k)]
        text = render(rng.choice(CLUSTERS), date, rng.choice(PLACES), _participants(rng), items)
        path = out_dir / f"synth_{n:06d}.txt"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
        left -= k
        n += 1
    return paths


def check(paths: list[Path], expected_items: int, per_meeting: int = ITEMS_PER_MEETING, sample: int = 25) -> None:
    """Reparse a sample (first, last and seeded picks) and assert the intended item counts."""
    rng = random.Random(0)
    picks = sorted({0, len(paths) - 1, *rng.sample(range(len(paths)), min(sample, len(paths)))})
    for i in picks:
        m = parse_minutes(paths[i].read_text(encoding="utf-8"), paths[i].name)
        want = per_meeting if i < len(paths) - 1 else expected_items - per_meeting * (len(paths) - 1)
        got = [it.number for it in m.items]
        assert got == [str(j) for j in range(1, want + 1)], f"{paths[i].name}: items {got}, want 1..{want}"
        assert m.cluster in CLUSTERS and m.date is not None, f"{paths[i].name}: {m.cluster} {m.date}"


if __name__ == "__main__":
    out, count = Path(sys.argv[1]), int(sys.argv[2])
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 7
    files = generate(out, count, seed)
    check(files, count)
    print(f"{len(files)} files, {count} items in {out}")  # noqa: T201
