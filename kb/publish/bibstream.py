""".bib downloads streamed a few works at a time (issue 18, item 8).

The exporter sorts entries by key, so the keys are sorted and exported in
chunks of CHUNK; the chunks joined by a newline are exactly the whole
export (tests/test_reliability.py checks it).  The first bytes leave as soon
as the first chunk is ready, and the server never holds the whole file.
"""
from __future__ import annotations

import re
from typing import AsyncIterator, Callable

from datasette.utils.asgi import Response

CHUNK = 100


class StreamedResponse(Response):
    """A Response whose body comes from an async iterator of str chunks."""

    def __init__(self, chunks: Callable[[], AsyncIterator[str]], content_type: str,
                 headers: dict | None = None):
        super().__init__("", content_type=content_type, headers=headers)
        self.chunks = chunks

    async def asgi_send(self, send):
        headers = {k: v for k, v in self.headers.items() if k.lower() != "content-type"}
        headers["content-type"] = self.content_type
        await send({"type": "http.response.start", "status": self.status,
                    "headers": [[k.encode("latin-1"), str(v).encode("latin-1")]
                                for k, v in headers.items()]})
        async for chunk in self.chunks():
            if chunk:
                await send({"type": "http.response.body", "body": chunk.encode("utf-8"),
                            "more_body": True})
        await send({"type": "http.response.body", "body": b""})


def bib_headers(filename: str) -> dict:
    safe = re.sub(r"[^\w.-]+", "_", filename)[:80] or "kb"
    return {"content-disposition": f'attachment; filename="{safe}.bib"'}


def bib_stream(db, keys: list[str], filename: str, export: Callable) -> StreamedResponse:
    """Stream the .bib of works ``keys`` from Datasette database ``db``;
    ``export(conn, keys)`` makes the text of one chunk."""
    keys = sorted(set(keys))

    async def chunks():
        for start in range(0, len(keys), CHUNK):
            part = keys[start:start + CHUNK]
            text = await db.execute_fn(lambda conn: export(conn, part))
            yield ("\n" if start else "") + text
    return StreamedResponse(chunks, "application/x-bibtex; charset=utf-8",
                            bib_headers(filename))
