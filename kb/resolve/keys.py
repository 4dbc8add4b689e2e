"""Work keys: ``chen2017transparent``, unique and stable across builds.

    >>> base_key([{"family": "Chen"}], 2017, "Transparent Data")
    'chen2017transparent'
    >>> assign_keys([{"base": "chen2017transparent", "fingerprints": [...]}], previous_keys)

Stability: ``fingerprints`` of a ref survive a rebuild; ``work_keys``
(fingerprint -> key of the last build) lets a work keep its key.
"""
from __future__ import annotations

import hashlib
from collections import Counter

from .normalise import NON_WORD, ascii_word, clean_name, fold, int_year, name_key, norm_title, \
    significant_tokens


def fingerprints(ref: dict) -> list[str]:
    """Stable ids of a ref across rebuilds: document + normalised raw text,
    and document + normalised title/first author/year (so a re-extracted
    document whose raw text changed slightly keeps its keys)."""
    doc = ref.get("document_id")
    text = " ".join(fold(ref.get("raw") or "").split())
    out = [hashlib.sha1(f"{doc}\x1f{text}".encode("utf-8")).hexdigest()[:20]]
    title = norm_title(ref.get("title"))
    if title:
        names = [n for n in map(clean_name, ref.get("authors") or []) if n]
        who = name_key(names[0]) if names else ""
        fields = f"{doc}\x1f{title}\x1f{who}\x1f{int_year(ref.get('year'))}"
        out.append("f:" + hashlib.sha1(fields.encode("utf-8")).hexdigest()[:20])
    return out


def base_key(names: list[dict], year: int | None, title: str | None) -> str:
    """``chen2017transparent``: first author family (ascii) + year + first significant title word."""
    who = ""
    for n in names:
        who = ascii_word((n.get("family") or name_key(n).split(" ")[0]) if n else "")
        if who:
            break
    word = ""
    for tok in significant_tokens(" ".join(NON_WORD.sub(" ", fold(title)).split())):
        word = ascii_word(tok)
        if word and not word.isdigit():
            break
        word = ""
    return f"{who or 'anon'}{year or 'nd'}{word}"


def suffixes():
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for a in letters:
        for b in letters:
            yield a + b


def assign_keys(clusters: list[dict], previous_keys: dict[str, str]) -> list[str]:
    """A key per cluster (``{"base": str, "fingerprints": [...]}``), stable:
    a cluster keeps the key most of its refs had; new keys avoid every key
    known before (suffix a, b, ...)."""
    keys: list[str | None] = [None] * len(clusters)
    claims = []
    for ci, c in enumerate(clusters):
        votes = Counter(previous_keys[f] for f in c["fingerprints"] if f in previous_keys)
        for key, n in votes.items():
            claims.append((-n, ci, key))
    taken: set[str] = set()
    for _, ci, key in sorted(claims):
        if keys[ci] is None and key not in taken:
            keys[ci] = key
            taken.add(key)
    reserved = taken | set(previous_keys.values())
    for ci, c in enumerate(clusters):
        if keys[ci] is not None:
            continue
        key = c["base"]
        if key in reserved:
            for s in suffixes():
                if key + s not in reserved:
                    key = key + s
                    break
        keys[ci] = key
        reserved.add(key)
    return keys  # type: ignore[return-value]
