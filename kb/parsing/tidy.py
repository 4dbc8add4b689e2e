"""Field-level tidying after the token labels became fields: titles that
swallowed their venue, edition or place, CJK titles, Vancouver and MHRA
layouts, and the venue a type implies (used by kb.parse.parse)."""
from __future__ import annotations

import re

from .lexicon import PLACES
from ..text import YEAR


_CJK_HEAD = re.compile(r"[\"“「]?([\u3000-\u9fff][^.。\"”「」]{1,200}?"
                       r"(?:[\"“「][^\"”「」]{1,60}[\"”」][^.。\"”「」]{0,100}?)?)[\"”」]?\s*[.。]")


def cjk_title(out: dict, text: str) -> None:
    """A reference opening with Chinese or Japanese text ("金盾工程数据库包括 …. 博讯.
    (9 April 2006)") has that sentence for its title (a quotation inside it
    stays inside it)."""
    m = _CJK_HEAD.match(text)
    if not m:
        return
    head = m.group(1).strip()
    t = out["title"] or ""
    if t.startswith(head) and re.fullmatch(r"[.。]\s*[^.。]{1,40}", t[len(head):]):
        # "标题. 博讯" read as one title: the rest is the venue
        out["title"] = head
        out["container_title"] = out["container_title"] or t[len(head):].strip(" .。") or None
        return
    if t and t not in m.group(1):
        return
    names = [a.get("literal") or a.get("family") or "" for a in out["authors"]]
    head = head.strip()
    if len(names) == 1 and names[0].startswith(head) and len(names[0]) > len(head) + 1:
        rest = names[0][len(head):].strip(" .。,")  # "Title. Site" read as one name
        out["title"], out["authors"] = head, []
        out["container_title"] = out["container_title"] or rest or None
    elif all(nm and nm in head for nm in names):  # "names" read inside the title are none
        out["title"], out["authors"] = head, []


_TITLE_TAIL = re.compile(r"(.{8,}[a-z)])\.\s+([A-Z][\w'’&-]*(?:\s(?:[A-Z][\w'’&-]*|of|in|on|the|and|for|&)){0,4})$")


def lone_lowercase_title(out: dict) -> None:
    """A lower-case 'title' with nothing else found ("appendix 1, quote 1")
    is prose, not a reference."""
    t = out.get("title") or ""
    if t[:1].islower() and not any(out[k] for k in ("authors", "editors", "year", "date", "container_title",
                                                     "publisher", "volume", "pages", "url", "doi")):
        out["title"] = None


def unclosed_tail(out: dict) -> None:
    """"Title (R" -- an unclosed parenthesis ending a title is debris."""
    t = out.get("title") or ""
    m = re.search(r"\s\([^()]{0,20}$", t)
    if m and len(t) - len(m.group(0)) >= 8:
        out["title"] = t[: m.start()].rstrip(" ,.:")


def split_title_tail(out: dict, text: str = "") -> None:
    """A title never holds ". In Editors ..." (the chapter's book) nor, after an
    unbalanced closing quote, the venue ("Title" Taiwan News); a short
    capitalised tail after a full stop is the venue when none was found."""
    t = out.get("title") or ""
    m = re.match(r"(.{8,}?)\.\s+In:?\s+[A-Z]", t)
    if m:
        out["title"] = m.group(1)
        return
    m = re.match(r"([^\"”]{8,})[\"”]\s+([A-Z][^\"”]{1,60})$", t)
    if m and not out["container_title"] and not _quote_opens(text, t):
        out["title"], out["container_title"] = m.group(1), m.group(2)
        return
    m = _TITLE_TAIL.match(t)
    if m and not out["container_title"] and not out["publisher"] and (
            out["url"] or out["accessed"] or out["doi"] or out["volume"] or out["pages"]):
        out["title"], out["container_title"] = m.group(1), m.group(2).strip()


def _quote_opens(text: str, title: str) -> bool:
    """The title opens with a quotation ('"Tyrant Train Woman" Goes …'):
    its closing quote is balanced, not the end of a quoted title."""
    at = text.find(title)
    return at > 0 and text[:at].rstrip()[-1:] in "\"“"


_TITLE_EDITION = re.compile(r"(.{8,}?)[.,]\s+((?:first|second|third|fourth|fifth|revised|\d{1,2}(?:st|nd|rd|th|\.)?)"
                            r"\s+(?:edition|ed\.?|edn\.?|aufl\.?|auflage|éd\.?|édition))$", re.I)
_TITLE_PLACE = re.compile(r"(.{8,}?)[.,]\s+((?:[A-ZÀ-Ý][\w'’-]*\.?)(?:\s(?:[A-ZÀ-Ý][\w'’-]*|a|am)\.?){0,3})$")
_TITLE_SITE = re.compile(r"(.{8,}?),\s+([a-z][\w-]*(?:\.[a-z][\w-]*)*\.(?:com|org|net|gov|edu|cn|de|uk|info|io|fr|eu|int))$",
                         re.I)
_PLACE_GLUE = {"a", "am", "m", "main", "d", "an", "der"}  # "Frankfurt a. M.", "Halle an der Saale"


def title_edition_place(out: dict, text: str) -> None:
    """A title never ends in its web site ("…, asiasociety.org"), its edition
    ("… History. Second edition") nor in
    the place of publication ("… Prison. California, US: MIT Press" / "…,
    Opladen 2004"): words that are all place names, before ":" or a year, move
    to ``place``."""
    t = out.get("title") or ""
    m = _TITLE_SITE.match(t)
    if m and not out["container_title"]:  # "Title, asiasociety.org": the site
        out["title"], out["container_title"] = m.group(1), m.group(2)
        return
    m = _TITLE_EDITION.match(t)
    if m and not out["edition"]:
        out["title"], out["edition"] = m.group(1), m.group(2)
        t = m.group(1)
    y = re.match(r"(.{8,}[.,]\s+[A-ZÀ-Ý].{1,40}?)\s+(" + YEAR + r")$", t)
    if y and str(out.get("year")) == y.group(2):  # "Title. Palermo 2005": place and year
        t = y.group(1)
    m = _TITLE_PLACE.match(t)
    if m and not out["place"]:
        words = [w.strip(".,").lower() for w in m.group(2).split()]
        if all(w in PLACES or w in _PLACE_GLUE for w in words) and words[0] in PLACES and re.search(re.escape(m.group(2)) + r"[\s.A-Z]{0,6}(?::|\(?\d{4})", text):
            out["title"], out["place"] = m.group(1), m.group(2).rstrip(".")


_VANC = re.compile(r"\.\s+([^.;:]{2,120}?)\.?\s+(" + YEAR + r")(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?\s*[;:]")
# what every Vancouver match holds ("2017;" / "2017 Mar 3:"): a cheap test first
_VANC_TAIL = re.compile(YEAR + r"(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?\s*[;:]")
_MHRA = re.compile(r"(?<![\d.])(\d{1,4})\.(\d{1,3})\s*\((?:[A-Za-z]+\s+)?" + YEAR + r"\)")


def vancouver_and_mhra(out: dict, text: str) -> None:
    """Two layouts the style guides fix: Vancouver "Title. Journal 2017;12(3):33-45"
    (the words before "year;" are the journal) and MHRA "Journal, 12.3 (2017)"
    (volume.issue before the year)."""
    m = _VANC.search(text) if _VANC_TAIL.search(text) else None
    if m:
        journal = m.group(1).strip()
        t = out.get("title") or ""
        if t.endswith(journal) and len(t) > len(journal) + 3:
            out["title"] = t[: -len(journal)].rstrip(" .")
            out["container_title"] = out["container_title"] or journal
        elif not out["container_title"] and journal != t:
            out["container_title"] = journal
    if not out["volume"] and out["container_title"]:
        m = _MHRA.search(text)
        if m:
            out["volume"], out["issue"] = m.group(1), out["issue"] or m.group(2)


def split_question_title(out: dict) -> None:
    """"Is X coming? The Conversation" of an online item without container:
    the question ends the title, the rest names the container."""
    t = out.get("title") or ""
    m = re.match(r"(.{8,}\?)\s+((?:The\s+)?[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*){0,4})$", t)
    if m and not out["container_title"] and (out["url"] or out["accessed"] or len(out.get("date") or "") == 10):
        out["title"], out["container_title"] = m.group(1), m.group(2)


CONTAINER_TYPES = {"article-journal", "article-newspaper", "article-magazine", "webpage",
                   "post-weblog", "chapter", "entry-encyclopedia", "paper-conference",
                   "broadcast", "motion_picture"}
PUBLISHER_TYPES = {"report", "book", "thesis"}


def venue_by_type(out: dict) -> None:
    """A lone venue ("Pew Research Center." / "Technode.") is the publisher of a
    report or book but the container of an article or web page."""
    t = out["type"]
    if t in CONTAINER_TYPES and not out["container_title"] and out["publisher"] and not out["place"]:
        out["container_title"], out["publisher"] = out["publisher"], None
    elif t in PUBLISHER_TYPES and out["container_title"] and not out["publisher"] and not (
            out["volume"] or out["issue"] or out["pages"]) and not (
            t == "report" and (out["url"] or out["accessed"] or "." in out["container_title"].strip(". ")
                               or re.search(r"(?i)\b(?:paper|statement|release)\b", out["container_title"]))):
        out["publisher"], out["container_title"] = out["container_title"], None
