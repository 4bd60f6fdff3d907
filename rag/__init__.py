"""Question answering over Danish health-cluster meeting minutes.

Flow: ingest/ (file -> text) -> parse/ (text -> Meeting) -> chunk.py ->
embed/ + lexical.py -> index.py -> query.py -> retrieve.py -> answer/ ->
cite.py -> pipeline.py -> cli.py / api/
"""

__version__ = "0.1.0"
