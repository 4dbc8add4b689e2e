"""Options several commands share (one definition each).

    >>> @click.command()
    ... @db_option("The store to read.")
    ... def cmd(db_path): ...
"""
from __future__ import annotations

import click

from ..store import DEFAULT_DB


def db_option(help: str = "The store.", path_type: type | None = None):
    """``--db PATH`` (the store; default data/kb.db), passed as ``db_path``."""
    return click.option("--db", "db_path", default=str(DEFAULT_DB), show_default=True,
                        type=click.Path(dir_okay=False, path_type=path_type), help=help)

