"""Batch runs: discovery, failures that do not stop the batch, local processes and a Dask cluster."""

from __future__ import annotations

import io
import shutil
import socket
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from netz.analysis.report import select_wave
from netz.cli import main
from netz.cohort.batch import (
    SCHEDULER_SETTING,
    BatchResult,
    Pool,
    discover,
    each,
    open_executor,
    run,
    write_results,
)
from netz.cohort.compare import compare_row
from netz.cohort.synthetic import AllianceSpec, generate_alliance
from netz.core.errors import NetzError
from netz.core.graph import to_igraph
from netz.core.metrics import actor_metrics

ROOT = Path(__file__).parents[1]
COHORT = ROOT / "datasets" / "cohort"
DEMO = ROOT / "datasets" / "demo-buendnis"
SLUGS = ("falkenbrunn", "lerchenfeld", "tannhausen", "fuchsstetten", "hohenquell")
SAMPLES = 8


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five cohort alliances, the demo, a GraphML file, a broken folder and files to be ignored."""
    root = tmp_path_factory.mktemp("alliances")
    for slug in SLUGS:
        shutil.copytree(COHORT / slug, root / "cohort" / slug)
    shutil.copytree(DEMO, root / "demo")
    main(["convert", str(COHORT / "pappelhof"), str(root / "pappelhof.graphml")])
    broken = root / "zz-broken"
    broken.mkdir()
    (broken / "ties.csv").write_text("source,target\na,b\n", encoding="utf-8")
    (root / "notes.txt").write_text("not an alliance", encoding="utf-8")
    (root / "~$pappelhof.xlsx").write_text("Excel lock file", encoding="utf-8")
    (root / ".hidden.json").write_text("{}", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def local_run(tree: Path) -> BatchResult:
    """The tree computed on two local processes (shared by the tests that compare with it)."""
    return run(keyed(tree), workers=2, null_samples=SAMPLES, actors=True, chunk_size=2, progress=False)


def keyed(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in discover(root)}


def stable(result: BatchResult) -> pd.DataFrame:
    """The rows without the compute times, which differ from run to run."""
    assert (result.alliances[["seconds", "cpu_seconds"]] >= 0).all().all()
    return result.alliances.drop(columns=["seconds", "cpu_seconds"]).reset_index(drop=True)


def test_discover_finds_folders_and_files(tree: Path) -> None:
    assert list(keyed(tree)) == [*(f"cohort/{s}" for s in sorted(SLUGS)), "demo", "pappelhof.graphml",
                                 "zz-broken"]
    assert discover(DEMO) == [DEMO]


def test_a_broken_alliance_is_listed_and_the_others_written(local_run: BatchResult, tmp_path: Path) -> None:
    result = local_run
    assert result.failures["alliance"].tolist() == ["zz-broken"]
    assert result.failures["error"].tolist() == ["InputError"]
    assert "no actors file" in result.failures["message"].iloc[0]
    assert len(result.alliances) == len(SLUGS) + 2
    assert result.alliances["alliance"].tolist()[-2:] == ["demo", "pappelhof.graphml"]
    written = write_results(result, tmp_path / "results.parquet")
    assert [p.name for p in written] == [
        "results.parquet", "results.csv", "results.failures.parquet", "results.failures.csv",
        "results.actors.parquet", "results.actors.csv"]
    parquet = pd.read_parquet(tmp_path / "results.parquet")
    csv = pd.read_csv(tmp_path / "results.csv")
    assert parquet["alliance"].tolist() == csv["alliance"].tolist() == result.alliances["alliance"].tolist()
    assert parquet["density"].to_numpy() == pytest.approx(csv["density"].to_numpy())
    assert pd.read_csv(tmp_path / "results.failures.csv")["alliance"].tolist() == ["zz-broken"]


def test_rows_are_the_comparison_rows_with_ranks(tree: Path) -> None:
    result = run(keyed(tree), workers=0, null_samples=SAMPLES, progress=False)
    row = result.alliances.set_index("alliance").loc["cohort/falkenbrunn"]
    from netz import read

    expected = compare_row(read(COHORT / "falkenbrunn"), key="cohort/falkenbrunn", null_samples=SAMPLES)
    for column in ("n_actors", "density", "transitivity_z_gnm", "betweenness_centralization_z_degseq"):
        assert row[column] == pytest.approx(expected[column]), column
    assert row["path"].endswith("falkenbrunn")
    pct = result.alliances["mean_degree_pct"]
    assert pct.min() > 0 and pct.max() < 100


def test_local_processes_equal_in_process(tree: Path, local_run: BatchResult) -> None:
    here = run(keyed(tree), workers=0, null_samples=SAMPLES, actors=True, progress=False)
    pd.testing.assert_frame_equal(stable(here), stable(local_run))
    pd.testing.assert_frame_equal(here.failures, local_run.failures)
    assert here.actors is not None and local_run.actors is not None
    pd.testing.assert_frame_equal(here.actors, local_run.actors)


def test_a_dask_cluster_equals_local_processes(tree: Path, local_run: BatchResult) -> None:
    distributed = pytest.importorskip("distributed")
    local = local_run
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        remote = run(keyed(tree), executor=client.get_executor(), workers=2, null_samples=SAMPLES,
                     actors=True, progress=False)
    pd.testing.assert_frame_equal(stable(local), stable(remote))
    pd.testing.assert_frame_equal(local.failures, remote.failures)
    assert local.actors is not None and remote.actors is not None
    pd.testing.assert_frame_equal(local.actors, remote.actors)


@pytest.mark.parametrize("directed", [False, True])
def test_large_alliances_split_their_betweenness_over_the_executor(directed: bool) -> None:
    from concurrent.futures import ProcessPoolExecutor

    alliance = generate_alliance(AllianceSpec("big", "Falkenbrunn", 120, 5.0, ("2018",), directed=directed,
                                              seed=9))
    normal = run({"big": alliance}, workers=0, null_samples=SAMPLES, actors=True, progress=False)
    with ProcessPoolExecutor(2) as pool:
        split = run({"big": alliance}, executor=pool, workers=2, split_above=100, null_samples=SAMPLES,
                    actors=True, progress=False)
    pd.testing.assert_frame_equal(stable(normal), stable(split), rtol=1e-9)
    assert normal.actors is not None and split.actors is not None
    pd.testing.assert_frame_equal(normal.actors, split.actors, rtol=1e-9)
    expected = actor_metrics(to_igraph(select_wave(alliance)[0])).reset_index()
    pd.testing.assert_frame_equal(split.actors.drop(columns="alliance"), expected, rtol=1e-9)


def test_paths_read_by_workers_can_also_be_split(tree: Path) -> None:
    result = run(keyed(tree), workers=0, split_above=50, null_samples=0, progress=False)
    assert len(result.alliances) == len(SLUGS) + 2 and len(result.failures) == 1


def test_command_line_batch(tree: Path, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["batch", str(tree), "--out", str(tmp_path / "r.parquet"), "--workers", "1",
                       "--null-samples", "4", "--actors", "--no-progress"])
    assert status == 1
    assert "7 von 8 Bündnissen berechnet" in out.getvalue()
    assert "zz-broken: " in err.getvalue() and "no actors file" in err.getvalue()
    assert len(pd.read_parquet(tmp_path / "r.parquet")) == 7
    actors = pd.read_parquet(tmp_path / "r.actors.parquet")
    assert set(actors["alliance"]) == set(pd.read_csv(tmp_path / "r.csv")["alliance"])
    assert {"id", "degree", "betweenness", "constraint"} <= set(actors.columns)


# -- the one executor ----------------------------------------------------------------------------


def test_open_executor_reads_the_setting_and_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCHEDULER_SETTING, "processes:2")
    with open_executor() as pool:
        assert pool.workers == 2 and pool.executor is not None
        assert each(abs, [-1, 2, -3], executor=pool.executor) == [1, 2, 3]
    with open_executor(workers=1) as pool:  # an explicit number of local processes wins
        assert pool == Pool(None, 1)
    with open_executor("processes:0") as pool:
        assert pool == Pool(None, 1)
    monkeypatch.setenv(SCHEDULER_SETTING, "processes:zwei")
    with pytest.raises(NetzError, match="processes:N"), open_executor():
        pass


@pytest.mark.parametrize(("how", "value", "lang", "expected"), [
    ("option", "prozesse", "de", "„prozesse“ ist kein Scheduler: erwartet wird „processes“ (ein lokaler "
                                 "Prozess je Prozessorkern), „processes:N“"),
    ("setting", "processes:zwei", "de", "„processes:zwei“ ist kein Scheduler"),
    ("setting", "dask", "en", "'dask' names no scheduler: expected 'processes'"),
])
def test_a_scheduler_that_is_none_is_said_in_the_users_language(
        how: str, value: str, lang: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Failed before: a bare word was taken for a Dask host (and said to be unreachable after
    seconds), and a ``processes:N`` without a number was said in English only. Now the value and
    what is allowed, from the catalogue, at once; exit status 2, no traceback."""
    option = ["--scheduler", value] if how == "option" else []
    if how == "setting":
        monkeypatch.setenv(SCHEDULER_SETTING, value)
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        status = main(["compare", str(DEMO), "--lang", lang, *option])
    assert status == 2, err.getvalue()
    assert err.getvalue().startswith(f"netz: {expected}"), err.getvalue()
    assert "Traceback" not in err.getvalue()


@pytest.mark.parametrize(("how", "lang", "expected"), [
    ("option", "de", "Der Dask-Scheduler {} ist nicht erreichbar"),
    ("setting", "en", "The Dask scheduler {} cannot be reached")])
def test_a_scheduler_nobody_listens_at_is_a_clear_error(how: str, lang: str, expected: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Not Dask's OSError traceback after its 30 s: netz's error naming the address, exit status 2."""
    pytest.importorskip("distributed")
    with socket.socket() as probe:  # a local port that is free: nothing listens there
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    option = ["--scheduler", address] if how == "option" else []
    if how == "setting":
        monkeypatch.setenv(SCHEDULER_SETTING, address)
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        status = main(["compare", str(DEMO), "--lang", lang, *option])
    assert status == 2, err.getvalue()
    assert expected.format(address) in err.getvalue() and "Traceback" not in err.getvalue()


def test_each_keeps_the_order_and_reports_progress() -> None:
    seen: list[int] = []
    with open_executor("processes:2") as pool:
        found = each(abs, [-3, 1, -2, 5], executor=pool.executor, cost=abs, done=seen.append)
    assert found == [3, 1, 2, 5] and seen == [1, 2, 3, 4]


def test_compare_and_trends_on_a_dask_scheduler_equal_local_processes(tree: Path) -> None:
    """The command line's --scheduler names a Dask cluster; the tables are those of local processes."""
    distributed = pytest.importorskip("distributed")
    paths = [str(tree / "cohort" / slug) for slug in SLUGS[:3]]
    outputs = {}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        for where in ("processes:2", cluster.scheduler_address):
            for command in ("compare", "trends"):
                out = io.StringIO()
                with redirect_stdout(out), redirect_stderr(io.StringIO()):
                    status = main([command, *paths, "--format", "json", "--null-samples", "4",
                                   "--scheduler", where])
                assert status == 0
                outputs[where, command] = out.getvalue()
    for command in ("compare", "trends"):
        assert outputs["processes:2", command] == outputs[cluster.scheduler_address, command]
