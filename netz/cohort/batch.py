"""Many alliances at once, over an executor: local processes or a Dask cluster.

:func:`run` computes one **batch row** per alliance — the comparison row of
:func:`netz.cohort.compare.compare_row`: metadata, the whole-network figures
(:data:`netz.cohort.compare.NETWORK_COLUMNS`), size class, mean degree, clustering
ratio and the null-model z-scores — and, with ``actors=True``, every actor's
metrics (:func:`netz.core.metrics.actor_metrics`). Percentile ranks are then taken
within the batch. Gaps, health scorecards and the rest of a full
:func:`netz.analysis.report.report` are *not* computed: they are about one alliance,
for its coordinator, and cost several times the figures a comparison needs.

The work goes to any ``concurrent.futures.Executor``: by default a local
``ProcessPoolExecutor``; on a cluster, ``distributed.Client(address).get_executor()``
(its workers need netz installed, and paths must be readable where they run).
The tasks are module-level functions of plain data, so the code path is the
same. Alliances are sent in chunks to keep the per-task overhead small. An
alliance that cannot be read or computed is listed in ``failures`` and the
batch goes on.

Very large alliances (more than ``split_above`` actors) are not sent as one
task: the calling process computes them after the others, and their exact
betweenness — the one computation that grows as *n·m* and dominates — is split
by source actors over the *same* executor
(:func:`netz.core.metrics.centrality.betweenness` with ``executor=``), so one
20,000-actor network uses every worker of the cluster.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Iterable, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd
from tqdm import tqdm

from netz.analysis.report import select_wave
from netz.cohort.compare import compare_row, percentile_ranks
from netz.core import io
from netz.core.errors import require
from netz.core.graph import to_igraph
from netz.core.io.spreadsheet import spreadsheet_safe
from netz.core.metrics import actor_metrics
from netz.core.metrics.brokerage import ROLES, brokerage, brokerage_expected
from netz.core.metrics.centrality import betweenness, centrality_table
from netz.core.metrics.communities import communities
from netz.core.metrics.holes import holes_table
from netz.core.metrics.mixing import ei_index
from netz.core.model import Alliance

__all__ = ["ALLIANCE_SUFFIXES", "BatchResult", "discover", "process_pool", "run", "write_results"]

#: Files that hold an alliance on their own.
ALLIANCE_SUFFIXES = (".xlsx", ".xlsm", ".graphml", ".gexf", ".json", ".zip")
_TABLE_FILES = ("actors.csv", "akteure.csv", "ties.csv", "kooperationen.csv", "memberships.csv",
                "mitgliedschaften.csv")
_META_FILES = ("alliance.json", "buendnis.json", "bündnis.json")
FAILURE_COLUMNS = ["alliance", "path", "error", "message"]


@dataclass(frozen=True)
class BatchResult:
    """What a batch produced.

    Attributes
    ----------
    alliances
        One row per alliance computed: ``alliance`` (the key), ``path``, the
        comparison row, ``seconds`` and ``cpu_seconds`` (wall-clock and CPU time of
        computing it, in the process that did) and percentile ranks within the batch.
    failures
        One row per alliance that failed: ``alliance``, ``path``, ``error`` (the
        kind of error) and ``message``.
    actors
        With ``actors=True``: one row per actor, ``alliance``, ``id`` and the metrics.
    """

    alliances: pd.DataFrame
    failures: pd.DataFrame
    actors: pd.DataFrame | None = None


def discover(root: str | Path) -> list[Path]:
    """Every alliance under ``root``, sorted: folders and single files.

    A folder holding an actors, ties or memberships table (``actors.csv``,
    ``akteure.csv``, ``ties.csv`` …) is one alliance (its subfolders are not
    searched further); so is every ``.xlsx``, ``.graphml``, ``.gexf``, ``.json``
    (other than ``alliance.json``) and ``.zip`` file elsewhere. Hidden files
    and Excel's lock files (``~$…``) are skipped. A folder with a ties table
    but no actors table is listed too, so that the batch reports it as failed.
    """
    root = Path(root)
    if not root.is_dir():
        return [root]
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        names = {f.lower() for f in files}
        if names & set(_TABLE_FILES):
            found.append(Path(folder))
            subfolders[:] = []
            continue
        for name in sorted(files):
            if name.startswith((".", "~$")) or name.lower() in _META_FILES:
                continue
            if Path(name).suffix.lower() in ALLIANCE_SUFFIXES:
                found.append(Path(folder) / name)
    return sorted(found)


def run(
    items: Mapping[str, Alliance | str | Path] | Iterable[Alliance | str | Path],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    wave: str | None = None,
    group_by: str = "type",
    null_samples: int = 100,
    seed: int = 0,
    null_max_actors: int = 1000,
    actors: bool = False,
    split_above: int = 2000,
    chunk_size: int | None = None,
    progress: bool = True,
    lenient: bool = False,
) -> BatchResult:
    """Compute the batch rows (and optionally actor metrics) of many alliances.

    Parameters
    ----------
    items
        Alliances, or paths to read them from (anything :func:`netz.core.io.read`
        reads); a mapping gives each its key (column ``alliance``), otherwise
        the key is the path, or the alliance's name.
    executor : concurrent.futures.Executor, optional
        Where the work runs: a ``ProcessPoolExecutor``, or a Dask
        ``distributed.Client(...).get_executor()``. By default a local process
        pool of ``workers`` processes is started (and shut down at the end).
    workers : int, optional
        Local processes when no executor is given (default: the number of
        CPUs); ``0`` computes everything in this process. With an executor: how
        many shares a very large alliance's betweenness is split into (default
        the CPU count).
    wave, group_by, null_samples, seed, null_max_actors
        As for :func:`netz.cohort.compare.compare_row`.
    actors : bool, optional
        Also return every actor's metrics.
    split_above : int, optional
        Alliances with more actors are computed by the caller with betweenness
        split over the executor (see the module notes).
    chunk_size : int, optional
        Alliances per task (default: about eight tasks per worker, at most 64, or 4
        with null models). In-memory alliances are sent largest first.
    progress : bool, optional
        Show a progress bar on standard error.
    lenient : bool, optional
        Read paths as :func:`netz.core.io.read` does with ``lenient=True`` (unknown types become
        ``other``, duplicate ties are dropped).

    Returns
    -------
    BatchResult
    """
    keyed = _keyed(items)
    options = {"wave": wave, "group_by": group_by, "null_samples": null_samples, "seed": seed,
               "null_max_actors": null_max_actors, "actors": actors, "split_above": split_above,
               "lenient": lenient}
    workers = (os.cpu_count() or 1) if workers is None else workers
    own = executor is None and workers > 0
    if own:
        executor = process_pool(workers)
    outcomes: dict[int, tuple[Any, ...]] = {}
    try:
        with tqdm(total=len(keyed), unit="alliance", file=sys.stderr, disable=not progress,
                  desc="netz batch") as bar:
            large = [i for i, (_, item) in enumerate(keyed)
                     if isinstance(item, Alliance) and item.n_actors > split_above]
            skip = set(large)
            pending = [(i, key, item) for i, (key, item) in enumerate(keyed) if i not in skip]
            if executor is None:
                for task in pending:
                    outcomes.update(_run_chunk([task], options))
                    bar.update(1)
            else:
                # Rows with null models take ~0.1 s each: small chunks, so that the last ones
                # leave no worker idle for long; plain rows take milliseconds: larger chunks.
                most = 4 if null_samples else 64
                size = chunk_size or max(1, min(most, math.ceil(len(pending) / (8 * max(workers, 1)))))
                # Largest alliances first (those read from files count as unknown, last).
                pending.sort(key=lambda task: -task[2].n_actors if isinstance(task[2], Alliance) else 0)
                chunks = [pending[i:i + size] for i in range(0, len(pending), size)]
                futures: dict[Future[Any], list[tuple[int, str, Any]]] = {
                    executor.submit(_run_chunk, chunk, options): chunk for chunk in chunks}
                for future in as_completed(futures):
                    chunk = futures[future]
                    try:
                        outcomes.update(future.result())
                    except Exception as error:  # a worker died, or the cluster lost the task
                        for index, key, item in chunk:
                            outcomes[index] = ("failed", key, _path(item), type(error).__name__,
                                               f"the worker computing it failed: {error}")
                    bar.update(len(chunk))
            # Very large alliances: here, with betweenness split over the executor.
            for index in [*large, *(i for i, o in outcomes.items() if o[0] == "split")]:
                key, item = keyed[index]
                outcomes[index] = _large(index, key, item, options, executor, workers)
                bar.update(1 if index in large else 0)
    finally:
        if own and executor is not None:
            executor.shutdown()
    return _result(outcomes, actors)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A local process pool for batches: forkserver processes with netz already imported.

    Forking from a server that has imported netz (pandas, igraph, scipy) once
    starts each worker in milliseconds instead of importing everything again;
    forkserver rather than fork, because this process may hold threads (a
    progress bar, a Dask client). Falls back to spawn where there is no forkserver.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["netz.cohort.batch"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def write_results(result: BatchResult, out: str | Path) -> list[Path]:
    """Write the tables as Parquet and CSV next to each other.

    ``out`` names the main table (``results.parquet`` or ``results.csv``); the
    others take its stem: ``results.failures.*`` (always, empty when nothing
    failed) and ``results.actors.*`` (with actor metrics). Parquet needs pyarrow,
    which comes with ``netz[batch]``.
    """
    require("pyarrow", extra="batch", feature="Parquet tables")
    out = Path(out)
    stem = out.with_suffix("") if out.suffix.lower() in (".parquet", ".csv") else out
    tables = {"": result.alliances, ".failures": result.failures}
    if result.actors is not None:
        tables[".actors"] = result.actors
    written = []
    for suffix, table in tables.items():
        parquet, csv = (stem.with_name(f"{stem.name}{suffix}{ext}") for ext in (".parquet", ".csv"))
        _parquet_safe(table).to_parquet(parquet, index=False)
        spreadsheet_safe(table).to_csv(csv, index=False, encoding="utf-8")
        written += [parquet, csv]
    return written


# -- tasks ------------------------------------------------------------------


def _run_chunk(chunk: list[tuple[int, str, Any]], options: dict[str, Any]) -> dict[int, tuple[Any, ...]]:
    """One task: the rows of a few alliances; failures are results, never exceptions."""
    return {index: _one(key, item, options) for index, key, item in chunk}


def _one(key: str, item: Any, options: dict[str, Any]) -> tuple[Any, ...]:
    start = _clock()
    try:
        alliance = item if isinstance(item, Alliance) else io.read(item, lenient=options["lenient"])
        if alliance.n_actors > options["split_above"]:
            return ("split", key, _path(item))
        row = compare_row(alliance, key=key, **_row_options(options))
        table = _actor_table(alliance, options) if options["actors"] else None
    except Exception as error:  # every failure is reported, none stops the batch
        return ("failed", key, _path(item), type(error).__name__, _message(error))
    return ("ok", key, _path(item), row, table, _since(start))


def _large(index: int, key: str, item: Any, options: dict[str, Any], executor: Executor | None,
           workers: int) -> tuple[Any, ...]:
    """A very large alliance, computed here with its betweenness split over the executor."""
    start = _clock()
    try:
        alliance = item if isinstance(item, Alliance) else io.read(item, lenient=options["lenient"])
        shares = max(workers, 1) if executor is not None else 1
        g = to_igraph(select_wave(alliance, options["wave"])[0])
        raw = betweenness(g, weighted=False, executor=executor, workers=shares).to_numpy()
        row = compare_row(alliance, key=key, betweenness=raw, **_row_options(options))
        table = (_actor_table(alliance, options, executor=executor, workers=shares)
                 if options["actors"] else None)
    except Exception as error:
        return ("failed", key, _path(item), type(error).__name__, _message(error))
    return ("ok", key, _path(item), row, table, _since(start))


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    """Wall-clock and CPU seconds since ``start`` (the CPU time of this process only: the
    shares of a split betweenness run elsewhere)."""
    return time.perf_counter() - start[0], time.process_time() - start[1]


def _row_options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: options[k] for k in ("wave", "group_by", "null_samples", "seed", "null_max_actors")}


def _actor_table(alliance: Alliance, options: dict[str, Any], *, executor: Executor | None = None,
                 workers: int = 1) -> pd.DataFrame:
    """Every actor's metrics (:func:`netz.core.metrics.actor_metrics`), betweenness on ``executor`` if given.

    ``actor_metrics`` takes no executor, so with one the same table is put
    together here from the same functions, in the same order.
    """
    g = to_igraph(select_wave(alliance, options["wave"])[0])
    group_by, seed = options["group_by"], options["seed"]
    if executor is None:
        table = actor_metrics(g, group_by=group_by, seed=seed)
    else:
        table = _actor_metrics_on(g, group_by, seed, executor, workers)
    return table.reset_index()


def _actor_metrics_on(g: ig.Graph, group_by: str, seed: int, executor: Executor, workers: int
                      ) -> pd.DataFrame:
    roles = brokerage(g, group_by=group_by)
    scores = brokerage_expected(g, group_by=group_by, observed=roles)
    broker = pd.concat([roles.add_prefix("brokerage."),
                        scores[[f"{role}_z" for role in ROLES]].add_prefix("brokerage.")], axis=1)
    membership, _ = communities(g, seed=seed)
    return pd.concat(
        [centrality_table(g, executor=executor, workers=workers), holes_table(g), broker,
         ei_index(g, group_by=group_by).rename("ei_index"), membership.rename("community")],
        axis=1,
    )


# -- helpers ----------------------------------------------------------------


def _keyed(items: Mapping[str, Any] | Iterable[Any]) -> list[tuple[str, Any]]:
    if isinstance(items, Mapping):
        return [(str(k), _portable(v)) for k, v in items.items()]
    keyed = []
    for i, item in enumerate(items):
        if isinstance(item, Alliance):
            keyed.append((item.name or str(i), item))
        else:
            keyed.append((str(item), _portable(item)))
    return keyed


def _portable(item: Any) -> Any:
    """Paths travel to workers as text (a cluster's workers may see another file system layout)."""
    return str(item) if isinstance(item, Path) else item


def _path(item: Any) -> str | None:
    return None if isinstance(item, Alliance) else str(item)


def _message(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if not isinstance(error, (OSError, ValueError, KeyError)) and "netz" not in type(error).__module__:
        # An unexpected error: keep where it happened, for a bug report.
        frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        if frame is not None:
            text += f" (at {Path(frame.filename).name}:{frame.lineno})"
    return text


def _result(outcomes: dict[int, tuple[Any, ...]], with_actors: bool) -> BatchResult:
    rows, failures, tables = [], [], []
    for index in sorted(outcomes):
        outcome = outcomes[index]
        if outcome[0] == "ok":
            _, key, path, row, table, (seconds, cpu) = outcome
            rows.append({**row, "alliance": key, "path": path, "seconds": seconds, "cpu_seconds": cpu})
            if table is not None:
                tables.append(table.assign(alliance=key)[["alliance", *table.columns]])
        else:
            failures.append(dict(zip(FAILURE_COLUMNS, outcome[1:], strict=True)))
    alliances = pd.DataFrame(rows)
    if rows:
        ordered = ["alliance", "path", *(c for c in alliances.columns if c not in ("alliance", "path"))]
        alliances = percentile_ranks(alliances[ordered])
    actor_table = None
    if with_actors:
        actor_table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    return BatchResult(alliances, pd.DataFrame(failures, columns=FAILURE_COLUMNS), actor_table)


def _parquet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Object columns of mixed kinds (founded 2015 here, "2015/16" there) become text for Parquet."""
    table = table.copy()
    for column in table.columns:
        values = table[column]
        if values.dtype != object:
            continue
        kinds = {type(v) for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))}
        if len(kinds) > 1:
            table[column] = values.map(lambda v: None if v is None or v != v else str(v))
    return table
