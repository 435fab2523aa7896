"""Alliance folders: ``alliance.json``, ``actors.csv``, ``ties.csv`` and ``memberships.csv``.

German file names are accepted too (``akteure.csv``, ``kooperationen.csv``,
``mitgliedschaften.csv``), in any case. Two-mode data — which actors sit in
which working group (Arbeitskreis) — becomes co-membership ties weighted by
the number of groups two actors share.

The CSV files netz writes are safe to open in a spreadsheet: a text cell that would run as a
formula (``=…``, ``+…``, ``-…``, ``@…``) is written with an apostrophe before it, and the reader
takes exactly that apostrophe away again (:mod:`netz.core.io.spreadsheet`), so that writing and
reading a folder gives the same alliance. A coordinator's own ``'+49 30 1234`` (the way a
spreadsheet marks a cell as text) is read as ``+49 30 1234``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from netz.core.errors import Count, InputError, Problem
from netz.core.io.meta import read_meta_json
from netz.core.io.spreadsheet import spreadsheet_safe, undo_spreadsheet_safe
from netz.core.io.tables import (
    ACTOR_ALIASES,
    ACTOR_REQUIRED,
    MEMBERSHIP_ALIASES,
    MEMBERSHIP_REQUIRED,
    TIE_ALIASES,
    TIE_REQUIRED,
    canonical_columns,
    check_bytes,
    cite_headers,
    decode_text,
    read_csv_table,
    written_headers,
)
from netz.core.limits import DEFAULT_LIMITS, Limits
from netz.core.model import Alliance

__all__ = [
    "add_co_membership_ties", "alliance_from_tables", "co_membership_ties", "read_folder", "write_folder",
]

_NAMES = {
    "meta": ("alliance.json", "buendnis.json", "bündnis.json"),
    "actors": ("actors.csv", "akteure.csv"),
    "ties": ("ties.csv", "kooperationen.csv"),
    "memberships": ("memberships.csv", "mitgliedschaften.csv"),
}
CO_MEMBERSHIP = "co-membership"


def read_folder(
    path: Path, *, directed: bool | None = None, lenient: bool = False, limits: Limits = DEFAULT_LIMITS
) -> Alliance:
    """Read an alliance folder. ``directed`` overrides what ``alliance.json`` says."""
    files = {role: _find(path, names) for role, names in _NAMES.items()}
    meta: dict = {}
    declared: bool | None = None
    if files["meta"] is not None:
        # Like the CSV files: UTF-8 (byte-order mark optional) or Windows-1252 from Notepad.
        check_bytes(files["meta"].stat().st_size, files["meta"].name, limits)
        meta, declared = read_meta_json(
            decode_text(files["meta"].read_bytes(), files["meta"].name), file=files["meta"].name,
            limits=limits,
        )
    directed = directed if directed is not None else bool(declared)
    if files["actors"] is None:
        raise InputError.single("input.no_actors_file", file=str(path),
                                found=", ".join(sorted(p.name for p in path.iterdir())) or "—")
    if files["ties"] is None and files["memberships"] is None:
        raise InputError.single("input.no_ties_file", file=str(path))
    headers: dict[str, dict[str, str]] = {}
    actors_file = files["actors"].name
    actors = _read_table(files["actors"], ACTOR_ALIASES, headers, ACTOR_REQUIRED, limits, "max_actors")
    if actors.empty:
        raise InputError.single("input.no_actors", file=actors_file)
    ties_file = files["ties"].name if files["ties"] else files["memberships"].name  # type: ignore[union-attr]
    ties = (
        _read_table(files["ties"], TIE_ALIASES, headers, TIE_REQUIRED, limits, "max_ties")
        if files["ties"] else pd.DataFrame(columns=["source", "target"])
    )
    if files["memberships"] is not None:
        members_file = files["memberships"].name
        members = _read_table(files["memberships"], MEMBERSHIP_ALIASES, headers, MEMBERSHIP_REQUIRED,
                              limits, "max_rows")
        ties = add_co_membership_ties(ties, members, actors, directed=directed, file=members_file,
                                      limits=limits)
    return alliance_from_tables(
        actors, ties, headers, directed=directed, meta=meta, lenient=lenient,
        actors_file=actors_file, ties_file=ties_file, limits=limits,
    )


def alliance_from_tables(
    actors: pd.DataFrame,
    ties: pd.DataFrame,
    headers: Mapping[str, Mapping[str, str]],
    *,
    directed: bool,
    meta: dict,
    lenient: bool,
    actors_file: str,
    ties_file: str,
    limits: Limits = DEFAULT_LIMITS,
) -> Alliance:
    """:meth:`Alliance.from_frames`, with problems and warnings citing columns as the file names them.

    Validation knows the canonical names ("weight"); the coordinator's file says
    "Stärke", so that is the column to point at.
    """
    try:
        alliance = Alliance.from_frames(
            actors, ties, directed=directed, meta=meta, lenient=lenient,
            actors_file=actors_file, ties_file=ties_file, limits=limits,
        )
    except InputError as error:
        raise InputError(cite_headers(error.problems, headers)) from None
    return dataclasses.replace(alliance, warnings=tuple(cite_headers(alliance.warnings, headers)))


def _read_table(
    path: Path, aliases: Mapping[str, tuple[str, ...]], headers: dict, required: tuple[str, ...],
    limits: Limits, rows: str,
) -> pd.DataFrame:
    raw = undo_spreadsheet_safe(read_csv_table(path, limits=limits, rows=rows))
    table = canonical_columns(raw, aliases, path.name, required=required)
    headers[path.name] = written_headers(raw, table)
    return table


def add_co_membership_ties(
    ties: pd.DataFrame, members: pd.DataFrame, actors: pd.DataFrame, *, directed: bool, file: str,
    limits: Limits = DEFAULT_LIMITS,
) -> pd.DataFrame:
    """Append co-membership ties from a memberships table (canonical columns ``actor``, ``group``).

    The projection is bounded before it is built: a group of k members gives k(k-1)/2 ties,
    so one working group of 6,000 members would give 18 million. More than
    ``limits.max_projected_ties`` in all is an :class:`InputError` naming the largest group.
    """
    if directed:
        raise InputError.single(
            "input.memberships_directed",
            file=file,
        )
    missing = [c for c in ("actor", "group") if c not in members.columns]
    if missing:
        raise InputError.single("input.missing_column", file=file, row=1, column=missing[0],
                                missing=repr(missing[0]), found=", ".join(f"'{c}'" for c in members.columns))
    known = set(actors["id"].astype(str).str.strip()) if "id" in actors.columns else set()
    actor = members["actor"].astype(str).str.strip()
    group = members["group"].astype(str).str.strip()
    problems = [
        Problem("input.unknown_member", file, int(row), "actor", {"actor": actor[row]})
        for row in actor.index[~actor.isin(known)]
    ] + [
        Problem("input.empty_group", file, int(row), "group")
        for row in group.index[group == ""]
    ]
    if problems:
        raise InputError(problems)
    _check_projection(actor, group, file, limits)
    generated = co_membership_ties(actor, group)
    ends = zip(generated["source"], generated["target"], strict=True)
    generated.index = pd.Index([f"{file}: {s}–{t}" for s, t in ends])
    if "weight" not in ties.columns:
        ties = ties.assign(weight="1")
    return pd.concat([ties, generated.astype({"weight": str})], axis=0)


def _check_projection(actor: pd.Series, group: pd.Series, file: str, limits: Limits) -> None:
    sizes = pd.DataFrame({"actor": actor, "group": group}).drop_duplicates()["group"].value_counts()
    pairs = sizes.astype("int64") * (sizes.astype("int64") - 1) // 2
    total = int(pairs.sum())
    if total > limits.max_projected_ties:
        largest = str(sizes.index[0])
        raise InputError.single(
            "input.memberships_too_many", total=Count(total), largest=largest,
            members=Count(int(sizes.iloc[0])), allowed=Count(limits.max_projected_ties), file=file,
            column="group",
        )


def co_membership_ties(actor: pd.Series, group: pd.Series) -> pd.DataFrame:
    """Project actor–group memberships onto actor–actor ties weighted by shared groups.

    W = B Bᵀ for the actor × group incidence matrix B (each membership counted
    once); the upper triangle gives one tie per pair that shares a group.

    >>> co_membership_ties(pd.Series(["a", "b", "c", "a", "b"]),
    ...                    pd.Series(["AK Sprache", "AK Sprache", "AK Sprache", "AK Arbeit", "AK Arbeit"]))
      source target  weight           kind
    0      a      b     2.0  co-membership
    1      a      c     1.0  co-membership
    2      b      c     1.0  co-membership
    """
    pairs = pd.DataFrame({"actor": actor.to_numpy(), "group": group.to_numpy()}).drop_duplicates()
    actor_codes, actor_ids = pd.factorize(pairs["actor"], sort=True)
    group_codes, group_ids = pd.factorize(pairs["group"])
    incidence = sp.csr_matrix(
        (np.ones(len(pairs)), (actor_codes, group_codes)), shape=(len(actor_ids), len(group_ids))
    )
    shared = sp.triu(incidence @ incidence.T, k=1).tocoo()
    order = np.lexsort((shared.col, shared.row))
    return pd.DataFrame({
        "source": actor_ids[shared.row[order]],
        "target": actor_ids[shared.col[order]],
        "weight": shared.data[order].astype(float),
        "kind": CO_MEMBERSHIP,
    })


def write_folder(alliance: Alliance, path: Path, *, german: bool = False) -> None:
    """Write ``alliance.json``, ``actors.csv`` and ``ties.csv`` (UTF-8, comma-separated);
    ``german=True``: ``buendnis.json``, ``akteure.csv`` and ``kooperationen.csv`` (read back alike).

    Text cells that a spreadsheet would run as formulas get an apostrophe before them
    (:func:`~netz.core.io.spreadsheet.spreadsheet_safe`); :func:`read_folder` removes it.
    """
    path.mkdir(parents=True, exist_ok=True)
    meta = {**dict(alliance.meta), "directed": alliance.directed}
    names = ("buendnis.json", "akteure.csv", "kooperationen.csv") if german else (
        "alliance.json", "actors.csv", "ties.csv")
    (path / names[0]).write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    spreadsheet_safe(alliance.actors).to_csv(path / names[1], index=False, encoding="utf-8")
    ties = alliance.ties if alliance.weighted else alliance.ties.drop(columns="weight")
    ties = ties.drop(columns=[c for c in ("kind", "wave") if ties[c].isna().all()])
    spreadsheet_safe(ties).to_csv(path / names[2], index=False, encoding="utf-8")


def _find(folder: Path, names: tuple[str, ...]) -> Path | None:
    by_lower = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    return next((by_lower[n] for n in names if n in by_lower), None)
