"""The graph picture: the citation graph as one offline interactive HTML page.

    >>> from kb.publish.picture import render_html
    >>> html = render_html(open_db("data/kb.db"))   # kb graph html, /-/graph
    >>> Path("graph.html").write_text(html)

Works as circles and documents as squares, sized by citations, laid out with
a seeded spring layout into an SVG, with kb/publish/static/graph.js inlined
for hover, zoom/pan and filters; at most PICTURE_TOP nodes and PICTURE_EDGES
links are drawn, with a note saying so.  Reads what the graph stage
(``kb.graph``) loads and computes; writes nothing.
"""
from __future__ import annotations

import html as htmlmod
import json
import math
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import numpy as np

from ..graph import (SEED, Links, communities, load_links, name_strings, short_text,
                     work_label, work_names)

PICTURE_TOP = 1_500            # nodes drawn in the picture
PICTURE_EDGES = 6_000          # edges drawn in the picture
STATIC = Path(__file__).parent / "static"

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
    comm, rank = _communities(links, G, docs, works)
    pos = layout(G)
    # a few documents are the hubs of the picture; thousands would crowd it
    few_docs = len(docs) <= 30
    nodes, index, cats, r_max = _nodes(links, docs, works, len(G), few_docs)
    half = 1000.0   # world: the layout scaled to +-1000
    for node in nodes:
        x, y = pos.get(node["id"], (0.0, 0.0))
        node["x"], node["y"] = round(float(x) * half, 1), round(float(y) * half, 1)
        node["community"] = rank.get(comm.get(node["id"], -1), len(rank))
    _fit_radii(nodes, keep=("document",) if few_docs else ())
    edge_list = [(index[a], index[b], wt) for a, b, wt in _pick_edges(G, max_edges)]
    box, upp = _frame(nodes, r_max)
    labels = _labels(nodes, few_docs, upp)
    note = ""
    if total > len(nodes):
        note = (f"Showing the {len(nodes):,} most cited of {total:,} nodes: "
                f"{len(works):,} works by citing documents and {len(docs):,} documents "
                f"by how many of them they cite.")
    if len(G.edges) > len(edge_list):
        note += (f" {len(edge_list):,} of {G.number_of_edges():,} links drawn "
                 f"(each node's strongest first).")
    return dict(nodes=nodes, edges=edge_list, labels=labels, box=box, upp=upp,
                categories=_categories(db, cats), communities=len(rank), note=note.strip(),
                counts=dict(documents=len(links.documents), works=len(links.works)))


def _communities(links: Links, G: nx.Graph, docs: list, works: list) -> tuple[dict, dict]:
    """Community per node (stored per work when update_store ran, else
    Louvain here; a document takes its works' most cited one) and the rank
    that recolours them: the biggest among the drawn nodes get the palette."""
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
    sizes = Counter(comm.values())
    rank = {c: i for i, (c, _) in enumerate(sorted(sizes.items(), key=lambda t: (-t[1], t[0])))}
    return comm, rank


def _nodes(links: Links, docs: list, works: list, n: int,
           few_docs: bool) -> tuple[list[dict], dict, Counter, float]:
    """Node dicts (documents, then works) sized by citations; their index by
    id; works per category; the largest radius."""
    # radii in screen pixels at zoom 1 (about 2.4 world units each),
    # smaller for bigger pictures
    px = 2.4
    f = min(1.0, math.log10(max(1, n)) / 3)
    r_min, r_max = (6 - 4 * f) * px, (24 - 8 * f) * px
    cited_by = Counter(w for ws in links.cites.values() for w in ws)
    max_w = max([cited_by[w] for w in works] or [1])
    max_d = max([len(links.cites[d]) for d in docs] or [1])
    doc_share = 0.8 if few_docs else 0.3
    nodes, index = [], {}
    cats = Counter()
    for d in docs:
        index[f"d:{d}"] = len(nodes)
        row = links.documents[d]
        c = len(links.cites[d])
        nodes.append(dict(id=f"d:{d}", kind="document", category="document",
                          label=short_text(row.get("title") or d, 40),
                          title=row.get("title") or "",
                          authors="; ".join(name_strings(row.get("authors"))),
                          year=row.get("year"), key=d, container="",
                          citations=c, r=r_min + doc_share * (r_max - r_min) * math.sqrt(c / max_d)))
    for w in works:
        index[f"w:{w}"] = len(nodes)
        row = links.works[w]
        c = cited_by[w]
        cat = row.get("source_category") or "uncategorised"
        cats[cat] += 1
        nodes.append(dict(id=f"w:{w}", kind="work", category=cat,
                          label=short_text(work_label(row), 40), title=row.get("title") or "",
                          authors="; ".join(work_names(row)),
                          year=row.get("year"), key=row.get("key") or "",
                          container=row.get("container_title") or "",
                          citations=c, r=r_min + (r_max - r_min) * math.sqrt(c / max_w)))
    return nodes, index, cats, r_max


def _pick_edges(G: nx.Graph, max_edges: int) -> list[tuple]:
    """Edges to draw: each node's strongest edge first, then the rest by weight."""
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
    return edges


def _frame(nodes: list[dict], r_max: float) -> tuple[tuple, float]:
    """The view box (x, y, width, height) and world units per pixel: all
    nodes, or on big pictures the central 99% (the far outliers are reached
    by zooming out)."""
    px = 2.4
    xs = np.array([nd["x"] for nd in nodes] or [0.0])
    ys = np.array([nd["y"] for nd in nodes] or [0.0])
    q = (0.5, 99.5) if len(nodes) > 200 else (0, 100)
    (x_lo, x_hi), (y_lo, y_hi) = np.percentile(xs, q), np.percentile(ys, q)
    pad = r_max + 30 * px
    box = (round(float(x_lo) - pad, 1), round(float(y_lo) - pad, 1),
           round(float(x_hi - x_lo) + 2 * pad, 1), round(float(y_hi - y_lo) + 2 * pad, 1))
    return box, max(box[2] / VIEW_WIDTH, box[3] / VIEW_HEIGHT)


def _labels(nodes: list[dict], few_docs: bool, upp: float) -> list[tuple[int, int]]:
    """(node index, zoom level) of the labels: biggest nodes first, placed
    greedily per zoom level; a few documents first, else works before
    documents of the same size."""
    doc_weight = 100.0 if few_docs else 0.6
    order = sorted(range(len(nodes)), key=lambda i: (
        -nodes[i]["r"] * (doc_weight if nodes[i]["kind"] == "document" else 1),
        nodes[i]["id"]))
    order = order[:LABEL_CANDIDATES]
    levels = _label_levels([(nodes[i]["x"], nodes[i]["y"], nodes[i]["r"], nodes[i]["label"])
                            for i in order], upp)
    return [(i, z) for i, z in zip(order, levels) if z is not None]


def _categories(db, cats: Counter) -> list[tuple[str, str, str]]:
    """Legend rows (category, label, colour): documents, then works' categories by size."""
    categories = [("document", "documents", DOCUMENT_COLOUR)] + [
        (c, c, PALETTE[i % len(PALETTE)] if c != "uncategorised" else OTHER_COLOUR)
        for i, c in enumerate(sorted(cats, key=lambda c: (-cats[c], c)))]
    labels_by_id = dict(db.execute("SELECT id, label FROM source_types")) \
        if db["source_types"].exists() else {}
    return [(c, labels_by_id.get(c) or name, col) for c, name, col in categories]


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
    return (STATIC / name).read_text(encoding="utf-8")


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
