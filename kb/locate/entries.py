"""A reference-list section cut into entries.

Sub-headings (Primary sources, Books, Articles, Web ...), letter dividers
("A") and page-number lines inside the list are skipped.  Entries are cut at
bullets/numbers ("-", "•", "1.", "[1]") - a bullet that continues an entry
("In D. Lyon (Ed.)", lowercase, a URL tail) is joined to it - or, in
unbulleted lists, where a line that starts like an entry ("Surname, Given",
"Org. Title", a quoted title, a romanised name with its characters) follows
a line that ended one (final period, quote, year or URL) and the entry so far
already has a year or URL; "Place: Publisher" lines continue.  Two
author-date entries run together on one line are split before "Surname, I.
(Year"; two Chicago/MLA entries before "Surname, Given." after an entry's
closing year or pages.

Also opening an entry (issue 15): the repeated-author mark ("———.",
OSCOLA's single "—", or what extraction leaves of the rule: ". 1988."),
OSCOLA/Vancouver names ("Fernández C and Villanueva L,"), "Org. 2011."; and,
without bullets, indents or blank lines (pdftotext), any capitalised line
after a line that ended an entry well short of the full width (a paragraph's
last line).  An entry ends with a year's closing bracket (MHRA "(London:
Verso, 1983)") or a URL's tail; "Names. 1977." alone has no title yet and
does not end one.

Layouts recognised first: a list labelled "[Abc99]" (alphabetic styles; the
label may stand alone on its line), or numbered with "[12]" alone on its
line, is cut at each label; a list printed one
entry per paragraph (blank lines between entries; not double-spaced PDF
text, whose paragraphs end mid-entry) is cut at the blank lines; a numbered
list ("[1]", "1.") is cut only at the next number in sequence ("47. Paris:
..." inside an entry is not one), even when its entries wrap over many
lines; a list set with hanging indents is cut at each line at its left edge
(the least indent near it: a column of layout text keeps a margin); in a
single-spaced author-date list a new entry starts only at a line that opens
"Author (Year" (the year may close the title on the next line, the names
may run onto it: "E., & Ashworth, D. S. (1989)"; a quoted title before the
year is OSCOLA, not author-date).  Names may
open with particles ("van der Berg", "du Bois", "ibn").  "Press" / "Books"
closing an entry is no sub-heading; a year alone on a line after "Accessed
October 1," is no page number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Entry
from ..text import PARTICLE, YEAR, YEAR_FIRST, YEAR_RE, heading_kind
from .shapes import (BULLET, CJK, LONE_NUM, NAME_START, URL, is_separator, join_lines,
                     ref_score)


def _bibliography_entries(lines, span, page_lines) -> list[Entry]:
    """Cut a reference-list section into entries."""
    content = _list_lines(lines, span, page_lines)
    groups, labels = _group_lines(lines, content)
    out = _group_entries(groups, labels)
    if len(out) > 1 and _trailing_text(out[-1].raw):
        out.pop()   # a closing remark after the list, not an entry
    return out


def _list_lines(lines, span, page_lines) -> list[int]:
    """The section's lines that hold entry text: no blanks, page numbers,
    separators, sub-headings, "#" headings or letter dividers."""
    start, end = span
    content = []
    for i in range(start + 1, end + 1):
        s = lines[i - 1]
        if not s.strip() or i in page_lines or is_separator(s):
            continue
        if LONE_NUM.match(s) and not (content and YEAR_RE.fullmatch(s.strip()) and
                                      re.search(r"[,:;\w]$", lines[content[-1] - 1].rstrip())):
            continue        # a page number, not the year closing "Accessed October 1,"
        if (heading_kind(s) == "sub" and _sub_heading_at(lines, i, start)) or \
                re.match(r"^#{1,6}\s", s.strip()) or \
                re.fullmatch(r"\s*[A-Z]\.?\s*", s):      # sub-heading, "#", letter divider
            continue
        content.append(i)
    return content


@dataclass
class _Layout:
    """How a list is set; the first that holds decides where entries start."""
    bulleted: bool
    numbered: bool
    paragraphs: bool
    hanging: bool
    author_date: bool
    labelled: bool = False      # "[Abc99]" labels (alphabetic styles): an entry at each label


def _layout(lines, content: list[int]) -> _Layout:
    """Which layout the list's lines (``content``) are set in."""
    alpha = sum(1 for i in content if _ALPHA_LABEL.match(lines[i - 1]) or _LABEL_ALONE.match(lines[i - 1]))
    if alpha >= 3 and alpha >= 0.15 * len(content):
        return _Layout(False, False, False, False, False, labelled=True)
    bullets = sum(1 for i in content if BULLET.match(lines[i - 1]))
    in_sequence = _numbered_list([lines[i - 1] for i in content])
    # a numbered list in narrow columns: each entry wraps over four or five lines
    bulleted = bullets >= max(2, len(content) // 3) or (bullets >= 3 and in_sequence)
    numbered = bulleted and in_sequence
    paragraphs = not bulleted and _paragraph_layout(lines, content)
    hanging = not bulleted and not paragraphs and _hanging_indent(lines, content)
    author_date = not bulleted and not paragraphs and not hanging and \
        _author_date_list([lines[i - 1].strip() for i in content])
    return _Layout(bulleted, numbered, paragraphs, hanging, author_date)


def _group_lines(lines, content: list[int]) -> tuple[list[list[tuple[int, str]]], dict[int, str]]:
    """The list's lines grouped one group per entry ((line, text without its
    bullet)), and line -> list number printed before it ("[12]", "12.")."""
    layout = _layout(lines, content)
    width = _full_width([lines[i - 1].strip() for i in content])
    expect = None                # the next number of a numbered list
    groups: list[list[tuple[int, str]]] = []
    labels: dict[int, str] = {}
    dated: list[bool] = []
    pending = None               # a label alone on its line: the next line opens an entry
    for k, i in enumerate(content):
        raw_line = lines[i - 1]
        if layout.labelled:
            lab = _ALPHA_LABEL.match(raw_line) or _LABEL_ALONE.match(raw_line)
            t = raw_line[lab.end():].strip() if lab else raw_line.strip()
            if lab and not t:
                pending = lab.group(1)
                continue
            if lab or pending or not groups:
                labels[i] = lab.group(1) if lab else pending
                groups.append([(i, t)])
                dated.append(True)
                pending = None
            else:
                groups[-1].append((i, t))
            continue
        b = BULLET.match(raw_line)
        num = _bullet_number(raw_line) if b else None
        if layout.numbered and num is not None and expect is not None and \
                not expect <= num <= expect + 1:
            b = None             # "47. Paris: ..." inside an entry: not the next number
        text = raw_line[b.end():] if b else raw_line
        t = text.strip()
        if b and num is not None:
            expect = num + 1
            labels[i] = b.group(0).strip()
        if not groups:
            groups.append([(i, t)])
            dated.append(bool(YEAR_RE.search(t) or URL.search(t) or "n.d." in t))
            continue
        if _new_entry(layout, lines, content, k, t, b is not None and num is not None,
                      b is not None, [x for _, x in groups[-1]], dated[-1], width):
            groups.append([(i, t)])
            dated.append(False)
        else:
            groups[-1].append((i, t))
        # an entry may end only once it has a year or a URL
        dated[-1] = dated[-1] or bool(YEAR_RE.search(t) or URL.search(t) or "n.d." in t)
    return groups, labels


def _new_entry(layout: _Layout, lines, content: list[int], k: int, t: str, numbered_bullet: bool,
               bullet: bool, group: list[str], dated: bool, width: int = 0) -> bool:
    """Does list line ``content[k]`` (text ``t``, its bullet cut) start an entry?
    ``group``: the texts of the entry so far; ``dated``: it has a year or URL;
    ``width``: the length of a full line of the list.  Without bullets, indents or
    blank lines, an entry ends where its last line stops short of the full width
    (the rest of the line left empty) and the next line opens like an entry."""
    prev = group[-1]
    i = content[k]
    if layout.numbered:
        return numbered_bullet
    if layout.bulleted and bullet:
        new = not _CONT.match(t) or bool(re.match(r"^[A-Z]", t) and not re.match(r"^In[:\s]", t))
        if re.match(r"^In[:\s]", t) or re.match(r"^[a-z]", t) or t.startswith(("http", "www.")):
            new = False
        return new
    if layout.paragraphs:
        return _blank_between(lines, content[k - 1], i)
    if layout.hanging:
        return _at_left_edge(lines, content, k)
    if layout.author_date:
        nxt = lines[content[k + 1] - 1] if k + 1 < len(content) else ""
        return bool(_ends_entry(prev) and dated and
                    (_ad_entry_start(t, nxt) or _DITTO.match(t) or YEAR_FIRST.match(t)))
    if not dated or not _ends_entry(prev) or _names_and_year(group):
        return False
    # in a bulleted list a line without its bullet ends no entry for being short
    return _entry_start_shape(t) or (not layout.bulleted and _short(prev, width) and
                                     _opens_after_short(t))


def _group_entries(groups: list[list[tuple[int, str]]], labels: dict[int, str]) -> list[Entry]:
    """One Entry per group, or several where entries run together on one line
    (author-date before "Surname, I. (Year", Chicago/MLA before "Surname, Given.")."""
    out = []
    for g in groups:
        raw = join_lines([t for _, t in g])
        # author-date entries run together on one line
        pieces = [q for p in _APA_RUN.split(raw) for q in _split_chicago_run(p)]
        offs = 0
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            at = raw.find(piece, offs)
            offs = at + len(piece)
            line = g[0][0]
            pos = 0
            for ln, t in g:
                if pos <= at:
                    line = ln
                pos += len(re.sub(r"\s+", " ", t.strip())) + 1
            if len(piece) >= 8 and re.search(r"[A-Za-z\u3400-\u9fff]{2}", piece):
                out.append(Entry(kind="bibliography", raw=piece, line=line,
                                 label=labels.get(line) if at == 0 else None))
    return out


def _trailing_text(raw: str) -> bool:
    """A last "entry" that is plain prose: no date, no URL, nothing a
    reference has ("n.d." stands for a missing date in every style)."""
    return not (YEAR_RE.search(raw) or URL.search(raw) or "n.d." in raw) and ref_score(raw) < 2


def _full_width(texts: list[str]) -> int:
    """The length of a full line of a list (its longer lines: most lines of a
    justified list run to the margin)."""
    lens = sorted(len(t) for t in texts)
    return lens[int(0.8 * (len(lens) - 1))] if lens else 0


def _short(text: str, width: int) -> bool:
    """Does a line stop well short of the full width (a paragraph's last line)?"""
    return width >= 40 and len(text.strip()) < 0.75 * width


def _opens_after_short(text: str) -> bool:
    """After a short line that ended an entry: a line opening with a capital, a
    quote, or the mark of a repeated author ("———.", or nothing left of it
    but ". 1988." / "Title" in extracted text) opens the next entry."""
    t = text.strip()
    if not t or _CONT.match(t) or (_PLACE.match(t) and len(t) < 60 and YEAR_RE.search(t)):
        return False    # "London: Verso, 1990.": the place and publisher of the entry
    return bool(re.match(r"[A-Z\u00C0-\u024F“\"‘«]|[-–—―_]{2,}|[.,]\s", t))


def _names_and_year(group: list[str]) -> bool:
    """An author-date entry cut after "Names. 1977." has no title yet: it does not end there."""
    text = join_lines(group)
    m = re.search(r"(?<=\.\s)" + YEAR + r"[a-z]?\.$", text)      # "…, Peter J. 1977." (not ", 1961.")
    return bool(m) and m.start() < 200 and not re.search(r"[“\"‘:\d]", text[:m.start()])


def _entry_start_shape(text: str) -> bool:
    """Does a line begin like a reference-list entry?"""
    t = text.strip()
    if not t:
        return False
    if re.match(PARTICLE + r"\s", t) and NAME_START.match(t):
        return True     # "van der Berg, P.", "de la Cruz, S."
    if _CONT.match(t) or _PLACE.match(t):
        return False
    if NAME_START.match(t) or _DITTO.match(t) or _INITIALS_AFTER.match(t) or _LOST_DITTO.match(t):
        return True
    if t[0] in "“\"‘«" or CJK.match(t[0]):
        return True
    if re.match(r"^[A-Z][\w'’\- ]{1,60}[\u3400-\u9fff]", t):
        return True     # a romanised name and its characters: "Zhongguo Shehui 中国社会"
    m = _ENTRY_ORG.match(t)
    if m and len(t[:m.end()].split()) <= 8:
        return True
    return False


def _ends_entry(text: str) -> bool:
    """Can an entry end with this line (final period, quote, year, a year's
    closing bracket - MHRA ends "(London: Verso, 1983)" without a period - or a URL)?"""
    t = text.rstrip()
    return bool(re.search(r"(?:[.”\"’]|\d{4}[a-z]?\)?|/|n\.d\.\))\s*$", t) or
                re.search(r"(?:https?://|www\.)\S{1,500}$", t[-500:]) or
                re.search(r"(?:^|\s)[\w.\-:/]{0,60}/[\w./\-]{1,200}$", t[-300:]))   # a URL's tail


def _ad_entry_start(text: str, nxt: str = "") -> bool:
    """Does a line open an author-date entry ("Surname, I. (2005)")?  A long
    title-first entry may carry its year at the start of the next line ``nxt``."""
    t = text.strip()
    if not _AD_YEAR.search(t) and nxt and (not _ad_entry_start(nxt) or _NAMES_GO_ON.match(nxt.strip())):
        joined = t + " " + nxt.strip()[:60]
        m = _AD_YEAR.search(joined)
        if m and len(t) < m.start() <= len(t) + 40 and not _CONT.match(t):
            t = joined
    if not _AD_START.match(t):
        return False
    head = t[:_AD_YEAR.search(t).start()]
    if re.search(r"[“\"«]", head):
        return False    # a quoted title before the year: OSCOLA "Name, “Title” (1970) 28", not author-date
    if re.match(r"^[a-z]", head) and not re.match(PARTICLE + r"\s", head):
        return False    # a continuation ("and society (2010)"), not "van der Berg, P. (2013)"
    return not re.search(r"\b(?:pp?\.|In|eds?\.|Eds?\.)\s", head) and not _CONT.match(t) \
        or bool(re.match(PARTICLE + r"\s", head))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _at_left_edge(lines: list[str], content: list[int], k: int) -> bool:
    """Is list line ``content[k]`` at the list's left edge - the least indent
    of the lines near it (a column of layout text may keep a margin of its own)?"""
    near = content[max(0, k - 8):k + 9]
    return _indent(lines[content[k] - 1]) <= min(_indent(lines[i - 1]) for i in near)


def _hanging_indent(lines: list[str], content: list[int]) -> bool:
    """A list set with hanging indents: each entry's first line flush left, its
    other lines indented.  At least three flush lines, a fifth of the lines
    indented, and every flush line but a few starts like an entry."""
    flush = [lines[i - 1].strip() for k, i in enumerate(content) if _at_left_edge(lines, content, k)]
    indented = len(content) - len(flush)
    if len(flush) < 3 or indented < 0.2 * len(content) or indented == 0:
        return False
    ok = sum(1 for t in flush if _entry_start_shape(t) or _ad_entry_start(t)
             or re.match(r"^[A-Z\u00C0-\u024F“\"‘]", t))
    return ok >= 0.9 * len(flush)


def _author_date_list(texts: list[str]) -> bool:
    """Do most entry-like lines of a list open "Author (Year)"?  Then a new
    entry starts only at such a line."""
    pairs = [(t, texts[k + 1] if k + 1 < len(texts) else "") for k, t in enumerate(texts)
             if not _NAMES_GO_ON.match(t)]     # "E., & Ashworth, D. S. (1989)" goes on with names
    starts = [(t, nxt) for t, nxt in pairs if _entry_start_shape(t) or _ad_entry_start(t, nxt)]
    ad = sum(1 for t, nxt in starts if _ad_entry_start(t, nxt))
    return ad >= 3 and ad >= 0.6 * len(starts)


def _bullet_number(line: str) -> int | None:
    """The number of a numbered-list bullet ("12.", "12)", "[12]"), else None."""
    m = re.match(r"^\s{0,8}(?:\[(\d{1,3})\]|(\d{1,3})[.)])\s", line)
    return int(m.group(1) or m.group(2)) if m else None


def _numbered_list(texts: list[str]) -> bool:
    """Is the list numbered 1, 2, 3 ...?  Its number bullets mostly run in sequence."""
    nums = [n for n in (_bullet_number(t) for t in texts) if n is not None]
    if len(nums) < 2:
        return False
    hits, last = 0, None            # numbers that continue the sequence (strays skipped)
    for n in nums:
        if last is None or last < n <= last + 2:
            hits += 1
            last = n
    return hits >= 2 and hits >= 0.6 * len(nums)


def _blank_between(lines: list[str], a: int, b: int) -> bool:
    """Is there a blank line between lines a and b (1-based, a < b)?"""
    return any(not lines[j - 1].strip() for j in range(a + 1, b))


def _ends_paragraph_entry(text: str) -> bool:
    """Does the last line of a paragraph end the way a reference ends
    (period, quote, bracket, a year or page number, a URL)?"""
    t = text.rstrip()
    return bool(re.search(r"[.”\"’)\]/]$|\d$", t) or re.search(r"(?:https?://|www\.)\S{1,500}$", t))


def _paragraph_layout(lines: list[str], content: list[int]) -> bool:
    """A reference list printed one entry per paragraph (blank lines between
    entries): at least three paragraphs, some of more than one line, and
    nearly every paragraph starts like an entry, carries a year or URL and
    ends like one.  Double-spaced PDF text (a blank after every line, so
    paragraphs that end mid-entry) is not such a list."""
    paras: list[list[int]] = []
    for k, i in enumerate(content):
        if k == 0 or _blank_between(lines, content[k - 1], i):
            paras.append([i])
        else:
            paras[-1].append(i)
    if len(paras) < 3 or not any(len(p) > 1 for p in paras):
        return False
    if sorted(len(p) for p in paras)[len(paras) // 2] > 6:
        return False
    ok = 0
    for p in paras:
        text = join_lines([lines[i - 1] for i in p])
        first = lines[p[0] - 1].strip()
        if (YEAR_RE.search(text) or URL.search(text) or "n.d." in text) and \
                _ends_paragraph_entry(lines[p[-1] - 1]) and \
                (not _CONT.match(first) or _entry_start_shape(first)):
            ok += 1
    return ok >= 0.9 * len(paras)


def _split_chicago_run(raw: str) -> list[str]:
    """Split "Smith, John. Title. London: Verso, 2001. Jones, Mary. Title. 2003."
    into its entries: a cut where a complete entry (it has a year) is followed
    by "Surname, Given." and the rest has a year of its own.

    >>> _split_chicago_run("Smith, John. Power. London: Verso, 2001. Jones, Mary. Trust. Oslo: Polity, 2003.")
    ['Smith, John. Power. London: Verso, 2001.', 'Jones, Mary. Trust. Oslo: Polity, 2003.']
    """
    out, last = [], 0
    for m in _CHI_NEXT.finditer(raw):
        before, after = raw[last:m.start()], raw[m.end():]
        if len(before) >= 30 and (YEAR_RE.search(before) or "n.d." in before) and \
                _CHI_FIRST.match(raw[:200]) and not re.search(r"\)\.?$", before.rstrip()) and \
                YEAR_RE.search(after) and not re.search(r"\b(?:[Ee]d(?:s|ited)?|[Tt]rans(?:lated)?|by|In)\.?$",
                                                     before.rstrip(". ")):
            out.append(before.strip())
            last = m.end()
    out.append(raw[last:].strip())
    return [p for p in out if p]


def _sub_heading_at(lines: list[str], i: int, start: int) -> bool:
    """Is "Books" / "Press" at line i a sub-heading, not the tail of an entry
    ("Oxford University" / "Press.")?  A heading has no final period and
    stands after a blank line or after a line that ends an entry."""
    s = lines[i - 1].strip()
    if s.endswith((".", ",", ";")) and not re.match(r"^(?:\d{1,2}|[ivx]{1,4})\.", s):
        return False
    j = i - 1
    while j > start and not lines[j - 1].strip():
        j -= 1
    return j <= start or j < i - 1 or _ends_entry(lines[j - 1])


# --- patterns -----------------------------------------------------------------

# an alphabetic style's label opening an entry ("[Abc99]", "[Bia+72]"), or a number
# in brackets, alone on its line or before the entry's text
_ALPHA_LABEL = re.compile(r"^\s{0,8}(\[[A-Z\u00C0-\u024F][\w+\-]{0,10}\d{2}[a-z]?\])(?:\s+|$)")
# the repeated-author mark of a list sorted by author ("———.", "–––,", "---. 1988.", or
# a run of one mark extraction could not map: "\x16\x16\x16.")
_DITTO = re.compile(r"^(?:[-–—―_]{2,}|[—―](?=\s))\s?[.,]?|^([^\w\s.,;:()\[\]“”\"‘’'])\1{2,}\s?[.,]")     # OSCOLA: a single "— “Title”"
# OSCOLA / Vancouver names: "Fernández C and Villanueva L,", "Smith JA, ", "Johnson DS and others,"
_INITIALS_AFTER = re.compile(r"^(?:" + PARTICLE + r"\s){0,2}[A-Z\u00C0-\u024F][\w'’\-]{1,30}\s[A-Z]{1,3}"
                             r"(?:,\s|\s(?:and|&)\s)")
# "[12]" alone on its line (pdftotext of a numbered list): the entry's text follows
_LABEL_ALONE = re.compile(r"^\s{0,8}(\[\d{1,4}\])\s*$")
_CONT = re.compile(r"^(?:In[:\s]|Retrieved\b|Available\b|Accessed\b|Last accessed\b|doi\b|DOI\b|"
                   r"https?://|www\.|pp?\.\s|\(|[a-z]|\d{1,4}[-–(),:/]|&)")
_ENTRY_ORG = re.compile(r"^[A-Z\u00C0-\u024F\u3400-\u9fff][^.,\d]{0,60}?\.\s+(?=[“\"‘«A-Z\u00C0-\u024F\u3400-\u9fff]|"
                        + YEAR + r"[a-z]?\.)")    # "World Health Organization. 2011." (author-date)
# a line that goes on with the names of the line before ("E., & Ashworth, D. S. (1989)", "Y. (1967).")
_NAMES_GO_ON = re.compile(r"^(?:(?:[A-Z]\.\s?(?:-[A-Z]\.)?)+(?:,|\s&|\sand\b|\s\((?:\d{4}|n\.d\.))|&|and\s)")
# the repeated-author dash is a rule that text extraction drops: ". 1988. Title"
_LOST_DITTO = re.compile(r"^[.,]\s(?:" + YEAR + r"[a-z]?[.,]|[“\"‘A-Z\u00C0-\u024F])")
# "Cambridge, Mass: Press" / "New York: Routledge": the place and publisher of an entry
# (a place is a few words: "Ortega A and Villanueva A, Estado de la poder: " is no place)
_PLACE = re.compile(r"^[A-Z][\w'’-]{1,20}(?:\s[\w'’-]{1,20}){0,3}(?:,\s?[A-Z][\w.]{0,12}(?:\s[A-Z][\w.]{0,12})?)?:\s")
_APA_RUN = re.compile(
    r"(?<=[./)\]])\s(?=[A-Z\u00C0-\u024F][\w'’\-]{1,30}(?:\s[A-Z\u00C0-\u024F][\w'’\-]{1,30})?,"
    r"\s(?:[A-Z]\.\s?){1,3}(?:,[^()]{0,120})?\s?\((?:" + YEAR + r"|n\.d\.))")
# an author-date entry: author (or title) then the year in brackets near the start,
# "Baker, L. & Kim, J. (2005).", "Rural Lab (1995, June 4).", "Title. (2014, October)."
_AD_HEAD = r"^(?!In[:\s])(?:[^()]|\([^()]{0,80}\)){2,160}?"     # may hold "(Ed.)", "(Org)"
_AD_START = re.compile(_AD_HEAD + r"\s?\(" + YEAR + r"[a-z]?(?:,\s?[^()]{0,30})?(?:\)|$)|" +
                       _AD_HEAD + r"\s?\(n\.\s?d\.\)")
_AD_YEAR = re.compile(r"\((?:" + YEAR + r"|n\.\s?d\.)")
# Chicago/MLA entries run together on one line: after an entry's closing
# "1990." / "pp. 12-40." / "press." comes "Surname, Given." or "Surname, Given, and"
_CHI_NEXT = re.compile(
    r"(?<=[\d”’\w)][.])\s(?=" + r"(?:" + PARTICLE + r"\s){0,2}[A-Z\u00C0-\u024F][\w'’\-]{1,30}"
    r"(?:\s[A-Z\u00C0-\u024F][\w'’\-]{1,30})?,\s[A-Z\u00C0-\u024F][\w'’\-]{1,30}"
    r"(?:\s(?:[A-Z]\.|[A-Z\u00C0-\u024F][\w'’\-]{1,30})){0,2}(?:\.\s|,\s(?:and|&)\s|\s(?:and|&)\s))")
# the list's entries open "Surname, Given" with a full given name (Chicago, MLA),
# not "Surname, I." (author-date: "(2006). Tradition, Welfare, and ..." is a title)
_CHI_FIRST = re.compile(r"^(?:" + PARTICLE + r"\s){0,2}[A-Z\u00C0-\u024F][\w'’\-]{1,30}"
                        r"(?:\s[A-Z\u00C0-\u024F][\w'’\-]{1,30})?,\s[A-Z\u00C0-\u024F][a-z\u00E0-\u024F]")
