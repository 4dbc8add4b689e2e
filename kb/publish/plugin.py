"""Datasette plugin (filled by the publish stage)."""
