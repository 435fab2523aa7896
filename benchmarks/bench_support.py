"""How well "Welche Bündnisse brauchen Unterstützung?" finds the alliances with a known problem.

1. A synthetic cohort (``netz.cohort.synthetic.demo_specs(--count)``), every alliance given ``--waves`` waves.
   The generator labels each alliance with the problem it carries (``meta["problem"]``): the ones
   it built in (isolated refugee organisation, single bridging municipality, church cluster apart,
   centralising) and healthy ones whose waves happened to centralise wave by wave
   (``problem_origin: chance``).
2. Each alliance's summary (:func:`netz.cohort.programme.alliance_summary`, without null models: the
   support rules do not read z-scores) on all local workers (:func:`netz.cohort.batch.open_executor`).
3. Flagged with a problem / all with a problem (per problem), false flags / healthy (per reason),
   and the alliances behind every miss and false flag.

    .venv/bin/python benchmarks/bench_support.py [--count 500] [--waves 3] [--scheduler processes:2]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import machine

from netz.cohort.batch import each, open_executor
from netz.cohort.programme import alliance_summary
from netz.cohort.synthetic import demo_specs, generate_alliance

YEARS = tuple(str(year) for year in range(2016, 2030))


def summary(spec: Any) -> dict[str, Any]:
    """A task: generate the alliance where it is computed (specs travel light) and summarise it."""
    alliance = generate_alliance(spec)
    found = alliance_summary(alliance, null_samples=0)
    return {"problem": alliance.meta.get("problem"), "origin": alliance.meta.get("problem_origin"),
            "support": found["support"], "slug": spec.slug, "n_actors": alliance.n_actors}


def reason(found: dict[str, Any]) -> str:
    """A reason as ``message`` or ``message:kind`` (a high gap's kind, a worsened indicator)."""
    params = found["params"]
    detail = params.get("kind") or params.get("indicator")
    return f"{found['message']}:{detail}" if detail else found["message"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--waves", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--scheduler", default=None,
                        help="as netz batch --scheduler (default: local processes)")
    args = parser.parse_args()
    print(machine())
    waves = YEARS[:args.waves]
    specs = [dataclasses.replace(spec, waves=waves) for spec in demo_specs(args.count, seed=args.seed)]
    start = time.perf_counter()
    with open_executor(args.scheduler) as pool:
        rows = each(summary, specs, executor=pool.executor, cost=lambda s: s.n_actors, progress=True,
                    desc="summaries")
        workers = pool.workers
    print(f"{len(rows)} alliances x {args.waves} waves generated and summarised on {workers} worker(s) in "
          f"{time.perf_counter() - start:.1f} s")
    with_problem = [r for r in rows if r["problem"]]
    healthy = [r for r in rows if not r["problem"]]
    caught = [r for r in with_problem if r["support"]]
    false = [r for r in healthy if r["support"]]
    print(f"flagged with a problem / all with a problem: {len(caught)} / {len(with_problem)}")
    print(f"false flags / healthy: {len(false)} / {len(healthy)}")
    kinds = Counter((r["problem"], r["origin"] or "built") for r in with_problem)
    for (problem, origin), total in sorted(kinds.items()):
        found = sum(1 for r in caught if (r["problem"], r["origin"] or "built") == (problem, origin))
        print(f"  {problem} ({origin}): {found} / {total}")
    for r in with_problem:
        if not r["support"]:
            print(f"  missed: {r['slug']} ({r['problem']}, {r['n_actors']} actors)")
    for r in false:
        print(f"  false flag: {r['slug']} ({r['n_actors']} actors): {', '.join(map(reason, r['support']))}")
    print("false flags by reason:", dict(Counter(reason(x) for r in false for x in r["support"])))


if __name__ == "__main__":
    main()
