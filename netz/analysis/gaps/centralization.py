"""Dependence on single actors: one actor carrying much of the network's go-between work.

A statement about dependence, not about governance: lead-organisation governance is a
legitimate form (Provan & Kenis 2008); the finding says how much would be lost if that one
member dropped out.

Reference: Provan, K. G., & Kenis, P. (2008). Modes of network governance. *Journal of Public
Administration Research and Theory* 18(2), 229–252. https://doi.org/10.1093/jopart/mum015
"""

from __future__ import annotations

from collections.abc import Iterator

from netz.analysis.gaps._base import Finding, _Context

__all__ = ["over_centralization"]


def over_centralization(c: _Context) -> Iterator[Finding]:
    """Actors holding a large share of all betweenness or of all brokerage, once each.

    Both measures usually single out the same actor (in a star, the centre holds all
    of both); it is one finding, reported with the larger of its two shares. Every
    actor at or above the threshold is reported, so that two equally central actors
    are treated alike (at the default share of 0.35 there can be at most two).
    """
    if c.n < 3:
        return
    shares: dict[str, tuple[float, str]] = {}
    for column in ("betweenness", "brokerage.total"):
        if column not in c.metrics:
            continue
        values = c.metrics[column].fillna(0.0)
        total = float(values.sum())
        if total <= 0:
            continue
        part = values / total
        for actor, value in part[part >= c.rules.over_centralization_share].items():
            key = str(actor)
            if value >= c.rules.over_centralization_share and value > shares.get(key, (0.0, ""))[0]:
                shares[key] = (float(value), column)
    for actor, (share, column) in sorted(shares.items(), key=lambda item: (-item[1][0], item[0])):
        severity = "high" if share >= c.rules.over_centralization_high else "medium"
        variant = "betweenness" if column == "betweenness" else "brokerage"
        yield c.finding("over_centralization", severity, [actor], round(share, 4),
                        f"over_centralization.{variant}", {"name": c.name(actor), "share": round(share, 4)},
                        impact=share * c.n)
