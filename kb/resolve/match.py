"""Matching refs to works: per-ref features, pair scores and vetoes,
blocking, and clustering under cannot-link constraints.

    >>> items = [Item(i, ref) for i, ref in enumerate(full_refs)]
    >>> clusters, joins = cluster_items(items)     # joins: (a, b, reason, score)
    >>> clusters.find(0) == clusters.find(1)       # one work?

Patterns are at the bottom of the module.
"""
from __future__ import annotations

import gc
import re
from collections import defaultdict
from contextlib import contextmanager
from typing import Iterable

from rapidfuzz import fuzz

from ..text import YEAR
from .normalise import (GENERIC_TITLES, NON_WORD, PAREN, clean_name, fold, int_year,
                        main_title, name_key, norm_doi, norm_isbn, norm_title, norm_url,
                        significant_tokens, title_numbers)
from .thresholds import (AUTHOR_FAMILY, AUTHOR_ORG, BLOCK_ALL_PAIRS, EDITION_TYPES,
                         MAIN_TITLE, MAX_TEXT, MIN_SIG_TOKENS_IN_RAW, MIN_SIG_TOKENS_MAIN,
                         MIN_SIG_TOKENS_NO_AUTHOR, SERIAL_TYPES, TITLE_NO_AUTHOR,
                         TITLE_ONE_AUTHOR, TITLE_WITH_AUTHOR, WINDOW)


# --------------------------------------------------------------------------
# Per-ref features
# --------------------------------------------------------------------------
class Item:
    """Matching features of one full ref (computed once)."""
    __slots__ = ("idx", "id", "doc", "kind", "type", "year", "suffix", "title",
                 "norm", "main", "sig", "nums", "fams", "orgs", "others",
                 "has_authors", "container", "doi", "isbn", "url", "raw_core",
                 "bare", "short", "orig_text", "raw_head", "noyear")

    def __init__(self, idx: int, ref: dict):
        self.idx = idx
        self.id = ref["id"]
        self.doc = ref.get("document_id")
        self.kind = ref.get("kind")
        self.type = ref.get("type")
        self.year = int_year(ref.get("year"))
        self.suffix = ref.get("year_suffix")
        self.title = ref.get("title") or ""
        self.norm = norm_title(self.title)
        self.main = norm_title(main_title(self.title))
        self.bare = norm_title(PAREN.sub(" ", self.title)) if "(" in self.title else self.norm
        self.short = bool(ref.get("short_form"))
        raw = ref.get("raw") or ""
        # a translation that names its original: "(orig. Liquid Surveillance)"
        self.orig_text = norm_title(raw) if _ORIGINAL.search(raw[:MAX_TEXT]) else ""
        self.sig = significant_tokens(self.norm)
        self.nums = title_numbers(self.title)
        names = [n for n in map(clean_name, ref.get("authors") or []) if n]
        self.fams = [name_key(n) for n in names]
        self.orgs = [bool(n.get("literal")) for n in names]
        extra = [n for role in ("translators", "editors")
                 for n in map(clean_name, ref.get(role) or []) if n]
        self.others = {name_key(n) for n in extra} - {""}
        self.has_authors = any(self.fams)
        self.container = norm_title(ref.get("container_title"))
        self.doi = norm_doi(ref.get("doi"))
        self.isbn = norm_isbn(ref.get("isbn"))
        self.url = norm_url(ref.get("url"))
        self.raw_core = "" if self.norm else untitled_core(ref.get("raw"))
        self.raw_head = raw_head(raw)
        self.noyear = (norm_title(_YEAR.sub(" ", PAREN.sub(" ", self.title)))
                       if _YEAR.search(self.title) else self.bare)


def raw_head(raw: str | None) -> str:
    """Normalised raw text before a container ("..., In: Book") with years
    dropped, to look other refs' titles up in ("George Orwell, Nineteen
    Eighty-Four, London 1990." -> "george orwell nineteen eighty four london")."""
    text = (raw or "")[:MAX_TEXT]
    m = _IN_CONTAINER.search(text)
    if m:
        text = text[:m.start()]
    return norm_title(_YEAR.sub(" ", text))


def title_in_raw(x: Item, y: Item, need: int = 0) -> float:
    """Score for ``y``'s title printed in ``x``'s raw text (a ref the parser
    split badly: no title, a title swallowing the author, a cut title).
    The title is looked up whole, without bracketed parts or years (the raw
    text is searched without years), or as its main title.

    With author evidence (authors agree, or ``x`` has none parsed but prints
    ``y``'s first family name) the title (or main title) needs 2 significant
    words; without, the whole title needs MIN_SIG_TOKENS_IN_RAW; ``need``
    raises the minimum.
    A title equal to ``x``'s container (the book holding a chapter) never counts.
    """
    if not y.norm or not x.raw_head:
        return 0.0
    hay = f" {x.raw_head} "
    for cand in dict.fromkeys((y.norm, y.bare, y.noyear, y.main)):
        if not cand or cand in GENERIC_TITLES or f" {cand} " not in hay:
            continue
        whole = cand != y.main or y.main == y.norm
        if x.container and fuzz.ratio(cand, x.container) >= 90:
            return 0.0
        if x.has_authors and y.has_authors:
            if authors_agree(x, y) < AUTHOR_FAMILY:
                return 0.0
            evidence = True
        elif y.has_authors:
            evidence = f" {y.fams[0]} " in hay
        else:
            evidence = False
        if not evidence and not whole:
            continue   # a bare main title ("China's Social Credit System") is too common
        least = max(need, MIN_SIG_TOKENS_MAIN if evidence else MIN_SIG_TOKENS_IN_RAW)
        if len(significant_tokens(cand)) >= least and years_ok(x, y, strong=evidence):
            return 91.0 if evidence else 90.0
    return 0.0


def names_original(a: Item, b: Item) -> bool:
    """One ref names the other's title as its original ("trans. of ...")."""
    for x, y in ((a, b), (b, a)):
        if x.orig_text and len(y.sig) >= MIN_SIG_TOKENS_NO_AUTHOR \
                and y.norm not in GENERIC_TITLES and f" {y.norm} " in f" {x.orig_text} ":
            return True
    return False


def untitled_core(raw: str | None) -> str:
    """Raw text of an untitled ref without a trailing locator ("appendix 1, quote 2" -> "appendix 1")."""
    text = " ".join((raw or "")[:MAX_TEXT].split())
    # the locator pattern is anchored at the end: run it on the tail only,
    # so it stays fast on any input
    head, tail = text[:-120], text[-120:]
    text = head + _LOCATOR.sub("", tail)
    core = " ".join(NON_WORD.sub(" ", fold(text)).split())
    return "" if core in _IBID else core


# --------------------------------------------------------------------------
# Pair scoring
# --------------------------------------------------------------------------
def authors_agree(a: Item, b: Item) -> float:
    """0..100 agreement of two refs' authors (first author, then any overlap,
    translators and editors counting: a translation cited under its translator)."""
    best = 0.0
    if a.fams and b.fams and a.fams[0] and b.fams[0]:
        if a.orgs[0] and b.orgs[0]:
            best = fuzz.token_set_ratio(a.fams[0], b.fams[0])
            best = best if best >= AUTHOR_ORG else 0.0
        else:
            best = fuzz.ratio(a.fams[0], b.fams[0])
    if best >= AUTHOR_FAMILY:
        return best
    sa = set(a.fams) | a.others
    sb = set(b.fams) | b.others
    sa.discard("")
    sb.discard("")
    if (set(a.fams) & sb) or (set(b.fams) & sa):
        return 95.0
    return best


def title_score(a: Item, b: Item) -> float:
    """0..100 title agreement: whole title; title without bracketed glosses;
    main title when one ref omits the subtitle; a truncated title (short
    forms print the title's first words)."""
    if not a.norm or not b.norm:
        return 0.0
    score = fuzz.ratio(a.norm, b.norm)
    if score >= 100:
        return score
    if (a.bare != a.norm or b.bare != b.norm) and a.bare and b.bare \
            and min(len(significant_tokens(a.bare)), len(significant_tokens(b.bare))) >= 2:
        score = max(score, fuzz.ratio(a.bare, b.bare) - 2)
    short, other = (a, b) if len(a.norm) <= len(b.norm) else (b, a)
    # a short form in its own document may abbreviate to one distinctive word
    need = 1 if (short.short and short.doc == other.doc) else MIN_SIG_TOKENS_MAIN
    if len(short.sig) < need or short.norm in GENERIC_TITLES:
        return score
    if short.main == short.norm and other.main != other.norm:
        m = fuzz.ratio(short.main, other.main)
        if m >= MAIN_TITLE:
            score = max(score, m - 4)   # a little below a whole-title match
    head = other.norm[:len(short.norm) + 1]
    if len(head) > len(short.norm) and head[-1] == " " or head == other.norm:
        p = fuzz.ratio(short.norm, head.strip())
        if p >= MAIN_TITLE:
            score = max(score, p - 6)   # truncations are weaker still
    return score


def _generic(item: Item, other: Item) -> bool:
    """A title too weak to match on alone ("Introduction"), unless it is a
    short form abbreviating a ref of its own document."""
    if item.norm in GENERIC_TITLES:
        return True
    return len(item.sig) < 2 and not (item.short and item.doc == other.doc)


def years_ok(a: Item, b: Item, strong: bool) -> bool:
    if a.year is None or b.year is None:
        return True
    gap = abs(a.year - b.year)
    if gap and (a.type in SERIAL_TYPES or b.type in SERIAL_TYPES):
        return False   # this year's report is not last year's
    if gap <= 1:
        return True
    return strong and a.type in EDITION_TYPES and b.type in EDITION_TYPES


def vetoed(a: Item, b: Item) -> bool:
    if {a.type, b.type} == {"chapter", "book"}:
        return True
    if a.nums and b.nums and a.nums != b.nums:
        return True
    if a.doi and b.doi and a.doi != b.doi:
        return True
    return False


def pair_score(a: Item, b: Item) -> float:
    """Match score 0..100 of two full refs, 0 when they are not one work."""
    if vetoed(a, b):
        return 0.0
    score = _fields_score(a, b)
    if score <= 0 and (a.norm or b.norm):
        if a.norm and b.norm and a.has_authors and b.has_authors:
            # both parsed: only a cut title of the same authors
            # ("SenseTime Unveils AI Product" / "Unveils AI Product to ...")
            if authors_agree(a, b) < AUTHOR_FAMILY:
                return 0.0
            need = MIN_SIG_TOKENS_NO_AUTHOR + 1
        else:
            need = 0   # a parse gap (no title or no authors) on one side
        score = max(title_in_raw(a, b, need), title_in_raw(b, a, need))
    return score


def _fields_score(a: Item, b: Item) -> float:
    """Score from the parsed fields (title, authors, year)."""
    if not a.norm and not b.norm:
        # untitled refs: same text but the locator in one document
        # ("appendix 1, quote 1" / "appendix 1, quote 2")
        # or long identical raw text anywhere (a ref the parser could not split)
        if a.raw_core and a.raw_core == b.raw_core and (
                a.doc == b.doc or len(significant_tokens(a.raw_core)) >= 4):
            return 90.0
        return 0.0
    ts = title_score(a, b)
    if ts < TITLE_WITH_AUTHOR:
        if a.has_authors and b.has_authors and (a.orig_text or b.orig_text) \
                and names_original(a, b) and authors_agree(a, b) >= AUTHOR_FAMILY:
            return float(TITLE_WITH_AUTHOR)   # a translation naming its original
        return 0.0
    if a.has_authors and b.has_authors:
        au = authors_agree(a, b)
        if au < AUTHOR_FAMILY:
            return 0.0
        if _generic(a, b) or _generic(b, a):
            # "Introduction" by one author: only with equal year and container
            if ts < 100 or a.year is None or a.year != b.year:
                return 0.0
            if a.container and b.container and fuzz.ratio(a.container, b.container) < 90:
                return 0.0
        if not years_ok(a, b, strong=True):
            return 0.0
        return min(ts, au)
    need = TITLE_ONE_AUTHOR if (a.has_authors or b.has_authors) else TITLE_NO_AUTHOR
    if ts < need or min(len(a.sig), len(b.sig)) < MIN_SIG_TOKENS_NO_AUTHOR:
        return 0.0
    if not years_ok(a, b, strong=False):
        return 0.0
    return ts - 5   # weaker evidence than a title + author match


# --------------------------------------------------------------------------
# Union-find with cannot-link constraints


# --------------------------------------------------------------------------
class Clusters:
    """Union-find over item indexes; refuses joins that break a constraint."""

    def __init__(self, items: list[Item]):
        self.parent = list(range(len(items)))
        # per root: {doc: set(bibliography ref ids)}, {(doc, year, suffix)}
        self.bib = [({it.doc} if it.kind == "bibliography" else set()) for it in items]
        self.suffix = [({(it.doc, it.suffix)} if it.suffix else set()) for it in items]

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def can_join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.bib[ra] & self.bib[rb]:
            return False
        docs_a = {d for d, _ in self.suffix[ra]}
        for d, s in self.suffix[rb]:
            if d in docs_a and (d, s) not in self.suffix[ra]:
                return False
        return True

    def join(self, a: int, b: int) -> bool:
        if not self.can_join(a, b):
            return False
        ra, rb = self.find(a), self.find(b)
        if len(self.bib[ra]) + len(self.suffix[ra]) < len(self.bib[rb]) + len(self.suffix[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.bib[ra] |= self.bib[rb]
        self.suffix[ra] |= self.suffix[rb]
        self.bib[rb] = self.suffix[rb] = set()
        return True


# --------------------------------------------------------------------------
# Work clustering
# --------------------------------------------------------------------------
def follow_same_as(refs: list[dict]) -> dict[int, int]:
    """ref id -> id of the full ref it abbreviates (itself for full refs).

    Chains (ibid -> short form -> full ref) are followed; a cycle or a dangling
    pointer ends the chain at the last ref reached.
    """
    target = {r["id"]: r.get("same_as") for r in refs}
    root: dict[int, int] = {}
    for rid in target:
        path, cur = [], rid
        while cur not in root:
            path.append(cur)
            nxt = target.get(cur)
            if nxt is None or nxt not in target or nxt in path:
                root[cur] = cur
                break
            cur = nxt
        end = root[cur]
        for p in path:
            root[p] = end
    return root


def blocking_keys(it: Item) -> list[str]:
    keys = []
    for fam in it.fams[:1]:
        if fam:
            keys.append("a:" + fam.split()[0] if it.orgs[0] else "a:" + fam)
    for other in sorted(it.others)[:2]:
        keys.append("a:" + other)
    if it.sig:
        keys.append("t:" + " ".join(it.sig[:2]))
        main_sig = significant_tokens(it.main)
        if main_sig[:2] != it.sig[:2]:
            keys.append("t:" + " ".join(main_sig[:2]))
    if not it.norm and it.raw_core:
        keys.append("r:" + it.raw_core)
    if not it.has_authors or not it.norm:
        # parse gaps: the raw text's first words may be the author or title
        head = significant_tokens(it.raw_head)[:8]
        if not it.has_authors:
            keys += ["a:" + t for t in head[:3]]
        if not it.norm:
            keys += ["t:" + " ".join(head[i:i + 2]) for i in range(max(0, len(head) - 1))]
    return keys


def candidate_pairs(items: list[Item]) -> Iterable[tuple[int, int]]:
    """Pairs to score: all pairs of small blocks, a sorted window in big ones."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for it in items:
        for k in dict.fromkeys(blocking_keys(it)):
            blocks[k].append(it.idx)
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) <= BLOCK_ALL_PAIRS:
            for i in range(len(members)):
                for j in range(i + 1, len(members)):
                    yield members[i], members[j]
        else:
            members = sorted(members, key=lambda m: (items[m].norm, items[m].year or 0))
            for i in range(len(members)):
                for j in range(i + 1, min(i + 1 + WINDOW, len(members))):
                    yield members[i], members[j]


def cluster_items(items: list[Item], cl: Clusters | None = None,
                  fixed: int = 0) -> tuple[Clusters, list[tuple]]:
    """Cluster full refs; returns the clusters and the joins made
    (item a, item b, reason, score 0..1).

    Incremental use: items ``0..fixed-1`` are refs of existing works, already
    joined in ``cl``; only pairs involving a later (new) item are compared.
    """
    cl = cl or Clusters(items)
    joins: list[tuple] = []
    # 1. identifiers
    for reason, attr in (("doi", "doi"), ("isbn", "isbn"), ("url", "url")):
        first: dict[str, int] = {}
        for it in items:
            value = getattr(it, attr)
            if not value or (reason == "isbn" and it.type == "chapter"):
                continue
            if value in first:
                other = items[first[value]]
                if it.idx < fixed:
                    continue
                if reason == "url" and it.norm and other.norm and \
                        fuzz.token_set_ratio(it.norm, other.norm) < 60:
                    continue   # one URL, two titles: a site-wide link
                if not vetoed(it, other) and cl.join(other.idx, it.idx):
                    joins.append((other.idx, it.idx, reason, 1.0))
            else:
                first[value] = it.idx
    # 2. fuzzy pairs from blocks, strongest first; a work cited in many
    # documents repeats the same fields, so each pair of field sets
    # (``match_fields``) is scored once
    scored: dict[tuple[int, int], float] = {}
    group: dict[tuple, int] = {}
    gid = [group.setdefault(match_fields(it), len(group)) for it in items]
    memo: dict[tuple, float] = {}
    for a, b in candidate_pairs(items):
        pair = (a, b) if a < b else (b, a)
        if pair[1] < fixed or pair in scored or cl.find(a) == cl.find(b):
            continue
        x, y = items[pair[0]], items[pair[1]]
        key = (gid[x.idx], gid[y.idx], x.doc == y.doc)
        if key not in memo:
            memo[key] = pair_score(x, y)
        scored[pair] = memo[key]
    for (a, b), s in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0])):
        if s <= 0:
            break
        if cl.join(a, b):
            joins.append((a, b, "title+author+year", round(s / 100, 3)))
    return cl, joins


def match_fields(it: Item) -> tuple:
    """Everything ``pair_score`` reads of an item but its document (whose
    only use is "same document or not")."""
    return (it.type, it.year, it.title, it.short, it.orig_text, tuple(it.fams),
            tuple(it.orgs), tuple(sorted(it.others)), it.container, it.doi,
            it.raw_core, it.raw_head)


def index_keys(it: Item) -> list[str]:
    """Keys stored in ``ref_blocks`` for a full ref: its blocking keys and
    its identifiers (``doi:``, ``isbn:``, ``url:``)."""
    keys = list(dict.fromkeys(blocking_keys(it)))
    if it.doi:
        keys.append("doi:" + it.doi)
    if it.isbn and it.type != "chapter":
        keys.append("isbn:" + it.isbn)
    if it.url:
        keys.append("url:" + it.url)
    return keys


def sort_text(it: Item) -> str:
    """The order refs take inside a big block (as candidate_pairs sorts them)."""
    return it.norm[:80]


@contextmanager
def no_gc():
    """Cyclic GC off: it rescans every live object as millions of small
    ones are made, which makes loading and clustering superlinear."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------
_ORIGINAL = re.compile(
    r"\b(?:orig(?:inal(?:ly)?)?\.?(?:\s+(?:title|published|publ\.?|ed\.?))?|"
    r"translat(?:ed|ion) (?:from|of)|first published (?:as|in)|"
    r"originaltitel|übersetzt|aus dem \w+ von|traduit|titre original)\b", re.I)


_IN_CONTAINER = re.compile(r"[.,]\s+(?:in|In|IN)[:\s]")
_YEAR = re.compile(r"\b" + YEAR + r"\b")


_LOCATOR = re.compile(
    r"(?:[\s,;:]+(?:p|pp|page|pages|para|paras|paragraph|line|lines|quote|"
    r"quotes|fn|note|at|s)\.?\s*[\divxlc]{1,6}(?:\s*[-–]\s*[\divxlc]{1,6})?)+\s*[.,;]?\s*$",
    re.I)


_IBID = {"ibid", "ibidem", "id", "op cit", "idem", "loc cit", "ebd", "ebenda"}
