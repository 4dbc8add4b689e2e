"""CSL-JSON (validated against the official schema) and RIS (read back by rispy).

tests/data/csl-data.json is the CSL-JSON schema of citation-style-language/schema
(schemas/input/csl-data.json, commit 00412663cee29f630e8a112abf751fce6c9c1748).
"""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import rispy

from kb.publish.csl import csl_item, csl_json_from_db, date_parts
from kb.publish.ris import ris_date, ris_entry, ris_from_db
from kb.publish.select import load_items, select_work_ids
from test_export_store import HARD_WORKS, gold_store, hard_store

SCHEMA = json.loads((Path(__file__).parent / "data" / "csl-data.json").read_text())


@pytest.fixture(scope="module")
def hard(tmp_path_factory):
    return hard_store(tmp_path_factory.mktemp("hard") / "kb.db")


@pytest.fixture(scope="module")
def gold(tmp_path_factory):
    return gold_store(tmp_path_factory.mktemp("gold") / "kb.db")


def test_schema_is_the_csl_data_schema():
    assert SCHEMA["$id"].endswith("/csl-data.json")
    assert "motion_picture" in SCHEMA["items"]["properties"]["type"]["enum"]


@pytest.mark.parametrize("store", ["hard", "gold"])
def test_csl_json_validates_against_the_schema(store, request):
    db = request.getfixturevalue(store)
    data = json.loads(csl_json_from_db(db))
    jsonschema.validate(data, SCHEMA)
    assert len(data) == db["works"].count
    assert len({d["id"] for d in data}) == len(data)


def test_schema_check_can_fail():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "book", "container_title": "no"}], SCHEMA)


def test_csl_keeps_every_field_as_stored(hard):
    data = {d["id"]: d for d in json.loads(csl_json_from_db(hard))}
    n = data["nguyen2019"]
    assert n["title"] == HARD_WORKS[0]["title"]
    assert n["author"] == [{"family": "Nguyễn", "given": "Thị Minh Khai"}]
    assert n["container-title"] == "Journal of Asian_Studies #5"
    assert (n["volume"], n["issue"], n["page"]) == ("12", "3", "243–254")
    assert n["DOI"] == "10.1000/j_a{b}c<1>"
    assert n["URL"] == "https://example.org/a_b%20c#sec-2?x=1&y=$5~u^v"
    assert n["issued"] == {"date-parts": [[2019, 3, 2]]}
    assert n["accessed"] == {"date-parts": [[2020, 1, 5]]}
    f = data["fraisse1954"]
    assert f["editor"] == [{"family": "Gödel", "given": "Kurt"}]
    assert f["translator"] == [{"family": "Łukasiewicz", "given": "Jan"}]
    assert (f["publisher"], f["publisher-place"], f["edition"]) == (
        "Gauthier-Villars", "Paris", "2")
    assert data["statecouncil2014"]["author"] == [
        {"literal": "Guowuyuan 国务院 (The State Council)"}]
    assert data["maurtvedt2018"]["genre"] == "Master's thesis"
    assert data["xiao"] == {"id": "xiao", "type": "interview",
                            "author": [{"family": "Xiao", "given": "Qiang"}]}


def test_csl_unknown_type_becomes_document():
    assert csl_item({"key": "k", "type": "sculpture"})["type"] == "document"


@pytest.mark.parametrize("iso, year, parts", [
    ("2017-01-24", 2017, [[2017, 1, 24]]), ("2018-04", None, [[2018, 4]]),
    (None, 1949, [[1949]]), ("2017-01-24", 2016, [[2016]]), ("", None, None)])
def test_date_parts(iso, year, parts):
    assert (date_parts(iso, year) or {}).get("date-parts") == parts


@pytest.mark.parametrize("store", ["hard", "gold"])
def test_ris_reads_back_through_rispy(store, request):
    db = request.getfixturevalue(store)
    items = load_items(db, select_work_ids(db))
    text = ris_from_db(db)
    entries = rispy.loads(text)
    assert [e["id"] for e in entries] == [i["key"] for i in items]
    for item, entry in zip(items, entries):
        assert entry == ris_entry(item)     # nothing lost on the way back
        if item.get("title"):
            assert entry["title"] == item["title"]
        assert len(entry.get("authors", [])) == len(item["authors"])


def test_ris_fields(hard):
    entries = {e["id"]: e for e in rispy.loads(ris_from_db(hard))}
    n = entries["nguyen2019"]
    assert n["type_of_reference"] == "JOUR" and n["authors"] == ["Nguyễn, Thị Minh Khai"]
    assert (n["start_page"], n["end_page"]) == ("243", "254")
    assert n["date"] == "2019/03/02" and n["access_date"] == "2020/01/05"
    assert n["urls"] == ["https://example.org/a_b%20c#sec-2?x=1&y=$5~u^v"]
    f = entries["fraisse1954"]
    assert f["type_of_reference"] == "BOOK"
    assert f["secondary_authors"] == ["Gödel, Kurt"]
    assert f["subsidiary_authors"] == ["Łukasiewicz, Jan"]
    assert entries["statecouncil2014"]["type_of_reference"] == "STAT"
    assert entries["statecouncil2014"]["authors"] == ["Guowuyuan 国务院 (The State Council)"]
    assert entries["greek2001"]["type_of_reference"] == "CHAP"
    assert not ris_from_db(hard).startswith("1.")


def test_ris_date():
    assert ris_date("2017-01-24") == "2017/01/24" and ris_date("2018") == "2018"
    assert ris_date(None) is None
