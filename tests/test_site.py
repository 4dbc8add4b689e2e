"""The reviewer's site: the review queue, readable names, a store that follows
`kb build`, and `kb export bibtex` warning about what is in the queue."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import review
from kb.build import build
from kb.cli import main
from kb.commands.serve import make_datasette
from kb.publish import live
from kb.store import connect
from kbfixtures import build_store

CORPUS = Path(__file__).parent.parent / "data" / "corpus"


@pytest.fixture(scope="module")
def corpus_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "kb.db"
    build([CORPUS], db_path=path, progress=False, echo=lambda msg: None)
    return path


def get(ds, url: str):
    return asyncio.run(ds.client.get(url))


# ---------------------------------------------------------------- the queue

CLEAN = [
    {"raw": "Foucault, Michel. Discipline and Punish. New York: Vintage, 1995.",
     "kind": "bibliography", "title": "Discipline and Punish", "year": 1995,
     "authors": [{"family": "Foucault", "given": "Michel"}], "publisher": "Vintage",
     "place": "New York"},
    {"raw": "Kostka, G. (2019). China's social credit systems and public opinion. "
            "New Media & Society, 21(7), 1565–1593.", "kind": "bibliography",
     "title": "China's social credit systems and public opinion", "year": 2019,
     "authors": [{"family": "Kostka", "given": "G."}],
     "container_title": "New Media & Society", "volume": "21", "issue": "7",
     "pages": "1565–1593"},
]


@pytest.mark.parametrize("ref", CLEAN)
def test_a_clean_reference_is_not_queued(ref):
    score, reasons = review.review_ref(ref)
    assert score < review.QUEUE, reasons


@pytest.mark.parametrize("raw, title, why", [
    ("appendix 1, quote 1", None, "too short for a reference"),
    ("A collection of surveys on privacy is to be found on www.example.org/surveys.html.",
     "A collection of surveys on privacy is to be found on", "ends mid-sentence"),
    ("and the results of the survey were discussed at length in the chapter before, "
     "where it is shown that", None, "reads like a sentence"),
])
def test_junk_is_queued(raw, title, why):
    score, reasons = review.review_ref({"raw": raw, "kind": "footnote", "title": title})
    assert score >= review.QUEUE and why in reasons, (score, reasons)


def test_editors_stored_as_authors_are_queued():
    ref = {"raw": "Heimer, Maria and Stig Thøgersen (eds). Doing Fieldwork in China. "
                  "Copenhagen: NIAS Press, 2006.", "kind": "bibliography",
           "title": "Doing Fieldwork in China", "year": 2006, "publisher": "NIAS Press",
           "authors": [{"family": "Heimer", "given": "Maria"},
                       {"family": "Thøgersen", "given": "Stig"}]}
    score, reasons = review.review_ref(ref)
    assert "editors stored as authors" in reasons and score >= review.QUEUE
    ref["editors"], ref["authors"] = ref["authors"], []
    assert review.review_ref(ref)[0] < review.QUEUE


def test_parser_doubt_corroborates():
    clean = review.review_ref(CLEAN[0])[0]
    doubted = dict(CLEAN[0], confidence=0.2, low_confidence=["publisher", "place"])
    score, reasons = review.review_ref(doubted)
    assert clean < score < review.QUEUE and any("publisher" in r for r in reasons)
    # with one more sign of trouble it is in the queue
    assert review.review_ref(dict(doubted, title=None))[0] >= review.QUEUE


def test_a_short_form_is_judged_by_its_full_reference():
    assert review.review_ref({"raw": "Ibid.", "short_form": True, "same_as": 3}) == (0.0, [])


def test_the_queue_catches_the_corpus_junk(corpus_path):
    db = connect(corpus_path)
    queued = {r["raw"]: json.loads(r["review_reasons"]) for r in db.query(
        "select raw, review_reasons from refs where review_score >= ?", [review.QUEUE])}
    for junk in ("appendix 1, quote 1", "appendix 1, quote 2"):
        assert junk in queued
    assert any(raw.startswith("A collection of surveys on privacy is to be found on")
               for raw in queued)
    # and it is a queue, not the whole base
    assert len(queued) <= 0.1 * db["refs"].count
    works = db.execute("select count(*) from works where review_score >= ?",
                       [review.QUEUE]).fetchone()[0]
    assert 0 < works <= 0.1 * db["works"].count


def test_needs_review_page_lists_worst_first(corpus_path):
    ds = make_datasette(corpus_path, annotations=False)
    r = get(ds, "/kb/needs_review.json?_shape=array")
    assert r.status_code == 200
    found = r.json()
    assert found and found[0]["as_written"] and found[0]["why"]
    scores = [row["score"] for row in found]
    assert scores == sorted(scores, reverse=True) and min(scores) >= review.QUEUE
    page = get(ds, "/kb/needs_review").text
    assert "appendix 1, quote 1" in page


def test_work_page_shows_the_review_box(corpus_path):
    db = connect(corpus_path)
    key = db.execute("select key from works where review_score >= ? order by review_score desc",
                     [review.QUEUE]).fetchone()[0]
    good = db.execute("select key from works where review_score < ? and title is not null",
                      [review.QUEUE]).fetchone()[0]
    ds = make_datasette(corpus_path, annotations=False)
    assert "Needs review" in get(ds, f"/-/work/{key}").text
    assert "Needs review" not in get(ds, f"/-/work/{good}").text


def test_export_names_queued_works_and_strict_leaves_them_out(corpus_path, tmp_path):
    runner = CliRunner()
    full = runner.invoke(main, ["export", "bibtex", "--db", str(corpus_path),
                                "-o", str(tmp_path / "all.bib")])
    strict = runner.invoke(main, ["export", "bibtex", "--db", str(corpus_path), "--strict",
                                  "-o", str(tmp_path / "strict.bib")])
    assert full.exit_code == 0 and strict.exit_code == 0
    db = connect(corpus_path)
    queued = [r[0] for r in db.execute("select key from works where review_score >= ?",
                                       [review.QUEUE])]
    assert all(f"needs review: {k} " in full.output for k in queued)
    all_bib = (tmp_path / "all.bib").read_text()
    strict_bib = (tmp_path / "strict.bib").read_text()
    assert all("{" + k + "," in all_bib for k in queued)
    assert not any("{" + k + "," in strict_bib for k in queued)
    assert strict_bib.count("\n@") == all_bib.count("\n@") - len(queued)


# ---------------------------------------------------------------- readable names

def test_every_document_has_a_readable_label(corpus_path):
    db = connect(corpus_path)
    for doc in db.query("select id, title, label from documents"):
        assert doc["label"] and doc["label"] != doc["id"], doc
        if doc["title"]:
            assert doc["label"] == doc["title"]


def test_cocitations_show_titles_not_ids(tmp_path):
    path = build_store(tmp_path / "kb.db", graph=True)
    ds = make_datasette(path, annotations=False)
    db = connect(path)
    a = db.execute("select work_a from cocitations limit 1").fetchone()
    if a is None:
        pytest.skip("no co-cited pair in the fixture")
    title, key = db.execute("select title, key from works where id = ?", [a[0]]).fetchone()
    page = get(ds, "/kb/cocitations").text
    assert f'href="/-/work/{key}"' in page and (title or key)[:20] in page


# ---------------------------------------------------------------- live store

def test_the_site_follows_a_rebuilt_store(tmp_path, monkeypatch):
    monkeypatch.setattr(live, "CHECK_EVERY", 0.0)
    path = build_store(tmp_path / "kb.db")
    ds = make_datasette(path, annotations=False)
    before = get(ds, "/kb/documents.json?_shape=array").json()
    other = tmp_path / "other.db"
    shutil.copy(path, other)
    db = connect(other)
    with db.conn:
        db.execute("update documents set title = 'A rebuilt title'")
    db.conn.close()
    os.replace(other, path)      # what kb build does
    time.sleep(0.01)
    after = get(ds, "/kb/documents.json?_shape=array").json()
    assert len(after) == len(before)
    assert {d["title"] for d in after} == {"A rebuilt title"}
