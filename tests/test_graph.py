"""kb/graph.py and ``kb graph``: hand-made stores whose answers are known."""
from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter

import networkx as nx
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from kb import graph
from kb.publish import picture
from kb.commands.graph import command as graph_command
from kb.models import Citation, Claim, Document, DocResult, Ref
from kb.store import connect, open_db, write_result

from kbfixtures import SCRIPT_TITLE, build_store


# ---------------------------------------------------------------- helpers

def make_store(path, docs: dict, works: list[str], titles: dict | None = None):
    """A store from a compact spec.

    ``docs``: id -> dict(refs=[(kind, note, work key or None, same_as)],
    claims=[[ref index, ...], ...]).  Works get ids 1.. in ``works`` order.
    """
    db = open_db(path)
    db.execute("PRAGMA synchronous = OFF")        # a test store: no fsync per commit
    with db.conn:
        for i, key in enumerate(works, 1):
            db["works"].insert(dict(id=i, key=key, title=f"Title of {key}", year=2000 + i,
                                    authors=json.dumps([{"family": key.upper(),
                                                         "given": "A"}]),
                                    source_category="book" if i % 2 else "scholarly"))
            db["authors"].insert(dict(id=i, name=f"A {key.upper()}", family=key.upper()))
            db["work_authors"].insert(dict(work_id=i, author_id=i, position=0,
                                           role="author"))
    wid = {k: i for i, k in enumerate(works, 1)}
    for doc_id, spec in docs.items():
        refs = [Ref(kind=kind, raw=f"{doc_id} ref {n}", line=n + 1, note=note,
                    same_as=same_as, short_form=same_as is not None)
                for n, (kind, note, _key, same_as) in enumerate(spec["refs"])]
        claims = [Claim(text=f"{doc_id} claim {n}", line=100 + n)
                  for n in range(len(spec.get("claims", [])))]
        cites = [Citation(claim=c, ref=r, marker="x")
                 for c, rs in enumerate(spec.get("claims", [])) for r in rs]
        title = (titles or {}).get(doc_id, f"Document {doc_id}")
        result = DocResult(Document(id=doc_id, path=f"{doc_id}.txt", lines=["x"],
                                    sha256="0" * 64, format="txt", title=title),
                           refs, claims, cites)
        ids = write_result(db, result)
        with db.conn:
            for (kind, note, key, _), rid in zip(spec["refs"], ids["refs"]):
                if key:
                    db["refs"].update(rid, {"work_id": wid[key]})
    return db


B = "bibliography"

# d1 author-date, d2 footnotes (W1 and W2 in note 1), d3 cites W2 and W4 uncited
THREE_DOCS = {
    "d1": dict(refs=[(B, None, "w1", None), (B, None, "w2", None), (B, None, "w3", None)],
               claims=[[0, 1], [2], [0]]),
    "d2": dict(refs=[("footnote", 1, "w1", None), ("footnote", 1, "w2", None),
                     ("footnote", 2, "w3", None)],
               claims=[[0, 1], [2]]),
    "d3": dict(refs=[(B, None, "w2", None), (B, None, "w4", None)]),
}
WORKS = ["w1", "w2", "w3", "w4"]


@pytest.fixture
def three(tmp_path):
    db = make_store(tmp_path / "kb.db", THREE_DOCS, WORKS)
    yield db
    db.conn.close()


def cocitations(db) -> dict:
    return {(r["work_a"], r["work_b"]): (r["weight"], r["documents"], r["same_note"],
                                         r["same_claim"])
            for r in db.query("SELECT * FROM cocitations")}


# ---------------------------------------------------------------- store metrics

def test_cocitation_weights_and_levels(three):
    graph.update_store(three)
    # (weight, documents, same_note, same_claim); weight = sum of the three
    assert cocitations(three) == {
        (1, 2): (5, 2, 1, 2),     # d1+d2, note 1 of d2, claim 0 of d1 and of d2
        (1, 3): (2, 2, 0, 0),
        (2, 3): (2, 2, 0, 0),
        (2, 4): (1, 1, 0, 0),
    }


def test_cocitation_min_weight_drops_weak_pairs(three):
    links = graph.load_links(three)
    cols, min_w = graph.cocitation_pairs(links, 2)
    pairs = set(zip(cols["work_a"].tolist(), cols["work_b"].tolist()))
    assert min_w == 2 and pairs == {(1, 2), (1, 3), (2, 3)}
    G = graph.cocitation_graph(links)
    assert G.edges["w:1", "w:2"]["weight"] == 5


def test_coupling_counts_and_jaccard(three):
    graph.update_store(three)
    rows = {(r["document_a"], r["document_b"]): (r["shared_works"], r["jaccard"])
            for r in three.query("SELECT * FROM coupling")}
    assert rows == {("d1", "d2"): (3, 1.0), ("d1", "d3"): (1, 0.25),
                    ("d2", "d3"): (1, 0.25)}


def test_coupling_top_k_keeps_each_documents_strongest(three):
    rows, rule = graph.coupling_pairs(graph.load_links(three), top=1)
    # d1 and d2 pick each other; d3's tie (0.25 with both) goes to d1
    assert [(a, b) for a, b, _, _ in rows] == [("d1", "d2"), ("d1", "d3")]
    assert rule == "top 1 per document"


def test_work_and_document_counts(three):
    summary = graph.update_store(three)
    works = {r["key"]: r for r in three.query("SELECT * FROM works")}
    assert {k: w["cited_by_documents"] for k, w in works.items()} == \
        {"w1": 2, "w2": 3, "w3": 2, "w4": 1}
    # distinct claims citing the work: w1 by d1 claims 0 and 2, d2 claim 0
    assert {k: w["claim_count"] for k, w in works.items()} == \
        {"w1": 3, "w2": 2, "w3": 2, "w4": 0}
    docs = {r["id"]: (r["ref_count"], r["claim_count"])
            for r in three.query("SELECT * FROM documents")}
    assert docs == {"d1": (3, 3), "d2": (3, 2), "d3": (2, 0)}
    assert summary["cocitations"] == 4 and summary["coupling"] == 3
    meta = dict(three.execute("SELECT name, value FROM kb_meta"))
    assert "weight >= 1" in meta["graph.cocitation_rule"]


def test_edge_weight_counts_claims_at_least_one_per_ref(three):
    G = graph.citation_graph(graph.load_links(three))
    assert G.edges["d:d1", "w:1"]["weight"] == 2      # claims 0 and 2
    assert G.edges["d:d3", "w:4"]["weight"] == 1      # uncited entry still counts
    assert G.number_of_edges() == 8


def test_pagerank_ordering(three):
    graph.update_store(three)
    rank = [r["key"] for r in three.query("SELECT key FROM works ORDER BY pagerank DESC")]
    assert rank == ["w2", "w1", "w3", "w4"]


def test_ibid_counts_for_the_work_it_repeats(tmp_path):
    docs = {"d": dict(refs=[("footnote", 1, "w1", None), ("footnote", 2, None, 0)],
                      claims=[[0], [1]])}
    db = make_store(tmp_path / "kb.db", docs, ["w1"])
    graph.update_store(db)
    w = next(db.query("SELECT * FROM works"))
    assert (w["cited_by_documents"], w["claim_count"]) == (1, 2)
    assert graph.citation_graph(graph.load_links(db)).edges["d:d", "w:1"]["weight"] == 2


def test_two_disconnected_cliques_make_two_communities(tmp_path):
    G = nx.disjoint_union(nx.complete_graph(5), nx.complete_graph(5))
    parts = graph.communities(G)
    assert len(set(parts.values())) == 2
    assert len({parts[i] for i in range(5)}) == 1 and parts[0] != parts[5]
    # the same through the store: two groups of documents citing their own works
    docs = {f"d{i}": dict(refs=[(B, None, w, None) for w in ws])
            for i, ws in enumerate((["a", "b", "c"], ["a", "b", "c"], ["x", "y", "z"],
                                    ["x", "y", "z"]))}
    db = make_store(tmp_path / "kb.db", docs, ["a", "b", "c", "x", "y", "z"])
    graph.update_store(db)
    comm = dict(db.execute("SELECT key, community FROM works"))
    assert comm["a"] == comm["b"] == comm["c"] != comm["x"] == comm["y"] == comm["z"]
    assert graph.update_store(db) and dict(db.execute(
        "SELECT key, community FROM works")) == comm          # seeded: stable


def test_update_store_is_idempotent_and_keeps_annotations(tmp_path):
    db = connect(build_store(tmp_path / "kb.db"))
    notes = list(db.query("SELECT * FROM annotations ORDER BY id"))
    graph.update_store(db)
    first = (cocitations(db), list(db.query("SELECT * FROM coupling")),
             list(db.query("SELECT id, pagerank, community FROM works")))
    graph.update_store(db)
    assert (cocitations(db), list(db.query("SELECT * FROM coupling")),
            list(db.query("SELECT id, pagerank, community FROM works"))) == first
    assert list(db.query("SELECT * FROM annotations ORDER BY id")) == notes


def test_update_store_on_empty_and_uncited_stores(tmp_path):
    db = open_db(tmp_path / "empty.db")
    summary = graph.update_store(db)
    assert (summary["works"], summary["cocitations"], summary["coupling"]) == (0, 0, 0)
    db = make_store(tmp_path / "kb.db", {"d": dict(refs=[(B, None, None, None)])}, ["w1"])
    graph.update_store(db)
    row = next(db.query("SELECT * FROM works"))
    assert (row["cited_by_documents"], row["claim_count"]) == (0, 0)
    assert "No citations" in picture.render_html(db)


def test_update_store_is_one_transaction(three, monkeypatch):
    def broken(links, top=None):
        return [("d1", "d2", 1, 0.5), ("d1", "d2", 1, 0.5)], "all pairs"  # duplicate pk
    monkeypatch.setattr(graph, "coupling_pairs", broken)
    with pytest.raises(Exception):
        graph.update_store(three)
    assert three.execute("SELECT count(*) FROM works WHERE pagerank IS NOT NULL"
                         ).fetchone()[0] == 0
    assert three.execute("SELECT count(*) FROM cocitations").fetchone()[0] == 0


@pytest.mark.parametrize("G", [nx.karate_club_graph(), nx.barabasi_albert_graph(200, 2, seed=3),
                               nx.disjoint_union(nx.path_graph(5), nx.cycle_graph(6))])
def test_betweenness_equals_networkx(G):
    ours, theirs = graph.betweenness(G), nx.betweenness_centrality(G)
    assert max(abs(ours[v] - theirs[v]) for v in G) < 1e-9


def test_sampled_betweenness_is_seeded_and_close():
    G = nx.barabasi_albert_graph(300, 2, seed=3)
    a, b = graph.betweenness(G, k=60), graph.betweenness(G, k=60)
    assert a == b
    exact = graph.betweenness(G)
    top = max(exact, key=exact.get)
    assert a[top] > sorted(a.values())[int(len(a) * 0.9)]


# ---------------------------------------------------------------- pair counting

@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.integers(0, 40), max_size=8), max_size=12))
def test_count_pairs_matches_brute_force(groups):
    expected = Counter(p for g in groups for p in itertools.combinations(sorted(g), 2))
    codes, counts = graph.count_pairs(groups)
    got = {(int(c) >> 32, int(c) & 0xFFFFFFFF): int(n) for c, n in zip(codes, counts)}
    assert got == dict(expected)


def test_author_cocitation(three):
    G = graph.author_cocitation_graph(three)
    assert G.edges["a:1", "a:2"]["weight"] == 2 and G.edges["a:2", "a:4"]["weight"] == 1
    assert not G.has_edge("a:1", "a:4")


# ---------------------------------------------------------------- export

@pytest.mark.parametrize("fmt", graph.FORMATS)
def test_export_round_trips(tmp_path, fmt):
    db = connect(build_store(tmp_path / "kb.db"))
    G = graph.full_graph(db)
    out = tmp_path / f"g.{fmt}"
    graph.export(G, out, fmt)
    H = graph.read_export(out, fmt)
    assert set(map(str, H.nodes)) == set(G.nodes)
    assert H.number_of_edges() == G.number_of_edges()
    # networkx's GEXF reader renames a "key" attribute to "networkx_key"
    works = {d.get("key", d.get("networkx_key")): d for _, d in H.nodes(data=True)
             if d.get("kind") == "work"}
    assert works["reviewer2020script"]["title"] == SCRIPT_TITLE
    assert works["kostka2019china"]["cited_by_documents"] == 3
    assert 0 < float(works["kostka2019china"]["pagerank"]) < 1
    kinds = Counter(d["kind"] for _, _, d in H.edges(data=True))
    assert kinds == {"cites": 8, "authored": 6}
    if fmt == "json":
        assert "links" in json.loads(out.read_text())


def test_export_rejects_unknown_format():
    with pytest.raises(ValueError, match="unknown graph format"):
        graph.export(nx.Graph(), None, "dot")


def test_cli_export_and_show(tmp_path):
    path = build_store(tmp_path / "kb.db")
    runner = CliRunner()
    res = runner.invoke(graph_command, ["export", "--format", "gexf", "-o",
                                        str(tmp_path / "g.gexf"), "--db", str(path)])
    assert res.exit_code == 0, res.output
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() == 14
    res = runner.invoke(graph_command, ["export", "--format", "json", "--kind",
                                        "coupling", "--db", str(path)])
    assert res.exit_code == 0 and len(json.loads(res.output)["links"]) == 3
    res = runner.invoke(graph_command, ["show", "-o", str(tmp_path / "g.html"),
                                        "--db", str(path)])
    assert res.exit_code == 0 and "kb-graph" in (tmp_path / "g.html").read_text()
    res = runner.invoke(graph_command, ["show", "--db", str(tmp_path / "missing.db")])
    assert res.exit_code != 0 and "missing.db" in res.output


# ---------------------------------------------------------------- picture

def _script_json(html: str):
    m = re.search(r'<script type="application/json" id="kb-graph-data">(.*?)</script>',
                  html, re.S)
    return json.loads(m.group(1))


def test_html_escapes_text_and_is_offline(tmp_path):
    path = build_store(tmp_path / "kb.db")
    db = connect(path)
    with db.conn:
        db["documents"].update("doc_c", {"title": "<b>Bold</b> & <script>x()</script>"})
    html = picture.render_html(db)
    assert "<script>alert(1)" not in html and "<b>Bold" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;" in html     # the SVG label
    data = _script_json(html)
    assert SCRIPT_TITLE in [n["title"] for n in data["nodes"]]          # exact, as text
    tags = re.findall(r"<script\b[^>]*>", html)
    assert len(tags) == 2 and not any("src" in t for t in tags)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html
    shapes = re.findall(r'<(circle|rect) data-i=', html)
    assert Counter(shapes) == {"circle": 5, "rect": 3}


def test_html_big_store_draws_top_nodes_with_a_note(tmp_path):
    docs = {f"d{i}": dict(refs=[(B, None, f"w{j}", None) for j in range(i % 7, 12)])
            for i in range(20)}
    db = make_store(tmp_path / "kb.db", docs, [f"w{j}" for j in range(12)])
    html = picture.render_html(db, top=9)
    assert len(re.findall(r'<(?:circle|rect) data-i=', html)) == 9
    assert "Showing the 9 most cited of 32 nodes" in html
    data = _script_json(html)
    kept = {n["key"] for n in data["nodes"] if n["kind"] == "work"}
    assert kept == {"w6", "w7", "w8", "w9", "w10", "w11"}      # cited by all 20


def test_html_of_an_empty_store(tmp_path):
    db = open_db(tmp_path / "kb.db")
    assert "No citations in the store yet" in picture.render_html(db)


def test_fast_layout_is_finite_and_seeded():
    G = nx.barabasi_albert_graph(600, 2, seed=1)
    a, b = picture.layout(G), picture.layout(G)
    assert a == b and len(a) == 600
    assert all(math.isfinite(x) and -1.0001 <= x <= 1.0001 for p in a.values() for x in p)
    # linked nodes end up closer than average
    d = lambda u, v: math.dist(a[u], a[v])
    linked = sum(d(u, v) for u, v in G.edges) / G.number_of_edges()
    sample = list(itertools.islice(itertools.combinations(G, 2), 0, None, 97))
    assert linked < sum(d(u, v) for u, v in sample) / len(sample)


def test_label_levels_avoid_overlap():
    items = [(0, 0, 5, "Alpha 2001"), (1, 0, 5, "Beta 2002"), (5000, 0, 5, "Far 2003")]
    levels = picture._label_levels(items, upp=2.0)
    assert levels[0] == 1 and levels[2] == 1
    assert levels[1] is None or levels[1] > 1


# ---------------------------------------------------------------- in a browser

CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM),
                    reason=f"{CHROMIUM} missing (apt-get install -y chromium)")
def test_view_in_headless_chromium(tmp_path):
    """Hover shows the reference as text, search/filters hide nodes, wheel zooms,
    and the page asks for nothing over the network."""
    playwright = pytest.importorskip("playwright.sync_api")
    db = connect(build_store(tmp_path / "kb.db"))
    page_path = tmp_path / "g.html"
    page_path.write_text(picture.render_html(db), encoding="utf-8")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        errors, requests = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_path.as_uri())
        data = _script_json(page_path.read_text())
        i = next(n for n, nd in enumerate(data["nodes"]) if nd["title"] == SCRIPT_TITLE)
        page.hover(f'#kb-nodes [data-i="{i}"]', force=True)
        tip = page.inner_text("#kb-tip")
        assert SCRIPT_TITLE in tip and "Reviewer Collective" in tip
        assert page.evaluate("document.querySelectorAll('#kb-tip script').length") == 0
        shown = "#kb-nodes [data-i]:not([style*='display: none'])"
        assert page.locator(shown).count() == 8
        page.uncheck("#kb-legend input >> nth=0")                   # hide documents
        assert page.locator(shown).count() == 5
        page.fill("#kb-search", "kostka")
        assert "1 match" in page.inner_text("#kb-status")
        page.eval_on_selector("#kb-min", "e => { e.value = 2; e.dispatchEvent(new Event('input')); }")
        assert page.locator(shown).count() == 2                     # cited by >= 2 docs
        page.check("input[value=category]")
        fill = page.get_attribute(f'#kb-nodes [data-i="{i}"]', "fill")
        assert fill == dict((c, col) for c, _, col in data["categories"])["web"]
        before = page.get_attribute("#kb-viewport", "transform")
        page.mouse.move(700, 400)
        page.mouse.wheel(0, -400)
        assert page.get_attribute("#kb-viewport", "transform") != before
        browser.close()
    assert errors == []
    assert all(u.startswith("file:") for u in requests)
