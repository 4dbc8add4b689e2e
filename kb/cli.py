"""The ``kb`` command line: one click group, one module per command.

Each module in ``kb/commands/`` exposes a click command (or group) named
``command``; add its name to COMMANDS to register it.
"""
from __future__ import annotations

import importlib

import click

from . import __version__

COMMANDS = ["build", "serve", "annotate", "graph", "export", "trace", "parse"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kb")
def main():
    """kb: an annotated bibliography and citation knowledge base."""


for _name in COMMANDS:
    main.add_command(importlib.import_module(f"kb.commands.{_name}").command)
