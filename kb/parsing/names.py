"""A names segment ("Bauman, Zygmunt and David Lyon") -> CSL name dicts.

    >>> split_names("Chen, D., Deakin, S., & Wang, B.")
    [{'family': 'Chen', 'given': 'D.'}, {'family': 'Deakin', 'given': 'S.'}, {'family': 'Wang', 'given': 'B.'}]
    >>> split_names("J. P. van der Berg and Wei Li")
    [{'family': 'van der Berg', 'given': 'J. P.'}, {'family': 'Li', 'given': 'Wei'}]
    >>> split_names("World Health Organization")
    [{'literal': 'World Health Organization'}]

Handles "Last, First" and "First Last" orders (Chicago inverts only the first
name), APA initials, Vancouver "Perry EJ", ";" lists, particles (van der, de
la, von), "et al.", and organisations (kept whole as ``literal``).
"""
from __future__ import annotations

import re

from ..text import PARTICLES  # noqa: E402,F401  (one particle list for every stage)
ORG_WORDS = {
    "institute", "institut", "university", "universität", "université", "universidad",
    "council", "center", "centre", "agency", "foundation", "group", "ministry",
    "organization", "organisation", "association", "committee", "commission", "bank",
    "office", "department", "government", "society", "news", "times", "press", "inc",
    "ltd", "llc", "gmbh", "party", "network", "board", "bureau", "service", "services",
    "corporation", "company", "co.", "union", "federation", "forum", "trust", "fund",
    "administration", "authority", "court", "parliament", "senate", "congress", "nations",
    "world", "international", "national", "state", "states", "republic", "academy",
    "school", "college", "library", "museum", "project", "initiative", "alliance",
    "program", "programme", "research", "watch", "daily", "post", "review", "media",
    "radio", "television", "tv", "bbc", "cnn", "reuters", "agence", "office", "team",
    "staff", "editors", "editorial", "club", "league", "council", "lab", "laboratory",
    "statistics", "bundesamt", "ministerium", "bundesministerium", "stiftung", "verein",
    "europe", "european", "american", "america", "britain", "british",
    "online", "magazine", "journal", "org", "economist", "guardian", "house", "institution",
    "partners", "consulting", "systems", "technologies", "labs", "health", "security",
    "panel", "intergovernmental", "amt", "landesamt", "verband", "kommission", "bundesregierung",
    "bundestag", "ministère", "conseil", "istituto", "ministero", "consiglio", "comitato",
    "secretariat", "directorate", "statistisches", "forschungsinstitut", "programme",
}
_ORG_JOIN = {"für", "of", "for", "on", "zur", "zum", "pour", "de", "des", "du", "della", "di", "del", "per"}
_ETAL = re.compile(r",?\s*\b(?:et|at|and)\s*\.?\s*al(?:ii|ia)?\b\.?|,?\s*\bu\.\s*a\.|,?\s*\bet\s+autres\b"
                   r"|,?\s*\b(?:and|&)\s+others\b\.?|,?\s*\bet\s+coll(?:ab)?\b\.?|\s(?-i:u)\.?\s*(?:a\.?)?$", re.I)
_SPLIT_AND = re.compile(r"\s*(?:,\s*)?(?:\band\b|&|\bund\b|\bet\b|\bog\b|\boch\b)\s+", re.I)
_ROLE = re.compile(r"\(?\b(?:eds?|editors?|edited\s+by|ed\.\s+by|hrsg|hg|hgg|dir|coord|comps?|trans|transl|"
                   r"translated\s+by|übers|tr)\b\.?\)?\s*(?:by\s+)?|\(\s*(?:ed|eds|hrsg|hg)\.?\s*\)", re.I)
_CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_INITIALS = re.compile(r"^(?:[A-ZÀ-ÝĀ-Ž]\.?\s?-?\s?){1,4}$")
_CAPWORD = re.compile(r"^[A-ZÀ-ÝĀ-ŽΑ-Ω][\w'’.-]*$")


def is_initials(s: str) -> bool:
    s = s.strip()
    return bool(s) and bool(_INITIALS.match(s)) and len(s.replace(".", "").replace(" ", "").replace("-", "")) <= 4


def is_org(text: str) -> bool:
    """True when ``text`` reads as an organisation rather than a person."""
    t = text.strip()
    if not t:
        return False
    if "(" in t or (_CJK.search(t) and "," not in t):
        return True
    if "," in t and not _CJK.search(t):
        # "Bundesministerium für Familie, Senioren, Frauen und Jugend": an
        # organisation word joined by a connective before the first comma
        head = t.split(",")[0].split()
        return len(head) >= 2 and any(w.lower().strip(".") in ORG_WORDS for w in head) and \
            any(w in _ORG_JOIN for w in head[1:])
    words = re.findall(r"[\w.'’]+", t)
    low = {w.lower().strip(".") for w in words}
    if low & ORG_WORDS and not (len(words) <= 3 and _looks_person_pair(t)):
        return True
    if len(words) == 1 and t.isupper() and len(t) >= 2 and "." not in t:
        return True  # OECD, NASA
    if len([w for w in words if not is_initials(w) and w.lower() not in PARTICLES]) >= 4:
        return True
    if words and words[0].lower() in ("the", "die", "der", "le", "la", "les"):
        return True
    return False


def _looks_person_pair(t: str) -> bool:
    """"Wang, Lianzhang" / "Lee Wang": short capitalised words, not all org."""
    words = re.findall(r"[\w.'’]+", t)
    orgish = [w for w in words if w.lower().strip(".") in ORG_WORDS - {"wang", "china", "net"}]
    return not orgish


def _clean(s: str) -> str:
    s = _ROLE.sub(" ", s)
    s = re.sub(r"\s+", " ", s).strip(" ,;:").lstrip(".,;:) ")
    if s.endswith(".") and not re.search(r"(?:^|[\s.-])[A-ZÀ-Ý]\.$", s):
        s = s[:-1]
    return s


def _natural(piece: str) -> dict:
    """"Jan Peter van der Berg" / "Perry EJ" / "Meng Jing" -> family/given."""
    piece = piece.strip(" ,;")
    words = piece.split()
    if not words:
        return {}
    if len(words) == 1:
        return {"family": words[0].strip("."), "given": None}
    # Vancouver: "Perry EJ", "Smith J", "van den Bosch F."
    last = words[-1]
    if len(words) >= 2 and re.fullmatch(r"[A-Z](?:-?[A-Z]){0,3}\.?", last) and not words[0].isupper():
        if len(words) > 2 and all(is_initials(w) for w in words[1:]) and not is_initials(words[0]):
            return {"family": words[0], "given": " ".join(words[1:])}  # "Herndon D. N."
        return {"family": " ".join(words[:-1]), "given": last.rstrip(".")}
    if words[0].lower() in PARTICLES and words[0][:1].islower():
        return {"family": " ".join(words), "given": None}
    if len(words) == 2:
        fam_first = chinese_family_first(words[0], words[1])
        if fam_first:
            return {"family": words[0], "given": words[1]}
    # family starts at the first particle after at least one given word
    for i in range(1, len(words)):
        if words[i].lower() in PARTICLES and i < len(words) - 1:
            return {"family": " ".join(words[i:]), "given": " ".join(words[:i])}
    # all-caps initials at the start belong to the given name
    return {"family": words[-1], "given": " ".join(words[:-1])}


def _single_wordish(p: str) -> bool:
    words = p.split()
    if not words or is_initials(p):
        return False
    core = [w for w in words if w.lower() not in PARTICLES]
    return len(core) == 1 or (len(core) == 2 and len(words) == 2 and words[0] in ("De", "Van", "Von", "Di", "Da", "Le", "La", "Del"))


def _compound_family(p: str) -> bool:
    """"Lo Piccolo" / "Pérez Higueras" before ", F.": two or three capitalised
    words, none an initial, is one family name."""
    words = p.split()
    return 2 <= len(words) <= 3 and all(_CAPWORD.match(w) and not is_initials(w) for w in words) and not is_org(p)


def _givenlike(p: str) -> bool:
    p = p.strip()
    if not p or is_initials(p):
        return bool(p)
    words = p.split()
    if len(words) > 3:
        return False
    if any(w.lower() in PARTICLES for w in words[1:-1]):
        return False
    return all(_CAPWORD.match(w) or is_initials(w) for w in words)


_PAIR_SEP = re.compile(r"\s*/\s*|\s+[–—]\s+|\s+(?:&|and|und|et|y|e)\s+")


def _inverted_pairs(text: str) -> str:
    """"Brown, William O./Burdekin, Richard C. K." and "Inowlocki, Lena & Lutz,
    Helma" (every name "Family, Given", joined by "/", "–", "&" or "and") ->
    a ";" list."""
    if ";" in text or "," not in text:
        return text
    parts = _PAIR_SEP.split(text)
    if len(parts) < 2 or ("/" not in text and not all(p.count(",") == 1 for p in parts)):
        return text
    if not all(p.count(",") == 1 and _single_wordish(p.split(",")[0]) and _givenlike(p.split(",")[1].strip(" ."))
               for p in parts):
        return text
    return "; ".join(parts)


def split_names(text: str) -> list[dict]:
    """Split a names segment into CSL name dicts (see module doc)."""
    text = text[:500]
    text = _ETAL.sub("", text)
    text = _clean(re.sub(r"\s+", " ", text))
    text = re.sub(r"^(?:by|par)\s+", "", text, flags=re.I) if len(text.split()) > 2 else text
    if not text:
        return []
    if text.startswith("(") and ")" not in text[:-1]:
        text = text.strip("()")
    if _CJK.search(text) and "," in text and "(" not in text:
        text = _CJK.sub("", text)
    text = _inverted_pairs(text)
    cleaned = _clean(text)
    if not cleaned:
        return []
    if is_org(cleaned) and ";" not in cleaned and not re.search(r"\b(?:and|&)\b", cleaned):
        return [{"literal": cleaned}]
    if ";" in text:
        out = []
        for part in text.split(";"):
            part = _clean(part)
            if not part:
                continue
            if "," in part:
                fam, _, giv = part.partition(",")
                out.append({"family": fam.strip(), "given": giv.strip() or None})
            else:
                out.append(_natural(part) if not is_org(part) else {"literal": part})
        return [n for n in out if n]
    groups = [g for g in _SPLIT_AND.split(cleaned) if g and g.strip(" ,")]
    pieces: list[tuple[str, bool]] = []
    for gi, g in enumerate(groups):
        for pi, p in enumerate(x.strip() for x in g.split(",")):
            if p:
                pieces.append((p, gi > 0 and pi == 0))
    out: list[dict] = []
    i = 0
    single_word_only = all(len(p.split()) == 1 and not is_initials(p) for p, _ in pieces)
    if single_word_only and len(pieces) == 1:
        p = pieces[0][0]
        return [{"literal": p}] if p[:1].isupper() or _CJK.search(p) else [{"family": p, "given": None}]
    if single_word_only and len(groups) > 1:
        return [{"family": p.strip("."), "given": None} for p, _ in pieces]
    seen_and = False
    mixed_case = any(not p.isupper() for p, _ in pieces[:1])
    while i < len(pieces):
        if mixed_case and i > 0 and pieces[i][0].isupper() and len(pieces[i][0]) > 3 and out:
            break  # an all-capitals piece after ordinary names is not a name
        p, after_and = pieces[i]
        if seen_and and not after_and and not (is_initials(p) or (_givenlike(p) and out and out[-1].get("given") is None)):
            break  # the name after "and" is the last one
        seen_and = seen_and or after_and
        if i + 1 < len(pieces) and (_single_wordish(p) or (is_initials(pieces[i + 1][0]) and _compound_family(p))) \
                and _givenlike(pieces[i + 1][0]) and not pieces[i + 1][1]:
            out.append({"family": p.strip().rstrip("."), "given": pieces[i + 1][0].strip()})
            i += 2
            continue
        if is_initials(p) and out and out[-1].get("given") is None and "family" in out[-1]:
            out[-1]["given"] = p
            i += 1
            continue
        if is_org(p):
            out.append({"literal": p})
        else:
            n = _natural(p)
            if n:
                out.append(n)
        i += 1
    return out


# Pinyin surnames, most common first (a name dictionary, as in GROBID).
PINYIN_SURNAMES = ("wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he "
                    "lin gao luo zheng liang xie song tang han feng deng cao peng zeng xiao tian "
                    "dong pan yuan cai jiang yu du ye cheng wei su lu ding ren shen yao jin fu "
                    "zhong cui tan liao fan wang shi jia xia qiu fang hou zou xiong meng qin bai "
                    "jiang yan duan lei long tao he gu mao hao gong shao wan qian yin kong bao "
                    "jing qi kang mo").split()
SURNAME_RANK = {}
for _i, _w in enumerate(PINYIN_SURNAMES):
    SURNAME_RANK.setdefault(_w, _i)


def chinese_family_first(first: str, second: str) -> bool:
    """True when a two-word pinyin name reads family-first ("Meng Jing", "Li Tao")."""
    a, b = first.lower(), second.lower().split("-")[0]
    if a not in SURNAME_RANK:
        return False
    if "-" in second:
        return True
    if b not in SURNAME_RANK:
        return True
    return SURNAME_RANK[a] < SURNAME_RANK[b]
