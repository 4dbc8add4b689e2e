"""A small hand-made store for the publish tests (Datasette, browser).

    >>> from tests.kbfixtures import build_store
    >>> path = build_store(tmp_path / "kb.db")

Three documents, five works, claims, citations, annotations, one reference
that failed to parse and one whose title carries ``<script>`` (it must show
as text on every page).  Built through kb.store.open_db + write_result, with
works/authors rows inserted by hand (the resolve stage is not needed).
"""
from __future__ import annotations

import json
from pathlib import Path

from kb.models import Citation, Claim, Document, DocResult, Page, Ref
from kb.store import open_db, write_result

SCRIPT_TITLE = "<script>alert(1)</script> Hacking the Reviewer"

# key -> work fields (authors as CSL names)
WORKS = {
    "botsman2017who": dict(
        type="book", title="Who Can You Trust? How Technology Brought Us Together",
        year=2017, publisher="Portfolio Penguin", isbn="9780241296189",
        authors=[{"family": "Botsman", "given": "Rachel"}], source_category="book"),
    "kostka2019china": dict(
        type="article-journal",
        title="China's social credit systems and public opinion",
        year=2019, container_title="New Media & Society",
        doi="10.1177/1461444819826402",
        authors=[{"family": "Kostka", "given": "Genia"}],
        source_category="scholarly"),
    "creemers2018china": dict(
        type="report", title="China's Social Credit System: An Evolving Practice of Control",
        year=2018, url="https://papers.ssrn.com/abstract=3175792",
        authors=[{"family": "Creemers", "given": "Rogier"}],
        source_category="grey"),
    "reviewer2020script": dict(
        type="webpage", title=SCRIPT_TITLE, year=2020,
        url="https://example.org/x?a=1&b=2",
        authors=[{"literal": "Reviewer Collective"}], source_category="web"),
    "foucault1977discipline": dict(
        type="book", title="Discipline and Punish: The Birth of the Prison",
        year=1977, publisher="Pantheon", place="New York",
        authors=[{"family": "Foucault", "given": "Michel"}],
        source_category="book"),
}

SOURCE_TYPES = [
    ("scholarly", "Scholarly article", "Peer-reviewed journal articles"),
    ("book", "Book", "Monographs and edited volumes"),
    ("grey", "Grey literature", "Reports, working papers"),
    ("web", "Web page", "Web pages and blog posts"),
]


def _ref(kind, raw, line, key=None, **kw):
    """A Ref whose parsed fields come from WORKS[key] unless given."""
    fields = dict(WORKS.get(key, {}))
    fields.pop("source_category", None)
    fields.update(kw)
    ref = Ref(kind=kind, raw=raw, line=line,
              **{k: v for k, v in fields.items() if k in Ref.__dataclass_fields__})
    ref._key = key  # which work this ref resolves to (fixture only)
    return ref


def documents() -> list[DocResult]:
    """The three fixture documents as DocResults (refs carry ``_key``)."""
    a = DocResult(
        document=Document(
            id="doc_a", path="corpus/doc_a.txt", lines=["x"] * 120,
            sha256="a" * 64, format="txt", pages=[Page(1, 1, 60), Page(2, 61, 120)],
            language="en", title="Trust and Surveillance in China",
            authors=["Ada Lovelace"], year=2020, citation_style="author-date"),
        refs=[
            _ref("bibliography", "Botsman, R. (2017). Who Can You Trust? How Technology "
                 "Brought Us Together. London: Portfolio Penguin.", 100, "botsman2017who"),
            _ref("bibliography", "Kostka, G. (2019). China's social credit systems and "
                 "public opinion. New Media & Society, 21(7), 1565-1593. "
                 "https://doi.org/10.1177/1461444819826402", 102, "kostka2019china"),
            _ref("bibliography", "Creemers, R. (2018). China's Social Credit System: An "
                 "Evolving Practice of Control. https://papers.ssrn.com/abstract=3175792",
                 104, "creemers2018china"),
            _ref("bibliography", f"Reviewer Collective (2020). {SCRIPT_TITLE}. "
                 "https://example.org/x?a=1&b=2", 106, "reviewer2020script"),
            Ref(kind="bibliography", raw="Anon. n.d. ??? [untitled leaflet]", line=108,
                parse_ok=False),
        ],
        claims=[
            Claim("Trust has moved from institutions to platforms (Botsman, 2017).", 10, 1,
                  "Introduction"),
            Claim("Most citizens approve of social credit systems (Kostka, 2019, p. 1570).",
                  20, 1, "Introduction"),
            Claim("The system is an evolving practice of control (Creemers, 2018; "
                  "Kostka, 2019).", 70, 2, "Governance"),
            Claim("Reviewers can be attacked through titles (Reviewer Collective, 2020).",
                  80, 2, "Governance"),
        ],
        citations=[
            Citation(0, 0, "(Botsman, 2017)"),
            Citation(1, 1, "(Kostka, 2019, p. 1570)", "p. 1570"),
            Citation(2, 2, "(Creemers, 2018; Kostka, 2019)"),
            Citation(2, 1, "(Creemers, 2018; Kostka, 2019)"),
            Citation(3, 3, "(Reviewer Collective, 2020)"),
        ],
    )
    b = DocResult(
        document=Document(
            id="doc_b", path="corpus/doc_b.txt", lines=["x"] * 90, sha256="b" * 64,
            format="txt", language="en", title="Discipline, Credit and the Prison",
            authors=["Grace Hopper"], year=2021, citation_style="footnotes"),
        refs=[
            _ref("footnote", "Michel Foucault, Discipline and Punish: The Birth of the "
                 "Prison, trans. Alan Sheridan (New York: Pantheon, 1977), 200.", 80,
                 "foucault1977discipline", note=1, pinpoint="200",
                 translators=[{"family": "Sheridan", "given": "Alan"}]),
            _ref("footnote", "Ibid., 202.", 81, "foucault1977discipline", note=2,
                 pinpoint="202", short_form=True, same_as=0, title=None,
                 authors=[], year=None, publisher=None, place=None, type=None),
            _ref("footnote", "Genia Kostka, \"China's social credit systems and public "
                 "opinion,\" New Media & Society 21, no. 7 (2019): 1570.", 82,
                 "kostka2019china", note=3, pinpoint="1570"),
        ],
        claims=[
            Claim("Panoptic power works through visibility.", 12, None, "Power"),
            Claim("The examination combines surveillance and normalisation.", 15, None,
                  "Power"),
            Claim("Social credit extends the examination to whole populations, "
                  "as survey evidence shows.", 30, None, "Credit"),
        ],
        citations=[Citation(0, 0, "1", "200"), Citation(1, 1, "2", "202"),
                   Citation(2, 2, "3", "1570")],
    )
    c = DocResult(
        document=Document(
            id="doc_c", path="corpus/doc_c.txt", lines=["x"] * 40, sha256="c" * 64,
            format="txt", language="en", title="Platforms of Trust",
            authors=["Alan Turing"], year=2022, citation_style="author-date"),
        refs=[
            _ref("bibliography", "Botsman R 2017 Who can you trust? Penguin.", 30,
                 "botsman2017who"),
            _ref("bibliography", "Kostka G 2019 China's social credit systems and public "
                 "opinion. New Media Soc 21:1565-93.", 31, "kostka2019china"),
        ],
        claims=[Claim("Platforms broker trust between strangers (Botsman 2017; "
                      "Kostka 2019).", 5, None, None)],
        citations=[Citation(0, 0, "(Botsman 2017; Kostka 2019)"),
                   Citation(0, 1, "(Botsman 2017; Kostka 2019)")],
    )
    return [a, b, c]


def build_store(path: str | Path, graph: bool = False) -> Path:
    """Write the fixture store to ``path`` (overwritten) and return the path.

    ``graph=True`` also runs kb.graph.update_store (metrics, cocitations).
    """
    path = Path(path)
    if path.exists():
        path.unlink()
    db = open_db(path)
    docs = documents()
    work_ids = {}
    author_ids = {}
    with db.conn:
        db["source_types"].insert_all(
            [dict(id=i, label=l, description=d) for i, l, d in SOURCE_TYPES], pk="id")
        for key, w in WORKS.items():
            row = {k: v for k, v in w.items() if k not in ("authors", "place")}
            row["key"] = key
            row["authors"] = json.dumps(w["authors"], ensure_ascii=False)
            work_ids[key] = db["works"].insert(row).last_pk
            for pos, name in enumerate(w["authors"]):
                label = name.get("literal") or f"{name['given']} {name['family']}"
                if label not in author_ids:
                    author_ids[label] = db["authors"].insert(dict(
                        name=label, family=name.get("family"), given=name.get("given"),
                        literal=int("literal" in name),
                        match_key=label.lower())).last_pk
                db["work_authors"].insert(dict(
                    work_id=work_ids[key], author_id=author_ids[label],
                    position=pos, role="author"))
        tr = db["authors"].insert(dict(name="Alan Sheridan", family="Sheridan",
                                       given="Alan", literal=0,
                                       match_key="alan sheridan")).last_pk
        db["work_authors"].insert(dict(work_id=work_ids["foucault1977discipline"],
                                       author_id=tr, position=0, role="translator"))
    for result in docs:
        ids = write_result(db, result)
        with db.conn:
            for ref, ref_id in zip(result.refs, ids["refs"]):
                key = getattr(ref, "_key", None)
                if key:
                    db["refs"].update(ref_id, {"work_id": work_ids[key]})
    with db.conn:
        db.execute("""UPDATE works SET
            ref_count = (SELECT count(*) FROM refs WHERE work_id = works.id),
            cited_by_documents = (SELECT count(DISTINCT document_id) FROM refs
                                  WHERE work_id = works.id)""")
        first_claim = db.execute(
            "SELECT min(id) FROM claims WHERE document_id = 'doc_a'").fetchone()[0]
        db["annotations"].insert_all([
            dict(key="kostka2019china", claim_id=None, author="reviewer",
                 text="Survey of 2,209 respondents; high approval among the wealthy.",
                 created="2024-01-01T00:00:00+00:00"),
            dict(key="kostka2019china", claim_id=first_claim + 1, author="reviewer",
                 text="Pinpoint checked against the published PDF.",
                 created="2024-01-02T00:00:00+00:00"),
            dict(key="botsman2017who", claim_id=None, author="student",
                 text="Popular book; use for framing only.",
                 created="2024-01-03T00:00:00+00:00"),
        ])
    if graph:
        from kb import graph as kbgraph
        kbgraph.update_store(db)
    db.conn.close()
    return path


def spy_sql(monkeypatch) -> list[str]:
    """Every SQL statement the site's stores run from now on, in order."""
    from kb.publish import live
    seen: list[str] = []
    real = live.HereFirst.execute

    async def spy(self, sql, *args, **kwargs):
        seen.append(sql)
        return await real(self, sql, *args, **kwargs)
    monkeypatch.setattr(live.HereFirst, "execute", spy)
    return seen
