"""Datasette plugin: read annotations (anyone) and write them (logged-in users).

Registered as the ``kb_annotations`` entry point (pyproject.toml).  Pages:

    GET  /-/annotations[?key=KEY]        notes (all, or on one work); forms when allowed
    POST /-/annotations/add              key, text[, claim_id]        (needs kb-annotate)
    POST /-/annotations/<id>/edit        text                          (needs kb-annotate)
    POST /-/annotations/<id>/delete                                    (needs kb-annotate)

Notes are written to a separate *mutable* database (``annotations.db``, mounted
as database ``annotations``) because the store is served immutable.  Every form
carries Datasette's ``csrftoken`` (asgi-csrf rejects POSTs without it).  The
permission ``kb-annotate`` is granted to any signed-in actor (e.g. one logged
in through datasette-auth-passwords at /-/login); anonymous visitors only read.

Plugin config (metadata ``plugins`` -> ``kb_annotations``), all optional:

    {"database": "annotations",   # the mutable notes database
     "store": "kb"}               # the store database (to check work keys)
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import sqlite_utils
from datasette import hookimpl
from datasette.utils.asgi import Forbidden, NotFound, Response
from jinja2 import ChoiceLoader, FileSystemLoader

from .. import annotate as ann

PERMISSION = "kb-annotate"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _config(datasette) -> dict:
    return datasette.plugin_config("kb_annotations") or {}


def _notes_db(datasette):
    """The mounted annotations database (mutable), or raise NotFound."""
    name = _config(datasette).get("database", "annotations")
    db = datasette.databases.get(name)
    if db is None:
        raise NotFound(f"annotations database {name!r} is not mounted")
    return db


def _store_db(datasette):
    name = _config(datasette).get("store")
    if name:
        return datasette.databases.get(name)
    for db_name, db in datasette.databases.items():   # first one with works
        if db_name not in ("_internal", _config(datasette).get("database", "annotations")):
            return db
    return None


async def _can_write(datasette, request) -> bool:
    return await datasette.permission_allowed(request.actor, PERMISSION, default=False)


async def _require_write(datasette, request):
    if not await _can_write(datasette, request):
        raise Forbidden("log in to add or edit annotations")
    db = _notes_db(datasette)
    if not db.is_mutable:
        raise Forbidden(f"annotations database {db.name!r} is read-only (mount it mutable)")
    return db


async def _work_keys(datasette, keys: list[str]) -> set[str]:
    """Which of ``keys`` are works in the store (all of them when no store)."""
    store = _store_db(datasette)
    if store is None or not await store.table_exists("works"):
        return set(keys)
    if not keys:
        return set()
    marks = ",".join("?" for _ in keys)
    rows = await store.execute(f"select key from works where key in ({marks})", keys)
    return {r["key"] for r in rows}


async def _works(datasette, keys: list[str]) -> dict[str, dict] | None:
    """{key: works row} for ``keys`` in the store (None when there is no store)."""
    store = _store_db(datasette)
    if store is None or not await store.table_exists("works"):
        return None
    found = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        rows = await store.execute("select key, title, year, authors from works where key in "
                                   f"({','.join('?' * len(chunk))})", chunk)
        found.update((r["key"], dict(r)) for r in rows)
    return found


def _back(datasette, key: str | None) -> str:
    path = datasette.urls.path("/-/annotations")
    return f"{path}?{urlencode({'key': key})}" if key else path


async def annotations_page(request, datasette):
    db = _notes_db(datasette)
    key = request.args.get("key") or None
    if await db.table_exists(ann.TABLE):
        if key:
            rows = await db.execute(f"select * from {ann.TABLE} where key = ? order by id",
                                    [key])
        else:
            rows = await db.execute(f"select * from {ann.TABLE} order by key, id")
        notes = [dict(r) for r in rows]
    else:
        notes = []
    works = await _works(datasette, sorted({n["key"] for n in notes}))
    for n in notes:
        n["orphaned"] = (ann.orphan_reason(n, works.get(n["key"])) if works is not None
                         else None)
    store = _store_db(datasette)
    return Response.html(await datasette.render_template(
        "annotations.html",
        {"notes": notes, "key": key, "can_write": await _can_write(datasette, request),
         "writable": db.is_mutable, "store_name": store.name if store else None},
        request=request))


async def add_annotation(request, datasette):
    db = await _require_write(datasette, request)
    form = await request.post_vars()
    key = (form.get("key") or "").strip()
    claim_id = (form.get("claim_id") or "").strip()
    try:
        claim_id = int(claim_id) if claim_id else None
    except ValueError:
        datasette.add_message(request, "claim id must be a number", datasette.ERROR)
        return Response.redirect(_back(datasette, key))
    if key and key not in await _work_keys(datasette, [key]):
        datasette.add_message(request, f"no work with key {key!r}", datasette.ERROR)
        return Response.redirect(_back(datasette, None))
    claim = None
    store = _store_db(datasette)
    if claim_id is not None and store is not None and await store.table_exists("claims"):
        rows = await store.execute("select id, document_id, text from claims where id = ?",
                                   [claim_id])
        claim = dict(rows.first()) if rows.first() else None
    author = (request.actor or {}).get("id")
    work = ((await _works(datasette, [key])) or {}).get(key)   # the note's work anchor

    def write(conn):
        notes = sqlite_utils.Database(conn)
        ann.ensure_table(notes)
        return ann.add(notes, key, form.get("text") or "", author=author,
                       claim_id=claim_id, claim=claim, work=work)

    try:
        row = await db.execute_write_fn(write)
    except (ann.AnnotationError, sqlite3.Error) as e:   # bad input, disk full, locked
        datasette.add_message(request, f"not saved: {e}", datasette.ERROR)
        return Response.redirect(_back(datasette, key))
    datasette.add_message(request, f"added annotation {row['id']}")
    return Response.redirect(_back(datasette, key))


async def edit_annotation(request, datasette):
    db = await _require_write(datasette, request)
    form = await request.post_vars()
    note_id = int(request.url_vars["id"])

    def write(conn):
        return ann.update(sqlite_utils.Database(conn), note_id, text=form.get("text") or "")

    try:
        row = await db.execute_write_fn(write)
    except (ann.AnnotationError, sqlite3.Error) as e:
        datasette.add_message(request, f"not saved: {e}", datasette.ERROR)
        return Response.redirect(_back(datasette, form.get("key")))
    datasette.add_message(request, f"updated annotation {note_id}")
    return Response.redirect(_back(datasette, row["key"]))


async def delete_annotation(request, datasette):
    db = await _require_write(datasette, request)
    form = await request.post_vars()
    note_id = int(request.url_vars["id"])
    try:
        gone = await db.execute_write_fn(
            lambda conn: ann.delete(sqlite_utils.Database(conn), note_id))
    except sqlite3.Error as e:
        datasette.add_message(request, f"not deleted: {e}", datasette.ERROR)
        return Response.redirect(_back(datasette, form.get("key")))
    datasette.add_message(request, f"deleted annotation {note_id}" if gone
                          else f"no annotation {note_id}",
                          datasette.INFO if gone else datasette.WARNING)
    return Response.redirect(_back(datasette, form.get("key")))


def post_only(handler):
    """Only a POST (which carries the CSRF token) may change a note; GET gets 405."""
    async def inner(request, datasette):
        if request.method != "POST":
            return Response.text("405: this address changes data; use the form (POST)",
                                 status=405, headers={"allow": "POST"})
        return await handler(request, datasette)
    return inner


# ids longer than 18 digits are no note (and would overflow SQLite's integer): 404
NOTE_ID = r"(?P<id>\d{1,18})"


@hookimpl
def register_routes():
    return [
        (r"^/-/annotations$", annotations_page),
        (r"^/-/annotations/add$", post_only(add_annotation)),
        (rf"^/-/annotations/{NOTE_ID}/edit$", post_only(edit_annotation)),
        (rf"^/-/annotations/{NOTE_ID}/delete$", post_only(delete_annotation)),
    ]


@hookimpl
def permission_allowed(actor, action):
    if action == PERMISSION and actor and actor.get("id"):
        return True
    return None


@hookimpl
def prepare_jinja2_environment(env):
    # lowest priority: kb/templates/annotation*.html
    env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(TEMPLATES))])


@hookimpl
def startup(datasette):
    async def inner():
        name = _config(datasette).get("database", "annotations")
        db = datasette.databases.get(name)
        if db is not None and db.is_mutable:
            await db.execute_write_fn(lambda conn: ann.ensure_table(sqlite_utils.Database(conn)))
    return inner


def _mounted(datasette) -> bool:
    return _config(datasette).get("database", "annotations") in datasette.databases


@hookimpl
def menu_links(datasette):
    if _mounted(datasette):
        return [{"href": datasette.urls.path("/-/annotations"), "label": "Annotations"}]
    return None


@hookimpl
def table_actions(datasette, database, table):
    if table == "works" and _mounted(datasette):
        return [{"href": datasette.urls.path("/-/annotations"),
                 "label": "Annotations on works"}]
    return None
