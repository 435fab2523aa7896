"""What keeping undo costs an edit, and what a preview of an upload costs.

Every write of an alliance's data keeps the state before it (:mod:`api.undo`), in the
transaction of the change. This measures, on SQLite in a temporary file and on an alliance of
1,000 actors and 10,000 ties (weighted, undirected): one actor renamed through
:func:`api.edits.edit` (load, validate, keep the state for undo, store), the keeping alone
(:func:`api.undo.remember` plus its flush), one undo, and :func:`netz.analysis.revision.changes` of the
alliance against a corrected copy (what the preview of an upload computes after reading the file).

    .venv/bin/python benchmarks/bench_edits.py [--actors 1000] [--ties 10000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from common import machine, median_seconds, random_alliance

from api.db import Database
from api.edits import edit
from api.store import load, save
from api.undo import remember, undo
from netz.analysis.revision import changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=1000)
    parser.add_argument("--ties", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    options = parser.parse_args()
    alliance = random_alliance(options.actors, options.ties, directed=False, weighted=True, seed=7)
    print(machine())
    print(f"alliance: {alliance.n_actors:,} actors, {alliance.n_ties:,} ties; median of {options.repeats}")
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.sqlite")
        database.migrate()
        with database.sessions() as session:
            row = save(session, alliance)
            session.commit()
            first = str(alliance.actors["id"].iloc[0])
            names = iter(range(10**9))

            def rename() -> None:
                def change(actors: pd.DataFrame) -> pd.DataFrame:
                    actors.loc[actors["id"] == first, "name"] = f"Name {next(names)}"
                    return actors
                edit(session, row, actors=change, action="edit-actor")

            def keep() -> None:
                remember(session, row, stored, "edit-actor")
                session.flush()

            def undo_once() -> None:
                undo(session, row)
                session.commit()

            stored = load(session, row)
            loaded = median_seconds(lambda: load(session, row), repeats=options.repeats)
            edited = median_seconds(rename, repeats=options.repeats)
            kept = median_seconds(keep, repeats=options.repeats)
            session.rollback()
            undone = median_seconds(undo_once, repeats=options.repeats)
    corrected = random_alliance(options.actors, options.ties, directed=False, weighted=True, seed=8)
    compared = median_seconds(lambda: changes(alliance, corrected), repeats=options.repeats)
    print(f"  load the alliance                  {loaded * 1000:8.1f} ms")
    print(f"  rename one actor (edit, all of it) {edited * 1000:8.1f} ms")
    print(f"    of which keeping it for undo     {kept * 1000:8.1f} ms  ({kept / edited:.0%} of the edit)")
    print(f"  undo                               {undone * 1000:8.1f} ms")
    print(f"  changes() for a preview            {compared * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
