"""The service's commands: ``netz serve``, ``netz load``, ``netz keys`` and ``netz audit``.

:func:`add_commands` puts them on the ``netz`` command line (:mod:`netz.cli` asks for them when
the command is not one of the library's), so that the library installs and runs without the
service's dependencies. The key and audit commands work on the service's database directly
(whoever can open it may manage keys). Each says which database it opened, and none makes a
new SQLite file unasked: a key made in a fresh ``var/netz.sqlite`` of whatever folder one
stands in is a key the service never sees (:func:`open_database`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from api.audit import audit, audit_entries
from api.config import Settings, load_settings
from api.db import Database, refused_connection
from api.models import AllianceRow, ApiKey
from api.schemas import without_recorded
from api.security import ROLES, create_key, find_key, grant, list_keys, revoke, set_expiry, withdraw
from api.store import save
from netz.cli import add_lang_option, add_reading_options
from netz.cohort.batch import discover
from netz.core import io
from netz.core.errors import NetzError
from netz.messages import DEFAULT_LANGUAGE, message

__all__ = ["add_commands", "add_key_commands", "load_alliances", "make_key", "open_database", "serve"]


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add the service's commands to the subcommands of ``netz`` (:func:`netz.cli.main`)."""
    serve_cmd = commands.add_parser("serve", help="start the web service (HTTP API)")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--database", help="database URL (default: NETZ_DATABASE_URL or var/netz.sqlite)")
    serve_cmd.add_argument("--demo", type=Path, action="append", default=[], metavar="PATH",
                           help="load this alliance into an empty database first (repeatable)")
    add_lang_option(serve_cmd)
    serve_cmd.set_defaults(run=_serve)

    add_key_commands(commands)

    load_cmd = commands.add_parser("load", help="store alliances in the service's database")
    load_cmd.add_argument("paths", type=Path, nargs="+", metavar="PATH",
                          help="alliance folders or files, or folders holding several (as netz batch)")
    load_cmd.add_argument("--database", help="database URL")
    add_reading_options(load_cmd)
    load_cmd.set_defaults(run=_load)


def _serve(args: argparse.Namespace) -> int:
    serve(args.host, args.port, args.database, args.demo, lang=args.lang)
    return 0


def _load(args: argparse.Namespace) -> int:
    ids = load_alliances(args.paths, args.database, lenient=args.lenient, lang=args.lang)
    print(message("cli.load.stored", args.lang, n=len(ids), ids=", ".join(map(str, ids))))
    return 0


def _settings(database: str | None) -> Settings:
    return load_settings(database_url=database) if database else load_settings()


def make_key(role: str, alliances: Sequence[int], label: str, database: str | None, *,
             expires: dt.datetime | None = None, create: bool = False) -> str:
    """Create a key in the configured database and return it (``create``: even in a new database)."""
    with open_database(database, create=create) as session:
        missing = [a for a in alliances if session.get(AllianceRow, a) is None]
        if missing:
            raise NetzError("error.keys.create_no_alliance", ids=", ".join(map(str, missing)))
        key = create_key(session, role, alliances=alliances, label=label, expires=expires, commit=False)
        audit(session, None, "key-create", None, target_key=find_key(session, key).id, target_role=role,
              alliances=list(alliances))
        session.commit()
        return key


@contextlib.contextmanager
def open_database(database: str | None, *, create: bool = False) -> Iterator[Session]:
    """A session on the service's database, migrated; says on stderr which database it is.

    Refuses (:class:`~netz.core.errors.NetzError`, exit status 2) to make a new SQLite file when none
    was named (no ``--database``, no ``NETZ_DATABASE_URL``) unless ``create``: the default file is
    relative to the current folder, which is rarely the service's.
    """
    url = _settings(database).database_url
    parsed = make_url(url)
    named = database is not None or any(name.upper() == "NETZ_DATABASE_URL" for name in os.environ)
    path = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if not named and not create and path not in (None, "", ":memory:") and not Path(str(path)).exists():
        raise NetzError("error.database.none_here", path=str(path), folder=str(Path.cwd()))
    where = f" ({Path(str(path)).resolve()})" if path not in (None, "", ":memory:") else ""
    print(f"netz: database {parsed.render_as_string(hide_password=True)}{where}", file=sys.stderr)
    db = Database(url)
    try:
        db.migrate()
        with db.sessions() as session:
            yield session
    finally:
        db.engine.dispose()


# -- netz keys, netz audit ---------------------------------------------------------------------


def add_key_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``netz keys list|create|revoke|expire|grant`` and ``netz audit`` to ``netz``'s commands."""
    keys_cmd = commands.add_parser("keys", help="manage API keys of the service")
    actions = keys_cmd.add_subparsers(required=True, metavar="ACTION")

    list_cmd = actions.add_parser("list", help="every key: id, prefix, role, status, alliances, dates")
    list_cmd.add_argument("--format", choices=("text", "json"), default="text")
    list_cmd.set_defaults(run=_keys_list)

    create_cmd = actions.add_parser("create", help="create a key; it is printed once, as the last line")
    create_cmd.add_argument("--role", required=True, choices=ROLES)
    create_cmd.add_argument("--alliance", type=int, action="append", default=[], metavar="ID",
                            help="an alliance a coordinator key is given (repeatable)")
    create_cmd.add_argument("--label", default="")
    create_cmd.add_argument("--expires", type=_moment, metavar="WHEN",
                            help="refuse the key from then on: 2027-06-30 (UTC), 2027-06-30T18:00+02:00")
    create_cmd.add_argument("--create", action="store_true",
                            help="make a new database if there is none (default: refuse)")
    create_cmd.set_defaults(run=_keys_create)

    revoke_cmd = actions.add_parser("revoke", help="refuse a key from now on (within a second everywhere)")
    revoke_cmd.add_argument("key", metavar="KEY", help="the key's id or prefix ('netz keys list')")
    revoke_cmd.set_defaults(run=_keys_revoke)

    expire_cmd = actions.add_parser("expire", help="let a key expire at a moment, or never")
    expire_cmd.add_argument("key", metavar="KEY", help="the key's id or prefix")
    when = expire_cmd.add_mutually_exclusive_group(required=True)
    when.add_argument("--at", type=_moment, metavar="WHEN", help="e.g. 2027-06-30 (UTC)")
    when.add_argument("--never", action="store_true")
    expire_cmd.set_defaults(run=_keys_expire)

    grant_cmd = actions.add_parser("grant", help="give a coordinator key further alliances, or take one")
    grant_cmd.add_argument("key", metavar="KEY", help="the key's id or prefix")
    grant_cmd.add_argument("--alliance", type=int, action="append", default=[], metavar="ID",
                           help="an alliance to give (repeatable)")
    grant_cmd.add_argument("--withdraw", type=int, action="append", default=[], metavar="ID",
                           help="an alliance to take away (repeatable)")
    grant_cmd.set_defaults(run=_keys_grant)

    audit_cmd = commands.add_parser("audit", help="who imported, changed, exported or deleted which alliance")
    audit_cmd.add_argument("--alliance", type=int, metavar="ID", help="only this alliance")
    audit_cmd.add_argument("--page", type=int, default=1)
    audit_cmd.add_argument("--per-page", type=int, default=50)
    audit_cmd.add_argument("--format", choices=("text", "json"), default="text")
    audit_cmd.set_defaults(run=_audit)
    for command in (list_cmd, create_cmd, revoke_cmd, expire_cmd, grant_cmd, audit_cmd):
        command.add_argument("--database", help="the service's database URL (default: NETZ_DATABASE_URL, "
                                                "else var/netz.sqlite in this folder, if it exists)")
        add_lang_option(command)


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; expected e.g. 2027-06-30 or "
                                         "2027-06-30T18:00+02:00") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _keys_list(args: argparse.Namespace) -> int:
    with open_database(args.database) as session:
        keys = list_keys(session)
    if args.format == "json":
        print(json.dumps(keys, default=_iso, indent=2))
        return 0
    header = tuple(message(f"cli.keys.col_{column}", args.lang) for column in (
        "id", "prefix", "role", "status", "alliances", "created", "last_used", "expires", "revoked", "label"))
    rows = [(str(k["id"]), k["prefix"], k["role"], k["status"], ",".join(map(str, k["alliances"])) or "-",
             *(_day(k[f]) for f in ("created", "last_used", "expires", "revoked")), k["label"]) for k in keys]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _keys_create(args: argparse.Namespace) -> int:
    key = make_key(args.role, args.alliance, args.label, args.database, expires=args.expires,
                   create=args.create)
    print(message("cli.keys.created", args.lang, role=args.role))
    print(key)
    return 0


def _keys_revoke(args: argparse.Namespace) -> int:
    with open_database(args.database) as session:
        row = find_key(session, args.key)
        if revoke(session, row):
            audit(session, None, "key-revoke", None, target_key=row.id)
        session.commit()
        print(message("cli.keys.revoked", args.lang, id=row.id, prefix=row.prefix, role=row.role))
    return 0


def _keys_expire(args: argparse.Namespace) -> int:
    with open_database(args.database) as session:
        row = find_key(session, args.key)
        set_expiry(row, None if args.never else args.at)
        audit(session, None, "key-expire", None, target_key=row.id,
              expires=None if args.never else args.at.isoformat())
        session.commit()
        said = "cli.keys.expires" if row.expires_at else "cli.keys.expires_never"
        print(message(said, args.lang, id=row.id, prefix=row.prefix, when=_day(row.expires_at)))
    return 0


def _keys_grant(args: argparse.Namespace) -> int:
    if not args.alliance and not args.withdraw:
        raise NetzError("error.keys.grant_nothing")
    with open_database(args.database) as session:
        row = find_key(session, args.key)
        for alliance_id in grant(session, row, args.alliance):
            audit(session, None, "key-grant", alliance_id, target_key=row.id)
        for alliance_id in args.withdraw:
            withdraw(session, row, alliance_id)
            audit(session, None, "key-withdraw", alliance_id, target_key=row.id)
        session.commit()
        given = next(k for k in list_keys(session) if k["id"] == row.id)["alliances"]
        print(message("cli.keys.granted" if given else "cli.keys.granted_none", args.lang, id=row.id,
                      prefix=row.prefix, ids=", ".join(map(str, given))))
    return 0


def _audit(args: argparse.Namespace) -> int:
    with open_database(args.database) as session:
        total, entries = audit_entries(session, alliance_id=args.alliance, page=max(args.page, 1),
                                       per_page=min(max(args.per_page, 1), 500))
    if args.format == "json":
        print(json.dumps({"total": total, "page": args.page, "entries": entries}, default=_iso, indent=2))
        return 0
    heading = "cli.audit.heading_alliance" if args.alliance else "cli.audit.heading"
    print(message(heading, args.lang, n=total, alliance=args.alliance))
    for e in entries:
        who = (f"key {e['key_id']} ({e['key_prefix']}, {e['role']})" if e["key_id"] is not None
               else "command line")
        where = f"alliance {e['alliance_id']}" if e["alliance_id"] is not None else "-"
        detail = " ".join(f"{k}={v}" for k, v in e["detail"].items())
        print(f"{_iso(e['at'])}  {e['action']:<14} {where:<14} {who}  {detail}".rstrip())
    return 0


def _iso(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    raise TypeError(f"not JSON: {value!r}")


def _day(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def load_alliances(paths: Sequence[Path], database: str | None, *, lenient: bool = False,
                   lang: str = "de") -> list[int]:
    """Read alliances from files or folders (a folder of alliance folders as ``netz batch``
    finds them: :func:`netz.cohort.batch.discover`) and store them: all of them, or (on any input
    problem) none, so that a failed command leaves nothing behind. Warnings go to stderr. Metadata
    netz records itself is left out, with a warning, as the API's import does
    (:func:`api.schemas.without_recorded`)."""
    found = [found for path in paths for found in discover(path)]
    if not found:
        raise NetzError("error.cli.no_alliance_found", paths=", ".join(map(str, paths)))
    alliances = [without_recorded(io.read(path, lenient=lenient), str(path)) for path in found]
    for alliance in alliances:
        for warning in alliance.warnings:
            print(f"netz: {message('cli.warning', lang)}: {warning.text(lang)}", file=sys.stderr)
    db = Database(_settings(database).database_url)
    try:
        db.migrate()
        with db.sessions() as session:
            rows = [save(session, alliance) for alliance in alliances]
            for row in rows:
                audit(session, None, "import", row)
            session.commit()
            return [row.id for row in rows]
    finally:
        db.engine.dispose()


def serve(host: str, port: int, database: str | None, demo: Sequence[Path] = (), *,
          lang: str = DEFAULT_LANGUAGE) -> None:
    """Start the service; with ``demo``, first load those alliances into an empty database and
    make an admin key if there is none (printed once, on a line of its own). ``lang``: the
    language of what it says."""
    import uvicorn

    from api.main import create_app

    settings = _settings(database)
    try:
        app = create_app(settings)
    except OperationalError as error:  # not there, or full: a sentence, not a traceback
        raise _unusable(settings.database_url, error) from None
    database_ = app.state.database
    _check_connections(database_)
    with database_.sessions() as session:
        if demo and not session.scalar(select(func.count()).select_from(AllianceRow)):
            for path in demo:
                save(session, without_recorded(io.read(path), str(path)))
            session.commit()
            print(f"netz: {message('cli.serve.demo_loaded', lang, n=len(demo), where=settings.database_url)}")
        if not session.scalar(select(func.count()).select_from(ApiKey).where(ApiKey.role == "admin")):
            # a label in the default language: the keys page shows it as it is stored
            key = create_key(session, "admin", label=message("cli.first_start_label"))
            print(f"netz: {message('cli.serve.admin_key', lang)}")
            print(f"  {key}")
    print(f"netz: {message('cli.serve.serving', lang, host=host, port=port)}", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_keep_alive=settings.keep_alive_seconds)


#: The share of PostgreSQL's ``max_connections`` one ``netz serve`` process may hold before it
#: warns at start (the rest: more workers, migrations, psql, backups, the tests).
CONNECTION_SHARE = 0.25


def _unusable(url: str, error: OperationalError) -> NetzError:
    """Why the service cannot start on this database, in a sentence."""
    where = make_url(url).render_as_string(hide_password=True)
    if refused_connection(error):
        return NetzError("error.database.refused", where=where)
    reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
    return NetzError("error.database.unusable", where=where, reason=reason)


def _check_connections(database: Database) -> None:
    """Warn at start when this process may hold more than :data:`CONNECTION_SHARE` of what the
    PostgreSQL server takes (``max_connections``): with several workers the server would refuse
    connections under load, and requests would get 503."""
    if database.is_sqlite:
        return
    with database.engine.connect() as connection:
        most = int(connection.exec_driver_sql("SHOW max_connections").scalar_one())
    if database.most_connections > CONNECTION_SHARE * most:
        print(f"netz: warning: each worker process may hold {database.most_connections} database "
              f"connections, more than {CONNECTION_SHARE:.0%} of the server's max_connections {most}; "
              "lower NETZ_DATABASE_POOL_SIZE", file=sys.stderr)
