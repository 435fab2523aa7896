"""netz — cooperation-network analysis for local alliances.

>>> import netz
>>> alliance = netz.read("datasets/demo-buendnis")
>>> alliance.n_actors, alliance.directed
(25, False)
>>> result = netz.report(alliance)
>>> sorted(result)
['actors', 'alliance', 'gaps', 'health', 'network', 'top_steps']
"""

from netz.analysis.report import analyse
from netz.analysis.report import report as report
from netz.core.errors import InputError, NetzError, Problem
from netz.core.graph import to_igraph, to_networkx
from netz.core.io import read, write
from netz.core.metrics import actor_metrics, network_metrics
from netz.core.model import Actor, Alliance, Tie
from netz.core.vocabulary import ACTOR_TYPES, canonical_type

__all__ = [
    "ACTOR_TYPES",
    "Actor",
    "Alliance",
    "InputError",
    "NetzError",
    "Problem",
    "Tie",
    "actor_metrics",
    "analyse",
    "canonical_type",
    "network_metrics",
    "read",
    "report",
    "to_igraph",
    "to_networkx",
    "write",
]

__version__ = "0.1.0"
