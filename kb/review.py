"""The review queue: how likely a parsed reference (and a work) is wrong.

Parsing is never perfect; this module weighs simple evidence a reviewer would
use, so the site and the exports can list the worst first:

    >>> review_ref({"raw": "appendix 1, quote 1", "kind": "footnote"})
    (0.82, ['no title', 'no author and no year', 'too short for a reference'])

Each reason has a weight (the chance, on its own, that the ref is wrong);
the score combines them as independent evidence, ``1 - prod(1 - w)``.  A ref
or work with a score of at least ``QUEUE`` is "in the queue".  The parser's
own doubt (``confidence`` and ``low_confidence``, when the parse stage gives
them) is one more reason.
"""
from __future__ import annotations

import json
import re

QUEUE = 0.5          # in the queue from this score on
PARSER_DOUBT, PARSER_DOUBT_MAX = 0.35, 0.45   # one field the parser doubts; the cap
LONG, SHORT = 600, 25

# reason -> weight
WEIGHTS = {
    "nothing parsed": 0.8,
    "no title": 0.45,
    "no author and no year": 0.4,
    "too short for a reference": 0.5,
    "too long for one reference": 0.45,
    "reads like a sentence": 0.5,
    "ends mid-sentence": 0.6,
    "starts mid-sentence": 0.5,
    "parsed fields cover little of the text": 0.4,
    "editors stored as authors": 0.55,
    "anonymous work cited once": 0.35,
}


def combine(weights) -> float:
    """Independent evidence: 1 - prod(1 - w), rounded to two places."""
    keep = 1.0
    for w in weights:
        keep *= 1.0 - w
    return round(1.0 - keep, 2)


def review_ref(ref: dict) -> tuple[float, list[str]]:
    """(score, reasons) for one ref given as a dict of its store columns."""
    if ref.get("short_form") and ref.get("same_as") is not None:
        return 0.0, []           # stands for a fuller ref, judged there
    reasons = [r for r, hit in _ref_evidence(ref) if hit]
    weights = [WEIGHTS[r] for r in reasons]
    unsure = _unsure_fields(ref)
    if unsure:
        # about a third of the fields the parser doubts are wrong on the corpus
        # (more on unseen data): corroborating evidence, not enough alone
        reasons.append("parser unsure of " + ", ".join(unsure))
        weights.append(min(PARSER_DOUBT + 0.1 * (len(unsure) - 1), PARSER_DOUBT_MAX))
    return combine(weights), reasons


def _ref_evidence(ref: dict):
    raw = (ref.get("raw") or "").strip()
    text = _URL.sub("", raw).strip()
    names = _names(ref.get("authors")) or _names(ref.get("editors"))
    yield "nothing parsed", ref.get("parse_ok") == 0
    yield "no title", not ref.get("title")
    yield "no author and no year", not names and not ref.get("year")
    yield "too short for a reference", len(raw) < SHORT
    yield "too long for one reference", len(raw) > LONG
    yield "reads like a sentence", _prose(text)
    yield "ends mid-sentence", bool(_DANGLING.search(_RETRIEVED.sub("", _URL.sub(" ", raw)).strip()))
    yield "starts mid-sentence", bool(_LOWER_START.match(raw)) and not _PARTICLE_START.match(raw)
    yield "parsed fields cover little of the text", _coverage(ref, raw) < 0.35
    yield "editors stored as authors", bool(_EDITED.search(raw)) and not _names(ref.get("editors")) \
        and bool(_names(ref.get("authors")))


def _names(value) -> list:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return value or []


def _unsure_fields(ref: dict) -> list[str]:
    return [f for f in _names(ref.get("low_confidence")) if isinstance(f, str)]


def _prose(text: str) -> bool:
    """Many function words and a verb-like run: a comment, not a reference."""
    words = _WORD.findall(text.lower())
    if len(words) < 6:
        return False
    share = sum(w in _FUNCTION for w in words) / len(words)
    return share >= 0.35 and bool(_VERB.search(text.lower()))


def _coverage(ref: dict, raw: str) -> float:
    """Share of the raw text's letters found in the parsed fields."""
    if len(raw) < 40:
        return 1.0
    parts = [str(ref.get(k) or "") for k in _TEXT_FIELDS]
    for k in ("authors", "editors", "translators"):
        for n in _names(ref.get(k)):
            if isinstance(n, dict):
                parts.extend(str(v) for v in n.values() if v)
    got = sum(len(_LETTERS.sub("", p)) for p in parts)
    have = len(_LETTERS.sub("", _URL.sub("", raw))) or 1
    return min(got / have, 1.0)


def review_work(work: dict, ref_scores: list[tuple[float, list[str]]]) -> tuple[float, list[str]]:
    """A work is as sure as its surest full ref, plus work-level evidence."""
    if ref_scores:
        score, reasons = min(ref_scores, key=lambda s: s[0])
        reasons = list(reasons)
    else:
        score, reasons = 0.0, []
    weights = [score] if score else []
    if ((work.get("key") or "").startswith("anon") and (work.get("ref_count") or 0) <= 1
            and "no author and no year" not in reasons):
        reasons.append("anonymous work cited once")
        weights.append(WEIGHTS["anonymous work cited once"])
    return combine(weights), reasons


_TEXT_FIELDS = ("title", "container_title", "year", "date", "volume", "issue", "pages",
                "edition", "publisher", "place", "doi", "isbn", "accessed")
_URL = re.compile(r"(?:https?://|www\.)\S{1,2000}")
_RETRIEVED = re.compile(r"(?:retrieved|available|accessed|abgerufen|abrufbar|verfügbar)"
                        r"(?:\s+(?:online|on|at|from|via|unter))*\s*[:.,]?\s*$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{1,40}")
_LETTERS = re.compile(r"[\W\d_]")
_FUNCTION = frozenset(
    "a an the is are was were be been to of on in at for with by from as that this "
    "these those it its which who can could will would should may might must has have "
    "had do does did not also more here there found see".split())
_VERB = re.compile(r"\b(?:is|are|was|were|be|been|can|could|will|would|has|have|had|"
                   r"shows?|argues?|suggests?|found|see)\b")
_DANGLING = re.compile(r"\b(?:on|in|at|of|to|for|with|by|from|the|a|an|and|or|that|which|"
                       r"is|are)\s*[:,]?\s*\.?$", re.IGNORECASE)
_LOWER_START = re.compile(r"[a-z]")
_PARTICLE_START = re.compile(r"(?:van|von|de|der|den|da|di|du|del|la|le|al|el|ter|ten|"
                             r"dos|das|bin|ibn|d'|e\.|et\b|ibid|id\b|op\.|vgl\.|ebd)",
                             re.IGNORECASE)
_EDITED = re.compile(r"\((?:eds?|hrsg|hg|dir|coord)\.?\)|\beds\.|\bed\.\s+by\b|\bedited by\b|"
                     r"\bhrsg\.|\bherausgegeben\b|\ba cura di\b", re.IGNORECASE)
