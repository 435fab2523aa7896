"""Regenerate ``datasets/cohort`` (synthetic) and ``datasets/reference`` (classic public networks).

Run from the repository root::

    .venv/bin/python scripts/make_cohort.py

The cohort comes from :func:`netz.cohort.synthetic.demo_cohort` with its default seed, so
the output is the same on every machine; ``tests/test_cohort.py`` checks that
the committed files still equal what the generator makes. The reference
networks are networkx's copies of three classic data sets, written in netz's
folder format with their provenance in ``alliance.json``.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import networkx as nx
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netz.cohort.synthetic import demo_cohort, write_cohort

DATASETS = Path(__file__).resolve().parents[1] / "datasets"
NETWORKX = f"networkx {nx.__version__}, networkx.generators.social"
LICENCE = ("Distributed with networkx under its BSD-3-Clause licence; the data were published in the "
           "work cited in 'source' and are widely used for teaching and testing.")

REFERENCES = {
    "karate-club": {
        "name": "Zachary's karate club",
        "description": ("Friendships among 34 members of a university karate club, observed 1970–72, "
                        "before the club split; 'club' is the side each member joined. Tie weight: the "
                        "number of contexts in which the two members interacted. Real data, anonymised "
                        "by the author (members are numbered)."),
        "source": ("Zachary, W. W. (1977). An information flow model for conflict and fission in small "
                   "groups. Journal of Anthropological Research 33(4), 452–473. "
                   "https://doi.org/10.1086/jar.33.4.3629752"),
    },
    "florentine-families": {
        "name": "Florentine families: marriages",
        "description": ("Marriage ties among 15 leading families of Renaissance Florence (around 1430), "
                        "from Padgett's data as Breiger & Pattison coded them; networkx leaves out the "
                        "Pucci family, which had no marriage tie. Real historical data."),
        "source": ("Breiger, R. L., & Pattison, P. E. (1986). Cumulated social roles: the duality of "
                   "persons and their algebras. Social Networks 8(3), 215–256. "
                   "https://doi.org/10.1016/0378-8733(86)90006-7; Padgett, J. F., & Ansell, C. K. (1993). "
                   "Robust action and the rise of the Medici, 1400–1434. American Journal of Sociology "
                   "98(6), 1259–1319. https://doi.org/10.1086/230190"),
    },
    "southern-women": {
        "name": "Davis' Southern Women",
        "description": ("Which of 18 women attended which of 14 social events in a town of the US South "
                        "in the 1930s: two-mode data (memberships.csv, events E1–E14), which netz reads "
                        "as co-membership ties weighted by the number of events two women shared. "
                        "Real data, with the names as published."),
        "source": ("Davis, A., Gardner, B. B., & Gardner, M. R. (1941). Deep South: A Social "
                   "Anthropological Study of Caste and Class. University of Chicago Press; as coded in "
                   "Breiger, R. L. (1974). The duality of persons and groups. Social Forces 53(2), 181–190. "
                   "https://doi.org/10.2307/2576011"),
    },
}


def write_reference(folder: Path) -> None:
    """The three reference networks in netz's folder format, with provenance and licence."""
    shutil.rmtree(folder, ignore_errors=True)
    karate = nx.karate_club_graph()
    ids = {v: f"m{v + 1:02d}" for v in karate}
    _write(folder / "karate-club", "karate-club",
           pd.DataFrame({"id": [ids[v] for v in karate], "name": [f"Member {v + 1}" for v in karate],
                         "type": "other", "club": [karate.nodes[v]["club"] for v in karate]}),
           ties=pd.DataFrame([{"source": ids[u], "target": ids[v], "weight": d["weight"]}
                              for u, v, d in karate.edges(data=True)]))
    florence = nx.florentine_families_graph()
    _write(folder / "florentine-families", "florentine-families",
           pd.DataFrame({"id": [f.lower() for f in florence], "name": list(florence), "type": "other"}),
           ties=pd.DataFrame([{"source": u.lower(), "target": v.lower(), "kind": "marriage"}
                              for u, v in florence.edges()]))
    davis = nx.davis_southern_women_graph()
    women = {w: f"w{i + 1:02d}" for i, w in enumerate(davis.graph["top"])}
    _write(folder / "southern-women", "southern-women",
           pd.DataFrame({"id": list(women.values()), "name": list(women), "type": "other"}),
           memberships=pd.DataFrame([{"actor": women[w], "group": e}
                                     for w in davis.graph["top"] for e in sorted(davis[w], key=_event)]))


def _event(name: str) -> int:
    return int(name.removeprefix("E"))


def _write(path: Path, slug: str, actors: pd.DataFrame, *, ties: pd.DataFrame | None = None,
           memberships: pd.DataFrame | None = None) -> None:
    path.mkdir(parents=True)
    meta = {**REFERENCES[slug], "provenance": NETWORKX, "licence": LICENCE, "synthetic": False,
            "directed": False}
    text = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
    (path / "alliance.json").write_text(text, encoding="utf-8")
    actors.to_csv(path / "actors.csv", index=False)
    if ties is not None:
        ties.to_csv(path / "ties.csv", index=False)
    if memberships is not None:
        memberships.to_csv(path / "memberships.csv", index=False)


def main() -> None:
    cohort = DATASETS / "cohort"
    for child in cohort.iterdir() if cohort.exists() else []:
        if child.is_dir():
            shutil.rmtree(child)
    written = write_cohort(demo_cohort(), cohort)
    write_reference(DATASETS / "reference")
    size = sum(p.stat().st_size for p in DATASETS.rglob("*") if p.is_file())
    print(f"wrote {len(written)} synthetic alliances and 3 reference networks; datasets/ holds "
          f"{size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
