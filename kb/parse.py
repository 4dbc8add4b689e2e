"""One reference string -> CSL fields.

    >>> from kb.parse import parse
    >>> f = parse("Wang, Y., & Minzner, C. (2015). The Rise of the Chinese Security "
    ...           "State. The China Quarterly, 222, 339-359. doi: 10.1017/S0305741015000430")
    >>> f["authors"][0]["family"], f["year"], f["doi"]
    ('Wang', 2015, '10.1017/S0305741015000430')

Design: rules take what rules do best (URLs, DOIs, ISBNs, access dates,
"here: 361"); a leading list label ("12.", "[12]") is dropped; a CRF
sequence labeller (python-crfsuite, model in kb/data/parser.crfsuite, trained
by scripts/train_parser.py -> kbdev/train_parser.py on reference strings
people labelled (AnyStyle's parser data) plus synthetic references rendered
through CSL styles) labels the remaining tokens; the labels are
post-processed into fields (names split, dates read) and a type is inferred.
From the CRF's marginal probabilities each field gets a confidence: the
result carries ``confidence`` (0-1, the least sure field's, lowered for an
incomplete reference), ``low_confidence`` (fields below LOW_CONFIDENCE) and
``field_confidence`` (field -> probability).  Without a model file a rule-only labeller is used.  Input is capped
(2,000 characters) so any line parses in bounded time; ``raw`` is never lost
(the caller keeps it, and ``parse_ok`` says whether anything was found).
"""
from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path

from .parsing import rules, heuristic
from .models import REF_PARSED
from .text import YEAR
from .parsing.dates import numeric_order, parse_date, find_year
from .parsing.fields import to_fields
from .parsing.tidy import (cjk_title, split_title_tail, title_edition_place, vancouver_and_mhra,
                           split_question_title, venue_by_type, lone_lowercase_title, unclosed_tail)
from .parsing.names import ORG_WORDS, PARTICLES
from .parsing.tokens import tokenize, features, _quote_states
from .parsing.types import guess_type

MODEL_PATH = Path(__file__).parent / "data" / "parser.crfsuite"
MAX_CHARS = rules.MAX_CHARS
# every field parse() returns, empty (one list: models.REF_PARSED)
EMPTY = {**{k: None for k in REF_PARSED}, "parse_ok": False,
         **{k: [] for k in ("authors", "editors", "translators", "low_confidence")},
         "field_confidence": {}}
# a field whose least sure token has a marginal probability below this is
# "low confidence": calibrated on held-out AnyStyle strings (kbdev.parser_eval
# --calibrate) as the highest threshold at which flagged fields are still wrong
# about half the time
LOW_CONFIDENCE = 0.56
# token label -> the output field it fills
LABEL_FIELD = {"author": "authors", "editor": "editors", "translator": "translators", "title": "title",
               "container": "container_title", "date": "year", "volume": "volume", "issue": "issue",
               "pages": "pages", "edition": "edition", "publisher": "publisher", "place": "place"}

_local = threading.local()
_SPACES = re.compile(r"\s+")
_CJK_GAP = re.compile(r"([\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])")
_EMPH = re.compile(r"(?<!\w)\*{1,2}([^*\n]{1,300}?)\*{1,2}(?!\w)")
# a list label opening the string: "12.", "12)", "[12]", "[12].", "(12)", "[Smi05]"
_LIST_LABEL = re.compile(r"(?:\[\w{1,12}\]\.?|\(\d{1,3}\)\.?|\d{1,3}[.)])\s+(?=\S)")


def _tagger():
    """The CRF tagger for this thread (None when no model ships)."""
    tagger = getattr(_local, "tagger", False)
    if tagger is False:
        tagger = None
        if MODEL_PATH.exists():
            try:
                import pycrfsuite
                tagger = pycrfsuite.Tagger()
                tagger.open(str(MODEL_PATH))
            except Exception:  # a broken model must not break parsing
                tagger = None
        _local.tagger = tagger
    return tagger


def normalize(raw: str) -> str:
    """Unicode-normalised, single-spaced, capped text (offsets refer to this)."""
    text = unicodedata.normalize("NFC", raw or "")[: MAX_CHARS * 2]
    if not text.isprintable():
        text = "".join(ch if (ch.isprintable() or ch == " ") else " " for ch in text)
    text = _SPACES.sub(" ", text).strip()
    # a line break inside CJK text is no space; markdown emphasis is no text
    if not text.isascii():
        text = _CJK_GAP.sub(r"\1", text)
    if "*" in text:
        text = _EMPH.sub(r"\1", text)
    return text[:MAX_CHARS]


def strip_list_label(text: str) -> str:
    """``text`` without a leading list label ("12. Smith" -> "Smith")."""
    m = _LIST_LABEL.match(text)
    return text[m.end():] if m else text


def label_tokens(text: str, kind: str | None = None, quotes: list[int] | None = None):
    """Tokens of the non-rule part of ``text`` and their labels (``quotes``,
    when given, receives the tokens' quote states)."""
    toks = tokenize(text)
    if not toks:
        return toks, []
    tagger = _tagger()
    if tagger is None:
        return toks, heuristic.label(toks, text)
    q = _quote_states(toks, text)
    if quotes is not None:
        quotes[:] = q
    return toks, tagger.tag(features(toks, text, kind, q))


def confidence(toks, labels: list[str]) -> dict[str, float]:
    """Output field -> the CRF's marginal probability of its least sure word
    token (call right after label_tokens, in the same thread)."""
    tagger = _tagger()
    if tagger is None or not toks:
        return {}
    out: dict[str, float] = {}
    for i, lab in enumerate(labels):
        field = LABEL_FIELD.get(lab)
        if field and toks[i].text[:1].isalnum():
            p = tagger.marginal(lab, i)
            if p < out.get(field, 2.0):
                out[field] = p
    return out


def _runs(labels, lab):
    """(start, end) index pairs of maximal runs of ``lab``."""
    if lab not in labels:
        return []
    out, i, n = [], 0, len(labels)
    while i < n:
        if labels[i] == lab:
            j = i
            while j + 1 < n and labels[j + 1] == lab:
                j += 1
            out.append((i, j))
            i = j + 1
        else:
            i += 1
    return out


_NAME_LOWER = {"and", "et", "al", "und", "van", "von", "der", "den", "de", "la", "le", "da", "di", "du",
               "des", "del", "dos", "ter", "ten", "y", "bin", "ibn", "al", "el", "for", "of", "the"}


def _is_word(t) -> bool:
    return t.text[:1].isalnum()


def fix_labels(toks, labels: list[str], text: str, q: list[int] | None = None) -> list[str]:
    """Post-CRF corrections (see _fix_labels), then title-span repairs
    (``q``: the tokens' quote states, when already known)."""
    if not toks:
        return labels
    q = q or _quote_states(toks, text)
    labels = _fix_labels(toks, labels, text, q)
    labels = _whole_quoted_title(toks, labels, q)
    labels = _unnamed_lead_is_title(toks, labels)
    labels = _title_runs_on(toks, labels, q)
    labels = _title_spans(toks, labels)
    labels = _venue_gap(toks, labels)
    labels = _apa_title(toks, labels)
    labels = _numeric_dates_and_ranges(toks, labels)
    labels = _in_book(toks, labels)
    labels = _apa_in_book(toks, labels)
    labels = _venue_parenthesis(toks, labels)
    labels = _compounds(toks, labels)
    labels = _container_year(toks, labels)
    return _title_year_range(toks, labels)


_ED_CUE = {"edited", "ed", "eds", "hrsg", "hg", "editor", "editors"}


def _in_book(toks, labels):
    """Chicago "“Chapter”. In Book Title: Subtitle, edited by ..." -- everything
    between "In" and ", edited by" is the book (the container)."""
    n = len(toks)
    words = [t.text for t in toks]
    for i in range(1, n - 3):
        if words[i] not in ("In", "in") or words[i - 1] not in ".,”’\"" or "title" not in labels[:i]:
            continue
        j = i + 1
        while j < n - 1 and j - i < 60 and not (words[j] in ",(" and words[j + 1].lower() in _ED_CUE):
            if _full_stop(toks, j):
                break
            j += 1
        if j >= n - 1 or words[j] not in ",(" or words[j + 1].lower() not in _ED_CUE:
            break
        span = range(i + 1, j)
        if len(span) and all(labels[k] in ("title", "container", "other") for k in span) and \
                any(labels[k] == "container" for k in span) and words[i + 1][:1].isupper():
            for k in span:
                labels[k] = "container"
        break
    return labels


def _apa_in_book(toks, labels):
    """APA "In D. Lyon (Ed.), Book Title: Subtitle (pp. 1-10). London: ..." --
    the book runs from "(Ed.)," to "(pp." or the next full stop."""
    n = len(toks)
    words = [t.text for t in toks]
    for i in range(2, n - 4):
        if words[i] == "(" and words[i + 1].lower() in ("ed", "eds", "hrsg", "hg") and words[i + 2] == "." \
                and words[i + 3] == ")" and i + 4 < n and words[i + 4] == ",":
            s = i + 5
            e = s
            while e < n and not _full_stop(toks, e) and not (words[e] == "(" and e + 1 < n and
                                                             words[e + 1].lower() in ("pp", "p", "vol")):
                e += 1
            span = range(s, e)
            if e - s >= 1 and all(labels[k] in ("title", "container", "other", "publisher") for k in span) \
                    and _is_word(toks[s]):
                for k in span:
                    labels[k] = "container"
            break
    return labels


def _venue_parenthesis(toks, labels):
    """"Xinhua Wang 新华网 (Xinhua Net)." -- a venue's own name in another
    language, in parentheses right after it, belongs to it."""
    n = len(toks)
    words = [t.text for t in toks]
    for s0, e in _runs(labels, "container"):
        if e + 2 < n and words[e + 1] == "(":
            close = next((k for k in range(e + 2, min(n, e + 10)) if words[k] == ")"), None)
            if close and close + 1 < n and words[close + 1] in ".," and \
                    all(labels[k] in ("other", "container", "publisher") and not words[k].isdigit()
                        for k in range(e + 2, close)) and words[e + 2][:1].isupper():
                for k in range(e + 1, close + 1):
                    labels[k] = "container"
    return labels


def _container_year(toks, labels):
    """Vancouver "Journal 2014;12:33" / "The Boston Post 2014." -- a year closing
    a venue is the date, not part of the venue."""
    n = len(toks)
    for s0, e in _runs(labels, "container"):
        w = toks[e].text
        if e > s0 and re.fullmatch(YEAR, w) and (e + 1 == n or toks[e + 1].text in ".;:") \
                and toks[e - 1].end < toks[e].start:
            labels[e] = "date"
    return labels


def _compounds(toks, labels):
    """A capitalised hyphenated compound ("In-Depth") right after a venue or
    title word, with only a space between, continues that field."""
    n = len(toks)
    for i in range(1, n - 2):
        a, h, b = toks[i], toks[i + 1], toks[i + 2]
        if h.text == "-" and a.end == h.start and h.end == b.start and a.text[:1].isupper() and \
                labels[i] == labels[i + 1] == labels[i + 2] == "other" and \
                labels[i - 1] in ("container", "title") and toks[i - 1].end < a.start and _is_word(toks[i - 1]):
            labels[i] = labels[i + 1] = labels[i + 2] = labels[i - 1]
    return labels


def _numeric_dates_and_ranges(toks, labels):
    """Two things printed only one way: "30.12.2017" / "2017.05.17" (digits and
    dots, no spaces) is a date, never a volume or page; a number range after
    "(2014):" closing a journal reference is its pages ("8 (2014): 1673-1689")."""
    n = len(toks)
    words = [t.text for t in toks]
    glued = [i > 0 and toks[i - 1].end == toks[i].start for i in range(n)]
    for i in range(n - 4):
        if words[i].isdigit() and words[i + 1] == "." and words[i + 2].isdigit() and words[i + 3] == "." \
                and words[i + 4].isdigit() and all(glued[i + 1:i + 5]) and \
                (len(words[i + 4]) == 4 or len(words[i]) == 4) and len(words[i + 2]) <= 2 and \
                not (i > 0 and glued[i] and words[i - 1] not in "([") and \
                not (i + 5 < n and glued[i + 5] and words[i + 5][:1].isalnum()):
            for k in range(i, i + 5):
                labels[k] = "date"
    for i in range(2, n - 2):
        if words[i] == ":" and words[i - 1] == ")" and labels[i - 2] == "date" and words[i + 1].isdigit() \
                and (i + 3 < n and words[i + 2] in "-–—" and words[i + 3].isdigit()) and labels[i + 1] != "pages":
            for k in range(n):
                if labels[k] == "pages":
                    labels[k] = "issue" if k > 0 and words[k - 1] == "(" and labels[k - 2:k - 1] == ["volume"] else "other"
            for k in range(i + 1, i + 4):
                labels[k] = "pages"
    return labels


def _full_stop(toks, k) -> bool:
    """Is token k a full stop ending a sentence (not "A.I." or "J.")?"""
    if toks[k].text != ".":
        return False
    prev = toks[k - 1].text if k else ""
    return not (len(prev) == 1 and prev.isupper())


def _apa_title(toks, labels):
    """APA/Harvard: "Names (2018, July 8). Title. Container." -- the title is
    the whole sentence after "(date)." up to its first real full stop
    ("Dreams: A.I., Shame and ..." keeps "A.I."), when another venue follows."""
    n = len(toks)
    words = [t.text for t in toks]
    k = next((i for i in range(1, min(n, 40)) if words[i] == ")" and labels[i - 1] == "date"), None)
    if k is None or k + 2 >= n or words[k + 1] != "." or not any(l in ("author", "editor") for l in labels[:k]):
        return labels
    s = k + 2
    e = s
    while e < n and not _full_stop(toks, e) and words[e] not in "([":
        e += 1
    if e >= n or e - s < 2 or "title" not in labels[s:e]:
        return labels
    # the sentence must be followed by a venue, and hold no dates, numbers or cues
    if not any(l in ("container", "publisher") for l in labels[e + 1:e + 4]):
        return labels
    if any(labels[m] in ("date", "volume", "issue", "pages") for m in range(s, e)):
        return labels
    for m in range(s, e):
        labels[m] = "title"
    return labels


_MONTHISH = re.compile(r"(?i)(?:jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|oct|okt|nov|de[cz]|spring|summer|"
                       r"autumn|fall|winter|printemps|été|automne|hiver)\w*")


def _venue_gap(toks, labels):
    """Notes and web items print "“Title”, Outlet, 30.5.2016" / "“Title”. Outlet.
    25.04.2015.": a capitalised block between the title and the date, set off
    by punctuation and left unlabelled (or taken for a date without any month
    word), names the venue."""
    n = len(toks)
    runs = _runs(labels, "title")
    if not runs or "container" in labels or "publisher" in labels:
        return labels
    k = runs[0][1] + 1
    while k < n and not _is_word(toks[k]) and toks[k].text in "”’\"'.,":
        k += 1
    dated = False
    if k < n and toks[k].text == "(" and k + 1 < n and labels[k + 1] == "date":
        close = next((m for m in range(k + 1, min(n, k + 10)) if toks[m].text == ")"), None)
        if close and close + 1 < n and toks[close + 1].text == "," and \
                all(labels[m] == "date" for m in range(k + 1, close)):
            k, dated = close + 2, True
    if (k == runs[0][1] + 1 and not dated) or k >= n:
        return labels
    j = k
    while j < n and _is_word(toks[j]) and labels[j] in ("other", "date", "pinpoint") and not toks[j].text.isdigit() \
            and not _MONTHISH.fullmatch(toks[j].text) and toks[j].text.lower() not in _CUE and j - k < 6:
        j += 1
    if j == k or not any(c.isupper() for c in toks[k].text):
        return labels
    if dated:  # "“Title” (28 January 2015), Site." ends the reference
        if not (j == n or (toks[j].text == "." and j == n - 1)):
            return labels
    elif j >= n or toks[j].text not in ".," or not any(labels[m] == "date" for m in range(j + 1, min(n, j + 4))):
        return labels
    for m in range(k, j):
        labels[m] = "container"
    return labels


_CUE = {"in", "edited", "ed", "eds", "by", "pp", "p", "vol", "no", "retrieved", "accessed", "available",
        "online", "from", "at", "hrsg", "hg", "trans", "translated", "doi", "isbn", "url", "last", "here",
        "pdf", "video", "archived", "original", "on", "the", "cited", "internet"}


def _title_spans(toks, labels):
    """Repair a title's edges: a title never switches to another field without
    punctuation between ("... System on | Chinese Online Media" is one title),
    and words just before it that the labeller left as venue/other belong to it
    when no full stop or quote intervenes ("Daten, Drohnen, | Disziplin: ...")."""
    n = len(toks)
    runs = _runs(labels, "title")
    if not runs:
        return labels
    s0, e = runs[0]
    # forward: no punctuation between the title and the next run
    k = e + 1
    other_dates = any(l == "date" for l in labels[:s0])
    while k < n and (labels[k] in ("container", "publisher", "author", "pages") or
                     (labels[k] == "date" and other_dates)) and _is_word(toks[k]) \
            and toks[k - 1].end < toks[k].start and _is_word(toks[k - 1]):
        lab = labels[k]
        while k < n and labels[k] == lab:
            labels[k] = "title"
            k += 1
    # backward over venue/other words separated by commas or colons only
    k = s0 - 1
    grab = []
    while k >= 0 and labels[k] in ("other", "container", "publisher") and \
            (_is_word(toks[k]) or toks[k].text in ",:;"):
        if _is_word(toks[k]) and toks[k].text.lower() in _CUE:
            break
        grab.append(k)
        k -= 1
    if k >= 0 and labels[k] in ("author", "editor") and any(_is_word(toks[j]) for j in grab):
        while grab and not _is_word(toks[grab[-1]]):
            grab.pop()
        for j in grab:
            labels[j] = "title"
    return labels


def _title_runs_on(toks, labels, q):
    """Words the labeller left as 'other' right after an unquoted title continue
    it ("The gameful / world: approaches, issues")."""
    n = len(toks)
    runs = _runs(labels, "title")
    if not runs:
        return labels
    s0, e = runs[0]
    if any(q[k] for k in range(max(0, s0 - 1), min(n, e + 2))):
        return labels
    k = e + 1
    ext = []
    while k < n:
        w = toks[k].text
        if labels[k] != "other" or w == "." or w in "([“‘\"'":
            break
        if _is_word(toks[k]):
            if w.lower() in _CUE or w.isdigit() or "." in w:
                break
            ext.append(k)
        elif ext or (k + 1 < n and labels[k + 1] == "other" and _is_word(toks[k + 1])
                     and toks[k + 1].text.lower() not in _CUE):
            ext.append(k)
        k += 1
    while ext and not _is_word(toks[ext[-1]]):
        ext.pop()
    for k in ext:
        labels[k] = "title"
    return labels


def _whole_quoted_title(toks, labels, q):
    """A quotation that starts a title is the whole title ("“Dreams: A.I., Shame”"),
    and the title ends with it: words labelled title after the closing quote
    ("“Title”, ABC News In-Depth, …") name the venue."""
    n = len(toks)
    for i in range(n):
        if q[i] == 3 and i + 1 < n and labels[i + 1] == "title":
            j = i + 1
            while j < n and q[j] == 1:
                j += 1
            if j < n and q[j] == 2:
                for k in range(i + 1, j):
                    labels[k] = "title"
                if i == 0 or labels[i - 1] != "title":  # the quotation opens the title
                    _venue_after_quote(toks, labels, j + 1)
            break
    return labels


def _venue_after_quote(toks, labels, k):
    """Title words right after a quoted title's closing quote (token ``k - 1``)
    are its venue ("“Title”, ABC News", "“Title,” ABC News"); not a
    translation in brackets ("“Ba Wangluo …” (Criminalizing …)") nor words
    straight after a quotation that opens a longer title ('"Tyrant Train
    Woman" Goes Trending …')."""
    n = len(toks)
    if k >= n or toks[k].text in "([":
        return
    j = k
    while j < n and not _is_word(toks[j]) and labels[j] == "title":
        j += 1
    tail = []
    m = j
    while m < n and labels[m] == "title":
        tail.append(m)
        m += 1
    if not any(_is_word(toks[t]) for t in tail):
        return
    if j == k and toks[k - 2].text not in ",.;:!?":
        return
    for t in range(k, j):
        labels[t] = "other"
    for t in tail:
        labels[t] = "container"


_CONNECTORS = {"and", "und", "et", "&"}


def _unnamed_lead_is_title(toks, labels):
    """A reference with no title whose opening 'author' run reads as a title
    ("Planning Outline for the Construction of …, (14 June 2014)", "Social
    Credit System part-I, asiasociety.org"): lower-case words other than
    name particles, no organisation word, no initials -> it is the title."""
    if "title" in labels:
        return labels
    runs = _runs(labels, "author")
    if not runs or runs[0][0] > 1:
        return labels
    a0, a1 = runs[0]
    words = [toks[k].text for k in range(a0, a1 + 1) if _is_word(toks[k])]
    low = [w for w in words if w[:1].islower() and w.lower() not in PARTICLES and w.lower() not in _CONNECTORS]
    initials = [k for k in range(a0, a1 + 1) if len(toks[k].text) == 1 and toks[k].text.isupper()
                and not (k > 0 and toks[k - 1].text == "-")]  # "part-I" is a number
    if len(words) < 3 or not low or initials or any(w.lower() in ORG_WORDS for w in words):
        return labels
    for k in range(a0, a1 + 1):
        labels[k] = "title"
    return labels


def _fix_labels(toks, labels: list[str], text: str, q: list[int]) -> list[str]:
    """Corrections the style guides imply, applied to the CRF labels (each
    step below says which)."""
    if not toks:
        return labels
    labels = list(labels)
    _quoted_span_title(labels, q)
    first_title = _org_before_quote(toks, labels, q)
    quoted_title = first_title is not None and q[first_title] in (1, 3)
    _author_before_quoted_title(toks, labels, first_title, quoted_title)
    _venue_as_title(toks, labels)
    runs = _runs(labels, "author")
    if not runs:
        return labels
    a0, a1 = runs[0]
    a1 = _inverted_name_end(toks, labels, a0, a1)
    if _sentence_names(toks, labels, a0, a1):
        return labels
    a1 = _org_parenthesis(toks, labels, a1)
    a1 = _names_before_quoted_title(toks, labels, q, a0, a1, first_title, quoted_title)
    _names_end(toks, labels, a0, a1)
    return labels


def _quoted_span_title(labels, q):
    """A quoted span is the title when the CRF found none, even a number ("“1984”")."""
    if "title" in labels:
        return
    n = len(labels)
    for i, s in enumerate(q):
        if s == 3:
            j = i + 1
            while j < n and q[j] == 1:
                j += 1
            if j > i + 1:
                for k in range(i + 1, j):
                    labels[k] = "title"
                break


def _org_before_quote(toks, labels, q):
    """"Org 组织 (English). “Title”": an unquoted 'title' opening the reference
    and followed by a quotation is the author; the quotation is the title.
    Returns the index of the first title token (or None)."""
    n = len(toks)
    words = [t.text for t in toks]
    first_title = next((i for i, l in enumerate(labels) if l == "title"), None)
    if first_title == 0 and "author" not in labels and q[0] == 0:
        e = 0
        while e + 1 < n and labels[e + 1] == "title" and q[e + 1] == 0:
            e += 1
        k = e + 1
        while k < n and not _is_word(toks[k]) and q[k] != 3:
            k += 1
        if k < n and q[k] == 3 and words[e] not in (":",):
            j = k + 1
            while j < n and q[j] == 1:
                j += 1
            if j < n and q[j] == 2 and j > k + 1:
                for m in range(0, e + 1):
                    labels[m] = "author"
                for m in range(e + 1, k + 1):
                    labels[m] = "other" if labels[m] == "title" else labels[m]
                for m in range(k + 1, j):
                    labels[m] = "title"
                first_title = k + 1
    return first_title


def _author_before_quoted_title(toks, labels, first_title, quoted_title):
    """Words before the first (quoted) title, at the start, with no author:
    the author ("Freedom House. “Title”")."""
    if "author" in labels or "editor" in labels or not first_title or not quoted_title:
        return
    pre = range(0, first_title)
    if all(labels[k] in ("container", "publisher", "other") for k in pre) and \
            any(_is_word(toks[k]) for k in pre) and not any(labels[k] == "date" for k in pre):
        end = first_title
        while end > 0 and not _is_word(toks[end - 1]):
            end -= 1
        for k in range(0, end):
            labels[k] = "author"


def _split_container(toks, labels, s0, e) -> bool:
    """"Stadtentwicklung. Geography 67": a lone container holding a sentence
    end (after a long word, or a 5-letter one ending three words or more:
    "The Rise of the Chinese Security State. The China Quarterly") before a
    capitalised word starts with the title."""
    for k in range(s0 + 1, e):
        prev = toks[k - 1].text
        long = len(prev) >= 6 or (len(prev) == 5 and sum(_is_word(t) for t in toks[s0:k]) >= 3)
        if toks[k].text == "." and long and prev.isalpha() and prev[1:].islower() \
                and toks[k + 1].text[:1].isupper() and toks[k + 1].start > toks[k].end:
            for m in range(s0, k):
                labels[m] = "title"
            labels[k] = "other"
            return True
    return False


def _venue_as_title(toks, labels):
    """No title but two venue runs: the first is the title ("Title. Site.
    Retrieved ..."); a lone container without volume or pages is the title too."""
    if "title" in labels:
        return
    venues = sorted(_runs(labels, "container") + _runs(labels, "publisher"))
    conts = _runs(labels, "container")
    if len(conts) == 1 and _split_container(toks, labels, *conts[0]):
        return
    if len(venues) >= 2:
        for k in range(venues[0][0], venues[0][1] + 1):
            labels[k] = "title"
    elif len(conts) == 1 and not any(l in ("volume", "issue", "pages") for l in labels):
        for k in range(conts[0][0], conts[0][1] + 1):
            labels[k] = "title"


def _inverted_name_end(toks, labels, a0, a1) -> int:
    """"Westin, Alan F. Privacy and Freedom.": an inverted name ends at the
    full stop of its initial when a capitalised word follows that starts no
    further name; the rest of the run is the title. Returns the run's new end."""
    words = [t.text for t in toks]
    if a1 - a0 < 6 or words[a0 + 1] != "," or not words[a0][:1].isupper():
        return a1
    k = a0 + 2
    while k + 1 <= a1 and words[k][:1].isupper() and words[k].isalpha() and not (
            len(words[k]) == 1 and words[k + 1] == "."):
        k += 1  # given names
    if not (k + 2 <= a1 and len(words[k]) == 1 and words[k].isupper() and words[k + 1] == "."):
        return a1
    nxt = k + 2
    while nxt + 1 <= a1 and len(words[nxt]) == 1 and words[nxt].isupper() and words[nxt + 1] == ".":
        nxt += 2  # more initials ("Alan F. T.")
    if nxt > a1 or not words[nxt][:1].isupper() or words[nxt].lower() in ("and", "und") or \
            (nxt + 1 <= a1 and words[nxt + 1] in (",", ".")) or "title" in labels[:a0]:
        return a1
    for m in range(nxt, a1 + 1):
        labels[m] = "title"
    return nxt - 1


def _sentence_names(toks, labels, a0, a1) -> bool:
    """A 'name' that reads as a sentence ("China is banning people with bad")
    is a title (True when so relabelled)."""
    n = len(toks)
    words = [t.text for t in toks]
    lower = [w for w in words[a0:a1 + 1] if w[:1].islower() and w.isalpha() and w not in _NAME_LOWER]
    if not (len(lower) >= 3 and "," not in words[a0:a1 + 1] and "(" not in words[a0:a1 + 1] and (
            "title" not in labels or all(labels[k] in ("title", "other") for k in range(a1 + 1, min(n, a1 + 4))))):
        return False
    for k in range(a0, a1 + 1):
        labels[k] = "title"
    k = a1 + 1
    while k < n and labels[k] in ("other", "title") and (labels[k] == "title" or not _is_word(toks[k])):
        if labels[k] == "other" and words[k] in ".,":
            break
        labels[k] = "title"
        k += 1
    return True


def _org_parenthesis(toks, labels, a1) -> int:
    """"Org 组织 (English)." : the parenthesis belongs to the organisation."""
    n = len(toks)
    words = [t.text for t in toks]
    if a1 + 1 < n and words[a1 + 1] == "(":
        close = next((k for k in range(a1 + 2, min(n, a1 + 12)) if words[k] == ")"), None)
        inner = " ".join(words[a1 + 2:close or a1 + 2]).lower()
        if close and all(labels[k] != "date" and not words[k].isdigit() for k in range(a1 + 2, close)) \
                and not re.fullmatch(r"(?:eds?|hrsg|hg|dir|coord|trans|comp|comps)\W*", inner):
            for k in range(a1 + 1, close + 1):
                labels[k] = "author"
            a1 = close
    return a1


def _names_before_quoted_title(toks, labels, q, a0, a1, first_title, quoted_title) -> int:
    """Names, then an unquoted 'title', then a quoted title: the first stretch is names."""
    n = len(toks)
    words = [t.text for t in toks]
    open_q = next((k for k in range(first_title, n) if q[k] == 3), None) if first_title is not None else None
    if quoted_title is False and first_title is not None and first_title > a1 and \
            all(not _is_word(toks[k]) for k in range(a1 + 1, first_title)) and \
            open_q is not None and words[open_q - 1] in (".", ",", ":"):
        later_quoted = any(labels[k] == "title" and q[k] in (1,) for k in range(first_title, n))
        if later_quoted:
            k = first_title
            while k < n and labels[k] == "title" and q[k] == 0:
                labels[k] = "author"
                k += 1
            a1 = max(a1, k - 1)
            while a1 > a0 and not _is_word(toks[a1]):
                labels[a1] = "other"
                a1 -= 1
    return a1


def _name_pieces(toks, a0, a1):
    """The names run split at commas/semicolons and before "and"."""
    words = [t.text for t in toks]
    pieces, cur = [], []
    for k in range(a0, a1 + 1):
        if words[k] in (",", ";"):
            if cur:
                pieces.append(cur)
            cur = []
        elif words[k].lower() in ("and", "&", "und") and cur:
            pieces.append(cur)
            cur = [k]
        else:
            cur.append(k)
    if cur:
        pieces.append(cur)
    return pieces


def _names_cut(toks, pieces):
    """Where a names list ends: after the name following "and", or at a piece
    that cannot be a name (long, lower case, capitals after mixed case)."""
    words = [t.text for t in toks]
    seen_and = False
    mixed = any(words[k].isalpha() and not words[k].isupper() for k in pieces[0]) if pieces else True
    for pi, piece in enumerate(pieces):
        ws = [words[k] for k in piece if _is_word(toks[k])]
        core = [w for w in ws if w.lower() not in ("and", "&", "und") and not (len(w) == 1 and w.isupper())]
        low = [w for w in ws if w[:1].islower() and w.lower() not in ("and", "et", "al", "und", "van", "von",
                                                                       "der", "de", "la", "da", "di", "du", "le")
               and w.lower() not in PARTICLES]
        title_words = [w for w in core if w.lower() in ("for", "of", "the", "in", "on", "to", "a", "an", "with")]
        if pi > 0 and not seen_and and (len(core) > 4 or low or any(words[k] == ":" for k in piece)
                                         or (len(core) >= 3 and title_words)
                                         or (mixed and ws and all(w.isupper() and len(w) > 2 for w in ws))):
            return piece[0], seen_and
        if seen_and and pi > 0:
            prev = pieces[pi - 1]
            prev_words = [words[k] for k in prev if _is_word(toks[k])]
            single = len([w for w in prev_words if w.lower() not in ("and", "&")]) == 1
            givenish = len(ws) <= 3 and all(w[:1].isupper() for w in ws)
            if not (single and givenish):
                return piece[0], seen_and
        if any(words[k].lower() in ("and", "&", "und") for k in piece):
            seen_and = True
    return None, seen_and


def _names_end(toks, labels, a0, a1):
    """What follows the end of the names list is the title when none was found."""
    n = len(toks)
    words = [t.text for t in toks]
    pieces = _name_pieces(toks, a0, a1)
    cut, seen_and = _names_cut(toks, pieces)
    # "George Orwell, Nineteen Eighty-Four, London 1990": no title or venue found
    # and a comma list of names without "and": its last piece is the title
    if cut is None and "title" not in labels and "container" not in labels and len(pieces) >= 2 and \
            not seen_and:
        cut = pieces[-1][0]
    later_title = next((k for k in range(cut, n) if labels[k] == "title"), None) if cut is not None else None
    adjacent = later_title is not None and all(
        labels[k] in ("other", "container", "publisher", "author", "place") for k in range(a1 + 1, later_title)) \
        and later_title - a1 <= 4
    if cut is not None and (later_title is None or adjacent):
        for k in range(cut, a1 + 1):
            labels[k] = "title"
        k = cut - 1
        while k >= a0 and not _is_word(toks[k]):
            labels[k] = "other"
            k -= 1
        # the title runs on over what the labeller took for names or a venue
        k = a1 + 1
        stop = later_title if adjacent else a1 + 1
        while k < n and (labels[k] in ("container", "publisher", "author", "title") or k < stop or
                         (not _is_word(toks[k]) and words[k] != "." and k + 1 < n
                          and labels[k + 1] in ("container", "publisher", "author", "title"))):
            labels[k] = "title"
            k += 1


def _digits4(w: str) -> bool:
    """``re.fullmatch(r"\\d{4}", w)`` without the regex (\\d is isdecimal)."""
    return len(w) == 4 and w.isdecimal()


def _title_year_range(toks, labels):
    """"Outline ... (2014-2020)": a year range right after a title is part of it."""
    words = [t.text for t in toks]
    n = len(toks)
    for i in range(1, n - 2):
        # "... of Foucault 1954-1984 (Vol. 3)": a bare year range ending a title
        if labels[i - 1] == "title" and _digits4(words[i]) and words[i + 1] in "-–" \
                and _digits4(words[i + 2]) and labels[i] == "date" and \
                any(l == "date" for k, l in enumerate(labels) if k < i - 1 or k > i + 2):
            for k in range(i, i + 3):
                labels[k] = "title"
    for i in range(1, n - 4):
        if words[i] == "(" and labels[i - 1] in ("title", "container") and _digits4(words[i + 1]) \
                and words[i + 2] in "-–" and _digits4(words[i + 3]) and words[i + 4] == ")":
            if any(l == "date" for l in labels[i + 5:]):
                for k in range(i, i + 5):
                    labels[k] = labels[i - 1]
    return labels


def parse(raw: str, kind: str | None = None) -> dict:
    """Parse one reference string into CSL fields (see module doc)."""
    out = dict(EMPTY, authors=[], editors=[], translators=[], low_confidence=[], field_confidence={})
    text = strip_list_label(normalize(raw if isinstance(raw, str) else str(raw or "")))
    if not text or not re.search(r"\w", text):
        return out
    if kind == "inline" and not re.search(r"\b" + YEAR + r"\b", text):
        return parse_inline(text, out)
    order = numeric_order(text)
    ruled, spans = rules.extract(text, order)
    masked = rules.mask(text, spans)
    quotes: list[int] = []
    toks, labels = label_tokens(masked, kind, quotes)
    labels = fix_labels(toks, labels, masked, quotes)
    conf = confidence(toks, labels)
    f = to_fields(masked, toks, labels, order) if toks else {}
    for k, v in f.items():
        if v not in (None, [], ""):
            out[k] = v
    for k in ("url", "doi", "isbn", "accessed"):
        out[k] = ruled[k]
    split_question_title(out)
    unclosed_tail(out)
    lone_lowercase_title(out)
    split_title_tail(out, masked)
    title_edition_place(out, masked)
    cjk_title(out, masked)
    vancouver_and_mhra(out, masked)
    if out["pinpoint"] and not out["pages"] and not ruled["pinpoint"] and re.search(r"\d", out["pinpoint"]):
        out["pages"] = out["pinpoint"]  # "p. 118-125" closing a note: the pages cited
    if ruled["pinpoint"] and not out["pinpoint"]:
        out["pinpoint"] = ruled["pinpoint"]
    if out["year"] is None:
        iso = parse_date(masked, order)
        if iso and len(iso) > 4:
            out["date"] = iso
        yr = find_year(masked)
        if yr:
            out["year"], out["year_suffix"] = yr
    out["type"] = guess_type(out, text)
    venue_by_type(out)
    out["parse_ok"] = any(out[k] for k in ("title", "authors", "year", "url", "doi", "container_title"))
    set_confidence(out, conf)
    return out


def completeness(out: dict) -> float:
    """1.0 for a reference with a title, a year and someone or somewhere
    responsible; each missing part halves it (a lone sentence is no parse)."""
    parts = (bool(out["title"] or out["container_title"]), bool(out["year"] or out["date"]),
             bool(out["authors"] or out["editors"] or out["container_title"] or out["publisher"] or out["url"]))
    return 0.5 ** parts.count(False)


def set_confidence(out: dict, conf: dict[str, float]) -> None:
    """``confidence``: the least sure field's probability (1.0 when only rules
    spoke; None without a model) times the completeness; ``low_confidence``:
    fields below LOW_CONFIDENCE."""
    conf = {k: v for k, v in conf.items() if out.get(k) not in (None, [], "")}
    if _tagger() is None:
        return
    sure = min(conf.values()) if conf else (1.0 if out["parse_ok"] else 0.0)
    out["confidence"] = round(sure * completeness(out), 3)
    out["low_confidence"] = sorted(k for k, v in conf.items() if v < LOW_CONFIDENCE)
    out["field_confidence"] = {k: round(v, 3) for k, v in conf.items()}


_CAPRUN = re.compile(r"(?<![\w’'])((?:[A-ZÀ-ÝĀ-Ž][\w’'-]+)(?:\s+[A-ZÀ-ÝĀ-Ž][\w’'-]+){1,2})")


def parse_inline(text: str, out: dict) -> dict:
    """A source named in running prose ("Martin Maurtvedt, som har skrevet
    master om ...", "China's Constitution, Article 4"): cue words give the
    type, a quoted name the title (a show's name for broadcasts), a run of
    capitalised words the person or the law."""
    from .parsing.types import inline_type
    out["type"] = inline_type(text)
    quoted = re.search(r"[\"“‘«]([^\"”’»]{1,200})[\"”’»]", text)
    if quoted:
        key = "container_title" if out["type"] == "broadcast" else "title"
        out[key] = quoted.group(1).strip()
    elif out["type"] == "legislation":
        m = re.search(r"((?:[A-ZÀ-Ý][\w’']*\s+)*(?:Constitution|Act|Law|Grunnlov\w*|Verfassung|Gesetz)\w*)", text)
        if m:
            out["title"] = m.group(1).strip()
    if out["type"] in ("thesis", "interview", "book", "article-journal", "speech"):
        from .parsing.names import split_names
        m = _CAPRUN.search(text)
        if m:
            out["authors"] = split_names(m.group(1))
    out["parse_ok"] = any(out[k] for k in ("title", "authors", "container_title"))
    return out


def parse_many(raws: list[str], kind: str | None = None) -> list[dict]:
    """Parse a batch (same results as calling parse on each)."""
    return [parse(r, kind) for r in raws]
