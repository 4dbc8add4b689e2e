"""The citation graph: store -> networkx -> metrics back into the store.

    >>> from kb.store import open_db
    >>> from kb import graph
    >>> db = open_db("data/kb.db")
    >>> graph.update_store(db)            # metrics + cocitations/coupling tables
    >>> G = graph.full_graph(db)          # documents -> works -> authors
    >>> graph.export(G, "kb.graphml", "graphml")

Graphs (node ids: ``d:<document id>``, ``w:<work id>``, ``a:<author id>``):

- citation graph, documents -> works ("cites"); edge weight = for every ref of
  the document resolved to the work, the number of claims citing that ref,
  at least 1 per ref (a bibliography entry nobody cites still counts once);
- authorship, works -> authors (work_authors);
- co-citation between works: ``documents`` = documents citing both,
  ``same_note`` = notes citing both, ``same_claim`` = claims citing both,
  ``weight = documents + same_note + same_claim`` (closer co-citation counts
  more);
- bibliographic coupling between documents: ``shared_works`` and Jaccard
  (shared / works cited by either);
- author co-citation: two authors whose works are cited in the same document
  (weight = documents).

Metrics written to works: ``cited_by_documents``, ``claim_count`` (distinct
claims citing the work), ``pagerank`` (weighted, on the directed citation
graph), ``betweenness`` (normalised, on the undirected citation graph; exact
up to BETWEENNESS_EXACT nodes, else from BETWEENNESS_K seeded sources) and
``community`` (Louvain, seed 42, numbered by size: 0 is the largest).

Incremental builds (``update_store(changed_documents=n)``): while the
documents changed since betweenness and communities were last computed stay
within REUSE_SHARE (2%) of the store, both are kept from the store (a new
work takes the community most common among the works its citing documents
cite, and betweenness 0) and PageRank is warm-started from the stored values
without building the networkx graph; the cocitations and coupling tables are
recomputed in memory but only the rows that differ are written.

Size rules for the stored tables (recorded in kb_meta as ``graph.*``):

- cocitations: every pair while there are at most COCITATION_ALL_PAIRS
  distinct pairs; beyond that only pairs with weight >= 2;
- coupling: every pair while there are at most COUPLING_ALL_PAIRS; beyond that
  each document keeps its COUPLING_TOP strongest partners (by Jaccard, then
  shared works) and a pair stays when either side keeps it.

The picture (the offline interactive HTML page) is a publisher:
``kb.publish.picture``.
"""
from __future__ import annotations

import json
import time
from contextlib import contextmanager
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import networkx as nx
import numpy as np

SEED = 42
COCITATION_ALL_PAIRS = 200_000
COUPLING_ALL_PAIRS = 200_000
COUPLING_TOP = 20
BETWEENNESS_EXACT = 3_000      # nodes; above this, sample BETWEENNESS_K sources
BETWEENNESS_K = 100
NOTE_KINDS = ("footnote", "endnote")


# ---------------------------------------------------------------- loading

@dataclass
class Links:
    """Who cites what, read once from the store (plain Python structures)."""
    documents: dict[str, dict] = field(default_factory=dict)   # id -> row
    works: dict[int, dict] = field(default_factory=dict)       # id -> row
    cites: dict[str, Counter] = field(default_factory=dict)    # doc -> {work: weight}
    work_claims: Counter = field(default_factory=Counter)      # work -> distinct claims
    notes: list[set] = field(default_factory=list)             # works cited in one note
    claims: list[set] = field(default_factory=list)            # works cited in one claim
    doc_refs: Counter = field(default_factory=Counter)
    doc_claims: Counter = field(default_factory=Counter)


def load_links(db) -> Links:
    """Read documents, works, refs, claims and citations into a Links.

    A ref without work_id takes the work of the ref it repeats (same_as),
    so "Ibid." and short forms count for their work.
    """
    links = Links()
    for row in db.query("SELECT id, title, authors, year, citation_style, path "
                        "FROM documents ORDER BY id"):
        links.documents[row["id"]] = row
        links.cites[row["id"]] = Counter()
    for row in db.query("SELECT * FROM works ORDER BY id"):
        links.works[row["id"]] = row
    # structured names from work_authors/authors (authors first, else any role)
    people = defaultdict(list)
    for wid, role, name, family, literal in db.execute(
            "SELECT wa.work_id, wa.role, a.name, a.family, a.literal FROM work_authors wa "
            "JOIN authors a ON a.id = wa.author_id ORDER BY wa.work_id, wa.position"):
        people[wid].append((role in (None, "", "author"), name or family or "",
                            (family if family and not literal else name) or ""))
    for wid, rows in people.items():
        if wid in links.works:
            main = [r for r in rows if r[0]] or rows
            links.works[wid]["_names"] = [r[1] for r in main if r[1]]
            links.works[wid]["_families"] = [r[2] for r in main if r[2]]
    ref_work = {}     # ref id -> (document, work)
    notes = defaultdict(set)
    for rid, doc, kind, note, work in db.execute(
            "SELECT r.id, r.document_id, r.kind, r.note, "
            "COALESCE(r.work_id, s.work_id) FROM refs r "
            "LEFT JOIN refs s ON s.id = r.same_as"):
        links.doc_refs[doc] += 1
        if work is None or work not in links.works:
            continue
        ref_work[rid] = (doc, work)
        if kind in NOTE_KINDS and note is not None:
            notes[(doc, note)].add(work)
    ref_claims = defaultdict(set)
    claim_works = defaultdict(set)
    for claim, ref in db.execute("SELECT claim_id, ref_id FROM citations "
                                 "WHERE ref_id IS NOT NULL"):
        if ref in ref_work:
            ref_claims[ref].add(claim)
            claim_works[claim].add(ref_work[ref][1])
    for rid, (doc, work) in ref_work.items():
        links.cites.setdefault(doc, Counter())[work] += max(1, len(ref_claims.get(rid, ())))
    for claim, works in claim_works.items():
        for work in works:
            links.work_claims[work] += 1
    for doc, n in db.execute("SELECT document_id, count(*) FROM claims GROUP BY document_id"):
        links.doc_claims[doc] = n
    links.notes = [s for s in notes.values() if len(s) > 1]
    links.claims = [s for s in claim_works.values() if len(s) > 1]
    return links


def name_strings(value) -> list[str]:
    """Display names from a JSON authors column (CSL names or strings)."""
    if not value:
        return []
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return [str(value)]
    if not isinstance(items, list):
        return [str(items)]
    out = []
    for a in items:
        if isinstance(a, dict):
            name = a.get("literal") or " ".join(
                p for p in (a.get("given"), a.get("family")) if p)
            if name:
                out.append(name)
        elif a:
            out.append(str(a))
    return out


def _families(value) -> list[str]:
    """Family names (or literals) from a JSON authors column."""
    try:
        items = json.loads(value) if isinstance(value, str) and value else []
    except ValueError:
        items = []
    out = []
    for a in items if isinstance(items, list) else []:
        if isinstance(a, dict):
            name = a.get("family") or a.get("literal") or a.get("given")
            if name:
                out.append(name)
        elif a:
            out.append(str(a).split(",")[0].strip())     # "Family, Given" or a literal
    return out


def work_names(work: dict) -> list[str]:
    """The work's author names for display (authors table, else works.authors)."""
    return work.get("_names") or name_strings(work.get("authors"))


def short_text(text: str, n: int = 48) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n - 1] + "\u2026"


def work_label(work: dict) -> str:
    """A short label: "Kostka 2019", "Botsman & Smith 2017", "Foo et al. 2001"."""
    fam = [short_text(f, 24) for f in (work.get("_families") or _families(work.get("authors")))]
    if len(fam) > 2:
        who = f"{fam[0]} et al."
    else:
        who = " & ".join(fam)
    if not who:
        who = (work.get("title") or work.get("key") or str(work.get("id")))[:40]
    year = work.get("year")
    return f"{who} {year}" if year else who


# ---------------------------------------------------------------- graphs

def citation_graph(links: Links) -> nx.DiGraph:
    """Documents -> works, weighted; every work is a node (cited or not)."""
    G = nx.DiGraph()
    for doc in links.documents:
        G.add_node(f"d:{doc}", kind="document")
    for wid in links.works:
        G.add_node(f"w:{wid}", kind="work")
    for doc, works in links.cites.items():
        if f"d:{doc}" not in G:
            G.add_node(f"d:{doc}", kind="document")
        G.add_edges_from((f"d:{doc}", f"w:{w}", {"weight": n, "kind": "cites"})
                         for w, n in works.items())
    return G


def _triu(n: int, cache: dict = {}) -> tuple[np.ndarray, np.ndarray]:
    if n not in cache:
        cache[n] = np.triu_indices(n, 1)
    return cache[n]


def count_pairs(groups: Iterable[Iterable[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Count unordered pairs of ids occurring together in a group.

    Returns (codes, counts), codes sorted, a pair (a < b) coded ``a << 32 | b``.

        >>> codes, n = count_pairs([{1, 2, 3}, {2, 3}])
        >>> [(int(c >> 32), int(c & 0xFFFFFFFF), int(k)) for c, k in zip(codes, n)]
        [(1, 2, 1), (1, 3, 1), (2, 3, 2)]
    """
    chunks = []
    for g in groups:
        if len(g) < 2:
            continue
        arr = np.unique(np.fromiter(g, dtype=np.int64, count=len(g)))
        i, j = _triu(len(arr))
        chunks.append((arr[i] << 32) | arr[j])
    if not chunks:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.unique(np.concatenate(chunks), return_counts=True)


def _lookup(codes: np.ndarray, sub_codes: np.ndarray, sub_counts: np.ndarray) -> np.ndarray:
    """Counts of ``sub`` aligned to ``codes`` (0 where absent)."""
    out = np.zeros(len(codes), np.int64)
    if len(sub_codes) and len(codes):
        pos = np.searchsorted(codes, sub_codes)
        pos = np.clip(pos, 0, len(codes) - 1)
        hit = codes[pos] == sub_codes
        out[pos[hit]] = sub_counts[hit]
    return out


def cocitation_pairs(links: Links, min_weight: int | None = None) -> tuple[dict, int]:
    """Co-cited work pairs as column arrays, and the min weight applied.

    ``min_weight=None`` applies the size rule: 1 while there are at most
    COCITATION_ALL_PAIRS distinct pairs, else 2.
    """
    codes, docs = count_pairs(w.keys() for w in links.cites.values())
    same_note = _lookup(codes, *count_pairs(links.notes))
    same_claim = _lookup(codes, *count_pairs(links.claims))
    weight = docs + same_note + same_claim
    if min_weight is None:
        min_weight = 1 if len(codes) <= COCITATION_ALL_PAIRS else 2
    keep = weight >= min_weight
    codes = codes[keep]
    return dict(work_a=codes >> 32, work_b=codes & 0xFFFFFFFF, weight=weight[keep],
                documents=docs[keep], same_note=same_note[keep],
                same_claim=same_claim[keep]), min_weight


def cocitation_graph(links: Links, min_weight: int = 1) -> nx.Graph:
    """Works linked by co-citation (attributes: weight, documents, same_note, same_claim)."""
    cols, _ = cocitation_pairs(links, min_weight)
    G = nx.Graph()
    G.add_nodes_from((f"w:{w}", _clean(dict(kind="work", label=work_label(row),
                                            key=row.get("key"), title=row.get("title"))))
                     for w, row in links.works.items())
    names = ("weight", "documents", "same_note", "same_claim")
    for row in zip(cols["work_a"].tolist(), cols["work_b"].tolist(),
                   *(cols[n].tolist() for n in names)):
        G.add_edge(f"w:{row[0]}", f"w:{row[1]}", **dict(zip(names, row[2:])))
    return G


def coupling_pairs(links: Links, top: int | None = None,
                   chunk: int = 500) -> tuple[list[tuple], str]:
    """Bibliographic coupling: (document_a, document_b, shared_works, jaccard) rows.

    ``top=None`` applies the size rule (all pairs up to COUPLING_ALL_PAIRS,
    else each document's COUPLING_TOP strongest partners); ``top=0`` keeps all.
    Returns the rows (document_a < document_b) and the rule applied.
    """
    from scipy import sparse

    docs = sorted(d for d, w in links.cites.items() if w)
    if len(docs) < 2:
        return [], "all pairs"
    # only works cited by two or more documents can be shared
    n_citing = Counter(w for d in docs for w in links.cites[d])
    shared_ok = {w: i for i, w in enumerate(sorted(w for w, n in n_citing.items() if n > 1))}
    deg = np.array([len(links.cites[d]) for d in docs], np.float64)
    rows, cols = [], []
    for i, d in enumerate(docs):
        for w in links.cites[d]:
            if w in shared_ok:
                rows.append(i)
                cols.append(shared_ok[w])
    A = sparse.csr_matrix((np.ones(len(rows), np.int32), (rows, cols)),
                          shape=(len(docs), max(1, len(shared_ok))))
    AT = A.T.tocsc()
    limit = None if top == 0 else (top or None)
    kept, total = [], 0
    for start in range(0, len(docs), chunk):
        C = (A[start:start + chunk] @ AT).tocoo()
        r = C.row.astype(np.int64) + start
        c = C.col.astype(np.int64)
        s = C.data.astype(np.int64)
        mask = r != c
        r, c, s = r[mask], c[mask], s[mask]
        jac = s / (deg[r] + deg[c] - s)
        part = (r, c, s, jac)
        total += len(r)
        if limit is None and top is None and total > 2 * COUPLING_ALL_PAIRS:
            limit = COUPLING_TOP      # size rule: switch to top-k, redo kept chunks
            kept = [_top_per_row(*p, limit) for p in kept]
        if limit:
            part = _top_per_row(*part, limit)
        kept.append(part)
    r = np.concatenate([p[0] for p in kept])
    c = np.concatenate([p[1] for p in kept])
    s = np.concatenate([p[2] for p in kept])
    jac = np.concatenate([p[3] for p in kept])
    lo, hi = np.minimum(r, c), np.maximum(r, c)
    _, first = np.unique(lo * len(docs) + hi, return_index=True)
    rule = f"top {limit} per document" if limit else "all pairs"
    out = [(docs[a], docs[b], int(k), float(j)) for a, b, k, j in zip(
        lo[first].tolist(), hi[first].tolist(), s[first].tolist(), jac[first].tolist())]
    return out, rule


def _top_per_row(r, c, s, jac, k):
    """Keep, for each row, its k entries with the highest (jaccard, shared)."""
    if len(r) > 8 * k:   # drop what is below each row's k-th best, then rank the rest
        keep = jac >= _kth_largest(r, c, jac, k)[r - r.min()]
        r, c, s, jac = r[keep], c[keep], s[keep], jac[keep]
    order = np.lexsort((c, -s, -jac, r))
    r, c, s, jac = r[order], c[order], s[order], jac[order]
    starts = np.r_[0, np.flatnonzero(np.diff(r)) + 1]
    rank = np.arange(len(r)) - np.repeat(starts, np.diff(np.r_[starts, len(r)]))
    keep = rank < k
    return r[keep], c[keep], s[keep], jac[keep]


def _kth_largest(r, c, values, k, cells: int = 4_000_000) -> np.ndarray:
    """Per row (offset from ``r.min()``), its k-th largest value (0 when the
    row has fewer than k entries); dense blocks of at most ``cells`` cells."""
    lo, width = int(r.min()), int(c.max()) + 1
    out = np.zeros(int(r.max()) - lo + 1)
    if k > width:
        return out
    step = max(1, cells // width)
    order = np.argsort(r, kind="stable")
    r, c, values = r[order], c[order], values[order]
    bounds = np.searchsorted(r, np.arange(lo, lo + len(out) + step, step))
    for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        first = lo + i * step
        block = np.zeros((min(step, len(out) - i * step), width))
        block[r[a:b] - first, c[a:b]] = values[a:b]
        out[i * step:i * step + len(block)] = np.partition(block, width - k, axis=1)[:, width - k]
    return out


def coupling_graph(links: Links, top: int = 0) -> nx.Graph:
    """Documents linked by shared works (attributes: shared_works, jaccard)."""
    rows, _ = coupling_pairs(links, top)
    G = nx.Graph()
    G.add_nodes_from((f"d:{d}", dict(kind="document", label=row.get("title") or d))
                     for d, row in links.documents.items())
    for a, b, n, j in rows:
        G.add_edge(f"d:{a}", f"d:{b}", shared_works=n, jaccard=j, weight=n)
    return G


def author_cocitation_graph(db, links: Links | None = None) -> nx.Graph:
    """Authors linked when works of both are cited in one document (weight = documents)."""
    links = links or load_links(db)
    by_work = defaultdict(set)
    for wid, aid in db.execute("SELECT work_id, author_id FROM work_authors "
                               "WHERE role IS NULL OR role = 'author'"):
        by_work[wid].add(aid)
    groups = ({a for w in works for a in by_work.get(w, ())} for works in links.cites.values())
    codes, n = count_pairs(groups)
    G = nx.Graph()
    for aid, name in db.execute("SELECT id, name FROM authors"):
        G.add_node(f"a:{aid}", kind="author", label=name or "")
    for code, k in zip(codes.tolist(), n.tolist()):
        G.add_edge(f"a:{code >> 32}", f"a:{code & 0xFFFFFFFF}", weight=k)
    return G


# ---------------------------------------------------------------- metrics

def communities(G: nx.Graph, weight: str = "weight") -> dict[str, int]:
    """Louvain communities (seeded), numbered by size: 0 is the largest."""
    if G.number_of_nodes() == 0:
        return {}
    parts = nx.community.louvain_communities(G, weight=weight, seed=SEED)
    parts.sort(key=lambda p: (-len(p), min(p)))
    return {node: i for i, part in enumerate(parts) for node in part}


def betweenness(G: nx.Graph, k: int | None = None) -> dict[str, float]:
    """Normalised betweenness centrality of an undirected graph (as networkx's).

    Brandes' algorithm with each BFS level done as a sparse matrix-vector
    product (scipy), so one source costs milliseconds even on 100k nodes.
    Exact up to BETWEENNESS_EXACT nodes; beyond that (or when ``k`` is
    given) from ``k`` seeded random sources, scaled by n / k.
    """
    from scipy import sparse

    nodes = list(G)
    n = len(nodes)
    if n <= 2:
        return {v: 0.0 for v in nodes}
    if k is None and n > BETWEENNESS_EXACT:
        k = BETWEENNESS_K
    if k is not None and k >= n:
        k = None
    index = {v: i for i, v in enumerate(nodes)}
    m = G.number_of_edges()
    a = np.fromiter((index[u] for u, _ in G.edges()), np.int64, m)
    b = np.fromiter((index[v] for _, v in G.edges()), np.int64, m)
    keep = a != b                                     # self-loops carry no paths
    a, b = a[keep], b[keep]
    A = sparse.csr_matrix((np.ones(2 * len(a)), (np.r_[a, b], np.r_[b, a])), shape=(n, n))
    A.data[:] = 1.0                                   # duplicates summed: back to 0/1
    sources = (range(n) if k is None else
               np.random.default_rng(SEED).choice(n, size=k, replace=False).tolist())
    raw = np.zeros(n)
    for s in sources:
        raw += _dependencies(A, s)
    scale = 1 / ((n - 1) * (n - 2)) * (n / k if k else 1)
    return {v: float(x) * scale for v, x in zip(nodes, raw)}


def _betweenness_rule(n: int, k: int | None) -> str:
    if k is None and n > BETWEENNESS_EXACT:
        k = BETWEENNESS_K
    return f"sampled from {k} seeded sources" if k is not None and k < n else "exact"


def _dependencies(A, s: int) -> np.ndarray:
    """Brandes' dependencies of every node on source ``s`` (BFS by levels)."""
    n = A.shape[0]
    sigma = np.zeros(n)
    sigma[s] = 1.0
    seen = np.zeros(n, bool)
    seen[s] = True
    levels = [np.array([s])]
    while True:
        f = np.zeros(n)
        f[levels[-1]] = sigma[levels[-1]]
        reach = A @ f                        # paths arriving from the frontier
        new = np.flatnonzero((reach > 0) & ~seen)
        if not len(new):
            break
        seen[new] = True
        sigma[new] = reach[new]
        levels.append(new)
    delta = np.zeros(n)
    for deeper, level in zip(levels[:0:-1], levels[-2::-1]):
        coef = np.zeros(n)
        coef[deeper] = (1 + delta[deeper]) / sigma[deeper]
        delta[level] += sigma[level] * (A @ coef)[level]
    delta[s] = 0.0
    return delta


@contextmanager
def _stage(seconds: dict | None, name: str):
    """Add the wall time of the block to ``seconds[name]`` (when a dict is given)."""
    t0 = time.perf_counter()
    yield
    if seconds is not None:
        seconds[name] = round(seconds.get(name, 0) + time.perf_counter() - t0, 3)


def work_metrics(links: Links, G: nx.DiGraph | None = None,
                 betweenness_k: int | None = None,
                 seconds: dict | None = None, reuse: bool = False) -> dict[int, dict]:
    """Per work: cited_by_documents, claim_count, pagerank, betweenness, community.

    ``reuse``: keep the stored betweenness and community of existing works
    (see ``reused_metrics``) instead of recomputing them.
    """
    with _stage(seconds, "pagerank"):
        if reuse:   # no networkx graph needed; warm start from the stored values
            start = {f"w:{w}": r["pagerank"] for w, r in links.works.items()
                     if r.get("pagerank")}
            pr = links_pagerank(links, nstart=start or None)
        else:
            G = G if G is not None else citation_graph(links)
            pr = nx.pagerank(G, weight="weight") if G.number_of_nodes() else {}
    if reuse:
        with _stage(seconds, "reuse"):
            bc, comm = reused_metrics(links)
    else:
        U = G.to_undirected()
        with _stage(seconds, "betweenness"):
            bc = betweenness(U, betweenness_k)
        with _stage(seconds, "louvain"):
            comm = communities(U)
    cited_by = Counter(w for works in links.cites.values() for w in works)
    return {wid: dict(cited_by_documents=cited_by.get(wid, 0),
                      claim_count=links.work_claims.get(wid, 0),
                      pagerank=pr.get(f"w:{wid}", 0.0),
                      betweenness=bc.get(f"w:{wid}", 0.0),
                      community=comm.get(f"w:{wid}"))
            for wid in links.works}


def links_pagerank(links: Links, alpha: float = 0.85, tol: float = 1.0e-6,
                   max_iter: int = 100, nstart: dict | None = None) -> dict[str, float]:
    """``nx.pagerank(citation_graph(links), weight="weight")`` (the same power
    iteration as networkx's scipy version) from the links directly, without
    building the networkx graph.  ``nstart``: starting values (warm start)."""
    from scipy import sparse

    nodes = [f"d:{d}" for d in links.documents]
    nodes += [f"d:{d}" for d in links.cites if d not in links.documents]
    nodes += [f"w:{w}" for w in links.works]
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    rows, cols, vals = [], [], []
    for doc, works in links.cites.items():
        i = index[f"d:{doc}"]
        for w, k in works.items():
            rows.append(i)
            cols.append(index[f"w:{w}"])
            vals.append(float(k))
    A = sparse.csr_array((vals, (rows, cols)), shape=(n, n), dtype=float)
    S = A.sum(axis=1)
    S[S != 0] = 1.0 / S[S != 0]
    A = sparse.csr_array(sparse.dia_array((S, 0), shape=(n, n)) @ A)
    if nstart is None:
        x = np.repeat(1.0 / n, n)
    else:
        x = np.array([nstart.get(v, 0) for v in nodes], dtype=float)
        x = x / x.sum() if x.sum() else np.repeat(1.0 / n, n)
    p = np.repeat(1.0 / n, n)
    dangling = np.where(S == 0)[0]
    for _ in range(max_iter):
        xlast = x
        x = alpha * (x @ A + sum(x[dangling]) * p) + (1 - alpha) * p
        if np.absolute(x - xlast).sum() < n * tol:
            return dict(zip(nodes, map(float, x)))
    raise nx.PowerIterationFailedConvergence(max_iter)


def reused_metrics(links: Links) -> tuple[dict[str, float], dict[str, int]]:
    """Betweenness and community kept from the store (a small change): a work
    that has them keeps them; a new work takes the community most common
    among the other works its citing documents cite, and betweenness 0 until
    the next full computation."""
    bc, comm = {}, {}
    for wid, row in links.works.items():
        if row.get("community") is not None:
            comm[f"w:{wid}"] = row["community"]
            bc[f"w:{wid}"] = row.get("betweenness") or 0.0
    for doc, works in links.cites.items():
        fresh = [w for w in works if f"w:{w}" not in comm]
        if not fresh:
            continue
        votes = Counter(comm[f"w:{w}"] for w in works if f"w:{w}" in comm)
        for w in fresh:
            if votes:
                comm[f"w:{w}"] = votes.most_common(1)[0][0]
            bc.setdefault(f"w:{w}", 0.0)
    return bc, comm


#: reuse stored betweenness/communities while the documents changed since they
#: were last computed stay within this share of the store (else recompute).
REUSE_SHARE = 0.02


def update_store(db, *, cocitation_min_weight: int | None = None,
                 coupling_top: int | None = None,
                 betweenness_k: int | None = None,
                 changed_documents: int | None = None) -> dict:
    """Compute the graph metrics and write them back, in one transaction.

    Fills works.cited_by_documents/claim_count/pagerank/betweenness/community
    (and works.ref_count where empty), documents.ref_count/claim_count, and
    replaces the cocitations and coupling tables.  Annotations are not touched.
    Returns a summary dict (counts and the size rules applied).

    ``changed_documents`` (an incremental build: documents added, replaced or
    removed) lets the two expensive metrics be reused: while the documents
    changed since betweenness and communities were last computed (kb_meta
    ``graph.stale_documents``) stay within REUSE_SHARE of all documents,
    they are kept (``reused_metrics``); beyond it, or without
    ``changed_documents``, everything is recomputed.
    """
    from . import store
    from .resolve import no_gc

    seconds: dict = {}
    store.ensure_schema(db)
    with _stage(seconds, "load"), no_gc():
        links = load_links(db)
    stale = 0
    if changed_documents is not None:
        row = db.execute("SELECT value FROM kb_meta WHERE name = 'graph.stale_documents'"
                         ).fetchone()
        stale = (int(row[0]) if row and str(row[0]).isdigit() else 0) + changed_documents
    reuse = (changed_documents is not None and 0 < stale <= REUSE_SHARE * len(links.documents)
             and any(r.get("community") is not None for r in links.works.values()))
    G = None
    if not reuse:
        with _stage(seconds, "citation_graph"):
            G = citation_graph(links)
    metrics = work_metrics(links, G, betweenness_k, seconds, reuse=reuse)
    n_nodes = len(set(links.documents) | set(links.cites)) + len(links.works)
    n_cites = sum(len(w) for w in links.cites.values())
    with _stage(seconds, "cocitation"):
        cocit, min_w = cocitation_pairs(links, cocitation_min_weight)
    with _stage(seconds, "coupling"):
        coupling, rule = coupling_pairs(links, coupling_top)
    cocit_rows = list(zip(*(cocit[n].tolist() for n in store.GRAPH_TABLES["cocitations"])))
    meta = {"graph.cocitation_rule": f"pairs with weight >= {min_w}; weight = "
                                     "documents + same_note + same_claim",
            "graph.coupling_rule": rule,
            "graph.betweenness": _betweenness_rule(n_nodes, betweenness_k),
            "graph.stale_documents": str(stale if reuse else 0)}
    t_write = time.perf_counter()
    # only rows whose values changed (an indexed column rewritten costs an
    # index update even when equal)
    cols = store.GRAPH_WORK_COUNTS
    counts = {wid: {c: m[c] for c in cols} for wid, m in metrics.items()
              if any(links.works[wid].get(c) != m[c] for c in cols)}
    pagerank = {wid: m["pagerank"] for wid, m in metrics.items()
                if links.works[wid].get("pagerank") != m["pagerank"]}
    doc_counts = {d: (links.doc_refs.get(d, 0), links.doc_claims.get(d, 0))
                  for d in links.documents}
    changed_rows = store.write_graph(db, counts, pagerank, doc_counts, cocit_rows, coupling, meta)
    seconds["write"] = round(time.perf_counter() - t_write, 3)
    return dict(documents=len(links.documents), works=len(links.works),
                cites=n_cites, cocitations=len(cocit_rows),
                coupling=len(coupling), seconds=seconds,
                metrics="reused" if reuse else "computed", rows_written=changed_rows, **meta)


# ---------------------------------------------------------------- export

def _clean(attrs: dict) -> dict:
    """Attributes GraphML/GEXF can hold: drop None, keep str/int/float/bool."""
    out = {}
    for k, v in attrs.items():
        if v is None:
            continue
        out[k] = v if isinstance(v, (str, int, float, bool)) else str(v)
    return out


def full_graph(db, links: Links | None = None) -> nx.DiGraph:
    """Documents -> works -> authors with every attribute the store holds.

    Work metrics come from the store; when update_store has not run yet they
    are computed here (not written).
    """
    links = links or load_links(db)
    G = citation_graph(links)
    metrics = None
    if any(w.get("pagerank") is None for w in links.works.values()):
        metrics = work_metrics(links, G)
    for doc, row in links.documents.items():
        G.nodes[f"d:{doc}"].update(_clean(dict(
            kind="document", label=row.get("title") or doc, title=row.get("title"),
            authors="; ".join(name_strings(row.get("authors"))), year=row.get("year"),
            citation_style=row.get("citation_style"),
            ref_count=links.doc_refs.get(doc, 0), claim_count=links.doc_claims.get(doc, 0),
            works_cited=len(links.cites.get(doc, ())))))
    for wid, row in links.works.items():
        attrs = dict(kind="work", label=work_label(row), key=row.get("key"),
                     title=row.get("title"), year=row.get("year"), type=row.get("type"),
                     container_title=row.get("container_title"), doi=row.get("doi"),
                     url=row.get("url"), source_category=row.get("source_category"),
                     authors="; ".join(work_names(row)),
                     ref_count=row.get("ref_count"))
        for k in ("cited_by_documents", "claim_count", "pagerank", "betweenness",
                  "community"):
            attrs[k] = metrics[wid][k] if metrics else row.get(k)
        G.nodes[f"w:{wid}"].update(_clean(attrs))
    for aid, name in db.execute("SELECT id, name FROM authors"):
        G.add_node(f"a:{aid}", **_clean(dict(kind="author", label=name)))
    for wid, aid, pos, role in db.execute(
            "SELECT work_id, author_id, position, role FROM work_authors"):
        if f"w:{wid}" in G and f"a:{aid}" in G:
            G.add_edge(f"w:{wid}", f"a:{aid}",
                       **_clean(dict(kind="authored", role=role or "author",
                                     position=pos, weight=1)))
    return G


FORMATS = ("graphml", "gexf", "json")


def export(G: nx.Graph, path: str | Path | None, fmt: str) -> str | None:
    """Write ``G`` as graphml | gexf | json (node-link, d3 style: "links").

    With ``path=None`` the text is returned instead.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown graph format {fmt!r} (choose from {', '.join(FORMATS)})")
    if path is None:
        if fmt == "json":
            return json.dumps(nx.node_link_data(G, edges="links"), ensure_ascii=False,
                              indent=1)
        writer = nx.generate_graphml if fmt == "graphml" else nx.generate_gexf
        return "\n".join(writer(G))
    if fmt == "json":               # streamed to the file, not built as one string
        with open(path, "w", encoding="utf-8") as f:
            json.dump(nx.node_link_data(G, edges="links"), f, ensure_ascii=False)
    elif fmt == "graphml":
        nx.write_graphml(G, path)
    else:
        nx.write_gexf(G, path)
    return None


def read_export(path: str | Path, fmt: str) -> nx.Graph:
    """Read back what export wrote (for checks and round trips)."""
    if fmt == "graphml":
        return nx.read_graphml(path)
    if fmt == "gexf":
        return nx.read_gexf(path)
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return nx.node_link_graph(data, edges="links")
