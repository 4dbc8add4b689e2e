"""``kb graph``: the citation graph out of the store.

    kb graph export --format graphml|gexf|json [-o FILE] [--db data/kb.db]
    kb graph export --format json --kind cocitation      # works co-cited
    kb graph show [-o FILE] [--db data/kb.db] [--top 1500]

``export`` writes documents -> works -> authors with every node and edge
attribute (json is networkx node-link data, edges under "links", ready for
d3).  ``show`` writes one self-contained HTML page (no network needed).
"""
from __future__ import annotations

from pathlib import Path

import click

from .. import graph as kbgraph
from ..publish import picture
from .options import db_option

KINDS = ("full", "cocitation", "coupling", "authors")


def _open(db_path: str):
    """The store at ``db_path`` (never created here)."""
    from ..store import connect

    path = Path(db_path)
    if not path.is_file():
        raise click.ClickException(f"{db_path}: no store there (run `kb build` first)")
    try:
        db = connect(path)
        db.execute("SELECT count(*) FROM works").fetchone()
    except Exception as e:  # not SQLite, or not a kb store
        raise click.ClickException(f"{db_path}: not a kb store ({e})")
    return db


@click.group(name="graph")
def command():
    """Export the citation graph or draw it as an interactive HTML page."""


@command.command("export")
@click.option("--format", "fmt", type=click.Choice(kbgraph.FORMATS), default="graphml",
              show_default=True, help="graphml, gexf or json (node-link, for d3).")
@click.option("--kind", type=click.Choice(KINDS), default="full", show_default=True,
              help="full: documents -> works -> authors; cocitation: works; "
                   "coupling: documents; authors: author co-citation.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write (default: standard output).")
@db_option()
def export_cmd(fmt, kind, output, db_path):
    """Write the graph with its node and edge attributes."""
    db = _open(db_path)
    links = kbgraph.load_links(db)
    if kind == "full":
        G = kbgraph.full_graph(db, links)
    elif kind == "cocitation":
        G = kbgraph.cocitation_graph(links)
    elif kind == "coupling":
        G = kbgraph.coupling_graph(links)
    else:
        G = kbgraph.author_cocitation_graph(db, links)
    text = kbgraph.export(G, output, fmt)
    if text is not None:
        click.echo(text)
    else:
        click.echo(f"{output}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges",
                   err=True)


@command.command("show")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="HTML file to write (default: graph.html beside the store).")
@db_option()
@click.option("--top", default=picture.PICTURE_TOP, show_default=True,
              help="Draw at most this many nodes (the most cited).")
def show_cmd(output, db_path, top):
    """Write the interactive picture (works offline) and print its path."""
    db = _open(db_path)
    out = Path(output) if output else Path(db_path).with_name("graph.html")
    out.write_text(picture.render_html(db, top=top), encoding="utf-8")
    click.echo(str(out))
