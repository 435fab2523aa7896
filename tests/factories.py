"""Test-data factories: small alliances built in code, and the reference graphs on disk."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from netz.model import Actor, Alliance, Tie

GRAPHS = Path(__file__).parent / "fixtures" / "graphs"
REFERENCE_GRAPHS = sorted(p.name for p in GRAPHS.iterdir() if (p / "actors.csv").exists())


def make_alliance(
    types: Mapping[str, str] | Iterable[str],
    ties: Iterable[tuple[str, str] | tuple[str, str, float]],
    *,
    directed: bool = False,
    weighted: bool | None = None,
    attributes: Mapping[str, Mapping[str, object]] | None = None,
    meta: Mapping[str, object] | None = None,
) -> Alliance:
    """An alliance from ``{id: type}`` (or a list of types, ids 'a', 'b', …) and tie tuples.

    >>> make_alliance(["church", "refugee"], [("a", "b")]).n_ties
    1
    """
    if not isinstance(types, Mapping):
        types = {chr(ord("a") + i): t for i, t in enumerate(types)}
    attributes = attributes or {}
    actors = [Actor(i, i.upper(), t, attributes.get(i, {})) for i, t in types.items()]
    tie_records = [Tie(t[0], t[1], float(t[2]) if len(t) > 2 else 1.0) for t in ties]
    return Alliance.from_records(
        actors, tie_records, directed=directed, weighted=weighted, meta=meta
    )


def reference_alliance(name: str) -> Alliance:
    """One of the fixed reference graphs in ``tests/fixtures/graphs`` (see make_graphs.py)."""
    folder = GRAPHS / name
    actors = pd.read_csv(folder / "actors.csv", dtype=str, keep_default_na=False)
    ties = pd.read_csv(folder / "ties.csv", dtype=str, keep_default_na=False)
    meta = json.loads((folder / "alliance.json").read_text())
    actors.index += 2
    ties.index += 2
    return Alliance.from_frames(actors, ties, directed=meta.pop("directed"), meta=meta)
