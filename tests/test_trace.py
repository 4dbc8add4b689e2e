"""kb.trace queries and the ``kb trace`` command over a small store."""
import json

from click.testing import CliRunner

from kb.commands.trace import command
from kb.models import Citation, Claim, DocResult, Document, Ref
from kb.store import open_db, write_result
from kb.trace import fts_query, trace_text, trace_work


def _store(tmp_path):
    db_path = tmp_path / "kb.db"
    db = open_db(db_path)
    doc = Document(id="d1", path="d1.txt", lines=["x"] * 10, sha256="0", format="txt",
                   title="A thesis")
    refs = [
        Ref(kind="bibliography", raw="Botsman, Rachel. Who Can You Trust? 2017.", line=9,
            year=2017),
        Ref(kind="footnote", raw="Botsman, Who can you trust?, 160-180.", line=5, note=1,
            short_form=True, same_as=0),
        Ref(kind="footnote", raw="Ibid.", line=6, note=2, short_form=True, same_as=1),
    ]
    claims = [Claim(text="Trust is the new currency of the sharing economy.", line=2,
                    page=1, section="1 Introduction"),
              Claim(text="Reputation scores travel with you.", line=3)]
    cits = [Citation(claim=0, ref=1, marker="1", pinpoint="160-180"),
            Citation(claim=1, ref=2, marker="2")]
    ids = write_result(db, DocResult(document=doc, refs=refs, claims=claims, citations=cits))
    wid = db["works"].insert({"key": "botsman2017who", "title": "Who Can You Trust?"}).last_pk
    db["refs"].update(ids["refs"][0], {"work_id": wid})
    return db_path, db


def test_fts_query_quotes_words():
    assert fts_query('trust "AND" (x') == '"trust" "AND" "x"*'
    assert fts_query("  ") == ""


def test_trace_text_follows_same_as_to_full_ref(tmp_path):
    _, db = _store(tmp_path)
    [c] = trace_text(db, "sharing economy")
    assert c["document_id"] == "d1" and c["line"] == 2 and c["section"] == "1 Introduction"
    [s] = c["sources"]
    assert s["note"] == 1 and s["pinpoint"] == "160-180"
    assert s["full_raw"].startswith("Botsman, Rachel")
    assert s["work_key"] == "botsman2017who"


def test_trace_work_finds_claims_through_ibid(tmp_path):
    _, db = _store(tmp_path)
    texts = [c["text"] for c in trace_work(db, "botsman2017who")]
    assert texts == ["Trust is the new currency of the sharing economy.",
                     "Reputation scores travel with you."]
    assert trace_work(db, "nosuchkey") == []


def test_cli_text_and_json(tmp_path):
    db_path, _ = _store(tmp_path)
    r = CliRunner().invoke(command, ["reputation", "--db", str(db_path)])
    assert r.exit_code == 0, r.output
    assert "d1:3" in r.output and "Botsman, Rachel" in r.output
    r = CliRunner().invoke(command, ["--work", "botsman2017who", "--db", str(db_path), "--json"])
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.output)) == 2


def test_cli_missing_store_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(command, ["x", "--db", str(tmp_path / "none.db")])
    assert r.exit_code != 0 and "none.db" in r.output
