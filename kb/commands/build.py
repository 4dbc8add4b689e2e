"""``kb build [PATH...] [--db FILE]``: documents -> the knowledge base."""
from __future__ import annotations

import sys

import click

from ..build import DEFAULT_CORPUS, BuildError, build
from .options import db_option


@click.command("build")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@db_option("The store to create or update.")
@click.option("-j", "--jobs", default=1, show_default=True,
              help="Worker processes for reading and parsing documents.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Send per-document work to a Dask cluster (tcp://host:8786).")
@click.option("--full", is_flag=True, help="Re-process every document, even unchanged ones.")
@click.option("--wait", is_flag=True, help="Wait for another running build instead of stopping.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--allow-empty", is_flag=True,
              help="Build even when no document is found (empties the store).")
@click.option("--follow-links", is_flag=True,
              help="Follow symlinks that lead out of the given folders.")
def command(paths, db_path, jobs, scheduler, full, wait, quiet, allow_empty, follow_links):
    """Build the knowledge base from PATHS (files or folders; default data/corpus/).

    Unchanged documents (same sha256) are skipped; the store is replaced
    atomically at the end, so an interrupted build leaves the old one whole.
    Exit status 1 when any file failed.
    """
    try:
        summary = build(paths or [DEFAULT_CORPUS], db_path, jobs=jobs, scheduler=scheduler,
                        full=full, wait=wait, progress=not quiet,
                        allow_empty=allow_empty, follow_links=follow_links)
    except BuildError as e:
        raise click.ClickException(str(e))
    except KeyboardInterrupt:
        click.echo(f"interrupted: {db_path} unchanged", err=True)
        sys.exit(130)
    click.echo(f"{db_path}: {summary.line()}")
    if summary.failures:
        click.echo(f"{len(summary.failures)} file(s) failed; see the build_errors table", err=True)
        sys.exit(1)
