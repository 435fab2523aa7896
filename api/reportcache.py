"""The report cache: the one way a computed report (or comparison row) is kept and served.

Three layers, each once:

* **key** — :func:`cache_key`: what was computed (a report's, a map layout's or the key players'
  view and options, a comparison's options), hashed when longer than the ``report_cache.key``
  column; options are written as a JSON list (:func:`options_detail`), so that two different
  requests never share a key (``None`` is not ``""``, and no ``|`` in a name can shift them);
* **store** — the ``report_cache`` table: one row per alliance and key, valid for one revision of
  the alliance (:func:`read`, :func:`store`); a write to an alliance bumps its revision and
  deletes its rows in the same transaction (:mod:`api.store`);
* **memory** — each process keeps what it served (:class:`Memory`, bounded in bytes, least
  recently used out first) as an :class:`Entry`: the JSON as sent, its gzip form and the parsed
  value, so that ``/report`` sends bytes and ``/gaps``, ``/health`` and ``/actors`` read the
  parsed report without parsing it per request.

A request first passes the access rule, which also reads the alliance's revision (a route that
serves from memory: :meth:`Cache.served`, one query for all requests that come at once,
:class:`api.deps.Access`; else :func:`api.deps.readable_alliance`), then takes the memory's entry if
it is of that revision of that alliance, else the stored row, else computes it (once per process
however many requests wait for it) and stores it. Neither a computation nor the wait for another
request's holds a connection of the pool (:func:`api.deps.release`): what it needs is loaded first,
the result stored after. The database is the truth for every worker process: a write bumps the
revision, so no worker serves an older report. An alliance is told apart from a deleted one whose id
came back (SQLite reuses the highest id) by its creation time.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import json
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Executable, LargeBinary, bindparam, cast, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.config import Settings
from api.db import Database
from api.deps import Access, AllianceState, readable_alliance, release, view_of
from api.models import AllianceRow, ApiKey, ReportCache, as_utc
from api.reports import alliance_as_seen, compute_report
from api.store import load
from netz.analysis.layout import LAYOUT_FORMAT, map_layout
from netz.analysis.report import REPORT_FORMAT, resolve_names, select_wave, to_jsonable
from netz.analysis.whatif import key_players
from netz.core.graph import to_igraph

__all__ = ["KEY_PLAYERS_KEPT", "LAYOUTS_KEPT", "Cache", "Entry", "Memory", "accepts_gzip", "cache_key",
           "computed_tag", "key_players_key", "key_players_kind", "layout_key", "layout_kind",
           "options_detail", "read", "report_key", "report_kind", "report_tag", "respond", "store",
           "stored_revisions", "view_version"]

#: The width of ``report_cache.key`` (String(200)).
KEY_WIDTH = 200
#: The version of the rules of :mod:`netz.analysis.privacy` and of the views' allow-lists (part of the
#: cache key of the views they shape: raise it when either changes).
#: p6: researchers' scorecard notes, funders' descriptions; p7: researchers' gaps with ids and steps.
PRIVACY_RULES = "p7"
#: Bodies smaller than this are not compressed (the gzip header and a hop are not worth it).
GZIP_MIN_BYTES = 1024
#: Headers of every report response: the body depends on the key and is negotiated by
#: Accept-Encoding; a client may keep it but must ask again (cheaply, with If-None-Match).
COMMON_HEADERS = {"Vary": "Accept-Encoding, Authorization", "Cache-Control": "private, no-cache"}
#: What an entry's parsed value is counted as in the memory's bound, per byte of its JSON
#: (Python objects take several times their text: measured ~5x for a 200-actor report).
PARSED_BYTES_PER_BYTE = 5
#: An alliance keeps at most this many map layouts per view (any seed may be asked for).
LAYOUTS_KEPT = 8
#: ... and this many key-player answers per view (k and the wave may vary).
KEY_PLAYERS_KEPT = 8
#: The version of the key players' answer (:func:`netz.analysis.whatif.key_players`): raise it when
#: it changes.
KEY_PLAYERS_FORMAT = 1


# -- key -----------------------------------------------------------------------------------------


def cache_key(kind: str, detail: str) -> str:
    """The ``report_cache.key`` of a computed value: its kind and what it depends on, the latter
    hashed when the whole is wider than the column."""
    key = f"{kind}|{detail}"
    if len(key) > KEY_WIDTH:
        key = f"{kind}|sha256={hashlib.sha256(key.encode()).hexdigest()}"
    return key


def options_detail(*options: str | int | None) -> str:
    """A key's options as a JSON list: one text per tuple of options and one tuple per text.

    >>> options_detail("type", None), options_detail("type", "")
    ('["type",null]', '["type",""]')
    >>> options_detail("a|b", None) != options_detail("a", "b|")
    True
    """
    return json.dumps(list(options), ensure_ascii=False, separators=(",", ":"))


def report_key(view: str, group_by: str, wave: str | None, settings: Settings) -> str:
    """A report's key: its view (with the privacy rules that shape it), the report's format
    (:data:`netz.analysis.report.REPORT_FORMAT`: none stored by an older netz is served after an upgrade)
    and options."""
    return cache_key(report_kind(view, settings), options_detail(group_by, wave))


def report_kind(view: str, settings: Settings) -> str:
    """The kind of a report's key (and its ETag's suffix): view, privacy rules and format."""
    return f"{view_version(view, settings)}/r{REPORT_FORMAT}"


def layout_key(view: str, seed: int, group_by: str | None, wave: str | None, settings: Settings) -> str:
    """A map layout's key: view, :data:`netz.analysis.layout.LAYOUT_FORMAT` and options."""
    return cache_key(layout_kind(view, settings), options_detail(seed, group_by, wave))


def layout_kind(view: str, settings: Settings) -> str:
    """The kind of a map layout's key (and its ETag's suffix)."""
    return f"layout/{view_version(view, settings)}/l{LAYOUT_FORMAT}"


def key_players_key(view: str, k: int, group_by: str, wave: str | None, settings: Settings) -> str:
    """The key players' key: view, :data:`KEY_PLAYERS_FORMAT`, how many, and the what-if's
    options (the players do not depend on ``group_by``, but an unknown one is a 422 there too)."""
    return cache_key(key_players_kind(view, settings), options_detail(k, group_by, wave))


def key_players_kind(view: str, settings: Settings) -> str:
    """The kind of the key players' key."""
    return f"keyplayers/{view_version(view, settings)}/k{KEY_PLAYERS_FORMAT}"


def view_version(view: str, settings: Settings) -> str:
    """A view with the rules that shape it: a de-identified view names the privacy rules' version
    and thresholds (``privacy_min_group``, ``privacy_min_type_group``), in its reports' cache key
    and ETag, so that neither outlives a change of them."""
    if view == "full":
        return view
    return f"{view}/{PRIVACY_RULES}/k={settings.privacy_min_group}/t={settings.privacy_min_type_group}"


# -- store ---------------------------------------------------------------------------------------


def read(session: Session, row: AllianceRow, key: str) -> bytes | None:
    """The stored JSON (UTF-8) of this key for the alliance's current revision, if there is one."""
    found = session.execute(_read_statement(session.get_bind().dialect.name),
                            {"alliance_id": row.id, "key": key, "revision": row.revision}).scalar()
    if found is None:
        return None
    return found.encode() if isinstance(found, str) else bytes(found)


@functools.cache
def _read_statement(dialect: str) -> Executable:
    """The query of a stored body, built once (building it took as long as running it).

    SQLite gives the text's UTF-8 bytes for a cast to BLOB (reading it as ``str`` and encoding it
    again cost ~0.4 ms per 180 KiB). PostgreSQL would give them only as ``bytea``, which psycopg
    receives hex-encoded and decodes more slowly than the text itself.
    """
    body = ReportCache.body if dialect == "postgresql" else cast(ReportCache.body, LargeBinary)
    return select(body).where(ReportCache.alliance_id == bindparam("alliance_id"),
                              ReportCache.key == bindparam("key"),
                              ReportCache.revision == bindparam("revision"))


def store(session: Session, row: AllianceRow, key: str, body: str, *, keep: int | None = None,
          kinds: tuple[str, ...] = ()) -> None:
    """Store a computed value for the alliance's current revision (replacing one of an older
    revision) and commit. With ``keep``, the alliance keeps only its ``keep`` most recently stored
    rows of these ``kinds`` (comparison options are unbounded: any client could fill the table).
    Another worker storing the same key first is no error (values are deterministic)."""
    try:
        session.execute(delete(ReportCache).where(ReportCache.alliance_id == row.id, ReportCache.key == key))
        session.add(ReportCache(alliance_id=row.id, key=key, revision=row.revision, body=body))
        session.flush()
        if keep is not None:
            _evict(session, row.id, keep, kinds)
        session.commit()
    except IntegrityError:
        session.rollback()


def _evict(session: Session, alliance_id: int, keep: int, kinds: tuple[str, ...]) -> None:
    """Delete the alliance's rows of these kinds but the ``keep`` most recently stored."""
    stored = session.execute(select(ReportCache.key, ReportCache.stored_at).where(
        ReportCache.alliance_id == alliance_id,
        or_(*(ReportCache.key.startswith(f"{kind}|") for kind in kinds)))).all()
    oldest_first = sorted(stored, key=lambda found: as_utc(found[1]) if found[1] else _NEVER)
    dropped = [key for key, _ in oldest_first[:max(len(stored) - keep, 0)]]
    if dropped:
        session.execute(delete(ReportCache).where(ReportCache.alliance_id == alliance_id,
                                                  ReportCache.key.in_(dropped)))


#: Rows stored before their time was (migration 0004) count as the oldest.
_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


def stored_revisions(session: Session, key: str, alliance_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(alliance id, revision) of the stored rows of this key among these alliances."""
    found = session.execute(select(ReportCache.alliance_id, ReportCache.revision).where(
        ReportCache.key == key, ReportCache.alliance_id.in_(list(alliance_ids)))).all()
    return {(alliance_id, revision) for alliance_id, revision in found}


# -- memory --------------------------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class Entry:
    """A computed value in memory, for one revision of one alliance (told apart from a deleted
    alliance whose id came back by its creation time): the JSON as sent, its gzip form (None if
    small or not smaller), the parsed value and, made when first asked for, the actor table."""

    revision: int
    created: Any
    body: bytes
    gzipped: bytes | None
    value: Any
    _actors: pd.DataFrame | None = field(default=None, repr=False)
    _parts: dict[str, bytes] = field(default_factory=dict, repr=False)
    _actor_records: list[bytes] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, row: AllianceRow, body: bytes) -> Entry:
        gzipped = None
        if len(body) >= GZIP_MIN_BYTES:
            compressed = gzip.compress(body, compresslevel=6, mtime=0)
            gzipped = compressed if len(compressed) < len(body) else None
        return cls(row.revision, row.created_at, body, gzipped, json.loads(body))

    def is_of(self, row: AllianceState | AllianceRow) -> bool:
        """Whether this is the value of the alliance as it is now."""
        return self.revision == row.revision and self.created == row.created_at

    @property
    def size(self) -> int:
        return len(self.body) * (1 + PARSED_BYTES_PER_BYTE) + len(self.gzipped or b"")

    def actors(self) -> pd.DataFrame:
        """A report's actors as a table, nested metrics as dotted columns (``brokerage.total``);
        made once (two threads may both make it: the same table)."""
        if self._actors is None:
            self._actors = pd.json_normalize(self.value["actors"], sep=".")
        return self._actors

    def part(self, name: str) -> bytes:
        """The JSON of one field of the value (a report's ``gaps``, ``health``), encoded once:
        encoding it per request was most of what serving it cost."""
        encoded = self._parts.get(name)
        if encoded is None:
            encoded = self._parts[name] = _json_bytes(self.value[name])
        return encoded

    def actor_records(self) -> list[bytes]:
        """Each of a report's actors as JSON, in the report's order, encoded once (a page of the
        actors is these joined)."""
        if self._actor_records is None:
            self._actor_records = [_json_bytes(record) for record in self.value["actors"]]
        return self._actor_records


def _json_bytes(value: Any) -> bytes:
    """JSON as the service sends it (FastAPI's ``JSONResponse``: compact, UTF-8, no NaN)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


class Memory:
    """Entries by (alliance id, key), at most ``max_bytes`` of them, least recently used out."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[tuple[int, str], Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str]) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[int, str], entry: Entry) -> None:
        # Always replaced, even by an older revision (a slow fill finishing late): revisions are
        # no order across a deleted alliance and one that got its id; a wrong copy costs a read.
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            if entry.size > self.max_bytes:
                return
            self._entries[key] = entry
            self.bytes += entry.size
            while self.bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self.bytes -= dropped.size

    def __len__(self) -> int:
        return len(self._entries)


class _Fill:
    """One key's fill: requests that miss the memory at once wait for one read or computation."""

    __slots__ = ("__weakref__", "lock")

    def __init__(self) -> None:
        self.lock = threading.Lock()


class Cache:
    """The report cache of one application (one per process): memory over the store."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self.settings = settings
        self.database = database
        self.access = Access(database)
        self.memory = Memory(settings.report_memory_bytes)
        self._fills: weakref.WeakValueDictionary[tuple[int, str], _Fill] = weakref.WeakValueDictionary()
        self._fills_lock = threading.Lock()

    async def served(self, key: ApiKey, alliance_id: int, *, group_by: str = "type",
                     wave: str | None = None) -> tuple[AllianceState | AllianceRow, Entry]:
        """:meth:`report` as a route serves it: from memory after the access rule's read
        (:class:`api.deps.Access`, shared with the requests that come at the same time), in the
        event loop; else in a worker thread, with a session (the store, or computed)."""
        state = await self.access.readable(key, alliance_id)
        entry = self.fresh((alliance_id, report_key(view_of(key), group_by, wave, self.settings)), state)
        if entry is not None:
            return state, entry

        def in_thread() -> tuple[AllianceRow, Entry]:
            with self.database.sessions() as session:
                return self.report(session, key, alliance_id, group_by=group_by, wave=wave)

        return await run_in_threadpool(in_thread)

    def report(self, session: Session, key: ApiKey, alliance_id: int, *, group_by: str = "type",
               wave: str | None = None) -> tuple[AllianceRow, Entry]:
        """The alliance (if this key may read it: 404, 403) and its report as the key's role sees it.

        ``group_by`` must name an actor column and ``wave`` a wave of the alliance (or ``all``), in
        any case (:func:`netz.analysis.report.resolve_names`); else
        :class:`netz.core.errors.UnknownNameError`.
        Each variant is stored once under the names as the alliance spells them, for every reader.
        """
        row = readable_alliance(session, key, alliance_id)
        view = view_of(key)

        def resolve() -> tuple[str, Callable[[], str]]:
            alliance = load(session, row)
            names = resolve_names(alliance, group_by, wave)
            return report_key(view, *names, self.settings), lambda: compute_report(
                session, row, alliance, view, self.settings, group_by=names[0], wave=names[1])

        return row, self.resolved(session, row, report_key(view, group_by, wave, self.settings), resolve)

    def layout(self, session: Session, row: AllianceRow, view: str, *, seed: int, group_by: str | None,
               wave: str | None) -> Entry:
        """The map layout of the alliance's ``wave`` as ``view`` sees it (:func:`map_layout`: seconds
        for thousands of actors), in one block per value of ``group_by`` (None: no blocks); the
        alliance keeps at most :data:`LAYOUTS_KEPT` per view. The map's route and the handout
        take it from here, so that either finds what the other computed."""
        settings = self.settings

        def resolve() -> tuple[str, Callable[[], str]]:
            seen = alliance_as_seen(session, row, view, settings)
            named, chosen = resolve_names(seen, group_by or "type", wave)
            column = None if group_by is None else named

            def compute() -> str:
                alliance, shown = select_wave(seen, chosen)
                body: dict[str, Any] = {"alliance": row.id, "revision": row.revision, "view": view,
                                        "wave": shown, **map_layout(alliance, seed=seed, group_by=column)}
                return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))

            return layout_key(view, seed, column, chosen, settings), compute

        return self.resolved(session, row, layout_key(view, seed, group_by, wave, settings), resolve,
                             keep=LAYOUTS_KEPT, kinds=(layout_kind(view, settings),))

    def key_players(self, session: Session, row: AllianceRow, view: str, *, k: int, group_by: str,
                    wave: str | None) -> Entry:
        """The ``k`` key players of the alliance's ``wave`` as ``view`` sees it
        (:func:`netz.analysis.whatif.key_players`: a greedy search, tens of seconds for 3,000
        actors); the alliance keeps at most :data:`KEY_PLAYERS_KEPT` answers per view. The what-if
        route and the handout take them from here."""
        settings = self.settings

        def resolve() -> tuple[str, Callable[[], str]]:
            seen = alliance_as_seen(session, row, view, settings)
            column, chosen = resolve_names(seen, group_by, wave)

            def compute() -> str:
                players = key_players(to_igraph(select_wave(seen, chosen)[0]), k)
                return json.dumps(to_jsonable(players), ensure_ascii=False, allow_nan=False)

            return key_players_key(view, k, column, chosen, settings), compute

        return self.resolved(session, row, key_players_key(view, k, group_by, wave, settings), resolve,
                             keep=KEY_PLAYERS_KEPT, kinds=(key_players_kind(view, settings),))

    def resolved(self, session: Session, row: AllianceRow, asked: str,
                 resolve: Callable[[], tuple[str, Callable[[], str]]], *, keep: int | None = None,
                 kinds: tuple[str, ...] = ()) -> Entry:
        """The entry of a value asked for under the names a client wrote (``asked``): from memory,
        else the store; else ``resolve()`` says its key under the names as the alliance spells them
        (``TYPE`` and ``type`` are one value) and how to compute its JSON, which is done only if
        that key is not stored either (see :func:`store` for ``keep`` and ``kinds``).

        ``resolve()`` loads what the computation needs; the session's transaction is then ended
        (:func:`api.deps.release`), so that a computation of seconds or minutes holds no connection of the
        pool, and the result is stored in a transaction of its own."""

        def make() -> tuple[str, bytes]:
            canonical, compute = resolve()
            stored = read(session, row, canonical) if canonical != asked else None
            if stored is not None:
                return canonical, stored
            release(session)
            body = compute()
            store(session, row, canonical, body, keep=keep, kinds=kinds)
            return canonical, body.encode()

        return self.entry(session, row, asked, make)

    def value(self, session: Session, row: AllianceRow, key: str, compute: Callable[[], Any], *,
              keep: int | None = None, kinds: tuple[str, ...] = ()) -> Any:
        """A computed JSON value of the alliance's current revision (a comparison row): from memory,
        the store, or ``compute()`` now and stored (see :func:`store` for ``keep`` and ``kinds``)."""

        def make() -> tuple[str, bytes]:
            body = json.dumps(compute(), ensure_ascii=False, allow_nan=False)
            store(session, row, key, body, keep=keep, kinds=kinds)
            return key, body.encode()

        return self.entry(session, row, key, make).value

    def fresh(self, at: tuple[int, str], state: AllianceState | AllianceRow) -> Entry | None:
        """The memory's entry at (alliance id, key) if it is of the alliance as it is now."""
        entry = self.memory.get(at)
        return entry if entry is not None and entry.is_of(state) else None

    def entry(self, session: Session, row: AllianceRow, key: str,
              make: Callable[[], tuple[str, bytes]]) -> Entry:
        """The entry of ``key`` for the alliance as ``row`` has it: from memory, else the store,
        else ``make()`` (which stores it and says under which key), once per process at a time."""
        at = (row.id, key)
        entry = self.fresh(at, row)
        if entry is not None:
            return entry
        with self._fills_lock:
            fill = self._fills.setdefault(at, _Fill())
        if not fill.lock.acquire(blocking=False):  # another request computes it: wait without a connection
            release(session)
            fill.lock.acquire()
        try:
            entry = self.fresh(at, row)  # another request's fill, while this one waited
            if entry is not None:
                return entry
            body = read(session, row, key)
            if body is None:
                _, body = make()
            entry = Entry.of(row, body)
            self.memory.put(at, entry)
        finally:
            fill.lock.release()
        return entry


# -- HTTP ----------------------------------------------------------------------------------------


def respond(entry: Entry, tag: str, *, if_none_match: str | None, accept_encoding: str | None) -> Response:
    """A report's response: gzip-compressed if the client accepts it (with the weak form of the
    ETag ``tag``), 304 if ``If-None-Match`` names the tag."""
    if entry.gzipped is not None and accepts_gzip(accept_encoding):
        body, headers = entry.gzipped, {"ETag": f"W/{tag}", "Content-Encoding": "gzip"}
    else:
        body, headers = entry.body, {"ETag": tag}
    if if_none_match is not None and _none_match(if_none_match, tag):
        return Response(status_code=304, headers={"ETag": headers["ETag"], **COMMON_HEADERS})
    return Response(body, media_type="application/json", headers={**headers, **COMMON_HEADERS})


def report_tag(row: AllianceState | AllianceRow, view: str, settings: Settings) -> str:
    """A report's strong ETag: the alliance's revision, the view (whose bodies differ, and differ
    again under other privacy rules) and the report's format (after an upgrade that changed it, a
    client's copy of the old one is not confirmed by a 304)."""
    return computed_tag(row, report_kind(view, settings))


def computed_tag(row: AllianceState | AllianceRow, kind: str) -> str:
    """The strong ETag of a computed value of one revision of an alliance: ``"id-revision-kind"``
    (its URL says the options; the kind says what shaped the body besides them)."""
    return f'"{row.id}-{row.revision}-{kind}"'


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (RFC 9110 12.5.3): ``gzip`` (or
    ``x-gzip``) with a q-value above 0, or ``*`` above 0 without gzip being refused."""
    if not accept_encoding:
        return False
    star = False
    for item in accept_encoding.split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if coding == "*":
            star = quality > 0
        else:
            return quality > 0
    return star


def _none_match(if_none_match: str, tag: str) -> bool:
    """Whether ``If-None-Match`` names this entity tag (weak comparison, RFC 9110 13.1.2)."""
    if if_none_match.strip() == "*":
        return True
    opaque = tag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == opaque for t in if_none_match.split(","))
