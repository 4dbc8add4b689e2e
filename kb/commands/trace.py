"""``kb trace "TEXT"`` / ``kb trace --work KEY``: sentences <-> sources."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..store import connect
from ..trace import format_claim, trace_text, trace_work
from .options import db_option


def known_work(db, key: str) -> bool:
    return db.execute("SELECT 1 FROM works WHERE key = ?", [key]).fetchone() is not None


@click.command("trace")
@click.argument("text", required=False)
@click.option("--work", "work", default=None, metavar="KEY",
              help="Every claim, in every document, citing the work KEY.")
@db_option("The store to read.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--limit", default=20, show_default=True, help="At most N claims (0: all).")
def command(text, work, db_path, as_json, limit):
    """Find the claims matching TEXT with their sources (full reference,
    pinpoint, note number, work key), or with --work every claim citing KEY."""
    if not text and not work:
        raise click.UsageError('give TEXT or --work KEY')
    if not Path(db_path).exists():
        raise click.ClickException(f"{db_path}: no such store (run `kb build` first)")
    db = connect(db_path)
    try:
        if work and not known_work(db, work):
            raise click.ClickException(f"no work with key {work!r} in {db_path}")
        if work:
            claims = trace_work(db, work, limit=limit or None)
        else:
            claims = trace_text(db, text, limit=limit or None)
    except click.ClickException:
        raise
    except Exception as e:  # a broken or foreign file: say which and why
        raise click.ClickException(f"{db_path}: {e}")
    if as_json:
        click.echo(json.dumps(claims, ensure_ascii=False, indent=2))
        return
    if not claims:
        click.echo("no matching claims")
        return
    click.echo("\n\n".join(format_claim(c) for c in claims))
