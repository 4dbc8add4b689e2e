"""Datasette plugin for the kb store (entry point ``kb = "kb.publish.plugin"``).

What it adds to any Datasette serving a kb store (``kb serve`` or
``datasette -i data/kb.db -m metadata.yml``):

- a ``.bib`` output renderer: every table or query page over works or refs
  (rows with a ``key``, ``work``, ``work_id``, ``ref_id`` or refs ``id`` column) downloads
  as BibTeX through the same exporter as the CLI;
- ``render_cell``: DOIs and URLs become links, authors/editors/translators
  JSON reads as names, work keys link to the work page, document/ref ids in
  query results link to their rows, a document's ref/claim counts open what it
  cites, JSON lists of texts (annotations, claims) show as bullet lists.
  Everything else is left to Datasette, which escapes it;
- ``/-/work/KEY`` (one page per work) and ``/-/work/KEY.bib``;
- search pages count their column facets in one pass (kb.publish.facets);
- a table page's rows are written in one call (kb/templates/_table.html,
  kb.publish.tablerows: Datasette's bytes);
- ``/-/graph``: the citation graph view from ``kb.publish.picture.render_html``;
- the SQL function ``kb_fts(text)`` that turns what a reader types into a
  safe FTS5 query (used by the canned search queries);
- a home page with a search box and the ready-made questions (kb/templates/
  index.html, shown only when a kb store is attached) and /-/kb.css.

    >>> from kb.publish.plugin import load_metadata
    >>> meta = load_metadata("kb")          # metadata.yml keyed for kb.db
"""
from __future__ import annotations

import copy
import hashlib
import json
import re
import site
import sys
import sysconfig
import urllib.parse
from pathlib import Path

import sqlite_utils
import yaml
from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.utils.asgi import NotFound, Response
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup, escape

from .. import review, store
from . import bibstream, facets, limits, picture, tablerows, workpage

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
NAME_COLUMNS = store.JSON_COLUMNS
LIST_COLUMNS = ("annotations", "claims", "why")   # JSON lists the canned queries build
WORK_KEY_TABLES = store.WORK_KEY_TABLES
# the store tables the home page links to, in this order
HOME_TABLES = ("works", "refs", "claims", "documents", "authors")
# readable names of the CSL types (work page)
CSL_TYPES = {
    "article-journal": "Journal article", "article-magazine": "Magazine article",
    "article-newspaper": "Newspaper article", "book": "Book", "chapter": "Book chapter",
    "report": "Report", "thesis": "Thesis", "webpage": "Web page",
    "post-weblog": "Blog post", "legislation": "Legislation", "legal_case": "Legal case",
    "motion_picture": "Film", "broadcast": "Broadcast", "interview": "Interview",
    "speech": "Speech", "entry-encyclopedia": "Encyclopedia entry",
    "paper-conference": "Conference paper", "dataset": "Dataset",
    "personal_communication": "Personal communication", "document": "Document",
}
MAX_QUERY = 500          # characters of a search query kept
MAX_BIB_PAGES = 50       # pages of a table followed for one .bib download


# ---------------------------------------------------------------- metadata

def metadata_path() -> Path:
    """The site metadata file: the top-level metadata.yml of the source tree
    (a checkout or an editable install), else the copy a wheel installs as
    <prefix>/share/kb/metadata.yml (pyproject's data-files)."""
    source = Path(__file__).resolve().parents[2] / "metadata.yml"
    if source.is_file():
        return source
    bases = [sys.prefix, sysconfig.get_path("data"), site.getuserbase()]
    for base in dict.fromkeys(bases):
        shipped = Path(base) / "share" / "kb" / "metadata.yml"
        if shipped.is_file():
            return shipped
    raise FileNotFoundError("metadata.yml: not in the source tree nor under share/kb")


def load_metadata(db_name: str = "kb", path: str | Path | None = None) -> dict:
    """The site metadata (``metadata_path()``, or ``path``), keyed for ``db_name``.

    Datasette names a database after its file stem, so the ``kb`` entry is
    re-keyed to the stem of the file being served.
    """
    text = Path(path or metadata_path()).read_text("utf-8")
    meta = yaml.safe_load(text) or {}
    dbs = meta.get("databases") or {}
    if db_name != "kb" and "kb" in dbs:
        dbs = {**{k: v for k, v in dbs.items() if k != "kb"}, db_name: dbs["kb"]}
        meta["databases"] = dbs
    return meta


# ---------------------------------------------------------------- search

_TOKEN = re.compile(r'"[^"]*"|[^\s"]+')
_CONTROLS = {c: " " for c in range(32)}


def fts_query(text: str | None) -> str:
    """Turn free text into a safe FTS5 query: every word (or "phrase") must match.

    A trailing ``*`` keeps prefix search.
        >>> fts_query('social credit')
        '"social" "credit"'
        >>> fts_query('"social credit" trust*')
        '"social credit" "trust"*'
    """
    parts = []
    text = (text or "")[:MAX_QUERY].translate(_CONTROLS)   # a NUL ends SQLite's string
    for token in _TOKEN.findall(text):
        prefix = token.endswith("*") and not token.startswith('"')
        word = token.strip('"').rstrip("*").replace('"', '""').strip()
        if word:
            parts.append(f'"{word}"' + ("*" if prefix else ""))
    return " ".join(parts) or '""'


@hookimpl
def prepare_connection(conn):
    conn.create_function("kb_fts", 1, fts_query, deterministic=True)
    limits.apply(conn)     # what one query may allocate
    # the review queue's threshold, for canned queries (kb.review.QUEUE)
    conn.create_function("kb_review_queue", 0, lambda: review.QUEUE, deterministic=True)


# ---------------------------------------------------------------- templates

@hookimpl
def prepare_jinja2_environment(env):
    """Put kb/templates first, so its pages (and index.html) are found.
    Templates are read once: no look at their files on every page (under
    load, 3% of the server's own thread went to those stat calls)."""
    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])
    env.auto_reload = False
    env.globals["kb_table_rows"] = tablerows.table_rows     # kb/templates/_table.html


async def kb_database(datasette) -> str | None:
    """Name of the first attached database that is a kb store, or None
    (remembered while the same immutable databases are attached)."""
    attached = tuple((n, db.is_mutable) for n, db in datasette.databases.items())
    memo = getattr(datasette, "_kb_database_memo", None)
    if memo and memo[0] == attached:
        return memo[1]
    found = None
    for name, db in datasette.databases.items():
        if name.startswith("_"):
            continue
        if await db.table_exists("works") and await db.table_exists("refs"):
            found = name
            break
    if found is not None and not datasette.databases[found].is_mutable:
        datasette._kb_database_memo = (attached, found)
    return found


def graph_renderer():
    """The citation graph page's renderer (``kb.publish.picture``)."""
    return picture.render_html


@hookimpl
def extra_template_vars(template, datasette, request):
    if template != "index.html":
        return {}

    async def home():
        name = await kb_database(datasette)
        if name is None:
            return {"kb_home": None}
        actor = request.actor if request else None
        notes = (datasette.plugin_config("kb_annotations") or {}).get("database", "annotations")
        live_notes = notes in datasette.databases   # kb serve mounts annotations.db
        queries = await datasette.get_canned_queries(name, actor)
        return {"kb_home": {
            "database": name,
            "queries": [{"name": q["name"], "title": q.get("title") or q["name"],
                         "description": q.get("description"),
                         "url": datasette.urls.query(name, q["name"])}
                        for q in queries.values() if q["name"] != "search"],
            "search_url": (datasette.urls.query(name, "search")
                           if "search" in queries else None),
            "tables": [(t, datasette.urls.table(name, t)) for t in HOME_TABLES] +
                      [("annotations", "/-/annotations" if live_notes
                        else datasette.urls.table(name, "annotations"))],
            "graph_url": "/-/graph" if graph_renderer() else None,
        }}
    return home


# ---------------------------------------------------------------- cells

def name_text(name) -> str:
    """One CSL name (or a plain string) as "Family, Given"."""
    if isinstance(name, str):
        return name
    if not isinstance(name, dict):
        return str(name)
    if name.get("literal"):
        return str(name["literal"])
    family = " ".join(str(name[k]) for k in ("non-dropping-particle", "family")
                      if name.get(k))
    given = name.get("given")
    return f"{family}, {given}" if family and given else family or str(given or "")


def names_text(value) -> str | None:
    """A JSON list of names as "Family, Given; Family, Given" (None if not JSON)."""
    try:
        names = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return None
    if not isinstance(names, list):
        return None
    return "; ".join(name_text(n) for n in names)


def doi_url(doi: str) -> str:
    """https://doi.org/... for a DOI written bare, as doi:, or as a doi.org URL."""
    bare = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.I)
    return "https://doi.org/" + urllib.parse.quote(bare, safe="/:;()._-")


# an empty cell (Datasette ignores a falsy render_cell result)
EMPTY = Markup('<span class="kb-empty"></span>')


def link(href: str, text: str) -> Markup:
    # (escape + f-string: Markup.format costs ~0.1 ms, paid for every cell)
    return Markup(f'<a href="{escape(href)}">{escape(text)}</a>')


def work_url(key: str) -> str:
    return "/-/work/" + urllib.parse.quote(key, safe="")


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Links and readable names for kb columns; None leaves the cell to Datasette."""
    if table == "documents" and column in ("ref_count", "claim_count") and row is not None \
            and datasette is not None and value is not None:
        # a document's counts open what it cites / its claims
        doc = _cell(row, "id")
        if doc is not None:
            href = (datasette.urls.query(database, "document_cites") + "?" +
                    urllib.parse.urlencode({"id": doc})) if column == "ref_count" else (
                datasette.urls.table(database, "claims") + "?" +
                urllib.parse.urlencode({"document_id": doc}))
            return link(href, str(value))
    if table in PAIR_TABLES and column in PAIR_TABLES[table] and datasette is not None \
            and value is not None:
        return _pair_cell(datasette, database, table, value)
    if table is None and datasette is not None and value not in (None, ""):
        # query pages: document ids and ref ids link to their rows
        target = {"document": "documents", "ref": "refs", "claim": "claims"}.get(column)
        if target:
            return link(datasette.urls.row(database, target, str(value)), str(value))
    if not isinstance(value, str) or not value:
        return None
    if column in NAME_COLUMNS and value.startswith("["):
        text = names_text(value)
        return None if text is None else (escape(text) or EMPTY)
    if column == "doi":
        return link(doi_url(value), value)
    if column == "url" and re.match(r"https?://", value, re.I):
        return link(value, value)
    if column == "work" or (column == "key" and (table in WORK_KEY_TABLES or table is None)):
        return link(work_url(value), value)
    if column in LIST_COLUMNS and table is None and value.startswith("["):
        try:
            items = [i for i in json.loads(value) if i]
        except ValueError:
            return None
        if not items:
            return EMPTY
        return Markup('<ul class="kb-list">{}</ul>'.format(
            "".join(f"<li>{escape(i)}</li>" for i in items)))
    return None


# cocitations / coupling hold bare ids: show the work's or document's name
PAIR_TABLES = {"cocitations": ("work_a", "work_b"), "coupling": ("document_a", "document_b")}


def _pair_cell(datasette, database, table, value):
    async def cell():
        db = datasette.get_database(database)
        if table == "cocitations":
            rows = await _rows(db, "select key, title, year from works where id = ?", [value])
            if not rows:
                return None
            w = rows[0]
            text = (w["title"] or w["key"]) + (f" ({w['year']})" if w["year"] else "")
            return link(work_url(w["key"]), text)
        rows = await _rows(db, "select * from documents where id = ?", [value])
        label = document_label(rows[0]) if rows else str(value)
        return link(datasette.urls.row(database, "documents", str(value)), label)
    return cell


def document_label(doc: dict) -> str:
    """A document's title, else its readable name (``documents.label``), else its id."""
    return doc.get("title") or doc.get("label") or str(doc.get("id"))


# ---------------------------------------------------------------- BibTeX

def export_bibtex(db: sqlite_utils.Database, keys: list[str] | None) -> str:
    """BibTeX for works ``keys`` (all when None), via the CLI's exporter."""
    from kb.publish import bibtex  # written by the exporter stage
    return bibtex.bibtex_from_db(db, keys=keys)


def _cell(row, column):
    try:
        value = row[column]
    except (KeyError, IndexError, TypeError):
        return None
    return value.get("value") if isinstance(value, dict) else value


async def keys_for_rows(db, columns, rows, table) -> list[str]:
    """Work keys the rows point at, in row order, without repeats."""
    if "key" in columns and table in (None, *WORK_KEY_TABLES):
        keys = [_cell(r, "key") for r in rows]
    elif "work" in columns:
        keys = [_cell(r, "work") for r in rows]
    else:
        if "work_id" in columns:
            ids = [_cell(r, "work_id") for r in rows]
            sql = "select id, key from works where id in ({})"
        elif (table == "refs" and "id" in columns) or "ref_id" in columns:
            column = "ref_id" if "ref_id" in columns else "id"
            ids = [_cell(r, column) for r in rows]
            sql = ("select r.id, w.key from refs r join works w on w.id = r.work_id "
                   "where r.id in ({})")
        else:
            return []
        ids = [i for i in ids if i is not None]
        found = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            result = await db.execute(sql.format(",".join("?" * len(chunk))), chunk)
            found.update({row[0]: row[1] for row in result.rows})
        keys = [found.get(i) for i in ids]
    keys = list(dict.fromkeys(k for k in keys if isinstance(k, str) and k))
    known = set()      # only keys of works that exist (the exporter rejects others)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        result = await db.execute("select key from works where key in ({})".format(
            ",".join("?" * len(chunk))), chunk)
        known.update(row[0] for row in result.rows)
    return [k for k in keys if k in known]


async def _all_table_rows(datasette, database, table, request,
                          first_columns=None) -> tuple[list, list]:
    """Every row of a (filtered) table view, following its pages (only the
    column that leads to the works, no facets or counts)."""
    args = [(k, v) for k, v in urllib.parse.parse_qsl(request.query_string if request else "")
            if k not in ("_format", "_size", "_next", "_shape", "_labels")]
    args += [("_nofacet", "1"), ("_nosuggest", "1"), ("_nocount", "1")]
    args += [("_col", c) for c in bib_columns(first_columns or [], table)]
    base = datasette.urls.table(database, table, format="json")
    rows, columns, next_token = [], [], None
    for _ in range(MAX_BIB_PAGES):
        qs = args + [("_shape", "objects"), ("_size", "max")]
        if next_token:
            qs.append(("_next", next_token))
        response = await datasette.client.get(base + "?" + urllib.parse.urlencode(qs))
        if response.status_code != 200:
            break
        data = response.json()
        rows.extend(data.get("rows") or [])
        columns = data.get("columns") or columns
        next_token = data.get("next")
        if not next_token:
            break
    return columns, rows


def bib_columns(columns, table) -> list[str]:
    """The one column (besides the primary key) that keys_for_rows reads."""
    if "key" in columns and table in (None, "works", "annotations", "work_keys"):
        return ["key"]
    for column in ("work", "work_id", "ref_id"):
        if column in columns:
            return [column]
    return []


def export_chunk(conn, keys):
    return export_bibtex(sqlite_utils.Database(conn), keys)


def bib_response(text: str, filename: str) -> Response:
    safe = re.sub(r"[^\w.-]+", "_", filename)[:80] or "kb"
    return Response(text, content_type="application/x-bibtex; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{safe}.bib"'})


async def render_bib(datasette, columns, rows, database, table, query_name, request,
                     view_name):
    db = datasette.get_database(database)
    if table and view_name == "table":
        columns, rows = await _all_table_rows(datasette, database, table, request, columns)
    keys = await keys_for_rows(db, columns, rows, table)
    return bibstream.bib_stream(db, keys, query_name or table or database, export_chunk)


def can_render_bib(columns, table):
    columns = columns or []
    return bool(("key" in columns and table in (None, *WORK_KEY_TABLES))
                or "work" in columns or "work_id" in columns or "ref_id" in columns
                or (table == "refs" and "id" in columns))


@hookimpl
def register_output_renderer(datasette):
    return {"extension": "bib", "render": render_bib, "can_render": can_render_bib}


# ---------------------------------------------------------------- pages

def database_color(db, name: str) -> str:
    """The colour Datasette gives a database on its own pages."""
    return db.hash[:6] if db.hash else hashlib.md5(name.encode("utf8")).hexdigest()[:6]


async def _rows(db, sql, params=()) -> list[dict]:
    return [dict(r) for r in (await db.execute(sql, params)).rows]


async def work_context(datasette, database: str, key: str) -> dict | None:
    """Everything the work page shows, or None when ``key`` is unknown."""
    db = datasette.get_database(database)
    parts = await here_first(db, lambda conn: workpage.load_work(conn, key, export_chunk),
                             "kb:work")
    if parts is None:
        return None
    work, people = parts["work"], parts["people"]
    if not people and work.get("authors"):
        people = [{"id": None, "name": n, "role": "author"}
                  for n in (names_text(work["authors"]) or "").split("; ") if n]
    category, refs, claims = parts["category"], parts["refs"], parts["claims"]
    cocited, bib = parts["cocited"], parts["bibtex"]
    annotations = await work_annotations(datasette, db, key)
    work["type_label"] = CSL_TYPES.get(work.get("type"), work.get("type"))
    for r in refs:
        r["review_reasons_text"] = "; ".join(_json_list(r.get("review_reasons")))
    fields = [(label, work.get(col)) for col, label in (
        ("type_label", "Type"), ("year", "Year"), ("container_title", "In"),
        ("publisher", "Publisher"), ("isbn", "ISBN"))
        if work.get(col) not in (None, "")]
    return {
        "database": database, "color": database_color(db, database), "work": work, "people": people, "category": category,
        "fields": fields, "refs": refs, "claims": claims, "annotations": annotations,
        "cocited": cocited, "bibtex": bib, "counts": parts["counts"],
        "refs_url": datasette.urls.table(database, "refs") + "?" +
        urllib.parse.urlencode({"work_id": work["id"]}),
        "review_threshold": review.QUEUE,
        "review_reasons": _json_list(work.get("review_reasons")),
        "queue_url": datasette.urls.query(database, "needs_review"),
        "doi_url": doi_url(work["doi"]) if work.get("doi") else None,
        "url_ok": bool(work.get("url") and re.match(r"https?://", work["url"], re.I)),
        "bib_url": work_url(key) + ".bib",
        "notes_url": ("/-/annotations?" + urllib.parse.urlencode({"key": key})
                      if "annotations" in datasette.databases else None),
        "row_url": datasette.urls.row(database, "works", str(work["id"])),
        "claims_url": datasette.urls.query(database, "claims_citing") + "?" +
        urllib.parse.urlencode({"key": key}),
        "cocited_url": datasette.urls.query(database, "cocited_with") + "?" +
        urllib.parse.urlencode({"key": key}),
        "document_url": lambda d: datasette.urls.row(database, "documents", d),
        "ref_url": lambda i: datasette.urls.row(database, "refs", str(i)),
        "claim_url": lambda i: datasette.urls.row(database, "claims", str(i)),
        "person_url": lambda i: datasette.urls.row(database, "authors", str(i)),
        "work_url": work_url,
    }


def _json_list(value) -> list:
    try:
        got = json.loads(value) if value else []
    except ValueError:
        return []
    return got if isinstance(got, list) else []


async def work_annotations(datasette, db, key: str) -> list[dict]:
    """Notes on work ``key``: live from the mounted annotations database when
    there is one (kb serve mounts annotations.db), else the store's mirror."""
    config = datasette.plugin_config("kb_annotations") or {}
    notes = datasette.databases.get(config.get("database", "annotations"))
    if notes is not None and notes is not db and await notes.table_exists("annotations"):
        rows = await _rows(notes, "select * from annotations where key = ? "
                           "order by created, id", [key])
        rows = await attached_notes(db, key, rows)
        for row in rows:
            claim = (await _rows(db, "select text from claims where id = ?",
                                 [row["claim_id"]])) if row.get("claim_id") else []
            row["claim_text"] = claim[0]["text"] if claim else row.get("claim_text")
        return rows
    if not await db.table_exists("annotations"):
        return []
    rows = await _rows(db, """select a.*, c.text as current_claim from annotations a
        left join claims c on c.id = a.claim_id where a.key = ? order by a.created, a.id""",
                       [key])
    rows = [r for r in rows if not r.get("orphan_reason")]
    for row in rows:
        row["claim_text"] = row.pop("current_claim") or row.get("claim_text")
    return rows


async def attached_notes(db, key: str, notes: list[dict]) -> list[dict]:
    """The notes written on the work now under ``key`` (not on an earlier work
    that had the same key)."""
    from kb.annotate import orphan_reason
    found = await _rows(db, "select key, title, year, authors from works where key = ?", [key])
    work = found[0] if found else None
    return [n for n in notes if orphan_reason(n, work) is None]


async def here_first(db, fn, name: str):
    """``db.execute_fn(fn)``, in the server's thread first when ``db`` can
    (kb.publish.live): a small store's work page needs no SQL thread."""
    if hasattr(db, "execute_fn_here_first"):
        return await db.execute_fn_here_first(fn, name)
    return await db.execute_fn(fn)


async def work_page(datasette, request):
    key = urllib.parse.unquote(request.url_vars["key"])
    database = await kb_database(datasette)
    context = await work_context(datasette, database, key) if database else None
    if context is None:
        raise NotFound(f"No work with key {key!r}")
    html = await datasette.render_template("kb_work.html", context, request=request,
                                           view_name="kb_work")
    return Response.html(html)


async def work_bib(datasette, request):
    key = urllib.parse.unquote(request.url_vars["key"])
    database = await kb_database(datasette)
    db = datasette.get_database(database) if database else None
    if db is None or not (await db.execute(
            "select 1 from works where key = ?", [key])).rows:
        raise NotFound(f"No work with key {key!r}")
    text = await here_first(db, lambda conn: export_bibtex(sqlite_utils.Database(conn), [key]),
                            "kb:work.bib")
    return bib_response(text, key)


async def graph_page(datasette, request):
    database = await kb_database(datasette)
    if database is None:
        raise NotFound("The citation graph view is not available")
    db = datasette.get_database(database)
    html = await db.execute_fn(lambda conn: picture.render_html(
        sqlite_utils.Database(conn), work_url=datasette.urls.path("/-/work/{key}")))
    return Response.html(html)


async def css(datasette, request):
    return Response((TEMPLATES / "kb.css").read_text("utf-8"), content_type="text/css; charset=utf-8")


@hookimpl
def asgi_wrapper(datasette):
    """Cache anonymous pages of the immutable store (kb/publish/cache.py)."""
    from kb.publish import cache
    return lambda app: cache.wrap(app, datasette)


@hookimpl(wrapper=True)
def register_facet_classes():
    """Datasette's column facet, counted in one pass on search pages (kb.publish.facets)."""
    groups = yield
    return [[facets.OnePassFacet if k is ColumnFacet else k for k in group]
            for group in groups]


@hookimpl
def extra_css_urls():
    return ["/-/kb.css"]


@hookimpl
def register_routes():
    return [
        (r"^/-/kb\.css$", css),
        (r"^/-/work/(?P<key>[^/]+)\.bib$", work_bib),
        (r"^/-/work/(?P<key>[^/]+)$", work_page),
        (r"^/-/graph$", graph_page),
    ]


@hookimpl
def canned_queries(datasette, database):
    """Use the graph stage's cocitations table for cocited_with once it exists."""
    async def inner():
        db = datasette.get_database(database)
        if not await db.table_exists("cocitations"):
            return {}
        cols = set(await db.table_columns("cocitations"))
        if not COCITATION_COLUMNS <= cols or not (
                await db.execute("select 1 from cocitations limit 1")).rows:
            return {}
        meta = copy.deepcopy(datasette.metadata("queries", database=database) or {})
        query = meta.get("cocited_with")
        if not isinstance(query, dict):
            return {}
        query["sql"] = COCITED_SQL
        return {"cocited_with": query}
    return inner


# kb.graph's cocitations(work_a, work_b, weight, documents, same_note, same_claim),
# work ids, each pair once (work_a < work_b)
COCITATION_COLUMNS = set(store.TABLES["cocitations"]["columns"])
# each side of the pair through its own index (an OR join scans the whole table)
COCITED_SQL = """select o.key as work, o.title, o.year, sum(c.weight) as weight,
  sum(c.documents) as documents_together, sum(c.same_note) as notes_together,
  sum(c.same_claim) as claims_together
from (
  select work_b as other, weight, documents, same_note, same_claim from cocitations
  where work_a = (select id from works where key = :key)
  union all
  select work_a, weight, documents, same_note, same_claim from cocitations
  where work_b = (select id from works where key = :key)) c
join works o on o.id = c.other
where o.key != :key
group by o.id
order by weight desc, o.key"""
