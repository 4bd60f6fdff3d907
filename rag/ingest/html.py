"""HTML loader (selectolax/lexbor): the page's content without menus, banners and scripts.

Block elements become lines, ``<br>`` a newline, list items ``- item`` or
``3. item``, table rows tab-separated cells, definition lists ``term: definition``
and headings their own line after a blank one. Page chrome is skipped while
walking, never decomposed, so no node is touched after it has been freed.
"""

from __future__ import annotations

import codecs
import logging
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from rag.errors import IngestError
from rag.ingest._text import DANISH_BINARY, DANISH_EMPTY, Extracted, clean, decode, tidy_lines
from rag.ingest.sniff import UTF16_BOMS, looks_binary
from rag.types import CELL_BREAK

logger = logging.getLogger(__name__)

DANISH_CORRUPT = "HTML-filen kan ikke læses."

_DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "nav", "form", "button", "select", "input", "textarea",
    "iframe", "svg", "canvas", "object", "embed", "dialog", "menu", "head", "title", "meta", "link",
})  # fmt: skip
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog"})
# Matched in id/class: a CMS's page footer is often <div class="site-footer">, not <footer>.
_JUNK_WORDS = ("cookie", "consent", "banner", "menu", "breadcrumb", "skip", "footer")
_META_WORDS = r"dato|mødedato|tidspunkt|tid|sted|mødested"
_META_LABEL = re.compile(rf"\b(?:{_META_WORDS})\s*:", re.I)
_META_TERM = re.compile(rf"(?:{_META_WORDS})\s*:?", re.I)  # a <dt>/<th> cell
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PLACE_ICON = re.compile(r"\bicon[-_]+(?:pin|map-?pin|map-?marker|location|place)\b", re.I)
_BLOCKS = frozenset({
    "p", "div", "section", "article", "main", "aside", "header", "footer", "address", "blockquote",
    "figure", "figcaption", "details", "summary", "fieldset", "center", "hr", "caption",
    "thead", "tbody", "tfoot", "tr", "td", "th", "li", "dt", "dd",
})  # fmt: skip
_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I
)
# WHATWG: pages labelled latin-1 or ascii are decoded as windows-1252.
_CHARSET_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}


def extract(data: bytes, path: str) -> Extracted:
    """Decode (BOM, meta charset, utf-8/cp1252/latin-1) and render the page body as text."""
    if not data.startswith(UTF16_BOMS) and looks_binary(data):
        raise IngestError(path, "binary content", danish=DANISH_BINARY)
    text, encoding = decode(data, declared_charset(data))
    logger.debug("%s decoded as %s", path, encoding)
    tree = LexborHTMLParser(text)
    root = tree.body or tree.root
    if root is None:
        raise IngestError(path, "empty (no HTML content)", danish=DANISH_EMPTY)
    walker = _Walker(_Counters.from_styles(tree))
    try:
        walker.walk(root)
    except RecursionError as exc:
        raise IngestError(path, "corrupt HTML (nested too deeply)", danish=DANISH_CORRUPT) from exc
    return Extracted(clean(walker.text()))


def declared_charset(data: bytes) -> str | None:
    """The charset named by a <meta> tag or XML declaration, as a Python codec name."""
    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii", errors="ignore")
    try:
        name = codecs.lookup(label).name
    except LookupError:
        logger.debug("unknown charset %r in meta tag", label)
        return None
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"  # a utf-16 label on a page without a BOM is wrong (WHATWG does the same)
    return _CHARSET_ALIASES.get(name, name)


def _attr(node: LexborNode, name: str) -> str:
    return (node.attributes.get(name) or "").lower()


def _holds_content(node: LexborNode) -> bool:
    """Guard against removing the page: never drop an element that holds the main content."""
    return node.tag in ("html", "body", "main", "article") or node.css_first("main, article, h1") is not None


def _inside_content(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in ("main", "article"):
            return True
        parent = parent.parent
    return False


def is_junk(node: LexborNode) -> bool:
    """True for scripts, forms, hidden elements, menus, cookie banners and page headers/footers."""
    tag = node.tag or ""
    attributes = node.attributes
    if tag == "button" and "aria-controls" in attributes and "aria-expanded" in attributes:
        return False  # an accordion's trigger: the title of the panel it opens
    if tag in _DROP_TAGS:
        return not (tag == "nav" and _is_page_contents(node))
    if "hidden" in attributes and "aria-labelledby" in attributes:
        return False  # a collapsed accordion panel ("aria-labelledby" its trigger): content, not chrome
    if "hidden" in attributes or _attr(node, "aria-hidden") == "true":
        return True
    style = _attr(node, "style").replace(" ", "")
    if "display:none" in style or "visibility:hidden" in style:
        return True
    names = f"{_attr(node, 'id')} {_attr(node, 'class')}"
    if _attr(node, "role") in _DROP_ROLES or any(word in names for word in _JUNK_WORDS):
        return not _holds_content(node)
    if tag in ("header", "footer"):
        # An article's own header holds its title; the page's header holds the menus.
        return not _inside_content(node) and not _holds_content(node)
    if tag == "aside" and not _inside_content(node) and not _holds_content(node):
        # A sidebar beside the page's main content ("Tidligere møder", "Kontakt") - unless it is
        # the meeting's facts box ("Dato: …", "Sted: …").
        return not _has_meeting_facts(node)
    return False


def _is_page_contents(node: LexborNode) -> bool:
    """A <nav> that lists this page's own sections (every link an in-page "#punkt-3" anchor):
    the agenda, whose list gives the items their numbers. Site menus link to other pages."""
    hrefs = [_attr(a, "href") for a in node.css("a")]
    return len(hrefs) >= 3 and all(h.startswith("#") and len(h) > 1 for h in hrefs) \
        and node.css_first("ol, ul") is not None


def _has_meeting_facts(node: LexborNode) -> bool:
    """"Dato: …" / "Sted: …" as text, or as the terms of a definition list or table."""
    if _META_LABEL.search(node.text(separator=" ")):
        return True
    return any(_META_TERM.fullmatch(" ".join(cell.text().split())) for cell in node.css("dt, th"))


_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COUNTER_INCREMENT = re.compile(r"counter-increment\s*:\s*([\w-]+)")
_COUNTER_RESET = re.compile(r"counter-reset\s*:\s*([\w-]+)")
_COUNTER_CONTENT = re.compile(r"""content\s*:\s*counter\(\s*([\w-]+)\s*\)\s*(?:(["'])(.*?)\2)?""")
_BEFORE = re.compile(r"\s*::?before\s*$")


class _Counters:
    """CSS counters that number the page's items ("1. " before each item card's title): the
    number is in the style sheet, not in the text, so the walker writes it out.

    Only the common pattern is read: ``counter-reset``, ``counter-increment`` and a ``::before``
    whose content is ``counter(name)`` plus a literal suffix. Each rule's elements are found once
    (``mem_id`` sets); ``css_matches`` would also match an element whose descendants match.
    """

    def __init__(self, resets: list[tuple[set[int], str]], increments: list[tuple[set[int], str]],
                 befores: list[tuple[set[int], str, str]]) -> None:
        self.resets, self.increments, self.befores = resets, increments, befores
        self.values: dict[str, int] = {}

    @classmethod
    def from_styles(cls, tree: LexborHTMLParser) -> _Counters:
        resets: list[tuple[set[int], str]] = []
        increments: list[tuple[set[int], str]] = []
        befores: list[tuple[set[int], str, str]] = []
        for style in tree.css("style"):
            for selectors, body in _CSS_RULE.findall(style.text(deep=True) or ""):
                for sel in (x.strip() for x in selectors.split(",") if x.strip()):
                    if (m := _COUNTER_RESET.search(body)) and m.group(1) != "none":
                        resets.append((_elements(tree, sel), m.group(1)))
                    if (m := _COUNTER_INCREMENT.search(body)) and m.group(1) != "none":
                        increments.append((_elements(tree, sel), m.group(1)))
                    if _BEFORE.search(sel) and (m := _COUNTER_CONTENT.search(body)):
                        befores.append((_elements(tree, _BEFORE.sub("", sel)), m.group(1), m.group(3) or ""))
        return cls(resets, increments, befores)

    def enter(self, node: LexborNode) -> str:
        """Apply the element's resets and increments; the text its ::before writes, if any."""
        if not self.befores:
            return ""
        key = node.mem_id
        for nodes, name in self.resets:
            if key in nodes:
                self.values[name] = 0
        for nodes, name in self.increments:
            if key in nodes:
                self.values[name] = self.values.get(name, 0) + 1
        for nodes, name, suffix in self.befores:
            if key in nodes:
                return f"{self.values.get(name, 0)}{suffix}"
        return ""


def _is_place_icon(node: LexborNode) -> bool:
    """An empty icon element whose class names a map pin ("icon icon--pin")."""
    return node.tag in ("span", "i") and bool(_PLACE_ICON.search(_attr(node, "class"))) \
        and not node.text(strip=True)


def _elements(tree: LexborHTMLParser, selector: str) -> set[int]:
    try:
        return {n.mem_id for n in tree.css(selector)}
    except SelectolaxError:  # a selector lexbor cannot parse (vendor syntax): it numbers nothing
        return set()


class _Walker:
    """Renders a DOM subtree into lines; whitespace inside a line is collapsed."""

    def __init__(self, counters: _Counters | None = None) -> None:
        self.lines: list[str] = []
        self._parts: list[str] = []
        self._prefix = ""
        self._depth = 0
        self._counters = counters or _Counters([], [], [])

    def text(self) -> str:
        self.newline()
        return tidy_lines(self.lines)

    def newline(self) -> None:
        content = " ".join(clean("".join(self._parts)).split())
        self._parts = []
        if content:
            self.lines.append(self._prefix + content)
            self._prefix = ""

    def blank(self) -> None:
        self.newline()
        self.lines.append("")

    def walk(self, node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            if child.is_text_node:
                self._parts.append(child.text_content or "")
            elif child.is_element_node and _is_place_icon(child):
                self._parts.append("Sted: ")  # a map-pin icon labels the place in a CMS's meeting facts
            elif child.is_element_node and not is_junk(child):
                self._element(child)

    def _element(self, node: LexborNode) -> None:
        tag = node.tag or ""
        generated = self._counters.enter(node)
        if generated and tag in _HEADINGS:
            self.blank()
            self._parts.append(generated)
            self.walk(node)
            self.newline()
            return
        if generated:
            self._parts.append(generated)
        if tag == "br":
            self.newline()
        elif tag in _HEADINGS:
            self.blank()
            self.walk(node)
            self.newline()
        elif tag in ("ul", "ol"):
            self._list(node)
        elif tag == "table" and (margin := _margin_item(node)) is not None:
            self.newline()
            self.lines.extend(margin)
        elif tag == "table" and not _is_layout_table(node):
            self._table(node)
        elif tag == "dl":
            self._definitions(node)
        elif tag == "time":
            self.walk(node)
            self._parts.append(_time_year(node))
        elif tag == "pre":
            self.newline()
            self.lines.extend((node.text(deep=True) or "").splitlines())
        elif tag in _BLOCKS or tag == "table":
            self.newline()
            self.walk(node)
            self.newline()
        else:
            self.walk(node)

    def _list(self, node: LexborNode) -> None:
        ordered = node.tag == "ol"
        number = _int(node.attributes.get("start"), 1)
        self._depth += 1
        for item in node.iter():
            if is_junk(item):
                continue
            if item.tag != "li":  # e.g. a <ul> directly inside a <ul>
                self._element(item)
                continue
            number = _int(item.attributes.get("value"), number)
            self.newline()
            self._prefix = "  " * (self._depth - 1) + (f"{number}. " if ordered else "- ")
            self.walk(item)
            self.newline()
            number += 1
        self._depth -= 1
        self._prefix = ""

    def _table(self, node: LexborNode) -> None:
        self.newline()
        for part in node.iter():
            if part.tag == "caption":
                self.lines.append(_inline(part))
            rows = part.iter() if part.tag in ("thead", "tbody", "tfoot") else [part]
            for row in rows:
                if row.tag != "tr" or is_junk(row):
                    continue
                cells = [
                    _cell_text(cell) for cell in row.iter() if cell.tag in ("td", "th") and not is_junk(cell)
                ]
                if any(cells):
                    self.lines.append("\t".join(cells))

    def _definitions(self, node: LexborNode) -> None:
        """Each group of terms and definitions: "Dato: Fredag den 2. juni 2023" on one line when
        its definitions are inline text; as blocks (the term on its own line, like a heading, then
        the definition's lines) when a definition holds paragraphs or a list (an agenda: item
        title -> its text; "Deltagere" -> a list of names)."""
        self.newline()
        # HTML allows <div> wrappers around dt/dd groups.
        items = [item for child in node.iter() for item in (child.iter() if child.tag == "div" else [child])]
        groups: list[tuple[list[LexborNode], list[LexborNode]]] = []
        for item in items:
            if is_junk(item) or item.tag not in ("dt", "dd"):
                continue
            if item.tag == "dt" and (not groups or groups[-1][1]):
                groups.append(([], []))
            if not groups:
                groups.append(([], []))
            groups[-1][0 if item.tag == "dt" else 1].append(item)
        for terms, definitions in groups:
            if any(d.css_first(_BLOCK_CONTENT) is not None for d in definitions):
                for t in terms:
                    self.blank()
                    self.lines.append(_inline(t))
                for d in definitions:
                    self.walk(d)
                    self.newline()
            else:
                self.lines.append(_definition_line([_inline(t) for t in terms], [_inline(d) for d in definitions]))


def _definition_line(terms: list[str], definitions: list[str]) -> str:
    term, definition = ", ".join(t for t in terms if t), "; ".join(d for d in definitions if d)
    return f"{term}: {definition}" if term and definition else term or definition


_BLOCK_CONTENT = "p, div, ul, ol, table, dl, h1, h2, h3, h4, h5, h6, blockquote, pre, section"
_ISO_DATE = re.compile(r"^\s*((?:19|20)\d{2}-\d{2}-\d{2})")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _time_year(node: LexborNode) -> str:
    """' (2024-06-04)' after a <time datetime="2024-06-04T14:00"> whose text has no year.

    "Tirsdag 4. juni" alone leaves the year to guesswork; the machine-readable date does not.
    """
    m = _ISO_DATE.match(node.attributes.get("datetime") or "")
    if not m or _YEAR.search(node.text(deep=True) or ""):
        return ""
    return f" ({m.group(1)})"


_EMPHASIS = frozenset({"strong", "b", "h1", "h2", "h3", "h4", "h5", "h6"})


def _cell_text(node: LexborNode) -> str:
    """A table cell on one line; a bold/heading first line over more text is kept apart by
    CELL_BREAK (see rag.types): "<strong>Title</strong><p>Case ...</p>" is a title cell."""
    walker = _Walker()
    walker.walk(node)
    walker.newline()
    lines = [p for p in (" ".join(line.split()) for line in walker.lines) if p]
    if len(lines) > 1 and _opens_with_emphasis(node, lines[0]):
        return lines[0] + CELL_BREAK + " ".join(lines[1:])
    return " ".join(lines)


def _opens_with_emphasis(node: LexborNode, first_line: str) -> bool:
    """Is the cell's first line wholly a <strong>/<b>/<hN> (possibly inside a <p>)?"""
    child = next((c for c in node.iter() if not is_junk(c)), None)
    while child is not None:
        if child.tag in _EMPHASIS:
            return " ".join((child.text(deep=True) or "").split()) == first_line
        if child.tag not in ("p", "div", "span"):
            return False
        child = next((c for c in child.iter() if not is_junk(c)), None)
    return False


def _inline(node: LexborNode) -> str:
    """The subtree's text on one line (for table cells and definition lists)."""
    walker = _Walker()
    walker.walk(node)
    walker.newline()
    return " ".join(" ".join(walker.lines).split())


_MARGIN_NUMBER = re.compile(r"^\s*(\d{1,2})[.)]?(?!\d)\s*(.*)$", re.S)
MARGIN_CELL_CHARS = 40
_BLOCK_CHILDREN = frozenset({"p", "div", "ul", "ol", "table"}) | _HEADINGS


def _margin_item(node: LexborNode) -> list[str] | None:
    """An agenda item laid out as a one-row table: its number (and a case number) in a narrow
    left cell, title and sections as paragraphs in the right one. Rendered as "3<TAB>Title",
    then the left cell's rest and the paragraphs, so the item reads like any other."""
    rows = [r for r in node.css("tr") if not is_junk(r)]
    if len(rows) != 1:
        return None
    cells = [c for c in rows[0].iter() if c.tag in ("td", "th") and not is_junk(c)]
    if len(cells) != 2:
        return None
    left, right = cells
    pieces = [" ".join((c.text(deep=True) or "").split()) for c in left.iter() if not is_junk(c)]
    pieces = [p for p in pieces if p] or [" ".join((left.text(deep=True) or "").split())]
    m = _MARGIN_NUMBER.match(pieces[0])
    if m is None or len(" ".join(pieces)) > MARGIN_CELL_CHARS:
        return None
    if sum(1 for c in right.iter() if c.tag in _BLOCK_CHILDREN) < 2:
        return None
    walker = _Walker()
    walker.walk(right)
    walker.newline()
    body = [line for line in walker.lines if line.strip()]
    if not body:
        return None
    rest = [r for r in [m.group(2).strip(), *pieces[1:]] if r]
    return [f"{m.group(1)}\t{body[0]}", *rest, *body[1:], ""]


def _is_layout_table(node: LexborNode) -> bool:
    """Tables used for page layout (nested tables, headings inside) are rendered as blocks."""
    return any(inner.mem_id != node.mem_id for inner in node.css("table")) or (
        node.css_first("h1, h2, h3, h4, h5, h6") is not None
    )


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
