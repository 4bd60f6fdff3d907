"""Danish lexical search: an analyzer tuned for minutes and a BM25 index (bm25s).

The analyzer lowercases, keeps æøå and digits, drops a short stopword list,
stems with Snowball Danish and then normalises derivations further so that
"beslutning" ~ "besluttede" and "behandling" ~ "behandlet" meet. Hyphenated
and compound words are matched through a vocabulary of word forms seen in the
corpus (saved with the index): hyphen groups emit their parts and the joined
form, a long word is split into two known words, and two adjacent words are
joined when the join is a known word. Index and query go through the same
analysis, so every spelling of "IV-behandling" or "Randersklyngen" meets.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

logger = logging.getLogger(__name__)

_STOPWORD_TEXT = """
    og i at det der en et til om for på med af er som de den ikke har have havde haft
    jeg du han hun vi i man dem os mig dig jer ham hende sig sin sit sine hans hendes
    deres dens dets vores vor vort min mit mine din dit dine jeres
    hvis hvor hvad hvem hvilke hvilken hvilket hvordan hvorfor hvornår hvorvidt
    når så men eller samt også kan kunne skal skulle vil ville må måtte bør burde
    blive bliver blev blevet være været var
    fra ved under over efter før mod gennem igennem mellem uden inden hos ind ud op ned
    hen frem omkring bag blandt
    her nu da end endnu jo nok dog vel altså således
    mere mest meget mange nogle noget nogen ingen intet alle alt andre anden andet
    hver hvert hinanden selv sådan sådanne denne dette disse
    deri derfor dermed derefter derpå derved heraf herom herunder herved
    både enten hverken kun bare blot lige allerede
    ad vedr vedrørende ift mht pga bl ca dvs mv osv jf fx ifm mfl evt
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())
"""Function words and abbreviations; content words ("beslutning", "godkendt") are never dropped."""

# Verb roots in -nd whose infinitive Snowball over-stems ("godkende" -> "godk").
_ND_ROOTS = ("kend", "send", "vend", "find", "bind", "hænd", "tænd", "spænd", "brænd", "mind")
_VOWELS = frozenset("aeiouyæøå")
# A word, or a hyphen group; "IV- behandling" (line break, typo) joins, but a suspended
# hyphen before a conjunction ("Social- og sundhedsdirektør") does not.
_TOKEN = re.compile(r"[^\W_]+(?:-(?!\s*(?:og|eller|samt|til|som)\b)\s*[^\W_]+)*")
# Right-hand "parts" that are really derivational suffixes ("psykiatri-ske", "foregå-ende").
_SUFFIX_PARTS = frozenset(
    {"ske", "iske", "isk", "ende", "ene", "erne", "ede", "ere", "ser", "else", "ning", "hed"}
)
_MIN_SPLIT = 5  # shortest word considered for decompounding
_CACHE_MAX = 1_000_000  # per-analyzer word caches stop growing here

try:  # orjson reads the word-form vocabulary several times faster
    from orjson import loads as _loads
except ImportError:  # pragma: no cover
    _loads = json.loads  # type: ignore[assignment]

_stemmer = Stemmer.Stemmer("danish")
ANALYZER_ID = hashlib.sha256(Path(__file__).read_bytes() + version("PyStemmer").encode()).hexdigest()[:16]
"""Identifies this analyzer (its code and the stemmer's version): a BM25 index and the stored item
terms are valid only for the analyzer that made them (``rag.index`` records and checks it)."""
_stem_lock = threading.Lock()  # PyStemmer objects are not thread-safe


@lru_cache(maxsize=500_000)
def term(word: str) -> str:
    """Stem and normalise one lowercased word form ("" for stopwords and stray letters)."""
    if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
        return ""
    if not word.isalpha():
        return word
    base = word
    if word.endswith(("ende", "endes")) and word.rstrip("s")[:-1].endswith(_ND_ROOTS):
        base = word.rstrip("s")[:-1]  # infinitive of an -nd verb, not a participle
    with _stem_lock:
        s = _stemmer.stemWord(base)
    if s.endswith("ning") and len(s) >= 8:
        s = s[:-4]  # beslutning -> beslut
    elif s.endswith("ering") and len(s) >= 9:
        s = s[:-5]  # orientering -> orient
    elif s.endswith("ing") and len(s) >= 7:
        s = s[:-3]  # behandling -> behandl
    elif s.endswith("ed") and not s.endswith("hed") and len(s) >= 6:
        s = s[:-2]  # beslutted -> beslutt
    elif s.endswith("lt") and len(s) >= 5:
        s = s[:-1]  # aftalt -> aftal
    if len(s) >= 4 and s[-1] == s[-2] and s[-1] not in _VOWELS:
        s = s[:-1]  # beslutt -> beslut
    return s


def _prepare(text: str) -> str:
    """Lowercase, NFC-normalise and unify hyphen characters."""
    if "\u00ad" in text:
        text = text.replace("\u00ad", "")  # soft hyphen
    if "\u2010" in text or "\u2011" in text:
        text = text.replace("\u2010", "-").replace("\u2011", "-")
    text = text.lower()
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _parts(raw: str) -> list[str]:
    """Split a hyphen group ("iv- behandling") into its non-empty parts."""
    return [p for p in (x.strip() for x in raw.split("-")) if p]


def count_terms(vocab: Mapping[str, int]) -> dict[str, int]:
    """Sum word-form counts per term ("godkendt" and "godkender" both count for "godkend")."""
    counts: dict[str, int] = {}
    for form, n in vocab.items():
        t = term(form)
        if t:
            counts[t] = counts.get(t, 0) + n
    return counts


def build_vocab(texts: Iterable[str]) -> dict[str, int]:
    """Count the surface word forms of ``texts`` (the vocabulary used for compounds)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(_TOKEN.findall(_prepare(text)))  # counted in C; hyphen groups fixed below
    for raw in [w for w in counts if "-" in w]:
        n = counts.pop(raw)
        parts = _parts(raw)
        for form in [*parts, "".join(parts)]:
            counts[form] += n
    return dict(counts)


class Analyzer:
    """Turns text into index terms; ``vocab`` (word form -> count) enables (de)compounding."""

    def __init__(self, vocab: Mapping[str, int] | None = None, term_counts: Mapping[str, int] | None = None):
        self.vocab: Mapping[str, int] = vocab or {}
        self.term_counts: Mapping[str, int] = (
            term_counts if term_counts is not None else count_terms(self.vocab)
        )
        self._word_cache: dict[str, tuple[str, ...]] = {}

    def split(self, word: str) -> tuple[str, ...]:
        """Split a compound into two known word forms, e.g. "randersklyngen" -> randers + klyngen."""
        vocab, tc = self.vocab, self.term_counts
        if len(word) < _MIN_SPLIT or not word.isalpha() or not vocab:
            return ()
        # Koehn & Knight: split only when the parts are more frequent than the whole (geometric
        # mean, counted per term so that "godkende" meets the frequent "godkend" and stays whole).
        whole = term(word)
        threshold = tc.get(whole, 0) ** 2
        best: tuple[str, ...] = ()
        best_score = (threshold, 0)
        for i in range(2, len(word) - 2):
            left, right = word[:i], word[i:]
            if right not in vocab and right[0] == "s" and len(right) > 4:
                right = right[1:]  # linking s: sundhed-s-aftale
            if left not in vocab or right not in vocab or right in _SUFFIX_PARTS:
                continue
            tl, tr = term(left), term(right)
            if not tl or len(tr) < 3 or tl == whole:  # stopword part, suffix ("-ske"), inflection
                continue
            score = (tc.get(tl, 0) * tc.get(tr, 0), len(right))
            if score[0] >= max(threshold, 1) and score > best_score:
                best, best_score = (left, right), score
        return best

    def __call__(self, text: str) -> list[str]:
        """Analyse ``text`` into terms (same analysis for documents and queries)."""
        out: list[str] = []
        append, extend = out.append, out.extend
        vocab = self.vocab
        lookup = self._word_cache.get
        prev = ""  # previous content word, for joining "randers klyngen"
        for raw in _TOKEN.findall(_prepare(text)):
            terms = lookup(raw)
            if terms is None:
                terms = self._terms(raw)
            if terms:
                extend(terms)
                if prev and vocab:
                    joined = prev + raw
                    if joined in vocab:
                        append(term(joined))
                prev = raw if raw.isalpha() else ""
            else:
                prev = ""
        return out

    def _terms(self, raw: str) -> tuple[str, ...]:
        """Terms of one token (cached): a word and its compound parts, or a hyphen group's parts + join."""
        if "-" in raw:
            parts = _parts(raw)
            terms = tuple(t for t in (*map(term, parts), term("".join(parts))) if t)
            return terms  # not cached, and never joined with a neighbour
        t = term(raw)
        terms = (t, *(x for x in map(term, self.split(raw)) if x)) if t else ()
        if len(self._word_cache) < _CACHE_MAX:
            self._word_cache[raw] = terms
        return terms


_ASCII_DANISH = (("aa", "å"), ("ae", "æ"), ("oe", "ø"))
_RESPELL_WORD = re.compile(r"[^\W\d_]*(?:aa|ae|oe)[^\W\d_]*", re.IGNORECASE)


def respell(text: str, vocab: Mapping[str, int]) -> str:
    """Danish letters typed without a Danish keyboard ("aeldre", "moede", "paa"), restored where
    the minutes' vocabulary knows the restored word and not the typed one. Words the minutes
    use as typed ("Aarhus", "Michael") are left alone."""
    if not vocab:
        return text

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        if low in vocab:
            return word
        for cand in _spellings(low):
            if cand in vocab:
                return cand[0].upper() + cand[1:] if word[0].isupper() else cand
        return word

    return _RESPELL_WORD.sub(fix, text)


def _spellings(word: str) -> list[str]:
    """Every way of reading the word's "aa"/"ae"/"oe" as å/æ/ø (left to right), the word excluded."""
    out = [""]
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        swap = next((d for a, d in _ASCII_DANISH if pair == a), None)
        if swap and len(out) <= 16:
            out = [o + pair for o in out] + [o + swap for o in out]
            i += 2
        else:
            out = [o + word[i] for o in out]
            i += 1
    return [o for o in out if o != word]


_plain = Analyzer()


def analyze(text: str) -> list[str]:
    """Analyse ``text`` into Danish terms without a vocabulary (``LexicalIndex.analyzer`` adds compounds)."""
    return _plain(text)


class LexicalIndex:
    """BM25 (bm25s, Lucene variant) over analysed texts; rows are positions in the built texts."""

    def __init__(self, retriever: bm25s.BM25 | None, analyzer: Analyzer, n_docs: int) -> None:
        self._bm25 = retriever
        self.analyzer = analyzer
        self.n_docs = n_docs

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        """Analyse and index ``texts``."""
        analyzer = Analyzer(build_vocab(texts))
        retriever = None
        if texts:
            retriever = bm25s.BM25()
            retriever.index([analyzer(t) for t in texts], show_progress=False)
        logger.info("lexical index: %d docs, %d word forms", len(texts), len(analyzer.vocab))
        return cls(retriever, analyzer, len(texts))

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top ``k`` (row, score) by descending BM25 score, only rows in ``allowed`` when given."""
        if self._bm25 is None or k <= 0:
            return []
        vocab_ids = self._bm25.vocab_dict
        ids = sorted({vocab_ids[t] for t in self.analyzer(query) if t in vocab_ids})
        if not ids:
            return []
        mask = None
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=np.int64)
            allowed = allowed[(allowed >= 0) & (allowed < self.n_docs)]
            if len(allowed) == 0:
                return []
            # bm25s multiplies every document's score by its weight: the filter is applied
            # before top-k, so a selective filter still gets its k best rows.
            mask = np.zeros(self.n_docs, dtype=np.float32)
            mask[allowed] = 1.0
        scores = self._bm25.get_scores_from_ids(ids, weight_mask=mask)
        return top_k(scores, k)

    def idf(self, terms: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of analysed terms (unknown terms get the highest weight)."""
        n = max(self.n_docs, 1)
        if self._bm25 is None:
            return {t: math.log(1 + n) for t in terms}
        vocab_ids = self._bm25.vocab_dict
        indptr = self._bm25.scores["indptr"]
        out = {}
        for t in terms:
            i = vocab_ids.get(t)
            df = 0 if i is None else int(indptr[i + 1] - indptr[i])
            out[t] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return out

    def save(self, path: Path) -> None:
        """Write the index into the folder ``path``."""
        path.mkdir(parents=True, exist_ok=True)
        meta = {"n_docs": self.n_docs, "bm25s": bm25s.__version__}
        (path / "lexical.json").write_text(json.dumps(meta), encoding="utf-8")
        forms = {"forms": self.analyzer.vocab, "terms": self.analyzer.term_counts}
        (path / "forms.json").write_text(json.dumps(forms, ensure_ascii=False), encoding="utf-8")
        if self._bm25 is not None:
            self._bm25.save(str(path / "bm25"), show_progress=False)

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        """Read an index written by :meth:`save`; raises ValueError when it is inconsistent."""
        meta = json.loads((path / "lexical.json").read_text(encoding="utf-8"))
        n_docs = int(meta["n_docs"])
        retriever = None
        if n_docs:
            retriever = bm25s.BM25.load(str(path / "bm25"), show_progress=False)
            if retriever.scores["num_docs"] != n_docs:
                raise ValueError(f"bm25 index holds {retriever.scores['num_docs']} docs, expected {n_docs}")
        return cls(retriever, load_analyzer(path), n_docs)


def load_analyzer(path: Path) -> Analyzer:
    """The analyzer of the index saved in ``path`` (its word forms), without loading BM25."""
    forms = _loads((path / "forms.json").read_bytes())
    return Analyzer(forms["forms"], forms["terms"])


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Rows with positive score, best ``k`` first (ties by row id)."""
    rows = np.flatnonzero(scores > 0)
    if len(rows) > k:
        part = np.argpartition(-scores[rows], k - 1)[:k]
        rows = rows[part]
    order = np.lexsort((rows, -scores[rows]))
    return [(int(r), float(scores[r])) for r in rows[order]]
