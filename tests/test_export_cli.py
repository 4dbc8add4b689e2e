"""``kb export``: the click commands end to end on a small store."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pybtex.database import parse_string

from kb.cli import main
from test_export_store import hard_store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "kb.db"
    hard_store(path).conn.close()
    return str(path)


def run(*args):
    return CliRunner().invoke(main, ["export", *args])


def test_bibtex_to_stdout_and_file(store, tmp_path):
    result = run("bibtex", "--db", store, "--work", "lee2015", "--work", "orwell1949")
    assert result.exit_code == 0, result.output
    assert list(parse_string(result.output, "bibtex").entries) == ["lee2015", "orwell1949"]
    out = tmp_path / "refs.bib"
    result = run("bibtex", "--db", store, "--document", "doc1", "--ascii", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "@article{nguyen2019," in text and "lee2015" not in text
    assert "Nguy{\\~{\\^{e}}}n" in text


def test_biblatex_flag(store):
    result = run("bibtex", "--db", store, "--work", "daum2017", "--biblatex")
    assert result.exit_code == 0 and result.output.startswith("@online{daum2017,")


def test_query_selection(store):
    result = run("csl-json", "--db", store, "--query",
                 "SELECT key FROM works WHERE type = 'thesis'")
    assert result.exit_code == 0, result.output
    assert [d["id"] for d in json.loads(result.output)] == ["lee2015", "maurtvedt2018"]


def test_ris_and_annotated(store, tmp_path):
    assert "TY  - BOOK" in run("ris", "--db", store, "--work", "fraisse1954").output
    out = tmp_path / "a.html"
    result = run("annotated", "--db", store, "--style", "apa", "--format", "html",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("args, message", [
    (["bibtex", "--work", "nope"], "no work with key 'nope'"),
    (["ris", "--document", "nodoc"], "no document 'nodoc'"),
    (["csl-json", "--query", "UPDATE works SET key = 'x'"], "one SELECT"),
    (["annotated", "--style", "nope"], "unknown citation style"),
])
def test_bad_options_are_clear_errors(store, args, message):
    result = run(*args[:1], "--db", store, *args[1:])
    assert result.exit_code != 0 and message in result.output


def test_missing_store(tmp_path):
    result = run("bibtex", "--db", str(tmp_path / "none.db"))
    assert result.exit_code != 0 and "no such store" in result.output
