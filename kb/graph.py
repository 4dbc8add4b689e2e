"""The citation graph: store -> networkx -> metrics back into the store.

    >>> from kb.store import open_db
    >>> from kb import graph
    >>> db = open_db("data/kb.db")
    >>> graph.update_store(db)            # metrics + cocitations/coupling tables
    >>> G = graph.full_graph(db)          # documents -> works -> authors
    >>> graph.export(G, "kb.graphml", "graphml")
    >>> html = graph.render_html(db)      # the offline interactive picture

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

The picture (render_html): works as circles and documents as squares, sized
by citations, laid out with a seeded spring layout into an SVG, with
kb/static/graph.js inlined for hover, zoom/pan and filters; at most
PICTURE_TOP nodes and PICTURE_EDGES links are drawn, with a note saying so.
"""
from __future__ import annotations

import html as htmlmod
import json
import math
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
PICTURE_TOP = 1_500            # nodes drawn in the picture
PICTURE_EDGES = 6_000          # edges drawn in the picture
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


def _names(value) -> list[str]:
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
    return work.get("_names") or _names(work.get("authors"))


def work_label(work: dict) -> str:
    """A short label: "Kostka 2019", "Botsman & Smith 2017", "Foo et al. 2001"."""
    fam = [_short(f, 24) for f in (work.get("_families") or _families(work.get("authors")))]
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


def replace_rows(db, table: str, cols: tuple, rows: list[tuple]) -> int:
    """Make ``table`` hold exactly ``rows`` (tuples in ``cols`` order, the first
    two the primary key) writing only the difference: after a small change
    most pairs are unchanged, and rewriting them all is the slow part.
    Returns the number of rows deleted or written."""
    old = set(db.execute(f"SELECT {', '.join(cols)} FROM [{table}]"))
    new = set(rows)
    if len(new) != len(rows):
        raise ValueError(f"{table}: duplicate rows")
    keep_keys = {r[:2] for r in new}
    gone = [r[:2] for r in old - new if r[:2] not in keep_keys]
    add = new - old
    db.conn.executemany(f"DELETE FROM [{table}] WHERE {cols[0]} = ? AND {cols[1]} = ?", gone)
    db.conn.executemany(f"INSERT OR REPLACE INTO [{table}] ({', '.join(cols)}) "
                        f"VALUES ({', '.join('?' * len(cols))})", sorted(add))
    return len(gone) + len(add)


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
    cocit_rows = list(zip(*(cocit[n].tolist() for n in (
        "work_a", "work_b", "weight", "documents", "same_note", "same_claim"))))
    meta = {"graph.cocitation_rule": f"pairs with weight >= {min_w}; weight = "
                                     "documents + same_note + same_claim",
            "graph.coupling_rule": rule,
            "graph.betweenness": _betweenness_rule(n_nodes, betweenness_k),
            "graph.stale_documents": str(stale if reuse else 0)}
    t_write = time.perf_counter()
    with db.conn:
        # only rows whose values changed (an indexed column rewritten costs
        # an index update even when equal)
        cols = ("cited_by_documents", "claim_count", "betweenness", "community")
        db.conn.executemany(
            "UPDATE works SET cited_by_documents = ?, claim_count = ?, "
            "betweenness = ?, community = ? WHERE id = ?",
            [tuple(m[c] for c in cols) + (wid,) for wid, m in metrics.items()
             if any(links.works[wid].get(c) != m[c] for c in cols)])
        db.conn.executemany(
            "UPDATE works SET pagerank = ? WHERE id = ?",
            [(m["pagerank"], wid) for wid, m in metrics.items()
             if links.works[wid].get("pagerank") != m["pagerank"]])
        db.execute("UPDATE works SET ref_count = (SELECT count(*) FROM refs "
                   "WHERE refs.work_id = works.id) WHERE ref_count IS NULL")
        db.conn.executemany(
            "UPDATE documents SET ref_count = ?, claim_count = ? WHERE id = ?",
            [(links.doc_refs.get(d, 0), links.doc_claims.get(d, 0), d)
             for d in links.documents])
        changed_rows = replace_rows(db, "cocitations", ("work_a", "work_b", "weight", "documents",
                                                         "same_note", "same_claim"), cocit_rows)
        changed_rows += replace_rows(db, "coupling", ("document_a", "document_b", "shared_works",
                                                      "jaccard"), coupling)
        db.conn.executemany("INSERT OR REPLACE INTO kb_meta (name, value) VALUES (?, ?)",
                            list(meta.items()))
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
            authors="; ".join(_names(row.get("authors"))), year=row.get("year"),
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


# ---------------------------------------------------------------- picture

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
           "#b07aa1", "#ff9da7", "#9c755f", "#2f6f8f", "#8cd17d", "#d4a6c8",
           "#86bcb6", "#b6992d", "#a0cbe8", "#ffbe7d", "#8f4f6f", "#499894",
           "#d37295", "#6b6ecf")
OTHER_COLOUR = "#b8b8b8"
DOCUMENT_COLOUR = "#5f6b73"
LABEL_LEVELS = (1, 2, 4, 8, 16, 32)   # zoom levels at which labels may appear
LABEL_CANDIDATES = 600
VIEW_WIDTH, VIEW_HEIGHT = 1130, 880    # assumed drawing area (px) for label spacing


def _pick_nodes(links: Links, top: int) -> tuple[list[str], list[int], int]:
    """Documents and works to draw: all cited ones, or the top ``top``.

    On big stores works are ranked by citing documents (two thirds of the
    slots) and documents by how many of those works they cite (one third).
    Returns (document ids, work ids, number of nodes that could be drawn).
    """
    cited_by = Counter(w for works in links.cites.values() for w in works)
    docs = [d for d in links.documents if links.cites.get(d)]
    works = [w for w in links.works if cited_by.get(w)]
    total = len(docs) + len(works)
    if total <= top:
        return docs, works, total
    n_docs = min(len(docs), max(1, top // 3))
    works = sorted(works, key=lambda w: (-cited_by[w], w))[:top - n_docs]
    chosen = set(works)
    docs = sorted(docs, key=lambda d: (-sum(1 for w in links.cites[d] if w in chosen),
                                       -len(links.cites[d]), d))[:n_docs]
    return docs, works, total


def _label_levels(items: list[tuple[float, float, float, str]], upp: float) -> list[int | None]:
    """Greedy label placement: the zoom level from which each label shows.

    ``items`` are (x, y, r, text) in world units, biggest first; ``upp`` is
    world units per screen pixel at zoom 1.  A label shows at the first
    level where it overlaps no label already shown there (None: never).
    """
    placed = {z: defaultdict(list) for z in LABEL_LEVELS}
    out = []
    for x, y, r, text in items:
        level = None
        for z in LABEL_LEVELS:
            u = upp / z
            w, h = (len(text) * 6.6 + 6) * u, 15 * u
            box = (x - w / 2, y - r - h - 2 * u, x + w / 2, y - r)
            cell = 160 * u
            keys = [(i, j) for i in range(int(box[0] // cell), int(box[2] // cell) + 1)
                    for j in range(int(box[1] // cell), int(box[3] // cell) + 1)]
            grid = placed[z]
            if any(b[0] < box[2] and box[0] < b[2] and b[1] < box[3] and box[1] < b[3]
                   for k in keys for b in grid[k]):
                continue
            level = z
            for zz in LABEL_LEVELS:          # once shown, shown at every deeper zoom
                if zz >= z:
                    uu = upp / zz
                    ww, hh = (len(text) * 6.6 + 6) * uu, 15 * uu
                    bb = (x - ww / 2, y - r - hh - 2 * uu, x + ww / 2, y - r)
                    c2 = 160 * uu
                    for i in range(int(bb[0] // c2), int(bb[2] // c2) + 1):
                        for j in range(int(bb[1] // c2), int(bb[3] // c2) + 1):
                            placed[zz][(i, j)].append(bb)
            break
        out.append(level)
    return out


def layout(G: nx.Graph, seed: int = SEED, iterations: int = 80, small: int = 50) -> dict:
    """Seeded node positions in [-1, 1].

    networkx's spring layout up to ``small`` nodes; beyond, the same
    Fruchterman-Reingold forces computed with float32 numpy arrays (a few
    times faster than networkx on 1,500 nodes) plus a little gravity, so
    that separate components stay near the middle instead of drifting off.
    """
    n = len(G)
    if n <= small:
        return nx.spring_layout(G, seed=seed, weight=None) if n else {}
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    src = np.fromiter((index[a] for a, b in G.edges()), np.int64, G.number_of_edges())
    dst = np.fromiter((index[b] for a, b in G.edges()), np.int64, G.number_of_edges())
    pos = np.random.default_rng(seed).random((n, 2)).astype(np.float32)
    k = np.float32(1 / math.sqrt(n))
    t = 0.1
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        d2 = dx * dx + dy * dy
        np.maximum(d2, 1e-6, out=d2)
        np.divide(k * k, d2, out=d2)                     # repulsion / distance
        fx, fy = (dx * d2).sum(1), (dy * d2).sum(1)
        ex, ey = pos[src, 0] - pos[dst, 0], pos[src, 1] - pos[dst, 1]
        a = np.sqrt(ex * ex + ey * ey) / k               # attraction / distance
        fx -= np.bincount(src, ex * a, n) - np.bincount(dst, ex * a, n)
        fy -= np.bincount(src, ey * a, n) - np.bincount(dst, ey * a, n)
        centre = pos - pos.mean(0)
        fx -= 0.02 * n * k * centre[:, 0]
        fy -= 0.02 * n * k * centre[:, 1]
        length = np.maximum(np.sqrt(fx * fx + fy * fy), 1e-9)
        step = np.minimum(length, t) / length
        pos[:, 0] += fx * step
        pos[:, 1] += fy * step
        t -= 0.1 / (iterations + 1)
    pos -= pos.mean(0)
    pos /= max(float(np.abs(pos).max()), 1e-9)
    return {v: (float(x), float(y)) for v, (x, y) in zip(nodes, pos.tolist())}


def _fit_radii(nodes: list[dict], keep: tuple = ()) -> None:
    """Shrink all radii so that a median node takes at most half of the
    median distance to its nearest neighbour (dense pictures stay legible).
    Nodes whose kind is in ``keep`` keep their size."""
    if len(nodes) < 3:
        return
    from scipy.spatial import cKDTree

    xy = np.array([(nd["x"], nd["y"]) for nd in nodes])
    dist, _ = cKDTree(xy).query(xy, k=2)
    gap = float(np.median(dist[:, 1]))
    r_med = float(np.median([nd["r"] for nd in nodes]))
    scale = min(1.0, 0.5 * gap / r_med) if r_med > 0 and gap > 0 else 1.0
    for nd in nodes:
        if nd["kind"] not in keep:
            nd["r"] = round(nd["r"] * max(scale, 0.25), 2)


def _short(text: str, n: int = 48) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n - 1] + "\u2026"


def picture(db, top: int = PICTURE_TOP, max_edges: int = PICTURE_EDGES) -> dict:
    """Everything the HTML view needs: laid-out nodes, edges, legend, note."""
    links = load_links(db)
    docs, works, total = _pick_nodes(links, top)
    G = nx.Graph()
    G.add_nodes_from(f"d:{d}" for d in docs)
    G.add_nodes_from(f"w:{w}" for w in works)
    chosen = set(works)
    for d in docs:
        for w, n in links.cites[d].items():
            if w in chosen:
                G.add_edge(f"d:{d}", f"w:{w}", weight=n)
    cited_by = Counter(w for ws in links.cites.values() for w in ws)
    # community: stored per work when update_store ran, else Louvain here
    stored = {w: links.works[w].get("community") for w in works}
    if works and all(v is not None for v in stored.values()):
        comm = {f"w:{w}": c for w, c in stored.items()}
        for d in docs:
            votes = Counter()
            for w, n in links.cites[d].items():
                if links.works[w].get("community") is not None:
                    votes[links.works[w]["community"]] += n
            comm[f"d:{d}"] = min(votes, key=lambda c: (-votes[c], c)) if votes else -1
    else:
        comm = communities(G)
    # recolour: the biggest communities among the drawn nodes get the palette
    sizes = Counter(comm.values())
    rank = {c: i for i, (c, _) in enumerate(sorted(sizes.items(), key=lambda t: (-t[1], t[0])))}
    pos = layout(G)
    n = max(1, len(G))
    # world: the layout scaled to +-1000; radii in screen pixels at zoom 1
    # (about 2.4 world units each), smaller for bigger pictures
    half, px = 1000.0, 2.4
    f = min(1.0, math.log10(n) / 3)
    r_min, r_max = (6 - 4 * f) * px, (24 - 8 * f) * px
    max_w = max([cited_by[w] for w in works] or [1])
    max_d = max([len(links.cites[d]) for d in docs] or [1])
    # a few documents are the hubs of the picture; thousands would crowd it
    few_docs = len(docs) <= 30
    doc_share = 0.8 if few_docs else 0.3
    nodes, index = [], {}
    cats = Counter()
    for d in docs:
        index[f"d:{d}"] = len(nodes)
        row = links.documents[d]
        c = len(links.cites[d])
        nodes.append(dict(id=f"d:{d}", kind="document", category="document",
                          label=_short(row.get("title") or d, 40),
                          title=row.get("title") or "", authors="; ".join(_names(row.get("authors"))),
                          year=row.get("year"), key=d, container="",
                          citations=c, r=r_min + doc_share * (r_max - r_min) * math.sqrt(c / max_d)))
    for w in works:
        index[f"w:{w}"] = len(nodes)
        row = links.works[w]
        c = cited_by[w]
        cat = row.get("source_category") or "uncategorised"
        cats[cat] += 1
        nodes.append(dict(id=f"w:{w}", kind="work", category=cat,
                          label=_short(work_label(row), 40), title=row.get("title") or "",
                          authors="; ".join(work_names(row)),
                          year=row.get("year"), key=row.get("key") or "",
                          container=row.get("container_title") or "",
                          citations=c, r=r_min + (r_max - r_min) * math.sqrt(c / max_w)))
    for node in nodes:
        x, y = pos.get(node["id"], (0.0, 0.0))
        node["x"], node["y"] = round(float(x) * half, 1), round(float(y) * half, 1)
        node["community"] = rank.get(comm.get(node["id"], -1), len(rank))
    _fit_radii(nodes, keep=("document",) if few_docs else ())
    # edges: each node's strongest edge first, then the rest by weight
    edges = sorted(G.edges(data="weight"), key=lambda e: (-e[2], e[0], e[1]))
    if len(edges) > max_edges:
        must, seen = [], set()
        for a, b, wt in edges:
            if a not in seen or b not in seen:
                must.append((a, b, wt))
                seen.update((a, b))
        must_set = set(must)
        rest = [e for e in edges if e not in must_set]
        edges = (must + rest)[:max(max_edges, len(must))]
    edge_list = [(index[a], index[b], wt) for a, b, wt in edges]
    # labels: biggest nodes first, placed greedily per zoom level
    # the view frames all nodes, or on big pictures the central 99% (the
    # far outliers are reached by zooming out)
    xs = np.array([nd["x"] for nd in nodes] or [0.0])
    ys = np.array([nd["y"] for nd in nodes] or [0.0])
    q = (0.5, 99.5) if len(nodes) > 200 else (0, 100)
    (x_lo, x_hi), (y_lo, y_hi) = np.percentile(xs, q), np.percentile(ys, q)
    pad = r_max + 30 * px
    box = (round(float(x_lo) - pad, 1), round(float(y_lo) - pad, 1),
           round(float(x_hi - x_lo) + 2 * pad, 1), round(float(y_hi - y_lo) + 2 * pad, 1))
    upp = max(box[2] / VIEW_WIDTH, box[3] / VIEW_HEIGHT)
    # labels: a few documents first, else works before documents of the same size
    doc_weight = 100.0 if few_docs else 0.6
    order = sorted(range(len(nodes)), key=lambda i: (
        -nodes[i]["r"] * (doc_weight if nodes[i]["kind"] == "document" else 1),
        nodes[i]["id"]))
    order = order[:LABEL_CANDIDATES]
    levels = _label_levels([(nodes[i]["x"], nodes[i]["y"], nodes[i]["r"], nodes[i]["label"])
                            for i in order], upp)
    labels = [(i, z) for i, z in zip(order, levels) if z is not None]
    categories = [("document", "documents", DOCUMENT_COLOUR)] + [
        (c, c, PALETTE[i % len(PALETTE)] if c != "uncategorised" else OTHER_COLOUR)
        for i, c in enumerate(sorted(cats, key=lambda c: (-cats[c], c)))]
    labels_by_id = dict(db.execute("SELECT id, label FROM source_types")) \
        if db["source_types"].exists() else {}
    categories = [(c, labels_by_id.get(c) or name, col) for c, name, col in categories]
    note = ""
    if total > len(nodes):
        note = (f"Showing the {len(nodes):,} most cited of {total:,} nodes: "
                f"{len(works):,} works by citing documents and {len(docs):,} documents "
                f"by how many of them they cite.")
    if len(G.edges) > len(edge_list):
        note += (f" {len(edge_list):,} of {G.number_of_edges():,} links drawn "
                 f"(each node's strongest first).")
    return dict(nodes=nodes, edges=edge_list, labels=labels, box=box, upp=upp,
                categories=categories, communities=len(rank), note=note.strip(),
                counts=dict(documents=len(links.documents), works=len(links.works)))


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def render_svg(pic: dict) -> str:
    """The static SVG of a picture() (colours by community)."""
    e = htmlmod.escape
    nodes = pic["nodes"]
    x0, y0, w, h = pic["box"]
    out = [f'<svg id="kb-graph" xmlns="http://www.w3.org/2000/svg" '
           f'viewBox="{_fmt(x0)} {_fmt(y0)} {_fmt(w)} {_fmt(h)}" '
           f'preserveAspectRatio="xMidYMid meet" role="img" '
           f'class="{"kb-few" if len(pic["edges"]) < 400 else "kb-many"}" '
           f'aria-label="Citation graph">',
           '<g id="kb-viewport">', '<g id="kb-edges">']
    for a, b, wt in pic["edges"]:
        na, nb = nodes[a], nodes[b]
        out.append(f'<line x1="{_fmt(na["x"])}" y1="{_fmt(na["y"])}" '
                   f'x2="{_fmt(nb["x"])}" y2="{_fmt(nb["y"])}"/>')
    out.append('</g><g id="kb-nodes">')
    order = sorted(range(len(nodes)), key=lambda i: -nodes[i]["r"])  # big ones below
    for i in order:
        nd = nodes[i]
        colour = community_colour(nd["community"])
        if nd["kind"] == "document":
            s = nd["r"] * 1.5
            out.append(f'<rect data-i="{i}" x="{_fmt(nd["x"] - s / 2)}" '
                       f'y="{_fmt(nd["y"] - s / 2)}" width="{_fmt(s)}" height="{_fmt(s)}" '
                       f'fill="{colour}"/>')
        else:
            out.append(f'<circle data-i="{i}" cx="{_fmt(nd["x"])}" cy="{_fmt(nd["y"])}" '
                       f'r="{_fmt(nd["r"])}" fill="{colour}"/>')
    out.append('</g><g id="kb-labels">')
    for i, z in pic["labels"]:
        nd = nodes[i]
        out.append(f'<text data-i="{i}" data-z="{z}" x="{_fmt(nd["x"])}" '
                   f'y="{_fmt(nd["y"] - nd["r"])}" dy="-0.35em">{e(nd["label"])}</text>')
    out.append("</g></g></svg>")
    return "\n".join(out)


def community_colour(c: int) -> str:
    return PALETTE[c] if 0 <= c < len(PALETTE) else OTHER_COLOUR


def _static(name: str) -> str:
    return (Path(__file__).parent / "static" / name).read_text(encoding="utf-8")


def _json_script(data) -> str:
    """JSON safe inside <script>: no "<", ">" or "&" left to close the tag."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_HTML_CACHE: dict = {}


def _db_stamp(db) -> tuple | None:
    """(path, size, mtime) of a file-backed store, None for in-memory ones."""
    try:
        path = next((r[2] for r in db.execute("PRAGMA database_list") if r[1] == "main"), "")
        if path:
            st = Path(path).stat()
            wal = Path(path + "-wal")
            return (path, st.st_size, st.st_mtime_ns,
                    wal.stat().st_mtime_ns if wal.exists() else 0)
    except OSError:
        pass
    return None


def render_html(db, top: int = PICTURE_TOP, title: str = "Citation graph",
                work_url: str | None = None) -> str:
    """The interactive view as one offline HTML page (no external resources).

    Works (circles) and documents (squares), sized by citations, coloured by
    community or source category; hover for the full reference; wheel/drag
    to zoom and pan; filters by category, minimum citations and text.
    ``work_url`` (e.g. "/-/work/{key}") makes a click on a work open that
    address.  Pages of file-backed stores are cached until the file changes.

        >>> html = render_html(open_db("data/kb.db"))
        >>> Path("graph.html").write_text(html)
    """
    stamp = _db_stamp(db)
    key = (stamp, top, title, work_url)
    if stamp and key in _HTML_CACHE:
        return _HTML_CACHE[key]
    text = _render_html(db, top, title, work_url)
    if stamp:
        _HTML_CACHE.clear()              # keep only the latest page
        _HTML_CACHE[key] = text
    return text


def _render_html(db, top: int, title: str, work_url: str | None) -> str:
    e = htmlmod.escape
    pic = picture(db, top)
    data = dict(nodes=[{k: nd[k] for k in ("kind", "category", "label", "title", "authors",
                                          "year", "key", "container", "citations",
                                          "community")} for nd in pic["nodes"]],
                edges=[(a, b) for a, b, _ in pic["edges"]],
                categories=pic["categories"], palette=PALETTE, other=OTHER_COLOUR,
                communities=pic["communities"], upp=pic["upp"], work_url=work_url)
    max_c = max([nd["citations"] for nd in pic["nodes"] if nd["kind"] == "work"] or [1])
    n_works = sum(1 for nd in pic["nodes"] if nd["kind"] == "work")
    n_docs = len(pic["nodes"]) - n_works
    summary = (f"{n_docs:,} documents, {n_works:,} works, {len(pic['edges']):,} links drawn "
               f"(store: {pic['counts']['documents']:,} documents, "
               f"{pic['counts']['works']:,} works)")
    empty = "" if pic["nodes"] else '<p class="kb-empty">No citations in the store yet.</p>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>{_static("graph.css")}</style>
</head><body>
<div id="kb-panel">
 <h1>{e(title)}</h1>
 <p class="kb-summary">{e(summary)}</p>
 {f'<p class="kb-note">{e(pic["note"])}</p>' if pic["note"] else ""}
 <fieldset><legend>Colour</legend>
  <label><input type="radio" name="kb-colour" value="community" checked> community</label>
  <label><input type="radio" name="kb-colour" value="category"> source category</label>
 </fieldset>
 <fieldset><legend>Show</legend><div id="kb-legend"></div></fieldset>
 <label class="kb-row">min citations <input id="kb-min" type="range" min="0"
   max="{max_c}" value="0" step="1"> <output id="kb-min-out">0</output></label>
 <label class="kb-row">search <input id="kb-search" type="search"
   placeholder="title, author, key"></label>
 <p class="kb-help">Wheel or +/- to zoom, drag to pan, hover for the reference.
  <button id="kb-reset" type="button">reset view</button></p>
 <p id="kb-status"></p>
</div>
<div id="kb-stage">{render_svg(pic)}{empty}</div>
<div id="kb-tip" hidden></div>
<script type="application/json" id="kb-graph-data">{_json_script(data)}</script>
<script>{_static("graph.js")}</script>
</body></html>
"""
