"""Test-data factories: small alliances built in code, and the reference graphs on disk."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
from hypothesis import strategies as st

from netz.core.model import Actor, Alliance, Tie

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


def _numbered_rows(frame: pd.DataFrame, order: list[int]) -> pd.DataFrame:
    """The rows of ``frame`` in ``order``, numbered from 2 as in a spreadsheet with a header row."""
    out = frame.iloc[order].reset_index(drop=True)
    out.index += 2
    return out


@st.composite
def same_alliance_in_two_orders(draw: st.DrawFn, max_actors: int = 8) -> tuple[Alliance, Alliance]:
    """A small random alliance twice: rows as drawn, and actors and ties in a drawn other order.

    Directed or not, with or without weights (0.5–3); for properties that must not depend on the
    order in which a coordinator's spreadsheet lists actors and ties.
    """
    n = draw(st.integers(1, max_actors))
    directed = draw(st.booleans())
    pairs = [(u, v) for u in range(n) for v in range(n) if u != v and (directed or u < v)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) if pairs else []
    actors = pd.DataFrame({"id": [f"x{i}" for i in range(n)], "name": "N", "type": "initiative"})
    ties = pd.DataFrame({"source": [f"x{u}" for u, _ in chosen], "target": [f"x{v}" for _, v in chosen]})
    if draw(st.booleans()):
        ties["weight"] = draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0]), min_size=len(chosen),
                                       max_size=len(chosen)))
    as_drawn = Alliance.from_frames(_numbered_rows(actors, list(range(n))),
                                    _numbered_rows(ties, list(range(len(ties)))), directed=directed)
    reordered = Alliance.from_frames(
        _numbered_rows(actors, draw(st.permutations(range(n)))),
        _numbered_rows(ties, draw(st.permutations(range(len(ties))))),
        directed=directed,
    )
    return as_drawn, reordered
