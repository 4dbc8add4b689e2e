"""A response cache for a site over an immutable store (issue 18, item 8).

``kb serve`` opens the store immutable, so a page of it is the same until
``kb build`` swaps in a new store (a new generation of kb.publish.live's
LiveStore) or a note is written.  :func:`wrap` (the kb
plugin's ``asgi_wrapper`` hook) keeps the anonymous GET responses of the
store's pages, the home page, work pages and the graph, keyed by path, query,
the notes file's version (any note written invalidates every entry) and the
store's generation (a rebuilt store does too).  A
first request streams through as usual while identical requests wait for it
(one computation per page under load); a download (a .bib export, sent as
an attachment) is streamed to those requests chunk by chunk as it is made
(:class:`Inflight`), so a big export made once starts at once for everyone.

Not cached: a request with a signed-in actor or a flash message (the page is
personal), a response that sets a cookie or is not 200, streamed CSV
(``_stream``), the notes pages, and anything when a served database other
than the notes is mutable.  Bounded: MAX_ENTRY bytes per response (room for
the .bib of a whole table: at most 50,000 works, about 15 MB), MAX_BYTES in
all (least recently used first out).

At most ``MAKERS`` pages are made at once; other requests that are not
in the cache wait their turn (first come, first served), so a page's many
SQL steps do not wait behind those of every other page being made, while
pages from the cache are sent at once.  A page's turn ends when its response
starts (a download then streams without holding it); the requests a page
makes of the site itself (``datasette.client``, a table's .bib) go in its turn.

The prewarm (``kb serve``) makes the home page, each table's first page and
the graph picture (tens of seconds on a big store) in the background once the
server has its first request.
"""
from __future__ import annotations

import asyncio
import contextvars
import os
from collections import OrderedDict

MAX_ENTRY = 24 * 1024 * 1024
MAX_BYTES = 128 * 1024 * 1024
MAKERS = 3                       # pages made at once (the rest wait their turn)
PERSONAL_COOKIES = (b"ds_actor=", b"ds_messages=")
_making = contextvars.ContextVar("kb_making_page", default=False)   # in a page's turn
WARM_ROUTES = ("/-/graph",)      # made after the table pages
SKIP_PREFIXES = ("/-/annotations", "/-/login", "/-/logout", "/-/actor", "/-/messages",
                 "/-/permissions", "/-/allow-debug", "/-/password-tool")


class ResponseCache:
    def __init__(self, max_bytes: int = MAX_BYTES, max_entry: int = MAX_ENTRY):
        self.entries: OrderedDict = OrderedDict()
        self.size = 0
        self.max_bytes, self.max_entry = max_bytes, max_entry
        self.inflight: dict = {}
        self.warming = False
        self.turns = None                # asyncio.Semaphore(MAKERS), made in the server's loop

    def get(self, key):
        hit = self.entries.get(key)
        if hit is not None:
            self.entries.move_to_end(key)
        return hit

    def put(self, key, start: dict, body: bytes) -> None:
        if len(body) > self.max_entry or key in self.entries:
            return
        self.entries[key] = (start, body)
        self.size += len(body)
        while self.size > self.max_bytes and self.entries:
            _, (_, old) = self.entries.popitem(last=False)
            self.size -= len(old)


class Inflight:
    """A response being made.  Identical requests wait for it to end, or,
    when it is a shareable download, are sent its chunks as they come."""

    def __init__(self):
        self.start, self.chunks = None, []
        self.finished = self.complete = False
        self.overflow = False          # chunks past MAX_ENTRY were not kept
        self._tick = asyncio.Event()

    def _wake(self) -> None:
        tick, self._tick = self._tick, asyncio.Event()
        tick.set()

    def started(self, message: dict) -> None:
        self.start = message
        self._wake()

    def add(self, body: bytes, keep: bool) -> None:
        if keep:
            self.chunks.append(body)
        else:
            self.overflow = True
        self._wake()

    def finish(self, complete: bool) -> None:
        self.finished, self.complete = True, complete
        self._wake()

    async def follow(self, send) -> bool:
        """Send the response along as it is made when it is a shareable
        download; False (after it ended) when the caller must look in the
        cache or make the response itself."""
        while self.start is None and not self.finished:
            await self._tick.wait()
        if self.start is None or not downloadable(self.start):
            while not self.finished:
                await self._tick.wait()
            return False
        await send(self.start)
        sent = 0
        while True:
            if self.overflow:
                raise RuntimeError("download too big to share; ask again")
            while sent < len(self.chunks):
                await send({"type": "http.response.body", "body": self.chunks[sent],
                            "more_body": True})
                sent += 1
            if self.finished:
                break
            await self._tick.wait()
        if not self.complete:
            raise RuntimeError("the shared download failed")   # never a silently short file
        await send({"type": "http.response.body", "body": b""})
        return True


class _Turn:
    """One request's turn at making a page: taken once, given back once."""

    def __init__(self, turns: asyncio.Semaphore):
        self.turns, self.held = turns, False

    async def take(self) -> None:
        await self.turns.acquire()
        self.held = True

    def end(self) -> None:
        if self.held:
            self.held = False
            self.turns.release()


def downloadable(start: dict) -> bool:
    """A shareable attachment (a .bib export): safe to stream to other requests."""
    headers = {name.lower(): value for name, value in start.get("headers") or []}
    return (start.get("status") == 200 and b"set-cookie" not in headers
            and headers.get(b"content-disposition", b"").startswith(b"attachment"))


def cache_key(scope, datasette, notes_name: str):
    """The cache key of a request, or None when it must not be cached."""
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return None
    path, query = scope.get("path", ""), scope.get("query_string", b"")
    if path.startswith(SKIP_PREFIXES) or b"_stream" in query:
        return None
    first = path.strip("/").split("/", 1)[0].split(".", 1)[0]
    if first in (notes_name, "_internal", "_memory"):
        return None
    for name, value in scope.get("headers") or []:
        if name == b"cookie" and any(c in value for c in PERSONAL_COOKIES):
            return None
    dbs = datasette.databases
    if any(db.is_mutable for name, db in dbs.items()
           if name not in (notes_name, "_internal", "_memory")):
        return None
    notes = dbs.get(notes_name)
    host = next((v for n, v in scope.get("headers") or [] if n == b"host"), b"")
    # pages hold absolute links built from the request's scheme and host; a
    # store that `kb build` replaced (kb.publish.live) starts a new generation
    return (scope.get("scheme"), host, path, query,
            file_version(notes.path if notes is not None else None),
            store_generations(dbs, notes_name))


def store_generations(dbs: dict, notes_name: str) -> tuple:
    """Each served store's generation, after a look at its file (LiveStore)."""
    out = []
    for name, db in dbs.items():
        if name not in (notes_name, "_internal", "_memory") and hasattr(db, "check"):
            db.check()
            out.append((name, db.generation))
    return tuple(out)


def shareable(start: dict | None, chunks: list[bytes]) -> bool:
    """A 200 that sets no cookie and carries no form token: the same for everyone."""
    if start is None or start.get("status") != 200:
        return False
    if any(name.lower() == b"set-cookie" for name, _ in start.get("headers") or []):
        return False
    return not any(b'name="csrftoken"' in c for c in chunks)


def file_version(path) -> tuple | None:
    """What changes when a SQLite file (or its WAL) is written."""
    if not path:
        return None
    version = []
    for f in (path, f"{path}-wal"):
        try:
            st = os.stat(f)
            version += [st.st_mtime_ns, st.st_size]
        except OSError:
            version += [None, None]
    return tuple(version)


async def prewarm(datasette, notes_name: str, app, first: dict, limit: int = 40) -> int:
    """Make the store's fixed pages once, in the background (kb serve sets
    ``datasette.kb_prewarm``): the home page, each table's first page (at
    most ``limit`` pages) and WARM_ROUTES,
    asked of ``app`` as the first request ``first`` was (same scheme and host,
    no cookies), so the cached pages link where that client's pages do."""
    paths = ["/"]
    for name, db in list(datasette.databases.items()):
        if name in (notes_name, "_internal", "_memory") or db.is_mutable:
            continue
        hidden = set(await db.hidden_table_names())
        paths += [datasette.urls.table(name, t) for t in await db.table_names()
                  if t not in hidden]
    paths = paths[:limit] + list(WARM_ROUTES)
    headers = [(n, v) for n, v in first.get("headers") or [] if n != b"cookie"]

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def discard(message):
        pass
    for path in paths:
        path, _, query = path.partition("?")
        scope = {**first, "path": path, "raw_path": path.encode(),
                 "query_string": query.encode(), "headers": headers}
        try:
            await app(scope, receive, discard)
        except Exception:  # noqa: BLE001 - a page that fails is made on demand
            pass
        await asyncio.sleep(0.01)     # requests that arrive meanwhile go first
    return len(paths)


def wrap(app, datasette):
    """ASGI app ``app`` with the response cache in front (one cache per
    Datasette: the server's app and ``datasette.client`` share it)."""
    cache = getattr(datasette, "_kb_response_cache", None)
    if cache is None:
        cache = datasette._kb_response_cache = ResponseCache()
    notes_name = (datasette.plugin_config("kb_annotations") or {}).get("database", "annotations")

    async def replay(hit, send):
        start, body = hit
        await send(start)
        await send({"type": "http.response.body", "body": body})

    async def cached_app(scope, receive, send):
        if getattr(datasette, "kb_prewarm", False) and not cache.warming \
                and scope.get("type") == "http":
            cache.warming = True
            asyncio.get_running_loop().create_task(
                prewarm(datasette, notes_name, cached_app, dict(scope)))
        key = cache_key(scope, datasette, notes_name)
        if key is None:
            return await app(scope, receive, send)
        hit = cache.get(key)
        if hit is None and key in cache.inflight:
            # the same page is being made: follow a download, else wait
            if await cache.inflight[key].follow(send):
                return
            hit = cache.get(key)
        if hit is not None:
            return await replay(hit, send)
        made = cache.inflight.setdefault(key, Inflight())
        size, complete = 0, False
        if cache.turns is None:
            cache.turns = asyncio.Semaphore(MAKERS)
        turn = _Turn(cache.turns)

        async def capture(message):
            nonlocal size
            if message["type"] == "http.response.start":
                turn.end()
                made.started(message)
            elif message["type"] == "http.response.body":
                body = message.get("body", b"")
                size += len(body)
                made.add(body, keep=size <= cache.max_entry)
            await send(message)
        try:
            if not _making.get():          # a page's own requests go in its turn
                await turn.take()
            token = _making.set(True)
            try:
                await app(scope, receive, capture)
            finally:
                _making.reset(token)
            complete = True
            if not made.overflow and shareable(made.start, made.chunks):
                cache.put(key, made.start, b"".join(made.chunks))
        finally:
            turn.end()
            if cache.inflight.get(key) is made:
                del cache.inflight[key]
            made.finish(complete)
    return cached_app
