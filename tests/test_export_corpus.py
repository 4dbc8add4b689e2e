"""Every export of a store built from the real corpus (kb.build), read by the
real clients: bibtex (plain.bst), biber, the CSL-JSON schema, rispy."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import rispy
from pybtex.database import parse_string

from kb.build import build
from kb.publish.annotated import annotated_from_db
from kb.publish.bibtex import bibtex_from_db
from kb.publish.csl import csl_json_from_db
from kb.publish.ris import ris_from_db
from kb.store import connect
from test_export_bibtex import (bibtex_problems, needs_biber, needs_bibtex, run_biber,
                                run_bibtex)

CORPUS = Path(__file__).parent.parent / "data" / "corpus"
SCHEMA = json.loads((Path(__file__).parent / "data" / "csl-data.json").read_text())

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "kb.db"
    build([CORPUS], db_path=path, progress=False, echo=lambda msg: None)
    db = connect(path)
    if db["works"].count == 0:
        pytest.skip("the build made no works")
    return db


@needs_bibtex
@pytest.mark.parametrize("ascii", [False, True])
def test_bibtex_reads_the_corpus_without_a_warning(corpus_db, tmp_path, ascii):
    text = bibtex_from_db(corpus_db, ascii=ascii)
    assert len(parse_string(text, "bibtex").entries) == corpus_db["works"].count
    result = run_bibtex(tmp_path, text)
    assert result.returncode == 0 and bibtex_problems(result) == []


@needs_biber
@pytest.mark.parametrize("biblatex", [False, True])
def test_biber_reads_the_corpus_without_a_warning(corpus_db, tmp_path, biblatex):
    text = bibtex_from_db(corpus_db, biblatex=biblatex)
    assert run_biber(tmp_path, text, validate=False) == []
    problems = run_biber(tmp_path, text, validate=True)
    assert [p for p in problems if "Missing mandatory field" not in p
            and "must be datatype 'integer'" not in p] == []


def test_csl_json_and_ris_of_the_corpus(corpus_db):
    data = json.loads(csl_json_from_db(corpus_db))
    jsonschema.validate(data, SCHEMA)
    assert len(rispy.loads(ris_from_db(corpus_db))) == len(data) == corpus_db["works"].count


def test_annotated_bibliography_of_a_corpus_document(corpus_db):
    doc = next(iter(corpus_db.query(
        "SELECT document_id FROM refs WHERE work_id IS NOT NULL GROUP BY document_id "
        "ORDER BY COUNT(DISTINCT work_id) LIMIT 1")))["document_id"]
    works = next(iter(corpus_db.query(
        "SELECT COUNT(DISTINCT work_id) AS n FROM refs WHERE document_id = ?", [doc])))["n"]
    page = annotated_from_db(corpus_db, document=doc, style="chicago", fmt="html")
    assert page.count('<section class="work"') == works > 0
    assert "<q>" in page       # the corpus's claims show how each work is used


def test_the_build_stores_each_works_bibtex(corpus_db):
    """kb build stores every work's entry (store.work_bibtex); the export made
    from them is byte for byte the one made from the works."""
    from kb.publish.bibtex import bibtex_from_items
    from kb.publish.select import load_items, select_work_ids
    ids = select_work_ids(corpus_db)
    assert corpus_db["work_bibtex"].count == len(ids)
    assert bibtex_from_db(corpus_db) == bibtex_from_items(load_items(corpus_db, ids))
