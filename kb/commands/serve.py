"""``kb serve [--db data/kb.db] [--host 127.0.0.1] [--port 8001]``: the Datasette site.

The store is opened immutable (read-only, like ``datasette -i``) and
followed: after ``kb build`` swaps in a new store, the next request reads the
new one (kb.publish.live), never a half-written one.  With the site metadata
from the top-level metadata.yml (``--metadata`` for another file) and the
kb plugin (kb.publish.plugin).  Reviewers' notes go to ``annotations.db``
beside the store, mounted as a second, writable database ``annotations``
(``--no-annotations`` serves the store alone).

``--workers N`` serves the site from N processes on one port (uvicorn's
workers, each making the app with :func:`worker_app`), so pages made per
request can use N cores.  They share one secret (signed cookies, form tokens
and the notes login work whichever process answers); each keeps its own
response cache (so each makes a big export or the graph once itself) and
follows the store on its own.  The default is one process: on a machine
whose cores are busy with other work, two were slower than one (README, Load).

    >>> ds = make_datasette("data/kb.db")      # what the command serves
    >>> kb serve --db data/kb.db --port 8001    # http://127.0.0.1:8001/
"""
from __future__ import annotations

import asyncio
import json
import os
import secrets
from pathlib import Path

import click

from .options import db_option

SETTINGS = {
    "sql_time_limit_ms": 1000,       # a slow ad-hoc query is stopped, not the site
    "facet_time_limit_ms": 500,
    "max_returned_rows": 1000,
    "default_page_size": 50,
    "default_facet_size": 6,         # the first rows stay above the fold
    "suggest_facets": False,         # no facet suggestions: shorter pages, less work
    "allow_csv_stream": True,
}


NOTES_NAME = "annotations"   # the notes database's name on the site, whatever its file
WORKER_ENV = "KB_SERVE_WORKER"   # what kb serve tells its worker processes (JSON)


def make_datasette(db_path: str | Path, metadata_path: str | Path | None = None,
                   annotations: bool = True, settings: dict | None = None,
                   secret: str | None = None):
    """A Datasette instance serving store ``db_path`` (immutable) the kb way.

    Raises click.ClickException when the store does not exist.
    """
    from ..publish.plugin import load_metadata

    db_path = Path(db_path)
    if not db_path.is_file():
        raise click.ClickException(f"{db_path}: no such store; run `kb build` first")
    check_store(db_path)
    metadata = load_metadata(db_path.stem, metadata_path)
    notes = None
    if annotations:
        from .. import annotate
        notes = annotate.annotations_path(db_path)
        if db_path.stem == NOTES_NAME:
            raise click.ClickException(f"{db_path}: the store cannot be named {NOTES_NAME}.db")
        annotate.open_annotations(notes, recover_from=db_path).conn.close()
        metadata.setdefault("plugins", {}).setdefault(
            "kb_annotations", {"database": NOTES_NAME, "store": db_path.stem})
    from ..publish.live import KbDatasette, LiveStore, NotesDatabase

    ds = KbDatasette(metadata=metadata, settings={**SETTINGS, **(settings or {})}, secret=secret)
    # immutable, and reopened when `kb build` swaps in a new store
    ds.add_database(LiveStore(ds, str(db_path)), name=db_path.stem)
    if notes is not None:
        # mounted after the store, so the store is listed first
        ds.add_database(NotesDatabase(ds, path=str(notes), is_mutable=True), name=NOTES_NAME)
    return ds


def check_store(db_path: Path) -> None:
    """Raise click.ClickException when ``db_path`` is not a readable kb store."""
    import sqlite3
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise click.ClickException(f"{db_path}: not a kb store ({e}); "
                                   "rebuild it with `kb build`") from None
    if "works" not in tables:
        raise click.ClickException(f"{db_path}: not a kb store (no works table); "
                                   "rebuild it with `kb build`")


def check_port(host: str, port: int) -> None:
    """Raise click.ClickException when ``host:port`` cannot be listened on."""
    import socket
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as uvicorn does
            s.bind((host, port))
    except OSError as e:
        raise click.ClickException(f"cannot listen on {host}:{port}: "
                                   f"{e.strerror or e}") from None


@click.command("serve")
@db_option("The store to serve.", path_type=Path)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (0.0.0.0 exposes the site to the network).")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--metadata", "metadata_path", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Site metadata (default: the one kb ships, metadata.yml).")
@click.option("--annotations/--no-annotations", default=True, show_default=True,
              help="Mount annotations.db beside the store for reviewers' notes.")
@click.option("--sql-time-limit", "sql_time_limit_ms", default=SETTINGS["sql_time_limit_ms"],
              show_default=True, type=click.IntRange(1), help="Milliseconds per query.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes (each with its own response cache).")
def command(db_path, host, port, metadata_path, annotations, sql_time_limit_ms, workers):
    """Serve the knowledge base as a read-only Datasette site.

    Pages: tables with facets and search, ready-made questions (canned
    queries), a page per work at /-/work/KEY, .bib downloads, /-/graph.
    Reviewers sign in at /-/login as "admin" to write notes when the
    environment holds KB_ADMIN_PASSWORD_HASH (from datasette-auth-passwords'
    hash_password, or its /-/password-tool page).
    """
    import uvicorn

    settings = {"sql_time_limit_ms": sql_time_limit_ms}
    # checks the store, makes annotations.db: errors are reported before any worker starts
    ds = make_datasette(db_path, metadata_path, annotations, settings)
    check_port(host, port)
    click.echo(f"kb: serving {db_path} at http://{host}:{port}/"
               + (f" ({workers} processes)" if workers > 1 else ""), err=True)
    if workers == 1:
        asyncio.run(ds.invoke_startup())
        ds.kb_prewarm = True     # the response cache fills with the fixed pages at the first request
        uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
        return
    # one secret for all the workers: a cookie or form token signed by one is good in all
    os.environ[WORKER_ENV] = json.dumps({
        "db": str(db_path), "metadata": str(metadata_path) if metadata_path else None,
        "annotations": annotations, "settings": settings,
        "secret": os.environ.get("DATASETTE_SECRET") or secrets.token_hex(32)})
    uvicorn.run("kb.commands.serve:worker_app", factory=True, workers=workers,
                host=host, port=port, log_level="warning", lifespan="on")


def worker_app():
    """The ASGI app of one ``kb serve --workers N`` process (uvicorn's app factory)."""
    conf = json.loads(os.environ[WORKER_ENV])
    ds = make_datasette(conf["db"], conf["metadata"], conf["annotations"], conf["settings"],
                        secret=conf["secret"])
    ds.kb_prewarm = True
    return ds.app()
