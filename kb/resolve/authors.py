"""Authors: one row per person or organisation across all refs.

    >>> person = cluster_authors(occurrences, work_of_ref)   # a person index per name
    >>> rows = author_rows(occurrences, person)               # authors table rows

Family names are folded for matching only (display keeps diacritics), given
names must be compatible ("R." ~ "Rogier", "Jin, Meng" != "Jin, Ming"),
organisations are kept whole, and bare family names in short forms take the
person of their work.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from rapidfuzz import fuzz

from .normalise import clean_name, display_name, given_compatible, given_tokens, is_pinyin, name_key, \
    org_gloss
from .thresholds import AUTHOR_FAMILY, BLOCK_ALL_PAIRS, ORG_TYPO

ROLES = (("author", "authors"), ("editor", "editors"), ("translator", "translators"))


class _Person:
    __slots__ = ("forms", "members", "literal")

    def __init__(self, literal: bool):
        self.forms: set[tuple] = set()
        self.members: list[int] = []
        self.literal = literal


class _Union:
    """Union-find over name occurrences (path halving)."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, child: int, into: int) -> None:
        """Put ``child``'s root under ``into``'s root."""
        self.parent[self.find(child)] = self.find(into)


def cluster_authors(occ: list[dict], work_of_ref: dict[int, int]) -> list[int]:
    """Person index for every name occurrence.

    ``occ``: dicts with ref_id, role, position, name (cleaned).

    1. A bare family name ("Lyon" in a short form) at the same role/position
       as a fuller name in a ref of the same work is that person.
    2. Otherwise people are grouped by folded family name (organisations by
       their whole folded name); within a family, given names must be
       compatible ("R." ~ "Rogier", "Meng" !~ "Ming"); a name compatible with
       several different people stays on its own.
    3. Names with given names at the same position of refs of one work join
       when their families are near-equal (typos such as "Bossewith") and
       every given-name form of both stays compatible.
    """
    uf = _Union(len(occ))
    for o in occ:
        n = o["name"]
        o["key"] = ("o:" if n.get("literal") else "p:") + name_key(n)
        o["given"] = given_tokens(n.get("given"))
    slots: dict[tuple, list[int]] = defaultdict(list)
    for i, o in enumerate(occ):
        w = work_of_ref.get(o["ref_id"])
        if w is not None:
            slots[(w, o["role"], o["position"])].append(i)
    attached = _attach_bare(occ, slots, uf)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, o in enumerate(occ):
        if i not in attached:
            groups[o["key"]].append(i)
    for key, members in groups.items():
        _join_family(occ, key, members, uf)
    _join_organisations(occ, groups, uf)
    _join_typos(occ, slots, uf)
    _join_reversed_pinyin(occ, uf)
    return [uf.find(i) for i in range(len(occ))]


def name_occurrences(refs: list[dict]) -> list[dict]:
    """Every name printed in ``refs``: dicts with ref_id, role, position, name (cleaned)."""
    occ = []
    for r in refs:
        for role, col in ROLES:
            for pos, raw_name in enumerate(r.get(col) or []):
                n = clean_name(raw_name)
                if n:
                    occ.append({"ref_id": r["id"], "role": role, "position": pos, "name": n})
    return occ


def author_rows(occ: list[dict], person: list[int]) -> tuple[list[dict], list[int]]:
    """``authors`` rows (ids from 1, in order of first occurrence) and the
    author id of every occurrence.  A person is named by the fullest given
    name (diacritics kept); an organisation by its most used form, then the
    shortest."""
    person_occ: dict[int, list[int]] = defaultdict(list)
    for i, p in enumerate(person):
        person_occ[p].append(i)
    author_id: dict[int, int] = {}
    rows = []
    for p in sorted(person_occ, key=lambda p: min(person_occ[p])):
        author_id[p] = len(author_id) + 1
        members = [occ[i] for i in person_occ[p]]
        people = [o for o in members if not o["name"].get("literal")]
        if people:
            best = max(people, key=lambda o: (len(o["name"].get("given") or ""),
                                              not display_name(o["name"]).isascii()))
            name = display_name(best["name"])
        else:
            forms = Counter(o["name"]["literal"] for o in members)
            name = max(forms, key=lambda f: (forms[f], -len(f)))
            best = next(o for o in members if o["name"]["literal"] == name)
        n = best["name"]
        given_init = (given_tokens(n.get("given")) or ("",))[0][:1]
        rows.append({"id": author_id[p], "name": name,
                     "family": n.get("family"), "given": n.get("given"),
                     "literal": int(bool(n.get("literal"))),
                     "match_key": best["key"] + ("|" + given_init if given_init else "")})
    return rows, [author_id[p] for p in person]


def credited_names(info: dict):
    """(role, column, ref) whose names a work credits: the authors of its
    author source, the editors and translators of the ref listing most."""
    for role, col in ROLES:
        r = info["author_src"] if col == "authors" else max(
            info["full"], key=lambda x: len(x.get(col) or []))
        yield role, col, r


def work_author_rows(infos: list[dict], occ: list[dict], author_of: list[int]) -> list[dict]:
    """``work_authors`` rows of works 1..n (``infos`` from ``work_fields``)."""
    occ_by_ref = {(o["ref_id"], o["role"], o["position"]): author_of[i]
                  for i, o in enumerate(occ)}
    rows, seen = [], set()
    for ci, info in enumerate(infos):
        for role, col, r in credited_names(info):
            for pos, _ in enumerate(r.get(col) or []):
                aid = occ_by_ref.get((r["id"], role, pos))
                if aid is None or (ci + 1, aid, role) in seen:
                    continue
                seen.add((ci + 1, aid, role))
                rows.append({"work_id": ci + 1, "author_id": aid, "position": pos,
                             "role": role})
    return rows


def _near(a: dict, b: dict) -> float:
    """Family (or organisation) names of two occurrences: 0..100."""
    if a["key"][:2] != b["key"][:2] or not a["key"][2:] or not b["key"][2:]:
        return 0.0
    return fuzz.ratio(a["key"][2:], b["key"][2:])


def _bare(o: dict) -> bool:
    """A family name alone (a one-word "literal" is often just that)."""
    if o["key"].startswith("p:"):
        return not o["given"]
    return " " not in o["key"][2:]


def _attach_bare(occ: list[dict], slots: dict, uf: _Union) -> set[int]:
    """1. Bare family names follow a fuller name of the same work (same role
    and position); returns the occurrences so attached."""
    attached: set[int] = set()
    for members in slots.values():
        full: dict[str, int] = {}   # key -> first fuller name with it (ties go to the first)
        for m in sorted(members):
            if occ[m]["given"]:
                full.setdefault(occ[m]["key"], m)
        best_for: dict[str, int | None] = {}   # one decision per spelling
        for m in members:
            if not _bare(occ[m]) or not full:
                continue
            key = occ[m]["key"]
            if key not in best_for:
                probe = {"key": "p:" + key[2:]}   # an organisation-like bare name as a person
                best = max(full.values(), key=lambda f: (_near(probe, occ[f]), -f))
                best_for[key] = best if _near(probe, occ[best]) >= AUTHOR_FAMILY else None
            if best_for[key] is not None:
                uf.parent[m] = best_for[key]
                attached.add(m)
    return attached


def _join_family(occ: list[dict], key: str, members: list[int], uf: _Union) -> None:
    """2. One folded family name (or organisation): people whose given names
    are compatible; a name compatible with several people stays alone."""
    if key.startswith("o:"):
        for m in members[1:]:
            uf.join(m, members[0])
        return
    order = sorted(members, key=lambda m: (-sum(len(t) > 1 for t in occ[m]["given"]),
                                           -len(occ[m]["given"]), m))
    persons: list[_Person] = []
    owner: dict[tuple, _Person] = {}   # a given-name form is in one person only
    by_initial: dict[str, list[_Person]] = defaultdict(list)   # blocking
    for m in order:
        g = occ[m]["given"]
        if g in owner:   # the same form again decides the same way
            owner[g].members.append(m)
            continue
        # one person's given names start with one letter ("Katherine" is
        # not "Catherine"): the usual family + first initial blocking
        fits = [p for p in by_initial[g[0][0] if g else ""]
                if all(given_compatible(g, f) for f in p.forms)]
        # (a bare family name nobody of its work explains lands in "":
        # only other bare uses of that name, it may be any of the family)
        if g and len(fits) > 1:
            exact = [p for p in fits if g in p.forms]
            fits = exact[:1]
        if fits:
            p = fits[0]
        else:
            p = _Person(False)
            persons.append(p)
            by_initial[g[0][0] if g else ""].append(p)
        if g:
            p.forms.add(g)
        owner[g] = p
        p.members.append(m)
    for p in persons:
        for m in p.members[1:]:
            uf.join(m, p.members[0])


def _join_organisations(occ: list[dict], groups: dict, uf: _Union) -> None:
    """2b. Organisations: a bracketed gloss naming another organisation
    ("Guowuyuan (The State Council)" = "State Council"), and typos of long
    names ("Zhonghua Renming ..." = "Zhonghua Renmin ...")."""
    orgs = {k: ms for k, ms in groups.items() if k.startswith("o:") and k[2:]}
    for key, members in orgs.items():
        for m in members:
            gloss = org_gloss(occ[m]["name"])
            if gloss and "o:" + gloss in orgs and "o:" + gloss != key:
                uf.join(m, orgs["o:" + gloss][0])
                break
    by_first: dict[str, list[str]] = defaultdict(list)
    for key in orgs:
        by_first[key[2:].split()[0]].append(key)
    for keys in by_first.values():
        if len(keys) > BLOCK_ALL_PAIRS:
            continue
        for i, ka in enumerate(keys):
            for kb in keys[i + 1:]:
                if min(len(ka), len(kb)) >= 14 and fuzz.ratio(ka, kb) >= ORG_TYPO:
                    uf.join(orgs[kb][0], orgs[ka][0])


def _join_typos(occ: list[dict], slots: dict, uf: _Union) -> None:
    """3. Typo'd families at one position of one work, when every given-name
    form of both stays compatible."""
    find, parent = uf.find, uf.parent
    forms: dict[int, set] = defaultdict(set)
    for i, o in enumerate(occ):
        if o["given"]:
            forms[find(i)].add(o["given"])
    for members in slots.values():
        # one occurrence per (person, spelling): the rest decide the same way
        withg, seen = [], set()
        for m in members:
            if occ[m]["given"] and (find(m), occ[m]["key"]) not in seen:
                seen.add((find(m), occ[m]["key"]))
                withg.append(m)
        for x in range(len(withg)):
            for y in range(x + 1, len(withg)):
                a, b = withg[x], withg[y]
                ra, rb = find(a), find(b)
                if ra == rb or _near(occ[a], occ[b]) < AUTHOR_FAMILY:
                    continue
                if not all(given_compatible(f, g) for f in forms[ra] for g in forms[rb]):
                    continue
                parent[rb] = ra
                forms[ra] |= forms.pop(rb, set())


def _join_reversed_pinyin(occ: list[dict], uf: _Union) -> None:
    """4. Pinyin names printed in the other order ("Qiang, X." = "Xiao Qiang")."""
    find = uf.find
    by_given: dict[str, set[int]] = defaultdict(set)
    for i, o in enumerate(occ):
        fam = o["key"][2:]
        if o["key"].startswith("p:") and len(o["given"]) == 1 and len(o["given"][0]) > 1 \
                and is_pinyin(fam) and is_pinyin(o["given"][0]):
            by_given[o["given"][0]].add(i)
    for i, o in enumerate(occ):
        fam = o["key"][2:]
        if not (o["key"].startswith("p:") and len(o["given"]) == 1 and is_pinyin(fam)):
            continue
        g = o["given"][0]
        cands = {find(j) for j in by_given.get(fam, ())
                 if occ[j]["key"][2:][:len(g)] == g or
                 (len(g) > 1 and occ[j]["key"][2:] == g)}
        cands.discard(find(i))
        if len(cands) == 1 and not any(
                occ[j]["key"][2:] == fam for j in by_given.get(g, ())):
            uf.parent[find(i)] = cands.pop()
