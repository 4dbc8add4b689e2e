"""kbdev.synth: invented records, labelled training sequences, synthetic documents."""
from __future__ import annotations

import json
import random

from kbdev import synth
from kb.parse import parse


def test_records_are_seeded_and_varied():
    a, b = synth.make_records(50, seed=3), synth.make_records(50, seed=3)
    assert a == b
    assert len({r["type"] for r in a}) >= 6
    assert synth.make_records(5, seed=4) != synth.make_records(5, seed=3)


def test_sentinels_label_tokens():
    rec = synth.make_records(1, seed=11)[0]
    marked = synth.render_template(rec, "apa6", random.Random(0))
    text, labelled = synth.labelled(marked, rec)
    assert "\ue000" not in text
    assert any(lab == "title" for _, lab in labelled)


def test_markup_roundtrip():
    m = synth.from_markup("<a>Smith, J.</a> <t>A Title</t>. <l>London</l>: <p>Sage</p>, <d>2001</d>.")
    text, labs = synth.char_labels(m)
    assert text == "Smith, J. A Title. London: Sage, 2001."
    assert labs[0] == "author" and labs[text.index("London")] == "place"


def test_citeproc_render():
    recs = synth.make_records(4, seed=12)
    out = synth.render_citeproc(recs, "ieee")
    assert len(out) == 4 and all(synth.strip_marks(o) for o in out)


def test_document_gold_layout():
    recs = synth.make_records(8, seed=13)
    for style in ("apa6", "vancouver-like", "chicago-bib", "wiki"):
        text, gold = synth.make_document(recs, style, seed=1, doc_id="d")
        lines = text.split("\n")
        assert set(gold) == {"document", "references", "citations"}
        ids = {r["id"] for r in gold["references"]}
        for c in gold["citations"]:
            assert c["marker"].split()[0] in lines[c["line"] - 1]  # the marker starts here
            assert set(c["targets"]) <= ids
        for r in gold["references"]:
            assert lines[r["line"] - 1].strip()
            if r["short_form"]:
                assert r["same_as"] in ids
        cited = {t for c in gold["citations"] for t in c["targets"]}
        assert cited


def test_write_corpus(tmp_path):
    paths = synth.write_corpus(tmp_path, n_docs=4, refs_per_doc=6, seed=2)
    assert len(paths) == 4 and all(p.exists() for p in paths)
    gold = json.loads(paths[0].with_suffix(".json").read_text(encoding="utf-8"))
    assert gold["references"]
    again = synth.write_corpus(tmp_path / "b", n_docs=4, refs_per_doc=6, seed=2)
    assert again[1].read_text(encoding="utf-8") == paths[1].read_text(encoding="utf-8")


def test_synthetic_references_parse():
    rng = random.Random(5)
    recs = synth.make_records(20, seed=1500)
    good = 0
    for r in recs:
        text = synth.strip_marks(synth.render_template(r, "chicago-bib", rng))
        good += parse(text)["title"] == r["title"]
    assert good >= 15


def test_word_banks_borrow_no_corpus_names():
    """Synthetic data is invented: no family name of the name banks occurs in the corpus gold."""
    from pathlib import Path
    gold = " ".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parent / "gold").glob("*.json"))
    borrowed = [n for n in synth.DIACRITIC_FAMILIES + synth.PARTICLE_FAMILIES if n in gold]
    assert borrowed == []


def test_records_cover_what_real_lists_hold():
    recs = synth.make_records(600, seed=21)
    names = [n for r in recs for role in ("author", "editor", "translator") for n in r.get(role, [])]
    fams = {n.get("family") for n in names}
    for lang in ("de", "fr", "it", "es"):
        assert fams & set(synth.EURO_NAMES[lang][1]), lang
    lits = [n["literal"] for n in names if "literal" in n]
    assert any("," in x for x in lits)                      # "Bundesministerium für Familie, Senioren, ..."
    assert any(x.split()[0].lower() in synth.PINYIN_SURNAMES for x in lits)  # family-first "Wang Wei"
    books = [r for r in recs if r["type"] == "book"]
    assert any(r.get("publisher-place") and not r.get("publisher") for r in books)  # "München 2004"
    for key in ("translator", "collection-title", "collection-number", "edition"):
        assert any(key in r for r in recs), key
    assert any(r["type"] == "chapter" and r.get("editor") for r in recs)
    assert {"report", "thesis", "webpage"} <= {r["type"] for r in recs}
    assert any(r.get("URL") and r.get("accessed") for r in recs)
    assert any(r.get("volume") and r.get("issue") and r.get("page") for r in recs)
